// Guest keys, end to end: a manager issues a grant for a guest's phone key
// through the API; the lock, cut off from the hub (its radio firmware hung),
// checks it alone with its own clock and opens for the guest's phone; the
// hub learns of it when the lock talks again. A grant past its window and a
// copied grant presented with another phone's key are refused at the door.
// A revoked grant is refused by every lock it named, including one that was
// offline when the manager revoked it and heard of it only when it returned.
// Real broker, real `lockwarden serve`, real simulated lock firmware.
#include <chrono>
#include <cstdio>

#include "protocol/guest_grant.h"
#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

constexpr std::string_view kGuestSeed = "guest-phone-key-for-e2e-0000001!";
constexpr std::string_view kStrangerSeed = "someone-elses-phone-key-0000001!";

class GuestKeys : public HubE2E {
 protected:
  /// POST /api/v1/guest-keys; the signed grant on success.
  Reply issue(const std::string& lock, std::int64_t to_ms, const std::string& key) {
    json::object body{{"site", "e2e"},
                      {"locks", json::array{json::value(lock)}},
                      {"user", "ana"},
                      {"guest_key", key},
                      {"to_ms", to_ms}};
    return call("POST", "/api/v1/guest-keys", json::serialize(body), auth());
  }
  json::array events(const std::string& lock = "door-a") {
    json::value page = get("/api/v1/locks/" + lock + "/events?limit=200");
    if (!page.is_object() || !page.as_object().contains("events")) return {};
    return page.at("events").as_array();
  }
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(GuestKeys, ALockCutOffFromTheHubOpensForAGrantItChecksAlone) {
  // The door is configured, so the grant can be issued before the lock is first heard.
  start_hub("[[site]]\nid = \"e2e\"\n\n[[lock]]\nid = \"door-a\"\nsite = \"e2e\"\nname = \"Door A\"\n");
  const std::string guest =
      protocol::encode_public_key(protocol::key_pair_from_text_seed(kGuestSeed)->public_key);

  // Errors name the field; a lock that is not there is not found.
  auto bad = issue("door-a", now_ms() + 3'600'000, "not-a-key");
  EXPECT_EQ(bad.status, 400) << json::serialize(bad.body);
  EXPECT_NE(json::serialize(bad.body).find("guest_key: must be base64 of 32 bytes"), std::string::npos);
  EXPECT_EQ(issue("door-a", now_ms() - 1000, guest).status, 400);
  EXPECT_EQ(issue("nowhere", now_ms() + 3'600'000, guest).status, 404);

  // The CLI issues the real one, until the day after tomorrow (UTC), and prints the grant for the phone.
  const auto day =
      std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) + std::chrono::days(2);
  const std::chrono::year_month_day ymd{day};
  char until[16];
  std::snprintf(until, sizeof until, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  auto issued = cli({"guest", "issue", "--site", "e2e", "--lock", "door-a", "--user", "ana", "--guest-key",
                     guest, "--to", until});
  ASSERT_EQ(issued.exit_code, 0) << issued.output << logs();
  const std::string grant = issued.output.substr(0, issued.output.find('\n'));
  ASSERT_TRUE(protocol::open_envelope(grant)) << issued.output;
  auto brief = issue("door-a", now_ms() + 4'000, guest);  // over before the guest arrives
  ASSERT_EQ(brief.status, 201);
  const std::string short_grant(brief.body.at("guest_key").at("grant").as_string());

  auto quoted = [](const std::string& text) { return json::serialize(json::value(text)); };
  const std::string scenario = R"(
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

[[fault]]
at = "4s"
lock = "door-a"
kind = "silence"

[[fault]]
at = "12s"
lock = "door-a"
kind = "guest_key"
grant = )" + quoted(grant) + R"(
guest_seed = ")" + std::string(kGuestSeed) +
                               R"("

[[fault]]
at = "13s"
lock = "door-a"
kind = "guest_key"
grant = )" + quoted(short_grant) +
                               R"(
guest_seed = ")" + std::string(kGuestSeed) +
                               R"("

[[fault]]
at = "14s"
lock = "door-a"
kind = "guest_key"
grant = )" + quoted(grant) + R"(
guest_seed = ")" + std::string(kStrangerSeed) +
                               R"("

[[fault]]
at = "18s"
lock = "door-a"
kind = "resume"
)";
  start_sim(scenario);
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
  // The radio hangs at 4 s: the hub loses the lock.
  ASSERT_TRUE(eventually([&] { return !lock_is("door-a", "connectivity", "online"); }, 12s)) << logs();
  EXPECT_TRUE(events().empty() || field(events()[0], "kind") != "lock_operation");

  // At 18 s the lock talks again: the guest opened at 12 s, the other two were refused.
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& e : events()) {
          if (field(e, "kind") == "lock_operation" && field(e, "source") == "phone" &&
              field(e, "user") == "ana")
            return true;
        }
        return false;
      },
      25s))
      << logs();
  ASSERT_TRUE(eventually(
      [&] {
        int refused = 0;
        for (const auto& e : events()) refused += field(e, "detail") == "guest_key_refused" ? 1 : 0;
        return refused == 2;
      },
      10s))
      << json::serialize(events());
  auto audit = testing::run_program({LW_BINARY, "audit", "list", "--data-dir", data_dir().string()}, 60s);
  EXPECT_NE(audit.output.find("guest.issue"), std::string::npos) << audit.output;
}

TEST_F(GuestKeys, ARevokedGrantIsRefusedEvenByALockThatWasOfflineWhenItWasRevoked) {
  start_hub(
      "[[site]]\nid = \"e2e\"\n\n[[lock]]\nid = \"door-a\"\nsite = \"e2e\"\nname = \"Door A\"\n\n"
      "[[lock]]\nid = \"door-b\"\nsite = \"e2e\"\nname = \"Door B\"\n\n[[site]]\nid = \"other\"\n");
  const std::string guest =
      protocol::encode_public_key(protocol::key_pair_from_text_seed(kGuestSeed)->public_key);
  json::object body{{"site", "e2e"},
                    {"locks", json::array{"door-a", "door-b"}},
                    {"user", "ana"},
                    {"guest_key", guest},
                    {"to_ms", now_ms() + 86'400'000}};
  auto issued = call("POST", "/api/v1/guest-keys", json::serialize(body), auth());
  ASSERT_EQ(issued.status, 201) << json::serialize(issued.body);
  const std::string id(issued.body.at("guest_key").at("id").as_string());
  const std::string grant(issued.body.at("guest_key").at("grant").as_string());

  auto quoted = [](const std::string& text) { return json::serialize(json::value(text)); };
  auto door = [](const std::string& name) {
    return "\n[[lock]]\nid = \"" + name +
           "\"\nsite = \"e2e\"\nheartbeat = \"1s\"\nkeepalive_s = 5\nlock_state = \"locked\"\n";
  };
  auto guest_at = [&](const std::string& name, const std::string& at) {
    return "\n[[fault]]\nat = \"" + at + "\"\nlock = \"" + name +
           "\"\nkind = \"guest_key\"\ngrant = " + quoted(grant) + "\nguest_seed = \"" +
           std::string(kGuestSeed) + "\"\n";
  };
  // door-b's radio hangs from 3 s to 16 s; the guest comes to both doors at 30 s.
  start_sim("[hub]\nkey_id = \"hub\"\n\n[[site]]\nid = \"e2e\"\n" + door("door-a") + door("door-b") +
            "\n[[fault]]\nat = \"3s\"\nlock = \"door-b\"\nkind = \"silence\"\n" +
            "\n[[fault]]\nat = \"16s\"\nlock = \"door-b\"\nkind = \"resume\"\n" + guest_at("door-a", "30s") +
            guest_at("door-b", "30s"));
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
  ASSERT_TRUE(eventually([&] { return lock_is("door-b", "connectivity", "offline"); }, 14s)) << logs();

  // Another site's manager can neither see nor revoke it, whatever id is guessed.
  ASSERT_EQ(add_user("olga", "olga-password-1", "other", "manager"), 201);
  const std::string olga = login("olga", "olga-password-1");
  ASSERT_FALSE(olga.empty());
  const adapters::http::HttpHeaders as_olga{{"Authorization", "Bearer " + olga}};
  EXPECT_EQ(call("GET", "/api/v1/guest-keys/" + id, "", as_olga).status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/guest-keys/" + id, "", as_olga).status, 404);
  EXPECT_EQ(call("GET", "/api/v1/guest-keys?site=e2e", "", as_olga).status, 404);
  EXPECT_EQ(call("GET", "/api/v1/guest-keys?site=other", "", as_olga).status, 200);

  // The site's owner revokes it with the CLI.
  auto revoked = cli({"guest", "revoke", id});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.output << logs();
  EXPECT_NE(revoked.output.find("[revoking]"), std::string::npos) << revoked.output;
  EXPECT_EQ(cli({"guest", "revoke", id}).exit_code == 0, false) << "a second revocation is a conflict";
  auto state = [&](const std::string& door) {
    json::value g = get("/api/v1/guest-keys/" + id);
    for (const auto& l : g.at("guest_key").at("locks").as_array()) {
      if (field(l, "lock") == door) return field(l, "revocation");
    }
    return std::string("absent");
  };
  // door-a hears it at once; door-b, cut off, stays pending until it returns at 16 s.
  ASSERT_TRUE(eventually([&] { return state("door-a") == "revoked"; }, 5s)) << logs();
  EXPECT_EQ(state("door-b"), "pending");
  ASSERT_TRUE(eventually([&] { return state("door-b") == "revoked"; }, 25s)) << logs();
  EXPECT_EQ(field(get("/api/v1/guest-keys/" + id).at("guest_key"), "state"), "revoked");

  // At 30 s the guest is refused at both doors: no phone opening, one guest_key_refused alarm each.
  for (const std::string door : {"door-a", "door-b"}) {
    ASSERT_TRUE(eventually(
        [&] {
          for (const auto& e : events(door)) {
            if (field(e, "detail") == "guest_key_refused") return true;
          }
          return false;
        },
        30s))
        << door << ": " << json::serialize(events(door)) << logs();
    for (const auto& e : events(door)) {
      EXPECT_FALSE(field(e, "kind") == "lock_operation" && field(e, "source") == "phone") << door;
    }
  }
  auto listed = cli({"guest", "list", "--site", "e2e"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find(id), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("[revoked]"), std::string::npos) << listed.output;
  auto audit = testing::run_program({LW_BINARY, "audit", "list", "--data-dir", data_dir().string()}, 60s);
  EXPECT_NE(audit.output.find("guest.revoke"), std::string::npos) << audit.output;
}

}  // namespace
}  // namespace lw::e2e
