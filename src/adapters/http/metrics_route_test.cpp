#include "adapters/http/metrics_route.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "adapters/http/router.h"
#include "core/hub/hub.h"
#include "tests/support/memory_store.h"
#include "tests/support/recording_device_link.h"

namespace lw::adapters::http {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

class MetricsRouteTest : public ::testing::Test {
 protected:
  MetricsRouteTest() { EXPECT_TRUE(hub_.load()); }

  void hear(const core::LockAddress& from, core::Transport transport) {
    core::Telemetry t;
    t.ts = clock_.now();
    t.heartbeat = 10s;
    t.transport = transport;
    ASSERT_TRUE(hub_.on_telemetry(from, t));
  }

  core::ManualClock clock_;
  core::MemoryStore store_;
  lw::testing::RecordingDeviceLink link_;
  core::NullEventSink sink_;
  core::SeededRandom random_{42};
  core::Hub hub_{clock_, store_, link_, sink_, random_, core::HubOptions{}};
};

TEST_F(MetricsRouteTest, EmptyHubShowsEveryFamilyWithEveryLabelAtZero) {
  const std::string text = metrics_text(hub_);
  for (const char* line : {
           "# HELP lockwarden_locks Locks by connectivity state.",
           "# TYPE lockwarden_locks gauge",
           "lockwarden_locks{connectivity=\"online\"} 0",
           "lockwarden_locks{connectivity=\"suspect\"} 0",
           "lockwarden_locks{connectivity=\"offline\"} 0",
           "lockwarden_locks{connectivity=\"updating\"} 0",
           "lockwarden_locks{connectivity=\"asleep\"} 0",
           "lockwarden_locks{connectivity=\"unreachable\"} 0",
           "# TYPE lockwarden_locks_battery_due gauge",
           "lockwarden_locks_battery_due{within=\"7d\"} 0",
           "lockwarden_locks_battery_due{within=\"14d\"} 0",
           "lockwarden_locks_battery_due{within=\"30d\"} 0",
           "# TYPE lockwarden_incidents_open gauge",
           "lockwarden_incidents_open 0",
           "# TYPE lockwarden_cases_open gauge",
           "lockwarden_cases_open{cause=\"battery_depleted\"} 0",
           "lockwarden_cases_open{cause=\"unknown\"} 0",
           "# TYPE lockwarden_messages_total counter",
           "lockwarden_messages_total{transport=\"wifi\"} 0",
           "lockwarden_messages_total{transport=\"ble_bridge\"} 0",
           "lockwarden_messages_total{transport=\"zigbee\"} 0",
           "lockwarden_messages_total{transport=\"zwave\"} 0",
           "# TYPE lockwarden_malformed_messages_total counter",
           "# TYPE lockwarden_commands_total counter",
           "lockwarden_commands_total{outcome=\"succeeded\"} 0",
           "lockwarden_commands_total{outcome=\"failed\"} 0",
           "lockwarden_commands_total{outcome=\"expired\"} 0",
           "# TYPE lockwarden_command_latency_seconds histogram",
           "lockwarden_command_latency_seconds_bucket{le=\"0.05\"} 0",
           "lockwarden_command_latency_seconds_bucket{le=\"30\"} 0",
           "lockwarden_command_latency_seconds_bucket{le=\"+Inf\"} 0",
           "lockwarden_command_latency_seconds_sum 0",
           "lockwarden_command_latency_seconds_count 0",
       }) {
    EXPECT_TRUE(has_line(text, line)) << "missing: " << line << "\n" << text;
  }
  // Every line is a comment or a sample: "name{labels} value" or "name value".
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    EXPECT_TRUE(l.starts_with("# HELP lockwarden_") || l.starts_with("# TYPE lockwarden_") ||
                l.starts_with("lockwarden_"))
        << l;
  }
  EXPECT_TRUE(text.ends_with("\n"));
}

TEST_F(MetricsRouteTest, FiguresFollowWhatTheHubHeardAndDid) {
  const core::LockAddress front{"home", "front"};
  hear(front, core::Transport::wifi);
  hear({"home", "garage"}, core::Transport::zigbee);
  ASSERT_TRUE(hub_.on_status({"home", "garage"}, core::StatusReport{false, std::nullopt}));
  hub_.on_rejected(R"(topic "lw/v2": unsupported\version)");
  hub_.on_rejected(R"(topic "lw/v2": unsupported\version)");

  auto answered = hub_.request_action("front", core::LockAction::lock);
  ASSERT_TRUE(answered);
  clock_.advance(180ms);
  core::CommandResult r;
  r.command_id = answered->id;
  r.ts = clock_.now();
  r.outcome = core::CommandOutcome::ok;
  ASSERT_TRUE(hub_.on_command_result(front, r));
  ASSERT_TRUE(hub_.request_action("front", core::LockAction::unlock));
  clock_.advance(31s);
  hear(front, core::Transport::wifi);
  hub_.tick();

  const std::string text = metrics_text(hub_);
  for (const char* line : {
           "lockwarden_locks{connectivity=\"online\"} 1",
           "lockwarden_locks{connectivity=\"offline\"} 1",
           "lockwarden_incidents_open 1",
           "lockwarden_messages_total{transport=\"wifi\"} 3",
           "lockwarden_messages_total{transport=\"zigbee\"} 2",
           R"(lockwarden_malformed_messages_total{reason="topic \"lw/v2\": unsupported\\version"} 2)",
           "lockwarden_commands_total{outcome=\"succeeded\"} 1",
           "lockwarden_commands_total{outcome=\"expired\"} 1",
           "lockwarden_command_latency_seconds_bucket{le=\"0.1\"} 0",
           "lockwarden_command_latency_seconds_bucket{le=\"0.25\"} 1",
           "lockwarden_command_latency_seconds_bucket{le=\"+Inf\"} 1",
           "lockwarden_command_latency_seconds_sum 0.18",
           "lockwarden_command_latency_seconds_count 1",
       }) {
    EXPECT_TRUE(has_line(text, line)) << "missing: " << line << "\n" << text;
  }
}

TEST_F(MetricsRouteTest, RouteAnswersTheTextFormatWithItsContentType) {
  Router router;
  add_metrics_route(router, hub_);
  Request req;
  req.method = "GET";
  req.path = "/metrics";
  const Response res = router.dispatch(req);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "text/plain; version=0.0.4");
  EXPECT_EQ(res.body, metrics_text(hub_));
}

}  // namespace
}  // namespace lw::adapters::http
