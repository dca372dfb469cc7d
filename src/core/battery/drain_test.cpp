#include "core/battery/drain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace lw::core {
namespace {

constexpr Timestamp kT0 = from_epoch_ms(1'767'225'600'000);  // 2026-01-01 00:00 UTC

Timestamp at_day(double day) {
  return kT0 + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(day * 86'400.0));
}

/// Deterministic noise in [-1, 1) (xorshift64).
class Noise {
 public:
  explicit Noise(std::uint64_t seed) : s_(seed) {}
  double next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return static_cast<double>(s_ >> 11) / static_cast<double>(1ULL << 52) - 1.0;
  }

 private:
  std::uint64_t s_;
};

/// A lock's activity over [from, to) days: a message every `message_every_s`
/// seconds, `operations_per_day` motor runs spread over the day, and a
/// telemetry every 30 minutes whose per-cell voltage is `volts(day)` plus up
/// to `noise_v` (4 cells; the gauge is the firmware's whole-percent reading).
struct Activity {
  double message_every_s{60};
  int operations_per_day{10};
  double start_v{1.40};
  double v_per_day{0};
  double noise_v{0.02};
};

void feed(DrainTracker& t, double from, double to, const Activity& a, Noise& noise) {
  const double step = a.message_every_s / 86'400.0;
  const auto messages = static_cast<long>(std::ceil((to - from) / step - 1e-9));
  for (long i = 0; i < messages; ++i) t.message(at_day(from + static_cast<double>(i) * step));
  for (int k = static_cast<int>(std::floor(from)); k < to; ++k) {
    const double day = k;
    for (int i = 0; i < a.operations_per_day; ++i) {
      const double d = day + (i + 0.5) / a.operations_per_day;
      if (d >= from && d < to) t.operation(at_day(d));
    }
    for (int slot = 0; slot < 48; ++slot) {
      const double d = day + slot / 48.0;
      if (d < from || d >= to) continue;
      const double v = a.start_v - a.v_per_day * d + a.noise_v * noise.next();
      t.sample(at_day(d), v * 4000, std::round((v - 1.10) / 0.40 * 100));
    }
  }
}

BatteryProfile ble_alkaline() {
  return {Chemistry::alkaline, 4, standby_ma(Transport::ble_bridge), std::nullopt};
}

TEST(DrainTracker, HeartbeatChangeThatSendsSixTimesMoreMessagesIsAJumpNamingTheChange) {
  DrainTracker t(ble_alkaline());
  Noise noise(7);
  feed(t, 0, 10.5, {.message_every_s = 60}, noise);
  t.change(at_day(10.5), "heartbeat 60s -> 10s");
  feed(t, 10.5, 13, {.message_every_s = 10}, noise);

  const DrainReport r = t.report(at_day(13.2));
  EXPECT_TRUE(r.jumped);
  // 0.2 mA × 24 h + 1440 × 220 mA × 40 ms + 10 × 1.2 A × 0.6 s before; 8640 messages after.
  const double before = 0.2 * 24 + 1440 * 220 * 0.04 / 3600 + 10 * 1200 * 0.6 / 3600;
  const double after = 0.2 * 24 + 8640 * 220 * 0.04 / 3600 + 10 * 1200 * 0.6 / 3600;
  EXPECT_NEAR(r.baseline_mah_per_day, before, 0.05);
  EXPECT_NEAR(r.mah_per_day, after, 0.05);
  EXPECT_NEAR(r.ratio, after / before, 0.02);
  ASSERT_TRUE(r.since.has_value());
  EXPECT_EQ(*r.since, at_day(10)) << "the day the change came";
  EXPECT_EQ(r.cause.rfind("heartbeat 60s -> 10s", 0), 0U) << r.cause;
  EXPECT_NE(r.cause.find("message rate up 6.0x"), std::string::npos) << r.cause;
}

TEST(DrainTracker, AJumpWithNoReportedChangeNamesTheActivityThatRose) {
  DrainTracker t(ble_alkaline());
  Noise noise(8);
  t.change(at_day(2), "firmware 1.4.0 -> 1.5.0");  // long before: not the cause
  feed(t, 0, 12, {.operations_per_day = 10}, noise);
  feed(t, 12, 14, {.operations_per_day = 60}, noise);

  const DrainReport r = t.report(at_day(14.5));
  EXPECT_TRUE(r.jumped);
  EXPECT_EQ(r.cause, "lock operations up 6.0x (10 -> 60 a day)");
}

TEST(DrainTracker, ARiseBelowTheRuleIsNoJump) {
  // A Wi-Fi lock going from a 10-minute to a 1-minute heartbeat: standby
  // dominates, so its drain rises by about a quarter only.
  DrainTracker t(BatteryProfile{Chemistry::alkaline, 4, standby_ma(Transport::wifi), std::nullopt});
  Noise noise(9);
  feed(t, 0, 10, {.message_every_s = 600}, noise);
  t.change(at_day(10), "heartbeat 600s -> 60s");
  feed(t, 10, 13, {.message_every_s = 60}, noise);

  const DrainReport r = t.report(at_day(13.1));
  EXPECT_FALSE(r.jumped);
  EXPECT_GT(r.ratio, 1.1);
  EXPECT_LT(r.ratio, 1.5);
  EXPECT_TRUE(r.cause.empty());
}

TEST(DrainTracker, NoisyButFlatVoltageIsNoJumpAndNoDrift) {
  DrainTracker t(ble_alkaline());
  Noise noise(10);
  feed(t, 0, 20, {.start_v = 1.30, .noise_v = 0.05}, noise);  // ±50 mV a reading

  const DrainReport r = t.report(at_day(20.1));
  EXPECT_FALSE(r.jumped);
  EXPECT_NEAR(r.ratio, 1.0, 0.01);
  EXPECT_LT(std::abs(r.mv_per_day), 4.0) << "daily means, not single days";
  EXPECT_LT(std::abs(r.pct_per_day), 1.0);
}

TEST(DrainTracker, ASteadyDeclineIsMeasuredPerDayThroughTheNoise) {
  DrainTracker t(ble_alkaline());
  Noise noise(11);
  feed(t, 0, 20, {.start_v = 1.40, .v_per_day = 0.002, .noise_v = 0.03}, noise);

  const DrainReport r = t.report(at_day(20.1));
  EXPECT_NEAR(r.mv_per_day, 8.0, 1.5) << "2 mV/day per cell on 4 cells";
  EXPECT_NEAR(r.pct_per_day, 0.5, 0.15);
}

TEST(DrainTracker, AJumpStaysReportedWhileTheDrainStaysHighAndEndsWhenItFalls) {
  DrainTracker t(ble_alkaline());
  Noise noise(12);
  feed(t, 0, 10, {.message_every_s = 60}, noise);
  t.change(at_day(10.2), "new integration polling");
  feed(t, 10, 16, {.message_every_s = 8}, noise);

  const DrainReport held = t.report(at_day(16.1));
  EXPECT_TRUE(held.jumped) << "six days on, against the baseline from before";
  ASSERT_TRUE(held.since.has_value());
  EXPECT_EQ(*held.since, at_day(10));
  EXPECT_EQ(held.cause.rfind("new integration polling", 0), 0U) << held.cause;

  feed(t, 16, 19, {.message_every_s = 60}, noise);  // the integration removed
  EXPECT_FALSE(t.report(at_day(19.1)).jumped);
}

TEST(DrainTracker, ASecondJumpReportsItsOwnStartAndCause) {
  DrainTracker t(ble_alkaline());
  Noise noise(14);
  feed(t, 0, 10, {}, noise);
  t.change(at_day(10), "new integration polling");
  feed(t, 10, 14, {.message_every_s = 8}, noise);
  t.change(at_day(14), "integration removed");
  feed(t, 14, 24, {}, noise);
  t.change(at_day(24.3), "firmware 1.4.0 -> 1.5.0");
  feed(t, 24.3, 26, {.message_every_s = 8}, noise);

  const DrainReport r = t.report(at_day(26.1));
  EXPECT_TRUE(r.jumped);
  ASSERT_TRUE(r.since.has_value());
  EXPECT_EQ(*r.since, at_day(24));
  EXPECT_EQ(r.cause.rfind("firmware 1.4.0 -> 1.5.0", 0), 0U) << r.cause;
}

TEST(DrainTracker, TodayAndSilentDaysDoNotCount) {
  DrainTracker t(ble_alkaline());
  Noise noise(13);
  feed(t, 0, 9, {}, noise);
  // Two days nothing heard (offline), then a burst early today.
  feed(t, 11, 11.1, {.message_every_s = 1}, noise);

  const DrainReport r = t.report(at_day(11.1));
  EXPECT_FALSE(r.jumped);
  EXPECT_EQ(r.days_counted, 9);
}

TEST(DrainTracker, ChargePerActivityFollowsTheLockFigures) {
  EXPECT_NEAR(kTransmitMah, 0.002444, 1e-6);
  EXPECT_NEAR(kMotorRunMah, 0.2, 1e-9);
  EXPECT_DOUBLE_EQ(standby_ma(Transport::wifi), 0.45);
  EXPECT_DOUBLE_EQ(nominal_capacity_mah(Chemistry::lithium), 3400);
  EXPECT_EQ(infer_cells(3 * 1300, 50), 3);
  EXPECT_FALSE(infer_cells(6000, 100).has_value()) << "a saturated gauge says nothing";
}

TEST(TheilSen, OneWildDayDoesNotTiltTheLine) {
  std::vector<double> x{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<double> y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = 10 - 2 * x[i];
  y[4] = 100;
  const auto fit = theil_sen(x, y, 0.5);
  ASSERT_TRUE(fit.has_value());
  EXPECT_NEAR(fit->slope, -2.0, 1e-9);
  EXPECT_NEAR(fit->intercept, 10.0, 1e-9);
  EXPECT_LE(fit->low, fit->slope);
  EXPECT_GE(fit->high, fit->slope);
}

}  // namespace
}  // namespace lw::core
