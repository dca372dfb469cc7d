#include "firmware/bolt.h"

#include <gtest/gtest.h>

#include <utility>

namespace lw::firmware {
namespace {

using core::DoorState;
using core::LockAction;
using core::LockState;

constexpr Timestamp kT0 = from_epoch_ms(1'700'000'000'000);

/// Runs tick() every 50 ms from `from` until the run ends or `limit` passes;
/// returns the change that ended it (none when it did not end) and the time.
std::pair<BoltChange, Timestamp> run_until_done(Bolt& bolt, Timestamp from, Duration limit = 10s) {
  for (Timestamp t = from; t <= from + limit; t += 50ms) {
    const BoltChange change = bolt.tick(t);
    if (change == BoltChange::finished || change == BoltChange::jammed) return {change, t};
  }
  return {BoltChange::none, from + limit};
}

TEST(BoltTest, LockRunTakesTheTravelTimeAndDrawsCurrent) {
  Bolt bolt({}, BoltPhase::unlocked, DoorState::closed, kT0);
  ASSERT_EQ(bolt.request(LockAction::lock, kT0), BoltOutcome::started);
  EXPECT_EQ(bolt.reported_state(), LockState::not_fully_locked);
  EXPECT_EQ(bolt.motor_current_ma(), 250);
  EXPECT_EQ(bolt.tick(kT0 + 599ms), BoltChange::none);
  EXPECT_EQ(bolt.tick(kT0 + 600ms), BoltChange::finished);
  EXPECT_EQ(bolt.reported_state(), LockState::locked);
  EXPECT_EQ(bolt.real_state(), LockState::locked);
  EXPECT_EQ(bolt.motor_current_ma(), 0);
}

TEST(BoltTest, BindingBoltDrawsStallCurrentAndReportsJammedAfterTheTimeout) {
  Bolt bolt({}, BoltPhase::unlocked, DoorState::closed, kT0);
  bolt.set_binding(true);
  ASSERT_EQ(bolt.request(LockAction::lock, kT0), BoltOutcome::started);
  EXPECT_EQ(bolt.motor_current_ma(), 1200);
  EXPECT_EQ(bolt.tick(kT0 + 2999ms), BoltChange::none);
  EXPECT_EQ(bolt.tick(kT0 + 3s), BoltChange::jammed);
  EXPECT_EQ(bolt.phase(), BoltPhase::jammed);
  EXPECT_EQ(bolt.reported_state(), LockState::jammed);
  EXPECT_EQ(bolt.motor_current_ma(), 0);
}

TEST(BoltTest, JammedBoltCanBeRetriedOnceTheBindingIsGone) {
  Bolt bolt({}, BoltPhase::unlocked, DoorState::closed, kT0);
  bolt.set_binding(true);
  ASSERT_EQ(bolt.request(LockAction::lock, kT0), BoltOutcome::started);
  ASSERT_EQ(run_until_done(bolt, kT0).first, BoltChange::jammed);
  bolt.set_binding(false);
  ASSERT_EQ(bolt.request(LockAction::lock, kT0 + 5s), BoltOutcome::started);
  EXPECT_EQ(run_until_done(bolt, kT0 + 5s).first, BoltChange::finished);
  EXPECT_EQ(bolt.reported_state(), LockState::locked);
}

TEST(BoltTest, FrictionSlowsTheRunAndRaisesCurrent) {
  Bolt bolt({}, BoltPhase::unlocked, DoorState::closed, kT0);
  bolt.set_friction(2.0);
  ASSERT_EQ(bolt.request(LockAction::lock, kT0), BoltOutcome::started);
  EXPECT_EQ(bolt.motor_current_ma(), 500);
  EXPECT_EQ(bolt.tick(kT0 + 1199ms), BoltChange::none);
  EXPECT_EQ(bolt.tick(kT0 + 1200ms), BoltChange::finished);
}

TEST(BoltTest, FrictionBeyondTheTimeoutJamsTheBoltPartWay) {
  Bolt bolt({}, BoltPhase::unlocked, DoorState::closed, kT0);
  bolt.set_friction(6.0);  // 3.6 s of travel
  ASSERT_EQ(bolt.request(LockAction::lock, kT0), BoltOutcome::started);
  EXPECT_EQ(bolt.tick(kT0 + 3s), BoltChange::jammed);
  EXPECT_GT(bolt.position_um(), 0);
  EXPECT_LT(bolt.position_um(), 20'000);
}

TEST(BoltTest, OpenOrAjarDoorRefusesLockButAllowsUnlock) {
  Bolt bolt({}, BoltPhase::unlocked, DoorState::open, kT0);
  EXPECT_EQ(bolt.request(LockAction::lock, kT0), BoltOutcome::refused_door_open);
  EXPECT_FALSE(bolt.motor_running());
  bolt.set_door(DoorState::ajar, kT0);
  EXPECT_EQ(bolt.request(LockAction::lock, kT0), BoltOutcome::refused_door_ajar);
  EXPECT_EQ(bolt.reported_state(), LockState::unlocked);
  EXPECT_EQ(bolt.request(LockAction::unlock, kT0), BoltOutcome::started);
}

TEST(BoltTest, SecondRequestDuringARunIsRefusedAsBusy) {
  Bolt bolt({}, BoltPhase::locked, DoorState::closed, kT0);
  ASSERT_EQ(bolt.request(LockAction::unlock, kT0), BoltOutcome::started);
  EXPECT_EQ(bolt.request(LockAction::lock, kT0 + 100ms), BoltOutcome::refused_busy);
  EXPECT_EQ(bolt.request(LockAction::unlatch, kT0 + 100ms), BoltOutcome::refused_unsupported);
}

TEST(BoltTest, AutoRelockLocksAfterTheDelayOnceTheDoorIsClosed) {
  BoltConfig config;
  config.auto_relock = 30s;
  Bolt bolt(config, BoltPhase::locked, DoorState::closed, kT0);
  ASSERT_EQ(bolt.request(LockAction::unlock, kT0), BoltOutcome::started);
  ASSERT_EQ(bolt.tick(kT0 + 600ms), BoltChange::finished);
  // Someone opens the door and closes it 10 s later: the delay restarts then.
  bolt.set_door(DoorState::open, kT0 + 2s);
  EXPECT_EQ(bolt.tick(kT0 + 40s), BoltChange::none);
  bolt.set_door(DoorState::closed, kT0 + 41s);
  EXPECT_EQ(bolt.tick(kT0 + 70s), BoltChange::none);
  EXPECT_EQ(bolt.tick(kT0 + 71s), BoltChange::auto_relock_started);
  EXPECT_EQ(bolt.tick(kT0 + 71s + 600ms), BoltChange::finished);
  EXPECT_TRUE(bolt.last_run_was_auto_relock());
  EXPECT_EQ(bolt.reported_state(), LockState::locked);
}

TEST(BoltTest, NoAutoRelockWhenItIsOff) {
  Bolt bolt({}, BoltPhase::locked, DoorState::closed, kT0);
  ASSERT_EQ(bolt.request(LockAction::unlock, kT0), BoltOutcome::started);
  ASSERT_EQ(bolt.tick(kT0 + 600ms), BoltChange::finished);
  EXPECT_EQ(bolt.tick(kT0 + 1h), BoltChange::none);
  EXPECT_EQ(bolt.reported_state(), LockState::unlocked);
}

TEST(BoltTest, StrikeDriftedAwayMakesTheLockReportLockedWhileTheBoltIsNotFullyThrown) {
  Bolt bolt({}, BoltPhase::unlocked, DoorState::closed, kT0);
  bolt.drift(3.0);
  ASSERT_EQ(bolt.request(LockAction::lock, kT0), BoltOutcome::started);
  ASSERT_EQ(run_until_done(bolt, kT0).first, BoltChange::finished);
  EXPECT_EQ(bolt.reported_state(), LockState::locked);
  EXPECT_EQ(bolt.real_state(), LockState::not_fully_locked);

  ASSERT_TRUE(bolt.recalibrate(kT0 + 1s));
  EXPECT_EQ(bolt.reported_state(), bolt.real_state());
  ASSERT_EQ(bolt.request(LockAction::lock, kT0 + 2s), BoltOutcome::started);
  ASSERT_EQ(run_until_done(bolt, kT0 + 2s).first, BoltChange::finished);
  EXPECT_EQ(bolt.reported_state(), LockState::locked);
  EXPECT_EQ(bolt.real_state(), LockState::locked);
}

TEST(BoltTest, StrikeDriftedCloserMakesAFullThrowReportNotFullyLockedUntilRecalibrated) {
  Bolt bolt({}, BoltPhase::unlocked, DoorState::closed, kT0);
  bolt.drift(-3.0);
  ASSERT_EQ(bolt.request(LockAction::lock, kT0), BoltOutcome::started);
  ASSERT_EQ(run_until_done(bolt, kT0).first, BoltChange::finished);
  EXPECT_EQ(bolt.reported_state(), LockState::not_fully_locked);
  EXPECT_EQ(bolt.real_state(), LockState::locked);

  ASSERT_TRUE(bolt.recalibrate(kT0 + 1s));
  EXPECT_EQ(bolt.reported_state(), LockState::locked);
  EXPECT_EQ(bolt.real_state(), LockState::locked);
  EXPECT_EQ(bolt.calibration().locked_um, 17'000);
}

TEST(BoltTest, DriftWithinToleranceChangesNothing) {
  Bolt bolt({}, BoltPhase::unlocked, DoorState::closed, kT0);
  bolt.drift(0.5);
  ASSERT_EQ(bolt.request(LockAction::lock, kT0), BoltOutcome::started);
  ASSERT_EQ(run_until_done(bolt, kT0).first, BoltChange::finished);
  EXPECT_EQ(bolt.reported_state(), LockState::locked);
  EXPECT_EQ(bolt.real_state(), LockState::locked);
}

TEST(BoltTest, RecalibrationIsRefusedWhileMovingJammedOrWithTheDoorOpen) {
  Bolt bolt({}, BoltPhase::unlocked, DoorState::closed, kT0);
  bolt.drift(3.0);
  ASSERT_EQ(bolt.request(LockAction::lock, kT0), BoltOutcome::started);
  EXPECT_FALSE(bolt.recalibrate(kT0 + 100ms));
  bolt.set_binding(true);
  ASSERT_EQ(run_until_done(bolt, kT0).first, BoltChange::jammed);
  EXPECT_FALSE(bolt.recalibrate(kT0 + 4s));
  bolt.set_binding(false);
  ASSERT_EQ(bolt.request(LockAction::unlock, kT0 + 5s), BoltOutcome::started);
  ASSERT_EQ(run_until_done(bolt, kT0 + 5s).first, BoltChange::finished);
  bolt.set_door(DoorState::open, kT0 + 6s);
  EXPECT_FALSE(bolt.recalibrate(kT0 + 6s));
  EXPECT_EQ(bolt.calibration().locked_um, 20'000);
}

}  // namespace
}  // namespace lw::firmware
