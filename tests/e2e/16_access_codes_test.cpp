// Keypad codes, end to end: a manager adds a PIN for the cleaner with the CLI,
// the hub seals it to the lock and confirms the lock holds it (and says so to
// a webhook), the cleaner's PIN opens the door at the keypad, and the same
// wrong PIN tried at two doors raises one site-wide alert. Removing the code
// empties the slot. Real broker, real `lockwarden serve`, real simulated
// lock firmware; the PIN appears in no output, log or answer.
#include "adapters/webhook/webhook_signature.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/webhook_receiver.h"

namespace lw::e2e {
namespace {

constexpr std::string_view kSecret = "e2e-webhook-secret-0123456789";
constexpr std::string_view kPin = "482157";

/// Two doors; at 12 s the cleaner types the PIN at door A, then someone
/// tries 913706 at both doors.
constexpr std::string_view kKeypadDoors = R"(
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

[[lock]]
id = "door-b"
site = "e2e"
name = "Door B"
heartbeat = "1s"
keepalive_s = 5
lock_state = "locked"

[[fault]]
at = "12s"
lock = "door-a"
kind = "keypad"
pin = "482157"

[[fault]]
at = "14s"
lock = "door-a"
kind = "keypad"
pin = "913706"

[[fault]]
at = "15s"
lock = "door-b"
kind = "keypad"
pin = "913706"
)";

/// One door; at 6 s an installer programs a code into slot 9 at the lock's own menu.
constexpr std::string_view kProgrammedAtTheDoor = R"(
[hub]
key_id = "hub"

[[site]]
id = "e2e"

[[lock]]
id = "door-a"
site = "e2e"
heartbeat = "1s"
keepalive_s = 5

[[fault]]
at = "6s"
lock = "door-a"
kind = "keypad_program"
slot = 9
pin = "480917"
)";

/// One door with its label code; at 10 s it is factory-reset and its pairing
/// button pressed; at 40 s the cleaner types her PIN.
constexpr std::string_view kResetDoor = R"(
[hub]
key_id = "hub"

[[site]]
id = "e2e"

[[lock]]
id = "door-a"
site = "e2e"
heartbeat = "1s"
keepalive_s = 5
lock_state = "locked"
pairing_code = "K7QF-3MZP-9TXD-2HWA"

[[fault]]
at = "10s"
lock = "door-a"
kind = "factory_reset"

[[fault]]
at = "11s"
lock = "door-a"
kind = "pairing_button"

[[fault]]
at = "40s"
lock = "door-a"
kind = "keypad"
pin = "482157"
)";

class AccessCodes : public HubE2E {
 protected:
  [[nodiscard]] std::string webhook_config() const {
    return "[[webhook]]\nurl = \"" + receiver_.url() + "\"\nsecret = \"" + std::string(kSecret) +
           "\"\nevents = [\"access_code.set\", \"access_code.removed\", \"access_code.wrong_pins\", "
           "\"access_code.drift\"]\n"
           "timeout = \"2s\"\n";
  }
  json::object code(const std::string& id) {
    json::value v = get("/api/v1/codes/" + id);
    return v.is_object() && v.as_object().contains("code") ? v.at("code").as_object() : json::object{};
  }
  json::array events(const std::string& lock) {
    json::value page = get("/api/v1/locks/" + lock + "/events?limit=200");
    if (!page.is_object() || !page.as_object().contains("events")) return {};
    return page.at("events").as_array();
  }
  bool has_event(const std::string& lock, std::string_view kind, std::string_view detail_part) {
    for (const auto& e : events(lock)) {
      if (field(e, "kind") == kind && field(e, "detail").find(detail_part) != std::string::npos) return true;
    }
    return false;
  }
  /// Webhook deliveries of `type`, as parsed bodies.
  std::vector<json::object> hooks(std::string_view type) {
    std::vector<json::object> out;
    for (const auto& r : receiver_.received()) {
      json::value body = json::parse(r.body);
      if (field(body, "type") != type) continue;
      EXPECT_TRUE(adapters::webhook::verify(kSecret, r.body, r.headers.at("x-lockwarden-signature")));
      out.push_back(body.as_object());
    }
    return out;
  }

  WebhookReceiver receiver_;
};

TEST_F(AccessCodes, APinAddedWithTheCliOpensTheDoorAndAWrongPinAtTwoDoorsRaisesOneAlert) {
  receiver_.answer(200);
  start_hub(webhook_config());
  start_sim(kKeypadDoors);
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();

  const std::string pin_file = (dir_ / "cleaner.pin").string();
  write_file(pin_file, std::string(kPin) + "\n");
  auto added = cli({"code", "add", "--site", "e2e", "--lock", "door-a", "--name", "Cleaner", "--slot", "3",
                    "--pin-file", pin_file, "--json"});
  ASSERT_EQ(added.exit_code, 0) << added.output << logs();
  EXPECT_EQ(added.output.find(kPin), std::string::npos) << "the PIN is never printed";
  const json::value created = json::parse(added.output.substr(0, added.output.find('\n')));
  const std::string id = field(created.at("code"), "id");
  ASSERT_TRUE(id.starts_with("code-")) << added.output;

  // The hub does not trust its own write: "set" only once the lock's answer shows the slot holding it.
  ASSERT_TRUE(eventually([&] { return field(code(id), "state") == "set"; }, 10s))
      << json::serialize(code(id)) << logs();
  EXPECT_TRUE(has_event("door-a", "access_code", id + " (Cleaner) set in slot 3"));
  ASSERT_TRUE(eventually([&] { return !hooks("access_code.set").empty(); }, 10s)) << logs();
  const json::object set = hooks("access_code.set").front();
  EXPECT_EQ(field(set.at("data"), "code"), id);
  EXPECT_EQ(field(set.at("data"), "lock"), "door-a");
  EXPECT_EQ(set.at("data").at("slot").as_int64(), 3);

  // A second code in the same slot of the same door is refused, naming the field.
  auto clash = cli({"code", "add", "--site", "e2e", "--lock", "door-a", "--name", "Plumber", "--slot", "3",
                    "--pin-file", pin_file});
  EXPECT_EQ(clash.exit_code, 1) << clash.output;
  EXPECT_NE(clash.output.find("slot: 3 already holds code '" + id + "'"), std::string::npos) << clash.output;

  // At 12 s the cleaner types the PIN: the door opens, by keypad, as user 3 (the slot's user).
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& e : events("door-a")) {
          if (field(e, "kind") == "lock_operation" && field(e, "operation") == "unlock" &&
              field(e, "source") == "keypad" && field(e, "user") == "3")
            return true;
        }
        return false;
      },
      20s))
      << logs();

  // 913706 at door A, then at door B: one wrong PIN at two doors of the site.
  ASSERT_TRUE(eventually([&] { return !hooks("access_code.wrong_pins").empty(); }, 25s)) << logs();
  const json::object alert = hooks("access_code.wrong_pins").front();
  EXPECT_EQ(field(alert.at("data"), "site"), "e2e");
  EXPECT_EQ(alert.at("data").at("locks").as_array().size(), 2U) << json::serialize(alert);
  EXPECT_TRUE(has_event("door-b", "access_code", "the same wrong PIN was tried at 2 doors"));
  EXPECT_EQ(hooks("access_code.wrong_pins").size(), 1U) << "one alert, not one per door";

  // Removing the code empties the slot on the lock; the code is gone once the lock confirms it.
  auto removed = cli({"code", "remove", id});
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  ASSERT_TRUE(eventually([&] { return !hooks("access_code.removed").empty(); }, 10s)) << logs();
  ASSERT_TRUE(eventually([&] { return get("/api/v1/codes/" + id).is_object() && code(id).empty(); }, 5s))
      << json::serialize(code(id));
  auto listed = cli({"code", "list"});
  EXPECT_EQ(listed.exit_code, 0);
  EXPECT_NE(listed.output.find("no access codes"), std::string::npos) << listed.output;

  // Nothing the hub wrote holds the PIN.
  EXPECT_EQ(testing::read_text_file(dir_ / "hub.log").find(kPin), std::string::npos);
  auto audit = testing::run_program({LW_BINARY, "audit", "list", "--data-dir", data_dir().string()}, 60s);
  EXPECT_NE(audit.output.find("code.create"), std::string::npos) << audit.output;
  EXPECT_NE(audit.output.find("code.remove"), std::string::npos) << audit.output;
  EXPECT_EQ(audit.output.find(kPin), std::string::npos);
}

TEST_F(AccessCodes, AMemberMayNotAddCodesAndAnotherSitesManagerCannotSeeThem) {
  start_hub("[[site]]\nid = \"e2e\"\n[[site]]\nid = \"office\"\n");
  ASSERT_EQ(add_user("mia", "member-password-1", "e2e", "member"), 201);
  ASSERT_EQ(add_user("olga", "office-password-1", "office", "manager"), 201);
  const std::string mia = login("mia", "member-password-1");
  const std::string olga = login("olga", "office-password-1");
  ASSERT_FALSE(mia.empty());
  ASSERT_FALSE(olga.empty());
  const std::string body = R"({"site":"e2e","name":"Cleaner","pin":"482157"})";
  EXPECT_EQ(call("POST", "/api/v1/codes", body, auth(mia)).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/codes", body, auth(olga)).status, 404)
      << "another site does not exist for it";
  auto created = call("POST", "/api/v1/codes", body, auth());
  ASSERT_EQ(created.status, 201) << json::serialize(created.body);
  const std::string id = field(created.body.at("code"), "id");
  EXPECT_EQ(json::serialize(created.body).find("482157"), std::string::npos) << "the answer holds no PIN";
  EXPECT_EQ(call("GET", "/api/v1/codes/" + id, "", auth(olga)).status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/codes/" + id, "", auth(olga)).status, 404);
  EXPECT_EQ(call("GET", "/api/v1/codes/code-00000000", "", auth(olga)).status, 404);
  EXPECT_EQ(call("GET", "/api/v1/codes/" + id, "", auth(mia)).status, 403);
  auto olga_list = call("GET", "/api/v1/codes", "", auth(olga));
  EXPECT_EQ(olga_list.status, 200);
  EXPECT_EQ(json::serialize(olga_list.body), R"({"codes":[]})");
  auto bad = call("POST", "/api/v1/codes", R"({"site":"e2e","name":"X","pin":"12a4"})", auth());
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(json::serialize(bad.body).find("pin: must be 4..10 digits"), std::string::npos)
      << json::serialize(bad.body);
  auto bad_schedule =
      call("POST", "/api/v1/codes",
           R"({"site":"e2e","name":"X","pin":"1234","schedule":{"type":"weekly","days":[]}})", auth());
  EXPECT_EQ(bad_schedule.status, 400);
  EXPECT_NE(json::serialize(bad_schedule.body).find("schedule."), std::string::npos)
      << json::serialize(bad_schedule.body);
}

// Security anchor P7: a code added at the lock behind the hub's back is read
// back at once, reported as drift with its slot, alerted, and audited as the lock's.
TEST_F(AccessCodes, ACodeProgrammedAtTheLockItselfIsReportedAlertedAndAuditedAsExternal) {
  receiver_.answer(200);
  start_hub(webhook_config());
  start_sim(kProgrammedAtTheDoor);
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
  ASSERT_TRUE(eventually(
      [&] { return has_event("door-a", "access_code", "slot 9 holds a code lockwarden did not write"); },
      25s))
      << json::serialize(events("door-a")) << logs();
  EXPECT_TRUE(has_event("door-a", "alarm", "code_programmed"));
  ASSERT_TRUE(eventually([&] { return !hooks("access_code.drift").empty(); }, 10s)) << logs();
  const json::object drift = hooks("access_code.drift").front();
  EXPECT_EQ(field(drift.at("data"), "lock"), "door-a");
  EXPECT_EQ(drift.at("data").at("slot").as_int64(), 9);
  EXPECT_EQ(field(drift.at("data"), "kind"), "extra");

  json::value page = get("/api/v1/audit?limit=1000");
  ASSERT_TRUE(page.is_object());
  int external = 0;
  for (const json::value& r : page.at("records").as_array()) {
    const json::object& o = r.as_object();
    if (o.at("action") != "code.drift") continue;
    ++external;
    EXPECT_EQ(o.at("actor"), "lock:door-a");
    EXPECT_EQ(o.at("outcome"), "external");
    EXPECT_EQ(o.at("detail").at("slot"), "9");
    EXPECT_EQ(o.at("detail").at("kind"), "extra");
  }
  EXPECT_GE(external, 1) << json::serialize(page);
  EXPECT_EQ(testing::read_text_file(dir_ / "hub.log").find("480917"), std::string::npos);
}

// A factory reset wipes the lock's codes and its keypad settings; pairing the
// hub again in person (the label code) brings every code and the settings
// back without anyone typing a PIN again.
TEST_F(AccessCodes, AResetLockPairedAgainInPersonGetsEveryCodeAndItsSettingsBack) {
  start_hub();
  start_sim(kResetDoor);
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
  const std::string pin_file = (dir_ / "cleaner.pin").string();
  write_file(pin_file, std::string(kPin) + "\n");
  auto added = cli({"code", "add", "--site", "e2e", "--lock", "door-a", "--name", "Cleaner", "--slot", "3",
                    "--pin-file", pin_file, "--json"});
  ASSERT_EQ(added.exit_code, 0) << added.output << logs();
  const std::string id = field(json::parse(added.output.substr(0, added.output.find('\n'))).at("code"), "id");
  ASSERT_TRUE(eventually([&] { return field(code(id), "state") == "set"; }, 8s)) << logs();
  // The owner tightens the keypad: three wrong PINs lock it for two minutes.
  auto tightened = cli({"code", "settings", "door-a", "--wrong-code-limit", "3", "--lockout-s", "120"});
  ASSERT_EQ(tightened.exit_code, 0) << tightened.output << logs();
  auto settings = [&] { return get("/api/v1/locks/door-a/settings").at("settings"); };
  ASSERT_TRUE(eventually([&] { return field(settings(), "state") == "set"; }, 8s))
      << json::serialize(settings()) << logs();
  EXPECT_EQ(field(settings(), "source"), "hub");
  auto shown = cli({"code", "settings", "door-a"});
  EXPECT_NE(shown.output.find("keypad off for 120 s after 3 wrong PINs  (set through the hub)  [set]"),
            std::string::npos)
      << shown.output;
  EXPECT_EQ(call("PUT", "/api/v1/locks/door-a/settings", R"({"wrong_code_entry_limit":0})", auth()).status,
            400);

  // At 10 s the lock forgets everything; at 11 s someone at the door opens its pairing window.
  Reply paired;
  ASSERT_TRUE(eventually(
      [&] {
        Reply started =
            call("POST", "/api/v1/locks/door-a/pair", R"({"code":"K7QF-3MZP-9TXD-2HWA"})", auth());
        if (started.status != 202) return false;
        const std::string session = field(started.body.at("pairing"), "id");
        eventually(
            [&] {
              paired.body = get("/api/v1/pairings/" + session);
              return paired.body.is_object() && field(paired.body.at("pairing"), "state") != "pending";
            },
            10s);
        return paired.body.is_object() && field(paired.body.at("pairing"), "state") == "paired";
      },
      30s))
      << json::serialize(paired.body) << logs();

  ASSERT_TRUE(eventually([&] { return has_event("door-a", "access_code", "written back"); }, 15s))
      << json::serialize(events("door-a")) << logs();
  EXPECT_TRUE(
      has_event("door-a", "access_code", "with its settings (keypad off for 120 s after 3 wrong PINs)"))
      << json::serialize(events("door-a"));
  ASSERT_TRUE(eventually([&] { return field(code(id), "state") == "set"; }, 15s))
      << json::serialize(code(id));
  // The reset lock came back with its factory settings; it holds the owner's again.
  ASSERT_TRUE(eventually([&] { return field(settings(), "state") == "set"; }, 15s))
      << json::serialize(settings()) << logs();
  EXPECT_EQ(settings().at("wrong_code_entry_limit"), 3);
  // At 40 s the cleaner's PIN opens the door: the lock holds it again.
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& e : events("door-a")) {
          if (field(e, "kind") == "lock_operation" && field(e, "operation") == "unlock" &&
              field(e, "source") == "keypad" && field(e, "user") == "3")
            return true;
        }
        return false;
      },
      40s))
      << json::serialize(events("door-a")) << logs();
  json::value page = get("/api/v1/audit?limit=1000");
  bool restore_audited = false;
  bool settings_audited = false;
  for (const json::value& r : page.at("records").as_array()) {
    restore_audited |= r.at("action") == "code.restore";
    settings_audited |= r.at("action") == "lock.settings";
  }
  EXPECT_TRUE(restore_audited) << json::serialize(page);
  EXPECT_TRUE(settings_audited) << json::serialize(page);
}

}  // namespace
}  // namespace lw::e2e
