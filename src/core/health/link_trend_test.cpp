#include "core/health/link_trend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

namespace lw::core {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

constexpr Timestamp kT0 = from_epoch_ms(1'767'225'600'000);  // 2026-01-01 00:00 UTC

Timestamp at_days(double d) {
  return kT0 + std::chrono::milliseconds(static_cast<std::int64_t>(d * 86'400'000.0));
}
double days_between(Timestamp a, Timestamp b) {
  return std::chrono::duration<double, std::ratio<86400>>(b - a).count();
}

/// Deterministic normal noise: mt19937 is specified bit for bit, the
/// standard distributions are not, so Box-Muller by hand.
class Noise {
 public:
  explicit Noise(double sigma, std::uint32_t seed = 7) : sigma_(sigma), rng_(seed) {}
  double operator()() {
    const double u1 = (static_cast<double>(rng_()) + 1.0) / 4294967297.0;
    const double u2 = static_cast<double>(rng_()) / 4294967296.0;
    return sigma_ * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * 3.141592653589793 * u2);
  }
  bool chance(double p) { return static_cast<double>(rng_()) / 4294967296.0 < p; }

 private:
  double sigma_;
  std::mt19937 rng_;
};

/// Feeds readings every `step_min` minutes over [from_day, to_day) of value(day).
template <typename F>
void feed(LinkTrend& link, double from_day, double to_day, double step_min, F value) {
  const double step = step_min / (24 * 60);
  const auto steps = static_cast<int>(std::lround((to_day - from_day) / step));
  for (int i = 0; i < steps; ++i) {
    const double d = from_day + i * step;
    link.signal(at_days(d), value(d));
  }
}

TEST(LinkTrend, ALinkFallingOneAndAHalfDbADayIsDegradingAndFailsWhenItCrossesMinus85) {
  LinkTrend link(SignalScale::rssi_dbm);
  feed(link, 0, 9, 30, [](double d) { return -65 - 1.5 * d; });

  const LinkReport r = link.report(at_days(9));
  EXPECT_TRUE(r.degrading);
  EXPECT_NEAR(r.slope_per_day, -1.5, 0.05);
  ASSERT_TRUE(r.fails_at.has_value());
  EXPECT_NEAR(days_between(kT0, *r.fails_at), 20.0 / 1.5, 0.25) << "-65 - 1.5 d = -85 at d = 13.3";
  EXPECT_TRUE(r.weak) << "about -78.5 dBm by day 9";
  EXPECT_NEAR(r.level, -78.5, 0.5);
  EXPECT_THAT(r.evidence, Contains(HasSubstr("falling 1.5 dB a day for 9 days")));
  EXPECT_THAT(r.evidence, Contains(HasSubstr("projected under -85 dBm in about 4.3 days")));
}

TEST(LinkTrend, TheSameFallUnderFourDbOfNoiseIsStillFoundAndProjected) {
  LinkTrend link(SignalScale::rssi_dbm);
  Noise noise(4.0);
  feed(link, 0, 10, 10, [&](double d) { return -65 - 1.5 * d + noise(); });

  const LinkReport r = link.report(at_days(10));
  EXPECT_TRUE(r.degrading);
  EXPECT_NEAR(r.slope_per_day, -1.5, 0.2);
  ASSERT_TRUE(r.fails_at.has_value());
  EXPECT_NEAR(days_between(kT0, *r.fails_at), 13.3, 1.0);
}

TEST(LinkTrend, ASteadyLinkWithFourDbOfNoiseIsNeitherWeakNorDegrading) {
  LinkTrend link(SignalScale::rssi_dbm);
  Noise noise(4.0);
  feed(link, 0, 14, 10, [&](double) { return -60 + noise(); });

  const LinkReport r = link.report(at_days(14));
  EXPECT_FALSE(r.degrading);
  EXPECT_FALSE(r.weak);
  EXPECT_FALSE(r.fails_at.has_value());
  EXPECT_NEAR(r.level, -60, 3.0);
  EXPECT_NEAR(r.slope_per_day, 0, 0.3);
  EXPECT_NEAR(r.std_dev, 4.0, 1.0);
  EXPECT_TRUE(r.evidence.empty());
}

TEST(LinkTrend, ASlowDriftOnAStrongLinkIsNotDegradingBecauseItWillNotFailSoon) {
  LinkTrend link(SignalScale::rssi_dbm);
  feed(link, 0, 14, 30, [](double d) { return -55 - 0.5 * d; });  // -85 only after 60 days

  const LinkReport r = link.report(at_days(14));
  EXPECT_NEAR(r.slope_per_day, -0.5, 0.02);
  EXPECT_FALSE(r.degrading);
  EXPECT_FALSE(r.fails_at.has_value());
}

TEST(LinkTrend, DayToDayScatterIsNotMistakenForAFall) {
  LinkTrend link(SignalScale::rssi_dbm);
  // Daily means swing 3 dB either way (weather, doors, people) around a slight fall.
  feed(link, 0, 10, 30, [](double d) {
    const int day = static_cast<int>(d);
    return -80 - 0.4 * d + ((day * 7) % 3 - 1) * 3.0;
  });

  const LinkReport r = link.report(at_days(10));
  EXPECT_LT(r.slope_per_day, 0);
  EXPECT_FALSE(r.degrading) << "slope " << r.slope_per_day;
}

TEST(LinkTrend, ALinkThatIsAlreadyFailingButSteadyIsNotDegrading) {
  LinkTrend link(SignalScale::rssi_dbm);
  feed(link, 0, 10, 30, [](double d) { return -87 - 0.05 * d; });

  const LinkReport r = link.report(at_days(10));
  EXPECT_TRUE(r.weak);
  EXPECT_FALSE(r.degrading);
  EXPECT_THAT(r.evidence, Contains(HasSubstr("failing (under -85)")));
}

TEST(LinkTrend, FourDaysOfFallingAreNotYetATrend) {
  LinkTrend link(SignalScale::rssi_dbm);
  feed(link, 0, 4, 30, [](double d) { return -70 - 3.0 * d; });

  const LinkReport r = link.report(at_days(4));
  EXPECT_FALSE(r.degrading);
  EXPECT_NEAR(r.slope_per_day, -3.0, 0.1) << "the slope is reported, just not believed yet";
}

TEST(LinkTrend, AWeakButSteadyLinkIsWeakAndSaysSo) {
  LinkTrend link(SignalScale::rssi_dbm);
  feed(link, 0, 10, 30, [](double) { return -80.0; });

  const LinkReport r = link.report(at_days(10));
  EXPECT_TRUE(r.weak);
  EXPECT_FALSE(r.degrading);
  EXPECT_THAT(r.evidence, Contains(std::string("signal -80 dBm, weak (under -75)")));
}

TEST(LinkTrend, ALinkUnderTheFailingLevelIsCalledFailing) {
  LinkTrend link(SignalScale::rssi_dbm);
  link.signal(at_days(0), -91);
  const LinkReport r = link.report(at_days(0.1));
  EXPECT_TRUE(r.weak);
  EXPECT_THAT(r.evidence, Contains(std::string("signal -91 dBm, failing (under -85)")));
}

TEST(LinkTrend, BeforeAnyReadingThereIsNoLevelAndNoWarning) {
  LinkTrend link(SignalScale::rssi_dbm);
  link.signal(at_days(0), std::nan(""));  // ignored
  const LinkReport r = link.report(at_days(1));
  EXPECT_TRUE(std::isnan(r.level));
  EXPECT_FALSE(r.weak);
  EXPECT_FALSE(r.degrading);
  EXPECT_EQ(r.loss_rate_24h, 0);
  EXPECT_TRUE(r.evidence.empty());
}

TEST(LinkTrend, LossAtSixInTheEveningOnFiveDaysIsRecurringAtHour18) {
  LinkTrend link(SignalScale::rssi_dbm);
  for (int slot = 0; slot < 7 * 24 * 12; ++slot) {  // a heartbeat every 5 minutes for 7 days
    const Timestamp at = kT0 + std::chrono::minutes(5 * slot);
    const int day = slot / (24 * 12);
    const int hour = (slot / 12) % 24;
    const bool interference = hour == 18 && day >= 1 && day <= 5;
    link.heartbeat_slot(at, interference && slot % 3 != 0);  // two of three lost in that hour
  }

  const LinkReport r = link.report(at_days(7));
  ASSERT_TRUE(r.recurring_loss_hour.has_value());
  EXPECT_EQ(*r.recurring_loss_hour, 18);
  EXPECT_THAT(r.evidence, Contains(HasSubstr("loss at 18:00-19:00 UTC on 5 of the last 7 days")));
}

TEST(LinkTrend, AHeartbeatEveryTwoSecondsKeepsEachHoursLossRate) {
  LinkTrend link(SignalScale::rssi_dbm);
  for (int slot = 0; slot < 7 * 24 * 1800; ++slot) {  // 1,800 heartbeats an hour for 7 days
    const Timestamp at = kT0 + std::chrono::seconds(2 * slot);
    const int day = slot / (24 * 1800);
    const int hour = (slot / 1800) % 24;
    // From 18:30 on five days 60 % are lost (30 % of the hour), 2 % elsewhere:
    // the hour's counts fill up long before the interference starts.
    const bool interference = hour == 18 && day >= 2 && slot % 1800 >= 900;
    link.heartbeat_slot(at, interference ? slot % 10 < 6 : slot % 50 == 0);
  }
  const LinkReport r = link.report(at_days(7) - 1ms);
  ASSERT_TRUE(r.recurring_loss_hour.has_value());
  EXPECT_EQ(*r.recurring_loss_hour, 18);
  // The true rate is 3.2 %; a full hour's counts are halved, so its later
  // minutes weigh more (here the lossy ones): 4.4 %.
  EXPECT_GT(r.loss_rate_24h, 0.03);
  EXPECT_LT(r.loss_rate_24h, 0.05);
}

TEST(LinkTrend, AFastHeartbeatLostEntirelyIsAHundredPercentLostNotMore) {
  LinkTrend link(SignalScale::rssi_dbm);
  for (int slot = 0; slot < 1800; ++slot) link.heartbeat_slot(kT0 + std::chrono::seconds(2 * slot), true);
  EXPECT_EQ(link.report(kT0 + std::chrono::hours(1) - 1ms).loss_rate_24h, 1.0);
}

TEST(LinkTrend, UniformFivePercentLossIsNotRecurring) {
  LinkTrend link(SignalScale::rssi_dbm);
  Noise random(1.0, 11);
  for (int slot = 0; slot < 7 * 24 * 12; ++slot) {
    link.heartbeat_slot(kT0 + std::chrono::minutes(5 * slot), random.chance(0.05));
  }

  const LinkReport r = link.report(at_days(7));
  EXPECT_FALSE(r.recurring_loss_hour.has_value());
  EXPECT_NEAR(r.loss_rate_24h, 0.05, 0.03);
}

TEST(LinkTrend, ALinkLosingThirtyPercentAroundTheClockIsLossyNotInterferedWith) {
  LinkTrend link(SignalScale::rssi_dbm);
  Noise random(1.0, 5);
  for (int slot = 0; slot < 7 * 24 * 12; ++slot) {
    link.heartbeat_slot(kT0 + std::chrono::minutes(5 * slot), random.chance(0.3));
  }
  const LinkReport r = link.report(at_days(7));
  EXPECT_FALSE(r.recurring_loss_hour.has_value());
  EXPECT_NEAR(r.loss_rate_24h, 0.3, 0.08);
}

TEST(LinkTrend, WithHourlyHeartbeatsThreeLossesAtOneHourAmidScatteredLossCanBeChance) {
  LinkTrend link(SignalScale::rssi_dbm);
  for (int slot = 0; slot < 7 * 24; ++slot) {  // one heartbeat an hour
    const int day = slot / 24;
    const int hour = slot % 24;
    const bool scattered = slot % 20 == 7 && hour != 18;  // about 5 % elsewhere
    const bool at_six = hour == 18 && (day == 1 || day == 3 || day == 6);
    link.heartbeat_slot(kT0 + std::chrono::hours(slot), scattered || at_six);
  }
  EXPECT_FALSE(link.report(at_days(7)).recurring_loss_hour.has_value())
      << "3 of 7 at one hour when 1 in 20 is lost anyway happens by chance ~1 in 250 per hour";
}

TEST(LinkTrend, NotableLossInTheLastDayIsMentioned) {
  LinkTrend link(SignalScale::rssi_dbm);
  for (int slot = 0; slot < 24 * 12; ++slot) {
    link.heartbeat_slot(kT0 + std::chrono::minutes(5 * slot), slot % 10 == 0);
  }
  const LinkReport r = link.report(at_days(1) - 1ms);
  EXPECT_NEAR(r.loss_rate_24h, 0.1, 0.01);
  EXPECT_FALSE(r.recurring_loss_hour.has_value());
  EXPECT_THAT(r.evidence, Contains(std::string("lost 10 % of expected heartbeats in the last 24 h")));
}

TEST(LinkTrend, LossAtTheSameHourOnOnlyTwoDaysIsNotYetAPattern) {
  LinkTrend link(SignalScale::rssi_dbm);
  for (int slot = 0; slot < 7 * 24 * 12; ++slot) {
    const int day = slot / (24 * 12);
    const int hour = (slot / 12) % 24;
    link.heartbeat_slot(kT0 + std::chrono::minutes(5 * slot), hour == 18 && (day == 2 || day == 4));
  }
  EXPECT_FALSE(link.report(at_days(7)).recurring_loss_hour.has_value());
}

TEST(LinkTrend, TheLossRateCoversOnlyTheLastDay) {
  LinkTrend link(SignalScale::rssi_dbm);
  for (int slot = 0; slot < 3 * 24 * 12; ++slot) {
    const int day = slot / (24 * 12);
    link.heartbeat_slot(kT0 + std::chrono::minutes(5 * slot), day == 0 && slot % 2 == 0);
  }
  EXPECT_EQ(link.report(at_days(3) - 1ms).loss_rate_24h, 0.0);
  EXPECT_NEAR(link.report(at_days(1) - 1ms).loss_rate_24h, 0.5, 1e-9);
}

TEST(LinkTrend, LossOfTheLastTwoHoursIsToldApartFromTheWeekBefore) {
  LinkTrend link(SignalScale::rssi_dbm);
  EXPECT_FALSE(link.report(kT0).loss_rate_recent.has_value()) << "nothing expected yet";
  // Six days losing one in ten, then everything lost for the last hour and a half.
  const Timestamp end = at_days(6);
  for (Timestamp t = kT0; t < end; t += std::chrono::minutes(10)) {
    const bool crowded = t >= end - std::chrono::minutes(90);
    link.heartbeat_slot(t, crowded || (to_epoch_ms(t) / 600'000) % 10 == 0);
  }
  const LinkReport r = link.report(end - 1ms);
  ASSERT_TRUE(r.loss_rate_recent && r.loss_rate_before);
  EXPECT_GE(*r.loss_rate_recent, 9.0 / 12) << "the current hour and the one before: 12 slots, 9 crowded";
  EXPECT_LE(*r.loss_rate_recent, 11.0 / 12);
  EXPECT_NEAR(*r.loss_rate_before, 0.1, 0.01);
  EXPECT_EQ(r.counted_for, end - 1ms - kT0) << "counted since the first slot";
  EXPECT_EQ(LinkTrend(SignalScale::rssi_dbm).report(end).counted_for, Duration::zero());
}

TEST(LinkTrend, OnTheLqiScaleAFallingLinkIsWeakAndDegradingInLqiUnits) {
  LinkTrend link(SignalScale::lqi);
  EXPECT_EQ(link.options().weak_below, 60);
  EXPECT_EQ(link.options().failing_below, 25);
  feed(link, 0, 9, 60, [](double d) { return 120 - 8.0 * d; });

  const LinkReport r = link.report(at_days(9));
  EXPECT_TRUE(r.weak) << "about 48 by day 9";
  EXPECT_NEAR(r.level, 48.5, 1.0);
  EXPECT_TRUE(r.degrading);
  ASSERT_TRUE(r.fails_at.has_value());
  EXPECT_NEAR(days_between(kT0, *r.fails_at), 95.0 / 8.0, 0.25) << "120 - 8 d = 25 at d = 11.9";
  EXPECT_THAT(r.evidence, Contains(HasSubstr(", weak (under 60)")));
  EXPECT_THAT(r.evidence, Contains(HasSubstr("link quality 4")));
  EXPECT_THAT(r.evidence, Contains(HasSubstr("falling 8.0 a day for 9 days")));
  for (const std::string& line : r.evidence) EXPECT_THAT(line, ::testing::Not(HasSubstr("dB")));
}

TEST(LinkTrend, OnTheLqiScaleAGoodSteadyLinkIsQuiet) {
  LinkTrend link(SignalScale::lqi);
  Noise noise(10.0);
  feed(link, 0, 14, 15, [&](double) { return 200 + noise(); });
  const LinkReport r = link.report(at_days(14));
  EXPECT_FALSE(r.weak);
  EXPECT_FALSE(r.degrading);
  EXPECT_TRUE(r.evidence.empty());
}

TEST(LinkTrend, ALqiReadingOutsideTheScaleIsClamped) {
  LinkTrend link(SignalScale::lqi);
  link.signal(at_days(0), 900);
  EXPECT_EQ(link.report(at_days(0)).level, 255);
}

}  // namespace
}  // namespace lw::core
