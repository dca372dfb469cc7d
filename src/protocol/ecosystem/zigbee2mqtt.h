// Zigbee2MQTT (Z2M) as lockwarden reads it: which topic under Z2M's base topic
// is which, and the payloads Z2M publishes for a lock and for itself, decoded
// into validated values. Pure decoders (no I/O, no clock) for the hub's health
// engine and the Zigbee2MQTT adapter. Formats: research notes
// ecosystem-formats.md section 1 (Z2M 1.x and 2.x), and what src/sim publishes.
//
// Errors are invalid_argument and name the field by a path, without echoing
// the value: "device.linkquality: must be an integer 0..255",
// "bridge_devices[2].ieee_address: must be 0x and 16 hex digits",
// "bridge_state: must be online or offline". Unknown fields are ignored (Z2M
// sends many); a field that is null counts as absent.
//
// Threading: pure functions and immutable objects; safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "core/lock/credentials.h"
#include "core/lock/messages.h"
#include "core/lock/vocabulary.h"

namespace lw::protocol {

// --- topics -------------------------------------------------------------------

enum class Z2mTopicKind {
  device,               ///< <base>/<name>: the device's state, a JSON object
  device_availability,  ///< <base>/<name>/availability (retained)
  device_action,        ///< <base>/<name>/action: a plain action string
  device_set,           ///< <base>/<name>/set[/<attr>]: a command (ours; not input)
  device_get,           ///< <base>/<name>/get[/<attr>]: a read request (ours; not input)
  bridge_state,         ///< <base>/bridge/state (retained)
  bridge_info,          ///< <base>/bridge/info (retained)
  bridge_event,         ///< <base>/bridge/event
  bridge_logging,       ///< <base>/bridge/logging
  bridge_log,           ///< <base>/bridge/log: the 1.x legacy log (removed in 2.0)
  bridge_devices,       ///< <base>/bridge/devices (retained)
  bridge_other,         ///< any other <base>/bridge/...: groups, request/..., response/...
  other,                ///< under the base but none of the above (an empty name)
};

struct Z2mTopic {
  Z2mTopicKind kind{Z2mTopicKind::other};
  /// device_*: the friendly name. It may contain '/' (Z2M allows it), so
  /// <base>/a/b/availability is the availability of device "a/b".
  std::string friendly_name;
  /// device_set / device_get: the attribute of /set/<attr> (empty for /set);
  /// bridge_other: the path after "bridge/".
  std::string subtopic;
};

/// Sorts the topics under one Z2M instance's base topic.
///
/// Classification is by shape only. Z2M's "attribute" output mode
/// (<base>/<name>/<attr>) cannot be told apart from a device whose name has
/// a '/'; such a topic reads as the device "<name>/<attr>".
class Z2mTopics {
 public:
  /// `base`: Z2M's mqtt.base_topic, without a trailing '/'.
  explicit Z2mTopics(std::string base = "zigbee2mqtt");

  [[nodiscard]] const std::string& base() const { return base_; }

  /// nullopt when `topic` is not under the base topic.
  [[nodiscard]] std::optional<Z2mTopic> classify(std::string_view topic) const;

 private:
  std::string base_;
};

// --- <base>/<name>: the device's state ----------------------------------------

/// "state": what Z2M makes of ZCL lockState: LOCK only when fully locked.
enum class Z2mStateWord { lock, unlock };

/// "update".state: Z2M's OTA state.
enum class Z2mUpdateState { idle, available, updating, scheduled };

struct Z2mUpdate {
  std::optional<Z2mUpdateState> state;
  std::optional<double> progress_pct;             ///< 0..100, while updating
  std::optional<std::int64_t> remaining_s;        ///< seconds, while updating
  std::optional<std::int64_t> installed_version;  ///< OTA file version, -1..4294967295
  std::optional<std::int64_t> latest_version;
};

/// One PIN slot as a lock answered a getPinCode (converter
/// lock_pin_code_response): "available" is empty, "enabled" and "disabled"
/// hold a code; the digits only with the device option expose_pin.
struct Z2mUserSlot {
  std::string status;              ///< available, enabled, disabled, not_supported_<n>
  std::optional<std::string> pin;  ///< "pin_code", 1..16 digits
  [[nodiscard]] bool occupied() const { return status == "enabled" || status == "disabled"; }
  friend bool operator==(const Z2mUserSlot&, const Z2mUserSlot&) = default;
};

/// One device payload, field by field as Z2M names them; absent = not in
/// this message (Z2M publishes the whole cached state, so usually present).
struct Z2mDeviceReport {
  std::optional<double> battery;              ///< percent 0..100; Z2M halves the ZCL value, so 70.5 occurs
  std::optional<int> voltage_mv;              ///< "voltage": millivolts 0..65535
  std::optional<int> linkquality;             ///< LQI 0..255 at the coordinator; not an RSSI
  std::optional<core::LockState> lock_state;  ///< "lock_state": not_fully_locked, locked, unlocked
  std::optional<Z2mStateWord> state;          ///< "state": LOCK / UNLOCK
  /// "door_state": open, closed, error_jammed (jammed), error_forced_open
  /// (forced_open), error_unspecified and undefined (unknown).
  std::optional<core::DoorState> door_state;
  /// "action" ("unlock", "manual_lock", "lock_failure_invalid_pin_or_id"...).
  /// The empty action 1.x publishes after each action reads as absent.
  std::optional<std::string> action;
  std::optional<int> action_source;               ///< raw ZCL source 0..255
  std::optional<std::string> action_source_name;  ///< keypad, rf, manual, rfid, fingerprint
  std::optional<int> action_user;                 ///< 0..65535; 65535 = no user (RF, manual)
  std::optional<bool> battery_low;
  std::optional<Z2mUpdate> update;
  std::optional<bool> update_available;  ///< 1.x, deprecated
  /// "last_seen" (only with advanced.last_seen): ISO 8601 with a zone, or
  /// ms since the epoch.
  std::optional<Timestamp> last_seen;
  /// "users": the PIN slots the lock has answered about, by user id 0..65535.
  std::map<int, Z2mUserSlot> users;
  /// "last_successful_pincode_save" / "_clear": Date.now() in ms when the
  /// lock last confirmed a setPinCode / clearPinCode with status 0.
  std::optional<std::int64_t> pincode_saved_ms;
  std::optional<std::int64_t> pincode_cleared_ms;
  /// "auto_relock_time": the ZCL autoRelockTime, seconds (0: off).
  std::optional<int> auto_relock_time;
  /// "sound_volume": silent_mode, low_volume, high_volume.
  std::optional<core::SoundVolume> sound_volume;
};

/// Z2M's names of the sound volumes (constants.lockSoundVolume):
/// "silent_mode", "low_volume", "high_volume".
std::string_view z2m_sound_volume(core::SoundVolume v) noexcept;
std::optional<core::SoundVolume> parse_z2m_sound_volume(std::string_view s) noexcept;

/// `payload`: the JSON object on <base>/<name>, at most 64 KiB. Besides Z2M's
/// three lock_state names, lock_state accepts lockwarden's others (jammed,
/// unlatched, unknown), which the simulator writes.
Result<Z2mDeviceReport> decode_z2m_device(std::string_view payload);

/// What an "action" means for a lock, in domain words.
struct Z2mLockAction {
  std::optional<core::LockAction> operation;  ///< lock / unlock; for a failure, the one attempted
  core::OperationSource source{core::OperationSource::unknown};
  /// Set when the action is a failure: "wrong_code" (invalid PIN or id),
  /// "outside_schedule" (invalid schedule).
  std::optional<std::string> alarm;
};

/// Maps an action to a lock operation. The generic ZCL converter says
/// "unlock" plus action_source_name ("keypad", "rf" -> remote, "manual",
/// "rfid"; "fingerprint" has no OperationSource and reads unknown); vendor
/// converters say "keypad_unlock", "rfid_lock", "zigbee_unlock"... Both are
/// accepted. nullopt for actions that are not operations (pin_code_added...).
std::optional<Z2mLockAction> interpret_z2m_action(std::string_view action,
                                                  std::optional<std::string_view> source_name);

/// A device report in domain values.
struct Z2mLockView {
  /// door_state error_jammed -> jammed; else lock_state; else state (LOCK ->
  /// locked, UNLOCK -> unlocked, although UNLOCK may be not fully locked).
  std::optional<core::LockState> lock_state;
  std::optional<core::DoorState> door_state;
  /// ts = last_seen when present, else `received`; battery_pct (rounded),
  /// battery_mv and transport = zigbee; nothing else.
  core::Telemetry telemetry;
  std::optional<int> linkquality;  ///< LQI 0..255, kept apart from rssi_dbm
  std::optional<bool> battery_low;
  std::optional<Z2mLockAction> action;
};
Z2mLockView to_lock_view(const Z2mDeviceReport& report, Timestamp received);

// --- availability and bridge state ----------------------------------------------

/// <base>/<name>/availability: {"state":"online"|"offline"} (2.x), or the
/// legacy plain online / offline (1.x). true = online.
Result<bool> decode_z2m_availability(std::string_view payload);
/// <base>/bridge/state: the same two forms. true = online.
Result<bool> decode_z2m_bridge_state(std::string_view payload);

/// <base>/<name>/action: a plain action string; empty reads as nullopt.
Result<std::optional<std::string>> decode_z2m_action(std::string_view payload);

// --- bridge/info ----------------------------------------------------------------

struct Z2mBridgeInfo {
  std::string version;  ///< "1.41.0", "2.1.3-dev"
  std::optional<std::string> commit;
  std::optional<std::string> coordinator_type;  ///< "zStack3x0", "zStack30x", ...
  /// coordinator.meta.revision as text: Z-Stack sends a number (20190425),
  /// other stacks may send text, kept as given.
  std::optional<std::string> coordinator_revision;
  std::optional<std::string> coordinator_ieee_address;
  std::optional<int> channel;  ///< 11..26
  std::optional<int> pan_id;   ///< 0..65535
  /// network.extended_pan_id as 16 lower-case hex digits: 1.x sends 8 bytes
  /// ([221,221,...]), later versions "0xdddddddddddddddd".
  std::optional<std::string> extended_pan_id;
  std::optional<bool> permit_join;
  /// 2.x: when the open join window closes, ms since the epoch (absent while closed).
  std::optional<std::int64_t> permit_join_end_ms;
  /// 1.x: seconds left of the open join window; absent while closed or when it never closes.
  std::optional<int> permit_join_timeout_s;
  std::optional<bool> restart_required;
};
/// The network still has the identifiers every Zigbee2MQTT before 1.33.0
/// formed it with (PAN 6754 = 0x1A62, extended PAN dd..dd), and so, unless
/// its owner changed only the key, the default network key published with
/// them. Z2M never reports the key itself.
[[nodiscard]] bool z2m_default_network(const Z2mBridgeInfo& info);
/// The major version of a Z2M version text ("1.41.0" -> 1, "2.1.3-dev" -> 2);
/// nullopt when it does not start with a number.
std::optional<int> z2m_major_version(std::string_view version);
/// At most 4 MiB (it carries Z2M's whole config and schema).
Result<Z2mBridgeInfo> decode_z2m_bridge_info(std::string_view payload);

// --- bridge/event ---------------------------------------------------------------

enum class Z2mBridgeEventType { device_joined, device_announce, device_interview, device_leave, other };
enum class Z2mInterviewStatus { started, successful, failed };

struct Z2mBridgeEvent {
  Z2mBridgeEventType type{Z2mBridgeEventType::other};
  std::string type_name;  ///< as on the wire
  /// The four device events require data.friendly_name and data.ieee_address;
  /// other types are not read further.
  std::string friendly_name;
  std::string ieee_address;
  std::optional<Z2mInterviewStatus> interview_status;  ///< device_interview: required
  std::optional<bool> supported;
  std::optional<std::string> model;   ///< device_interview successful: definition.model
  std::optional<std::string> vendor;  ///< definition.vendor
};
Result<Z2mBridgeEvent> decode_z2m_bridge_event(std::string_view payload);

// --- bridge/logging -------------------------------------------------------------

/// Which of Z2M's known log lines this is (lib/extension/publish.ts,
/// availability.ts, configure.ts; research notes 1.4 and 1.7).
enum class Z2mLogKind {
  publish_failed,               ///< Publish 'set' 'state' to '<name>' failed: '<error>'
  ping_failed,                  ///< Failed to ping '<name>' (attempt 1/2, <error>)
  ping_succeeded,               ///< Successfully pinged '<name>' (attempt 1/2)
  read_after_reconnect_failed,  ///< Failed to read state of '<name>' after reconnect (<error>)
  reconnected,                  ///< Device '<name>' reconnected
  last_seen,                    ///< Active|Passive device '<name>' was last seen ...
  configure_failed,             ///< Failed to configure '<name>', attempt 1 (<error>)
  interview_failed,             ///< Failed to interview '<name>', ...
  adapter_disconnected,         ///< Adapter disconnected, stopping
  other,
};

struct Z2mLogLine {
  std::string level;  ///< "error", "warning", "info", "debug"
  std::string message;
  Z2mLogKind kind{Z2mLogKind::other};
  std::optional<std::string> device;  ///< the friendly name the line is about
  /// The stack's status in "...failed with error: 'MAC no ack' (233)": 205
  /// No network route, 225 MAC channel access failure, 233 MAC no ack, 240
  /// MAC transaction expired, or any other code the stack names.
  std::optional<int> mac_status;
  std::optional<std::string> status_name;  ///< "MAC no ack"
  /// The error was a time-out ("AREQ - AF - dataConfirm after 3000ms",
  /// "Timeout - 7966 - 1 - 12 - 257 - 1 after 10000ms").
  bool timed_out{false};
};

/// bridge/logging: {"level":..., "message":...}. Also the 1.x bridge/log
/// form {"type":"zigbee_publish_error","message":...,"meta":{"friendly_name":...}}:
/// level "error" when type ends in "_error", else "info"; meta.friendly_name
/// names the device when the message does not. At most 64 KiB.
Result<Z2mLogLine> decode_z2m_bridge_logging(std::string_view payload);

/// Reads the kind, device, status and time-out out of one log message.
Z2mLogLine read_z2m_log_message(std::string level, std::string message);

// --- bridge/devices -------------------------------------------------------------

enum class Z2mDeviceType { coordinator, router, end_device, green_power, unknown };

struct Z2mDevice {
  std::string ieee_address;  ///< "0x" and 16 hex digits
  std::string friendly_name;
  Z2mDeviceType type{Z2mDeviceType::unknown};  ///< Coordinator, Router, EndDevice, GreenPower, Unknown
  std::optional<std::string> power_source;     ///< "Battery", "Mains (single phase)", ...
  std::optional<std::string> model_id;         ///< the device's own id ("YRD256 TSDB")
  std::optional<std::string> model;            ///< definition.model ("YRD256HA20BP")
  std::optional<std::string> vendor;           ///< definition.vendor
  std::optional<std::string> software_build_id;
  std::optional<bool> supported;
  std::optional<bool> interview_completed;
  bool is_lock{false};     ///< definition.exposes has an expose of type "lock"
  bool is_battery{false};  ///< power_source == "Battery"
};
/// The retained JSON array, at most 16 MiB.
Result<std::vector<Z2mDevice>> decode_z2m_bridge_devices(std::string_view payload);

std::string_view to_string(Z2mLogKind v) noexcept;

}  // namespace lw::protocol
