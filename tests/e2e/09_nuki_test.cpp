// A Nuki Smart Lock on Nuki's own MQTT API (played by a plain MQTT client on
// the real broker): the hub finds it from its topics, shows its state,
// battery and name, unlocks it with lockAction and completes the action from
// the lock's answers, records who did what, shows a blocked motor as jammed,
// and takes the lock offline when the broker delivers its Last Will.
#include "tests/e2e/harness.h"
#include "tests/e2e/mqtt_peer.h"

namespace lw::e2e {
namespace {

constexpr std::string_view kNuki = R"(
[nuki]
enabled = true
site = "flat"
)";

/// nuki/<deviceId>/<leaf> of the lock the test plays.
std::string topic(std::string_view leaf) { return "nuki/2BB28570/" + std::string(leaf); }

class Nuki : public HubE2E {
 protected:
  /// The lock's side of an unlock (MQTT API v1.4): the command's result, the
  /// lock action event (trigger 172: MQTT), the state while moving, then unlocked.
  static std::vector<MqttPeer::Message> answer(const std::string& topic_name, const std::string& payload) {
    if (topic_name != topic("lockAction")) return {};
    if (payload == "1") {
      return {{topic("commandResponse"), "0"},
              {topic("lockActionEvent"), "1,172,0,0,0"},
              {topic("state"), "2"},
              {topic("state"), "3"}};
    }
    if (payload == "2") {
      return {{topic("commandResponse"), "0"},
              {topic("lockActionEvent"), "2,172,0,0,0"},
              {topic("state"), "4"},
              {topic("state"), "1"}};
    }
    return {{topic("commandResponse"), "69"}};  // unlatch refused
  }
};

TEST_F(Nuki, ANukiLockIsFoundCommandedAndTakenOfflineByItsLastWill) {
  start_hub(kNuki);
  MqttPeer lock_peer(
      broker_.port(), "nuki-2bb28570",
      adapters::mqtt::LastWill{topic("connected"), "false", adapters::mqtt::Qos::at_least_once, true},
      {topic("lockAction")}, answer);
  ASSERT_TRUE(eventually([&] { return lock_peer.connected(); }, 5s));
  // What a Nuki lock publishes (retained) when it connects.
  for (const auto& [leaf, value] :
       std::vector<std::pair<std::string, std::string>>{{"connected", "true"},
                                                        {"deviceType", "4"},
                                                        {"name", "Front door"},
                                                        {"firmware", "3.4.12"},
                                                        {"state", "1"},
                                                        {"batteryCritical", "false"},
                                                        {"batteryChargeState", "84"},
                                                        {"doorsensorState", "2"}}) {
    ASSERT_TRUE(lock_peer.publish(topic(leaf), value, true)) << leaf;
  }
  const std::string id = "nuki-2bb28570";
  ASSERT_TRUE(eventually(
      [&] {
        auto l = lock(id);
        return field(l, "connectivity") == "online" && field(l, "battery_pct") == "84" &&
               field(l, "lock_state") == "locked" && field(l, "name") == "Front door";
      },
      10s))
      << json::serialize(lock(id)) << logs();
  EXPECT_EQ(field(lock(id), "site"), "flat");
  EXPECT_EQ(field(lock(id), "door_state"), "closed");

  auto unlocked = cli({"unlock", id, "--json"});
  ASSERT_EQ(unlocked.exit_code, 0) << unlocked.output << logs();
  EXPECT_EQ(json::parse(unlocked.output).at("action").at("status").as_string(), "succeeded")
      << unlocked.output;
  EXPECT_TRUE(eventually([&] { return lock_is(id, "lock_state", "unlocked"); }, 5s));
  // The lock refuses an unlatch with a Bluetooth API error code: the action fails at once.
  auto unlatch = post("/api/v1/locks/" + id + "/unlatch");
  ASSERT_EQ(unlatch.status, 202) << json::serialize(unlatch.body);
  const std::string action = "/api/v1/actions/" + std::string(unlatch.body.at("action").at("id").as_string());
  auto action_field = [&](std::string_view key) {
    const json::value v = get(action);
    return v.is_object() && v.as_object().contains("action") ? field(v.at("action"), key) : std::string();
  };
  ASSERT_TRUE(eventually([&] { return action_field("status") == "failed"; }, 5s))
      << json::serialize(get(action));
  EXPECT_EQ(action_field("reason"), "refused");

  ASSERT_TRUE(lock_peer.publish(topic("state"), "254", true));  // motor blocked
  ASSERT_TRUE(eventually([&] { return lock_is(id, "lock_state", "jammed"); }, 5s));
  auto events = cli({"events", id, "--json"});
  ASSERT_EQ(events.exit_code, 0) << events.output;
  int remote_unlocks = 0;
  int jams = 0;
  const json::value history = json::parse(events.output);
  for (const auto& e : history.at("events").as_array()) {
    if (e.at("kind") == "lock_operation" && e.at("source") == "remote" && e.at("operation") == "unlock")
      ++remote_unlocks;
    if (e.at("kind") == "alarm" && e.at("detail") == "jammed") ++jams;
  }
  EXPECT_EQ(remote_unlocks, 1) << events.output;
  EXPECT_EQ(jams, 1) << events.output;

  lock_peer.kill();  // the broker publishes connected = false, the lock's Last Will
  ASSERT_TRUE(eventually([&] { return lock_is(id, "connectivity", "offline"); }, 10s)) << logs();
}

}  // namespace
}  // namespace lw::e2e
