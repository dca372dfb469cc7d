#include "adapters/http/api_access.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "adapters/http/api_routes.h"
#include "adapters/http/event_stream.h"
#include "adapters/http/metrics_route.h"
#include "adapters/system/credentials.h"
#include "core/hub/hub.h"
#include "tests/support/memory_store.h"
#include "tests/support/mosquitto_broker.h"
#include "tests/support/recording_device_link.h"

namespace lw::adapters::http {
namespace {

namespace json = boost::json;
using core::access::Role;

class ApiAccessTest : public ::testing::Test {
 protected:
  ApiAccessTest() : dir_(lw::testing::make_temp_dir("access")) {
    EXPECT_TRUE(hub_.load());
    EXPECT_TRUE(hub_.add_site({"alpha", "Alpha"}));
    EXPECT_TRUE(hub_.add_site({"beta", "Beta"}));
    core::LockRecord a;
    a.id = "alpha-door";
    a.site = "alpha";
    a.name = "Alpha door";
    core::LockRecord b = a;
    b.id = "beta-door";
    b.site = "beta";
    EXPECT_TRUE(hub_.add_lock(a));
    EXPECT_TRUE(hub_.add_lock(b));
    auto accounts =
        sqlite::AccountStore::open((dir_ / "db").string(), sqlite::Synchronous::normal, clock_.now(),
                                   [](std::string_view text) { return "mac:" + std::string(text); }, true);
    EXPECT_TRUE(accounts);
    accounts_ = std::move(*accounts);
    access_ = std::make_unique<ApiAccess>(*accounts_, hub_, clock_, ApiAccess::Options{});
    events_.attach(hub_);
    add_access_routes(router_, *access_);
    add_api_routes(router_, hub_);
    add_event_stream_route(router_, events_);
    add_metrics_route(router_, hub_);
  }
  ~ApiAccessTest() override { lw::testing::remove_temp_dir_unless_failed(dir_); }

  /// A token of a new account holding `grants`.
  std::string token_for(const std::string& name, std::vector<core::access::Grant> grants) {
    auto id = accounts_->add_user(name, std::nullopt, clock_.now());
    EXPECT_TRUE(id);
    for (const auto& g : grants) EXPECT_TRUE(accounts_->put_grant(*id, g));
    std::string token = new_token();
    EXPECT_TRUE(accounts_->add_token({token_hash(token), *id, sqlite::TokenKind::session, clock_.now(),
                                      clock_.now() + std::chrono::hours(1), std::nullopt}));
    return token;
  }

  Response call(const std::string& method, const std::string& target, const std::string& token) {
    Request r;
    r.method = method;
    EXPECT_TRUE(parse_target(target, r));
    if (!token.empty()) r.headers["authorization"] = "Bearer " + token;
    return router_.dispatch(std::move(r));
  }

  std::filesystem::path dir_;
  core::ManualClock clock_;
  core::MemoryStore store_;
  lw::testing::RecordingDeviceLink link_;
  core::NullEventSink sink_;
  core::SeededRandom random_{42};
  core::Hub hub_{clock_, store_, link_, sink_, random_, core::HubOptions{}};
  EventStream events_{sink_, {.hub_id = "hub"}};
  std::unique_ptr<sqlite::AccountStore> accounts_;
  std::unique_ptr<ApiAccess> access_;
  Router router_;
};

TEST_F(ApiAccessTest, EveryRegisteredApiRouteHasExactlyOneAccessRule) {
  std::set<std::pair<std::string, std::string>> rules;
  for (const AccessRule& r : access_rules()) {
    EXPECT_TRUE(rules.emplace(std::string(r.method), std::string(r.pattern)).second) << r.pattern;
  }
  for (const auto& [method, pattern] : router_.routes()) {
    EXPECT_TRUE(rules.contains({method, pattern})) << method << " " << pattern << " has no access rule";
  }
}

TEST_F(ApiAccessTest, AnotherSitesLockGetsTheUnknownLocksAnswerByteForByte) {
  const std::string alpha = token_for("ana", {{"alpha", Role::owner}});
  Response hidden = call("GET", "/api/v1/locks/beta-door", alpha);
  Response missing = call("GET", "/api/v1/locks/zzzz-door", alpha);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(missing.status, 404);
  std::string a = hidden.body;
  std::string b = missing.body;
  a.replace(a.find("beta-door"), 9, "X");
  b.replace(b.find("zzzz-door"), 9, "X");
  EXPECT_EQ(a, b);
  EXPECT_EQ(call("GET", "/api/v1/locks/alpha-door", alpha).status, 200);
}

TEST_F(ApiAccessTest, ListsShowOnlyTheCallersSites) {
  const std::string alpha = token_for("ana", {{"alpha", Role::guest}});
  Response locks = call("GET", "/api/v1/locks", alpha);
  ASSERT_EQ(locks.status, 200);
  auto list = json::parse(locks.body).at("locks").as_array();
  ASSERT_EQ(list.size(), 1U);
  EXPECT_EQ(list[0].at("id").as_string(), "alpha-door");
  Response sites = call("GET", "/api/v1/sites", alpha);
  EXPECT_EQ(sites.body.find("beta"), std::string::npos) << sites.body;
  const std::string everywhere = token_for("root", {{"*", Role::owner}});
  EXPECT_EQ(json::parse(call("GET", "/api/v1/locks", everywhere).body).at("locks").as_array().size(), 2U);
}

class RecordingSink final : public StreamSink {
 public:
  bool write(std::string chunk) override {
    text += chunk;
    return true;
  }
  void close() override {}
  [[nodiscard]] bool is_open() const override { return true; }
  std::string text;
};

TEST_F(ApiAccessTest, TheStreamCarriesOnlyTheCallersSites) {
  const std::string alpha = token_for("ana", {{"alpha", Role::member}});
  Response r = call("GET", "/api/v1/stream", alpha);
  ASSERT_EQ(r.status, 200);
  ASSERT_TRUE(r.stream);
  auto sink = std::make_shared<RecordingSink>();
  r.stream(sink);
  events_.lock_changed(*hub_.find_lock("beta-door"));
  events_.lock_changed(*hub_.find_lock("alpha-door"));
  EXPECT_NE(sink->text.find("alpha-door"), std::string::npos) << sink->text;
  EXPECT_EQ(sink->text.find("beta-door"), std::string::npos) << sink->text;
}

TEST_F(ApiAccessTest, AGuestSeesLocksButNotTheirActivityNorMayOperateThem) {
  const std::string guest = token_for("gus", {{"alpha", Role::guest}});
  EXPECT_EQ(call("GET", "/api/v1/locks/alpha-door", guest).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/locks/alpha-door/events", guest).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/locks/alpha-door/unlock", guest).status, 403);
  EXPECT_EQ(call("GET", "/metrics", guest).status, 403);
}

TEST_F(ApiAccessTest, NoTokenABadOneAndAnExpiredOneAre401) {
  EXPECT_EQ(call("GET", "/api/v1/locks", "").status, 401);
  EXPECT_EQ(call("GET", "/api/v1/locks", "lwt_forged").status, 401);
  const std::string token = token_for("ana", {{"alpha", Role::member}});
  clock_.advance(std::chrono::hours(2));
  Response expired = call("GET", "/api/v1/locks", token);
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(expired.body.find("expired"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/health", "").status, 200);
}

}  // namespace
}  // namespace lw::adapters::http
