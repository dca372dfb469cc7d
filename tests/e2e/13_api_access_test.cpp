// API authentication, roles scoped to sites, and sign-in rate limits, against
// the real hub (docs/api.md, "Authentication", "Roles"): every attack here
// must fail, and fail the same way for a thing that exists elsewhere as for
// one that does not exist at all.
#include <sqlite3.h>

#include <boost/json.hpp>

#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

/// Two sites, one lock each.
constexpr std::string_view kTwoSites = R"(
[hub]
key_id = "hub"

[[site]]
id = "alpha"

[[site]]
id = "beta"

[[lock]]
id = "alpha-door"
site = "alpha"
heartbeat = "1s"
keepalive_s = 5
battery_pct = 80
lock_state = "locked"

[[lock]]
id = "beta-door"
site = "beta"
heartbeat = "1s"
keepalive_s = 5
battery_pct = 70
lock_state = "locked"
)";

constexpr std::string_view kSitesConfig =
    "[auth]\nbackoff = \"1s\"\nmax_backoff = \"4s\"\nfree_failures = 5\n"
    "[[site]]\nid = \"alpha\"\n[[site]]\nid = \"beta\"\n";

class ApiAccess : public HubE2E {
 protected:
  void start_two_sites() {
    start_hub(kSitesConfig);
    start_sim(kTwoSites);
    ASSERT_TRUE(eventually([&] { return lock_is("alpha-door", "connectivity", "online"); }, 20s)) << logs();
    ASSERT_TRUE(eventually([&] { return lock_is("beta-door", "connectivity", "online"); }, 20s)) << logs();
  }

  Reply as(const std::string& token, std::string_view method, const std::string& path,
           std::string_view body = "") {
    return call(method, path, body, auth(token));
  }

  static std::string error_code(const Reply& r) {
    if (!r.body.is_object() || !r.body.as_object().contains("error")) return "";
    return std::string(r.body.at("error").at("code").as_string());
  }
};

TEST_F(ApiAccess, WithoutAValidTokenEveryRouteAnswers401) {
  start_hub();
  for (const char* path : {"/api/v1/locks", "/api/v1/locks/door-a", "/api/v1/sites", "/api/v1/cases",
                           "/api/v1/stats", "/api/v1/stream", "/metrics", "/api/v1/me", "/api/v1/users"}) {
    auto none = call("GET", path, "", {});
    EXPECT_EQ(none.status, 401) << path;
    EXPECT_EQ(error_code(none), "unauthenticated") << path;
    EXPECT_EQ(call("GET", path, "", auth("lwt_not-a-token")).status, 401) << path;
    EXPECT_EQ(call("GET", path, "", {{"Authorization", "Basic YWRtaW46eA=="}}).status, 401) << path;
  }
  EXPECT_EQ(call("POST", "/api/v1/locks/door-a/unlock", "", {}).status, 401);
  // The liveness probe stays open: it tells nothing.
  EXPECT_EQ(call("GET", "/api/v1/health", "", {}).status, 200);
}

TEST_F(ApiAccess, ASignedOutOrExpiredTokenNoLongerWorks) {
  start_hub("[auth]\nsession_ttl = \"5m\"\n");
  ASSERT_EQ(add_user("ana", "correct horse battery", "*", "member"), 201);
  const std::string token = login("ana", "correct horse battery");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(as(token, "GET", "/api/v1/me").status, 200);
  EXPECT_EQ(as(token, "POST", "/api/v1/auth/logout").status, 200);
  auto revoked = as(token, "GET", "/api/v1/me");
  EXPECT_EQ(revoked.status, 401);
  EXPECT_NE(json::serialize(revoked.body).find("revoked"), std::string::npos)
      << json::serialize(revoked.body);

  // An owner resetting ana's password signs her sessions out too.
  const std::string second = login("ana", "correct horse battery");
  ASSERT_FALSE(second.empty());
  EXPECT_EQ(call("POST", "/api/v1/users/ana/password", "", auth()).status, 200);
  EXPECT_EQ(as(second, "GET", "/api/v1/me").status, 401);
}

// Attack suite (I4), end to end: someone who can write the database file but
// not read <data_dir>/accounts.key gives a member every site as owner and
// extends a session; the hub refuses both and says so in its log. (Session
// expiry itself: ApiAccessTest, on an injected clock.)
TEST_F(ApiAccess, AccountRowsEditedInTheDatabaseFileGrantNothing) {
  start_two_sites();
  ASSERT_EQ(add_user("ana", "correct horse battery", "alpha", "member"), 201);
  const std::string token = login("ana", "correct horse battery");
  ASSERT_FALSE(token.empty());
  ASSERT_EQ(as(token, "GET", "/api/v1/locks/beta-door").status, 404);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data_dir() / "lockwarden.db").string().c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  const int rc =
      sqlite3_exec(db,
                   "INSERT INTO user_grants (user_id, site, role) SELECT id, '*', 'owner' FROM users "
                   "WHERE name = 'ana'; UPDATE api_tokens SET expires_at_ms = NULL WHERE kind = 'session'",
                   nullptr, nullptr, nullptr);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK);
  auto refused = as(token, "GET", "/api/v1/locks/beta-door");
  EXPECT_EQ(refused.status, 401) << json::serialize(refused.body) << " the edited token is not valid";
  const std::string again = login("ana", "correct horse battery");
  ASSERT_FALSE(again.empty());
  EXPECT_EQ(as(again, "GET", "/api/v1/locks/beta-door").status, 404)
      << "the inserted owner grant counts for nothing";
  EXPECT_EQ(as(again, "GET", "/api/v1/locks/alpha-door").status, 200);
  EXPECT_NE(testing::read_text_file(dir_ / "hub.log").find("fails its integrity check"), std::string::npos);
}

TEST_F(ApiAccess, GuestsAndMembersAreRefusedWhatManagersDo) {
  start_two_sites();
  ASSERT_EQ(add_user("gus", "guest password 1", "alpha", "guest"), 201);
  ASSERT_EQ(add_user("meg", "member password 1", "alpha", "member"), 201);
  const std::string guest = login("gus", "guest password 1");
  const std::string member = login("meg", "member password 1");
  ASSERT_FALSE(guest.empty());
  ASSERT_FALSE(member.empty());

  EXPECT_EQ(as(guest, "GET", "/api/v1/locks/alpha-door").status, 200);
  EXPECT_EQ(as(guest, "GET", "/api/v1/locks/alpha-door/events").status, 403);
  EXPECT_EQ(as(guest, "POST", "/api/v1/locks/alpha-door/unlock").status, 403);
  EXPECT_EQ(as(member, "GET", "/api/v1/locks/alpha-door/events").status, 200);
  EXPECT_EQ(as(member, "POST", "/api/v1/locks/alpha-door/unlock").status, 202);
  EXPECT_EQ(as(member, "POST", "/api/v1/cases/1/outcome", R"({"step":"replace_batteries","outcome":"fixed"})")
                .status,
            404);  // no such case: the same answer as for anyone
  EXPECT_EQ(as(member, "GET", "/api/v1/users").status, 403);
  EXPECT_EQ(as(member, "GET", "/metrics").status, 403);
  EXPECT_EQ(as(member, "GET", "/api/v1/stats").status, 403);
  auto refused =
      as(member, "POST", "/api/v1/users",
         R"({"user":"eve","password":"eve password 1","grants":[{"site":"alpha","role":"guest"}]})");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(error_code(refused), "permission_denied");
}

TEST_F(ApiAccess, NoRoleCanRaiseItselfOrCreateAStrongerOne) {
  start_two_sites();
  ASSERT_EQ(add_user("meg", "member password 1", "alpha", "member"), 201);
  ASSERT_EQ(add_user("max", "manager password", "alpha", "manager"), 201);
  const std::string member = login("meg", "member password 1");
  const std::string manager = login("max", "manager password");

  EXPECT_EQ(as(member, "POST", "/api/v1/users/meg/grants", R"({"site":"alpha","role":"manager"})").status,
            403);
  EXPECT_EQ(as(manager, "POST", "/api/v1/users/max/grants", R"({"site":"alpha","role":"owner"})").status,
            403);
  EXPECT_EQ(as(manager, "POST", "/api/v1/users/max/grants", R"({"site":"*","role":"manager"})").status, 403);
  EXPECT_EQ(as(manager, "POST", "/api/v1/users/max/grants", R"({"site":"beta","role":"member"})").status,
            403);
  EXPECT_EQ(as(manager, "POST", "/api/v1/users",
               R"({"user":"olga","password":"owner password","grants":[{"site":"alpha","role":"owner"}]})")
                .status,
            403);
  EXPECT_EQ(as(manager, "DELETE", "/api/v1/users/admin").status, 404);  // the owner on "*" is not its to see
  // What a manager may do: members of its own site.
  EXPECT_EQ(as(manager, "POST", "/api/v1/users",
               R"({"user":"nia","password":"member password 2","grants":[{"site":"alpha","role":"member"}]})")
                .status,
            201);
  EXPECT_EQ(as(manager, "DELETE", "/api/v1/users/nia").status, 200);
  // Nothing changed for the attackers.
  auto me = as(member, "GET", "/api/v1/me");
  EXPECT_EQ(json::serialize(me.body.at("grants")), R"([{"site":"alpha","role":"member"}])");
}

TEST_F(ApiAccess, AnotherSitesThingsAnswerExactlyLikeThingsThatDoNotExist) {
  start_two_sites();
  // An action on beta's lock, by the owner, to guess at later.
  auto action = post("/api/v1/locks/beta-door/unlock");
  ASSERT_EQ(action.status, 202) << json::serialize(action.body);
  const std::string action_id(action.body.at("action").at("id").as_string());

  ASSERT_EQ(add_user("ana", "alpha password", "alpha", "owner"), 201);
  const std::string alpha = login("ana", "alpha password");
  ASSERT_FALSE(alpha.empty());

  struct Probe {
    std::string method, hidden, missing;
  };
  for (const Probe& p : std::vector<Probe>{
           {"GET", "/api/v1/locks/beta-door", "/api/v1/locks/no-door"},
           {"GET", "/api/v1/locks/beta-door/events", "/api/v1/locks/no-door/events"},
           {"GET", "/api/v1/locks/beta-door/history", "/api/v1/locks/no-door/history"},
           {"GET", "/api/v1/locks/beta-door/health", "/api/v1/locks/no-door/health"},
           {"POST", "/api/v1/locks/beta-door/unlock", "/api/v1/locks/no-door/unlock"},
           {"GET", "/api/v1/sites/beta/health", "/api/v1/sites/no-site/health"},
           {"GET", "/api/v1/actions/" + action_id, "/api/v1/actions/a-no-such"},
       }) {
    auto hidden = as(alpha, p.method, p.hidden);
    auto missing = as(alpha, p.method, p.missing);
    EXPECT_EQ(hidden.status, 404) << p.hidden;
    EXPECT_EQ(missing.status, 404) << p.missing;
    // The same body but for the id itself.
    std::string a = json::serialize(hidden.body);
    std::string b = json::serialize(missing.body);
    std::string hidden_id = p.hidden.find("/actions/") != std::string::npos ? action_id
                            : p.hidden.find("/sites/") != std::string::npos ? "beta"
                                                                            : "beta-door";
    std::string missing_id = p.missing.find("/actions/") != std::string::npos ? "a-no-such"
                             : p.missing.find("/sites/") != std::string::npos ? "no-site"
                                                                              : "no-door";
    a.replace(a.find(hidden_id), hidden_id.size(), "ID");
    b.replace(b.find(missing_id), missing_id.size(), "ID");
    EXPECT_EQ(a, b) << p.hidden;
  }
  // Lists show alpha only.
  auto locks = as(alpha, "GET", "/api/v1/locks");
  ASSERT_EQ(locks.status, 200);
  ASSERT_EQ(locks.body.at("locks").as_array().size(), 1U) << json::serialize(locks.body);
  EXPECT_EQ(locks.body.at("locks").as_array()[0].at("id").as_string(), "alpha-door");
  auto sites = as(alpha, "GET", "/api/v1/sites");
  EXPECT_EQ(json::serialize(sites.body).find("beta"), std::string::npos) << json::serialize(sites.body);
  EXPECT_EQ(as(alpha, "GET", "/api/v1/cases?state=all").status, 200);
  EXPECT_EQ(as(alpha, "GET", "/api/v1/incidents?state=all").status, 200);
  auto users = as(alpha, "GET", "/api/v1/users");
  EXPECT_EQ(json::serialize(users.body).find("admin"), std::string::npos) << json::serialize(users.body);
}

TEST_F(ApiAccess, CasesAndIncidentsOfAnotherSiteAreHiddenLikeUnknownOnes) {
  start_two_sites();
  ASSERT_EQ(add_user("ana", "alpha password", "alpha", "owner"), 201);
  const std::string alpha = login("ana", "alpha password");
  // Take beta's lock off the air: an incident and a case open for it.
  sim_.reset();
  ASSERT_TRUE(eventually(
      [&] {
        auto cases = get("/api/v1/cases?state=all");
        return cases.is_object() && !cases.at("cases").as_array().empty();
      },
      60s))
      << logs();
  ASSERT_TRUE(eventually(
      [&] {
        auto all = get("/api/v1/cases?state=all");
        return all.is_object() && json::serialize(all).find("beta-door") != std::string::npos;
      },
      60s))
      << "no case of beta's lock opened; " << logs();
  auto cases = get("/api/v1/cases?state=all").at("cases").as_array();
  for (const auto& c : cases) {
    const std::string id = std::to_string(c.at("id").as_int64());
    const bool beta = c.at("lock").as_string() == "beta-door";
    auto seen = as(alpha, "GET", "/api/v1/cases/" + id);
    if (beta) {
      EXPECT_EQ(seen.status, 404) << id;
      EXPECT_EQ(json::serialize(seen.body),
                R"({"error":{"code":"not_found","message":"case )" + id + R"( not found"}})");
      EXPECT_EQ(as(alpha, "GET", "/api/v1/cases/" + id + "/report").status, 404);
      EXPECT_EQ(as(alpha, "POST", "/api/v1/cases/" + id + "/outcome",
                   R"({"step":"replace_batteries","outcome":"fixed"})")
                    .status,
                404);
    }
  }
  auto listed = as(alpha, "GET", "/api/v1/cases?state=all");
  EXPECT_EQ(json::serialize(listed.body).find("beta-door"), std::string::npos)
      << json::serialize(listed.body);
  auto incidents = get("/api/v1/incidents?state=all").at("incidents").as_array();
  for (const auto& inc : incidents) {
    if (json::serialize(inc).find("beta") == std::string::npos) continue;
    const std::string id = std::to_string(inc.at("id").as_int64());
    auto seen = as(alpha, "GET", "/api/v1/incidents/" + id);
    EXPECT_EQ(seen.status, 404);
    EXPECT_EQ(json::serialize(seen.body),
              R"({"error":{"code":"not_found","message":"incident )" + id + R"( not found"}})");
  }
  auto listed_incidents = as(alpha, "GET", "/api/v1/incidents?state=all");
  EXPECT_EQ(json::serialize(listed_incidents.body).find("beta"), std::string::npos);
}

TEST_F(ApiAccess, RepeatedWrongPasswordsAreSlowedWithRetryAfterAndASuccessRecovers) {
  start_hub(kSitesConfig);
  ASSERT_EQ(add_user("ana", "the right password", "alpha", "member"), 201);
  for (int i = 0; i < 5; ++i) {
    auto r = call("POST", "/api/v1/auth/login", R"({"user":"ana","password":"wrong guess"})", {});
    EXPECT_EQ(r.status, 401) << i;
  }
  auto sixth = call("POST", "/api/v1/auth/login", R"({"user":"ana","password":"wrong guess"})", {});
  EXPECT_EQ(sixth.status, 401);
  auto blocked = call("POST", "/api/v1/auth/login", R"({"user":"ana","password":"the right password"})", {});
  EXPECT_EQ(blocked.status, 429);
  EXPECT_EQ(blocked.retry_after, "1");
  EXPECT_EQ(error_code(blocked), "too_many_requests");
  // Even the right password waits; after Retry-After it works and resets the count.
  std::this_thread::sleep_for(1100ms);
  EXPECT_FALSE(login("ana", "the right password").empty());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(call("POST", "/api/v1/auth/login", R"({"user":"ana","password":"wrong"})", {}).status, 401)
        << i;
  }
}

TEST_F(ApiAccess, UnknownUsersAreRefusedLikeWrongPasswordsAndTakeAsLong) {
  start_hub();
  ASSERT_EQ(add_user("ana", "the right password", "*", "member"), 201);
  auto timed = [&](const std::string& user) {
    auto started = std::chrono::steady_clock::now();
    auto r = call("POST", "/api/v1/auth/login",
                  json::serialize(json::object{{"user", user}, {"password", "nope nope"}}), {});
    return std::pair{r, std::chrono::steady_clock::now() - started};
  };
  auto [known, known_took] = timed("ana");
  auto [unknown, unknown_took] = timed("nobody");
  EXPECT_EQ(known.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(json::serialize(known.body), json::serialize(unknown.body));
  // Both run one Argon2id verification: neither answers in a fraction of the other's time.
  EXPECT_GT(unknown_took * 3, known_took);
  EXPECT_GT(known_took * 3, unknown_took);
}

TEST_F(ApiAccess, ACookieSessionNeedsTheCustomHeaderToChangeAnything) {
  start_two_sites();
  ASSERT_EQ(add_user("meg", "member password 1", "alpha", "member"), 201);
  auto r =
      adapters::http::http_request("POST", url() + "/api/v1/auth/login",
                                   R"({"user":"meg","password":"member password 1","session":"cookie"})", 5s);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string set_cookie = r->header("Set-Cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_EQ(r->body.find("\"token\""), std::string::npos)
      << "a cookie session's token stays out of scripts' reach";
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  EXPECT_EQ(call("GET", "/api/v1/locks/alpha-door", "", {{"Cookie", cookie}}).status, 200);
  EXPECT_EQ(call("POST", "/api/v1/locks/alpha-door/unlock", "", {{"Cookie", cookie}}).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/locks/alpha-door/unlock", "",
                 {{"Cookie", cookie}, {"X-Requested-By", "lockwarden"}})
                .status,
            202);
  // A form post cannot sign in on someone's behalf either: it cannot send JSON.
  EXPECT_EQ(call("POST", "/api/v1/auth/login", R"({"user":"meg","password":"member password 1"})",
                 {{"Content-Type", "text/plain"}})
                .status,
            415);
}

TEST_F(ApiAccess, PasswordsAndTokensNeverReachTheLog) {
  start_two_sites();
  ASSERT_EQ(add_user("ana", "secret-password-ana", "alpha", "member"), 201);
  const std::string token = login("ana", "secret-password-ana");
  ASSERT_FALSE(token.empty());
  (void)call("POST", "/api/v1/auth/login", R"({"user":"ana","password":"wrong-password-ana"})", {});
  EXPECT_EQ(as(token, "POST", "/api/v1/locks/alpha-door/lock").status, 202);
  EXPECT_EQ(as(token, "POST", "/api/v1/auth/logout").status, 200);
  (void)as(token, "GET", "/api/v1/me");
  auto generated =
      call("POST", "/api/v1/users", R"({"user":"bob","grants":[{"site":"alpha","role":"guest"}]})", auth());
  ASSERT_EQ(generated.status, 201);
  const std::string bob_password(generated.body.at("password").as_string());
  std::this_thread::sleep_for(300ms);
  const std::string log = testing::read_text_file(dir_ / "hub.log");
  const std::string owner_password = testing::read_text_file(data_dir() / "owner-password");
  for (const std::string& secret :
       {std::string("secret-password-ana"), std::string("wrong-password-ana"), token, token_, bob_password,
        owner_password.substr(0, owner_password.size() - 1)}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "a secret in the log";
  }
  EXPECT_NE(log.find("signed in"), std::string::npos) << log;  // the log did record the sign-in
}

TEST_F(ApiAccess, TheBootstrapFilesAreReadableByTheOwnerOnly) {
  start_hub();
  for (const char* name : {"cli-token", "owner-password"}) {
    auto perms = fs::status(data_dir() / name).permissions();
    EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none) << name;
  }
  // The owner's password signs in.
  std::string password = testing::read_text_file(data_dir() / "owner-password");
  password.pop_back();
  EXPECT_FALSE(login("admin", password).empty());
}

}  // namespace
}  // namespace lw::e2e
