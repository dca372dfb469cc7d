// Z-Wave JS UI's MQTT gateway (formerly zwavejs2mqtt) as lockwarden reads it:
// which topic under the gateway's prefix is which, and the payloads it
// publishes for a lock's values, the node's status and the gateway itself,
// decoded into validated values. Pure decoders (no I/O, no clock) for the
// hub's health engine and the Z-Wave adapter. Formats: research notes
// ecosystem-formats.md section 2, zwave-js-ui api/lib/Gateway.ts and
// MqttClient.ts, and what src/sim publishes.
//
// Errors are invalid_argument and name the field by a path, without echoing
// the value: "status.status: must be one of Alive, Dead, Asleep, Awake,
// Unknown", "door_lock.currentMode: must be an integer 0..255". Unknown fields
// are ignored; a field that is null counts as absent.
//
// Threading: pure functions and immutable objects; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/result.h"
#include "base/time.h"
#include "core/lock/vocabulary.h"

namespace lw::protocol {

/// Command classes a lock uses (Z-Wave CC ids; named topics spell them
/// door_lock, user_code, notification, battery).
inline constexpr int kZwaveDoorLockCc = 0x62;      // 98
inline constexpr int kZwaveUserCodeCc = 0x63;      // 99
inline constexpr int kZwaveNotificationCc = 0x71;  // 113
inline constexpr int kZwaveBatteryCc = 0x80;       // 128

// --- topics -------------------------------------------------------------------

enum class ZwaveTopicKind {
  value,               ///< a node's value (see ZwaveValueAddress)
  node_status,         ///< <prefix>/<node>/status
  node_last_active,    ///< <prefix>/<node>/lastActive
  node_info,           ///< <prefix>/<node>/nodeinfo ("Publish node details")
  gateway_status,      ///< <prefix>/_CLIENTS/ZWAVE_GATEWAY-<name>/status (its MQTT will)
  gateway_version,     ///< <prefix>/_CLIENTS/ZWAVE_GATEWAY-<name>/version
  gateway_api_result,  ///< <prefix>/_CLIENTS/ZWAVE_GATEWAY-<name>/api/<api>
  gateway_other,       ///< other _CLIENTS topics (broadcast / multicast echoes)
  gateway_event,       ///< <prefix>/_EVENTS[_]/ZWAVE_GATEWAY-<name>/<driver|node|controller>/<event>
  driver_status,       ///< <prefix>/driver/status: plain true / false, the Z-Wave driver is ready
  write_request,       ///< any .../set: a write or API call (ours; not input)
  other,               ///< under the prefix but none of the above
};

/// How the gateway spells value topics (its "Gateway type").
enum class ZwaveTopicStyle {
  named,     ///< <node>/<class_name>/endpoint_<n>/<propertyName>[/<propertyKey>]
  value_id,  ///< <node>/<cc id>/<endpoint>/<property>[/<propertyKey>]
};

/// Which value a value topic carries, spelled as on the wire (sanitized by
/// the gateway: spaces become '_', "Access Control" is "Access_Control").
struct ZwaveValueAddress {
  ZwaveTopicStyle style{ZwaveTopicStyle::named};
  std::string command_class;            ///< "door_lock", or "98" in the value_id style
  std::optional<int> command_class_id;  ///< 98; nullopt for an unknown class name
  int endpoint{0};
  std::string property;                     ///< "currentMode", "level", "Access_Control"
  std::optional<std::string> property_key;  ///< "Lock_state", "Keypad_unlock_operation", "3"
};

struct ZwaveTopic {
  ZwaveTopicKind kind{ZwaveTopicKind::other};
  /// value, node_*, write_request on a value: "[<location>/]<name>" as on
  /// the wire. Names may contain '/', so the location is not split off.
  std::string node;
  /// From a node segment "nodeID_5" (unnamed node) or "5" (value_id style
  /// without names). A node named "5" also reads as id 5.
  std::optional<int> node_id;
  std::string gateway;   ///< gateway_*: the name after "ZWAVE_GATEWAY-"
  std::string subtopic;  ///< gateway_api_result: the API; gateway_other / gateway_event: the rest
  std::optional<ZwaveValueAddress> value;  ///< value (and write_request on a value topic)
};

/// Sorts the topics under one gateway's MQTT prefix.
///
/// A value topic is recognised by its shape from the end: "endpoint_<n>"
/// two or three segments from the end (named), or two numbers there
/// (value_id). <prefix>/driver/status is the driver, not a node named
/// "driver".
class ZwaveTopics {
 public:
  /// `prefix`: the gateway's MQTT prefix, without a trailing '/'.
  explicit ZwaveTopics(std::string prefix = "zwave");

  [[nodiscard]] const std::string& prefix() const { return prefix_; }

  /// nullopt when `topic` is not under the prefix.
  [[nodiscard]] std::optional<ZwaveTopic> classify(std::string_view topic) const;

 private:
  std::string prefix_;
};

// --- value payloads -------------------------------------------------------------

/// An object or array value, not kept (a notification's parameters, an
/// array of handle states).
struct ZwaveComposite {
  friend bool operator==(const ZwaveComposite&, const ZwaveComposite&) = default;
};
/// A value as the gateway sent it; monostate = null or not sent.
using ZwaveScalar = std::variant<std::monostate, bool, std::int64_t, double, std::string, ZwaveComposite>;

struct ZwaveValue {
  std::optional<Timestamp> time;  ///< the gateway's "time" (or "lastUpdate"), ms since the epoch
  ZwaveScalar value;
  /// "eventLabel" next to the value (lockwarden's simulator sends it on
  /// Access_Control).
  std::optional<std::string> event_label;
  /// A notification's parameters {"userId": n} (0..65535), when present.
  std::optional<int> user_id;
};

/// Any of the gateway's payload types: JSON time-value {"time":..,"value":..}
/// (a notification without parameters has no "value"), the entire ValueId
/// object {"id":..,"value":..,"lastUpdate":..}, or just the value (255, true,
/// "locked", or a bare word). An empty payload (a cleared retained topic)
/// reads as null. At most 64 KiB.
Result<ZwaveValue> decode_zwave_value(std::string_view payload);

// --- what a value says about a lock ---------------------------------------------

/// One Notification CC type 6 (Access Control) event, in domain words.
struct ZwaveAccessEvent {
  int code{0};                                ///< the event: 0x01 Manual lock operation ... 0x22; 0 = idle
  std::optional<core::LockAction> operation;  ///< lock / unlock, also for "not fully locked"
  core::OperationSource source{core::OperationSource::unknown};
  /// "jammed" (0x0b), "keypad_disabled" (0x10), "wrong_code_limit" (0x13),
  /// "wrong_code" (0x14, 0x15: RF with an invalid user code).
  std::optional<std::string> alarm;
  std::optional<int> user_id;  ///< from the parameters
};

/// The Access Control event `code`; nullopt for codes outside the table.
std::optional<ZwaveAccessEvent> zwave_access_control_event(int code);
/// The Access Control event whose label is `label`, spelled as zwave-js
/// does ("Keypad unlock operation") or as a topic ("Keypad_unlock_operation").
std::optional<int> zwave_access_control_code(std::string_view label);

/// Door Lock CC currentMode: 255 Secured -> locked; 0, 1, 16, 17, 32, 33
/// (unsecured, also with time-out or inside / outside only) -> unlocked;
/// 254 Unknown -> jammed (a jammed Kwikset 914 reports 254,
/// home-assistant/core#66525); other values -> unknown.
core::LockState zwave_lock_state_from_mode(int current_mode);

/// What one value says about a lock; every field absent = nothing for us.
struct ZwaveLockUpdate {
  std::optional<core::LockState> lock_state;
  std::optional<core::DoorState> door_state;
  /// true on 0x0b Lock jammed; false when Access Control "Lock state" returns
  /// to idle or a lock / unlock event arrives (zwave-js idleVariables: a lock
  /// never says "un-jammed").
  std::optional<bool> jammed;
  std::optional<int> battery_pct;   ///< Battery CC level 0..100
  std::optional<bool> battery_low;  ///< Battery CC isLow, or Power Management replace battery soon/now
  std::optional<ZwaveAccessEvent> event;
  /// Door Lock CC v4 autoRelockTime, seconds (0: off): one of the lock's own
  /// settings (core::LockSettings::auto_relock_s).
  std::optional<int> auto_relock_s;
};

/// Reads a lock's value: door_lock currentMode / boltStatus / doorStatus /
/// autoRelockTime,
/// battery level / isLow, notification Access_Control (the event code as
/// value, with or without a "Lock_state", "Door_state", "Keypad_state" key,
/// or an event label as key) and Power_Management battery maintenance. Other
/// values, and null values, give an empty update. Errors name the value as
/// "<class>.<property>[.<key>]": "battery.level: must be an integer 0..100".
Result<ZwaveLockUpdate> interpret_zwave_lock_value(const ZwaveValueAddress& address, const ZwaveValue& value);

// --- node and gateway payloads --------------------------------------------------

/// zwave-js NodeStatus as the gateway names it.
enum class ZwaveNodeStatus { unknown, asleep, awake, dead, alive };
std::optional<ZwaveNodeStatus> parse_zwave_node_status(std::string_view s) noexcept;  // "Alive"...
std::string_view to_string(ZwaveNodeStatus v) noexcept;

struct ZwaveNodeStatusReport {
  bool available{false};  ///< "value": the node is ready (dead / asleep = false)
  std::optional<ZwaveNodeStatus> status;
  std::optional<int> node_id;  ///< 1..4000
  std::optional<Timestamp> time;
};
/// <node>/status: {"time":..,"value":true,"status":"Alive","nodeId":5}
/// (older builds lack nodeId), or a bare true / false (payload type "just
/// value").
Result<ZwaveNodeStatusReport> decode_zwave_node_status(std::string_view payload);

/// <node>/lastActive: {"time":..,"value":<ms>} or the bare ms; nullopt when
/// the node was never heard ("value" absent or null).
Result<std::optional<Timestamp>> decode_zwave_last_active(std::string_view payload);

struct ZwaveNodeInfo {
  int id{0};
  std::optional<std::string> name;
  std::optional<std::string> location;  ///< "loc"
  std::optional<bool> ready;
  std::optional<bool> available;
  std::optional<bool> failed;
  std::optional<ZwaveNodeStatus> status;
  std::optional<Timestamp> last_active;
  std::optional<std::string> firmware_version;
  std::optional<bool> is_listening;
  std::optional<bool> is_frequent_listening;   ///< FLiRS: most locks
  std::optional<std::string> interview_stage;  ///< "Complete"
};
/// <node>/nodeinfo, at most 1 MiB.
Result<ZwaveNodeInfo> decode_zwave_node_info(std::string_view payload);

/// _CLIENTS/.../status: {"value":true,"time":..} on connect, {"value":false}
/// as its MQTT will; also a bare true / false, as on driver/status.
Result<bool> decode_zwave_gateway_status(std::string_view payload);
/// _CLIENTS/.../version: {"value":"9.27.0","time":..}, or the bare version.
Result<std::string> decode_zwave_gateway_version(std::string_view payload);

}  // namespace lw::protocol
