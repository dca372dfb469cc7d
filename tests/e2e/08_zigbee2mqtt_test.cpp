// A Zigbee lock behind Zigbee2MQTT: the simulator plays the bridge (its
// bridge/devices, device reports, availability, /set and /get), the hub
// finds the lock, shows it, locks and unlocks it through /set, and when the
// bridge's coordinator goes down the lock is unreachable with a case whose
// likely causes include hub_offline. Keypad codes reach the lock through
// /set pin_code and are confirmed by the lock's own answers.
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

/// A keypad lock behind Zigbee2MQTT; at 20 s someone types the PIN the
/// test adds, at 22 s a wrong one.
constexpr std::string_view kKeypad = R"(
seed = 3

[[site]]
id = "house"

[[bridge]]
id = "coordinator"
site = "house"
kind = "zigbee"

[[lock]]
id = "front-door"
site = "house"
name = "Front door"
transport = "zigbee"
bridge = "coordinator"
heartbeat = "5s"
lock_state = "locked"

[[fault]]
at = "20s"
lock = "front-door"
kind = "keypad"
pin = "0482157"

[[fault]]
at = "22s"
lock = "front-door"
kind = "keypad"
pin = "913706"
)";

TEST_F(Zigbee2Mqtt, APinCodeIsWrittenThroughSetConfirmedByTheLockAndOpensTheDoor) {
  start_hub(kZigbee);
  start_sim(kKeypad);
  ASSERT_TRUE(eventually([&] { return lock_is("front-door", "connectivity", "online"); }, 15s)) << logs();

  // A Zigbee lock holds codes that work always, in slots without users of their own.
  auto weekly = call("POST", "/api/v1/codes",
                     R"({"site":"house","lock":"front-door","name":"Cleaner","pin":"1234",)"
                     R"("schedule":{"type":"weekly","days":["mon"],"start":"08:00","end":"12:00"}})",
                     auth());
  EXPECT_EQ(weekly.status, 409) << json::serialize(weekly.body);
  EXPECT_NE(json::serialize(weekly.body).find("schedule: lock 'front-door' speaks zigbee"), std::string::npos)
      << json::serialize(weekly.body);

  // A leading zero survives: the PIN goes to Zigbee2MQTT as text.
  const std::string pin_file = (dir_ / "family.pin").string();
  write_file(pin_file, "0482157\n");
  auto added = cli({"code", "add", "--site", "house", "--lock", "front-door", "--name", "Family", "--slot",
                    "4", "--pin-file", pin_file, "--json"});
  ASSERT_EQ(added.exit_code, 0) << added.output << logs();
  const std::string id = field(json::parse(added.output.substr(0, added.output.find('\n'))).at("code"), "id");
  auto state_of = [&](const std::string& code) {
    json::value v = get("/api/v1/codes/" + code);
    return v.is_object() && v.as_object().contains("code") ? field(v.at("code"), "state") : std::string();
  };
  // "set" only once the lock answered the write (last_successful_pincode_save).
  ASSERT_TRUE(eventually([&] { return state_of(id) == "set"; }, 15s))
      << json::serialize(get("/api/v1/codes/" + id)) << logs();

  // Slot 40 is past the lock's 30 PIN slots: Zigbee2MQTT refuses it, and the code says why.
  auto far = cli({"code", "add", "--site", "house", "--lock", "front-door", "--name", "Guest", "--slot", "40",
                  "--pin-file", pin_file, "--json"});
  ASSERT_EQ(far.exit_code, 0) << far.output;
  const std::string far_id = field(json::parse(far.output.substr(0, far.output.find('\n'))).at("code"), "id");
  ASSERT_TRUE(eventually([&] { return state_of(far_id) == "failed"; }, 15s))
      << json::serialize(get("/api/v1/codes/" + far_id)) << logs();
  EXPECT_NE(json::serialize(get("/api/v1/codes/" + far_id)).find("user must be in range for device"),
            std::string::npos)
      << json::serialize(get("/api/v1/codes/" + far_id));

  // At 20 s the PIN opens the door, by keypad, as the slot's user; at 22 s a wrong PIN is an alarm.
  auto seen = [&](std::string_view kind, std::string_view what, std::string_view user) {
    json::value page = get("/api/v1/locks/front-door/events?limit=200");
    if (!page.is_object()) return false;
    for (const auto& e : page.at("events").as_array()) {
      if (field(e, "kind") == kind && (field(e, "operation") == what || field(e, "detail") == what) &&
          (user.empty() || field(e, "user") == user))
        return true;
    }
    return false;
  };
  ASSERT_TRUE(eventually([&] { return seen("lock_operation", "unlock", "4"); }, 30s)) << logs();
  ASSERT_TRUE(eventually([&] { return seen("alarm", "wrong_code", ""); }, 10s)) << logs();

  // Removing it empties the slot: gone once the lock confirms the clear.
  auto removed = cli({"code", "remove", id});
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  ASSERT_TRUE(eventually([&] { return get("/api/v1/codes/" + id).is_object() && state_of(id).empty(); }, 15s))
      << json::serialize(get("/api/v1/codes/" + id)) << logs();
  const std::string log = testing::read_text_file(dir_ / "hub.log");
  EXPECT_EQ(log.find("0482157"), std::string::npos) << "the PIN is never logged";
  EXPECT_EQ(log.find("drift:"), std::string::npos) << "the read-backs agree with the lock: " << log;
}

constexpr std::string_view kResetZigbee = R"(
seed = 5

[[site]]
id = "house"

[[bridge]]
id = "coordinator"
site = "house"
kind = "zigbee"

[[lock]]
id = "gate"
site = "house"
name = "Gate"
transport = "zigbee"
bridge = "coordinator"
heartbeat = "5s"

[[fault]]
at = "10s"
lock = "gate"
kind = "factory_reset"

[[fault]]
at = "11s"
lock = "gate"
kind = "silence"

[[fault]]
at = "24s"
lock = "gate"
kind = "resume"
)";

TEST_F(Zigbee2Mqtt, AZigbeeLocksAutoRelockAndVolumeAreHeldAndWrittenBackAfterAReset) {
  start_hub(kZigbee);
  start_sim(kResetZigbee);
  ASSERT_TRUE(eventually([&] { return lock_is("gate", "connectivity", "online"); }, 15s)) << logs();
  auto settings = [&] { return get("/api/v1/locks/gate/settings").at("settings"); };
  // The first read-back read the ZCL attributes: the lock's own, kept to write back.
  ASSERT_TRUE(eventually([&] { return settings().at("known") == true; }, 15s))
      << json::serialize(settings()) << logs();
  EXPECT_EQ(field(settings(), "source"), "lock");
  EXPECT_EQ(field(settings(), "text"), "no auto-relock, sound low");
  // A Zigbee lock has no keypad lockout to set: the field is named.
  Reply keypad = call("PUT", "/api/v1/locks/gate/settings", R"({"wrong_code_entry_limit":3})", auth());
  EXPECT_EQ(keypad.status, 400);
  EXPECT_NE(json::serialize(keypad.body).find("wrong_code_entry_limit: lock 'gate' has no such setting"),
            std::string::npos)
      << json::serialize(keypad.body);

  auto set = cli({"code", "settings", "gate", "--auto-relock-s", "45", "--sound", "silent"});
  ASSERT_EQ(set.exit_code, 0) << set.output << logs();
  ASSERT_TRUE(eventually([&] { return field(settings(), "state") == "set"; }, 10s))
      << json::serialize(settings()) << logs();
  EXPECT_EQ(settings().at("settings"), json::parse(R"({"auto_relock_s":45,"sound_volume":"silent"})"));
  auto shown = cli({"code", "settings", "gate"});
  EXPECT_NE(shown.output.find("gate  relocks after 45 s, sound silent  (set through the hub)  [set]"),
            std::string::npos)
      << shown.output;

  // At 10 s the lock is reset to its factory settings and drops; back at 24 s,
  // its read-back finds them and the hub writes the owner's again.
  auto drift_told = [&] {
    json::value page = get("/api/v1/locks/gate/events?limit=200");
    if (!page.is_object()) return false;
    for (const auto& e : page.at("events").as_array()) {
      if (field(e, "kind") == "access_code" &&
          field(e, "detail").find("drift: the lock keeps other settings (no auto-relock, sound low)") !=
              std::string::npos)
        return true;
    }
    return false;
  };
  ASSERT_TRUE(eventually(drift_told, 60s))
      << json::serialize(get("/api/v1/locks/gate/events?limit=200")) << logs();
  ASSERT_TRUE(eventually(
      [&] {
        return field(settings(), "state") == "set" &&
               settings().at("settings") == json::parse(R"({"auto_relock_s":45,"sound_volume":"silent"})");
      },
      20s))
      << json::serialize(settings()) << logs();
}

}  // namespace
}  // namespace lw::e2e
