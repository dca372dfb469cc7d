// Checks the physical models against published figures.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "sim/physics/battery.h"
#include "sim/physics/radio.h"
#include "sim/physics/rng.h"

namespace lw::sim::physics {
namespace {

/// mAh one cell gives at a constant `ma` before its loaded voltage reaches 1.0 V.
double capacity_to_1v(Chemistry c, double ma, double temp_c = 20) {
  BatteryPack cell(c, 1, 7);
  const Duration step = std::chrono::minutes(1);
  while (cell.voltage_mv(ma, temp_c) > 1000 && cell.delivered_mah() < 10'000) cell.draw(ma, step);
  return cell.delivered_mah();
}

TEST(Battery, AlkalineAaGivesRoughly2000To2800MahAtLightLoad) {
  const double mah = capacity_to_1v(Chemistry::alkaline, 50);
  EXPECT_GT(mah, 2000);
  EXPECT_LT(mah, 2800);
}

TEST(Battery, AlkalineGivesFarLessToAOneAmpLoad) {
  EXPECT_LT(capacity_to_1v(Chemistry::alkaline, 1000), 0.6 * capacity_to_1v(Chemistry::alkaline, 50));
  // Lithium barely minds.
  EXPECT_GT(capacity_to_1v(Chemistry::lithium, 1000), 0.8 * capacity_to_1v(Chemistry::lithium, 50));
}

TEST(Battery, AlkalineVoltageFallsSteadilyTowardOneVolt) {
  BatteryPack cell(Chemistry::alkaline, 1, 1);
  int previous = cell.open_circuit_mv();
  EXPECT_GT(previous, 1500);
  for (double soc = 0.9; soc > 0.05; soc -= 0.1) {
    cell.set_state_of_charge(soc);
    EXPECT_LT(cell.open_circuit_mv(), previous - 20) << soc;
    previous = cell.open_circuit_mv();
  }
  cell.set_state_of_charge(0.02);
  EXPECT_LT(cell.open_circuit_mv(), 1100);
}

TEST(Battery, LithiumHoldsNearFlatThenCollapses) {
  BatteryPack cell(Chemistry::lithium, 1, 1);
  cell.set_state_of_charge(0.85);
  const int high = cell.open_circuit_mv();
  cell.set_state_of_charge(0.10);
  const int low = cell.open_circuit_mv();
  EXPECT_LT(high - low, 150);
  cell.set_state_of_charge(0.01);
  EXPECT_LT(cell.open_circuit_mv(), low - 300);
  // The naive gauge says "nearly full" until close to the end.
  cell.set_state_of_charge(0.15);
  EXPECT_GT(cell.percent_reported(10, 20), 80);
}

TEST(Battery, NimhSitsNear1200Millivolts) {
  BatteryPack cell(Chemistry::nimh, 1, 1);
  cell.set_state_of_charge(0.5);
  EXPECT_NEAR(cell.open_circuit_mv(), 1220, 40);
}

TEST(Battery, ColdAndAMotorRunSagTheVoltage) {
  BatteryPack pack(Chemistry::alkaline, 4, 3);
  pack.set_state_of_charge(0.3);
  const int warm = pack.voltage_mv(1500, 20);
  const int cold = pack.voltage_mv(1500, -10);
  EXPECT_LT(warm, pack.open_circuit_mv() - 300);
  EXPECT_LT(cold, warm - 500);
}

TEST(Battery, CellsDifferBySeedAndTheWeakestEndsThePack) {
  BatteryPack a(Chemistry::alkaline, 4, 1);
  BatteryPack b(Chemistry::alkaline, 4, 1);
  BatteryPack c(Chemistry::alkaline, 4, 2);
  a.draw(100, std::chrono::hours(10));
  b.draw(100, std::chrono::hours(10));
  c.draw(100, std::chrono::hours(10));
  EXPECT_EQ(a.open_circuit_mv(), b.open_circuit_mv());
  EXPECT_DOUBLE_EQ(a.state_of_charge(), b.state_of_charge());
  EXPECT_NE(a.state_of_charge(), c.state_of_charge());
}

TEST(Battery, SelfDischargeFollowsTheChemistry) {
  BatteryPack alkaline(Chemistry::alkaline, 1, 1);
  BatteryPack nimh(Chemistry::nimh, 1, 1);
  alkaline.self_discharge(std::chrono::hours(24 * 365));
  nimh.self_discharge(std::chrono::hours(24 * 365));
  EXPECT_NEAR(alkaline.state_of_charge(), 0.975, 0.01);
  EXPECT_NEAR(nimh.state_of_charge(), 0.80, 0.02);
}

TEST(Radio, FreeSpaceLossGrows20DbPerDecade) {
  EXPECT_NEAR(free_space_path_loss_db(1, 2400), 40.0, 0.2);
  EXPECT_NEAR(free_space_path_loss_db(10, 2400) - free_space_path_loss_db(1, 2400), 20.0, 1e-9);
  EXPECT_NEAR(free_space_path_loss_db(100, 2400) - free_space_path_loss_db(10, 2400), 20.0, 1e-9);
}

TEST(Radio, WallsAddTheirLoss) {
  const RadioProfile& wifi = profile(core::Transport::wifi);
  const std::array<Wall, 2> walls{Wall::brick, Wall::concrete};
  EXPECT_NEAR(rssi_dbm(wifi, 8, {}) - rssi_dbm(wifi, 8, walls), 20.0, 1e-9);
  // Sub-GHz Z-Wave goes through walls more easily.
  EXPECT_LT(walls_loss_db(profile(core::Transport::zwave), walls), 20.0);
}

TEST(Radio, PacketLossFallsWithSnr) {
  const RadioProfile& wifi = profile(core::Transport::wifi);
  double previous = 1.0;
  for (double snr = -10; snr <= 40; snr += 1) {
    const double per = packet_error_rate(wifi, snr);
    EXPECT_LE(per, previous);
    previous = per;
  }
  EXPECT_GT(packet_error_rate(wifi, -10), 0.99);
  EXPECT_LT(packet_error_rate(wifi, 30), 1e-5);
}

TEST(Radio, BluetoothReachesTenToThirtyFeetIndoors) {
  const RadioProfile& ble = profile(core::Transport::ble_bridge);
  const std::array<Wall, 1> door{Wall::wood};
  auto usable = [&](double d) {
    return packet_error_rate(ble, rssi_dbm(ble, d, door) - ble.noise_floor_dbm) < 0.5;
  };
  double range = 0;
  for (double d = 0.5; d < 50 && usable(d); d += 0.1) range = d;
  EXPECT_GT(range, 3.0);  // 10 ft
  EXPECT_LT(range, 9.2);  // 30 ft
}

TEST(Radio, MeshDeliveryIsTheProductOfHops) {
  const std::array<double, 3> hops{0.1, 0.2, 0.0};
  EXPECT_NEAR(route_delivery(hops), 0.9 * 0.8, 1e-12);
}

TEST(Rng, SameSeedSameNumbers) {
  Rng a(42);
  Rng b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
  Rng c(1);
  double sum = 0;
  for (int i = 0; i < 10'000; ++i) sum += c.uniform();
  EXPECT_NEAR(sum / 10'000, 0.5, 0.02);
}

}  // namespace
}  // namespace lw::sim::physics
