#include "sim/virtual_run.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

namespace lw::sim {
namespace {

struct Message {
  std::int64_t ts_ms;
  std::string topic;
  std::string payload;
};

class RecordingTrace final : public TraceSink {
 public:
  void message(Timestamp ts, std::string_view topic, std::string_view payload, bool /*json*/) override {
    messages.push_back({to_epoch_ms(ts), std::string(topic), std::string(payload)});
  }
  std::vector<Message> messages;
};

class RecordingLabels final : public LabelSink {
 public:
  void label(const FaultLabel& l) override { labels.push_back(l); }
  std::vector<FaultLabel> labels;
};

constexpr std::string_view kScenario = R"(
[[site]]
id = "home"

[[lock]]
id = "front"
site = "home"
heartbeat = "60s"
keepalive_s = 20

[[lock]]
id = "back"
site = "home"
heartbeat = "60s"
keepalive_s = 20

[[fault]]
at = "10m"
lock = "back"
kind = "power_loss"

[[fault]]
at = "30m"
lock = "back"
kind = "power_restore"

[[traffic]]
lock = "front"
every = "1h"
start = "5m"
operation = "unlock"
source = "keypad"
user = "alice"
)";

Scenario scenario() {
  auto s = parse_scenario(kScenario, "virtual.toml");
  EXPECT_TRUE(s) << s.error().message;
  return *s;
}

struct Outcome {
  RecordingTrace trace;
  RecordingLabels labels;
  VirtualRunOptions options;
};

/// Runs the scenario for `hours` of virtual time.
std::unique_ptr<Outcome> run_for(int hours) {
  auto out = std::make_unique<Outcome>();
  out->options.until = std::chrono::hours(hours);
  EXPECT_TRUE(run_virtual(scenario(), out->options, out->trace, out->labels));
  return out;
}

TEST(VirtualRun, SameScenarioGivesAnIdenticalTrace) {
  auto first = run_for(6);
  auto second = run_for(6);
  const auto& a = first->trace;
  const auto& b = second->trace;
  ASSERT_EQ(a.messages.size(), b.messages.size());
  for (std::size_t i = 0; i < a.messages.size(); ++i) {
    EXPECT_EQ(a.messages[i].payload, b.messages[i].payload);
    EXPECT_EQ(a.messages[i].ts_ms, b.messages[i].ts_ms);
  }
}

TEST(VirtualRun, HeartbeatsArriveAtTheDeclaredCadence) {
  auto run = run_for(1);
  int telemetry = 0;
  for (const auto& m : run->trace.messages) {
    if (m.topic == "lw/v1/home/front/telemetry") ++telemetry;
  }
  EXPECT_EQ(telemetry, 61);  // one at connection, then one a minute for an hour
}

TEST(VirtualRun, PowerLossIsFollowedByTheLastWillAfterOneAndAHalfKeepalives) {
  auto run = run_for(1);
  const auto& l = run->labels;
  const std::int64_t start = to_epoch_ms(run->options.start);
  std::optional<std::int64_t> will_at, back_online_at, last_telemetry_before;
  for (const auto& m : run->trace.messages) {
    if (m.topic == "lw/v1/home/back/telemetry" && m.ts_ms < start + 10 * 60'000)
      last_telemetry_before = m.ts_ms;
    if (m.topic == "lw/v1/home/back/telemetry" && m.ts_ms > start + 10 * 60'000 &&
        m.ts_ms < start + 30 * 60'000) {
      ADD_FAILURE() << "telemetry while the lock has no power at " << m.ts_ms;
    }
    if (m.topic == "lw/v1/home/back/status" && m.payload == R"({"v":1,"status":"offline"})")
      will_at = m.ts_ms;
    if (m.topic == "lw/v1/home/back/status" && m.ts_ms >= start + 30 * 60'000 &&
        m.payload.find("\"online\"") != std::string::npos && !back_online_at) {
      back_online_at = m.ts_ms;
    }
  }
  ASSERT_TRUE(last_telemetry_before);
  EXPECT_EQ(*last_telemetry_before, start + 9 * 60'000);  // the last heartbeat before the loss
  ASSERT_TRUE(will_at);
  // The lock pinged within the last keep-alive (20 s); the broker waits 1.5 keep-alives from then.
  EXPECT_GE(*will_at, start + 10 * 60'000 + 10'000);
  EXPECT_LE(*will_at, start + 10 * 60'000 + 30'000);
  ASSERT_TRUE(back_online_at);
  EXPECT_EQ(*back_online_at, start + 30 * 60'000);
  ASSERT_EQ(l.labels.size(), 1U);
  EXPECT_EQ(l.labels[0].kind, "power_loss");
  EXPECT_EQ(l.labels[0].target, "back");
  EXPECT_EQ(to_epoch_ms(l.labels[0].onset), start + 10 * 60'000);
  ASSERT_TRUE(l.labels[0].fixed);
  EXPECT_EQ(l.labels[0].fix, "power_restore");
  EXPECT_EQ(to_epoch_ms(*l.labels[0].fixed), start + 30 * 60'000);
}

TEST(VirtualRun, DoorTrafficShowsUpAsLockOperationEvents) {
  auto run = run_for(3);
  int operations = 0;
  for (const auto& m : run->trace.messages) {
    if (m.topic != "lw/v1/home/front/event") continue;
    auto e = boost::json::parse(m.payload);
    if (e.at("type") == "lock_operation" && e.at("user") == "alice") ++operations;
  }
  EXPECT_EQ(operations, 3);  // at 0:05, 1:05, 2:05
}

TEST(VirtualRun, JsonLinesTraceEmbedsJsonPayloadsAndQuotesOthers) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  JsonLinesTrace trace(f);
  trace.message(from_epoch_ms(5), "lw/v1/a/b/status", R"({"v":1,"status":"offline"})", true);
  trace.message(from_epoch_ms(6), "lw/v1/a/b/telemetry", "garbage \"quoted\"", false);
  std::rewind(f);
  char buf[512] = {};
  std::string text(buf, std::fread(buf, 1, sizeof buf - 1, f));
  std::fclose(f);
  EXPECT_EQ(text,
            "{\"ts_ms\":5,\"topic\":\"lw/v1/a/b/status\",\"payload\":{\"v\":1,\"status\":\"offline\"}}\n"
            "{\"ts_ms\":6,\"topic\":\"lw/v1/a/b/telemetry\",\"payload\":\"garbage \\\"quoted\\\"\"}\n");
}

}  // namespace
}  // namespace lw::sim
