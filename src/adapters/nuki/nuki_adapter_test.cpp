// The Nuki adapter against a Hub on an in-memory store, with the topics and
// values of Nuki's MQTT API v1.4 (research notes ecosystem-formats.md section 4).
#include "adapters/nuki/nuki_adapter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/memory_store.h"
#include "tests/support/recording_device_link.h"

namespace lw::adapters::nuki {
namespace {

using core::Connectivity;
using core::LockState;

class NukiAdapterTest : public ::testing::Test {
 protected:
  NukiAdapterTest() {
    EXPECT_TRUE(hub_.load());
    router_.claim_with(adapter_);
  }

  void hear(std::string_view leaf, std::string_view payload, bool retained = false) {
    EXPECT_TRUE(adapter_.handle("nuki/2BB28570/" + std::string(leaf), payload, retained));
  }
  /// What a lock publishes when it connects (retained topics).
  void connect() {
    hear("connected", "true", true);
    hear("deviceType", "4", true);
    hear("name", "Front door", true);
    hear("firmware", "3.4.12", true);
    hear("state", "1", true);
    hear("batteryCritical", "false", true);
    hear("batteryChargeState", "84", true);
    hear("doorsensorState", "2", true);
  }

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
  int alarms(std::string_view name) {
    const auto h = history();
    return static_cast<int>(std::count_if(h.begin(), h.end(), [&](const core::EventRecord& e) {
      return e.kind == core::EventKind::alarm && e.detail == name;
    }));
  }

  const LockId id_{"nuki-2bb28570"};
  core::ManualClock clock_;
  core::MemoryStore store_;
  lw::testing::RecordingDeviceLink native_;
  LinkRouter router_{native_};
  core::NullEventSink sink_;
  core::SeededRandom random_{9};
  core::Hub hub_{clock_, store_, router_, sink_, random_, core::HubOptions{}};
  std::vector<std::pair<std::string, std::string>> published_;
  NukiAdapter adapter_{
      {"flat"}, hub_, [this](std::string_view topic, std::string_view payload) -> Result<void> {
        published_.emplace_back(topic, payload);
        return ok();
      }};
};

TEST(NukiLockIds, TheNukiIdBecomesALockId) {
  EXPECT_EQ(lock_id_for("2BB28570"), "nuki-2bb28570");
  EXPECT_EQ(lock_id_for("a.b/c"), "nuki-abc");
}

TEST_F(NukiAdapterTest, ALockHeardForTheFirstTimeJoinsWithItsNameStateBatteryAndDoor) {
  EXPECT_FALSE(adapter_.handle("zigbee2mqtt/bridge/state", "online", false));
  connect();
  EXPECT_EQ(lock().site, "flat");
  EXPECT_EQ(lock().name, "Front door");
  EXPECT_EQ(lock().firmware, "3.4.12");
  EXPECT_EQ(lock().transport, core::Transport::wifi);
  EXPECT_EQ(lock().connectivity, Connectivity::online);
  EXPECT_EQ(lock().lock_state, LockState::locked);
  EXPECT_EQ(lock().battery_pct, 84);
  EXPECT_EQ(lock().door_state, core::DoorState::closed);
  EXPECT_TRUE(adapter_.speaks_for(id_));
}

TEST_F(NukiAdapterTest, TheLastWillTakesTheLockOfflineAtOnce) {
  connect();
  clock_.advance(1s);
  hear("connected", "false", true);
  EXPECT_EQ(lock().connectivity, Connectivity::offline);
  auto page = hub_.events(id_, 1, std::nullopt);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->events[0].detail, "offline: Nuki connected: false (its Last Will)");
  clock_.advance(1s);
  hear("connected", "true");
  EXPECT_EQ(lock().connectivity, Connectivity::online);
}

TEST_F(NukiAdapterTest, MotorBlockedIsJammedWithOneJammedAlarm) {
  connect();
  hear("state", "254");
  hear("state", "254");
  EXPECT_EQ(lock().lock_state, LockState::jammed);
  EXPECT_EQ(alarms("jammed"), 1);
  hear("state", "3");
  hear("state", "254");
  EXPECT_EQ(alarms("jammed"), 2);
}

TEST_F(NukiAdapterTest, MovesInProgressLeaveTheLastSettledState) {
  connect();
  hear("state", "2");  // unlocking
  EXPECT_EQ(lock().lock_state, LockState::locked);
  hear("state", "6");  // unlocked (lock 'n' go)
  EXPECT_EQ(lock().lock_state, LockState::unlocked);
  hear("state", "5");
  EXPECT_EQ(lock().lock_state, LockState::unlatched);
}

TEST_F(NukiAdapterTest, CriticalBatteriesAndTamperingAreAlarmsOncePerEpisode) {
  connect();
  hear("batteryCritical", "true");
  hear("batteryCritical", "true");
  hear("keypadBatteryCritical", "true");
  hear("doorsensorState", "240");
  EXPECT_EQ(alarms("low_battery"), 1);
  EXPECT_EQ(alarms("keypad_low_battery"), 1);
  EXPECT_EQ(alarms("tamper"), 1);
  hear("batteryCritical", "false");
  hear("batteryCritical", "true");
  EXPECT_EQ(alarms("low_battery"), 2);
  hear("doorsensorState", "3");
  EXPECT_EQ(lock().door_state, core::DoorState::open);
}

TEST_F(NukiAdapterTest, ALockActionEventSaysWhoAndHow) {
  connect();
  hear("lockActionEvent", "1,255,0,7,1");      // a keypad code
  hear("lockActionEvent", "2,6,0,0,0");        // auto lock
  hear("lockActionEvent", "1,0,3,0,0", true);  // a retained copy after a restart: not an event
  std::vector<core::EventRecord> ops;
  for (const core::EventRecord& e : history()) {
    if (e.kind == core::EventKind::lock_operation) ops.push_back(e);
  }
  ASSERT_EQ(ops.size(), 2U);
  // Newest first.
  EXPECT_EQ(ops[0].operation, core::LockAction::lock);
  EXPECT_EQ(ops[0].source, core::OperationSource::auto_relock);
  EXPECT_EQ(ops[1].operation, core::LockAction::unlock);
  EXPECT_EQ(ops[1].source, core::OperationSource::keypad);
  EXPECT_EQ(ops[1].user, "code 7");
}

TEST_F(NukiAdapterTest, AnUnlockGoesOutAsLockActionAndCompletesOnTheState) {
  connect();
  auto action = hub_.request_action(id_, core::LockAction::unlock);
  ASSERT_TRUE(action);
  ASSERT_EQ(published_.size(), 1U);
  EXPECT_EQ(published_[0].first, "nuki/2BB28570/lockAction");
  EXPECT_EQ(published_[0].second, "1");
  EXPECT_TRUE(adapter_.handle("nuki/2BB28570/lockAction", "1", false));  // the broker's echo of ours
  hear("commandResponse", "0");
  hear("lockActionEvent", "1,172,0,0,0");
  hear("state", "2");
  EXPECT_EQ(hub_.find_action(action->id)->status, core::ActionStatus::pending);
  hear("state", "3");
  auto done = hub_.find_action(action->id);
  EXPECT_EQ(done->status, core::ActionStatus::succeeded);
  EXPECT_EQ(lock().lock_state, LockState::unlocked);
}

TEST_F(NukiAdapterTest, AnErrorCodeInTheCommandResponseFailsTheAction) {
  connect();
  auto action = hub_.request_action(id_, core::LockAction::unlatch);
  ASSERT_TRUE(action);
  EXPECT_EQ(published_.at(0).second, "3");
  hear("commandResponse", "69");
  auto done = hub_.find_action(action->id);
  EXPECT_EQ(done->status, core::ActionStatus::failed);
  EXPECT_EQ(done->reason, "refused");
  EXPECT_NE(done->detail.find("commandResponse 69"), std::string::npos) << done->detail;
}

TEST_F(NukiAdapterTest, ALockAlreadyThereSucceedsOnTheCommandResponse) {
  connect();
  auto action = hub_.request_action(id_, core::LockAction::lock);
  ASSERT_TRUE(action);
  hear("commandResponse", "0");
  EXPECT_EQ(hub_.find_action(action->id)->status, core::ActionStatus::succeeded);
}

TEST_F(NukiAdapterTest, AMotorBlockedDuringALockFailsItAsJammed) {
  hear("state", "3");
  auto action = hub_.request_action(id_, core::LockAction::lock);
  ASSERT_TRUE(action);
  hear("commandResponse", "0");
  hear("state", "4");
  hear("state", "254");
  auto done = hub_.find_action(action->id);
  EXPECT_EQ(done->status, core::ActionStatus::failed);
  EXPECT_EQ(done->reason, "jammed");
}

TEST_F(NukiAdapterTest, BadPayloadsAreCountedByReason) {
  connect();
  hear("state", "locked");
  hear("connected", "yes");
  hear("lockActionEvent", "1;2;3;4");
  EXPECT_EQ(hub_.rejected().size(), 3U);
  for (const auto& [reason, n] : hub_.rejected()) EXPECT_EQ(reason.rfind("nuki: ", 0), 0U) << reason;
}

TEST_F(NukiAdapterTest, WithoutAutoRegistrationOnlyConfiguredLocksAreTaken) {
  NukiAdapter strict({"flat", false}, hub_,
                     [](std::string_view, std::string_view) -> Result<void> { return ok(); });
  EXPECT_TRUE(strict.handle("nuki/2BB28570/state", "1", true));
  EXPECT_TRUE(hub_.locks().empty());
  core::LockRecord configured;
  configured.id = id_;
  configured.site = "hall";
  ASSERT_TRUE(hub_.add_lock(configured));
  EXPECT_TRUE(strict.handle("nuki/2BB28570/batteryChargeState", "55", true));
  EXPECT_TRUE(strict.speaks_for(id_));
  EXPECT_EQ(lock().battery_pct, 55);
  EXPECT_EQ(lock().site, "hall");
}

TEST_F(NukiAdapterTest, ACommandToALockNeverHeardIsUnavailable) {
  core::Command c;
  c.id = "a-1";
  c.target = {"flat", id_};
  auto r = adapter_.send_command(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::unavailable);
}

TEST_F(NukiAdapterTest, AKeypadCodeCommandIsRefusedAndNeverBecomesALockAction) {
  connect();
  core::Command c;
  c.id = "code-1";
  c.target = {"flat", id_};
  c.code = core::CodeCommand{};
  auto r = adapter_.send_command(c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::failed_precondition);
  EXPECT_TRUE(published_.empty());
}

}  // namespace
}  // namespace lw::adapters::nuki
