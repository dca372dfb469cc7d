// SimpleLock: the device-side logic of a simple battery-powered Wi-Fi lock —
// bolt and door position, a battery that drains a little per motor run and per
// hour of standby, radio signal, firmware version, uptime and boot history; it
// verifies signed commands (CommandVerifier, enrolled hub key), moves the bolt,
// numbers its events and answers with telemetry and state snapshots.
//
// Pure: no I/O and no clock. Every call that depends on time takes `now`
// (lw::Timestamp, UTC ms), and calls must come with non-decreasing `now`. The
// radio and MQTT belong to whoever hosts the lock (the simulator).
//
// Behaviour worth knowing:
//   - Every lock/unlock runs the motor, even when the bolt is already there.
//   - Below kMotorCutoffPct the motor is not run: remote commands answer
//     `low_battery` and keypad operations raise a `low_battery` alarm. A manual
//     (thumb-turn or key) operation still works.
//   - While a jam is active every motor or manual run fails: the bolt is left
//     `jammed`, a command answers `jammed`, and a `jammed` alarm is raised.
//   - Event `seq` and the replay counters live in non-volatile memory: they
//     survive power loss.
//
// Threading: single-threaded; owned by its host.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "core/lock/messages.h"
#include "core/lock/vocabulary.h"
#include "firmware/command_verifier.h"
#include "protocol/envelope.h"

namespace lw::firmware {

/// How a lock leaves the factory (and the scenario's starting point).
struct SimpleLockSetup {
  core::LockAddress address;
  std::string name;
  Duration heartbeat{30s};  // the telemetry cadence the lock promises
  int battery_pct{90};      // 0..100
  int rssi_dbm{-60};        // -120..0
  std::string firmware{"1.0.0"};
  core::LockState lock_state{core::LockState::locked};
  core::DoorState door_state{core::DoorState::closed};
};

/// The answer to one command payload.
struct CommandHandling {
  /// Absent when the payload carries no readable command id (docs/protocol.md
  /// 5.4: such a payload gets no result; the lock counts it instead).
  std::optional<core::CommandResult> result;
  std::vector<core::DeviceEvent> events;  // in seq order: alarms and the lock operation
};

class SimpleLock {
 public:
  /// Four AA cells: 6.0 V full, 4.4 V empty, linear in between.
  static constexpr int kFullMv = 6000;
  static constexpr int kEmptyMv = 4400;
  /// Charge used by one motor run, percent.
  static constexpr double kDrainPerMotorRunPct = 0.05;
  /// Charge used per hour of standby, percent.
  static constexpr double kStandbyDrainPctPerHour = 0.01;
  /// Below this charge the motor is not run.
  static constexpr int kMotorCutoffPct = 5;
  /// Crossing below this charge raises one `low_battery` alarm.
  static constexpr int kLowBatteryAlarmPct = 15;

  /// A lock that has just been powered on for the first time at `now`
  /// (reboot_count 0, boot_reason power_on).
  SimpleLock(SimpleLockSetup setup, Timestamp now);

  /// Trusts `key` to sign commands under `key_id` (the hub's key).
  /// Errors: as CommandVerifier::enroll (invalid_argument for a bad key id,
  /// failed_precondition when all key slots are taken).
  Result<void> enroll(std::string_view key_id, const protocol::PublicKey& key);

  /// Verifies a command envelope received on the lock's command topic and, when
  /// it is valid, runs it. The result's outcome is the verifier's refusal
  /// (malformed, unknown_key, bad_signature, wrong_target, expired, replayed), or
  /// unsupported (unlatch), low_battery, jammed, or ok with the new lock_state.
  /// Refused payloads without a readable command id are counted in
  /// unanswerable_commands(). Precondition: powered().
  CommandHandling handle(std::string_view payload, Timestamp now);

  /// A person at the door locks or unlocks (`source` keypad or manual). Returns
  /// the events it produced: the operation, or an alarm when it failed.
  /// Precondition: powered().
  std::vector<core::DeviceEvent> operate(core::LockAction action, core::OperationSource source,
                                         const std::optional<std::string>& user, Timestamp now);

  // --- faults ---
  /// The bolt binds: motor runs fail until unjam().
  void jam();
  /// The bolt is free again; a bolt left `jammed` settles back where it was.
  void unjam();
  /// Sets the charge to `pct` (0..100); returns a `low_battery` alarm when that
  /// crosses below kLowBatteryAlarmPct.
  std::vector<core::DeviceEvent> set_battery_pct(int pct, Timestamp now);
  /// Power is cut: the firmware stops; volatile state (uptime) is lost.
  void power_off(Timestamp now);
  /// Power returns: the firmware boots (reboot_count + 1, boot_reason power_on).
  void power_on(Timestamp now);

  // --- snapshots ---
  /// Telemetry, which is also the heartbeat. Precondition: powered().
  core::Telemetry telemetry(Timestamp now);
  [[nodiscard]] core::StateReport state(Timestamp now) const;

  [[nodiscard]] const core::LockAddress& address() const { return setup_.address; }
  [[nodiscard]] Duration heartbeat() const { return setup_.heartbeat; }
  [[nodiscard]] bool powered() const { return powered_; }
  [[nodiscard]] bool jam_active() const { return jam_active_; }
  [[nodiscard]] core::LockState lock_state() const { return lock_state_; }
  [[nodiscard]] core::DoorState door_state() const { return door_state_; }
  /// Charge, percent, rounded to the nearest integer.
  [[nodiscard]] int battery_pct() const;
  [[nodiscard]] int battery_mv() const;
  [[nodiscard]] int reboot_count() const { return reboot_count_; }
  [[nodiscard]] core::BootReason boot_reason() const { return boot_reason_; }
  /// Payloads refused without a result because they named no command id.
  [[nodiscard]] std::uint64_t unanswerable_commands() const { return unanswerable_; }

 private:
  /// Applies standby drain up to `now`.
  void settle(Timestamp now);
  /// Uses charge, raising a low_battery alarm into `events` when it crosses the threshold.
  void drain_to(double pct, Timestamp now, std::vector<core::DeviceEvent>& events);
  /// Runs the motor (or the thumb-turn) towards `action`; false when it jammed.
  bool move_bolt(core::LockAction action, bool motor, Timestamp now, std::vector<core::DeviceEvent>& events);
  core::DeviceEvent next_event(core::DeviceEventKind kind, Timestamp now);
  void require_power(const char* what) const;

  SimpleLockSetup setup_;
  CommandVerifier verifier_;
  core::LockState lock_state_;
  core::LockState before_jam_{core::LockState::locked};
  core::DoorState door_state_;
  double battery_pct_;
  bool low_battery_alarmed_{false};
  bool jam_active_{false};
  bool powered_{true};
  Timestamp booted_at_;
  Timestamp settled_at_;
  int reboot_count_{0};
  core::BootReason boot_reason_{core::BootReason::power_on};
  std::uint64_t last_seq_{0};
  std::uint64_t unanswerable_{0};
};

}  // namespace lw::firmware
