// Home Assistant MQTT discovery, seen by a plain subscriber on the real broker
// as Home Assistant would see it: every simulated lock is announced with
// retained configs, its availability follows the hub's liveness (the
// simulator killed: offline; the hub killed: its Last Will), and LOCK on the
// command topic locks the lock.
#include <boost/asio/io_context.hpp>

#include "tests/e2e/harness.h"
#include "tests/support/mqtt_recorder.h"

namespace lw::e2e {
namespace {

constexpr std::string_view kEnabled = "[home_assistant]\nenabled = true\n";
constexpr std::string_view kHubStatus = "lockwarden/ha/hub/e2e-hub/status";

/// "a/b/c" from {"a", "b", "c"}.
std::string topic_of(std::initializer_list<std::string_view> levels) {
  std::string out;
  for (std::string_view level : levels) {
    if (!out.empty()) out += '/';
    out += level;
  }
  return out;
}

std::string state_topic(std::string_view lock, std::string_view object) {
  return topic_of({"lockwarden/ha/lock", lock, object});
}

std::string config_topic(std::string_view component, std::string_view lock, std::string_view object) {
  std::string node("lockwarden_");
  node += lock;
  return topic_of({"homeassistant", component, node, object, "config"});
}

class HomeAssistant : public HubE2E {
 protected:
  boost::asio::io_context io_;
};

TEST_F(HomeAssistant, LocksAreAnnouncedFollowTheHubsLivenessAndObeyLock) {
  start_hub(kEnabled);
  testing::MqttRecorder ha(io_, broker_.port(), "e2e-home-assistant", {"homeassistant/#", "lockwarden/ha/#"});
  ASSERT_TRUE(ha.wait_connected());
  start_sim();

  // Retained discovery configs for every entity of each lock, one device per lock behind the hub.
  const std::vector<std::pair<std::string, std::string>> entities{{"lock", "lock"},
                                                                  {"sensor", "battery"},
                                                                  {"sensor", "battery_forecast"},
                                                                  {"sensor", "signal"},
                                                                  {"binary_sensor", "connectivity"},
                                                                  {"sensor", "diagnosis"},
                                                                  {"binary_sensor", "door"}};
  for (const auto& door : {std::pair<std::string, std::string>{"door-a", "Door A"}, {"door-b", "Door B"}}) {
    const std::string& lock = door.first;
    const std::string& name = door.second;
    for (const auto& [component, object] : entities) {
      const std::string topic = config_topic(component, lock, object);
      ASSERT_TRUE(ha.run_until([&] { return ha.last(topic).has_value(); }, 10s)) << topic << "\n" << logs();
      const json::object config = json::parse(*ha.last(topic)).as_object();
      std::string unique_id("lockwarden_");
      unique_id += lock;
      unique_id += '_';
      unique_id += object;
      EXPECT_EQ(config.at("unique_id").as_string(), unique_id);
      EXPECT_TRUE(config.contains("state_topic")) << topic;
      EXPECT_EQ(config.at("availability").as_array().front().at("topic").as_string(), kHubStatus) << topic;
      const json::object& device = config.at("device").as_object();
      ASSERT_EQ(device.at("identifiers").as_array().size(), 1U);
      EXPECT_EQ(device.at("identifiers").as_array().front().as_string(), "lockwarden_" + lock);
      EXPECT_EQ(device.at("manufacturer").as_string(), "lockwarden");
      EXPECT_EQ(device.at("via_device").as_string(), "lockwarden-hub_e2e-hub");
    }
    const json::object lock_config = json::parse(*ha.last(config_topic("lock", lock, "lock"))).as_object();
    EXPECT_EQ(lock_config.at("command_topic").as_string(), state_topic(lock, "set"));
    EXPECT_EQ(lock_config.at("availability_mode").as_string(), "all");
    EXPECT_EQ(lock_config.at("availability").as_array().size(), 2U);
    ASSERT_TRUE(ha.run_until(
        [&] {
          auto c = ha.last(config_topic("lock", lock, "lock"));
          return c && json::parse(*c).at("device").at("name").as_string() == name;
        },
        10s));
  }
  for (const auto& m : ha.messages()) {
    if (m.topic.starts_with("homeassistant/") && m.topic.ends_with("/config")) {
      EXPECT_FALSE(m.payload.empty()) << m.topic;
    }
  }

  // Both availability topics say online; the lock's state and battery are there.
  ASSERT_TRUE(ha.run_until([&] { return ha.last_is(kHubStatus, "online"); }, 5s)) << logs();
  ASSERT_TRUE(ha.run_until([&] { return ha.last_is(state_topic("door-a", "availability"), "online"); }, 10s))
      << logs();
  ASSERT_TRUE(ha.run_until([&] { return ha.last_is(state_topic("door-a", "lock"), "UNLOCKED"); }, 10s))
      << logs();
  EXPECT_TRUE(ha.run_until(
      [&] {
        auto battery = ha.last(state_topic("door-a", "battery"));
        return battery && *battery != "None" && *battery == field(lock("door-a"), "battery_pct");
      },
      10s))
      << "the battery as the REST API shows it";
  EXPECT_TRUE(ha.run_until([&] { return ha.last_is(state_topic("door-a", "connectivity"), "ON"); }, 5s));
  EXPECT_TRUE(ha.last_is(state_topic("door-a", "diagnosis"), "ok"));

  // Home Assistant locks door A: a hub action, LOCKING while it runs, then LOCKED.
  ASSERT_TRUE(ha.publish("lockwarden/ha/lock/door-a/set", "LOCK"));
  ASSERT_TRUE(ha.run_until([&] { return ha.last_is(state_topic("door-a", "lock"), "LOCKED"); }, 10s))
      << logs();
  bool locking_seen = false;
  for (const auto& m : ha.on(state_topic("door-a", "lock")))
    locking_seen = locking_seen || m.payload == "LOCKING";
  EXPECT_TRUE(locking_seen);
  EXPECT_EQ(field(lock("door-a"), "lock_state"), "locked");

  // The simulator dies (kill -9): the locks' Last Wills make them offline, and so does Home Assistant.
  sim_->signal(SIGKILL);
  ASSERT_TRUE(ha.run_until([&] { return ha.last_is(state_topic("door-a", "availability"), "offline"); }, 5s))
      << logs();
  EXPECT_TRUE(ha.run_until([&] { return ha.last_is(state_topic("door-b", "availability"), "offline"); }, 5s));
  EXPECT_TRUE(ha.run_until([&] { return ha.last_is(state_topic("door-a", "connectivity"), "OFF"); }, 5s));
  EXPECT_TRUE(ha.last_is(kHubStatus, "online"));

  // The hub dies: its Last Will makes everything unavailable in Home Assistant.
  hub_->signal(SIGKILL);
  EXPECT_TRUE(ha.run_until([&] { return ha.last_is(kHubStatus, "offline"); }, 5s)) << logs();
}

TEST_F(HomeAssistant, ACleanStopSaysOfflineAndADisabledHubPublishesNothing) {
  start_hub();  // [home_assistant] off by default
  testing::MqttRecorder ha(io_, broker_.port(), "e2e-home-assistant", {"homeassistant/#", "lockwarden/ha/#"});
  ASSERT_TRUE(ha.wait_connected());
  start_sim();
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
  ha.run_until([] { return false; }, 500ms);
  EXPECT_TRUE(ha.messages().empty()) << ha.messages().front().topic;

  hub_->signal(SIGTERM);
  ASSERT_EQ(hub_->wait(10s), 0) << logs();
  start_hub(kEnabled);
  ASSERT_TRUE(ha.run_until([&] { return ha.last_is(kHubStatus, "online"); }, 10s)) << logs();
  hub_->signal(SIGTERM);
  ASSERT_EQ(hub_->wait(10s), 0) << logs();
  EXPECT_TRUE(ha.run_until([&] { return ha.last_is(kHubStatus, "offline"); }, 5s)) << logs();
}

}  // namespace
}  // namespace lw::e2e
