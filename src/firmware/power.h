// PowerSupervisor: the lock's view of its battery pack. The host (the
// simulator's battery model, or an ADC driver) supplies the pack voltage in
// millivolts as measured under the load at that moment; the supervisor
//   - classifies it as normal / low / critical, with hysteresis so a voltage
//     wandering around a threshold does not flap the level;
//   - decides whether a motor run may start: it predicts the voltage under
//     motor load from the pack's internal resistance and refuses the run when
//     that prediction is below the motor cut-off (a run that would brown the
//     controller out half-way leaves the bolt neither locked nor unlocked);
//   - notices a brown-out: when the voltage measured during a motor run or a
//     radio burst sags below the brown-out threshold the controller resets.
//     It records the boot reason (core::BootReason::brown_out) and counts the
//     reboot, so telemetry can tell a flat battery from a crash.
//
// Boot reason and reboot count live in memory that survives a reset (RTC RAM
// or flash) in real firmware; here they are members.
//
// Pure: no I/O and no clock; every time-dependent call takes `now`. No allocation.
//
// Threading: not thread-safe; owned by the lock's main loop.
#pragma once

#include <string_view>

#include "base/time.h"
#include "core/lock/vocabulary.h"

namespace lw::firmware {

enum class PowerLevel { normal, low, critical };

/// Whether a motor run may start.
enum class MotorPermit {
  allowed,
  refused_low_battery  ///< predicted voltage under motor load is below the motor cut-off
};

/// What a heavy load did to the controller.
enum class LoadOutcome {
  survived,    ///< the voltage stayed above the brown-out threshold
  browned_out  ///< the controller reset; boot_reason() is brown_out
};

/// The loads whose current spikes can brown the controller out.
enum class Load { motor, radio_burst };

std::string_view to_string(PowerLevel v) noexcept;
std::string_view to_string(MotorPermit v) noexcept;
std::string_view to_string(LoadOutcome v) noexcept;

/// Thresholds for a 4×AA alkaline pack (6.0 V full). Every voltage is in mV.
struct PowerThresholds {
  int low_mv{4800};               ///< below: low
  int critical_mv{4500};          ///< below: critical
  int hysteresis_mv{100};         ///< a level is left only `hysteresis_mv` above its threshold
  int motor_cutoff_mv{4300};      ///< a motor run must not be predicted to sag below this
  int brownout_mv{3900};          ///< the controller resets below this
  int pack_resistance_mohm{600};  ///< internal resistance of the pack (4 × 150 mΩ)
  int idle_current_ma{5};         ///< the load under which update() voltages are measured
};

struct MotorDecision {
  MotorPermit permit{MotorPermit::allowed};
  int predicted_mv{0};  ///< the pack voltage expected while the motor runs
};

class PowerSupervisor {
 public:
  /// A controller powered on for the first time at `now`: boot reason
  /// power_on, reboot count 0, level judged from `pack_mv`.
  PowerSupervisor(PowerThresholds thresholds, int pack_mv, Timestamp now);

  /// A fresh voltage under the idle load. Returns the (possibly new) level.
  PowerLevel update(int pack_mv, Timestamp now);

  /// Whether a motor run drawing `motor_current_ma` may start when the pack
  /// reads `pack_mv` under the idle load.
  [[nodiscard]] MotorDecision check_motor_run(int pack_mv, int motor_current_ma) const;

  /// The host measured `sagged_mv` during `load`. Below the brown-out
  /// threshold the controller resets: reboot count + 1, boot reason brown_out.
  LoadOutcome observe_load(Load load, int sagged_mv, Timestamp now);

  /// Any other reset (power_on after the battery was swapped, watchdog,
  /// software_reset, firmware_update, factory_reset): counted like a brown-out.
  void record_boot(core::BootReason reason, Timestamp now);

  [[nodiscard]] PowerLevel level() const { return level_; }
  [[nodiscard]] int last_mv() const { return last_mv_; }
  [[nodiscard]] core::BootReason boot_reason() const { return boot_reason_; }
  [[nodiscard]] int reboot_count() const { return reboot_count_; }
  [[nodiscard]] Timestamp booted_at() const { return booted_at_; }
  /// Brown-outs since first power-on (a subset of reboot_count()).
  [[nodiscard]] int brownout_count() const { return brownouts_; }
  /// The load that caused the last brown-out (meaningful when brownout_count() > 0).
  [[nodiscard]] Load last_brownout_load() const { return last_brownout_load_; }

 private:
  [[nodiscard]] PowerLevel classify(int pack_mv) const;

  PowerThresholds t_;
  PowerLevel level_{PowerLevel::normal};
  int last_mv_;
  core::BootReason boot_reason_{core::BootReason::power_on};
  int reboot_count_{0};
  int brownouts_{0};
  Load last_brownout_load_{Load::motor};
  Timestamp booted_at_;
};

}  // namespace lw::firmware
