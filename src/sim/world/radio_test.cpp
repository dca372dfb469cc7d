#include "sim/world/radio.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

namespace lw::sim::world {
namespace {

constexpr std::array kAllPhys{Phy::wifi_2g4, Phy::ble_1m, Phy::ieee802154, Phy::zwave_eu, Phy::zwave_us};

TEST(WorldRadio, FreeSpacePathLossAtOneMetreAndTwoPointFourGigahertzIsFortyDecibels) {
  EXPECT_NEAR(free_space_path_loss_db(1.0, 2400), 40.05, 0.05);
  EXPECT_NEAR(free_space_path_loss_db(1.0, 908.4), 31.62, 0.05);
}

TEST(WorldRadio, FreeSpacePathLossGrowsTwentyDecibelsPerDecadeOfDistance) {
  EXPECT_NEAR(free_space_path_loss_db(10, 2400) - free_space_path_loss_db(1, 2400), 20.0, 1e-9);
  EXPECT_NEAR(free_space_path_loss_db(100, 2400) - free_space_path_loss_db(10, 2400), 20.0, 1e-9);
  EXPECT_NEAR(free_space_path_loss_db(2, 2400) - free_space_path_loss_db(1, 2400), 6.02, 0.01);
  // ... and 20 dB per decade of frequency.
  EXPECT_NEAR(free_space_path_loss_db(5, 24000) - free_space_path_loss_db(5, 2400), 20.0, 1e-9);
}

TEST(WorldRadio, LogDistancePathLossIsFreeSpaceToTheReferenceThenTenNPerDecade) {
  EXPECT_NEAR(log_distance_path_loss_db(1, 2400, 3.0), free_space_path_loss_db(1, 2400), 1e-9);
  EXPECT_NEAR(log_distance_path_loss_db(10, 2400, 3.0), 40.05 + 30, 0.05);
  EXPECT_NEAR(log_distance_path_loss_db(100, 2400, 2.0), free_space_path_loss_db(100, 2400), 1e-9);
  EXPECT_NEAR(log_distance_path_loss_db(0.5, 2400, 3.0), free_space_path_loss_db(0.5, 2400), 1e-9);
  EXPECT_EQ(log_distance_path_loss_db(0, 2400, 3.0), log_distance_path_loss_db(0.1, 2400, 3.0));
}

TEST(WorldRadio, WallsAddTheirTypicalLossAtTwoPointFourGigahertz) {
  EXPECT_DOUBLE_EQ(wall_loss_db(Wall::drywall), 3);
  EXPECT_DOUBLE_EQ(wall_loss_db(Wall::wood), 4);
  EXPECT_DOUBLE_EQ(wall_loss_db(Wall::glass), 2);
  EXPECT_GE(wall_loss_db(Wall::brick), 8);
  EXPECT_LE(wall_loss_db(Wall::brick), 10);
  EXPECT_GE(wall_loss_db(Wall::concrete), 12);
  EXPECT_LE(wall_loss_db(Wall::concrete), 15);
  EXPECT_GE(wall_loss_db(Wall::metal), 20);
  const std::array walls{Wall::brick, Wall::drywall, Wall::drywall};
  EXPECT_DOUBLE_EQ(walls_loss_db(walls), 9 + 3 + 3);
  EXPECT_DOUBLE_EQ(walls_loss_db({}), 0);
  // Through the walls the signal is weaker by exactly their loss.
  const double pl = log_distance_path_loss_db(8, 2440, 3.0);
  EXPECT_DOUBLE_EQ(rssi_dbm(0, pl, 0) - rssi_dbm(0, pl, walls_loss_db(walls)), 15);
}

TEST(WorldRadio, SubGigahertzGoesThroughWallsMoreEasilyExceptMetal) {
  for (Wall w : {Wall::drywall, Wall::wood, Wall::glass, Wall::brick, Wall::concrete}) {
    EXPECT_LT(wall_loss_db(w, 908.4), wall_loss_db(w, 2400)) << to_string(w);
  }
  EXPECT_NEAR(wall_loss_db(Wall::concrete, 908.4), 6.1, 0.3);
  EXPECT_DOUBLE_EQ(wall_loss_db(Wall::metal, 908.4), wall_loss_db(Wall::metal, 2400));
  const auto zwave = typical_link_budget(Phy::zwave_us);
  const auto zigbee = typical_link_budget(Phy::ieee802154);
  const std::array walls{Wall::concrete, Wall::brick};
  EXPECT_GT(usable_range_m(Phy::zwave_us, zwave, walls_loss_db(walls, 908.4)),
            usable_range_m(Phy::ieee802154, zigbee, walls_loss_db(walls, 2440)));
}

TEST(WorldRadio, NoiseFloorIsThermalNoiseOverTheBandwidthPlusTheNoiseFigure) {
  EXPECT_NEAR(thermal_noise_floor_dbm(1, 0), -174, 1e-9);
  EXPECT_NEAR(thermal_noise_floor_dbm(20e6, 0), -100.99, 0.01);
  const double wifi = phy_profile(Phy::wifi_2g4).noise_floor_dbm;
  EXPECT_GE(wifi, -95);  // Wi-Fi 20 MHz: −95..−90 dBm
  EXPECT_LE(wifi, -90);
  EXPECT_LT(phy_profile(Phy::ble_1m).noise_floor_dbm, wifi - 10);
  for (Phy phy : kAllPhys) {
    const PhyProfile& p = phy_profile(phy);
    EXPECT_NEAR(p.noise_floor_dbm, thermal_noise_floor_dbm(p.bandwidth_hz, p.noise_figure_db), 0.02)
        << to_string(phy);
  }
}

TEST(WorldRadio, PacketErrorRateFallsMonotonicallyFromOneToZeroWithSnr) {
  for (Phy phy : kAllPhys) {
    double previous = 1.0;
    for (double snr = -30; snr <= 40; snr += 0.25) {
      const double per = packet_error_rate(phy, snr);
      ASSERT_LE(per, previous) << to_string(phy) << " at " << snr;
      ASSERT_GE(per, 0.0);
      previous = per;
    }
    EXPECT_GT(packet_error_rate(phy, -20), 0.999) << to_string(phy);
    EXPECT_LT(packet_error_rate(phy, 35), 1e-6) << to_string(phy);
    EXPECT_NEAR(packet_error_rate(phy, phy_profile(phy).snr50_db), 0.5, 1e-12);
    EXPECT_NEAR(packet_error_rate(phy, snr_for_per(phy, 0.01)), 0.01, 1e-9);
  }
  // DSSS 802.15.4 works at a lower SNR than BLE's GFSK.
  EXPECT_LT(snr_for_per(Phy::ieee802154, 0.01), snr_for_per(Phy::ble_1m, 0.01));
}

TEST(WorldRadio, ReceiverSensitivitiesMatchTypicalDatasheets) {
  const auto sensitivity = [](Phy phy, double per) {
    return phy_profile(phy).noise_floor_dbm + snr_for_per(phy, per);
  };
  EXPECT_NEAR(sensitivity(Phy::ble_1m, 0.3), -96, 2.5);       // BLE 1M: BER 1e-3 at −94..−97 dBm
  EXPECT_NEAR(sensitivity(Phy::ieee802154, 0.01), -99, 2.5);  // 802.15.4: 1 % PER at −97..−101 dBm
  EXPECT_NEAR(sensitivity(Phy::zwave_us, 0.01), -95.5, 2.5);  // Z-Wave 100 kbit/s: −94..−97 dBm
  EXPECT_NEAR(sensitivity(Phy::wifi_2g4, 0.1), -88, 3);       // 802.11 low rates: −85..−91 dBm
}

TEST(WorldRadio, BluetoothUsableRangeIndoorsIsTenToThirtyFeet) {
  const LinkBudget ble = typical_link_budget(Phy::ble_1m);
  const double f = phy_profile(Phy::ble_1m).freq_mhz;
  const double door_only = usable_range_m(Phy::ble_1m, ble, wall_loss_db(Wall::wood, f));
  EXPECT_GE(door_only, 3.0);
  EXPECT_LE(door_only, 9.0);
  const std::array door_and_wall{Wall::wood, Wall::drywall};
  const double through_wall = usable_range_m(Phy::ble_1m, ble, walls_loss_db(door_and_wall, f));
  EXPECT_GE(through_wall, 3.0);
  EXPECT_LE(through_wall, 9.0);
  const double brick = usable_range_m(Phy::ble_1m, ble, wall_loss_db(Wall::brick, f));
  EXPECT_GE(brick, 3.0);
  EXPECT_LE(brick, 9.0);
  EXPECT_LT(through_wall, door_only);
  // At the usable range the link delivers 90 % of its packets, just.
  EXPECT_NEAR(packet_error_rate(Phy::ble_1m,
                                link_snr_db(Phy::ble_1m, ble, through_wall, walls_loss_db(door_and_wall, f)) -
                                    ble.fade_margin_db),
              0.1, 1e-6);
}

TEST(WorldRadio, WifiReachesFurtherThanBluetooth) {
  const double wifi = usable_range_m(Phy::wifi_2g4, typical_link_budget(Phy::wifi_2g4), 6);
  EXPECT_GT(wifi, 15);
  EXPECT_LT(wifi, 60);
  EXPECT_GT(wifi, 2 * usable_range_m(Phy::ble_1m, typical_link_budget(Phy::ble_1m), 6));
}

TEST(WorldRadio, InterferenceRiseLowersSnrDecibelForDecibel) {
  const auto budget = typical_link_budget(Phy::wifi_2g4);
  const double quiet = link_snr_db(Phy::wifi_2g4, budget, 10, 3);
  EXPECT_DOUBLE_EQ(quiet - link_snr_db(Phy::wifi_2g4, budget, 10, 3, 0, 25), 25);
  EXPECT_DOUBLE_EQ(quiet - link_snr_db(Phy::wifi_2g4, budget, 10, 3, 4, 0), 4);
  EXPECT_DOUBLE_EQ(snr_db(-70, -94, 0), 24);
}

TEST(WorldRadio, ShadowingIsSeededAndHasTheRequestedSpread) {
  Rng a(3), b(3);
  double sum2 = 0;
  constexpr int kN = 50000;
  for (int i = 0; i < kN; ++i) {
    const double s = shadowing_db(a);
    EXPECT_EQ(s, shadowing_db(b));
    sum2 += s * s;
  }
  EXPECT_NEAR(std::sqrt(sum2 / kN), kIndoorShadowingSigmaDb, 0.1);
}

TEST(WorldRadio, TransportsMapToTheirPhysicalLayers) {
  EXPECT_EQ(phy_for(core::Transport::wifi), Phy::wifi_2g4);
  EXPECT_EQ(phy_for(core::Transport::ble_bridge), Phy::ble_1m);
  EXPECT_EQ(phy_for(core::Transport::zigbee), Phy::ieee802154);
  EXPECT_EQ(phy_for(core::Transport::thread), Phy::ieee802154);
  EXPECT_EQ(phy_for(core::Transport::zwave, ZwaveRegion::eu), Phy::zwave_eu);
  EXPECT_EQ(phy_for(core::Transport::zwave), Phy::zwave_us);
  EXPECT_EQ(parse_wall("concrete"), Wall::concrete);
  EXPECT_FALSE(parse_wall("cardboard").has_value());
}

}  // namespace
}  // namespace lw::sim::world
