#include "app/diagnose_command.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace lw::app {
namespace {

namespace json = boost::json;

constexpr std::int64_t kStart = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;

std::string trace_line(std::int64_t ts, std::string_view topic, std::string_view payload) {
  return R"({"ts_ms":)" + std::to_string(ts) + R"(,"topic":")" + std::string(topic) + R"(","payload":)" +
         std::string(payload) + "}";
}

/// docs/protocol.md 4.2.
std::string telemetry(std::int64_t ts, int battery_mv, int battery_pct) {
  return R"({"v":1,"ts_ms":)" + std::to_string(ts) + R"(,"battery_mv":)" + std::to_string(battery_mv) +
         R"(,"battery_pct":)" + std::to_string(battery_pct) + R"(,"rssi_dbm":-60,"heartbeat_s":600})";
}

/// The lines of (time, line) pairs, sorted by time (stable: ties keep their order).
std::vector<std::string> in_time_order(std::vector<std::pair<std::int64_t, std::string>> timed) {
  std::stable_sort(timed.begin(), timed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> lines;
  lines.reserve(timed.size());
  for (auto& [ts, line] : timed) lines.push_back(std::move(line));
  return lines;
}

/// Two Wi-Fi locks of site "home" report every 10 minutes for a day. The
/// front door's battery runs down (5000 mV, 38 % to 4450 mV, 3 %); then the
/// broker delivers its Last Will and it falls silent, while the back door
/// goes on reporting for 3 more hours. One line per message, in time order.
std::vector<std::string> dying_front_door() {
  std::vector<std::pair<std::int64_t, std::string>> lines;
  lines.emplace_back(kStart, trace_line(kStart, "lw/v1/home/front/status", R"({"v":1,"status":"online"})"));
  lines.emplace_back(kStart + kMinute,
                     trace_line(kStart + kMinute, "lw/v1/home/back/status", R"({"v":1,"status":"online"})"));
  constexpr int kReports = 24 * 6;
  for (int i = 0; i <= kReports; ++i) {
    const std::int64_t ts = kStart + 10 * kMinute * i;
    const int mv = 5000 - 550 * i / kReports;
    lines.emplace_back(ts, trace_line(ts, "lw/v1/home/front/telemetry", telemetry(ts, mv, (mv - 4400) / 16)));
  }
  const std::int64_t will = kStart + 24 * kHour + 5 * kMinute;
  lines.emplace_back(will, trace_line(will, "lw/v1/home/front/status", R"({"v":1,"status":"offline"})"));
  for (std::int64_t ts = kStart + 5 * kMinute; ts <= will + 3 * kHour; ts += 10 * kMinute) {
    lines.emplace_back(ts, trace_line(ts, "lw/v1/home/back/telemetry", telemetry(ts, 5600, 75)));
  }
  return in_time_order(std::move(lines));
}

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  return text;
}

struct Replay {
  int code{0};
  json::value out;
  std::string err;
};

Replay diagnose(const std::string& text, DiagnoseOptions options = {}) {
  options.json = true;
  std::istringstream in(text);
  std::ostringstream out;
  std::ostringstream err;
  Replay r;
  r.code = diagnose_stream(in, "trace.jsonl", options, out, err);
  r.out = json::parse(out.str());
  r.err = err.str();
  return r;
}

std::vector<std::string> strings(const json::value& array) {
  std::vector<std::string> out;
  for (const json::value& v : array.as_array()) out.emplace_back(v.as_string());
  return out;
}

/// The ranking is most likely first and its probabilities sum to 1.
void expect_ranked(const json::array& hypotheses) {
  ASSERT_FALSE(hypotheses.empty());
  double sum = 0;
  double previous = 1;
  for (const json::value& h : hypotheses) {
    const double p = h.at("p").to_number<double>();
    EXPECT_LE(p, previous) << h.at("cause");
    previous = p;
    sum += p;
  }
  EXPECT_NEAR(sum, 1.0, 0.01);
}

TEST(DiagnoseCommand, WifiLockSilentAfterItsLastWillIsOneIncidentWithRankedCausesAndAPlanEndingWithSupport) {
  const Replay r = diagnose(joined(dying_front_door()));

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err, "");
  const json::array& incidents = r.out.at("incidents").as_array();
  ASSERT_EQ(incidents.size(), 1U) << r.out;
  const json::value& front = incidents[0];
  EXPECT_EQ(front.at("device"), "front");
  EXPECT_EQ(strings(front.at("members")), std::vector<std::string>{"front"});
  EXPECT_GE(front.at("opened_ms").as_int64(), kStart + 24 * kHour + 5 * kMinute);
  EXPECT_TRUE(front.at("closed_ms").is_null());
  expect_ranked(front.at("hypotheses").as_array());
  const std::vector<std::string> plan = strings(front.at("plan"));
  ASSERT_FALSE(plan.empty());
  EXPECT_EQ(plan.back(), "contact_support");
}

TEST(DiagnoseCommand, Zigbee2mqttBridgeGoingOfflineIsOneIncidentOfItsLocksBlamedOnTheHub) {
  std::ostringstream out;
  std::ostringstream err;
  DiagnoseOptions options;
  options.trace = std::string(LW_SOURCE_DIR) + "/tests/fixtures/diagnose/z2m_bridge_down.jsonl";
  options.format = "zigbee2mqtt";
  options.json = true;

  ASSERT_EQ(run_diagnose(options, out, err), 0) << err.str();

  EXPECT_EQ(err.str(), "");
  const json::value result = json::parse(out.str());
  const json::array& incidents = result.at("incidents").as_array();
  ASSERT_EQ(incidents.size(), 1U) << result;
  const json::value& incident = incidents[0];
  std::vector<std::string> devices = strings(incident.at("members"));
  devices.emplace_back(incident.at("device").as_string());
  EXPECT_NE(std::find(devices.begin(), devices.end(), "Front door"), devices.end()) << incident;
  expect_ranked(incident.at("hypotheses").as_array());
  EXPECT_EQ(incident.at("hypotheses").at(0).at("cause"), "hub_offline") << incident;
}

std::int64_t ts_of(const std::string& line) { return json::parse(line).at("ts_ms").as_int64(); }

TEST(DiagnoseCommand, MalformedLinesAreReportedWithTheirNumbersAndTheRestIsStillDiagnosed) {
  std::vector<std::string> lines = dying_front_door();
  // Inserted from the back, so each shifts only the lines after it.
  lines.insert(lines.begin() + 29,
               trace_line(kStart, "lw/v1/home/front/telemetry", telemetry(kStart, 5000, 38)));
  const std::int64_t ts = ts_of(lines[19]);
  lines.insert(lines.begin() + 20, trace_line(ts, "lw/v1/home/front/telemetry", R"({"v":2,"ts_ms":1})"));
  lines.insert(lines.begin() + 9, R"({"ts_ms":)" + std::to_string(ts) + R"(,"topic":42,"payload":{}})");
  lines.insert(lines.begin() + 6,
               R"({"topic":"lw/v1/home/front/status","payload":{"v":1,"status":"offline"}})");
  lines.insert(lines.begin() + 2, "this is not JSON");

  const Replay r = diagnose(joined(lines));

  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.err,
            "diagnose: trace.jsonl:3: not valid JSON\n"
            "diagnose: trace.jsonl:8: ts_ms: missing\n"
            "diagnose: trace.jsonl:12: topic: must be a non-empty string\n"
            "diagnose: trace.jsonl:24: payload: not a message the engines understand on its topic\n"
            "diagnose: trace.jsonl:34: ts_ms: goes back in time (earlier than line 33)\n");
  const json::array& incidents = r.out.at("incidents").as_array();
  ASSERT_EQ(incidents.size(), 1U) << r.out;
  EXPECT_EQ(incidents[0].at("device"), "front");
}

TEST(DiagnoseCommand, LockOverdueWhenTheTraceEndsIsFoundOfflineButOneReportingToTheEndIsNot) {
  // Two Wi-Fi locks report every 10 minutes for 6 hours; "side" sends
  // nothing in the last 40 minutes (no Last Will: a hung radio).
  const std::int64_t end = kStart + 6 * kHour;
  std::vector<std::pair<std::int64_t, std::string>> timed;
  for (std::int64_t ts = kStart; ts <= end; ts += 10 * kMinute) {
    timed.emplace_back(ts, trace_line(ts, "lw/v1/home/back/telemetry", telemetry(ts, 5600, 75)));
    const std::int64_t side = ts + 3 * kMinute;
    if (side < end - 40 * kMinute)
      timed.emplace_back(side, trace_line(side, "lw/v1/home/side/telemetry", telemetry(side, 5600, 75)));
  }

  const Replay r = diagnose(joined(in_time_order(std::move(timed))));

  EXPECT_EQ(r.err, "");
  const json::array& incidents = r.out.at("incidents").as_array();
  ASSERT_EQ(incidents.size(), 1U) << r.out;
  EXPECT_EQ(incidents[0].at("device"), "side");
  EXPECT_EQ(strings(incidents[0].at("members")), std::vector<std::string>{"side"});
  expect_ranked(incidents[0].at("hypotheses").as_array());
}

TEST(DiagnoseCommand, MissingTraceFileExitsWithOneAndNamesTheFile) {
  std::ostringstream out;
  std::ostringstream err;
  DiagnoseOptions options;
  options.trace = "/nonexistent/lockwarden/trace.jsonl";

  EXPECT_EQ(run_diagnose(options, out, err), 1);

  EXPECT_EQ(out.str(), "");
  EXPECT_NE(err.str().find("/nonexistent/lockwarden/trace.jsonl"), std::string::npos) << err.str();
}

TEST(DiagnoseCommand, UnknownFormatExitsWithOneAndSaysWhichFormatsThereAre) {
  std::istringstream in(joined(dying_front_door()));
  std::ostringstream out;
  std::ostringstream err;

  DiagnoseOptions options;
  options.format = "zha";

  EXPECT_EQ(diagnose_stream(in, "trace.jsonl", options, out, err), 1);

  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), "diagnose: --format: must be native or zigbee2mqtt\n");
}

TEST(DiagnoseCommand, TextOutputShowsTheDeviceItsOpeningTimeCausesInPercentAndThePlan) {
  std::istringstream in(joined(dying_front_door()));
  std::ostringstream out;
  std::ostringstream err;

  ASSERT_EQ(diagnose_stream(in, "trace.jsonl", {}, out, err), 0);

  const std::string text = out.str();
  EXPECT_NE(text.find("1 incident in"), std::string::npos) << text;
  EXPECT_NE(text.find("\nfront\n"), std::string::npos) << text;
  EXPECT_NE(text.find("opened 2026-01-02T00:"), std::string::npos) << text;
  EXPECT_NE(text.find("still open"), std::string::npos) << text;
  EXPECT_NE(text.find(" % "), std::string::npos) << text;
  EXPECT_NE(text.find("contact_support\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace lw::app
