#include "sim/scenario.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

namespace lw::sim {
namespace {

const std::filesystem::path kScenarioDir =
    std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "scenarios";

constexpr std::string_view kTestKey = "Bx9n0UuUGf96uBtVm6vpsyVk2M2cHFVl4WOqZqWpG58=";

/// A valid scenario with one site and one lock; `extra` is appended.
std::string with_lock(std::string_view extra) {
  return std::string(R"([[site]]
id = "home"

[[lock]]
id = "front"
site = "home"
)") + std::string(extra);
}

std::string error_of(std::string_view text) {
  auto s = parse_scenario(text, "test.toml");
  if (s) return "(parsed without error)";
  return s.error().message;
}

TEST(Scenario, ShippedHomeScenarioHasSixNativeLocksAndAFaultTimeline) {
  auto s = load_scenario((kScenarioDir / "home.toml").string());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_GE(s->locks.size(), 6U);
  std::set<int> batteries;
  for (const auto& lock : s->locks) {
    EXPECT_TRUE(lock.transport == core::Transport::wifi || lock.transport == core::Transport::ble_bridge)
        << lock.id << ": the hub speaks the native protocol to the demo's locks";
    EXPECT_TRUE(lock.heartbeat) << lock.id << ": a demo viewer needs heartbeats in seconds";
    batteries.insert(lock.battery_pct);
  }
  EXPECT_EQ(batteries.size(), s->locks.size()) << "each lock has its own battery level";
  EXPECT_TRUE(s->hub.public_key.empty()) << "the demo passes the hub key in";
  std::set<core::Cause> causes;
  for (const auto& f : s->faults) {
    if (f.cause) causes.insert(*f.cause);
    EXPECT_LE(f.at, Duration{std::chrono::minutes(5)}) << "a demo viewer waits minutes, not hours";
  }
  for (core::Cause c :
       {core::Cause::battery_low_dropouts, core::Cause::router_power_outage, core::Cause::interference,
        core::Cause::network_credentials_changed, core::Cause::bolt_jammed}) {
    EXPECT_TRUE(causes.contains(c)) << core::to_string(c);
  }
  EXPECT_FALSE(s->traffic.empty());
}

TEST(Scenario, ShippedE2eScenarioHasTwoFastLocksAndTheTestKey) {
  auto s = load_scenario((kScenarioDir / "e2e.toml").string());
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->locks.size(), 2U);
  for (const auto& lock : s->locks) {
    EXPECT_EQ(lock.heartbeat, Duration{1s});
    EXPECT_LE(lock.keepalive_s, 5);
  }
  EXPECT_EQ(s->hub.public_key, kTestKey);
  EXPECT_EQ(s->hub.key_id, "hub");
}

TEST(Scenario, AbsentKeysTakeTheDocumentedDefaults) {
  auto s = parse_scenario(with_lock(""), "test.toml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->broker.host, "127.0.0.1");
  EXPECT_EQ(s->broker.port, 1883);
  EXPECT_EQ(s->hub.key_id, "hub");
  ASSERT_EQ(s->sites.size(), 1U);
  EXPECT_EQ(s->sites[0].name, "home");
  const ScenarioLock& lock = s->locks.at(0);
  EXPECT_EQ(lock.name, "front");
  EXPECT_EQ(lock.transport, core::Transport::wifi);
  EXPECT_EQ(lock.heartbeat, std::nullopt);  // the firmware's cadence for its transport
  EXPECT_EQ(lock.keepalive_s, 10);
  EXPECT_EQ(lock.battery_pct, 90);
  EXPECT_EQ(lock.rssi_dbm, -60);
  EXPECT_EQ(lock.firmware, "1.0.0");
  EXPECT_EQ(lock.lock_state, core::LockState::locked);
  EXPECT_EQ(lock.door_state, core::DoorState::closed);
}

TEST(Scenario, TrafficStartsAfterOneIntervalUnlessToldOtherwise) {
  auto s = parse_scenario(with_lock(R"(
[[traffic]]
lock = "front"
every = "2m"
operation = "unlock"
user = "alice"
)"),
                          "test.toml");
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->traffic.size(), 1U);
  EXPECT_EQ(s->traffic[0].start, Duration{120s});
  EXPECT_EQ(s->traffic[0].source, core::OperationSource::keypad);
  EXPECT_EQ(s->traffic[0].operation, core::LockAction::unlock);
  EXPECT_EQ(s->traffic[0].user, "alice");
}

TEST(Scenario, UnknownFaultKindNamesTheFieldAndTheKinds) {
  std::string message = error_of(with_lock(R"(
[[fault]]
at = "10s"
lock = "front"
kind = "explode"
)"));
  EXPECT_EQ(message.rfind("test.toml:11:8: fault[0].kind: unknown fault kind \"explode\"; expected a cause "
                          "of docs/diagnosis.md or one of power_loss, power_restore,",
                          0),
            0U)
      << message;
  EXPECT_NE(message.find("keypad_program, factory_reset, guest_key"), std::string::npos) << message;
  // A long value is clipped: the message stays one short line.
  message = error_of(
      with_lock("[[fault]]\nat = \"10s\"\nlock = \"front\"\nkind = \"" + std::string(400, 'x') + "\"\n"));
  EXPECT_LT(message.size(), 300U) << message;
  // A control character (TOML's \b escape) is shown as '?': the message stays one clean line.
  message = error_of(with_lock("[[fault]]\nat = \"10s\"\nlock = \"front\"\nkind = \"\\battery\"\n"));
  EXPECT_NE(message.find("unknown fault kind \"?attery\""), std::string::npos) << message;
}

TEST(Scenario, FaultNamingAnUnknownLockIsRejected) {
  std::string message = error_of(with_lock(R"(
[[fault]]
at = "10s"
lock = "garag"
kind = "power_loss"
)"));
  EXPECT_EQ(message, "test.toml:10:8: fault[0].lock: names no [[lock]] of this scenario: \"garag\"");
}

TEST(Scenario, TrafficNamingAnUnknownLockIsRejected) {
  std::string message = error_of(with_lock(R"(
[[traffic]]
lock = "back"
every = "1m"
operation = "lock"
)"));
  EXPECT_NE(message.find("traffic[0].lock: names no [[lock]]"), std::string::npos) << message;
}

TEST(Scenario, LockOnAnUndeclaredSiteIsRejected) {
  std::string message = error_of(R"([[lock]]
id = "front"
site = "cabin"
)");
  EXPECT_EQ(message, "test.toml:3:8: lock[0].site: names no [[site]] of this scenario: \"cabin\"");
}

TEST(Scenario, BadDurationNamesTheField) {
  std::string message = error_of(with_lock("heartbeat = \"soon\"\n"));
  EXPECT_EQ(message.rfind("test.toml:7:13: lock[0].heartbeat: must be a duration", 0), 0U) << message;
}

TEST(Scenario, HeartbeatMustBeWholeSeconds) {
  std::string message = error_of(with_lock("heartbeat = \"1500ms\"\n"));
  EXPECT_NE(message.find("lock[0].heartbeat: must be a whole number of seconds"), std::string::npos)
      << message;
}

TEST(Scenario, UnknownKeyIsNamed) {
  std::string message = error_of(with_lock("colour = \"red\"\n"));
  EXPECT_EQ(message, "test.toml:7:10: lock[0].colour: unknown key");
}

TEST(Scenario, MisspelledSectionIsNamed) {
  std::string message = error_of(with_lock("[brokr]\nport = 1884\n"));
  EXPECT_NE(message.find("brokr: unknown key"), std::string::npos) << message;
}

TEST(Scenario, BridgedLocksNeedABridgeOfTheirKind) {
  std::string message = error_of(with_lock("transport = \"zigbee\"\n"));
  EXPECT_NE(message.find("lock[0].bridge: is required for a zigbee lock"), std::string::npos) << message;
  message = error_of(with_lock("transport = \"lora\"\n"));
  EXPECT_NE(
      message.find(
          "lock[0].transport: unknown transport \"lora\"; expected one of wifi, ble_bridge, zigbee, zwave"),
      std::string::npos)
      << message;
}

constexpr std::string_view kWorld = R"(
seed = 7

[[site]]
id = "flats"

[[network]]
id = "wifi-1"
site = "flats"
ssid = "Flats"
capacity = 20

[[bridge]]
id = "zb"
site = "flats"
kind = "zigbee"
network = "wifi-1"

[[repeater]]
id = "plug-2"
site = "flats"
bridge = "zb"
distance_m = 6
walls = ["concrete"]

[[lock]]
id = "flat-1"
site = "flats"
network = "wifi-1"
distance_m = 9
walls = ["brick", "drywall"]
battery = "lithium"

[[lock]]
id = "flat-2"
site = "flats"
transport = "zigbee"
bridge = "zb"
via = ["plug-2"]
traffic_per_day = 6
temperature_c = -3
ambient_c = 0

[[interference]]
id = "microwave"
site = "flats"
locks = ["flat-1"]
windows = ["07:30-07:35", "18:00-18:20"]

[[phone]]
id = "anna"
site = "flats"
locks = ["flat-1"]

[[fault]]
at = "2d"
kind = "router_power_outage"
target = "wifi-1"
duration = "20m"

[[fault]]
at = "3d"
kind = "mesh_route_lost"
target = "plug-2"
fix_at = "4d"
)";

TEST(Scenario, ReadsTheWorld) {
  auto s = parse_scenario(kWorld, "world.toml");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->seed, 7U);
  ASSERT_EQ(s->networks.size(), 1U);
  EXPECT_EQ(s->networks[0].capacity, 20);
  ASSERT_EQ(s->bridges.size(), 1U);
  EXPECT_EQ(s->bridges[0].base_topic, "zigbee2mqtt");
  EXPECT_EQ(s->locks[0].walls.size(), 2U);
  EXPECT_EQ(s->locks[0].battery, "lithium");
  EXPECT_EQ(s->locks[1].via, std::vector<std::string>{"plug-2"});
  EXPECT_EQ(s->locks[1].temperature_c, -3.0) << "the world's";
  EXPECT_EQ(s->locks[1].ambient_c, 0.0) << "what the installer told the hub";
  EXPECT_FALSE(s->locks[0].ambient_c.has_value());
  ASSERT_EQ(s->interference.size(), 1U);
  EXPECT_EQ(s->interference[0].windows[1], (std::pair<int, int>{18 * 60, 18 * 60 + 20}));
  ASSERT_EQ(s->faults.size(), 2U);
  EXPECT_EQ(s->faults[0].cause, core::Cause::router_power_outage);
  EXPECT_EQ(s->faults[0].duration, Duration{20min});
  EXPECT_EQ(s->faults[1].fix_at, Duration{std::chrono::hours(96)});
  EXPECT_TRUE(s->needs_world());
}

TEST(Scenario, AFaultMustStrikeTheRightKindOfThing) {
  std::string text(kWorld);
  text += "\n[[fault]]\nat = \"1h\"\nkind = \"hub_offline\"\ntarget = \"wifi-1\"\n";
  std::string message = error_of(text);
  EXPECT_NE(message.find(
                "fault[2].target: a hub_offline fault strikes a [[bridge]]; this scenario has no [[bridge]] "
                "\"wifi-1\""),
            std::string::npos)
      << message;
}

TEST(Scenario, BadWorldValuesNameTheirField) {
  auto with = [](std::string_view from, std::string_view to) {
    std::string text(kWorld);
    text.replace(text.find(from), from.size(), to);
    return error_of(text);
  };
  EXPECT_NE(with("\"07:30-07:35\"", "\"7:30-7:35\"").find("interference[0].windows: each window must be"),
            std::string::npos);
  EXPECT_NE(with("walls = [\"brick\"", "walls = [\"cardboard\"").find("lock[0].walls: unknown wall material"),
            std::string::npos);
  EXPECT_NE(with("battery = \"lithium\"", "battery = \"potato\"")
                .find("lock[0].battery: unknown battery chemistry"),
            std::string::npos);
  EXPECT_NE(with("battery = \"lithium\"", "battery = \"lithium\"\nambient_c = -80").find("lock[0].ambient_c"),
            std::string::npos);
  EXPECT_NE(with("via = [\"plug-2\"]", "via = [\"plug-9\"]").find("lock[1].via: names no [[repeater]]"),
            std::string::npos);
  EXPECT_NE(with("duration = \"20m\"", "duration = \"20m\"\nfix_at = \"3d\"")
                .find("give either duration or fix_at"),
            std::string::npos);
  EXPECT_NE(with("kind = \"zigbee\"", "kind = \"thread\"").find("bridge[0].kind: unknown bridge kind"),
            std::string::npos);
}

TEST(Scenario, BatteryDrainNeedsPct) {
  std::string message = error_of(with_lock(R"(
[[fault]]
at = "10s"
lock = "front"
kind = "battery_drain"
)"));
  EXPECT_NE(message.find("fault[0].pct: is required for a battery_drain fault"), std::string::npos)
      << message;
}

TEST(Scenario, AKeypadProgrammingNeedsItsSlotAndPinAndOnlyItTakesASlot) {
  std::string message = error_of(with_lock(R"(
[[fault]]
at = "10s"
lock = "front"
kind = "keypad_program"
pin = "480917"
)"));
  EXPECT_NE(message.find("fault[0].slot: is required for a keypad_program fault"), std::string::npos)
      << message;
  message = error_of(with_lock(R"(
[[fault]]
at = "10s"
lock = "front"
kind = "keypad"
pin = "480917"
slot = 4
)"));
  EXPECT_NE(message.find("fault[0].slot: only a keypad_program fault takes slot"), std::string::npos)
      << message;
  message = error_of(with_lock(R"(
[[fault]]
at = "10s"
lock = "front"
kind = "keypad_program"
slot = 65
pin = "480917"
)"));
  EXPECT_NE(message.find("fault[0].slot:"), std::string::npos) << message;
}

TEST(Scenario, PctBelongsOnlyToBatteryDrain) {
  std::string message = error_of(with_lock(R"(
[[fault]]
at = "10s"
lock = "front"
kind = "jam"
pct = 10
)"));
  EXPECT_NE(message.find("fault[0].pct: only a battery_drain fault takes pct"), std::string::npos) << message;
}

TEST(Scenario, FaultWithoutTimeIsRejected) {
  std::string message = error_of(with_lock(R"(
[[fault]]
lock = "front"
kind = "jam"
)"));
  EXPECT_NE(message.find("fault[0].at: is required"), std::string::npos) << message;
}

TEST(Scenario, ScenarioWithoutLocksIsRejected) {
  EXPECT_NE(error_of("[broker]\nport = 1883\n").find("lock: a scenario needs at least one [[lock]]"),
            std::string::npos);
}

TEST(Scenario, DuplicateLockIdIsRejected) {
  std::string message = error_of(with_lock("\n[[lock]]\nid = \"front\"\nsite = \"home\"\n"));
  EXPECT_NE(message.find("lock[1].id: duplicate lock id \"front\""), std::string::npos) << message;
}

TEST(Scenario, LockIdMustBeTopicSafe) {
  std::string message = error_of("[[site]]\nid = \"home\"\n[[lock]]\nid = \"front/door\"\nsite = \"home\"\n");
  EXPECT_NE(message.find("lock[0].id: must be 1..64 characters of [A-Za-z0-9_-]"), std::string::npos)
      << message;
}

TEST(Scenario, HubKeyMustBeAnEd25519PublicKey) {
  std::string message = error_of(with_lock("[hub]\npublic_key = \"bm90IGEga2V5\"\n"));
  EXPECT_NE(message.find("hub.public_key: must be the base64 of a 32-byte Ed25519 public key"),
            std::string::npos)
      << message;
}

TEST(Scenario, HubKeyIsReadFromAFileBesideTheScenario) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("lw-scenario-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "hub.pub") << kTestKey << "\n";
  std::ofstream(dir / "s.toml") << "[hub]\npublic_key_file = \"hub.pub\"\nkey_id = \"home-hub\"\n"
                                << with_lock("");

  auto s = load_scenario((dir / "s.toml").string());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->hub.public_key, kTestKey);
  EXPECT_EQ(s->hub.key_id, "home-hub");
}

TEST(Scenario, MissingKeyFileIsNotFound) {
  auto s = parse_scenario("[hub]\npublic_key_file = \"/nonexistent/hub.pub\"\n" + with_lock(""), "test.toml");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::not_found);
  EXPECT_NE(s.error().message.find("hub.public_key_file"), std::string::npos) << s.error().message;
}

TEST(Scenario, MissingFileIsNotFound) {
  auto s = load_scenario("/nonexistent/scenario.toml");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::not_found);
}

TEST(Scenario, DocsDiagnosisNamesEveryCauseTheSimulatorCanInject) {
  std::ifstream in(LW_SOURCE_DIR "/docs/diagnosis.md");
  ASSERT_TRUE(in) << "docs/diagnosis.md not found";
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const core::CauseInfo& c : core::causes()) {
    const std::string row = "| `" + std::string(c.id) + "` | " + std::string(core::to_string(c.scope)) +
                            " | `" + std::string(core::to_string(c.fix)) + "` |";
    EXPECT_NE(doc.find(row), std::string::npos) << row;
  }
}

}  // namespace
}  // namespace lw::sim
