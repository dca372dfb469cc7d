#include "core/hub/command_stats.h"

#include <gtest/gtest.h>

namespace lw::core {
namespace {

TEST(LatencyHistogram, ObservationCountsInEveryBucketAtOrAboveIt) {
  LatencyHistogram h;
  h.observe(180ms);
  EXPECT_EQ(h.at_or_below(0), 0U);  // 50 ms
  EXPECT_EQ(h.at_or_below(1), 0U);  // 100 ms
  EXPECT_EQ(h.at_or_below(2), 1U);  // 250 ms
  EXPECT_EQ(h.at_or_below(LatencyHistogram::kBounds.size() - 1), 1U);
  EXPECT_EQ(h.count(), 1U);
  EXPECT_EQ(h.sum(), 180ms);
}

TEST(LatencyHistogram, BoundIsInclusiveAndSlowAnswersCountOnlyInTheTotal) {
  LatencyHistogram h;
  h.observe(50ms);
  h.observe(45s);
  EXPECT_EQ(h.at_or_below(0), 1U);
  EXPECT_EQ(h.at_or_below(LatencyHistogram::kBounds.size() - 1), 1U);  // 30 s
  EXPECT_EQ(h.count(), 2U);
  EXPECT_EQ(h.sum(), 45050ms);
}

TEST(LatencyHistogram, NegativeLatencyFromAClockSetBackCountsAsZero) {
  LatencyHistogram h;
  h.observe(-2s);
  EXPECT_EQ(h.at_or_below(0), 1U);
  EXPECT_EQ(h.sum(), 0ms);
}

TEST(CommandStats, CountsOutcomesAndObservesOnlyAnsweredCommands) {
  CommandStats s;
  s.finished(ActionStatus::succeeded, 120ms);
  s.finished(ActionStatus::failed, 2s);
  s.finished(ActionStatus::expired, std::nullopt);
  s.finished(ActionStatus::pending, 1s);
  EXPECT_EQ(s.count(ActionStatus::succeeded), 1U);
  EXPECT_EQ(s.count(ActionStatus::failed), 1U);
  EXPECT_EQ(s.count(ActionStatus::expired), 1U);
  EXPECT_EQ(s.count(ActionStatus::pending), 0U);
  EXPECT_EQ(s.latency().count(), 2U);
  EXPECT_EQ(s.latency().sum(), 2120ms);
}

}  // namespace
}  // namespace lw::core
