#include "core/battery/forecast.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace lw::core {
namespace {

constexpr Timestamp kT0 = from_epoch_ms(1'767'225'600'000);  // 2026-01-01 00:00 UTC

Timestamp at_day(double day) {
  return kT0 + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(day * 86'400.0));
}
double day_of(Timestamp t) { return std::chrono::duration<double>(t - kT0).count() / 86'400.0; }

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

/// A lock's day as the hub sees it: a telemetry (and its message) every 30
/// minutes with the pack voltage of `cells` cells under the radio's load,
/// `volts_per_cell(day)` plus up to `noise_v` of noise, and two motor runs a day.
/// With `motor_volts_per_cell`, each motor run measures its start voltage
/// (plus up to `motor_noise_v`) and every telemetry after it repeats it as
/// motor_mv, as the lock does.
struct Lock {
  explicit Lock(BatteryProfile profile) : forecaster(profile) {}

  BatteryForecaster forecaster;
  Noise noise{42};
  Noise motor_noise{7};  // separate, so the radio-load readings match a lock without motor_mv
  int cells{4};
  double noise_v{0.006};
  double motor_noise_v{0.010};
  std::optional<double> temperature_c;
  std::function<double(double)> motor_volts_per_cell;
  std::optional<double> motor_mv;

  void run(double from_day, double to_day, const std::function<double(double)>& volts_per_cell,
           const std::function<void(double)>& after_each_day = nullptr) {
    for (int k = 0; from_day + k < to_day - 1e-9; ++k) {
      const double day = from_day + k;
      for (int slot = 0; slot < 48; ++slot) {
        const double t = day + slot / 48.0;
        if (slot == 16 || slot == 36) {
          forecaster.operation(at_day(t));
          if (motor_volts_per_cell) {
            motor_mv =
                std::round((motor_volts_per_cell(t) + motor_noise_v * motor_noise.next()) * cells * 1000);
          }
        }
        const double v = volts_per_cell(t) + noise_v * noise.next();
        forecaster.message(at_day(t));
        forecaster.sample(at_day(t), v * cells * 1000, std::nullopt, temperature_c);
        if (motor_mv) forecaster.motor_sample(at_day(t), *motor_mv);
      }
      if (after_each_day) after_each_day(day + 1);
    }
  }
};

BatteryProfile alkaline_wifi() { return {Chemistry::alkaline, 4, 0.45, std::nullopt}; }
BatteryProfile lithium_wifi() { return {Chemistry::lithium, 4, 0.45, std::nullopt}; }

/// Per-cell loaded voltage falling linearly from `start` by `per_day` from `day0`.
std::function<double(double)> line(double start, double per_day, double day0 = 0) {
  return [=](double day) { return start - per_day * (day - day0); };
}

/// An alkaline cell drained steadily: `per_day` of its charge a day from
/// `depth0` at `day0`, its voltage following the cell's curve (it falls
/// faster as the cell empties).
std::function<double(double)> steady(double depth0, double per_day, double day0 = 0) {
  return [=](double day) { return alkaline_loaded_v20(depth0 + per_day * (day - day0)); };
}
/// The day such a cell reaches the motor cut-off at 20 °C.
double steady_death(double depth0, double per_day, double day0 = 0) {
  return day0 + (alkaline_depth(motor_cutoff_loaded_v(Chemistry::alkaline, 20)) - depth0) / per_day;
}

TEST(BatteryForecaster, AlkalineCellsCurveIsItsDepthOfDischargeReadBackwards) {
  EXPECT_NEAR(alkaline_loaded_v20(0), 1.55, 1e-9) << "a fresh cell under the radio's load";
  for (const double depth : {0.1, 0.3, 0.5, 0.65, 0.8}) {
    EXPECT_NEAR(alkaline_depth(alkaline_loaded_v20(depth)), depth, 1e-9);
    EXPECT_GT(alkaline_loaded_v20(depth - 0.05) - alkaline_loaded_v20(depth),
              alkaline_loaded_v20(0.35) - alkaline_loaded_v20(0.40) - 1e-9)
        << "the voltage falls at least as fast near the end as at the middle";
  }
}

TEST(BatteryForecaster, AlkalineLockDiesWhereItsSteadyDischargeMeetsTheCutOff) {
  Lock lock{alkaline_wifi()};
  // 0.4 % of the charge a day: 1.46 -> 1.30 V/cell over 100 days, falling
  // faster as it goes (a straight line through the voltages would be late).
  lock.run(0, 100, steady(0.10, 0.004));
  const BatteryForecast f = lock.forecaster.forecast(at_day(100));

  const double cut = motor_cutoff_loaded_v(Chemistry::alkaline, 20);
  const double crossing_day = steady_death(0.10, 0.004);
  ASSERT_TRUE(f.dies_at.has_value()) << f.basis;
  EXPECT_EQ(f.method, ForecastMethod::voltage_trend) << f.basis;
  EXPECT_NEAR(day_of(*f.dies_at), crossing_day, 3.0) << f.basis;
  ASSERT_TRUE(f.days_left.has_value());
  EXPECT_NEAR(*f.days_left, crossing_day - 100, 3.0);
  ASSERT_TRUE(f.earliest && f.latest);
  EXPECT_LE(*f.earliest, *f.dies_at);
  EXPECT_GE(*f.latest, *f.dies_at);
  EXPECT_NE(f.basis.find("voltage trend over"), std::string::npos) << f.basis;
  EXPECT_NEAR(f.cutoff_v_per_cell, cut, 1e-6);
}

TEST(BatteryForecaster, AlkalineCutOffIsTheInrushBrownOutAndRisesInTheCold) {
  const double room = motor_cutoff_loaded_v(Chemistry::alkaline, 20);
  EXPECT_GT(room, 1.10) << "an alkaline lock stops well before the gauge reads 0 %";
  EXPECT_LT(room, 1.22);
  EXPECT_GT(motor_cutoff_loaded_v(Chemistry::alkaline, 0), room + 0.05) << "a cold lock stops sooner";
  EXPECT_LT(motor_cutoff_loaded_v(Chemistry::lithium, 0), motor_cutoff_loaded_v(Chemistry::alkaline, 0))
      << "lithium copes with the cold";
}

TEST(BatteryForecaster, AlertsFireOnceEachInOrderAndAgainAfterABatteryChange) {
  Lock lock{alkaline_wifi()};
  std::vector<std::pair<double, int>> fired;  // (day, horizon)
  const auto collect = [&](double day) {
    for (int h : lock.forecaster.due_alerts(at_day(day))) fired.emplace_back(day, h);
  };
  lock.run(0, 147, steady(0.10, 0.004), collect);
  const double death = steady_death(0.10, 0.004);

  ASSERT_EQ(fired.size(), 4U);
  const std::vector<int> order{30, 14, 7, 3};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(fired[i].second, order[i]);
    EXPECT_LE(death - fired[i].first, order[i] + 2.0) << "not far too early: horizon " << order[i];
    EXPECT_GE(death - fired[i].first, order[i] - 2.0) << "not late: horizon " << order[i];
  }

  // New cells (1.55 V/cell), drained 0.5 % a day: the alerts are armed again.
  lock.run(147, 300, steady(0, 0.005, 147), collect);
  ASSERT_TRUE(lock.forecaster.fitted_at().has_value());
  EXPECT_NEAR(day_of(*lock.forecaster.fitted_at()), 147, 0.1);
  ASSERT_EQ(fired.size(), 8U);
  for (std::size_t i = 4; i < 8; ++i) {
    EXPECT_EQ(fired[i].second, order[i - 4]);
    EXPECT_GT(fired[i].first, 147);
  }
}

TEST(BatteryForecaster, AFreshAlkalineCellsFastFirstDropDoesNotShortenTheForecast) {
  // Fresh cells lose their first 0.1 V in days, then drain 0.4 % a day.
  const auto drained = steady(alkaline_depth(1.45), 0.004, 5);
  const auto fresh = [&](double day) { return day < 5 ? 1.55 - 0.02 * day : drained(day); };
  Lock lock{alkaline_wifi()};
  lock.run(0, 20, fresh);
  const BatteryForecast f = lock.forecaster.forecast(at_day(20));
  const double crossing_day = steady_death(alkaline_depth(1.45), 0.004, 5);
  ASSERT_TRUE(f.dies_at.has_value()) << f.basis;
  EXPECT_NEAR(day_of(*f.dies_at), crossing_day, 5.0) << f.basis;
}

TEST(BatteryForecaster, AFirstForecastAlreadyCloseGivesTheLongerHorizonsTogether) {
  Lock lock{alkaline_wifi()};
  lock.noise_v = 0;
  lock.run(0, 6, line(1.195, 0.002));  // about 12 days to the cut-off after day 6
  EXPECT_EQ(lock.forecaster.due_alerts(at_day(6)), (std::vector<int>{30, 14}));
  EXPECT_TRUE(lock.forecaster.due_alerts(at_day(6.5)).empty()) << "each horizon once";
  std::vector<int> later;
  lock.run(6, 30, line(1.195, 0.002), [&](double day) {
    for (int h : lock.forecaster.due_alerts(at_day(day))) later.push_back(h);
  });
  EXPECT_EQ(later, (std::vector<int>{7, 3}));
}

TEST(BatteryForecaster, LithiumAfterASeenBatteryChangeIsForecastFromCapacity) {
  Lock lock{lithium_wifi()};
  lock.run(0, 3, line(1.46, 0));  // the old pack
  lock.forecaster.boot(at_day(3.01), "power_on");
  lock.run(3, 33, line(1.50, 0));  // fresh cells: flat
  const BatteryForecast f = lock.forecaster.forecast(at_day(33));

  ASSERT_TRUE(lock.forecaster.fitted_at().has_value());
  EXPECT_NEAR(day_of(*lock.forecaster.fitted_at()), 3.01, 0.01);
  EXPECT_EQ(f.method, ForecastMethod::capacity) << f.basis;
  // Drain: 0.45 mA standby + 48 messages × 220 mA × 40 ms + 2 motor runs × 1.2 A × 0.6 s.
  const double mah_per_day = 0.45 * 24 + 48 * 220 * 0.04 / 3600 + 2 * 1200 * 0.6 / 3600;
  const double expected_life_days = 3400 / mah_per_day;
  ASSERT_TRUE(f.dies_at.has_value());
  EXPECT_NEAR(day_of(*f.dies_at) - 3.01, expected_life_days, 0.1 * expected_life_days) << f.basis;
  EXPECT_NE(f.basis.find("capacity-based"), std::string::npos) << f.basis;
  EXPECT_NE(f.basis.find("2026-01-04"), std::string::npos) << "names the change: " << f.basis;
}

TEST(BatteryForecaster, LithiumFirstSeenMidLifeSaysTheStartIsUnknownWithAWideRange) {
  Lock lock{lithium_wifi()};
  lock.run(0, 20, line(1.48, 0));
  const BatteryForecast f = lock.forecaster.forecast(at_day(20));

  EXPECT_EQ(f.method, ForecastMethod::capacity_start_unknown);
  EXPECT_NE(f.basis.find("start unknown"), std::string::npos) << f.basis;
  ASSERT_TRUE(f.earliest && f.latest && f.dies_at);
  EXPECT_GT(day_of(*f.latest) - day_of(*f.earliest), 100) << f.basis;
  EXPECT_GT(*f.earliest, at_day(20)) << "on the plateau, the collapse is still ahead";
}

TEST(BatteryForecaster, LithiumCollapseTakesOverFromTheCapacityCount) {
  Lock lock{lithium_wifi()};
  lock.forecaster.replaced(at_day(0));
  const auto volts = [](double day) { return day < 200 ? 1.48 : 1.48 - 0.015 * (day - 200); };
  lock.run(0, 200, volts);
  const BatteryForecast before = lock.forecaster.forecast(at_day(200));
  lock.run(200, 208, volts);
  const BatteryForecast after = lock.forecaster.forecast(at_day(208));

  EXPECT_EQ(before.method, ForecastMethod::capacity);
  EXPECT_EQ(after.method, ForecastMethod::collapse) << after.basis;
  ASSERT_TRUE(before.dies_at && after.dies_at && after.days_left);
  EXPECT_LT(*after.dies_at, *before.dies_at) << "the knee came early: believe the voltage";
  EXPECT_LT(*after.days_left, 25) << after.basis;
}

TEST(BatteryForecaster, AVoltageJumpHeldOverTwoSamplesIsABatteryChangeButOneSpikeIsNot) {
  Lock lock{alkaline_wifi()};
  lock.run(0, 20, line(1.45, 0.006));
  lock.forecaster.sample(at_day(20.01), 1.50 * 4000, std::nullopt);  // one wild reading
  lock.run(20, 40, line(1.45, 0.006));
  EXPECT_FALSE(lock.forecaster.fitted_at().has_value());

  lock.run(40, 45, line(1.52, 0.002, 40));
  ASSERT_TRUE(lock.forecaster.fitted_at().has_value());
  EXPECT_NEAR(day_of(*lock.forecaster.fitted_at()), 40, 0.05);
  const BatteryForecast f = lock.forecaster.forecast(at_day(45));
  ASSERT_TRUE(f.loaded_v_per_cell.has_value());
  EXPECT_GT(*f.loaded_v_per_cell, 1.45) << "the history restarted with the new cells";
}

TEST(BatteryForecaster, PowerOnBootFollowedByAHigherVoltageIsABatteryChange) {
  Lock same{lithium_wifi()};
  same.run(0, 5, line(1.47, 0));
  same.forecaster.boot(at_day(5.01), BootReason::power_on);  // batteries reseated
  same.run(5, 6, line(1.47, 0));
  EXPECT_FALSE(same.forecaster.fitted_at().has_value());

  Lock fresh{lithium_wifi()};
  fresh.run(0, 5, line(1.47, 0));
  fresh.forecaster.boot(at_day(5.01), BootReason::power_on);
  fresh.run(5, 6, line(1.52, 0));  // +50 mV: less than a jump, but after a power-on
  ASSERT_TRUE(fresh.forecaster.fitted_at().has_value());
  EXPECT_NEAR(day_of(*fresh.forecaster.fitted_at()), 5.01, 0.001);
}

TEST(BatteryForecaster, WarmingUpAfterAColdNightIsNotABatteryChange) {
  Lock lock{alkaline_wifi()};
  lock.noise_v = 0.002;
  lock.temperature_c = -10;
  lock.run(0, 3, line(1.150, 0));  // half-empty cells read ~0.1 V low in the cold
  lock.temperature_c = 20;
  lock.run(3, 5, line(1.250, 0));
  EXPECT_FALSE(lock.forecaster.fitted_at().has_value());
}

TEST(BatteryForecaster, BrownOutsAfterMotorRunsFlagLowBatteryDropouts) {
  Lock lock{alkaline_wifi()};
  lock.run(0, 10, line(1.30, 0.001));
  auto& f = lock.forecaster;
  f.operation(at_day(10.3));
  f.dropout(at_day(10.3) + 2s);
  f.boot(at_day(10.3) + 30s, "brown_out");  // the same incident, seen twice
  EXPECT_FALSE(f.forecast(at_day(10.5)).low_battery_dropouts) << "one brown-out is not a pattern";

  f.operation(at_day(12.3));
  f.boot(at_day(12.3) + 1s, "brown_out");
  f.operation(at_day(13.3));
  f.boot(at_day(13.3) + 1s, "brown_out");
  const BatteryForecast seen = f.forecast(at_day(13.5));
  EXPECT_TRUE(seen.low_battery_dropouts);
  ASSERT_EQ(seen.evidence.size(), 2U);
  EXPECT_EQ(seen.evidence[0], "3 brown-out reboot(s) in 7 days");
  EXPECT_EQ(seen.evidence[1], "1 drop-out(s) within 60 s of a motor run in 7 days");

  EXPECT_FALSE(f.forecast(at_day(21)).low_battery_dropouts) << "older than 7 days";
}

TEST(BatteryForecaster, DropoutAfterAMotorRunAndAVoltageFallingUnder1_2VFlagLowBattery) {
  Lock lock{alkaline_wifi()};
  lock.run(0, 10, line(1.21, 0.003));  // 1.18 V/cell and falling
  auto& f = lock.forecaster;
  f.operation(at_day(10.2));
  f.dropout(at_day(10.2) + 5min);  // not after the motor run: unrelated
  EXPECT_FALSE(f.forecast(at_day(10.3)).low_battery_dropouts);

  f.operation(at_day(10.4));
  f.dropout(at_day(10.4) + 20s);
  const BatteryForecast seen = f.forecast(at_day(10.5));
  EXPECT_TRUE(seen.low_battery_dropouts);
  ASSERT_EQ(seen.evidence.size(), 2U);
  EXPECT_NE(seen.evidence[0].find("drop-out"), std::string::npos);
  EXPECT_NE(seen.evidence[1].find("below 1.20 V/cell"), std::string::npos) << seen.evidence[1];
}

TEST(BatteryForecaster, UnknownChemistryAndCellsAreAssumedAlkalineFourCellsAndSaidSo) {
  Lock lock{BatteryProfile{Chemistry::unknown, std::nullopt, 0.22, std::nullopt}};
  lock.run(0, 10, line(1.40, 0.002));
  const BatteryForecast f = lock.forecaster.forecast(at_day(10));
  EXPECT_NE(f.basis.find("assumed alkaline, 4 cells"), std::string::npos) << f.basis;
  ASSERT_TRUE(f.dies_at.has_value());
}

TEST(BatteryForecaster, CellCountIsInferredFromTheGauge) {
  BatteryForecaster f(BatteryProfile{Chemistry::alkaline, std::nullopt, 0.22, std::nullopt});
  for (int i = 0; i < 48 * 6; ++i) {
    const double v = 1.35 - 0.002 * i / 48.0;
    f.sample(at_day(i / 48.0), v * 3 * 1000, (v - 1.10) / 0.40 * 100);  // a 3-cell pack
  }
  const BatteryForecast out = f.forecast(at_day(6));
  ASSERT_TRUE(out.loaded_v_per_cell.has_value());
  EXPECT_NEAR(*out.loaded_v_per_cell, 1.35 - 0.011, 0.003);
  EXPECT_NE(out.basis.find("3 cells (from the gauge)"), std::string::npos) << out.basis;
}

TEST(BatteryForecaster, ColdAlkalineDiesWhereItsMotorStartVoltageMeetsTheBrownOut) {
  // At 0 °C the radio-load voltage falls 1 mV/day, but the motor-start
  // voltage falls 4 mV/day to 0.75 V/cell on day 50: the cells' resistance
  // grows far faster than the model's does as they empty.
  const auto radio = line(1.36, 0.001);
  const auto motor = line(0.95, 0.004);
  Lock plain{alkaline_wifi()};
  plain.temperature_c = 0;
  plain.run(0, 42, radio);
  Lock measured{alkaline_wifi()};
  measured.temperature_c = 0;
  measured.motor_volts_per_cell = motor;
  std::vector<std::pair<double, int>> fired;  // (day, horizon)
  const auto collect = [&](double day) {
    for (int h : measured.forecaster.due_alerts(at_day(day))) fired.emplace_back(day, h);
  };
  measured.run(0, 30, radio, collect);

  // Three weeks out the radio path stands on the resistance measured now;
  // the line through the motor starts is not trusted that far.
  const BatteryForecast early = measured.forecaster.forecast(at_day(30));
  ASSERT_TRUE(early.dies_at && early.resistance_scale) << early.basis;
  EXPECT_NE(early.method, ForecastMethod::motor_trend) << early.basis;

  // Within 10 days of its brown-out the motor line decides.
  measured.run(30, 42, radio, collect);
  const BatteryForecast without = plain.forecaster.forecast(at_day(42));
  const BatteryForecast with = measured.forecaster.forecast(at_day(42));
  ASSERT_TRUE(without.dies_at && with.dies_at) << with.basis;
  EXPECT_NE(without.method, ForecastMethod::motor_trend);
  EXPECT_GT(day_of(*without.dies_at), 60) << "the radio-load voltage alone is hopeful: " << without.basis;
  EXPECT_EQ(with.method, ForecastMethod::motor_trend) << with.basis;
  EXPECT_EQ(to_string(with.method), "motor_trend");
  EXPECT_GE(day_of(*with.dies_at), 46) << with.basis;
  EXPECT_LE(day_of(*with.dies_at), 52) << with.basis;
  EXPECT_NE(with.basis.find("motor-start voltage falling"), std::string::npos) << with.basis;
  EXPECT_NE(with.basis.find("brown-out at 0.75 V/cell"), std::string::npos) << with.basis;
  ASSERT_TRUE(with.motor_v_per_cell && with.measured_cell_ohm);
  EXPECT_NEAR(*with.motor_v_per_cell, 0.95 - 0.004 * 41.5, 0.02);
  // R = (V_radio − V_motor) / (1.2 A − 0.22 A) on the last day.
  EXPECT_NEAR(*with.measured_cell_ohm, ((1.36 - 0.0415) - (0.95 - 0.166)) / 0.98, 0.02);
  ASSERT_TRUE(with.earliest && with.latest);
  EXPECT_LE(*with.earliest, *with.dies_at);
  EXPECT_GE(*with.latest, *with.dies_at);

  // The 7- and 3-day alerts come before their horizons (the readings cross
  // 0.75 V/cell on day 50); the 30- and 14-day ones only when the motor line
  // speaks: a resistance outgrowing the model is seen 10 days ahead.
  measured.run(42, 50, radio, collect);
  ASSERT_EQ(fired.size(), 4U);
  const std::vector<int> order{30, 14, 7, 3};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(fired[i].second, order[i]);
    EXPECT_GE(50 - fired[i].first, std::min(order[i], 7)) << "not late: horizon " << order[i];
    EXPECT_LE(50 - fired[i].first, order[i] + 10.0) << "not far too early: horizon " << order[i];
  }
}

TEST(BatteryForecaster, ALockThatReportsNoTemperatureIsForecastAtTheOneGivenForItsPlace) {
  // A bridged lock's first pack (no change seen, no temperature reported):
  // its readings alone cannot tell an outdoor gate from a hallway.
  BatteryProfile outdoor = alkaline_wifi();
  outdoor.ambient_c = 0;
  Lock gate{outdoor};
  Lock hallway{alkaline_wifi()};
  gate.run(0, 20, steady(0.20, 0.004));
  hallway.run(0, 20, steady(0.20, 0.004));
  const BatteryForecast cold = gate.forecaster.forecast(at_day(20));
  const BatteryForecast warm = hallway.forecaster.forecast(at_day(20));
  ASSERT_TRUE(cold.dies_at && warm.dies_at);
  EXPECT_NEAR(cold.cutoff_v_per_cell, motor_cutoff_loaded_v(Chemistry::alkaline, 0), 0.01) << cold.basis;
  EXPECT_LT(*cold.dies_at, *warm.dies_at - std::chrono::days(20)) << "the cold stops it far sooner";
  EXPECT_NE(cold.basis.find("at 0 °C (none reported: the temperature given for the lock's place)"),
            std::string::npos)
      << cold.basis;

  // A lock that reports its temperature is judged by it, whatever was given.
  Lock reporting{outdoor};
  reporting.temperature_c = 20;
  reporting.run(0, 20, steady(0.20, 0.004));
  const BatteryForecast measured = reporting.forecaster.forecast(at_day(20));
  ASSERT_TRUE(measured.dies_at);
  EXPECT_NEAR(day_of(*measured.dies_at), day_of(*warm.dies_at), 1.0) << measured.basis;
}

TEST(BatteryForecaster, ALockWithoutTemperatureIsJudgedColdWhenItsFreshPackReadsLow) {
  // Two bridged locks (no temperature in their reports) get fresh alkaline
  // packs on day 10. Under the radio's load a fresh cell reads 1.555 V at
  // 20 °C; the one at 0 °C reads 1.515 (twice the resistance). Both then fall
  // 4 mV/day.
  const auto run = [](double fresh) {
    Lock lock{alkaline_wifi()};
    lock.run(0, 10, line(1.12, 0.0005));
    lock.run(10, 40, line(fresh, 0.004, 10));
    return lock.forecaster.forecast(at_day(40));
  };
  const BatteryForecast warm = run(1.555);
  const BatteryForecast cold = run(1.515);
  ASSERT_TRUE(warm.dies_at && cold.dies_at) << cold.basis;
  EXPECT_NE(warm.basis.find("at 20 °C (no temperature reported)"), std::string::npos) << warm.basis;
  EXPECT_NE(cold.basis.find("(none reported: the fresh pack read 1.51"), std::string::npos) << cold.basis;
  EXPECT_EQ(cold.basis.find("no temperature reported"), std::string::npos) << cold.basis;
  EXPECT_GT(cold.cutoff_v_per_cell, warm.cutoff_v_per_cell + 0.05) << "the cold raises the cut-off";
  EXPECT_LT(day_of(*cold.dies_at), day_of(*warm.dies_at) - 15) << cold.basis << " / " << warm.basis;

  // A lock that reports its temperature is taken at its word.
  Lock reported{alkaline_wifi()};
  reported.temperature_c = 20;
  reported.run(0, 10, line(1.12, 0.0005));
  reported.run(10, 40, line(1.515, 0.004, 10));
  const BatteryForecast f = reported.forecaster.forecast(at_day(40));
  EXPECT_NE(f.basis.find("at 20 °C"), std::string::npos) << f.basis;
  EXPECT_NEAR(f.cutoff_v_per_cell, warm.cutoff_v_per_cell, 1e-9);

  // A lock that reports only its gauge (Z-Wave's battery level) reads 100 %
  // for any fresh pack: that says nothing of the cold.
  BatteryForecaster gauge{alkaline_wifi()};
  for (int hour = 0; hour < 24 * 40; ++hour) {
    const double day = hour / 24.0;
    gauge.sample(at_day(day), std::nullopt, day < 10 ? 5.0 : 100.0 - 0.6 * (day - 10));
  }
  ASSERT_TRUE(gauge.fitted_at()) << "the jump from 5 to 100 % is a battery change";
  const BatteryForecast g = gauge.forecast(at_day(40));
  EXPECT_NE(g.basis.find("at 20 °C (no temperature reported)"), std::string::npos) << g.basis;
}

/// A lock that reports only its gauge (Z-Wave's battery level), every hour,
/// with a motor run at noon: `pct(day)`.
void gauge_only(BatteryForecaster& f, double from_day, double to_day,
                const std::function<double(double)>& pct) {
  for (int hour = 0; from_day + hour / 24.0 < to_day - 1e-9; ++hour) {
    const double day = from_day + hour / 24.0;
    if (hour % 24 == 12) f.operation(at_day(day));
    f.message(at_day(day));
    f.sample(at_day(day), std::nullopt, std::round(std::clamp(pct(day), 0.0, 100.0)));
  }
}

TEST(BatteryForecaster, AGaugeOnlyLockWhosePackStoppedEarlyIsJudgedColdForItsNextPack) {
  // In the cold an alkaline pack stops while its gauge still reads ~44 %; at
  // 20 °C near 15 %. This lock's first pack falls 1 %/day and is changed at
  // 44 % on day 30 without any alert: the forecast expected weeks more.
  const auto second_pack = [](std::optional<double> first_pack_end) {
    BatteryForecaster f{alkaline_wifi()};
    if (first_pack_end) gauge_only(f, 0, 30, [&](double d) { return *first_pack_end + 30 - d; });
    gauge_only(f, 30, 60, [](double d) { return 100 - 0.6 * (d - 30); });  // as its drain counts
    return f.forecast(at_day(60));
  };
  const BatteryForecast cold = second_pack(44);
  const BatteryForecast plain = second_pack(std::nullopt);
  ASSERT_TRUE(cold.dies_at && plain.dies_at) << cold.basis;
  EXPECT_NE(cold.basis.find("(none reported: the last pack stopped at 1.27"), std::string::npos)
      << cold.basis;
  EXPECT_NEAR(cold.cutoff_v_per_cell, 1.278, 0.01) << "the next pack is expected to stop where the last did";
  EXPECT_LT(day_of(*cold.dies_at), day_of(*plain.dies_at) - 20) << cold.basis << " / " << plain.basis;

  // A pack that ran down to 8 % taught nothing: packs stop lower at 20 °C.
  const BatteryForecast low = second_pack(8);
  EXPECT_NE(low.basis.find("at 20 °C (no temperature reported)"), std::string::npos) << low.basis;
}

TEST(BatteryForecaster, APackWhoseMotorRunsBelowWhereTheLastOneStoppedForgetsTheCold) {
  // The first pack was changed at 60 % with no alert (the owner had spare
  // cells to hand, not a cold lock). The next one runs its motor at 50 %.
  BatteryForecaster f{alkaline_wifi()};
  gauge_only(f, 0, 30, [](double d) { return 90 - d; });
  gauge_only(f, 30, 70, [](double d) { return 100 - (d - 30) * 1.25; });
  const BatteryForecast after = f.forecast(at_day(70));
  EXPECT_EQ(after.basis.find("the last pack stopped at"), std::string::npos) << after.basis;
}

TEST(BatteryForecaster, AGaugeOnlyLockReadingFarUnderWhatItsCountedChargeReadsAt20CIsJudgedCold) {
  // Two gauge-only locks get fresh packs on day 10 and use ~11 mAh a day
  // (0.45 mA standby, a report an hour, a motor run a day). After 30 days
  // that is ~0.12 of the charge: ~1.42 V/cell under the radio's load at
  // 20 °C. One reads that; the cold one (twice the resistance) ~1.36.
  const auto run = [](double pct_per_day) {
    BatteryForecaster f{alkaline_wifi()};
    gauge_only(f, 0, 10, [](double) { return 5; });
    gauge_only(f, 10, 40, [&](double d) { return 100 - pct_per_day * (d - 10); });
    return f.forecast(at_day(40));
  };
  const BatteryForecast warm = run(0.6);
  const BatteryForecast cold = run(1.2);
  ASSERT_TRUE(warm.dies_at && cold.dies_at) << cold.basis;
  EXPECT_NE(warm.basis.find("at 20 °C (no temperature reported)"), std::string::npos) << warm.basis;
  EXPECT_NE(cold.basis.find("mAh used since the change would read 1.4"), std::string::npos) << cold.basis;
  EXPECT_GT(cold.cutoff_v_per_cell, warm.cutoff_v_per_cell + 0.05) << cold.basis;
  // Too soon after the change the count says too little: no judgement.
  BatteryForecaster early{alkaline_wifi()};
  gauge_only(early, 0, 10, [](double) { return 5; });
  gauge_only(early, 10, 20, [](double d) { return 100 - 1.2 * (d - 10); });
  EXPECT_NE(early.forecast(at_day(20)).basis.find("(no temperature reported)"), std::string::npos);
}

TEST(BatteryForecaster, MotorStartsShowingALowerResistanceThanTheModelsMoveTheCutOffDown) {
  // 0.20 V between the radio-load and motor-start readings where the model's
  // cell would sag 0.27 V: the cells' resistance is about 0.75x the model's.
  const auto radio = line(1.40, 0.002);
  Lock plain{alkaline_wifi()};
  plain.temperature_c = 20;
  plain.run(0, 40, radio);
  Lock measured{alkaline_wifi()};
  measured.temperature_c = 20;
  measured.motor_volts_per_cell = line(1.20, 0.002);
  measured.run(0, 40, radio);

  const BatteryForecast without = plain.forecaster.forecast(at_day(40));
  const BatteryForecast with = measured.forecaster.forecast(at_day(40));
  ASSERT_TRUE(without.dies_at && with.dies_at);
  EXPECT_FALSE(without.resistance_scale.has_value());
  ASSERT_TRUE(with.resistance_scale.has_value()) << with.basis;
  EXPECT_NEAR(*with.resistance_scale, 0.75, 0.05);
  EXPECT_EQ(with.method, ForecastMethod::voltage_trend) << "the motor line is far from the brown-out";
  EXPECT_LT(with.cutoff_v_per_cell, without.cutoff_v_per_cell - 0.02);
  EXPECT_GT(*with.dies_at, *without.dies_at + std::chrono::days(5)) << with.basis;
  EXPECT_NE(with.basis.find("resistance 0.7"), std::string::npos) << with.basis;
  ASSERT_TRUE(with.motor_v_per_cell.has_value()) << "still reported";
}

// Motor-start readings move the forecast only by what they measure: later
// only for cells whose resistance is below the model's, earlier for cells
// above it or (motor_trend) for a motor-start voltage heading for the brown-out.
TEST(BatteryForecaster, MotorSamplesMoveTheForecastByTheResistanceTheyMeasure) {
  struct Case {
    BatteryProfile profile;
    std::function<double(double)> radio;
    std::function<double(double)> motor;
    std::optional<double> temperature_c;
  };
  const std::vector<Case> cases{
      {alkaline_wifi(), line(1.30, 0.003), line(1.00, 0.001), 20},  // motor line meets it much later
      {alkaline_wifi(), line(1.30, 0.003), line(0.80, -0.002), 0},  // rising
      {alkaline_wifi(), line(1.25, 0.002), line(1.05, 0), 5},       // flat
      {alkaline_wifi(), line(1.30, 0.002), line(0.90, 0.006), -5},  // steep: earlier
      {lithium_wifi(), line(1.48, 0), line(1.30, 0.0005), 10},      // plateau, slow
      {lithium_wifi(), line(1.48, 0), line(0.85, 0.005), -5},       // close to the brown-out
      {alkaline_wifi(), line(1.35, 0.001), line(0.70, 0.001), 0},   // below it already
  };
  int later = 0;
  int earlier = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    Lock plain{c.profile};
    plain.temperature_c = c.temperature_c;
    Lock measured{c.profile};
    measured.temperature_c = c.temperature_c;
    measured.motor_volts_per_cell = c.motor;
    for (double day = 0; day < 30; day += 5) {
      plain.run(day, day + 5, c.radio);
      measured.run(day, day + 5, c.radio);
      const BatteryForecast without = plain.forecaster.forecast(at_day(day + 5));
      const BatteryForecast with = measured.forecaster.forecast(at_day(day + 5));
      ASSERT_TRUE(without.dies_at && with.dies_at) << "case " << i;
      if (*with.dies_at > *without.dies_at) {
        ++later;
        ASSERT_TRUE(with.resistance_scale) << "case " << i << ": " << with.basis;
        EXPECT_LT(*with.resistance_scale, 1.0) << "case " << i << " day " << day + 5 << ": " << with.basis;
      } else if (*with.dies_at < *without.dies_at) {
        ++earlier;
        EXPECT_TRUE(with.method == ForecastMethod::motor_trend ||
                    (with.resistance_scale && *with.resistance_scale > 1.0))
            << "case " << i << " day " << day + 5 << ": " << with.basis;
      }
    }
  }
  EXPECT_GT(later, 0);
  EXPECT_GT(earlier, 0);
}

TEST(BatteryForecaster, ABatteryChangeRestartsTheMotorHistory) {
  Lock lock{alkaline_wifi()};
  lock.temperature_c = 0;
  lock.motor_volts_per_cell = line(0.90, 0.005);  // brown-out on day 30
  lock.run(0, 20, line(1.36, 0.001));
  ASSERT_EQ(lock.forecaster.forecast(at_day(20)).method, ForecastMethod::motor_trend);

  lock.forecaster.replaced(at_day(20.01));
  lock.motor_mv.reset();  // absent until the motor runs on the new cells
  lock.motor_volts_per_cell = line(1.25, 0.001, 20);
  lock.run(20, 22, line(1.44, 0.001, 20));
  const BatteryForecast f = lock.forecaster.forecast(at_day(22));
  EXPECT_NE(f.method, ForecastMethod::motor_trend) << "two days of new readings: " << f.basis;
  ASSERT_TRUE(f.dies_at && f.motor_v_per_cell);
  EXPECT_GT(day_of(*f.dies_at), 60) << f.basis;
  EXPECT_GT(*f.motor_v_per_cell, 1.2) << "the old cells' readings are gone";
}

TEST(BatteryForecaster, NoReadingsNoForecast) {
  BatteryForecaster f(alkaline_wifi());
  f.message(at_day(0));
  const BatteryForecast out = f.forecast(at_day(1));
  EXPECT_FALSE(out.dies_at.has_value());
  EXPECT_EQ(out.method, ForecastMethod::none);
  EXPECT_TRUE(f.due_alerts(at_day(1)).empty());
}

}  // namespace
}  // namespace lw::core
