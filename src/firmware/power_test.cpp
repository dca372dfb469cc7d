#include "firmware/power.h"

#include <gtest/gtest.h>

namespace lw::firmware {
namespace {

constexpr Timestamp kT0 = from_epoch_ms(1'700'000'000'000);

TEST(PowerSupervisorTest, FreshPackIsNormalAndBootedOnPowerOn) {
  PowerSupervisor power({}, 6000, kT0);
  EXPECT_EQ(power.level(), PowerLevel::normal);
  EXPECT_EQ(power.boot_reason(), core::BootReason::power_on);
  EXPECT_EQ(power.reboot_count(), 0);
}

TEST(PowerSupervisorTest, LevelsFallAtTheirThresholdsAndRecoverOnlyPastTheHysteresis) {
  PowerSupervisor power({}, 5000, kT0);
  EXPECT_EQ(power.update(4799, kT0 + 1h), PowerLevel::low);
  // Wandering just above the threshold does not flap back to normal.
  EXPECT_EQ(power.update(4850, kT0 + 2h), PowerLevel::low);
  EXPECT_EQ(power.update(4790, kT0 + 3h), PowerLevel::low);
  EXPECT_EQ(power.update(4499, kT0 + 4h), PowerLevel::critical);
  EXPECT_EQ(power.update(4550, kT0 + 5h), PowerLevel::critical);
  EXPECT_EQ(power.update(4600, kT0 + 6h), PowerLevel::low);
  EXPECT_EQ(power.update(4900, kT0 + 7h), PowerLevel::normal);  // a fresh pack
}

TEST(PowerSupervisorTest, MotorRunIsRefusedWhenThePredictedVoltageIsBelowTheCutoff) {
  PowerSupervisor power({}, 4700, kT0);
  // 4700 mV − (1205 − 5) mA × 0.6 Ω = 3980 mV < 4300 mV cut-off.
  const MotorDecision stalled = power.check_motor_run(4700, 1205);
  EXPECT_EQ(stalled.permit, MotorPermit::refused_low_battery);
  EXPECT_EQ(stalled.predicted_mv, 3980);
  // 4700 − 245 × 0.6 = 4553 mV: allowed.
  const MotorDecision free_run = power.check_motor_run(4700, 250);
  EXPECT_EQ(free_run.permit, MotorPermit::allowed);
  EXPECT_EQ(free_run.predicted_mv, 4553);
}

TEST(PowerSupervisorTest, SameMotorRunIsAllowedOnAFullPack) {
  PowerSupervisor power({}, 6000, kT0);
  EXPECT_EQ(power.check_motor_run(6000, 1205).permit, MotorPermit::allowed);
}

TEST(PowerSupervisorTest, BrownOutUnderMotorLoadRecordsTheBootReasonAndCountsTheReboot) {
  PowerSupervisor power({}, 4600, kT0);
  EXPECT_EQ(power.observe_load(Load::motor, 3850, kT0 + 1s), LoadOutcome::browned_out);
  EXPECT_EQ(power.boot_reason(), core::BootReason::brown_out);
  EXPECT_EQ(power.reboot_count(), 1);
  EXPECT_EQ(power.brownout_count(), 1);
  EXPECT_EQ(power.booted_at(), kT0 + 1s);
  EXPECT_EQ(power.last_brownout_load(), Load::motor);
}

TEST(PowerSupervisorTest, RadioBurstAboveTheThresholdIsSurvivedAndBelowItResets) {
  PowerSupervisor power({}, 4600, kT0);
  EXPECT_EQ(power.observe_load(Load::radio_burst, 3900, kT0 + 1s), LoadOutcome::survived);
  EXPECT_EQ(power.reboot_count(), 0);
  EXPECT_EQ(power.boot_reason(), core::BootReason::power_on);
  EXPECT_EQ(power.observe_load(Load::radio_burst, 3899, kT0 + 2s), LoadOutcome::browned_out);
  EXPECT_EQ(power.last_brownout_load(), Load::radio_burst);
  EXPECT_EQ(power.reboot_count(), 1);
}

TEST(PowerSupervisorTest, LaterBootReplacesTheReasonAndKeepsCounting) {
  PowerSupervisor power({}, 4600, kT0);
  ASSERT_EQ(power.observe_load(Load::motor, 3000, kT0 + 1s), LoadOutcome::browned_out);
  power.record_boot(core::BootReason::power_on, kT0 + 1h);  // batteries swapped
  EXPECT_EQ(power.boot_reason(), core::BootReason::power_on);
  EXPECT_EQ(power.reboot_count(), 2);
  EXPECT_EQ(power.brownout_count(), 1);
}

}  // namespace
}  // namespace lw::firmware
