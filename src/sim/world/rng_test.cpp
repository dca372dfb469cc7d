#include "sim/world/rng.h"

#include <gtest/gtest.h>

#include <cmath>

namespace lw::sim::world {
namespace {

TEST(WorldRng, SplitMix64MatchesTheReferenceOutputsForSeedZero) {
  Rng rng(0);
  EXPECT_EQ(rng.next_u64(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(rng.next_u64(), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(rng.next_u64(), 0x06c45d188009454fULL);
}

TEST(WorldRng, SameSeedGivesSameDrawsAndDifferentSeedsDiffer) {
  Rng a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const double x = a.normal();
    EXPECT_EQ(x, b.normal());
    EXPECT_NE(x, c.normal());
  }
}

TEST(WorldRng, UniformStaysInItsRangeWithMeanOneHalf) {
  Rng rng(7);
  double sum = 0;
  constexpr int kN = 200000;
  for (int i = 0; i < kN; ++i) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / kN, 0.5, 0.005);
}

TEST(WorldRng, NormalHasMeanZeroVarianceOneAndNormalTails) {
  Rng rng(11);
  constexpr int kN = 200000;
  double sum = 0, sum2 = 0;
  int beyond_two = 0;
  for (int i = 0; i < kN; ++i) {
    const double z = rng.normal();
    ASSERT_LE(std::abs(z), 6.0);
    sum += z;
    sum2 += z * z;
    if (std::abs(z) > 2) ++beyond_two;
  }
  EXPECT_NEAR(sum / kN, 0.0, 0.01);
  EXPECT_NEAR(sum2 / kN, 1.0, 0.02);
  EXPECT_NEAR(static_cast<double>(beyond_two) / kN, 0.0455, 0.004);  // two-sided 2σ tail of N(0,1)
}

TEST(WorldRng, ExponentialHasMeanOneAndTheMemorylessTail) {
  Rng rng(5);
  constexpr int kN = 200000;
  double sum = 0;
  int beyond_one = 0, beyond_three = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = rng.exponential();
    ASSERT_GE(x, 0.0);
    sum += x;
    if (x > 1) ++beyond_one;
    if (x > 3) ++beyond_three;
  }
  EXPECT_NEAR(sum / kN, 1.0, 0.01);
  EXPECT_NEAR(static_cast<double>(beyond_one) / kN, std::exp(-1.0), 0.005);
  EXPECT_NEAR(static_cast<double>(beyond_three) / kN, std::exp(-3.0), 0.002);
}

TEST(WorldRng, BelowIsUnbiasedAcrossItsRange) {
  Rng rng(9);
  int counts[6] = {};
  for (int i = 0; i < 60000; ++i) ++counts[rng.below(6)];
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
  EXPECT_EQ(rng.below(0), 0u);
}

TEST(WorldRng, DerivedSeedsDependOnTheNameAndTheRunSeed) {
  EXPECT_EQ(derive_seed(1, "lock-1"), derive_seed(1, "lock-1"));
  EXPECT_NE(derive_seed(1, "lock-1"), derive_seed(1, "lock-2"));
  EXPECT_NE(derive_seed(1, "lock-1"), derive_seed(2, "lock-1"));
}

}  // namespace
}  // namespace lw::sim::world
