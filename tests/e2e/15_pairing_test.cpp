// Attack suite, end to end: a lock that trusts nobody is paired over MQTT
// with the code on its label (someone pressed its pairing button), then a
// user's own device key unlocks it through the hub, which only relays.
// Real broker, real `lockwarden serve`, real simulated lock firmware.
#include <sys/stat.h>

#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

constexpr std::string_view kLabelCode = "K7QF-3MZP-9TXD-2HWA";

/// door-a leaves the factory trusting no key; its pairing button is pressed at the start.
constexpr std::string_view kUnpairedLock = R"(
[hub]
key_id = "hub"

[[site]]
id = "e2e"

[[lock]]
id = "door-a"
site = "e2e"
name = "Door A"
heartbeat = "1s"
keepalive_s = 5
lock_state = "locked"
pairing_code = "K7QF-3MZP-9TXD-2HWA"
hub_key_enrolled = false

[[fault]]
at = "0s"
lock = "door-a"
kind = "pairing_button"
)";

class Pairing : public HubE2E {
 protected:
  /// `lockwarden key create ...`: a local command, no hub involved.
  static testing::RunResult create_key(const std::string& file, const std::string& key_id) {
    return testing::run_program({LW_BINARY, "key", "create", "--key-file", file, "--key-id", key_id}, 60s);
  }
  /// The hub's events for door-a, newest first.
  json::array events() {
    json::value page = get("/api/v1/locks/door-a/events?limit=100");
    if (!page.is_object() || !page.as_object().contains("events")) return {};
    return page.at("events").as_array();
  }
  bool has_event(std::string_view kind, std::string_view detail_or_op, std::string_view user) {
    for (const auto& e : events()) {
      const bool what = field(e, "detail") == detail_or_op || field(e, "operation") == detail_or_op;
      if (field(e, "kind") == kind && what && field(e, "user") == user) return true;
    }
    return false;
  }
};

TEST_F(Pairing, LabelCodePairsAUserKeyThatThenUnlocksThroughTheHub) {
  start_hub();
  start_sim(kUnpairedLock);
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();

  // Nobody is trusted yet, not even the hub.
  auto hub_unlock = cli({"unlock", "door-a"});
  EXPECT_EQ(hub_unlock.exit_code, 1) << hub_unlock.output;
  EXPECT_NE(hub_unlock.output.find("unknown_key"), std::string::npos) << hub_unlock.output;

  const std::string key_file = (dir_ / "alice.key").string();
  auto created = create_key(key_file, "alice-phone");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  struct stat st {};
  ASSERT_EQ(::stat(key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  EXPECT_EQ(created.output.find("secret"), std::string::npos) << "the secret key is never printed";

  // A wrong code is refused by the lock; the key stays untrusted.
  auto wrong = cli({"pair", "--lock", "e2e/door-a", "--code", "K7QF-3MZP-9TXD-2HWB", "--key-file", key_file});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.output << logs();
  EXPECT_NE(wrong.output.find("wrong_code"), std::string::npos) << wrong.output;
  auto refused = cli({"unlock", "door-a", "--key-file", key_file});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;

  auto paired =
      cli({"pair", "--lock", "e2e/door-a", "--code", std::string(kLabelCode), "--key-file", key_file});
  ASSERT_EQ(paired.exit_code, 0) << paired.output << logs();
  EXPECT_NE(paired.output.find("paired with key 'alice-phone'"), std::string::npos) << paired.output;
  EXPECT_EQ(testing::read_text_file(dir_ / "hub.log").find(std::string(kLabelCode)), std::string::npos)
      << "the label code is never logged";
  EXPECT_TRUE(eventually([&] { return has_event("alarm", "key_added", "alice-phone"); }, 5s))
      << "everyone is told a key was added";

  auto opened = cli({"unlock", "door-a", "--key-file", key_file, "--json"});
  ASSERT_EQ(opened.exit_code, 0) << opened.output << logs();
  EXPECT_EQ(json::parse(opened.output).at("action").at("key_id").as_string(), "alice-phone");
  EXPECT_TRUE(eventually([&] { return lock_is("door-a", "lock_state", "unlocked"); }, 3s));
  EXPECT_TRUE(eventually([&] { return has_event("lock_operation", "unlock", "alice-phone"); }, 5s))
      << "the lock's event names the key that unlocked";

  // The hub's own key was never paired: it still cannot act.
  auto still_refused = cli({"lock", "door-a"});
  EXPECT_EQ(still_refused.exit_code, 1) << still_refused.output;
  EXPECT_NE(still_refused.output.find("unknown_key"), std::string::npos) << still_refused.output;
}

/// door-a trusts the hub's key from the factory; its pairing button is pressed at the start.
constexpr std::string_view kHubTrustedLock = R"(
[hub]
key_id = "hub"

[[site]]
id = "e2e"

[[lock]]
id = "door-a"
site = "e2e"
name = "Door A"
heartbeat = "1s"
keepalive_s = 5
lock_state = "locked"
pairing_code = "K7QF-3MZP-9TXD-2HWA"

[[fault]]
at = "0s"
lock = "door-a"
kind = "pairing_button"
)";

TEST_F(Pairing, AnUnpairedKeyCanNoLongerUnlockAndTheLockSaysItForgotIt) {
  start_hub();
  start_sim(kHubTrustedLock);
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
  const std::string key_file = (dir_ / "alice.key").string();
  ASSERT_EQ(create_key(key_file, "alice-phone").exit_code, 0);
  auto paired =
      cli({"pair", "--lock", "e2e/door-a", "--code", std::string(kLabelCode), "--key-file", key_file});
  ASSERT_EQ(paired.exit_code, 0) << paired.output << logs();
  ASSERT_EQ(cli({"unlock", "door-a", "--key-file", key_file}).exit_code, 0) << logs();
  const json::value keys = get("/api/v1/locks/door-a/keys");
  ASSERT_EQ(keys.at("keys").as_array().size(), 1U) << json::serialize(keys);
  EXPECT_EQ(field(keys.at("keys").at(0), "key_id"), "alice-phone");
  EXPECT_EQ(field(keys.at("keys").at(0), "role"), "user");

  auto unknown = cli({"unpair", "--lock", "e2e/door-a", "--key-id", "bob-phone"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("key 'bob-phone' is not paired with lock 'door-a'"), std::string::npos)
      << unknown.output;

  auto unpaired = cli({"unpair", "--lock", "e2e/door-a", "--key-id", "alice-phone"});
  ASSERT_EQ(unpaired.exit_code, 0) << unpaired.output << logs();
  EXPECT_NE(unpaired.output.find("no longer trusts key 'alice-phone'"), std::string::npos) << unpaired.output;
  EXPECT_TRUE(eventually([&] { return has_event("alarm", "key_removed", "alice-phone"); }, 5s))
      << "the lock itself says it forgot the key";
  EXPECT_TRUE(get("/api/v1/locks/door-a/keys").at("keys").as_array().empty());

  auto refused = cli({"unlock", "door-a", "--key-file", key_file});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("not paired"), std::string::npos) << refused.output;
  auto audit = testing::run_program({LW_BINARY, "audit", "list", "--data-dir", data_dir().string()}, 60s);
  EXPECT_NE(audit.output.find("key.unpair"), std::string::npos) << audit.output;
}

TEST_F(Pairing, EnvelopeFromAKeyNotPairedWithTheLockIsNotRelayed) {
  start_hub();
  start_sim(kUnpairedLock);
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
  const std::string key_file = (dir_ / "mallory.key").string();
  ASSERT_EQ(create_key(key_file, "mallory").exit_code, 0);

  auto r = cli({"unlock", "door-a", "--key-file", key_file});
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("envelope.key_id: this key is not paired with lock 'door-a'"), std::string::npos)
      << r.output;
  EXPECT_TRUE(lock_is("door-a", "lock_state", "locked"));
}

}  // namespace
}  // namespace lw::e2e
