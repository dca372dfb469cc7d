#include "core/health/service_figures.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace lw::core {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr Timestamp kT0 = from_epoch_ms(1'767'225'600'000);  // 2026-01-01 00:00 UTC
/// "Now" in these tests: 2026-01-11 15:30 UTC. Its day window starts at 2026-01-10 16:00.
constexpr Timestamp kNow = kT0 + hours(10 * 24 + 15) + minutes(30);
/// Midnight starting `kNow`'s day, and the day before.
constexpr Timestamp kToday = kT0 + hours(10 * 24);
constexpr Timestamp kYesterday = kToday - hours(24);

double ms_of(Duration d) { return static_cast<double>(d.count()); }

TEST(ServiceFigures, NineOfTenCommandsSucceededGivesNinetyPercentAndTheMedianLatency) {
  ServiceTracker service;
  for (int i = 1; i <= 9; ++i) {
    const Timestamp issued = kNow - hours(2) + minutes(i);
    service.command("home", "front", issued, issued + std::chrono::milliseconds(100 * i),
                    ActionStatus::succeeded);
  }
  service.command("home", "front", kNow - hours(1), kNow - hours(1) + 5s, ActionStatus::failed);

  const ServiceFigures f = service.for_lock("front", Window::day, kNow);
  EXPECT_EQ(f.commands, 10);
  EXPECT_EQ(f.succeeded, 9);
  EXPECT_DOUBLE_EQ(f.success_rate, 0.9);
  EXPECT_NEAR(ms_of(f.latency_p50), 500, 75) << "median of 100..900 ms";
  EXPECT_NEAR(ms_of(f.latency_p95), 900, 180);
  EXPECT_EQ(f.locks, 1);
}

TEST(ServiceFigures, AFewSlowCommandsShowInTheP95NotTheMedian) {
  ServiceTracker service;
  for (int i = 0; i < 100; ++i) {
    const Timestamp issued = kNow - hours(5) + minutes(2 * i);
    const Duration latency = i % 10 == 0 ? Duration{8000} : Duration{200};
    service.command("home", "front", issued, issued + latency, ActionStatus::succeeded);
  }
  const ServiceFigures f = service.for_lock("front", Window::day, kNow);
  EXPECT_NEAR(ms_of(f.latency_p50), 200, 40);
  EXPECT_NEAR(ms_of(f.latency_p95), 8000, 1600);
}

TEST(ServiceFigures, ExpiredCommandsCountAgainstSuccessAndPendingOnesAreNotCountedYet) {
  ServiceTracker service;
  service.command("home", "front", kNow - hours(3), kNow - hours(3) + 1s, ActionStatus::succeeded);
  service.command("home", "front", kNow - hours(2), std::nullopt, ActionStatus::expired);
  service.command("home", "front", kNow - minutes(1), std::nullopt, ActionStatus::pending);

  const ServiceFigures f = service.for_lock("front", Window::day, kNow);
  EXPECT_EQ(f.commands, 2);
  EXPECT_DOUBLE_EQ(f.success_rate, 0.5);
  EXPECT_NEAR(ms_of(f.latency_p50), 1000, 150);
}

TEST(ServiceFigures, OfflineTwoHoursYesterdayAndOneHourTodayIsOneHourTodayAndThreeThisWeek) {
  ServiceTracker service;
  service.connectivity("home", "front", kYesterday + hours(8), Connectivity::offline);
  service.connectivity("home", "front", kYesterday + hours(10), Connectivity::online);
  service.connectivity("home", "front", kToday + hours(11), Connectivity::offline);
  service.connectivity("home", "front", kToday + hours(12), Connectivity::online);

  const ServiceFigures day = service.for_lock("front", Window::day, kNow);
  EXPECT_EQ(day.offline, hours(1)) << "yesterday 08:00-10:00 is before the day window (16:00)";
  EXPECT_EQ(day.covered, hours(23) + minutes(30));
  EXPECT_NEAR(day.availability, 1.0 - 1.0 / 23.5, 1e-9);

  const ServiceFigures week = service.for_lock("front", Window::week, kNow);
  EXPECT_EQ(week.offline, hours(3));
  EXPECT_EQ(week.flaky, Duration::zero());
}

TEST(ServiceFigures, AnOutageAcrossTheWindowStartIsClippedToTheWindow) {
  ServiceTracker service;
  service.connectivity("home", "front", kYesterday + hours(14), Connectivity::offline);
  service.connectivity("home", "front", kYesterday + hours(18), Connectivity::online);

  EXPECT_EQ(service.for_lock("front", Window::day, kNow).offline, hours(2)) << "16:00-18:00 only";
  EXPECT_EQ(service.for_lock("front", Window::week, kNow).offline, hours(4));
}

TEST(ServiceFigures, AnOutageStillOpenCountsUpToNow) {
  ServiceTracker service;
  service.connectivity("home", "front", kNow - hours(5), Connectivity::online);
  service.connectivity("home", "front", kNow - minutes(90), Connectivity::offline);

  EXPECT_EQ(service.for_lock("front", Window::day, kNow).offline, minutes(90));
  EXPECT_EQ(service.for_lock("front", Window::day, kNow + minutes(30)).offline, hours(2));
}

TEST(ServiceFigures, ALockOfflineForDaysIsUnavailableForTheWholeDayWindow) {
  ServiceTracker service;
  service.connectivity("home", "front", kNow - hours(72), Connectivity::unreachable);

  const ServiceFigures day = service.for_lock("front", Window::day, kNow);
  EXPECT_EQ(day.offline, day.covered);
  EXPECT_DOUBLE_EQ(day.availability, 0.0);
  EXPECT_EQ(service.for_lock("front", Window::week, kNow).offline, hours(72));
}

TEST(ServiceFigures, SuspectIsFlakyUnreachableIsOfflineAndAsleepOrUpdatingIsNeither) {
  ServiceTracker service;
  const Timestamp t = kNow - hours(10);
  service.connectivity("home", "front", t, Connectivity::suspect);
  service.connectivity("home", "front", t + hours(1), Connectivity::online);
  service.connectivity("home", "front", t + hours(2), Connectivity::asleep);
  service.connectivity("home", "front", t + hours(5), Connectivity::updating);
  service.connectivity("home", "front", t + hours(6), Connectivity::unreachable);
  service.connectivity("home", "front", t + hours(6) + minutes(30), Connectivity::online);

  const ServiceFigures f = service.for_lock("front", Window::day, kNow);
  EXPECT_EQ(f.flaky, hours(1));
  EXPECT_EQ(f.offline, minutes(30));
}

TEST(ServiceFigures, EventLagIsReceivedMinusDeviceTimeFlooredAtZero) {
  ServiceTracker service;
  for (int i = 1; i <= 20; ++i) {
    const Timestamp received = kNow - hours(3) + minutes(i);
    service.event("home", "front", received - std::chrono::milliseconds(100 * i), received);
  }
  service.event("home", "front", kNow - minutes(5), kNow - minutes(10));  // the lock's clock runs ahead

  const ServiceFigures f = service.for_lock("front", Window::day, kNow);
  EXPECT_EQ(f.events, 21);
  EXPECT_NEAR(ms_of(f.event_lag_p50), 1000, 150);
  EXPECT_NEAR(ms_of(f.event_lag_p95), 1900, 300);
  EXPECT_GE(f.event_lag_p50, Duration::zero());
}

TEST(ServiceFigures, SiteFiguresSumTheirLocks) {
  ServiceTracker service;
  for (int i = 0; i < 4; ++i) {
    service.command("home", "front", kNow - hours(4) + minutes(i), kNow - hours(4) + minutes(i) + 1s,
                    i == 0 ? ActionStatus::failed : ActionStatus::succeeded);
  }
  for (int i = 0; i < 6; ++i) {
    service.command("home", "back", kNow - hours(3) + minutes(i), kNow - hours(3) + minutes(i) + 1s,
                    ActionStatus::succeeded);
  }
  service.command("office", "door", kNow - hours(2), kNow - hours(2) + 1s, ActionStatus::failed);
  service.connectivity("home", "front", kNow - hours(6), Connectivity::offline);
  service.connectivity("home", "front", kNow - hours(5), Connectivity::online);
  service.connectivity("home", "back", kNow - hours(4), Connectivity::offline);
  service.connectivity("home", "back", kNow - hours(2), Connectivity::online);
  service.event("home", "front", kNow - hours(1), kNow - hours(1) + 2s);
  service.event("home", "back", kNow - hours(1), kNow - hours(1) + 2s);

  const ServiceFigures home = service.for_site("home", Window::day, kNow);
  EXPECT_EQ(home.locks, 2);
  EXPECT_EQ(home.commands, 10);
  EXPECT_EQ(home.succeeded, 9);
  EXPECT_DOUBLE_EQ(home.success_rate, 0.9);
  EXPECT_EQ(home.offline, hours(3));
  EXPECT_EQ(home.events, 2);
  EXPECT_NEAR(home.availability, 1.0 - 3.0 / (2 * 23.5), 1e-9) << "lock-hours offline over lock-hours";

  const ServiceFigures office = service.for_site("office", Window::day, kNow);
  EXPECT_EQ(office.locks, 1);
  EXPECT_EQ(office.commands, 1);
  EXPECT_DOUBLE_EQ(office.success_rate, 0.0);
}

TEST(ServiceFigures, ALockReportedUnderAnotherSiteMovesThere) {
  ServiceTracker service;
  service.command("home", "front", kNow - hours(2), kNow - hours(2) + 1s, ActionStatus::succeeded);
  service.command("cabin", "front", kNow - hours(1), kNow - hours(1) + 1s, ActionStatus::succeeded);
  EXPECT_EQ(service.for_site("home", Window::day, kNow).locks, 0);
  EXPECT_EQ(service.for_site("cabin", Window::day, kNow).commands, 2);
}

TEST(ServiceFigures, TheMonthWindowLeavesOutDataOlderThanThirtyDays) {
  ServiceTracker service;
  const Duration day = hours(24);
  for (const Duration age : {32 * day, 31 * day, 29 * day, 20 * day, 2 * day}) {
    service.command("home", "front", kNow - age, kNow - age + 1s, ActionStatus::succeeded);
    service.event("home", "front", kNow - age - 1s, kNow - age);
  }
  service.connectivity("home", "front", kNow - 35 * day, Connectivity::offline);
  service.connectivity("home", "front", kNow - 25 * day, Connectivity::online);

  const ServiceFigures month = service.for_lock("front", Window::month, kNow);
  EXPECT_EQ(month.commands, 3);
  EXPECT_EQ(month.events, 3);
  EXPECT_EQ(month.offline, 5 * day - minutes(30))
      << "from the window's start (now - 30 d, next hour) to now - 25 d";
  EXPECT_EQ(month.covered, 30 * day - minutes(30));

  const ServiceFigures week = service.for_lock("front", Window::week, kNow);
  EXPECT_EQ(week.commands, 1);
  EXPECT_EQ(week.offline, Duration::zero());
}

TEST(ServiceFigures, PruningDropsWhatNoWindowCanShow) {
  ServiceTracker service;
  service.command("home", "front", kNow - hours(24 * 29), kNow - hours(24 * 29) + 1s, ActionStatus::failed);
  service.prune(kNow + hours(24 * 3));  // now 32 days after the command
  EXPECT_EQ(service.for_lock("front", Window::month, kNow).commands, 0);
  EXPECT_EQ(service.lock_count(), 1u);
}

TEST(ServiceFigures, AnUnknownLockHasNoFigures) {
  ServiceTracker service;
  service.command("home", "front", kNow - hours(1), kNow - hours(1) + 1s, ActionStatus::succeeded);
  const ServiceFigures f = service.for_lock("garage", Window::week, kNow);
  EXPECT_EQ(f.locks, 0);
  EXPECT_EQ(f.commands, 0);
  EXPECT_TRUE(std::isnan(f.success_rate));
  EXPECT_TRUE(std::isnan(f.availability));
  EXPECT_EQ(f.latency_p50, Duration::zero());

  service.forget("front");
  EXPECT_EQ(service.for_site("home", Window::day, kNow).locks, 0);
  EXPECT_EQ(service.lock_count(), 0u);
}

}  // namespace
}  // namespace lw::core
