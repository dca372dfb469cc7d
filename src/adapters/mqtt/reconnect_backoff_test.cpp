#include "adapters/mqtt/reconnect_backoff.h"

#include <gtest/gtest.h>

#include <vector>

namespace lw::adapters::mqtt {
namespace {

TEST(ReconnectBackoff, DelayDoublesFromMinimumUntilItReachesTheMaximum) {
  ReconnectBackoff backoff(250ms, 10s);
  std::vector<Duration> delays(8);
  for (auto& d : delays) d = backoff.next(1.0);
  EXPECT_EQ(delays, (std::vector<Duration>{250ms, 500ms, 1000ms, 2000ms, 4000ms, 8000ms, 10000ms, 10000ms}));
}

TEST(ReconnectBackoff, JitterKeepsEachDelayBetweenHalfAndFullNominalDelay) {
  ReconnectBackoff backoff(1s, 1s);
  EXPECT_EQ(backoff.next(0.0), 500ms);
  EXPECT_EQ(backoff.next(0.5), 750ms);
  EXPECT_EQ(backoff.next(1.0), 1000ms);
  EXPECT_EQ(backoff.next(-3.0), 500ms);
  EXPECT_EQ(backoff.next(7.0), 1000ms);
}

TEST(ReconnectBackoff, ResetAfterASuccessfulConnectionStartsAgainFromTheMinimum) {
  ReconnectBackoff backoff(100ms, 5s);
  for (int i = 0; i < 5; ++i) (void)backoff.next(1.0);
  EXPECT_EQ(backoff.nominal(), 3200ms);
  backoff.reset();
  EXPECT_EQ(backoff.next(1.0), 100ms);
}

}  // namespace
}  // namespace lw::adapters::mqtt
