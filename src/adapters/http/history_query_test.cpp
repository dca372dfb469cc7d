// GET /api/v1/locks/{id}/history: reading its query, and the route's answers
// (shape, absent values, errors) through the real router over a Hub.
#include "adapters/http/history_query.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "adapters/http/api_json.h"
#include "adapters/http/api_routes.h"
#include "adapters/http/router.h"
#include "core/hub/hub.h"
#include "tests/support/memory_store.h"
#include "tests/support/recording_device_link.h"

namespace lw::adapters::http {
namespace {

namespace json = boost::json;

constexpr Timestamp kNow = from_epoch_ms(1'772'352'000'000);  // 2026-03-01T08:00:00Z

Request get(const std::string& target) {
  Request r;
  r.method = "GET";
  EXPECT_TRUE(parse_target(target, r)) << target;
  return r;
}

Result<HistoryQuery> query(const std::string& q) { return parse_history_query(get("/h?" + q), kNow); }

/// The error message of parsing `q`, or "" when it parsed.
std::string refusal(const std::string& q) {
  auto parsed = query(q);
  if (parsed) return "";
  EXPECT_EQ(parsed.error().code, ErrorCode::invalid_argument) << q;
  return parsed.error().message;
}

// --- time parameters ---

TEST(HistoryTimeParam, IsoWithAZoneADateOrMillisecondsAreRead) {
  EXPECT_EQ(parse_time_param("2026-03-01T08:00:00Z"), kNow);
  EXPECT_EQ(parse_time_param("2026-03-01T09:00:00+01:00"), kNow);
  EXPECT_EQ(parse_time_param("2026-03-01T09:00:00 01:00"), kNow) << "an unencoded '+' arrives as a space";
  EXPECT_EQ(parse_time_param("2026-03-01T03:30:00-04:30"), kNow);
  EXPECT_EQ(parse_time_param("2026-03-01T08:00:00.25Z"), kNow + 250ms);
  EXPECT_EQ(parse_time_param("2026-03-01"), kNow - 8h);
  EXPECT_EQ(parse_time_param("1772352000000"), kNow);
  EXPECT_EQ(parse_time_param("0"), from_epoch_ms(0));
}

TEST(HistoryTimeParam, TimesWithoutAZoneOrOutOfRangeAreRefused) {
  for (const char* bad : {"", "2026-03-01T08:00:00", "2026-02-30", "2026-03-01T24:00:00Z", "2026-3-1",
                          "2026-03-01T08:00Z", "yesterday", "-5", "1e12", "99999999999999999999",
                          "253402300800000", "2026-03-01T08:00:00+0100", "2026-03-01T08:00:00.Z"}) {
    EXPECT_FALSE(parse_time_param(bad)) << bad;
  }
}

// --- the query ---

TEST(HistoryQueryParse, NothingGivenIsTheLastSevenDaysInFiveHundredPoints) {
  auto q = query("");
  ASSERT_TRUE(q) << q.error().to_string();
  EXPECT_EQ(q->until, kNow);
  EXPECT_EQ(q->since, kNow - std::chrono::days(7));
  EXPECT_EQ(q->points, 500);
}

TEST(HistoryQueryParse, DaysPointsSinceAndUntilAreRead) {
  auto days = query("days=30&points=2000");
  ASSERT_TRUE(days);
  EXPECT_EQ(days->since, kNow - std::chrono::days(30));
  EXPECT_EQ(days->points, 2000);
  auto range = query("since=2026-02-01&until=2026-02-15T12:00:00Z&points=10");
  ASSERT_TRUE(range) << range.error().to_string();
  EXPECT_EQ(range->since, *parse_time_param("2026-02-01"));
  EXPECT_EQ(range->until, *parse_time_param("2026-02-15T12:00:00Z"));
  EXPECT_EQ(range->points, 10);
  auto open_ended = query("since=1772000000000");
  ASSERT_TRUE(open_ended);
  EXPECT_EQ(open_ended->until, kNow);
  auto before = query("days=2&until=2026-02-01");
  ASSERT_TRUE(before);
  EXPECT_EQ(before->since, *parse_time_param("2026-01-30"));
}

TEST(HistoryQueryParse, BadParametersAreRefusedNamingTheParameter) {
  EXPECT_EQ(refusal("days=0"), "days: must be an integer 1..400");
  EXPECT_EQ(refusal("days=401"), "days: must be an integer 1..400");
  EXPECT_EQ(refusal("days=7.5"), "days: must be an integer 1..400");
  EXPECT_EQ(refusal("days="), "days: must be an integer 1..400");
  EXPECT_EQ(refusal("points=9"), "points: must be an integer 10..2000");
  EXPECT_EQ(refusal("points=2001"), "points: must be an integer 10..2000");
  EXPECT_EQ(refusal("since=last-week"), "since: must be ISO 8601 with a zone, a date or ms since the epoch");
  EXPECT_EQ(refusal("until=2026-03-01T08:00:00"),
            "until: must be ISO 8601 with a zone, a date or ms since the epoch");
  EXPECT_EQ(refusal("since=2026-03-02&until=2026-03-01"), "since: must not be after until");
  EXPECT_EQ(refusal("since=2026-03-02"), "since: must not be after until");
  EXPECT_EQ(refusal("days=3&since=2026-02-01"), "days: cannot be combined with since");
}

// --- the route ---

class HistoryRouteTest : public ::testing::Test {
 protected:
  HistoryRouteTest() {
    EXPECT_TRUE(hub_.load());
    add_api_routes(router_, hub_);
  }

  void report(core::Telemetry t) {
    t.ts = clock_.now();
    ASSERT_TRUE(hub_.on_telemetry({"home", "front"}, t));
  }

  json::value answer(const std::string& target, int status) {
    Response res = router_.dispatch(get(target));
    EXPECT_EQ(res.status, status) << target << ": " << res.body;
    return json::parse(res.body);
  }

  core::ManualClock clock_{kNow - 1h};
  core::MemoryStore store_;
  lw::testing::RecordingDeviceLink link_;
  core::NullEventSink sink_;
  core::SeededRandom random_{7};
  core::Hub hub_{clock_, store_, link_, sink_, random_, core::HubOptions{}};
  Router router_;
};

TEST_F(HistoryRouteTest, AnswersTheLockRangeAndPointsWithIsoTimesAndAbsentValuesLeftOut) {
  core::Telemetry full;
  full.battery_pct = 82;
  full.battery_mv = 5712;
  full.rssi_dbm = -52;
  full.temperature_c = 21;
  report(full);
  clock_.advance(30min);
  core::Telemetry signal_only;
  signal_only.rssi_dbm = -61;
  report(signal_only);
  clock_.set(kNow);

  json::value v = answer("/api/v1/locks/front/history?days=1", 200);
  const json::object& o = v.as_object();
  EXPECT_EQ(o.at("lock"), "front");
  EXPECT_EQ(o.at("since_ms"), 1772265600000);
  EXPECT_EQ(o.at("until_ms"), 1772352000000);
  const json::array& points = o.at("points").as_array();
  ASSERT_EQ(points.size(), 2U);
  EXPECT_EQ(json::serialize(points[0]),
            R"({"t_ms":1772348400000,"samples":1,"battery_pct":82,"battery_min_pct":82,)"
            R"("voltage_mv":5712,"rssi_dbm":-52,"temperature_c":21})");
  EXPECT_EQ(json::serialize(points[1]), R"({"t_ms":1772350200000,"samples":1,"rssi_dbm":-61})");
}

TEST_F(HistoryRouteTest, ExplicitRangeLimitsThePoints) {
  core::Telemetry t;
  t.battery_pct = 90;
  report(t);
  json::value v = answer("/api/v1/locks/front/history?since=2026-03-01T07:30:00Z&until=1772352000000", 200);
  EXPECT_EQ(v.at("since_ms"), 1772350200000);
  EXPECT_TRUE(v.at("points").as_array().empty());
}

TEST_F(HistoryRouteTest, UnknownLockIsNotFound) {
  json::value v = answer("/api/v1/locks/ghost/history", 404);
  EXPECT_EQ(v.at("error").at("code"), "not_found");
  EXPECT_EQ(v.at("error").at("message"), "lock 'ghost' not found");
}

TEST_F(HistoryRouteTest, BadQueryIsRefusedWithTheParameterNamed) {
  core::Telemetry t;
  t.battery_pct = 90;
  report(t);
  json::value v = answer("/api/v1/locks/front/history?days=0", 400);
  EXPECT_EQ(v.at("error").at("code"), "invalid_argument");
  EXPECT_EQ(v.at("error").at("message"), "days: must be an integer 1..400");
  v = answer("/api/v1/locks/front/history?points=1", 400);
  EXPECT_EQ(v.at("error").at("message"), "points: must be an integer 10..2000");
}

}  // namespace
}  // namespace lw::adapters::http
