// What a lock tells the hub and what the hub tells a lock, as validated domain
// values. The wire codec (src/protocol) decodes JSON into these and encodes them
// back; after decoding, the core trusts them.
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/ids.h"
#include "base/time.h"
#include "core/lock/credentials.h"
#include "core/lock/vocabulary.h"

namespace lw::core {

/// Where a message came from / goes to: the topic's site and lock.
struct LockAddress {
  SiteId site;
  LockId lock;
  friend bool operator==(const LockAddress&, const LockAddress&) = default;
};

/// Retained link status; `online == false` is also what the Last Will says.
struct StatusReport {
  bool online{false};
  std::optional<Timestamp> ts;  // a Last Will has no meaningful time
};

/// Periodic telemetry; also the heartbeat. Absent fields are "not reported".
struct Telemetry {
  Timestamp ts{};
  std::optional<int> battery_mv;
  std::optional<int> battery_pct;    // 0..100
  std::optional<int> motor_mv;       // the pack at the last motor start, under the stall current
  std::optional<int> rssi_dbm;       // -120..0
  std::optional<int> temperature_c;  // -40..85, at the lock's board (batteries sag in the cold)
  std::optional<std::string> firmware;
  std::optional<std::string> ssid;  // the Wi-Fi network a Wi-Fi lock joined
  std::optional<std::int64_t> uptime_s;
  std::optional<int> reboot_count;
  std::optional<BootReason> boot_reason;
  std::optional<Duration> heartbeat;  // the cadence the lock promises
  std::optional<std::string> name;
  std::optional<Transport> transport;
};

/// Current bolt and door position.
struct StateReport {
  Timestamp ts{};
  LockState lock_state{LockState::unknown};
  DoorState door_state{DoorState::unknown};
};

enum class DeviceEventKind { lock_operation, alarm };

/// Something that happened at the lock. `seq` increases by one per event and is
/// kept across reboots (only a factory reset restarts it), so the hub can drop
/// duplicates of a redelivered event by (lock, seq).
struct DeviceEvent {
  std::uint64_t seq{0};
  Timestamp ts{};
  DeviceEventKind kind{DeviceEventKind::lock_operation};
  std::optional<LockAction> operation;  // lock_operation
  OperationSource source{OperationSource::unknown};
  std::optional<std::string> user;
  std::optional<std::string> alarm;  // alarm: "jammed", "tamper", "wrong_code_limit", "low_battery"...
  /// alarm "wrong_code" / "wrong_code_limit": base64 of the 16-byte digest of the
  /// wrong PIN keyed with the site's code key (equal PINs give equal digests;
  /// the digits stay on the lock). Absent while the lock holds no code key.
  std::optional<std::string> code_digest;
};

/// How a lock answered a command.
enum class CommandOutcome {
  ok,
  malformed,      // could not parse the envelope or body
  unknown_key,    // the key id is not enrolled
  bad_signature,  // signature does not verify
  wrong_target,   // addressed to another lock
  expired,        // now is outside [issued_at - skew, expires_at]
  replayed,       // counter not above the last accepted one for that key
  unsupported,    // action not supported by this lock
  jammed,         // the motor could not complete the movement
  low_battery,    // refused: battery below the motor cut-off
  refused,        // a valid code command the lock could not carry out (detail: PIN in use, table full,
                  // the sealed PIN does not open)
  not_allowed,    // the key is enrolled but this lock does not let it do this action
};
std::string_view to_string(CommandOutcome v) noexcept;
std::optional<CommandOutcome> parse_command_outcome(std::string_view s) noexcept;

struct CommandResult {
  ActionId command_id;
  Timestamp ts{};
  CommandOutcome outcome{CommandOutcome::ok};
  std::optional<LockState> lock_state;
  std::string detail;                 // human words, may be empty
  std::optional<CodeReadback> codes;  // code commands: what the lock holds now
};

/// What the companion app reports after trying to reach a lock over
/// Bluetooth (the `app` channel of the phone): the lock doctor reads the
/// failures (a permission denied, an app too old for the lock).
struct AppReport {
  Timestamp ts{};
  LockId lock;
  std::string app_version;
  bool bluetooth_granted{true};
  bool location_granted{true};
  bool ok{true};
  std::string reason;  ///< when not ok: bluetooth_permission_denied, app_outdated, no_response, out_of_range
};

/// A guest grant the lock must no longer honour (docs/protocol.md 10.3).
struct GrantRevocation {
  std::string grant_id;
  /// The grant's own end: from then on the lock refuses it by its window and
  /// may forget the revocation.
  Timestamp not_after{};
  friend bool operator==(const GrantRevocation&, const GrantRevocation&) = default;
};

/// A command for a lock before it is signed: the body of the signed envelope.
struct Command {
  ActionId id;
  LockAddress target;
  LockAction action{LockAction::lock};
  Timestamp issued_at{};
  Timestamp expires_at{};
  std::string key_id;        // which enrolled key signs it
  std::uint64_t counter{0};  // per-key, strictly increasing
  /// A code command (set_code, clear_code, read_codes, set_code_key); `action`
  /// is then unused.
  std::optional<CodeCommand> code;
  /// "ping" (docs/protocol.md 5.6): the lock only answers; `action` is then
  /// unused. The hub asks a lock whose report is overdue whether it still hears.
  bool ping{false};
  /// "revoke_grant" (docs/protocol.md 10.3), signed by a hub key; `action` is then unused.
  std::optional<GrantRevocation> revoke_grant;
  /// "recalibrate" (docs/protocol.md 5.7), signed by a hub key: the lock
  /// re-learns its bolt's end positions; `action` is then unused.
  bool recalibrate{false};
  /// Only lockwarden's own firmware understands it (no bridge has such a command).
  [[nodiscard]] bool native_only() const { return revoke_grant.has_value() || recalibrate; }
};

/// The hub's ping ids start with this, so a reader of results can tell a
/// ping's answer (the lock hears) from an action's (it worked).
inline constexpr std::string_view kPingIdPrefix = "ping-";

}  // namespace lw::core
