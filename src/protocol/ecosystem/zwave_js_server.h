// zwave-js-server's WebSocket API (the one Home Assistant's Z-Wave JS
// integration speaks) as lockwarden reads and writes it: the server's
// version greeting, command results and node events, decoded into validated
// values, and the few commands lockwarden sends. Pure (no I/O, no clock).
// Formats: @zwave-js/server's src/lib (outgoing_message.ts, node/command.ts,
// state.ts), recorded from the real server in
// tests/fixtures/zwave_js_server/session.jsonl; docs/integrations.md
// ("Z-Wave JS").
//
// What a value means for a lock (Door Lock currentMode, Battery level,
// Notification Access Control...) is decided by interpret_zwave_lock_value
// in zwave_js_ui.h: the server's value ids are the same as the MQTT
// gateway's value_id topics.
//
// Errors are invalid_argument and name the field by a path without echoing
// the value ("event.nodeId: must be an integer 1..4000"). Unknown fields and
// unknown message types are ignored (the server adds fields with each schema).
//
// Threading: pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"
#include "protocol/ecosystem/zwave_js_ui.h"

namespace lw::protocol {

/// The API schema lockwarden speaks; the server must support it (its
/// minSchemaVersion..maxSchemaVersion): the one the recorded session used.
inline constexpr int kZwsSchemaVersion = 44;
/// The largest message read (a start_listening state of a big network).
inline constexpr std::size_t kZwsMaxMessageBytes = 16u << 20;

/// {"type":"version", ...}: the first message on every connection.
struct ZwsVersion {
  std::string driver_version;
  std::string server_version;
  int min_schema{0};
  int max_schema{0};
  std::optional<std::uint32_t> home_id;
};

/// A value of a node: one entry of a node's "values", or a value event's args.
struct ZwsValue {
  int command_class{0};
  int endpoint{0};
  std::string property;                     ///< numbers spelled as decimal
  std::optional<std::string> property_key;  ///< numbers spelled as decimal
  ZwaveValue value;                         ///< "value", or "newValue" in an event

  /// The same value id as the MQTT gateway's topics; the lock's classes
  /// named as there ("battery"), others by number.
  [[nodiscard]] ZwaveValueAddress address() const;
};

/// A node as the server describes it (state.nodes[], a "ready" event's nodeState).
struct ZwsNode {
  int node_id{0};
  ZwaveNodeStatus status{ZwaveNodeStatus::unknown};
  bool ready{false};
  bool is_controller{false};
  /// Its device class is Entry Control (generic 0x40) or it implements Door Lock.
  bool is_lock{false};
  std::optional<std::string> name;
  std::optional<std::string> location;
  std::optional<std::string> firmware_version;
  std::optional<bool> is_listening;
  std::optional<bool> is_frequent_listening;
  /// `highestSecurityClass` (zwave-js SecurityClass): -1 None, 0 S2
  /// Unauthenticated, 1 S2 Authenticated, 2 S2 Access Control, 7 S0 Legacy;
  /// absent while the driver does not know it yet.
  std::optional<int> highest_security_class;
  std::vector<ZwsValue> values;
};

/// Whether a node's security class leaves its traffic open: None (no
/// encryption) or S0 Legacy (its network key travels under a known key at
/// inclusion: Z-Shave). Unknown is not insecure — nor secure.
[[nodiscard]] constexpr bool insecure_security_class(int security_class) noexcept {
  return security_class == -1 || security_class == 7;
}
/// "None", "S0 Legacy", "S2 Unauthenticated", "S2 Authenticated", "S2 Access Control", or "unknown".
[[nodiscard]] std::string_view security_class_name(int security_class) noexcept;

/// One user slot as the lock answered a User Code Get (invoke_cc_api "get").
struct ZwsUserCode {
  int status{0};     ///< userIdStatus: 0 available, 1 enabled, 2 disabled, 254 no such slot
  std::string code;  ///< userCode: the digits ("" when available)
  [[nodiscard]] bool occupied() const { return status == 1 || status == 2; }
};

/// {"type":"result", ...}: the answer to one command.
/// One firmware update the Z-Wave JS firmware update service offers a node.
struct ZwsFirmwareUpdate {
  std::string version;  ///< shown() and bounded
  bool downgrade{false};
  /// The update's object as the server gave it: sent back whole as
  /// controller.firmware_update_ota's updateInfo.
  std::string info;
};

struct ZwsResult {
  std::string message_id;
  bool success{false};
  /// On failure: errorCode ("zwave_error", "node_not_found", "schema_incompatible"...)
  std::string error_code;
  /// On failure: zwaveErrorMessage or message, shown() and bounded; for a
  /// set_value the driver's words on a failed status ("UserCodeCCSet: ...").
  std::string error_message;
  /// start_listening: the network's nodes.
  std::optional<std::vector<ZwsNode>> nodes;
  /// node.set_value (schema >= 29): SetValueStatus (255 success, 254
  /// success unsupervised, 1 working, 0/2..5 failed).
  std::optional<int> set_value_status;
  /// node.ping: whether the node answered.
  std::optional<bool> responded;
  /// endpoint.invoke_cc_api of User Code "get": the slot asked.
  std::optional<ZwsUserCode> user_code;
  /// endpoint.invoke_cc_api of Door Lock "getConfiguration": whether it
  /// answered, and its autoRelockTime (v4; absent from an older lock).
  bool door_lock_configuration{false};
  std::optional<int> auto_relock_time;
  /// controller.get_available_firmware_updates: what the firmware update
  /// service offers the node, as listed.
  std::optional<std::vector<ZwsFirmwareUpdate>> firmware_updates;
  /// controller.firmware_update_ota (schema >= 32): whether it was installed
  /// (result.result.success; its status is set_value_status).
  std::optional<bool> firmware_installed;
};

/// A Notification CC "notification" event (stateless events: keypad and RF operations).
struct ZwsNotification {
  int type{0};   ///< 6 = Access Control
  int event{0};  ///< the event code within the type
  std::optional<int> user_id;
};

/// {"type":"event","event":{"source":..,"event":..}}.
struct ZwsEvent {
  std::string source;  ///< "node", "controller", "driver"
  std::string name;    ///< "value updated", "dead", "alive", "sleep", "wake up", "notification", "ready"...
  std::optional<int> node_id;
  std::optional<ZwsValue> value;                ///< "value updated" / "value added" / "value notification"
  std::optional<ZwsNotification> notification;  ///< "notification" from the Notification CC
  std::optional<ZwsNode> node;                  ///< "ready" (nodeState), "node added" (node)
  /// "statistics updated" of a node: when the controller last heard it or
  /// reached it (lastSeen, as sent), and the average RSSI of its frames in
  /// dBm (-128..-1; zwave-js's 125..127 "no reading" are left out).
  std::optional<std::string> last_seen;
  std::optional<int> rssi_dbm;
};

using ZwsMessage = std::variant<ZwsVersion, ZwsResult, ZwsEvent, std::monostate>;  // monostate: ignored

/// One text message from the server. At most kZwsMaxMessageBytes.
Result<ZwsMessage> decode_zws_message(std::string_view text);

/// NodeStatus as a number on the server's API: 0 unknown, 1 asleep, 2 awake, 3 dead, 4 alive.
std::optional<ZwaveNodeStatus> zws_node_status(std::int64_t n) noexcept;

// --- commands -------------------------------------------------------------------

std::string encode_zws_set_api_schema(std::string_view message_id, int schema);
std::string encode_zws_start_listening(std::string_view message_id);
/// node.set_value of Door Lock targetMode: 255 secured (lock), 0 unsecured (unlock).
std::string encode_zws_door_lock(std::string_view message_id, int node_id, bool lock);
/// node.ping: answered {"responded": bool}.
std::string encode_zws_ping(std::string_view message_id, int node_id);
/// driver.soft_reset: the controller restarts (its routes and radio state
/// rebuilt); the driver reconnects to it by itself.
std::string encode_zws_soft_reset(std::string_view message_id);
/// controller.get_available_firmware_updates of a node, stable releases only
/// (the service's API key is the driver's own): answered {"updates":[...]}.
std::string encode_zws_available_firmware_updates(std::string_view message_id, int node_id);
/// controller.firmware_update_ota of a node with one update as listed
/// (ZwsFirmwareUpdate::info); answered once it ended:
/// {"result":{"status":N,"success":bool,...}}. Errors: invalid_argument when
/// `update_info` is not a JSON object.
Result<std::string> encode_zws_firmware_update_ota(std::string_view message_id, int node_id,
                                                   std::string_view update_info);
/// User Code CC (99) of a node: node.set_value of userCode[user_id] (the
/// driver stores it enabled), of userIdStatus[user_id] = 0 (available: the
/// slot is cleared), and endpoint.invoke_cc_api "get" of one slot.
std::string encode_zws_user_code_set(std::string_view message_id, int node_id, int user_id,
                                     std::string_view pin);
std::string encode_zws_user_code_clear(std::string_view message_id, int node_id, int user_id);
std::string encode_zws_user_code_get(std::string_view message_id, int node_id, int user_id);
/// Door Lock CC (98) configuration of a node: endpoint.invoke_cc_api
/// "getConfiguration" (answered {"response":{"operationType":..,"autoRelockTime":..}}),
/// and node.set_value of autoRelockTime (the driver sends a Configuration Set
/// with the other parameters as it last knew them).
std::string encode_zws_door_lock_configuration_get(std::string_view message_id, int node_id);
std::string encode_zws_auto_relock_set(std::string_view message_id, int node_id, int seconds);

}  // namespace lw::protocol
