#include "base/result.h"

#include <gtest/gtest.h>

#include "base/ids.h"

namespace lw {
namespace {

Result<int> half(int x) {
  if (x % 2 != 0) return invalid_argument("x", "must be even");
  return x / 2;
}

TEST(Result, ValueAndErrorAreDistinguishable) {
  auto good = half(4);
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 2);
  auto bad = half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(bad.error().to_string(), "invalid_argument: x: must be even");
}

TEST(Result, AndThenStopsAtTheFirstError) {
  auto r = half(8).and_then(half).and_then(half);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 1);
  EXPECT_FALSE(half(6).and_then(half));
  EXPECT_EQ(half(4).transform([](int v) { return v * 10; }).value(), 20);
}

TEST(Result, ValueOnErrorAborts) {
  EXPECT_DEATH((void)half(1).value(), "value\\(\\) on an error: invalid_argument: x: must be even");
}

TEST(Ids, RejectsCharactersThatBreakTopicsOrUrls) {
  EXPECT_TRUE(validate_id("lock", "front-door_1"));
  EXPECT_FALSE(validate_id("lock", ""));
  EXPECT_FALSE(validate_id("lock", "a/b"));
  EXPECT_FALSE(validate_id("lock", "a+b"));
  EXPECT_EQ(validate_id("lock", "a#").error().message, "lock: may contain only letters, digits, '_' and '-'");
}

}  // namespace
}  // namespace lw
