// The Zigbee2MQTT adapter against a Hub on an in-memory store. Device payloads
// are the ones the research notes (ecosystem-formats.md section 1) copied from
// Zigbee2MQTT's documentation and issue logs.
#include "adapters/zigbee2mqtt/zigbee2mqtt_adapter.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tests/support/memory_store.h"
#include "tests/support/recording_device_link.h"

namespace lw::adapters::zigbee2mqtt {
namespace {

using core::Connectivity;
using core::LockState;

// bridge/devices as the documentation shows it: a plug, a Danalock V3 whose
// definition exposes a lock, an unsupported sensor and the coordinator.
constexpr std::string_view kDevices = R"json([
  {"ieee_address":"0x00158d00018255df","type":"Router","network_address":29159,"supported":true,
   "friendly_name":"my_plug",
   "definition":{"model":"ZNCZ02LM","vendor":"Xiaomi","description":"Mi power plug ZigBee","options":[],
     "exposes":[{"type":"switch","features":[{"type":"binary","name":"state","property":"state"}]}]},
   "power_source":"Mains (single phase)","interviewing":false,"interview_completed":true},
  {"ieee_address":"0x000b57fffe59d3d5","type":"EndDevice","network_address":7966,"supported":true,
   "friendly_name":"house/Main Door Lock",
   "definition":{"model":"V3-BTZB","vendor":"Danalock","description":"BT/ZB smartlock","options":[],
     "exposes":[{"type":"lock","features":[
        {"type":"binary","name":"state","property":"state","value_on":"LOCK","value_off":"UNLOCK"},
        {"type":"enum","name":"lock_state","property":"lock_state","values":["not_fully_locked","locked","unlocked"]}]},
       {"type":"numeric","name":"battery","property":"battery","unit":"%"},
       {"type":"numeric","name":"linkquality","property":"linkquality"}]},
   "power_source":"Battery","model_id":"V3-BTZB","software_build_id":"0.8.3","interviewing":false,
   "interview_completed":true},
  {"ieee_address":"0x00169a00022256da","type":"Router","network_address":22160,"supported":false,
   "friendly_name":"my_sensor","definition":null,"power_source":"Battery"},
  {"ieee_address":"0x00124b00120144ae","type":"Coordinator","network_address":0,"supported":false,
   "friendly_name":"Coordinator","definition":null,"power_source":null}
])json";

constexpr std::string_view kLockTopic = "zigbee2mqtt/house/Main Door Lock";
class Z2mAdapterTest : public ::testing::Test {
 protected:
  Z2mAdapterTest() {
    EXPECT_TRUE(hub_.load());
    router_.claim_with(adapter_);
  }

  void hear(std::string_view topic, std::string_view payload) {
    EXPECT_TRUE(adapter_.handle(topic, payload));
  }
  void discover() { hear("zigbee2mqtt/bridge/devices", kDevices); }

  [[nodiscard]] const core::LockRecord& lock() const {
    const core::LockRecord* l = hub_.find_lock(id_);
    EXPECT_NE(l, nullptr);
    return *l;
  }
  std::vector<core::EventRecord> history() {
    auto page = hub_.events(id_, 100, std::nullopt);
    EXPECT_TRUE(page);
    return page ? page->events : std::vector<core::EventRecord>{};
  }

  const LockId id_{"house-main-door-lock"};
  core::ManualClock clock_;
  core::MemoryStore store_;
  lw::testing::RecordingDeviceLink native_;
  LinkRouter router_{native_};
  core::NullEventSink sink_;
  core::SeededRandom random_{5};
  core::Hub hub_{clock_, store_, router_, sink_, random_, core::HubOptions{}};
  std::vector<std::pair<std::string, std::string>> published_;
  bool broker_up_{true};
  Zigbee2MqttAdapter adapter_{{"zigbee2mqtt", "house", std::chrono::hours(1)},
                              hub_,
                              [this](std::string_view topic, std::string_view payload) -> Result<void> {
                                if (!broker_up_) return unavailable("broker not connected");
                                published_.emplace_back(topic, payload);
                                return ok();
                              }};
};

TEST(Z2mLockIds, FriendlyNamesBecomeValidLockIds) {
  EXPECT_EQ(lock_id_for("Back door", "0x000b57fffe59da21"), "back-door");
  EXPECT_EQ(lock_id_for("house/Main Door Lock", "0x000b57fffe59da21"), "house-main-door-lock");
  EXPECT_EQ(lock_id_for("  Front -- door!  ", "0x000b57fffe59da21"), "front-door");
  EXPECT_EQ(lock_id_for("0x000b57fffe59da21", "0x000b57fffe59da21"), "0x000b57fffe59da21");
  EXPECT_EQ(lock_id_for("Küche", "0x1"), "k-che");
  EXPECT_EQ(lock_id_for("???", "0x000b57fffe59da21"), "0x000b57fffe59da21");
  const std::string id = lock_id_for(std::string(100, 'a'), "0x1");
  EXPECT_EQ(id.size(), 64U);
  EXPECT_TRUE(validate_id("id", lock_id_for("a/b c.d_e-f", "0x1")));
}

TEST_F(Z2mAdapterTest, OnlyDevicesThatExposeALockJoinTheHubAsZigbeeLocksOfTheSite) {
  EXPECT_FALSE(adapter_.handle("lw/v1/house/front/state", "{}"));
  discover();
  ASSERT_EQ(hub_.locks().size(), 1U);
  EXPECT_EQ(lock().site, "house");
  EXPECT_EQ(lock().name, "house/Main Door Lock");
  EXPECT_EQ(lock().transport, core::Transport::zigbee);
  EXPECT_EQ(lock().heartbeat, std::chrono::hours(1));
  const Zigbee2MqttAdapter::Device* d = adapter_.device(id_);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->ieee_address, "0x000b57fffe59d3d5");
  EXPECT_TRUE(adapter_.speaks_for(id_));
  EXPECT_FALSE(adapter_.speaks_for("my_plug"));
}

TEST_F(Z2mAdapterTest, ARenamedDeviceKeepsItsLock) {
  discover();
  std::string renamed(kDevices);
  renamed.replace(renamed.find("house/Main Door Lock"), 20, "Front door");
  hear("zigbee2mqtt/bridge/devices", renamed);
  ASSERT_EQ(hub_.locks().size(), 1U);
  EXPECT_EQ(adapter_.device(id_)->friendly_name, "Front door");
  hear("zigbee2mqtt/Front door",
       R"({"battery":88,"linkquality":92,"lock_state":"unlocked","state":"UNLOCK"})");
  EXPECT_EQ(lock().battery_pct, 88);
}

// Kwikset Convert, Z2M 2025 (research notes 1.2): a manual unlock reported with a stale lock_state.
TEST_F(Z2mAdapterTest, AReportGivesStateBatteryVoltageAndTheOperationWithItsSource) {
  discover();
  hear(
      kLockTopic,
      R"({"action":"manual_unlock","action_source":2,"action_source_name":"manual","action_user":65535,"battery":70,"last_seen":"2025-08-07T22:10:54+00:00","linkquality":112,"lock_state":"locked","sound_volume":"silent_mode","state":"LOCK","voltage":5000})");
  EXPECT_EQ(lock().connectivity, Connectivity::online);
  EXPECT_EQ(lock().battery_pct, 70);
  EXPECT_EQ(lock().battery_mv, 5000);
  EXPECT_EQ(lock().lock_state, LockState::locked);
  const auto events = history();
  const auto op = std::find_if(events.begin(), events.end(), [](const core::EventRecord& e) {
    return e.kind == core::EventKind::lock_operation;
  });
  ASSERT_NE(op, events.end());
  EXPECT_EQ(op->operation, core::LockAction::unlock);
  EXPECT_EQ(op->source, core::OperationSource::manual);
  EXPECT_FALSE(op->user);  // 65535: no user
}

// Yale YRD226HA2619 keypad (research notes 1.2): action null is no operation; a keypad
// unlock by user 2 is.
TEST_F(Z2mAdapterTest, KeypadOperationsNameTheirUser) {
  discover();
  hear(
      kLockTopic,
      R"({"battery":100,"linkquality":255,"lock_state":"unlocked","state":"UNLOCK","action":null,"action_source":0,"action_source_name":null,"action_source_user":null,"action_user":2})");
  hear(
      kLockTopic,
      R"({"action":"unlock","action_source":0,"action_source_name":"keypad","action_user":2,"battery":100,"linkquality":250,"lock_state":"unlocked","state":"UNLOCK"})");
  int operations = 0;
  for (const core::EventRecord& e : history()) {
    if (e.kind != core::EventKind::lock_operation) continue;
    ++operations;
    EXPECT_EQ(e.source, core::OperationSource::keypad);
    EXPECT_EQ(e.user, "2");
  }
  EXPECT_EQ(operations, 1);
}

TEST_F(Z2mAdapterTest, AvailabilityInBothFormsMovesTheLock) {
  discover();
  hear(kLockTopic, R"({"battery":88,"linkquality":92,"lock_state":"unlocked","state":"UNLOCK"})");
  clock_.advance(1s);
  hear("zigbee2mqtt/house/Main Door Lock/availability", R"({"state":"offline"})");
  EXPECT_EQ(lock().connectivity, Connectivity::offline);
  clock_.advance(1s);
  hear("zigbee2mqtt/house/Main Door Lock/availability", "online");  // Z2M 1.x legacy payload
  EXPECT_EQ(lock().connectivity, Connectivity::online);
}

TEST_F(Z2mAdapterTest, AvailabilityHeardBeforeTheDeviceListCountsOnceTheLockIsKnown) {
  hear("zigbee2mqtt/house/Main Door Lock/availability", R"({"state":"online"})");
  discover();
  EXPECT_EQ(lock().connectivity, Connectivity::online);
}

TEST_F(Z2mAdapterTest, TheBridgeGoingOfflineMakesItsLocksUnreachableWithAHubOfflineCase) {
  discover();
  hear(kLockTopic, R"({"battery":88,"linkquality":92,"lock_state":"unlocked","state":"UNLOCK"})");
  clock_.advance(1s);
  hear("zigbee2mqtt/bridge/state", R"({"state":"offline"})");
  EXPECT_EQ(lock().connectivity, Connectivity::unreachable);
  const auto cases = hub_.doctor().open_cases();
  ASSERT_EQ(cases.size(), 1U);
  ASSERT_FALSE(cases[0]->hypotheses.empty());
  EXPECT_EQ(cases[0]->hypotheses[0].cause, core::Cause::hub_offline);
  clock_.advance(1s);
  hear("zigbee2mqtt/bridge/state", "online");  // 1.x legacy
  hear(kLockTopic, R"({"battery":88,"linkquality":92,"lock_state":"unlocked","state":"UNLOCK"})");
  EXPECT_EQ(lock().connectivity, Connectivity::online);
}

TEST_F(Z2mAdapterTest, ABridgeOfflineBeforeItsDeviceListIsToldOnceItsLocksAreKnown) {
  hear("zigbee2mqtt/bridge/state", R"({"state":"offline"})");
  discover();
  EXPECT_EQ(lock().connectivity, Connectivity::unreachable);
}

// RF unlock through Z2M (research notes 1.2, issue 11713 and the Yale bounce): the operation
// event comes first with the old lock_state; the next report has the new one.
TEST_F(Z2mAdapterTest, AnUnlockIsPublishedOnSetAndCompletesWhenTheStateShowsIt) {
  discover();
  hear(kLockTopic, R"({"battery":100,"linkquality":193,"lock_state":"locked","state":"LOCK"})");
  auto action = hub_.request_action(id_, core::LockAction::unlock);
  ASSERT_TRUE(action);
  ASSERT_EQ(published_.size(), 1U);
  EXPECT_EQ(published_[0].first, "zigbee2mqtt/house/Main Door Lock/set");
  EXPECT_EQ(published_[0].second, R"({"state":"UNLOCK"})");
  EXPECT_TRUE(native_.sent().empty());
  hear(
      kLockTopic,
      R"({"action":"unlock","action_source":1,"action_source_name":"rf","action_user":65535,"battery":100,"linkquality":193,"lock_state":"locked","state":"LOCK"})");
  EXPECT_EQ(hub_.find_action(action->id)->status, core::ActionStatus::pending);
  hear(kLockTopic, R"({"battery":100,"linkquality":189,"lock_state":"unlocked","state":"UNLOCK"})");
  auto done = hub_.find_action(action->id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, core::ActionStatus::succeeded);
  EXPECT_EQ(lock().lock_state, LockState::unlocked);
}

// Weiser SmartCode 10 / Danalock (research notes 1.7): the bridge logs the failed /set.
TEST_F(Z2mAdapterTest, AFailedSetInTheBridgeLogFailsTheAction) {
  discover();
  hear(kLockTopic, R"({"battery":100,"linkquality":20,"lock_state":"unlocked","state":"UNLOCK"})");
  auto action = hub_.request_action(id_, core::LockAction::lock);
  ASSERT_TRUE(action);
  hear(
      "zigbee2mqtt/bridge/logging",
      R"({"level":"error","message":"Publish 'set' 'state' to 'house/Main Door Lock' failed: 'Error: Data request failed with error: 'MAC transaction expired' (240)'"})");
  auto done = hub_.find_action(action->id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, core::ActionStatus::failed);
  EXPECT_EQ(done->reason, "undelivered");
  EXPECT_NE(done->detail.find("MAC transaction expired"), std::string::npos) << done->detail;
}

TEST_F(Z2mAdapterTest, AJammedReportFailsTheLockCommandAndRaisesOneAlarm) {
  discover();
  hear(kLockTopic, R"({"battery":90,"linkquality":120,"lock_state":"unlocked","state":"UNLOCK"})");
  auto action = hub_.request_action(id_, core::LockAction::lock);
  ASSERT_TRUE(action);
  hear(kLockTopic, R"({"door_state":"error_jammed","lock_state":"not_fully_locked","state":"UNLOCK"})");
  hear(kLockTopic, R"({"door_state":"error_jammed","lock_state":"not_fully_locked","state":"UNLOCK"})");
  auto done = hub_.find_action(action->id);
  EXPECT_EQ(done->status, core::ActionStatus::failed);
  EXPECT_EQ(done->reason, "jammed");
  EXPECT_EQ(lock().lock_state, LockState::jammed);
  int jams = 0;
  for (const core::EventRecord& e : history())
    jams += e.kind == core::EventKind::alarm && e.detail == "jammed";
  EXPECT_EQ(jams, 1);
}

TEST_F(Z2mAdapterTest, AnUnlatchIsRefusedAsUnsupported) {
  discover();
  auto action = hub_.request_action(id_, core::LockAction::unlatch);
  ASSERT_TRUE(action);
  EXPECT_TRUE(published_.empty());
  adapter_.tick();
  auto done = hub_.find_action(action->id);
  EXPECT_EQ(done->status, core::ActionStatus::failed);
  EXPECT_EQ(done->reason, "unsupported");
}

TEST_F(Z2mAdapterTest, ACommandWhileTheBrokerIsDownIsRetriedByTheHub) {
  discover();
  broker_up_ = false;
  auto action = hub_.request_action(id_, core::LockAction::lock);
  ASSERT_TRUE(action);
  EXPECT_TRUE(published_.empty());
  broker_up_ = true;
  clock_.advance(1s);
  hub_.tick();
  ASSERT_EQ(published_.size(), 1U);
  EXPECT_EQ(published_[0].second, R"({"state":"LOCK"})");
}

TEST_F(Z2mAdapterTest, AnOverdueLockIsProbedWithAGet) {
  discover();
  hear(kLockTopic, R"({"battery":100,"linkquality":193,"lock_state":"locked","state":"LOCK"})");
  for (int i = 0; i < 6 && published_.empty(); ++i) {
    clock_.advance(1h);
    hub_.tick();
  }
  ASSERT_FALSE(published_.empty());
  EXPECT_EQ(published_[0].first, "zigbee2mqtt/house/Main Door Lock/get");
  EXPECT_EQ(published_[0].second, R"({"state":""})");
}

TEST_F(Z2mAdapterTest, AnOtaUpdateIsOneFirmwareUpdateAlarmAndTheLockIsUpdating) {
  discover();
  hear(kLockTopic, R"({"battery":100,"linkquality":193,"lock_state":"locked","state":"LOCK"})");
  hear(kLockTopic, R"({"update":{"state":"updating","progress":13.37,"remaining":219}})");
  hear(kLockTopic, R"({"update":{"state":"updating","progress":50,"remaining":100}})");
  int alarms = 0;
  for (const core::EventRecord& e : history()) alarms += e.detail == "firmware_update";
  EXPECT_EQ(alarms, 1);
  EXPECT_EQ(hub_.health(id_)->connectivity, Connectivity::updating);
}

TEST_F(Z2mAdapterTest, AnnounceIsARejoinAndLeaveTakesTheLockOffline) {
  discover();
  hear(
      "zigbee2mqtt/bridge/event",
      R"({"type":"device_announce","data":{"friendly_name":"house/Main Door Lock","ieee_address":"0x000b57fffe59d3d5"}})");
  EXPECT_EQ(lock().connectivity, Connectivity::online);
  clock_.advance(1s);
  hear(
      "zigbee2mqtt/bridge/event",
      R"({"type":"device_leave","data":{"ieee_address":"0x000b57fffe59d3d5","friendly_name":"house/Main Door Lock"}})");
  EXPECT_EQ(lock().connectivity, Connectivity::offline);
}

TEST_F(Z2mAdapterTest, PayloadsThatDoNotDecodeAreCountedByReason) {
  discover();
  hear(kLockTopic, R"({"battery":"full"})");
  hear("zigbee2mqtt/bridge/state", "maybe");
  EXPECT_EQ(hub_.rejected().size(), 2U);
  for (const auto& [reason, n] : hub_.rejected()) EXPECT_EQ(reason.rfind("zigbee2mqtt: ", 0), 0U) << reason;
  hear("zigbee2mqtt/some_bulb", R"({"state":"ON"})");                   // not a lock: not read
  hear("zigbee2mqtt/house/Main Door Lock/set", R"({"state":"LOCK"})");  // our own
  EXPECT_EQ(hub_.rejected().size(), 2U);
}

TEST_F(Z2mAdapterTest, AConfiguredZigbeeLockIsAdoptedWithItsSiteAndName) {
  core::LockRecord configured;
  configured.id = id_;
  configured.site = "villa";
  configured.name = "Main door";
  configured.transport = core::Transport::zigbee;
  ASSERT_TRUE(hub_.add_lock(configured));
  discover();
  EXPECT_EQ(lock().site, "villa");
  EXPECT_EQ(lock().name, "Main door");
  hear(kLockTopic, R"({"battery":77,"linkquality":92,"lock_state":"unlocked","state":"UNLOCK"})");
  EXPECT_EQ(lock().battery_pct, 77);
}

TEST_F(Z2mAdapterTest, WithoutAutoRegistrationOnlyConfiguredLocksAreTaken) {
  Zigbee2MqttAdapter strict({"zigbee2mqtt", "house", std::chrono::hours(1), false}, hub_,
                            [](std::string_view, std::string_view) -> Result<void> { return ok(); });
  EXPECT_TRUE(strict.handle("zigbee2mqtt/bridge/devices", kDevices));
  EXPECT_TRUE(hub_.locks().empty());
  EXPECT_FALSE(strict.speaks_for(id_));
}

TEST_F(Z2mAdapterTest, ANameThatReadsLikeAnotherKindOfLockGetsTheAddressTail) {
  core::LockRecord wifi;
  wifi.id = id_;
  wifi.site = "house";
  ASSERT_TRUE(hub_.add_lock(wifi));
  discover();
  EXPECT_TRUE(adapter_.speaks_for("house-main-door-lock-d3d5"));
  EXPECT_FALSE(adapter_.speaks_for(id_));
}

}  // namespace
}  // namespace lw::adapters::zigbee2mqtt
