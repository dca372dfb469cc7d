#include "core/health/health_monitor.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace lw::core {
namespace {

const Timestamp kT0 = from_epoch_ms(1'767'225'600'000);

class HealthMonitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DevicePlace p;
    p.site = "home";
    p.cadence = std::chrono::minutes(10);
    BatteryProfile b;
    b.chemistry = Chemistry::alkaline;
    b.cells = 4;
    b.standby_ma = standby_ma(Transport::wifi);
    monitor_.place("front", p, b, Transport::wifi);
  }

  /// A report every 10 minutes for `days`, the pack falling `mv_per_day` from `start_mv`.
  void reports(Timestamp from, int days, double start_mv, double mv_per_day, int rssi = -60) {
    for (int k = 0; k < days * 144; ++k) {
      const Timestamp t = from + std::chrono::minutes(10) * k;
      Telemetry tel;
      tel.ts = t;
      tel.battery_mv = static_cast<int>(start_mv - mv_per_day * k / 144.0);
      tel.rssi_dbm = rssi;
      tel.temperature_c = 20;
      monitor_.telemetry("front", t, tel);
      monitor_.tick(t);
    }
  }

  std::vector<HealthNotice> notices(HealthNotice::Kind kind) {
    std::vector<HealthNotice> all = monitor_.take_notices();
    std::erase_if(all, [kind](const HealthNotice& n) { return n.kind != kind; });
    return all;
  }

  HealthMonitor monitor_;
};

TEST_F(HealthMonitorTest, ABatteryNearTheEndGivesOneWarningNotOnePerHorizon) {
  // 1.19 V per cell under the radio's load and falling 4 mV a day per cell: days from the end.
  reports(kT0, 8, 4760, 16);
  const auto warnings = notices(HealthNotice::Kind::battery_forecast);
  ASSERT_FALSE(warnings.empty());
  for (std::size_t k = 1; k < warnings.size(); ++k) {
    EXPECT_LT(warnings[k].days, warnings[k - 1].days) << "each horizon once, nearer each time";
    EXPECT_NE(warnings[k].at, warnings[k - 1].at) << "horizons crossed together are one warning";
  }
  EXPECT_LE(warnings.back().days, 14);
  EXPECT_NE(warnings[0].words.find("battery"), std::string::npos) << warnings[0].words;
  const BatteryForecast f = monitor_.forecast("front", kT0 + std::chrono::days(8));
  ASSERT_TRUE(f.days_left);
  EXPECT_LT(*f.days_left, 30);
}

TEST_F(HealthMonitorTest, AFreshBatteryGivesNoWarningAndADateMonthsAhead) {
  reports(kT0, 20, 5900, 4);  // 1.475 V per cell, 1 mV a day per cell
  EXPECT_TRUE(notices(HealthNotice::Kind::battery_forecast).empty());
  const BatteryForecast f = monitor_.forecast("front", kT0 + std::chrono::days(20));
  ASSERT_TRUE(f.days_left);
  EXPECT_GT(*f.days_left, 60);
}

TEST_F(HealthMonitorTest, AWeakSignalIsToldOnceWithItsEvidence) {
  reports(kT0, 2, 5900, 4, -84);
  const auto weak = notices(HealthNotice::Kind::weak_link);
  ASSERT_EQ(weak.size(), 1U);
  EXPECT_NE(weak[0].words.find("weak"), std::string::npos) << weak[0].words;
  EXPECT_TRUE(monitor_.health("front", kT0 + std::chrono::days(2)).link.weak);
}

TEST_F(HealthMonitorTest, ConnectivityChangesReachTheServiceFigures) {
  reports(kT0, 1, 5900, 4);
  const Timestamp last = kT0 + std::chrono::minutes(10) * 143;
  monitor_.link_down("front", last + std::chrono::minutes(1), "Last Will");
  (void)monitor_.take_changes();
  const Timestamp later = last + std::chrono::hours(3);
  monitor_.tick(later);
  (void)monitor_.take_changes();
  const ServiceFigures day = monitor_.figures_for_lock("front", Window::day, later);
  EXPECT_GE(day.offline, std::chrono::hours(2)) << "offline since the Last Will";
  EXPECT_LT(day.availability, 0.95);
}

TEST_F(HealthMonitorTest, AnExpiredCommandWhileOverdueConfirmsOffline) {
  reports(kT0, 1, 5900, 4);
  const Timestamp last = kT0 + std::chrono::minutes(10) * 143;
  monitor_.tick(last + std::chrono::minutes(12));
  ASSERT_EQ(monitor_.liveness().state("front"), Connectivity::suspect);
  monitor_.command("front", last + std::chrono::minutes(12), std::nullopt, ActionStatus::expired,
                   last + std::chrono::minutes(13));
  EXPECT_EQ(monitor_.liveness().state("front"), Connectivity::offline);
}

}  // namespace
}  // namespace lw::core
