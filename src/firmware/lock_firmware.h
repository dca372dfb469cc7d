// LockFirmware: the whole firmware of a battery-powered smart lock, composed
// from the device-side components — Bolt (motor, encoder, door sensor),
// PowerSupervisor (battery levels, motor permit, brown-out), RadioLink
// (network membership, heartbeat cadence), UpdateSlots (signed A/B firmware),
// CredentialStore (users, PINs, keypad lockout), EventBuffer (numbered
// outbox), Pairing and CommandVerifier (trusted keys, signed commands).
//
// The host (the simulator, or the board support package) owns the battery and
// the radio. The firmware asks the battery for its terminal voltage under a
// load through PowerSource; the host delivers command payloads to handle(),
// publishes what next_unsent() hands out, and reports the hub's acks.
//
// Behaviour worth knowing:
//   - Motor runs complete synchronously: handle() and operate() start the
//     bolt and advance it to the end of its run (`travel` after now, or the
//     3 s `timeout` for a binding bolt) before returning. Events carry `now`.
//   - Before a motor run the supervisor predicts the voltage under motor load
//     from the idle voltage; below the motor cut-off the run is refused
//     (command outcome low_battery; a person at the door gets a `low_battery`
//     alarm). Then the real voltage under the motor current is measured at
//     motor start (inrush): below the brown-out threshold the controller
//     resets before the bolt moves (boot_reason brown_out, reboot_count + 1,
//     uptime from 0) and the command gets no result.
//   - Locking with the door open or ajar is refused (command outcome
//     unsupported, detail "door is open"/"door is ajar"); core::CommandOutcome
//     has no closer value.
//   - A binding bolt ends `jammed` (command outcome jammed, alarm "jammed"); a
//     failed motor (set_motor_failed) fails every motor run without moving the
//     bolt (command outcome jammed, alarm "motor_fault"). The manual
//     thumb-turn needs no motor and no power; without power it moves the bolt
//     but records nothing.
//   - Flash survives a reset or power loss: queued events and their seq,
//     replay counters, enrolled keys, credentials, Wi-Fi credentials, bolt
//     calibration, firmware slots, boot reason and reboot count. RAM does not:
//     uptime, the publish marks of the outbox (every unacked event is sent
//     again), the radio association, a hung radio stack and an open pairing
//     window.
//   - While powered off, installing an update, or with the radio stack hung,
//     the lock receives nothing: handle() returns an empty handling and
//     next_unsent() nullptr.
//   - Code commands (docs/protocol.md, section 8) pass the same checks as
//     lock/unlock, then set, clear or read back code slots; the lock answers
//     with what it holds (user, schedule, keyed digest; never the digits).
//     The lock's X25519 key pair, to which the hub seals PINs and the site's
//     code key, is drawn from the random source (a real lock's hardware RNG;
//     here the OS's, so a scenario's seeded draws stay as they were) at
//     manufacture and after a factory reset; it is in flash, as is the code
//     key. A wrong PIN's alarm carries its digest under the code key.
//   - The Bolt's own auto-relock timer is not used: the host calls
//     operate(lock, auto_relock) when its relock policy fires.
//
// Pure: no I/O and no clock. Every time-dependent call takes `now`, and calls
// must come with non-decreasing `now`. No exceptions across the API. The
// component tables are fixed-size; results and events are returned in
// std::vector/std::string values.
//
// Threading: not thread-safe; owned by its host's loop.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "core/lock/messages.h"
#include "core/lock/vocabulary.h"
#include "core/ports/random.h"
#include "firmware/bolt.h"
#include "firmware/command_verifier.h"
#include "firmware/credential_store.h"
#include "firmware/event_buffer.h"
#include "firmware/pairing.h"
#include "firmware/power.h"
#include "firmware/radio_link.h"
#include "firmware/update_slots.h"
#include "protocol/code_crypto.h"
#include "protocol/envelope.h"

namespace lw::firmware {

/// The lock's battery as the host models it.
class PowerSource {
 public:
  virtual ~PowerSource() = default;
  /// The pack's terminal voltage in mV while the lock draws `load_ma` mA.
  virtual double voltage_mv(double load_ma) const = 0;
};

/// How a lock leaves the factory (and a scenario's starting point).
/// Check it with LockFirmware::validate() before constructing.
struct LockSetup {
  core::LockAddress address;
  std::string name;
  core::Transport transport{core::Transport::wifi};
  std::string model{"lw-lock-1"};                       ///< 1..31 bytes; images must be signed for it
  std::string firmware_version{"1.0.0"};                ///< 1..31 bytes; the factory image in slot A
  int firmware_counter{1};                              ///< >= 0; its anti-rollback security counter
  core::LockState lock_state{core::LockState::locked};  ///< locked or unlocked (else unlocked)
  core::DoorState door_state{core::DoorState::closed};
  /// Overrides the transport's cadence (kHeartbeatCadences) in every power level.
  std::optional<Duration> heartbeat;
  int cells{4};                    ///< cells in series (1..16); thresholds are per cell
  protocol::PublicKey vendor_key;  ///< the only key firmware images may be signed with
  std::string pairing_code;  ///< the label's code, 6..32 characters (16+ to pair over the air); empty: no
                             ///< pairing button
  /// Unlocks signed by a hub key are refused (not_allowed); only users' own keys open the door.
  bool end_to_end_only{false};
  KeypadPolicy keypad{};
  Duration install_window{std::chrono::minutes{2}};  ///< how long writing an image takes
};

/// The answer to one command payload.
struct LockCommandHandling {
  /// Absent when the payload carries no readable command id (docs/protocol.md
  /// 5.4), when the lock received nothing (see the header comment), or when
  /// the lock browned out running the command.
  std::optional<core::CommandResult> result;
  std::vector<core::DeviceEvent> events;  ///< in seq order, already queued in the outbox
  /// The controller reset while handling the command (a brown-out at motor start).
  bool rebooted{false};
};

class LockFirmware {
 public:
  /// The radio's current while it transmits; telemetry's battery_mv is
  /// measured under it.
  static constexpr int kRadioLoadMa = 220;
  /// The fuel gauge: linear from kCellEmptyMv (0 %) to kCellFullMv (100 %) per cell.
  static constexpr int kCellEmptyMv = 1100;
  static constexpr int kCellFullMv = 1500;

  /// Per-cell thresholds scaled to `cells`: low 1.2 V, critical 1.125 V, motor cut-off 1.075 V, brown-out
  /// 0.75 V.
  static PowerThresholds thresholds_for(int cells);

  /// Checks a setup. Errors: invalid_argument naming the field (address,
  /// firmware_version, firmware_counter, cells, heartbeat, pairing_code,
  /// install_window).
  static Result<void> validate(const LockSetup& setup);

  /// A lock powered on for the first time at `now` (boot reason power_on,
  /// reboot count 0). `power` and `random` (radio back-off jitter) must
  /// outlive the lock. Aborts with a message when validate(setup) fails.
  LockFirmware(const LockSetup& setup, PowerSource& power, core::Random& random, Timestamp now);
  LockFirmware(const LockFirmware&) = delete;
  LockFirmware& operator=(const LockFirmware&) = delete;
  LockFirmware(LockFirmware&&) = delete;
  LockFirmware& operator=(LockFirmware&&) = delete;
  ~LockFirmware() = default;

  // --- keys and commands ---

  /// Trusts `key` to sign commands under `key_id`, until a factory reset or
  /// an unpair command; out-of-band enrolment (docs/protocol.md 6.1) is for
  /// the hub's key, so `hub_key` defaults to true. Errors: as
  /// CommandVerifier::enroll (invalid_argument for a bad key id,
  /// failed_precondition when all key slots are taken).
  Result<void> enroll(std::string_view key_id, const protocol::PublicKey& key, bool hub_key = true);
  /// End-to-end-only mode (LockSetup::end_to_end_only).
  void set_end_to_end_only(bool on) { verifier_.set_end_to_end_only(on); }
  [[nodiscard]] bool trusts(std::string_view key_id) const { return verifier_.trusts(key_id); }

  /// Verifies a command envelope received on the lock's command topic and,
  /// when valid, runs it. The outcome is the verifier's refusal (malformed,
  /// unknown_key, bad_signature, wrong_target, expired, replayed,
  /// not_allowed), or
  /// unsupported (unlatch; lock with the door open or ajar), low_battery,
  /// jammed (binding bolt or motor fault), or ok with the bolt's reported
  /// state; a remote lock operation event names the signing key in `user`.
  /// A valid unpair command removes its subject key (ok, alarm
  /// "key_removed" naming it). A brown-out gives no result and rebooted = true. Refused payloads
  /// without a readable command id are counted in unanswerable_commands().
  LockCommandHandling handle(std::string_view payload, Timestamp now);

  // --- people at the door ---

  /// A person locks or unlocks: keypad, phone, auto_relock (and any other
  /// source but manual) run the motor; manual is the thumb-turn. Returns the
  /// events it queued: the lock operation, or an alarm ("jammed",
  /// "motor_fault", "low_battery"); nothing when the door blocks locking,
  /// the action is unlatch, or the lock browned out (see reboot_count()).
  std::vector<core::DeviceEvent> operate(core::LockAction action, core::OperationSource source,
                                         std::optional<std::string> user, Timestamp now);

  /// A PIN typed on the keypad, then `action`. Accepted: operate(action,
  /// keypad, the user id in decimal). Otherwise one alarm: "wrong_code",
  /// "wrong_code_limit" (this entry started the lockout), "keypad_disabled",
  /// or "outside_schedule" (with the user). Nothing while powered off.
  std::vector<core::DeviceEvent> enter_pin(std::string_view pin, core::LockAction action, Timestamp now);

  // Guest keys (docs/protocol.md section 10), checked by the lock alone, on
  // its own clock: they work while it is offline.

  /// A fresh challenge for a phone at the door: base64 of 16 random bytes. It
  /// replaces the previous one and answers one presentation within 60 s.
  std::string guest_challenge(Timestamp now);
  enum class GuestOutcome {
    opened,
    malformed,          ///< the grant does not open or decode
    unknown_issuer,     ///< not signed under a hub key enrolled here
    bad_signature,      ///< the grant's signature does not verify
    not_for_this_lock,  ///< another site or lock
    not_yet_valid,      ///< before not_before, by the lock's clock
    expired,            ///< at or after not_after
    revoked,            ///< its id was revoked
    stale_challenge,    ///< no current challenge: none given, used, or older than 60 s
    bad_proof,          ///< the phone's signature over the challenge does not verify
  };
  struct GuestAttempt {
    GuestOutcome outcome{GuestOutcome::malformed};
    std::vector<core::DeviceEvent>
        events;  ///< opened: operate(unlock, phone, the grant's user); else one alarm
  };
  /// A guest's phone presents its grant (the signed envelope) and `proof`,
  /// base64 of its signature of protocol::guest_proof_message over the
  /// current challenge. The challenge is used up whatever the outcome. A
  /// refusal is a "guest_key_refused" alarm (with the grant's user once the
  /// grant is authenticated). Nothing while powered off.
  GuestAttempt present_guest_key(std::string_view grant, std::string_view proof, Timestamp now);
  /// No grant with this id opens the lock again. The lock keeps up to 32
  /// revocations and forgets one once its grant's window (`not_after`) has
  /// passed by its own clock, when the grant no longer opens anyway. Errors:
  /// failed_precondition when all 32 belong to grants still in their window
  /// (nothing gives way: a revoked grant must never open again).
  Result<void> revoke_guest_grant(std::string_view grant_id, Timestamp not_after, Timestamp now);

  /// Errors: as CredentialStore::add_user.
  Result<void> add_user(UserId user, Schedule schedule = Schedule::any_time());
  /// Errors: as CredentialStore::add_pin.
  Result<void> add_pin(UserId user, std::string_view pin);
  /// Errors: as CredentialStore::add_phone_key.
  Result<void> add_phone_key(UserId user, const protocol::PublicKey& key);
  /// A code typed in at the lock itself (the installer's menu), bypassing the
  /// hub. Errors: as CredentialStore::set_code.
  Result<void> set_code(int slot, UserId user, std::string_view pin, const core::CodeSchedule& schedule);
  /// Errors: as CredentialStore::clear_code.
  Result<void> clear_code(int slot);
  /// Someone programs a code into `slot` at the lock's own keypad menu (a
  /// code lockwarden did not write), valid always, for user `user`. The lock
  /// tells: one "code_programmed" alarm (source keypad), as Z-Wave's "new
  /// user code added" notification does. Errors: as set_code; unavailable
  /// while powered off.
  Result<std::vector<core::DeviceEvent>> program_code(int slot, UserId user, std::string_view pin,
                                                      Timestamp now);
  /// The X25519 public key the hub seals PINs and the code key to.
  [[nodiscard]] const protocol::BoxPublicKey& box_key() const { return box_keys_.public_key; }
  /// Whether a site code key is installed (set_code_key).
  [[nodiscard]] bool has_code_key() const { return code_key_.has_value(); }
  /// The occupied code slots from `from_slot` on, at most `limit` of them,
  /// as the lock reports them in a read-back, with its settings.
  [[nodiscard]] core::CodeReadback read_codes(int from_slot, int limit) const;
  /// The keypad's wrong-PIN limit and lockout as the lock keeps them
  /// (set_settings; a factory reset restores the setup's).
  [[nodiscard]] core::LockSettings settings() const;

  /// The pairing button: opens the pairing window (no effect without a
  /// pairing code or power).
  void press_pairing_button(Timestamp now);
  /// A controller presents the label code and its key (Pairing::present);
  /// not_in_pairing_mode without a window opened since the last boot.
  PairingOutcome pair(std::string_view code, std::string_view key_id, const protocol::PublicKey& key,
                      Timestamp now);
  [[nodiscard]] bool in_pairing_mode(Timestamp now) const;
  /// One message received on the lock's `pair` topic (docs/protocol.md 6.2);
  /// returns the reply to publish there (empty: none). A pairing queues the
  /// alarm "key_added" naming the key; the last wrong code queues
  /// "pairing_attempt_limit". Queued events are also appended to `events`.
  std::string pairing_message(std::string_view payload, Timestamp now,
                              std::vector<core::DeviceEvent>* events = nullptr);

  // --- physics and fault hooks ---

  /// The door position sensor changed.
  void set_door(core::DoorState door, Timestamp now);
  /// The bolt binds: runs end jammed until set_binding(false) and a retry.
  void set_binding(bool binding);
  /// Moves the strike's real full-engagement position by `mm` (see Bolt).
  void drift(double mm);
  /// Re-learns the bolt's end positions. False (nothing changes) while
  /// powered off, jammed, or with the door not closed.
  bool recalibrate(Timestamp now);
  /// A hardware fault: every motor run fails with alarm "motor_fault".
  void set_motor_failed(bool failed) { motor_failed_ = failed; }
  /// The radio stack hangs: the lock receives and publishes nothing until it reboots.
  void hang_radio(bool hung) { radio_hung_ = hung; }
  [[nodiscard]] bool radio_hung() const { return radio_hung_; }
  /// The next new image booted crashes and is rolled back (UpdateSlots).
  void fail_next_boot() { slots_.fail_next_boot(); }

  // --- power ---

  /// Power is cut (battery pulled): the controller stops; RAM is lost.
  void power_off(Timestamp now);
  /// The controller (re)starts with `reason`: power_on after power returned,
  /// firmware_update after an install window, watchdog, software_reset.
  /// Counts a reboot; boots the firmware slots (a new image is tried and
  /// confirmed; a crashing one is rolled back after a watchdog reset).
  void power_on(Timestamp now, core::BootReason reason = core::BootReason::power_on);
  [[nodiscard]] bool powered() const { return powered_; }
  /// The radio is about to transmit: the pack is measured under kRadioLoadMa;
  /// browned_out means the controller reset (see power_on).
  LoadOutcome radio_burst(Timestamp now);

  // --- firmware update ---

  /// Verifies and writes `image` (UpdateSlots::install); refused_busy while
  /// powered off. After install_done_at() the host calls power_on(now,
  /// firmware_update) and the new version becomes active.
  /// An image refused as for another model, stale or jumping the counter is
  /// also a "stale_update_metadata" alarm in the outbox (docs/protocol.md 9).
  InstallOutcome install(const FirmwareImage& image, Timestamp now);
  [[nodiscard]] std::string_view model() const { return slots_.model(); }
  /// Queues the alarm "firmware_update": the lock says it is about to go
  /// quiet for an install, so the hub does not call it offline. Sent before
  /// install() takes the radio down.
  void announce_update(Timestamp now);
  /// True while an image is being written (the lock is offline).
  [[nodiscard]] bool updating(Timestamp now) const;
  [[nodiscard]] Timestamp install_done_at() const { return slots_.install_done_at(); }
  [[nodiscard]] std::string_view firmware_version() const { return slots_.active_version(); }
  /// What the last boot of the slots did (normal at first power-on).
  [[nodiscard]] BootResult last_boot_result() const { return last_boot_result_; }

  // --- radio ---

  /// The heartbeat cadence: the setup's override, else the transport's
  /// (heartbeat_interval) in normal or low-battery power.
  [[nodiscard]] Duration heartbeat(bool low_battery) const;
  /// heartbeat() in the supervisor's current level (low or critical is low battery).
  [[nodiscard]] Duration heartbeat() const;
  [[nodiscard]] core::Transport transport() const { return radio_.transport(); }
  /// Network membership, for the host to drive (attempt, link_lost, credentials).
  RadioLink& radio() { return radio_; }
  [[nodiscard]] const RadioLink& radio() const { return radio_; }

  // --- snapshots ---

  /// Telemetry, which is also the heartbeat: battery_mv under kRadioLoadMa,
  /// battery_pct from the per-cell gauge, firmware, uptime_s, reboot_count,
  /// boot_reason, heartbeat, transport, name; rssi_dbm is the host's
  /// `rssi_dbm`. Measures the pack (the supervisor's level follows). While
  /// powered off only ts is set.
  core::Telemetry telemetry(Timestamp now, std::optional<int> rssi_dbm = std::nullopt);
  /// What the lock reports: the bolt's state judged from its calibration, and the door.
  [[nodiscard]] core::StateReport state(Timestamp now) const;
  /// Ground truth of the bolt (for the simulator's world model).
  [[nodiscard]] core::LockState real_state() const { return bolt_.real_state(); }

  // --- outbox (EventBuffer) ---

  /// The oldest event not yet published; nullptr when none, or while the
  /// lock is powered off, updating or its radio is hung.
  [[nodiscard]] const core::DeviceEvent* next_unsent(Timestamp now) const;
  /// It was published. False when not queued or the lock is powered off.
  bool mark_sent(std::uint64_t seq);
  /// The hub acknowledged it. False when not queued or the lock is powered off.
  bool ack(std::uint64_t seq);
  /// The connection dropped: published but unacked events are sent again.
  void rewind() { events_.rewind(); }
  /// Events lost to a full outbox since the factory.
  [[nodiscard]] std::uint64_t dropped() const { return events_.dropped(); }
  [[nodiscard]] std::size_t queued_events() const { return events_.size(); }
  [[nodiscard]] std::uint64_t last_seq() const { return events_.last_seq(); }

  /// Wipes users and PINs, the keypad settings (back to the setup's), every enrolled and paired key (their
  /// replay counters are kept, so old commands cannot be replayed after re-pairing), the outbox and its
  /// numbering, Wi-Fi credentials, and restores the factory bolt calibration; then reboots with reason
  /// factory_reset. The firmware image stays. No effect while powered off.
  void factory_reset(Timestamp now);

  // --- state ---
  [[nodiscard]] const core::LockAddress& address() const { return address_; }
  [[nodiscard]] int reboot_count() const { return power_.reboot_count(); }
  [[nodiscard]] core::BootReason boot_reason() const { return power_.boot_reason(); }
  [[nodiscard]] Duration uptime(Timestamp now) const { return now - power_.booted_at(); }
  [[nodiscard]] PowerLevel power_level() const { return power_.level(); }
  [[nodiscard]] const PowerSupervisor& power_supervisor() const { return power_; }
  [[nodiscard]] const Bolt& bolt() const { return bolt_; }
  [[nodiscard]] const CredentialStore& credentials() const { return credentials_; }
  [[nodiscard]] const UpdateSlots& update_slots() const { return slots_; }
  [[nodiscard]] bool motor_failed() const { return motor_failed_; }
  /// Payloads refused without a result because they named no command id.
  [[nodiscard]] std::uint64_t unanswerable_commands() const { return unanswerable_; }
  /// The pack voltage measured at the last motor start (stall current), mV.
  [[nodiscard]] std::optional<int> last_motor_mv() const { return last_motor_mv_; }

 private:
  /// How one bolt run went.
  enum class Run { done, unsupported, door_open, door_ajar, low_battery, motor_fault, browned_out, jammed };
  struct RunResult {
    Run run{Run::done};
    MotorDecision motor{};  // set for motor runs that reached the permit check
  };
  struct KeyIdSlot {
    std::array<char, CommandVerifier::kMaxKeyIdBytes> id{};
    std::size_t size{0};
    [[nodiscard]] std::string_view view() const { return {id.data(), size}; }
  };

  /// Moves the bolt towards `action`, with or without the motor; queues
  /// "jammed" and "motor_fault" alarms into `out`.
  RunResult run_bolt(core::LockAction action, bool motor, core::OperationSource source,
                     const std::optional<std::string>& user, Timestamp now,
                     std::vector<core::DeviceEvent>& out);
  /// The pack under the idle load, fed to the supervisor; returns it (mV).
  int measure_idle(Timestamp now);
  [[nodiscard]] int volts_mv(double load_ma) const;
  /// The controller starts; `recorded`: the supervisor already counted the reset.
  void boot(Timestamp now, core::BootReason reason, bool recorded);
  /// Numbers `event` in the outbox and appends the numbered copy to `out`.
  void record(core::DeviceEvent event, std::vector<core::DeviceEvent>& out);
  [[nodiscard]] bool receiving(Timestamp now) const { return powered_ && !radio_hung_ && !updating(now); }
  [[nodiscard]] int motor_draw_ma() const;
  /// Carries out an authenticated code command; fills the result's outcome,
  /// detail and codes.
  void handle_code(const core::CodeCommand& code, core::CommandResult& result);
  void make_box_keys();

  core::LockAddress address_;
  std::string name_;
  std::optional<Duration> heartbeat_override_;
  int cells_;
  BoltConfig bolt_config_;
  RadioLinkConfig radio_config_;
  PowerSource* source_;
  core::Random* random_;

  CommandVerifier verifier_;
  std::optional<std::string> guest_challenge_;  // base64, until used
  Timestamp guest_challenge_at_{};
  struct RevokedGrant {
    std::string id;
    Timestamp not_after{};
  };
  std::vector<RevokedGrant> revoked_grants_;  // at most kMaxRevokedGrants
  std::optional<Pairing> pairing_;
  std::array<KeyIdSlot, CommandVerifier::kMaxKeys> enrolled_{};
  PowerThresholds thresholds_;
  PowerSupervisor power_;
  Bolt bolt_;
  RadioLink radio_;
  UpdateSlots slots_;
  KeypadPolicy factory_keypad_;  // what a factory reset restores
  CredentialStore credentials_;
  EventBuffer events_;
  protocol::BoxKeyPair box_keys_;
  std::optional<protocol::CodeKey> code_key_;

  BootResult last_boot_result_{BootResult::normal};
  bool powered_{true};
  bool binding_{false};
  bool motor_failed_{false};
  bool radio_hung_{false};
  bool pairing_armed_{false};  // a pairing window was opened since the last boot
  std::uint64_t unanswerable_{0};
  /// The pack voltage at the last motor start, under the stall current; kept
  /// in retained RAM across resets, so a brown-out's sag is reported after it.
  std::optional<int> last_motor_mv_;
};

}  // namespace lw::firmware
