#include "adapters/http/prometheus_text.h"

#include <gtest/gtest.h>

#include <limits>

namespace lw::adapters::http {
namespace {

TEST(PrometheusText, FamilyHasHelpAndTypeLinesThenItsSamples) {
  PrometheusText out;
  out.family("lockwarden_locks", "gauge", "Locks by connectivity state.");
  out.sample("lockwarden_locks", {{"connectivity", "online"}}, std::uint64_t{2});
  out.sample("lockwarden_locks", {{"connectivity", "offline"}, {"site", "home"}}, std::uint64_t{0});
  out.family("lockwarden_incidents_open", "gauge", "Open incidents.");
  out.sample("lockwarden_incidents_open", {}, std::uint64_t{1});
  EXPECT_EQ(out.text(),
            "# HELP lockwarden_locks Locks by connectivity state.\n"
            "# TYPE lockwarden_locks gauge\n"
            "lockwarden_locks{connectivity=\"online\"} 2\n"
            "lockwarden_locks{connectivity=\"offline\",site=\"home\"} 0\n"
            "# HELP lockwarden_incidents_open Open incidents.\n"
            "# TYPE lockwarden_incidents_open gauge\n"
            "lockwarden_incidents_open 1\n");
}

TEST(PrometheusText, LabelValuesEscapeBackslashQuoteAndLineFeed) {
  EXPECT_EQ(escape_label_value(R"(topic "lw\v1")"), R"(topic \"lw\\v1\")");
  EXPECT_EQ(escape_label_value("two\nlines"), "two\\nlines");
  EXPECT_EQ(escape_label_value("telemetry: battery_pct: must be 0..100"),
            "telemetry: battery_pct: must be 0..100");
  PrometheusText out;
  out.sample("m", {{"reason", "say \"hi\"\\\n"}}, std::uint64_t{3});
  EXPECT_EQ(out.text(), "m{reason=\"say \\\"hi\\\"\\\\\\n\"} 3\n");
}

TEST(PrometheusText, HelpEscapesBackslashAndLineFeedButNotQuotes) {
  EXPECT_EQ(escape_help("a \"b\" c\\d\ne"), "a \"b\" c\\\\d\\ne");
}

TEST(PrometheusText, ValuesAreShortestExactNumbersOrInfinityAndNaN) {
  EXPECT_EQ(format_value(0.05), "0.05");
  EXPECT_EQ(format_value(2.5), "2.5");
  EXPECT_EQ(format_value(30), "30");
  EXPECT_EQ(format_value(0.18), "0.18");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

}  // namespace
}  // namespace lw::adapters::http
