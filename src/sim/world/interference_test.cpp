#include "sim/world/interference.h"

#include <gtest/gtest.h>

#include "sim/world/radio.h"

namespace lw::sim::world {
namespace {

// 2026-11-25 00:00:00 UTC.
constexpr std::int64_t kMidnightMs = 1'795'564'800'000;

Timestamp at(int hour, int minute, int second = 0) {
  return from_epoch_ms(kMidnightMs + ((hour * 60LL + minute) * 60LL + second) * 1000LL);
}

TEST(WorldInterference, MinuteOfDayIsTakenInUtc) {
  EXPECT_EQ(minute_of_day(at(0, 0)), 0);
  EXPECT_EQ(minute_of_day(at(7, 30)), 450);
  EXPECT_EQ(minute_of_day(at(23, 59, 59)), 1439);
  EXPECT_EQ(minute_of_day(at(24, 1)), 1);
  EXPECT_EQ(minute_of_day(from_epoch_ms(-60'000)), 1439);  // 1969-12-31 23:59
}

TEST(WorldInterference, MicrowaveRaisesNoiseOnlyInsideItsWindows) {
  const auto oven = InterferenceSource::microwave_oven(1.0);
  const double f = phy_profile(Phy::wifi_2g4).freq_mhz;
  EXPECT_EQ(oven.noise_rise_db(at(7, 29, 59), f), 0.0);
  EXPECT_GE(oven.noise_rise_db(at(7, 30), f), 20.0);
  EXPECT_LE(oven.noise_rise_db(at(7, 30), f), 30.0);
  EXPECT_GT(oven.noise_rise_db(at(7, 34, 59), f), 0.0);
  EXPECT_EQ(oven.noise_rise_db(at(7, 35), f), 0.0);
  EXPECT_EQ(oven.noise_rise_db(at(12, 0), f), 0.0);
  EXPECT_GT(oven.noise_rise_db(at(18, 10), f), 0.0);
  EXPECT_EQ(oven.noise_rise_db(at(18, 20), f), 0.0);
  // Every day, not just the first.
  EXPECT_GT(oven.noise_rise_db(at(24 * 9 + 18, 0), f), 0.0);
  EXPECT_EQ(oven.busy_fraction(at(12, 0), f), 0.0);
  EXPECT_DOUBLE_EQ(oven.busy_fraction(at(18, 0), f), 0.5);
}

TEST(WorldInterference, MicrowaveRiseFallsWithDistanceAndWalls) {
  EXPECT_DOUBLE_EQ(InterferenceSource::microwave_oven(1.0).peak_rise_db(), 30.0);
  EXPECT_NEAR(InterferenceSource::microwave_oven(10.0).peak_rise_db(), 10.0, 1e-9);
  EXPECT_NEAR(InterferenceSource::microwave_oven(3.0, 4).peak_rise_db(), 30 - 9.54 - 4, 0.01);
  EXPECT_EQ(InterferenceSource::microwave_oven(100.0).peak_rise_db(), 0.0);
}

TEST(WorldInterference, MicrowaveLeavesZwaveAlone) {
  const auto oven = InterferenceSource::microwave_oven(1.0);
  EXPECT_EQ(oven.noise_rise_db(at(7, 31), phy_profile(Phy::zwave_us).freq_mhz), 0.0);
  EXPECT_EQ(oven.noise_rise_db(at(7, 31), phy_profile(Phy::zwave_eu).freq_mhz), 0.0);
  EXPECT_GT(oven.noise_rise_db(at(7, 31), phy_profile(Phy::ieee802154).freq_mhz), 0.0);
  EXPECT_GT(oven.noise_rise_db(at(7, 31), phy_profile(Phy::ble_1m).freq_mhz), 0.0);
}

TEST(WorldInterference, AMicrowaveNextToAMarginalWifiLinkDropsItsPackets) {
  const auto oven = InterferenceSource::microwave_oven(1.5);
  const LinkBudget budget = typical_link_budget(Phy::wifi_2g4);
  const double f = phy_profile(Phy::wifi_2g4).freq_mhz;
  const auto per = [&](Timestamp t) {
    return packet_error_rate(Phy::wifi_2g4,
                             link_snr_db(Phy::wifi_2g4, budget, 15, 7, 0, oven.noise_rise_db(t, f)));
  };
  EXPECT_LT(per(at(12, 0)), 0.01);
  EXPECT_GT(per(at(18, 5)), 0.5);
}

TEST(WorldInterference, NeighbourNetworkIsOnAllDay) {
  const auto neighbour = InterferenceSource::neighbour_network(3, 0.3);
  for (int hour = 0; hour < 24; ++hour) {
    EXPECT_DOUBLE_EQ(neighbour.noise_rise_db(at(hour, 17), 2437), 3.0);
    EXPECT_DOUBLE_EQ(neighbour.busy_fraction(at(hour, 17), 2437), 0.3);
  }
}

TEST(WorldInterference, WindowsMayWrapPastMidnight) {
  const InterferenceSource night(InterferenceKind::cordless_phone, 10, 0.2, {{23 * 60, 60}});
  EXPECT_TRUE(night.active_at(at(23, 30)));
  EXPECT_TRUE(night.active_at(at(0, 59)));
  EXPECT_FALSE(night.active_at(at(1, 0)));
  EXPECT_FALSE(night.active_at(at(22, 59)));
}

TEST(WorldInterference, NoiseRisesCombineAsPowers) {
  EXPECT_NEAR(combine_noise_rise_db(3.0103, 3.0103), 4.771, 0.001);
  EXPECT_DOUBLE_EQ(combine_noise_rise_db(0, 12), 12);
  EXPECT_DOUBLE_EQ(combine_noise_rise_db(12, 0), 12);
  EXPECT_NEAR(combine_noise_rise_db(25, 3), 25.0, 0.02);
}

}  // namespace
}  // namespace lw::sim::world
