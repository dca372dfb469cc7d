#include "firmware/bolt.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace lw::firmware {

std::string_view to_string(BoltPhase v) noexcept {
  switch (v) {
    case BoltPhase::locked: return "locked";
    case BoltPhase::unlocked: return "unlocked";
    case BoltPhase::locking: return "locking";
    case BoltPhase::unlocking: return "unlocking";
    case BoltPhase::jammed: return "jammed";
  }
  return "unknown";
}

std::string_view to_string(BoltOutcome v) noexcept {
  switch (v) {
    case BoltOutcome::started: return "started";
    case BoltOutcome::refused_door_open: return "refused_door_open";
    case BoltOutcome::refused_door_ajar: return "refused_door_ajar";
    case BoltOutcome::refused_busy: return "refused_busy";
    case BoltOutcome::refused_unsupported: return "refused_unsupported";
  }
  return "unknown";
}

std::string_view to_string(BoltChange v) noexcept {
  switch (v) {
    case BoltChange::none: return "none";
    case BoltChange::auto_relock_started: return "auto_relock_started";
    case BoltChange::finished: return "finished";
    case BoltChange::jammed: return "jammed";
  }
  return "unknown";
}

Bolt::Bolt(BoltConfig config, BoltPhase initial, core::DoorState door, Timestamp now)
    : config_(config),
      calibration_{0, config.throw_um},
      strike_um_(config.throw_um),
      position_um_(initial == BoltPhase::locked ? config.throw_um : 0),
      phase_(initial == BoltPhase::locked ? BoltPhase::locked : BoltPhase::unlocked),
      door_(door) {
  if (phase_ == BoltPhase::unlocked) arm_relock(now);
}

BoltOutcome Bolt::request(core::LockAction action, Timestamp now) {
  if (action == core::LockAction::unlatch) return BoltOutcome::refused_unsupported;
  if (motor_running()) return BoltOutcome::refused_busy;
  if (action == core::LockAction::lock) {
    if (door_ == core::DoorState::open || door_ == core::DoorState::forced_open) {
      return BoltOutcome::refused_door_open;
    }
    if (door_ == core::DoorState::ajar) return BoltOutcome::refused_door_ajar;
    start_run(BoltPhase::locking, now, false);
  } else {
    start_run(BoltPhase::unlocking, now, false);
  }
  return BoltOutcome::started;
}

void Bolt::start_run(BoltPhase direction, Timestamp now, bool auto_relock) {
  phase_ = direction;
  run_started_ = now;
  run_from_um_ = position_um_;
  run_to_um_ = direction == BoltPhase::locking ? lock_stop_um() : calibration_.unlocked_um;
  run_is_auto_relock_ = auto_relock;
  relock_at_ = Timestamp::max();
}

std::int32_t Bolt::lock_stop_um() const {
  // The motor drives to the stored position unless the end of the strike
  // pocket stops the bolt first.
  return std::min(calibration_.locked_um, strike_um_);
}

Duration Bolt::run_time() const {
  return Duration{
      static_cast<Duration::rep>(std::llround(static_cast<double>(config_.travel.count()) * friction_))};
}

BoltChange Bolt::tick(Timestamp now) {
  if (motor_running()) {
    const Duration elapsed = now - run_started_;
    const Duration needed = run_time();
    if (binding_ || needed > config_.timeout) {
      if (elapsed < config_.timeout) {
        if (!binding_) {
          position_um_ = run_from_um_ + static_cast<std::int32_t>((run_to_um_ - run_from_um_) *
                                                                  elapsed.count() / needed.count());
        }
        return BoltChange::none;
      }
      if (!binding_) {
        position_um_ = run_from_um_ + static_cast<std::int32_t>((run_to_um_ - run_from_um_) *
                                                                config_.timeout.count() / needed.count());
      }
      phase_ = BoltPhase::jammed;
      return BoltChange::jammed;
    }
    if (elapsed < needed) {
      position_um_ = run_from_um_ + static_cast<std::int32_t>((run_to_um_ - run_from_um_) * elapsed.count() /
                                                              needed.count());
      return BoltChange::none;
    }
    position_um_ = run_to_um_;
    if (phase_ == BoltPhase::locking) {
      phase_ = BoltPhase::locked;
    } else {
      phase_ = BoltPhase::unlocked;
      arm_relock(run_started_ + needed);
    }
    return BoltChange::finished;
  }
  if (phase_ == BoltPhase::unlocked && now >= relock_at_ && door_ == core::DoorState::closed) {
    start_run(BoltPhase::locking, now, true);
    return BoltChange::auto_relock_started;
  }
  return BoltChange::none;
}

void Bolt::arm_relock(Timestamp now) {
  if (config_.auto_relock > Duration::zero() && phase_ == BoltPhase::unlocked &&
      door_ == core::DoorState::closed) {
    relock_at_ = now + config_.auto_relock;
  } else {
    relock_at_ = Timestamp::max();
  }
}

void Bolt::set_door(core::DoorState door, Timestamp now) {
  const bool was_closed = door_ == core::DoorState::closed;
  door_ = door;
  if (door != core::DoorState::closed) {
    relock_at_ = Timestamp::max();
  } else if (!was_closed) {
    arm_relock(now);
  }
}

bool Bolt::recalibrate(Timestamp /*now*/) {
  if (motor_running() || phase_ == BoltPhase::jammed || door_ != core::DoorState::closed) return false;
  calibration_.unlocked_um = 0;
  calibration_.locked_um = strike_um_;
  return true;
}

void Bolt::set_friction(double factor) { friction_ = std::max(1.0, factor); }

void Bolt::drift(double mm) {
  strike_um_ = config_.throw_um + static_cast<std::int32_t>(std::lround(mm * 1000.0));
}

core::LockState Bolt::reported_state() const {
  switch (phase_) {
    case BoltPhase::jammed: return core::LockState::jammed;
    case BoltPhase::locking:
    case BoltPhase::unlocking: return core::LockState::not_fully_locked;
    case BoltPhase::locked:
      return std::abs(position_um_ - calibration_.locked_um) <= config_.tolerance_um
                 ? core::LockState::locked
                 : core::LockState::not_fully_locked;
    case BoltPhase::unlocked:
      return std::abs(position_um_ - calibration_.unlocked_um) <= config_.tolerance_um
                 ? core::LockState::unlocked
                 : core::LockState::not_fully_locked;
  }
  return core::LockState::unknown;
}

core::LockState Bolt::real_state() const {
  if (phase_ == BoltPhase::jammed) return core::LockState::jammed;
  if (motor_running()) return core::LockState::not_fully_locked;
  if (position_um_ >= strike_um_ - config_.tolerance_um) return core::LockState::locked;
  if (position_um_ <= config_.tolerance_um) return core::LockState::unlocked;
  return core::LockState::not_fully_locked;
}

int Bolt::motor_current_ma() const {
  if (!motor_running()) return 0;
  if (binding_) return config_.stall_current_ma;
  const auto ma = static_cast<int>(std::lround(config_.running_current_ma * friction_));
  return std::min(ma, config_.stall_current_ma);
}

}  // namespace lw::firmware
