// The health API: locks that drop together are one incident, each lock's
// health says why it is offline, and the incident closes when they are back.
#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

class Health : public HubE2E {};

TEST_F(Health, LocksThatDropTogetherAreOneIncidentThatClosesWhenTheyReturn) {
  start_hub();
  start_sim();
  ASSERT_TRUE(eventually(
      [&] {
        return lock_is("door-a", "connectivity", "online") && lock_is("door-b", "connectivity", "online");
      },
      10s))
      << logs();
  EXPECT_TRUE(get("/api/v1/incidents").at("incidents").as_array().empty());

  sim_->signal(SIGKILL);  // both locks' Last Wills arrive together
  ASSERT_TRUE(eventually(
      [&] {
        return lock_is("door-a", "connectivity", "offline") && lock_is("door-b", "connectivity", "offline");
      },
      5s))
      << logs();
  auto open = get("/api/v1/incidents").at("incidents").as_array();
  ASSERT_EQ(open.size(), 1U) << json::serialize(open);
  const auto& incident = open[0].as_object();
  EXPECT_EQ(incident.at("scope").as_string(), "site");
  EXPECT_EQ(incident.at("subject").as_string(), "e2e");
  EXPECT_EQ(incident.at("members").as_array().size(), 2U);
  EXPECT_TRUE(incident.at("closed_ms").is_null());
  const std::int64_t id = incident.at("id").as_int64();

  auto health = get("/api/v1/locks/door-a/health").at("health").as_object();
  EXPECT_EQ(health.at("connectivity").as_string(), "offline");
  EXPECT_EQ(health.at("incident").as_int64(), id);
  EXPECT_TRUE(health.at("battery").is_object());
  EXPECT_TRUE(health.at("service").at("day").is_object());
  auto site = get("/api/v1/sites/e2e/health");
  EXPECT_EQ(site.at("connectivity").at("offline").as_int64(), 2) << json::serialize(site);

  start_sim();
  ASSERT_TRUE(eventually(
      [&] {
        return lock_is("door-a", "connectivity", "online") && lock_is("door-b", "connectivity", "online");
      },
      10s))
      << logs();
  EXPECT_TRUE(get("/api/v1/incidents").at("incidents").as_array().empty());
  auto closed = get("/api/v1/incidents/" + std::to_string(id)).at("incident").as_object();
  EXPECT_FALSE(closed.at("closed_ms").is_null());
  EXPECT_EQ(get("/api/v1/incidents?state=all").at("incidents").as_array().size(), 1U);
}

TEST_F(Health, BadIncidentQueriesNameWhatIsWrong) {
  start_hub();
  auto bad_state =
      adapters::http::http_request("GET", url() + "/api/v1/incidents?state=maybe", "", 2s, auth());
  ASSERT_TRUE(bad_state);
  EXPECT_EQ(bad_state->status, 400);
  EXPECT_NE(bad_state->body.find("state: must be open or all"), std::string::npos) << bad_state->body;
  auto bad_id = adapters::http::http_request("GET", url() + "/api/v1/incidents/abc", "", 2s, auth());
  ASSERT_TRUE(bad_id);
  EXPECT_EQ(bad_id->status, 400);
  auto missing = adapters::http::http_request("GET", url() + "/api/v1/incidents/999", "", 2s, auth());
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  auto no_lock = adapters::http::http_request("GET", url() + "/api/v1/locks/nope/health", "", 2s, auth());
  ASSERT_TRUE(no_lock);
  EXPECT_EQ(no_lock->status, 404);
}

}  // namespace
}  // namespace lw::e2e
