#include "adapters/homeassistant/home_assistant_bridge.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <memory>

#include "core/hub/hub.h"
#include "tests/support/memory_store.h"
#include "tests/support/mosquitto_broker.h"
#include "tests/support/mqtt_recorder.h"
#include "tests/support/recording_device_link.h"

namespace lw::adapters::homeassistant {
namespace {

namespace json = boost::json;
using lw::testing::MqttRecorder;

constexpr std::string_view kLockConfig = "homeassistant/lock/lockwarden_front/lock/config";
constexpr std::string_view kHubStatus = "lockwarden/ha/hub/hub-1/status";
constexpr std::string_view kLockState = "lockwarden/ha/lock/front/lock";
constexpr std::string_view kBattery = "lockwarden/ha/lock/front/battery";
constexpr std::string_view kCommand = "lockwarden/ha/lock/front/set";

class HomeAssistantBridgeTest : public ::testing::Test {
 protected:
  HomeAssistantBridgeTest() {
    EXPECT_TRUE(hub_.load());
    EXPECT_TRUE(hub_.add_lock(front()));
    bridge_.attach(hub_);
    client_.on_connected([this] { bridge_.connected(); });
    client_.on_message([this](std::string_view topic, std::string_view payload, bool retained) {
      handled_ += bridge_.handle(topic, payload, retained) ? 1 : 0;
    });
  }

  static core::LockRecord front() {
    core::LockRecord lock;
    lock.id = "front";
    lock.site = "home";
    lock.name = "Front door";
    return lock;
  }

  [[nodiscard]] mqtt::MqttClient::Options hub_options() const {
    mqtt::MqttClient::Options o;
    o.host = lw::testing::MosquittoBroker::host();
    o.port = broker_.port();
    o.client_id = "ha-bridge-hub-" + std::to_string(::getpid());
    o.keepalive = 5s;
    o.will = HomeAssistantBridge::last_will(topics_);
    return o;
  }

  /// A Home Assistant: a plain subscriber to discovery and to the bridge's topics.
  std::unique_ptr<MqttRecorder> home_assistant(const std::string& name = "ha") {
    auto r = std::make_unique<MqttRecorder>(io_, broker_.port(), name,
                                            std::vector<std::string>{"homeassistant/#", "lockwarden/ha/#"});
    EXPECT_TRUE(r->wait_connected());
    return r;
  }

  /// Starts the hub's client and waits until `ha` has seen the lock announced.
  void connect_hub(MqttRecorder& ha) {
    client_.start();
    ASSERT_TRUE(ha.run_until([&] { return ha.last(kLockConfig).has_value() && ha.last(kLockState); }, 5s));
  }

  void telemetry(int battery_pct) {
    core::Telemetry t;
    t.ts = clock_.now();
    t.battery_pct = battery_pct;
    t.rssi_dbm = -60;
    ASSERT_TRUE(hub_.on_telemetry(front_address_, t));
  }

  [[nodiscard]] std::uint64_t rejected(const std::string& reason) const {
    auto it = hub_.rejected().find(reason);
    return it == hub_.rejected().end() ? 0 : it->second;
  }

  lw::testing::MosquittoBroker broker_;
  boost::asio::io_context io_;
  Topics topics_{"homeassistant", "lockwarden/ha", "hub-1"};
  mqtt::MqttClient client_{io_, hub_options()};
  HomeAssistantBridge bridge_{client_, {.topics = topics_, .version = "0.1.0"}};
  core::ManualClock clock_;
  core::MemoryStore store_;
  lw::testing::RecordingDeviceLink link_;
  core::SeededRandom random_{42};
  core::Hub hub_{clock_, store_, link_, bridge_, random_, core::HubOptions{}};
  core::LockAddress front_address_{"home", "front"};
  int handled_{0};
};

TEST_F(HomeAssistantBridgeTest, ConnectingAnnouncesTheHubAndEveryLockRetained) {
  auto ha = home_assistant();
  connect_hub(*ha);
  EXPECT_TRUE(ha->run_until([&] { return ha->last_is(kHubStatus, "online"); }, 2s));
  EXPECT_TRUE(ha->last("homeassistant/binary_sensor/lockwarden-hub_hub-1/status/config"));
  for (const EntityInfo& e : entities()) {
    const std::string topic = topics_.config(e.component, "lockwarden_front", e.object);
    ASSERT_TRUE(ha->last(topic)) << topic;
    EXPECT_EQ(json::parse(*ha->last(topic)).at("device").at("name").as_string(), "Front door");
  }
  EXPECT_EQ(*ha->last(kLockState), "None") << "nothing heard from the lock yet";
  EXPECT_EQ(*ha->last("lockwarden/ha/lock/front/availability"), "offline");

  // Home Assistant starting later gets them all from the broker.
  auto late = home_assistant("ha-late");
  ASSERT_TRUE(late->run_until([&] { return late->last(kLockConfig) && late->last(kLockState); }, 3s));
  EXPECT_TRUE(late->on(kLockConfig).front().retained);
  EXPECT_TRUE(late->on(kLockState).front().retained);
}

TEST_F(HomeAssistantBridgeTest, AStateIsPublishedOnlyWhenItChanges) {
  auto ha = home_assistant();
  connect_hub(*ha);
  telemetry(80);
  ASSERT_TRUE(ha->run_until([&] { return ha->last_is(kBattery, "80"); }, 3s));
  const auto before = ha->on(kBattery).size();
  const auto configs = ha->on(kLockConfig).size();
  telemetry(80);
  clock_.advance(1s);
  telemetry(80);
  telemetry(79);
  ASSERT_TRUE(ha->run_until([&] { return ha->last_is(kBattery, "79"); }, 3s));
  EXPECT_EQ(ha->on(kBattery).size(), before + 1) << "80 twice more was not news";
  EXPECT_EQ(ha->on(kLockConfig).size(), configs) << "the device did not change";
  EXPECT_EQ(*ha->last("lockwarden/ha/lock/front/availability"), "online");
}

TEST_F(HomeAssistantBridgeTest, ALockFirstHeardLaterIsAnnouncedAtOnce) {
  auto ha = home_assistant();
  connect_hub(*ha);
  core::Telemetry t;
  t.ts = clock_.now();
  t.battery_pct = 50;
  t.firmware = "2.0.1";
  ASSERT_TRUE(hub_.on_telemetry({"home", "back"}, t));
  const std::string config = "homeassistant/sensor/lockwarden_back/battery/config";
  ASSERT_TRUE(ha->run_until([&] { return ha->last(config).has_value(); }, 3s));
  EXPECT_EQ(json::parse(*ha->last(config)).at("device").at("sw_version").as_string(), "2.0.1");
  EXPECT_TRUE(ha->run_until([&] { return ha->last_is("lockwarden/ha/lock/back/battery", "50"); }, 3s));
}

TEST_F(HomeAssistantBridgeTest, LockFromHomeAssistantIsAHubActionShownAsLockingUntilItsResult) {
  auto ha = home_assistant();
  connect_hub(*ha);
  ASSERT_TRUE(ha->publish(kCommand, "LOCK"));
  ASSERT_TRUE(ha->run_until([&] { return !link_.sent().empty(); }, 3s));
  const core::Command command = link_.sent().front();
  EXPECT_EQ(command.action, core::LockAction::lock);
  EXPECT_EQ(command.target, front_address_);
  ASSERT_TRUE(ha->run_until([&] { return ha->last_is(kLockState, "LOCKING"); }, 3s));

  core::CommandResult result;
  result.command_id = command.id;
  result.ts = clock_.now();
  result.lock_state = core::LockState::locked;
  ASSERT_TRUE(hub_.on_command_result(front_address_, result));
  EXPECT_TRUE(ha->run_until([&] { return ha->last_is(kLockState, "LOCKED"); }, 3s));
}

TEST_F(HomeAssistantBridgeTest, MalformedStrayOrReplayedCommandsAreCountedAndNotObeyed) {
  auto ha = home_assistant();
  connect_hub(*ha);
  ASSERT_TRUE(ha->publish(kCommand, "unlock"));
  ASSERT_TRUE(ha->publish("lockwarden/ha/lock/nobody/set", "LOCK"));
  ASSERT_TRUE(ha->publish(kCommand, "OPEN"));
  ASSERT_TRUE(ha->run_until(
      [&] { return rejected("home_assistant.command: OPEN: the lock cannot unlatch") == 1; }, 3s));
  EXPECT_EQ(rejected("home_assistant.command: must be LOCK or UNLOCK"), 1U);
  EXPECT_EQ(rejected("home_assistant.command: unknown lock"), 1U);
  EXPECT_TRUE(link_.sent().empty());

  // Someone leaves a command retained: its live delivery is a fresh command
  // (the broker clears the retain flag on it), but the copy the broker hands
  // every new subscription is a replay and is refused.
  ASSERT_TRUE(ha->publish(kCommand, "UNLOCK", /*retain=*/true));
  ASSERT_TRUE(ha->run_until([&] { return link_.sent().size() == 1; }, 3s));
  client_.abort_connection();
  client_.start();
  ASSERT_TRUE(ha->run_until(
      [&] { return rejected("home_assistant.command: retained commands are ignored") >= 1; }, 5s));
  EXPECT_EQ(link_.sent().size(), 1U);
  ASSERT_TRUE(ha->publish(kCommand, "", /*retain=*/true));  // clean up the broker
}

TEST_F(HomeAssistantBridgeTest, ConfigsThisHubLeftForALockItNoLongerHasAreRemoved) {
  auto ha = home_assistant();
  const std::string ours = "homeassistant/sensor/lockwarden_gone/battery/config";
  const std::string theirs = "homeassistant/sensor/lockwarden_elsewhere/battery/config";
  ASSERT_TRUE(ha->publish(
      ours, R"({"unique_id":"lockwarden_gone_battery","device":{"via_device":"lockwarden-hub_hub-1"}})",
      true));
  ASSERT_TRUE(ha->publish(
      theirs,
      R"({"unique_id":"lockwarden_elsewhere_battery","device":{"via_device":"lockwarden-hub_other"}})",
      true));
  ASSERT_TRUE(ha->run_until([&] { return ha->last(ours) && ha->last(theirs); }, 3s));
  connect_hub(*ha);
  ASSERT_TRUE(ha->run_until(
      [&] {
        return ha->last_is(ours, "") && ha->last_is("lockwarden/ha/lock/gone/diagnosis/attributes", "");
      },
      3s));
  EXPECT_TRUE(ha->last_is("homeassistant/lock/lockwarden_gone/lock/config", ""));
  EXPECT_TRUE(ha->last_is("lockwarden/ha/lock/gone/availability", ""));
  EXPECT_NE(*ha->last(theirs), "") << "another hub's lock is not this hub's to remove";
  ASSERT_TRUE(ha->publish(theirs, "", true));
}

TEST_F(HomeAssistantBridgeTest, TheHubIsOfflineByItsLastWillOrWhenItStops) {
  auto ha = home_assistant();
  connect_hub(*ha);
  ASSERT_TRUE(ha->run_until([&] { return ha->last_is(kHubStatus, "online"); }, 2s));
  client_.abort_connection();  // a crash: the broker publishes the Last Will
  ASSERT_TRUE(ha->run_until([&] { return ha->last_is(kHubStatus, "offline"); }, 3s));

  client_.start();
  ASSERT_TRUE(ha->run_until([&] { return ha->last_is(kHubStatus, "online"); }, 5s));
  bridge_.stop();
  client_.stop();
  EXPECT_TRUE(ha->run_until([&] { return ha->last_is(kHubStatus, "offline"); }, 3s));
}

TEST_F(HomeAssistantBridgeTest, RemovedLockLosesItsEntities) {
  auto ha = home_assistant();
  connect_hub(*ha);
  bridge_.lock_removed("front");
  const std::string door_config = "homeassistant/binary_sensor/lockwarden_front/door/config";
  const std::string door_state = "lockwarden/ha/lock/front/door";
  EXPECT_TRUE(
      ha->run_until([&] { return ha->last_is(kLockConfig, "") && ha->last_is(door_config, ""); }, 3s));
  EXPECT_TRUE(ha->run_until([&] { return ha->last_is(kLockState, "") && ha->last_is(door_state, ""); }, 3s));
}

TEST_F(HomeAssistantBridgeTest, HomeAssistantRestartingGetsEverythingAgain) {
  auto ha = home_assistant();
  connect_hub(*ha);
  const auto configs = ha->on(kLockConfig).size();
  ASSERT_TRUE(ha->publish("homeassistant/status", "online"));
  ASSERT_TRUE(ha->run_until([&] { return ha->on(kLockConfig).size() > configs; }, 3s));
  EXPECT_GT(handled_, 0);
}

}  // namespace
}  // namespace lw::adapters::homeassistant
