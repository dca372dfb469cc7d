// A Z-Wave lock behind the real Z-Wave JS stack from npm (tests/peers/zwave-js,
// installed by `make`): zwave-js's `mock-server` emulates a controller and a
// keypad door lock (node 2, tests/peers/zwave-js/door_lock.cjs), and
// @zwave-js/server's `zwave-server` drives it over tcp://127.0.0.1:PORT and
// serves its WebSocket API on loopback, as Home Assistant sees it. The hub
// connects as a WebSocket client. The test moves the lock's bolt, drains its
// battery, jams it, types a PIN and silences it through the mock's control
// port, and stops and restarts the server. Keypad codes go to the lock's
// User Code slots, and the test reads the slot back from the mock lock.
#include <fstream>

#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

const fs::path kPeer = fs::path(LW_SOURCE_DIR) / "tests" / "peers" / "zwave-js";

class ZwaveJs : public HubE2E {
 protected:
  ZwaveJs()
      : serial_port_(testing::free_loopback_port()),
        ws_port_(testing::free_loopback_port()),
        control_port_(testing::free_loopback_port()) {}
  ~ZwaveJs() override {
    server_.reset();
    mock_.reset();
  }

  void SetUp() override {
    ASSERT_TRUE(fs::exists(kPeer / "node_modules" / "zwave-js" / "bin" / "mock-server.cjs"))
        << "the Z-Wave JS stack is not installed: run `make test` (scripts/install-test-peers)";
    mock_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{"/usr/bin/env", "LW_ZWAVE_MOCK_CONTROL=" + std::to_string(control_port_),
                                 LW_NODE, (kPeer / "node_modules/zwave-js/bin/mock-server.cjs").string(),
                                 "--interface", "127.0.0.1", "--port", std::to_string(serial_port_),
                                 "--config", (kPeer / "door_lock.cjs").string()},
        dir_ / "mock-server.log");
    ASSERT_TRUE(eventually([&] { return control("/ready"); }, 30s))
        << "mock-server did not start:\n"
        << testing::read_text_file(dir_ / "mock-server.log");
    start_server();
    start_hub(R"(
[[site]]
id = "flat"

[zwave_js]
enabled = true
url = "ws://127.0.0.1:)" +
              std::to_string(ws_port_) +
              R"("
site = "flat"
)");
  }

  /// zwave-server on the mock's TCP serial port; its driver cache is the test's own.
  void start_server() {
    server_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{"/usr/bin/env", "LW_ZWAVE_CACHE=" + (dir_ / "zwave-cache").string(), LW_NODE,
                                 (kPeer / "node_modules/@zwave-js/server/dist-esm/bin/server.js").string(),
                                 "tcp://127.0.0.1:" + std::to_string(serial_port_), "--host", "127.0.0.1",
                                 "--port", std::to_string(ws_port_), "--disable-dns-sd", "--config",
                                 (kPeer / "server_config.cjs").string()},
        dir_ / "zwave-server.log");
  }

  /// POST to the mock lock's control port; true on 200.
  bool control(const std::string& path) { return control_text(path).has_value(); }
  /// The body of a control request that answered 200.
  std::optional<std::string> control_text(const std::string& path) {
    auto r = adapters::http::http_request("POST", "http://127.0.0.1:" + std::to_string(control_port_) + path,
                                          "", 5s, {});
    if (!r || r->status != 200) return std::nullopt;
    return r->body;
  }

  std::string zwave_logs() {
    return logs() + "--- mock-server.log ---\n" + testing::read_text_file(dir_ / "mock-server.log") +
           "--- zwave-server.log ---\n" + testing::read_text_file(dir_ / "zwave-server.log");
  }

  /// The lock's events, newest first, from `lockwarden events --json`.
  json::array events() {
    auto r = cli({"events", "zwave-2", "--json"});
    if (r.exit_code != 0) return {};
    return json::parse(r.output).at("events").as_array();
  }

  /// The case the lock is a member of, or null.
  json::value case_of(const std::string& lock) {
    const json::value cases = get("/api/v1/cases");
    if (!cases.is_object()) return nullptr;
    for (const auto& c : cases.at("cases").as_array()) {
      for (const auto& m : c.at("members").as_array()) {
        if (m.is_string() && m.get_string() == lock) return c;
      }
    }
    return nullptr;
  }

  int serial_port_;
  int ws_port_;
  int control_port_;
  std::unique_ptr<testing::ChildProcess> mock_;
  std::unique_ptr<testing::ChildProcess> server_;
};

TEST_F(ZwaveJs, AZwaveLockIsFoundWatchedAndCommandedThroughZwaveJsServer) {
  // The lock joins as soon as the server lists it; its interview then reports its values.
  ASSERT_TRUE(eventually([&] { return lock_is("zwave-2", "connectivity", "online"); }, 60s)) << zwave_logs();
  auto found = lock("zwave-2");
  EXPECT_EQ(field(found, "transport"), "zwave");
  EXPECT_EQ(field(found, "site"), "flat");
  EXPECT_EQ(field(found, "name"), "Z-Wave node 2");
  EXPECT_TRUE(eventually([&] { return lock_is("zwave-2", "battery_pct", "87"); }, 10s))
      << json::serialize(lock("zwave-2"));
  EXPECT_EQ(field(lock("zwave-2"), "lock_state"), "unlocked");  // the mock's Door Lock currentMode 0
  // Once its interview ended the hub asks the server what firmware the update service offers it. The
  // server understands the question; with no way to the service here, it says so in its words.
  const std::string about = "for node 2 (zwave-2)";
  ASSERT_TRUE(eventually([&] { return logs().find(about) != std::string::npos; }, 20s)) << zwave_logs();
  const std::string said = logs().substr(logs().find(about), 200);
  EXPECT_EQ(said.find("unknown"), std::string::npos) << said;
  EXPECT_EQ(said.find("schema"), std::string::npos) << said;

  // Lock and unlock: node.set_value of targetMode, confirmed by the node's currentMode.
  for (const char* verb : {"lock", "unlock"}) {
    auto r = cli({verb, "zwave-2", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.output << zwave_logs();
    EXPECT_EQ(json::parse(r.output).at("action").at("status").as_string(), "succeeded") << r.output;
    EXPECT_TRUE(eventually(
        [&] { return lock_is("zwave-2", "lock_state", std::string(verb) == "lock" ? "locked" : "unlocked"); },
        5s));
  }
  // Unlatch: the Door Lock command class has none; it fails as unsupported and the bolt stays.
  auto unlatch = post("/api/v1/locks/zwave-2/unlatch");
  ASSERT_EQ(unlatch.status, 202) << json::serialize(unlatch.body);
  const std::string action = "/api/v1/actions/" + std::string(unlatch.body.at("action").at("id").as_string());
  ASSERT_TRUE(eventually([&] { return field(get(action).at("action"), "status") == "failed"; }, 5s))
      << json::serialize(get(action));
  EXPECT_EQ(field(get(action).at("action"), "reason"), "unsupported");
  EXPECT_EQ(field(lock("zwave-2"), "lock_state"), "unlocked");

  // Someone turns the thumb turn: an unsolicited Door Lock report.
  ASSERT_TRUE(control("/mode/255"));
  EXPECT_TRUE(eventually([&] { return lock_is("zwave-2", "lock_state", "locked"); }, 5s)) << zwave_logs();

  // A PIN typed at the keypad, user slot 3: Notification Access Control 0x06.
  ASSERT_TRUE(control("/notify/6/6/3"));
  EXPECT_TRUE(eventually(
      [&] {
        for (const auto& e : events()) {
          if (e.at("kind") == "lock_operation" && e.at("source") == "keypad" &&
              e.at("operation") == "unlock" && e.at("user") == "3")
            return true;
        }
        return false;
      },
      5s))
      << json::serialize(events());

  // The battery drops: the level follows.
  ASSERT_TRUE(control("/battery/12"));
  EXPECT_TRUE(eventually([&] { return lock_is("zwave-2", "battery_pct", "12"); }, 5s));

  // The bolt jams (0x0b): jammed, with one alarm.
  ASSERT_TRUE(control("/notify/6/11"));
  EXPECT_TRUE(eventually([&] { return lock_is("zwave-2", "lock_state", "jammed"); }, 5s)) << zwave_logs();
  ASSERT_TRUE(control("/notify/6/11"));  // said again: the same episode
  std::this_thread::sleep_for(500ms);
  int jams = 0;
  int insecure = 0;
  for (const auto& e : events()) {
    if (e.at("kind") == "alarm" && e.at("detail") == "jammed") ++jams;
    if (e.at("kind") == "alarm" && e.at("detail") == "insecure_inclusion") ++insecure;
  }
  EXPECT_EQ(jams, 1) << json::serialize(events());
  // The mock lock was included without security: the driver says so, the hub raises it once.
  EXPECT_EQ(insecure, 1) << json::serialize(events());
}

TEST_F(ZwaveJs, ADeadNodeFailsItsCommandAndGoesOfflineAndTheServerGoingDownMakesItUnreachable) {
  ASSERT_TRUE(eventually([&] { return lock_is("zwave-2", "connectivity", "online"); }, 60s)) << zwave_logs();
  // Online comes with the node's first answer; its Door Lock is known once zwave-js has interviewed it.
  // Before that, zwave-js refuses a lock command as "does not support the Command Class Door Lock".
  ASSERT_TRUE(eventually(
      [&] {
        const std::string state = field(lock("zwave-2"), "lock_state");
        return state == "locked" || state == "unlocked";
      },
      60s))
      << zwave_logs();

  // The node stops answering: the lock command is not acknowledged, zwave-js marks it dead.
  ASSERT_TRUE(control("/silent"));
  auto r = cli({"lock", "zwave-2", "--json"});
  EXPECT_NE(r.exit_code, 0) << r.output;
  // zwave-js's words: "did not acknowledge the command" or "did not respond after 3 attempts".
  EXPECT_NE(r.output.find(R"("reason":"undelivered","detail":"Z-Wave JS: The node did not)"),
            std::string::npos)
      << r.output;
  EXPECT_TRUE(eventually([&] { return lock_is("zwave-2", "connectivity", "offline"); }, 10s)) << zwave_logs();

  // It answers again; a ping (the hub's probe, or zwave-js's own) brings it back.
  ASSERT_TRUE(control("/answer"));
  auto back = cli({"lock", "zwave-2", "--json"});
  EXPECT_EQ(back.exit_code, 0) << back.output << zwave_logs();
  EXPECT_TRUE(eventually([&] { return lock_is("zwave-2", "connectivity", "online"); }, 15s)) << zwave_logs();

  // The server goes away: its lock is unreachable, and the case says the hub (bridge) is down.
  server_->signal(SIGTERM);
  ASSERT_GE(server_->wait(10s), 0);
  ASSERT_TRUE(eventually([&] { return lock_is("zwave-2", "connectivity", "unreachable"); }, 10s))
      << zwave_logs();
  json::value with_case;
  ASSERT_TRUE(eventually(
      [&] {
        with_case = case_of("zwave-2");
        return with_case.is_object();
      },
      10s))
      << json::serialize(get("/api/v1/cases"));
  EXPECT_EQ(with_case.at("hypotheses").as_array().at(0).at("cause"), "hub_offline")
      << json::serialize(with_case);

  // It comes back: the hub reconnects on its own and the lock is online again.
  start_server();
  EXPECT_TRUE(eventually([&] { return lock_is("zwave-2", "connectivity", "online"); }, 60s)) << zwave_logs();
}

TEST_F(ZwaveJs, AKeypadCodeIsWrittenToTheLocksUserCodeSlotAndReadBack) {
  ASSERT_TRUE(eventually([&] { return lock_is("zwave-2", "connectivity", "online"); }, 60s)) << zwave_logs();
  auto weekly = call("POST", "/api/v1/codes",
                     R"({"site":"flat","lock":"zwave-2","name":"Cleaner","pin":"1234",)"
                     R"("schedule":{"type":"weekly","days":["mon"],"start":"08:00","end":"12:00"}})",
                     auth());
  EXPECT_EQ(weekly.status, 409) << json::serialize(weekly.body);

  const std::string pin_file = (dir_ / "family.pin").string();
  write_file(pin_file, "0482157\n");
  auto add = [&](const std::string& slot) {
    auto r = cli({"code", "add", "--site", "flat", "--lock", "zwave-2", "--name", "Family", "--slot", slot,
                  "--pin-file", pin_file, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return field(json::parse(r.output.substr(0, r.output.find('\n'))).at("code"), "id");
  };
  auto code = [&](const std::string& id) {
    json::value v = get("/api/v1/codes/" + id);
    return v.is_object() && v.as_object().contains("code") ? v.at("code").as_object() : json::object{};
  };
  const std::string id = add("4");
  // Set once the lock's User Code Report shows the slot holding the PIN (its keyed digest matches).
  ASSERT_TRUE(eventually([&] { return field(code(id), "state") == "set"; }, 30s))
      << json::serialize(code(id)) << zwave_logs();
  EXPECT_EQ(control_text("/usercode/4"), "1 0482157") << "the mock lock holds it, leading zero and all";

  // Slot 12 is past the lock's 10 users.
  const std::string far = add("12");
  ASSERT_TRUE(eventually([&] { return field(code(far), "state") == "failed"; }, 30s))
      << json::serialize(code(far)) << zwave_logs();
  EXPECT_NE(json::serialize(code(far)).find("slot 12: the lock has 10 user codes"), std::string::npos)
      << json::serialize(code(far));

  // Removing it empties the slot on the lock.
  auto removed = cli({"code", "remove", id});
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  ASSERT_TRUE(eventually([&] { return code(id).empty(); }, 30s)) << json::serialize(code(id)) << zwave_logs();
  EXPECT_EQ(control_text("/usercode/4"), "0 ");
  const std::string log = testing::read_text_file(dir_ / "hub.log");
  EXPECT_EQ(log.find("0482157"), std::string::npos) << "the PIN is never logged";
  EXPECT_EQ(log.find("drift:"), std::string::npos) << log;
}

TEST_F(ZwaveJs, TheLocksAutoRelockTimeIsHeldAndWrittenBackWhenTheLockComesBackWithoutIt) {
  ASSERT_TRUE(eventually([&] { return lock_is("zwave-2", "connectivity", "online"); }, 60s)) << zwave_logs();
  auto settings = [&] { return get("/api/v1/locks/zwave-2/settings").at("settings"); };
  // Its first read-back asked the Door Lock configuration: the lock's own, kept to write back.
  ASSERT_TRUE(eventually([&] { return settings().at("known") == true; }, 60s))
      << json::serialize(settings()) << zwave_logs();
  EXPECT_EQ(settings().at("settings"), json::parse(R"({"auto_relock_s":0})"));
  Reply volume = call("PUT", "/api/v1/locks/zwave-2/settings", R"({"sound_volume":"low"})", auth());
  EXPECT_EQ(volume.status, 400) << json::serialize(volume.body);

  auto set = cli({"code", "settings", "zwave-2", "--auto-relock-s", "45"});
  ASSERT_EQ(set.exit_code, 0) << set.output << zwave_logs();
  ASSERT_TRUE(eventually([&] { return field(settings(), "state") == "set"; }, 30s))
      << json::serialize(settings()) << zwave_logs();
  EXPECT_EQ(control_text("/relock"), "45") << "Configuration Set reached the lock";

  // The lock loses it (reset at the door) and drops off; when it is back, its
  // read-back finds 0 and the hub writes 45 again.
  ASSERT_EQ(control_text("/relock/0"), "0");
  ASSERT_TRUE(control("/silent"));
  (void)cli({"lock", "zwave-2", "--json"});
  ASSERT_TRUE(eventually([&] { return lock_is("zwave-2", "connectivity", "offline"); }, 20s)) << zwave_logs();
  ASSERT_TRUE(control("/answer"));
  (void)cli({"lock", "zwave-2", "--json"});
  ASSERT_TRUE(eventually([&] { return lock_is("zwave-2", "connectivity", "online"); }, 20s)) << zwave_logs();
  ASSERT_TRUE(eventually([&] { return control_text("/relock") == "45"; }, 30s))
      << json::serialize(settings()) << zwave_logs();
  bool drift = false;
  for (const auto& e : events()) {
    drift |=
        field(e, "kind") == "access_code" &&
        field(e, "detail").find("drift: the lock keeps other settings (no auto-relock)") != std::string::npos;
  }
  EXPECT_TRUE(drift) << json::serialize(events());
}

}  // namespace
}  // namespace lw::e2e
