// The JSON codec of the native lock protocol v1 for the lock → hub channels
// (docs/protocol.md, sections 3 and 4): status, telemetry, state, event and
// result payloads to and from the validated domain values of
// core/lock/messages.h. The hub decodes; the lock (and the simulator) encode.
//
// Decoding rejects the whole payload on the first broken rule. Errors are
// invalid_argument and name the field by its path, without echoing the value:
//   "payload: not valid JSON"                 (also: must be a JSON object,
//                                              larger than 4096 bytes,
//                                              nested deeper than 8 levels)
//   "telemetry.v: unsupported protocol version; this side speaks 1"
//   "telemetry.battery_pct: must be an integer 0..100"
//   "event.seq: missing"
// Unknown fields are ignored; an optional field that is null counts as absent.
//
// Encoding writes the fields in the order of the doc's tables and omits absent
// optional fields; encode(decode(x)) reproduces the doc's examples byte for
// byte. Encoders expect valid domain values (ids, ranges) and do not check them.
//
// Threading: pure functions; safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "core/lock/messages.h"

namespace lw::protocol {

/// The protocol's major version, `"v"` in every payload.
inline constexpr int kProtocolVersion = 1;

/// `status`: {"v":1,"status":"online"|"offline","ts_ms":<optional>}.
Result<core::StatusReport> decode_status(std::string_view payload);
/// `telemetry`: ts_ms required; battery_mv 0..65535, battery_pct 0..100,
/// rssi_dbm -120..0, fw 1..64 bytes, uptime_s 0..4294967295 (seconds),
/// reboot_count, boot_reason, heartbeat_s 1..86400 (seconds), name 1..64
/// bytes, transport: all optional.
Result<core::Telemetry> decode_telemetry(std::string_view payload);
/// `state`: ts_ms and lock_state required; door_state optional (unknown).
Result<core::StateReport> decode_state(std::string_view payload);
/// `event`: seq, ts_ms and type required; operation required for
/// lock_operation, alarm for alarm; source (default unknown) and user optional.
Result<core::DeviceEvent> decode_event(std::string_view payload);
/// `result`: cmd_id (an id), ts_ms and outcome required; lock_state and
/// detail (0..256 bytes) optional.
Result<core::CommandResult> decode_result(std::string_view payload);
/// `app` (a phone's topic): ts_ms, lock (an id) and result ("ok" or
/// "failed") required; app_version (1..32 bytes), bluetooth and location
/// ("granted" or "denied", default granted) and reason (a snake_case name,
/// required when failed) optional.
Result<core::AppReport> decode_app_report(std::string_view payload);

// Encoders. Each encode_* returns the payload; the matching append_* appends
// the same bytes to `out` (kept as is, it need not be empty), so a caller can
// reuse one buffer. Each allocates at most once per payload (append_* not at
// all when `out` already has room).
// The bytes are those boost::json::serialize writes for the same object.

std::string encode_status(const core::StatusReport& status);
std::string encode_telemetry(const core::Telemetry& telemetry);
std::string encode_state(const core::StateReport& state);
std::string encode_event(const core::DeviceEvent& event);
/// An empty `detail` is omitted.
std::string encode_result(const core::CommandResult& result);

void append_status(std::string& out, const core::StatusReport& status);
void append_telemetry(std::string& out, const core::Telemetry& telemetry);
void append_state(std::string& out, const core::StateReport& state);
void append_event(std::string& out, const core::DeviceEvent& event);
/// An empty `detail` is omitted.
void append_result(std::string& out, const core::CommandResult& result);
/// Appends `s` as a quoted JSON string, escaped as boost::json does.
void append_json_string(std::string& out, std::string_view s);

/// A keypad code's schedule as the JSON object of docs/protocol.md section 8
/// ({"type":"weekly","days":["mon"],"start":"08:00","end":"12:00","utc_offset_min":60}).
std::string encode_schedule(const core::CodeSchedule& schedule);
/// Reads such an object. Errors name the field under `path`
/// ("schedule.days: must be a list of day names mon..sun").
Result<core::CodeSchedule> decode_schedule(std::string_view json, const std::string& path);

/// A lock's settings as the JSON object of docs/protocol.md 8.2
/// ({"auto_relock_s":30,"sound_volume":"low"}): the ones present.
std::string encode_settings(const core::LockSettings& settings);
/// Reads such an object. Errors name the field under `path`
/// ("settings.auto_relock_s: must be an integer 0..65535").
Result<core::LockSettings> decode_settings(std::string_view json, const std::string& path);

/// The Last Will payload a lock registers for its status topic.
inline constexpr std::string_view kLastWillPayload = R"({"v":1,"status":"offline"})";

}  // namespace lw::protocol
