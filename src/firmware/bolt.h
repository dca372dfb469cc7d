// Bolt: the motorised deadbolt of a lock and its door position sensor.
//
// A lock or unlock command starts a motor run; the bolt travels for
// `travel` (600 ms nominal) while the motor draws current, and the run ends
// when the encoder reaches the stored end position. A bolt that binds (fault
// hook set_binding) or runs against so much friction that the run outlasts
// `timeout` (3 s) stops the motor and ends `jammed`.
//
// Calibration: the firmware stores the encoder positions of the thrown
// (locked) and retracted (unlocked) bolt and trusts them. The real position at
// which the bolt fully engages the strike can move away from the stored one
// (door sag, a moved strike plate: fault hook drift). Then the reported state
// disagrees with the real one:
//   - strike further away (drift > 0): the motor stops at the stored position,
//     the bolt is not fully thrown; reported locked, real not_fully_locked.
//   - strike closer (drift < 0): the bolt hits the end of the strike pocket
//     before the stored position; it is fully thrown, but the firmware sees it
//     short of its target; reported not_fully_locked, real locked.
// recalibrate() re-learns both positions and removes the disagreement.
// real_state() is the ground truth for a simulator; reported_state() is what
// the lock tells the hub.
//
// Door: a door that is open or ajar cannot be locked (the bolt would throw
// into the air and the door would swing shut on it). With auto_relock set, an
// unlocked bolt behind a closed door locks itself `auto_relock` after the
// later of the unlock and the door closing.
//
// Pure: no I/O and no clock; every time-dependent call takes `now`, and calls
// must come with non-decreasing `now`. No allocation.
//
// Threading: not thread-safe; owned by the lock's main loop.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/time.h"
#include "core/lock/vocabulary.h"

namespace lw::firmware {

/// Where the bolt mechanism is, as the firmware's state machine sees it.
enum class BoltPhase { locked, unlocked, locking, unlocking, jammed };

/// The answer to a lock/unlock request.
enum class BoltOutcome {
  started,             ///< the motor runs; poll tick() for the end of the run
  refused_door_open,   ///< lock refused: the door position sensor says open
  refused_door_ajar,   ///< lock refused: the door is not fully closed
  refused_busy,        ///< a motor run is already in progress
  refused_unsupported  ///< the action is not one the bolt can do (unlatch)
};

/// What tick() observed.
enum class BoltChange {
  none,
  auto_relock_started,  ///< the auto-relock timer expired and a lock run started
  finished,             ///< a motor run ended; see reported_state()
  jammed                ///< a motor run timed out; the bolt is jammed
};

std::string_view to_string(BoltPhase v) noexcept;
std::string_view to_string(BoltOutcome v) noexcept;
std::string_view to_string(BoltChange v) noexcept;

struct BoltConfig {
  Duration travel{600ms};                  ///< one full run at friction 1.0
  Duration timeout{3s};                    ///< a run still going after this is jammed
  int running_current_ma{250};             ///< motor current of a free run at friction 1.0
  int stall_current_ma{1200};              ///< motor current against a binding bolt
  Duration auto_relock{Duration::zero()};  ///< zero: off
  std::int32_t throw_um{20'000};           ///< bolt throw, retracted to fully engaged (µm)
  std::int32_t tolerance_um{1'000};        ///< an encoder within this of a target has reached it
};

/// The stored encoder positions (µm from the retracted end stop).
struct BoltCalibration {
  std::int32_t unlocked_um{0};
  std::int32_t locked_um{0};
};

class Bolt {
 public:
  /// A calibrated bolt at rest: locked or unlocked (any other `initial` is
  /// taken as unlocked), door `door` (open, closed or ajar).
  Bolt(BoltConfig config, BoltPhase initial, core::DoorState door, Timestamp now);

  /// Starts a motor run towards `action`. Locking and unlocking a bolt that is
  /// already there still runs the motor (the firmware cannot trust the
  /// encoder alone); a jammed bolt may be retried.
  BoltOutcome request(core::LockAction action, Timestamp now);

  /// Advances the motor and the auto-relock timer to `now`. Call at least
  /// every few hundred ms while a run is in progress.
  BoltChange tick(Timestamp now);

  /// The door position sensor changed. Opening the door cancels a pending
  /// auto-relock; closing it restarts the timer.
  void set_door(core::DoorState door, Timestamp now);

  /// Re-learns both end positions from the real mechanism. The bolt stays
  /// where it is; reported_state() then agrees with real_state().
  /// Returns false (and changes nothing) while the motor runs or the bolt is jammed.
  bool recalibrate(Timestamp now);
  /// Restores the factory calibration (retracted at 0, thrown at the nominal
  /// throw) without moving the bolt, as a factory reset does.
  void reset_calibration() { calibration_ = {0, config_.throw_um}; }

  // --- fault hooks ---
  /// The bolt binds: a run makes no progress, draws stall current and ends jammed.
  void set_binding(bool binding) { binding_ = binding; }
  /// Mechanical friction factor (>= 1.0): multiplies travel time and current.
  void set_friction(double factor);
  /// Moves the real full-engagement position by `mm` (door sag, moved strike
  /// plate) without changing the stored calibration.
  void drift(double mm);

  // --- state ---
  [[nodiscard]] BoltPhase phase() const { return phase_; }
  /// What the lock reports: locked, unlocked, not_fully_locked (also while
  /// moving) or jammed, judged from the encoder against the calibration.
  [[nodiscard]] core::LockState reported_state() const;
  /// Ground truth from the real bolt position (jammed while jammed).
  [[nodiscard]] core::LockState real_state() const;
  [[nodiscard]] core::DoorState door() const { return door_; }
  [[nodiscard]] bool motor_running() const {
    return phase_ == BoltPhase::locking || phase_ == BoltPhase::unlocking;
  }
  /// Motor current now, mA (0 when the motor is off).
  [[nodiscard]] int motor_current_ma() const;
  /// The bolt position, µm from the retracted end stop, as of the last call.
  [[nodiscard]] std::int32_t position_um() const { return position_um_; }
  [[nodiscard]] const BoltCalibration& calibration() const { return calibration_; }
  /// When the pending auto-relock fires; Timestamp::max() when none is pending.
  [[nodiscard]] Timestamp auto_relock_at() const { return relock_at_; }
  /// True when the last completed lock run was started by auto-relock.
  [[nodiscard]] bool last_run_was_auto_relock() const { return run_is_auto_relock_; }

 private:
  void start_run(BoltPhase direction, Timestamp now, bool auto_relock);
  void arm_relock(Timestamp now);
  /// Where the motor stops when locking: the stored target or the strike's end stop.
  [[nodiscard]] std::int32_t lock_stop_um() const;
  [[nodiscard]] Duration run_time() const;

  BoltConfig config_;
  BoltCalibration calibration_;
  std::int32_t strike_um_;  // real full-engagement position (= end of the strike pocket)
  std::int32_t position_um_;
  std::int32_t run_from_um_{0};
  std::int32_t run_to_um_{0};
  BoltPhase phase_;
  core::DoorState door_;
  Timestamp run_started_{};
  Timestamp relock_at_{Timestamp::max()};
  double friction_{1.0};
  bool binding_{false};
  bool run_is_auto_relock_{false};
};

}  // namespace lw::firmware
