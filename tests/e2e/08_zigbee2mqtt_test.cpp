// A Zigbee lock behind Zigbee2MQTT: the simulator plays the bridge (its
// bridge/devices, device reports, availability, /set and /get), the hub
// finds the lock, shows it, locks and unlocks it through /set, and when the
// bridge's coordinator goes down the lock is unreachable with a case whose
// likely causes include hub_offline.
#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

constexpr std::string_view kHouse = R"(
seed = 1

[[site]]
id = "house"

[[bridge]]
id = "coordinator"
site = "house"
kind = "zigbee"

[[lock]]
id = "back-door"
site = "house"
name = "Back door"
transport = "zigbee"
bridge = "coordinator"
heartbeat = "5s"
battery_pct = 80

[[fault]]
at = "25s"
kind = "hub_offline"
target = "coordinator"
)";

constexpr std::string_view kZigbee = R"(
[zigbee2mqtt]
enabled = true
site = "house"
report_interval = "5s"
)";

class Zigbee2Mqtt : public HubE2E {};

TEST_F(Zigbee2Mqtt, AZigbeeLockIsFoundCommandedThroughSetAndUnreachableWithItsBridge) {
  start_hub(kZigbee);
  start_sim(kHouse);
  ASSERT_TRUE(eventually([&] { return lock_is("back-door", "connectivity", "online"); }, 15s)) << logs();
  auto found = lock("back-door");
  EXPECT_EQ(field(found, "transport"), "zigbee");
  EXPECT_EQ(field(found, "site"), "house");
  EXPECT_EQ(field(found, "name"), "Back door");
  ASSERT_TRUE(eventually(
      [&] {
        const std::string pct = field(lock("back-door"), "battery_pct");
        return !pct.empty() && pct != "null";
      },
      10s))
      << json::serialize(lock("back-door"));

  // Through Zigbee2MQTT's /set: the lock's next report shows the state asked for.
  const std::string start = field(lock("back-door"), "lock_state");
  const bool locked = start == "locked";
  auto moved = cli({locked ? "unlock" : "lock", "back-door", "--json"});
  ASSERT_EQ(moved.exit_code, 0) << moved.output << logs();
  EXPECT_EQ(json::parse(moved.output).at("action").at("status").as_string(), "succeeded") << moved.output;
  EXPECT_TRUE(
      eventually([&] { return lock_is("back-door", "lock_state", locked ? "unlocked" : "locked"); }, 5s));
  auto back = cli({locked ? "lock" : "unlock", "back-door", "--json"});
  ASSERT_EQ(back.exit_code, 0) << back.output << logs();
  EXPECT_EQ(json::parse(back.output).at("action").at("status").as_string(), "succeeded") << back.output;
  auto events = cli({"events", "back-door", "--json"});
  ASSERT_EQ(events.exit_code, 0) << events.output;
  int remote = 0;
  const json::value history = json::parse(events.output);
  for (const auto& e : history.at("events").as_array()) {
    if (e.at("kind") == "lock_operation" && e.at("source") == "remote") ++remote;
  }
  EXPECT_EQ(remote, 2) << events.output;

  // At 25 s the coordinator's Zigbee2MQTT goes down (bridge/state offline).
  ASSERT_TRUE(eventually([&] { return lock_is("back-door", "connectivity", "unreachable"); }, 40s)) << logs();
  json::value with_case;
  ASSERT_TRUE(eventually(
      [&] {
        const json::value cases = get("/api/v1/cases");
        if (!cases.is_object()) return false;
        for (const auto& c : cases.at("cases").as_array()) {
          for (const auto& m : c.at("members").as_array()) {
            if (m == "back-door") with_case = c;
          }
        }
        return with_case.is_object();
      },
      5s))
      << json::serialize(get("/api/v1/cases"));
  const auto& hypotheses = with_case.at("hypotheses").as_array();
  bool hub_offline = false;
  for (std::size_t k = 0; k < hypotheses.size() && k < 3; ++k) {
    hub_offline = hub_offline || hypotheses[k].at("cause") == "hub_offline";
  }
  EXPECT_TRUE(hub_offline) << json::serialize(with_case);
}

}  // namespace
}  // namespace lw::e2e
