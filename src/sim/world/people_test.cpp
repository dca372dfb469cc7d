#include "sim/world/people.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>

namespace lw::sim::world {
namespace {

// Monday 2026-11-23 00:00:00 UTC.
constexpr std::int64_t kMondayMs = 1'795'392'000'000;
const Timestamp kMonday = from_epoch_ms(kMondayMs);

struct Tally {
  int total{0};
  std::array<int, 24> by_hour{};
  std::array<int, 4> by_kind{};
  int weekend{0};
};

Tally simulate(const DoorTraffic& traffic, int days, std::uint64_t seed) {
  Rng rng(seed);
  Tally tally;
  const Timestamp end = kMonday + std::chrono::days(days);
  Timestamp t = kMonday;
  for (;;) {
    const auto op = traffic.next_arrival(t, rng);
    if (!op || op->at >= end) break;
    EXPECT_GT(op->at, t);
    t = op->at;
    const std::int64_t since = to_epoch_ms(t) - kMondayMs;
    ++tally.total;
    ++tally.by_hour[static_cast<std::size_t>(since / 3'600'000 % 24)];
    ++tally.by_kind[static_cast<std::size_t>(op->kind)];
    if (since / 86'400'000 % 7 >= 5) ++tally.weekend;
  }
  return tally;
}

TEST(WorldPeople, HomeTrafficAveragesItsDailyRateOverAYear) {
  const Tally tally = simulate(DoorTraffic(TrafficProfile::home(10)), 364, 1);
  EXPECT_NEAR(tally.total / 364.0, 10.0, 0.3);
}

TEST(WorldPeople, HomeTrafficPeaksInTheMorningAndEveningAndIsQuietAtNight) {
  const Tally tally = simulate(DoorTraffic(TrafficProfile::home(10)), 364, 2);
  const int night = tally.by_hour[2] + tally.by_hour[3] + tally.by_hour[4];
  const int morning = tally.by_hour[7] + tally.by_hour[8];
  const int evening = tally.by_hour[17] + tally.by_hour[18];
  const int midday = tally.by_hour[10] + tally.by_hour[11];
  EXPECT_GT(morning, 2 * midday);
  EXPECT_GT(evening, 2 * midday);
  EXPECT_LT(night, midday / 4);
  // The 07:00 hour carries its weight's share of the day (2.2 of 20.25).
  EXPECT_NEAR(static_cast<double>(tally.by_hour[7]) / tally.total, 2.2 / 20.25, 0.015);
}

TEST(WorldPeople, OfficeTrafficIsOfficeHoursOnWeekdays) {
  const Tally tally = simulate(DoorTraffic(TrafficProfile::office(40)), 28, 3);
  int office_hours = 0;
  for (int h = 8; h < 18; ++h) office_hours += tally.by_hour[static_cast<std::size_t>(h)];
  EXPECT_GT(static_cast<double>(office_hours) / tally.total, 0.85);
  EXPECT_LT(static_cast<double>(tally.weekend) / tally.total, 0.05);
  EXPECT_NEAR(tally.total, 40 * (20 + 8 * 0.05), 60);
}

TEST(WorldPeople, LocalTimeShiftsTheProfile) {
  const TrafficProfile utc = TrafficProfile::home(10);
  const TrafficProfile new_york = TrafficProfile::home(10, -std::chrono::hours(5));
  // 12:00 UTC is 07:00 in New York: its morning peak.
  const Timestamp noon_utc = kMonday + std::chrono::hours(12);
  EXPECT_DOUBLE_EQ(new_york.rate_per_hour(noon_utc), utc.rate_per_hour(kMonday + std::chrono::hours(7)));
}

TEST(WorldPeople, KindsFollowTheMixWithRareWrongPins) {
  const Tally tally = simulate(DoorTraffic(TrafficProfile::home(20)), 364, 4);
  const auto share = [&](DoorOperationKind k) {
    return static_cast<double>(tally.by_kind[static_cast<std::size_t>(k)]) / tally.total;
  };
  EXPECT_NEAR(share(DoorOperationKind::pin_unlock), 0.45, 0.02);
  EXPECT_NEAR(share(DoorOperationKind::phone_unlock), 0.25, 0.02);
  EXPECT_NEAR(share(DoorOperationKind::manual), 0.28, 0.02);
  EXPECT_NEAR(share(DoorOperationKind::wrong_pin), 0.02, 0.005);
  EXPECT_GT(tally.by_kind[static_cast<std::size_t>(DoorOperationKind::wrong_pin)], 0);
}

TEST(WorldPeople, SameSeedGivesTheSameOperations) {
  const DoorTraffic traffic(TrafficProfile::office(30));
  Rng a(9), b(9), c(10);
  Timestamp ta = kMonday, tb = kMonday, tc = kMonday;
  bool differs = false;
  for (int i = 0; i < 200; ++i) {
    const auto x = traffic.next_arrival(ta, a);
    const auto y = traffic.next_arrival(tb, b);
    const auto z = traffic.next_arrival(tc, c);
    ASSERT_TRUE(x && y && z);
    EXPECT_EQ(x->at, y->at);
    EXPECT_EQ(x->kind, y->kind);
    differs |= x->at != z->at;
    ta = x->at;
    tb = y->at;
    tc = z->at;
  }
  EXPECT_TRUE(differs);
}

TEST(WorldPeople, NoTrafficMeansNoArrival) {
  Rng rng(1);
  EXPECT_FALSE(DoorTraffic(TrafficProfile::home(0)).next_arrival(kMonday, rng).has_value());
}

TEST(WorldPeople, KindsMapToMatterOperationSources) {
  EXPECT_EQ(operation_source(DoorOperationKind::pin_unlock), core::OperationSource::keypad);
  EXPECT_EQ(operation_source(DoorOperationKind::wrong_pin), core::OperationSource::keypad);
  EXPECT_EQ(operation_source(DoorOperationKind::phone_unlock), core::OperationSource::phone);
  EXPECT_EQ(operation_source(DoorOperationKind::manual), core::OperationSource::manual);
}

}  // namespace
}  // namespace lw::sim::world
