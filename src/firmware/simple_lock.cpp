#include "firmware/simple_lock.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace lw::firmware {
namespace {

core::LockState target_of(core::LockAction action) {
  return action == core::LockAction::unlock ? core::LockState::unlocked : core::LockState::locked;
}

std::string percent(int pct) { return std::to_string(pct) + "%"; }

}  // namespace

SimpleLock::SimpleLock(SimpleLockSetup setup, Timestamp now)
    : setup_(std::move(setup)),
      verifier_(setup_.address),
      lock_state_(setup_.lock_state),
      door_state_(setup_.door_state),
      battery_pct_(std::clamp(setup_.battery_pct, 0, 100)),
      low_battery_alarmed_(setup_.battery_pct < kLowBatteryAlarmPct),
      booted_at_(now),
      settled_at_(now) {}

Result<void> SimpleLock::enroll(std::string_view key_id, const protocol::PublicKey& key) {
  return verifier_.enroll(key_id, key);
}

void SimpleLock::require_power(const char* what) const {
  if (powered_) return;
  std::fprintf(stderr, "SimpleLock::%s called while the lock is powered off\n", what);
  std::abort();
}

void SimpleLock::settle(Timestamp now) {
  if (!powered_ || now <= settled_at_) return;
  const double hours = std::chrono::duration<double, std::ratio<3600>>(now - settled_at_).count();
  battery_pct_ = std::max(0.0, battery_pct_ - hours * kStandbyDrainPctPerHour);
  settled_at_ = now;
}

void SimpleLock::drain_to(double pct, Timestamp now, std::vector<core::DeviceEvent>& events) {
  battery_pct_ = std::clamp(pct, 0.0, 100.0);
  if (battery_pct() >= kLowBatteryAlarmPct) {
    low_battery_alarmed_ = false;
  } else if (!low_battery_alarmed_) {
    low_battery_alarmed_ = true;
    core::DeviceEvent alarm = next_event(core::DeviceEventKind::alarm, now);
    alarm.alarm = "low_battery";
    events.push_back(std::move(alarm));
  }
}

core::DeviceEvent SimpleLock::next_event(core::DeviceEventKind kind, Timestamp now) {
  core::DeviceEvent event;
  event.seq = ++last_seq_;
  event.ts = now;
  event.kind = kind;
  return event;
}

bool SimpleLock::move_bolt(core::LockAction action, bool motor, Timestamp now,
                           std::vector<core::DeviceEvent>& events) {
  if (motor) drain_to(battery_pct_ - kDrainPerMotorRunPct, now, events);
  if (jam_active_) {
    if (lock_state_ != core::LockState::jammed) before_jam_ = lock_state_;
    lock_state_ = core::LockState::jammed;
    core::DeviceEvent alarm = next_event(core::DeviceEventKind::alarm, now);
    alarm.alarm = "jammed";
    events.push_back(std::move(alarm));
    return false;
  }
  lock_state_ = target_of(action);
  return true;
}

CommandHandling SimpleLock::handle(std::string_view payload, Timestamp now) {
  require_power("handle");
  settle(now);
  CommandHandling out;
  CommandVerifier::Verdict verdict = verifier_.verify(payload, now);
  if (verdict.command_id.empty()) {
    // Protocol 5.4: a payload without a readable command id gets no result.
    ++unanswerable_;
    return out;
  }
  core::CommandResult& result = out.result.emplace();
  result.command_id = verdict.command_id;
  result.ts = now;
  result.outcome = verdict.outcome;
  result.lock_state = lock_state_;
  if (verdict.outcome != core::CommandOutcome::ok) {
    result.detail = verdict.detail;
    return out;
  }
  const core::Command& command = *verdict.command;

  if (command.action != core::LockAction::lock && command.action != core::LockAction::unlock) {
    result.outcome = core::CommandOutcome::unsupported;
    result.detail = "this lock has no latch to pull back; it can lock and unlock";
    return out;
  }
  if (battery_pct() < kMotorCutoffPct) {
    result.outcome = core::CommandOutcome::low_battery;
    result.detail =
        "battery at " + percent(battery_pct()) + " is below the motor cut-off of " + percent(kMotorCutoffPct);
    return out;
  }
  if (!move_bolt(command.action, true, now, out.events)) {
    result.outcome = core::CommandOutcome::jammed;
    result.lock_state = lock_state_;
    result.detail = "the bolt did not reach its position";
    return out;
  }
  core::DeviceEvent operation = next_event(core::DeviceEventKind::lock_operation, now);
  operation.operation = command.action;
  operation.source = core::OperationSource::remote;
  out.events.push_back(std::move(operation));
  result.lock_state = lock_state_;
  return out;
}

std::vector<core::DeviceEvent> SimpleLock::operate(core::LockAction action, core::OperationSource source,
                                                   const std::optional<std::string>& user, Timestamp now) {
  require_power("operate");
  settle(now);
  std::vector<core::DeviceEvent> events;
  const bool motor = source != core::OperationSource::manual;
  if (motor && battery_pct() < kMotorCutoffPct) {
    core::DeviceEvent alarm = next_event(core::DeviceEventKind::alarm, now);
    alarm.alarm = "low_battery";
    alarm.source = source;
    alarm.user = user;
    events.push_back(std::move(alarm));
    return events;
  }
  if (!move_bolt(action, motor, now, events)) return events;
  core::DeviceEvent operation = next_event(core::DeviceEventKind::lock_operation, now);
  operation.operation = action;
  operation.source = source;
  operation.user = user;
  events.push_back(std::move(operation));
  return events;
}

void SimpleLock::jam() { jam_active_ = true; }

void SimpleLock::unjam() {
  jam_active_ = false;
  if (lock_state_ == core::LockState::jammed) lock_state_ = before_jam_;
}

std::vector<core::DeviceEvent> SimpleLock::set_battery_pct(int pct, Timestamp now) {
  settle(now);
  std::vector<core::DeviceEvent> events;
  drain_to(std::clamp(pct, 0, 100), now, events);
  return events;
}

void SimpleLock::power_off(Timestamp now) {
  settle(now);
  powered_ = false;
}

void SimpleLock::power_on(Timestamp now) {
  if (powered_) return;
  powered_ = true;
  booted_at_ = now;
  settled_at_ = now;
  ++reboot_count_;
  boot_reason_ = core::BootReason::power_on;
}

int SimpleLock::battery_pct() const { return static_cast<int>(std::lround(battery_pct_)); }

int SimpleLock::battery_mv() const {
  return kEmptyMv + static_cast<int>(std::lround((kFullMv - kEmptyMv) * battery_pct_ / 100.0));
}

core::Telemetry SimpleLock::telemetry(Timestamp now) {
  require_power("telemetry");
  settle(now);
  core::Telemetry t;
  t.ts = now;
  t.battery_mv = battery_mv();
  t.battery_pct = battery_pct();
  t.rssi_dbm = setup_.rssi_dbm;
  t.firmware = setup_.firmware;
  t.uptime_s = std::chrono::duration_cast<std::chrono::seconds>(now - booted_at_).count();
  t.reboot_count = reboot_count_;
  t.boot_reason = boot_reason_;
  t.heartbeat = setup_.heartbeat;
  t.name = setup_.name;
  t.transport = core::Transport::wifi;
  return t;
}

core::StateReport SimpleLock::state(Timestamp now) const {
  core::StateReport s;
  s.ts = now;
  s.lock_state = lock_state_;
  s.door_state = door_state_;
  return s;
}

}  // namespace lw::firmware
