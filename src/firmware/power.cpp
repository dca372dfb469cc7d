#include "firmware/power.h"

namespace lw::firmware {

std::string_view to_string(PowerLevel v) noexcept {
  switch (v) {
    case PowerLevel::normal: return "normal";
    case PowerLevel::low: return "low";
    case PowerLevel::critical: return "critical";
  }
  return "unknown";
}

std::string_view to_string(MotorPermit v) noexcept {
  switch (v) {
    case MotorPermit::allowed: return "allowed";
    case MotorPermit::refused_low_battery: return "refused_low_battery";
  }
  return "unknown";
}

std::string_view to_string(LoadOutcome v) noexcept {
  switch (v) {
    case LoadOutcome::survived: return "survived";
    case LoadOutcome::browned_out: return "browned_out";
  }
  return "unknown";
}

PowerSupervisor::PowerSupervisor(PowerThresholds thresholds, int pack_mv, Timestamp now)
    : t_(thresholds), last_mv_(pack_mv), booted_at_(now) {
  level_ = pack_mv < t_.critical_mv ? PowerLevel::critical
           : pack_mv < t_.low_mv    ? PowerLevel::low
                                    : PowerLevel::normal;
}

PowerLevel PowerSupervisor::classify(int pack_mv) const {
  // Falling through a threshold changes the level at once; rising needs the
  // threshold plus the hysteresis.
  switch (level_) {
    case PowerLevel::normal:
      if (pack_mv < t_.critical_mv) return PowerLevel::critical;
      if (pack_mv < t_.low_mv) return PowerLevel::low;
      return PowerLevel::normal;
    case PowerLevel::low:
      if (pack_mv < t_.critical_mv) return PowerLevel::critical;
      if (pack_mv >= t_.low_mv + t_.hysteresis_mv) return PowerLevel::normal;
      return PowerLevel::low;
    case PowerLevel::critical:
      if (pack_mv >= t_.low_mv + t_.hysteresis_mv) return PowerLevel::normal;
      if (pack_mv >= t_.critical_mv + t_.hysteresis_mv) return PowerLevel::low;
      return PowerLevel::critical;
  }
  return level_;
}

PowerLevel PowerSupervisor::update(int pack_mv, Timestamp /*now*/) {
  last_mv_ = pack_mv;
  level_ = classify(pack_mv);
  return level_;
}

MotorDecision PowerSupervisor::check_motor_run(int pack_mv, int motor_current_ma) const {
  const int extra_ma = motor_current_ma > t_.idle_current_ma ? motor_current_ma - t_.idle_current_ma : 0;
  // mA × mΩ = µV; /1000 gives mV.
  const int sag_mv = static_cast<int>(static_cast<long long>(extra_ma) * t_.pack_resistance_mohm / 1000);
  MotorDecision decision;
  decision.predicted_mv = pack_mv - sag_mv;
  decision.permit =
      decision.predicted_mv < t_.motor_cutoff_mv ? MotorPermit::refused_low_battery : MotorPermit::allowed;
  return decision;
}

LoadOutcome PowerSupervisor::observe_load(Load load, int sagged_mv, Timestamp now) {
  if (sagged_mv >= t_.brownout_mv) return LoadOutcome::survived;
  ++brownouts_;
  last_brownout_load_ = load;
  record_boot(core::BootReason::brown_out, now);
  return LoadOutcome::browned_out;
}

void PowerSupervisor::record_boot(core::BootReason reason, Timestamp now) {
  boot_reason_ = reason;
  ++reboot_count_;
  booted_at_ = now;
}

}  // namespace lw::firmware
