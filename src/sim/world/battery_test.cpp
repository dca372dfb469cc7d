#include "sim/world/battery.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace lw::sim::world {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

BatteryPack make_pack(Chemistry c, int cells = 1, std::uint64_t seed = 1, double spread = 0.0) {
  Rng rng(seed);
  return BatteryPack(BatterySpec{c, cells, true, spread}, rng);
}

/// Charge a pack delivers at a constant current until its loaded voltage falls
/// below `cutoff_mv_per_cell` per cell, simulated in one-minute steps.
double run_down_mah(BatteryPack& pack, double current_ma, double cutoff_mv_per_cell, double temp_c = 20) {
  const double cutoff = cutoff_mv_per_cell * pack.cells();
  for (int step = 0; step < 1'000'000 && !pack.depleted(cutoff, current_ma, temp_c); ++step) {
    pack.draw(current_ma, minutes(1));
  }
  return pack.delivered_mah();
}

/// Open-circuit voltage of one cell at `depth` of its capacity, read through a pack.
double cell_mv_at_depth(Chemistry c, double depth) {
  BatteryPack pack = make_pack(c);
  pack.set_state_of_charge(1.0 - depth);
  return pack.open_circuit_mv();
}

TEST(WorldBattery, AlkalineAaGivesAbout2500MahAtLightLoadDownToOneVolt) {
  BatteryPack at_25ma = make_pack(Chemistry::alkaline);
  const double light = run_down_mah(at_25ma, 25, 1000);
  EXPECT_GE(light, 2000);
  EXPECT_LE(light, 2800);
  BatteryPack at_100ma = make_pack(Chemistry::alkaline);
  const double moderate = run_down_mah(at_100ma, 100, 1000);
  EXPECT_GE(moderate, 1800);
  EXPECT_LE(moderate, 2800);
  EXPECT_LT(moderate, light);
}

TEST(WorldBattery, FourAlkalineCellsInSeriesLastAsLongAsTheWeakestCell) {
  BatteryPack pack = make_pack(Chemistry::alkaline, 4, 3, 0.03);
  const double delivered = run_down_mah(pack, 25, 1000);
  EXPECT_GE(delivered, 2000);
  EXPECT_LE(delivered, 2800);
  int weakest = 0;
  for (int i = 1; i < 4; ++i) {
    if (pack.cell_capacity_mah(i) < pack.cell_capacity_mah(weakest)) weakest = i;
  }
  for (int i = 0; i < 4; ++i) {
    if (i != weakest) {
      EXPECT_GT(pack.cell_remaining_mah(i), pack.cell_remaining_mah(weakest));
    }
  }
  EXPECT_DOUBLE_EQ(pack.state_of_charge(),
                   pack.cell_remaining_mah(weakest) / pack.cell_capacity_mah(weakest));
}

TEST(WorldBattery, AlkalineGivesLessThanHalfItsCapacityAtOneAmpButLithiumKeepsMostOfIt) {
  BatteryPack alkaline_light = make_pack(Chemistry::alkaline);
  BatteryPack alkaline_heavy = make_pack(Chemistry::alkaline);
  const double alkaline_ratio =
      run_down_mah(alkaline_heavy, 1000, 1000) / run_down_mah(alkaline_light, 25, 1000);
  EXPECT_LT(alkaline_ratio, 0.5);
  EXPECT_GT(alkaline_ratio, 0.15);

  BatteryPack lithium_light = make_pack(Chemistry::lithium);
  BatteryPack lithium_heavy = make_pack(Chemistry::lithium);
  const double lithium_light_mah = run_down_mah(lithium_light, 25, 1000);
  EXPECT_GE(lithium_light_mah, 3000);
  EXPECT_LE(lithium_light_mah, 3500);
  EXPECT_GT(run_down_mah(lithium_heavy, 1000, 1000) / lithium_light_mah, 0.8);
}

TEST(WorldBattery, SimulatedRunDownAgreesWithTheClosedFormCapacity) {
  for (Chemistry c : {Chemistry::alkaline, Chemistry::lithium, Chemistry::nimh}) {
    for (double ma : {25.0, 250.0, 1000.0}) {
      BatteryPack pack = make_pack(c);
      EXPECT_NEAR(run_down_mah(pack, ma, 1000), cell_capacity_to_cutoff_mah(c, ma, 20, 1000), 20)
          << to_string(c) << " at " << ma << " mA";
    }
  }
}

TEST(WorldBattery, LithiumHoldsANearFlatVoltageThenCollapses) {
  const double at_10 = cell_mv_at_depth(Chemistry::lithium, 0.10);
  const double at_85 = cell_mv_at_depth(Chemistry::lithium, 0.85);
  EXPECT_LT(at_10 - at_85, 150);
  EXPECT_GE(at_85, 1400);
  EXPECT_GE(cell_mv_at_depth(Chemistry::lithium, 0.0), 1700);  // ~1.8 V fresh
  EXPECT_GT(at_85 - cell_mv_at_depth(Chemistry::lithium, 1.0), 400);
  EXPECT_LT(cell_mv_at_depth(Chemistry::lithium, 0.99), 1200);
}

TEST(WorldBattery, NimhSitsFlatNearOnePointTwoVolts) {
  for (double depth = 0.2; depth <= 0.8 + 1e-9; depth += 0.1) {
    const double mv = cell_mv_at_depth(Chemistry::nimh, depth);
    EXPECT_GE(mv, 1180) << depth;
    EXPECT_LE(mv, 1280) << depth;
  }
  EXPECT_LT(cell_mv_at_depth(Chemistry::nimh, 1.0), 1000);
}

TEST(WorldBattery, AlkalineVoltageFallsSteadilyFromFreshToEmpty) {
  EXPECT_GE(cell_mv_at_depth(Chemistry::alkaline, 0.0), 1550);
  EXPECT_LE(cell_mv_at_depth(Chemistry::alkaline, 0.0), 1650);
  for (int tenth = 1; tenth <= 9; ++tenth) {
    const double before = cell_mv_at_depth(Chemistry::alkaline, (tenth - 1) / 10.0);
    const double after = cell_mv_at_depth(Chemistry::alkaline, tenth / 10.0);
    EXPECT_GE(before - after, 20) << "no plateau between " << tenth - 1 << "0 % and " << tenth << "0 %";
  }
  EXPECT_GT(cell_mv_at_depth(Chemistry::alkaline, 0.1) - cell_mv_at_depth(Chemistry::alkaline, 0.9), 300);
}

TEST(WorldBattery, ColdRaisesInternalResistanceAlkalineMostOfAll) {
  for (Chemistry c : {Chemistry::alkaline, Chemistry::lithium, Chemistry::nimh}) {
    EXPECT_GT(cell_resistance_ohm(c, 0.5, 0, 100), 1.2 * cell_resistance_ohm(c, 0.5, 20, 100))
        << to_string(c);
  }
  const double alkaline_ratio = cell_resistance_ohm(Chemistry::alkaline, 0.5, -20, 100) /
                                cell_resistance_ohm(Chemistry::alkaline, 0.5, 20, 100);
  const double lithium_ratio = cell_resistance_ohm(Chemistry::lithium, 0.5, -20, 100) /
                               cell_resistance_ohm(Chemistry::lithium, 0.5, 20, 100);
  EXPECT_GE(alkaline_ratio, 3.0);
  EXPECT_LT(lithium_ratio, 2.5);
  // A fresh 4×AA alkaline pack sags further under a 1.5 A motor in the cold.
  BatteryPack pack = make_pack(Chemistry::alkaline, 4);
  EXPECT_LT(pack.voltage_mv(1500, -20), pack.voltage_mv(1500, 20) - 1000);
}

TEST(WorldBattery, InternalResistanceGrowsAsTheCellEmpties) {
  EXPECT_GT(cell_resistance_ohm(Chemistry::alkaline, 0.9, 20, 0),
            2 * cell_resistance_ohm(Chemistry::alkaline, 0.0, 20, 0));
  EXPECT_NEAR(cell_resistance_ohm(Chemistry::alkaline, 0.0, 20, 0), 0.15, 0.05);  // E91: 150–300 mΩ
  EXPECT_NEAR(cell_resistance_ohm(Chemistry::nimh, 0.0, 20, 0), 0.03, 0.015);
}

TEST(WorldBattery, AHalfUsedAlkalinePackStillIdlesButStallsTheMotor) {
  BatteryPack pack = make_pack(Chemistry::alkaline, 4);
  pack.set_state_of_charge(0.3);
  EXPECT_FALSE(pack.depleted(4000, 0.1));
  EXPECT_TRUE(pack.depleted(4000, 1500));
}

TEST(WorldBattery, SameSeedGivesTheSameCellSpreadWithinThreePercent) {
  const BatteryPack a = make_pack(Chemistry::alkaline, 4, 77, 0.03);
  const BatteryPack b = make_pack(Chemistry::alkaline, 4, 77, 0.03);
  const BatteryPack c = make_pack(Chemistry::alkaline, 4, 78, 0.03);
  bool any_difference = false;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(a.cell_capacity_mah(i), b.cell_capacity_mah(i));
    EXPECT_GE(a.cell_capacity_mah(i), 2700 * 0.97);
    EXPECT_LE(a.cell_capacity_mah(i), 2700 * 1.03);
    any_difference |= a.cell_capacity_mah(i) != c.cell_capacity_mah(i);
  }
  EXPECT_TRUE(any_difference);
  EXPECT_NE(a.cell_capacity_mah(0), a.cell_capacity_mah(1));
}

TEST(WorldBattery, SelfDischargeMatchesPublishedShelfLosses) {
  const auto lost_fraction = [](Chemistry c, bool lsd, Duration d, double temp_c) {
    Rng rng(1);
    BatteryPack pack(BatterySpec{c, 1, lsd, 0.0}, rng);
    pack.self_discharge(d, temp_c);
    return 1.0 - pack.state_of_charge();
  };
  const auto year = std::chrono::duration_cast<Duration>(std::chrono::years(1));
  const auto month = std::chrono::duration_cast<Duration>(std::chrono::days(30));
  const double alkaline = lost_fraction(Chemistry::alkaline, true, year, 20);
  EXPECT_GE(alkaline, 0.02);  // alkaline: 2–3 % a year
  EXPECT_LE(alkaline, 0.03);
  EXPECT_NEAR(lost_fraction(Chemistry::lithium, true, year, 20), 0.01, 0.003);  // Li-FeS2: ~1 % a year
  const double lsd = lost_fraction(Chemistry::nimh, true, year, 20);
  EXPECT_GE(lsd, 0.05);  // low-self-discharge NiMH: ~10 % in the first year
  EXPECT_LE(lsd, 0.15);
  const double standard = lost_fraction(Chemistry::nimh, false, month, 20);
  EXPECT_GE(standard, 0.15);  // standard NiMH: 15–30 % a month
  EXPECT_LE(standard, 0.30);
  // Warmth speeds it up: about double per +10 °C.
  EXPECT_NEAR(lost_fraction(Chemistry::alkaline, true, year, 30) / alkaline, 2.0, 0.1);
}

TEST(WorldBattery, NaiveGaugeMisreadsLithiumAndNimh) {
  BatteryPack alkaline = make_pack(Chemistry::alkaline, 4);
  EXPECT_EQ(alkaline.percent_reported(), 100);
  alkaline.set_state_of_charge(0.5);
  EXPECT_GE(alkaline.percent_reported(), 35);
  EXPECT_LE(alkaline.percent_reported(), 65);

  BatteryPack lithium = make_pack(Chemistry::lithium, 4);
  lithium.set_state_of_charge(0.2);  // 80 % used, gauge still says nearly full
  EXPECT_GE(lithium.percent_reported(), 90);
  lithium.set_state_of_charge(0.01);
  EXPECT_LE(lithium.percent_reported(), 10);

  BatteryPack nimh = make_pack(Chemistry::nimh, 4);
  nimh.set_state_of_charge(0.8);
  EXPECT_LT(nimh.percent_reported(), 50);
}

TEST(WorldBattery, ReplaceFitsFreshCellsAndCanChangeChemistry) {
  BatteryPack pack = make_pack(Chemistry::alkaline, 4);
  pack.draw(1000, hours(1));
  EXPECT_GT(pack.delivered_mah(), 999);
  EXPECT_LT(pack.state_of_charge(), 1.0);
  Rng rng(5);
  pack.replace(rng, Chemistry::lithium);
  EXPECT_EQ(pack.chemistry(), Chemistry::lithium);
  EXPECT_DOUBLE_EQ(pack.state_of_charge(), 1.0);
  EXPECT_EQ(pack.delivered_mah(), 0.0);
  EXPECT_GT(pack.open_circuit_mv(), 4 * 1700);
}

TEST(WorldBattery, DrawIgnoresNegativeInputsAndNeverGoesBelowEmpty) {
  BatteryPack pack = make_pack(Chemistry::nimh);
  pack.draw(-5, hours(1));
  pack.draw(5, -hours(1));
  EXPECT_DOUBLE_EQ(pack.state_of_charge(), 1.0);
  pack.consume_mah(10'000);
  EXPECT_EQ(pack.state_of_charge(), 0.0);
  EXPECT_TRUE(pack.depleted(0, 0));
  EXPECT_GE(pack.voltage_mv(10'000, -40), 0.0);
}

TEST(WorldBattery, ChemistryNamesRoundTrip) {
  for (Chemistry c : {Chemistry::alkaline, Chemistry::lithium, Chemistry::nimh}) {
    EXPECT_EQ(parse_chemistry(to_string(c)), c);
  }
  EXPECT_FALSE(parse_chemistry("lead_acid").has_value());
}

}  // namespace
}  // namespace lw::sim::world
