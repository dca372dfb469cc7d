#include "core/access/login_throttle.h"

#include <gtest/gtest.h>

namespace lw::core::access {
namespace {

const Timestamp t0 = from_epoch_ms(1'800'000'000'000);

TEST(LoginThrottle, FiveFailuresAreFreeTheSixthBlocksForTheBackoff) {
  LoginThrottle t({.free_failures = 5, .backoff = std::chrono::seconds(2)});
  for (int i = 0; i < 5; ++i) t.failed("user:ana", t0);
  EXPECT_EQ(t.blocked_for("user:ana", t0), std::nullopt);
  t.failed("user:ana", t0);
  EXPECT_EQ(t.blocked_for("user:ana", t0), Duration(2000));
  EXPECT_EQ(t.blocked_for("user:ana", t0 + std::chrono::milliseconds(1500)), Duration(500));
  EXPECT_EQ(t.blocked_for("user:ana", t0 + std::chrono::seconds(2)), std::nullopt);
  EXPECT_EQ(t.blocked_for("user:bob", t0), std::nullopt);
}

TEST(LoginThrottle, EachFurtherFailureDoublesTheWaitUpToTheMaximum) {
  LoginThrottle t(
      {.free_failures = 1, .backoff = std::chrono::seconds(1), .max_backoff = std::chrono::seconds(5)});
  Timestamp now = t0;
  std::vector<Duration> waits;
  t.failed("k", now);
  for (int i = 0; i < 5; ++i) {
    t.failed("k", now);
    waits.push_back(*t.blocked_for("k", now));
    now += waits.back();
  }
  EXPECT_EQ(waits, (std::vector<Duration>{Duration(1000), Duration(2000), Duration(4000), Duration(5000),
                                          Duration(5000)}));
}

TEST(LoginThrottle, ASuccessStartsAfresh) {
  LoginThrottle t({.free_failures = 2, .backoff = std::chrono::seconds(1)});
  for (int i = 0; i < 3; ++i) t.failed("k", t0);
  ASSERT_TRUE(t.blocked_for("k", t0));
  t.succeeded("k");
  EXPECT_EQ(t.blocked_for("k", t0), std::nullopt);
  t.failed("k", t0);
  t.failed("k", t0);
  EXPECT_EQ(t.blocked_for("k", t0), std::nullopt);
}

TEST(LoginThrottle, MemoryStaysBoundedUnderASprayOfNames) {
  LoginThrottle t({.max_keys = 100});
  for (int i = 0; i < 1000; ++i) t.failed("user:" + std::to_string(i), t0 + std::chrono::milliseconds(i));
  EXPECT_LE(t.size(), 100U);
}

}  // namespace
}  // namespace lw::core::access
