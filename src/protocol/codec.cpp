#include "protocol/codec.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <utility>

#include "protocol/code_codec.h"
#include "protocol/json_reader.h"

namespace lw::protocol {
namespace {

using detail::FieldReader;
using detail::ParsedPayload;

constexpr std::int64_t kMaxU32 = 4'294'967'295;
constexpr std::int64_t kMaxI32 = 2'147'483'647;
constexpr std::size_t kMaxTextBytes = 64;
constexpr std::size_t kMaxDetailBytes = 256;
constexpr std::size_t kMaxAlarmName = 32;
constexpr std::size_t kMaxCodeDigestChars = 64;

std::optional<bool> parse_online(std::string_view s) noexcept {
  if (s == "online") return true;
  if (s == "offline") return false;
  return std::nullopt;
}

std::optional<core::DeviceEventKind> parse_event_kind(std::string_view s) noexcept {
  if (s == "lock_operation") return core::DeviceEventKind::lock_operation;
  if (s == "alarm") return core::DeviceEventKind::alarm;
  return std::nullopt;
}

std::optional<int> narrow(const std::optional<std::int64_t>& v) {
  if (!v) return std::nullopt;
  return static_cast<int>(*v);
}

// The encoders write JSON text directly, byte for byte as boost::json::serialize
// writes the same object: no whitespace, fields in insertion order, integers in
// plain decimal, and strings escaped the way its serializer escapes them.

// Upper bounds of an encoded payload apart from its free-text strings: every
// key, its punctuation, a 20-character integer and the longest wire name.
// They size one allocation; exceeding them costs a reallocation, not a wrong byte.
constexpr std::size_t kStatusMaxBytes = 64;
constexpr std::size_t kTelemetryMaxBytes = 384;
constexpr std::size_t kStateMaxBytes = 128;
constexpr std::size_t kEventMaxBytes = 192;
constexpr std::size_t kResultMaxBytes = 160;

/// The most bytes `s` takes once quoted and escaped (every byte as \u00XX).
std::size_t max_escaped_size(const std::string& s) noexcept { return 2 + 6 * s.size(); }
std::size_t max_escaped_size(const std::optional<std::string>& s) noexcept {
  return s ? max_escaped_size(*s) : 0;
}

/// Makes room for `extra` more bytes, growing geometrically so that a caller
/// appending many payloads to one buffer does not reallocate on each.
void reserve_more(std::string& out, std::size_t extra) {
  const std::size_t needed = out.size() + extra;
  if (needed > out.capacity()) out.reserve(std::max(needed, 2 * out.capacity()));
}

template <typename Integer>
void append_integer(std::string& out, Integer value) {
  char digits[24];
  const auto end = std::to_chars(std::begin(digits), std::end(digits), value).ptr;
  out.append(digits, end);
}

/// Every payload opens with the version, so each field after it takes a comma.
/// Keys are fixed ASCII names that need no escaping.
void append_key(std::string& out, std::string_view key) {
  out.append(",\"", 2);
  out.append(key);
  out.append("\":", 2);
}

void append_field(std::string& out, std::string_view key, std::string_view value) {
  append_key(out, key);
  append_json_string(out, value);
}
void append_field(std::string& out, std::string_view key, std::int64_t value) {
  append_key(out, key);
  append_integer(out, value);
}
void append_field(std::string& out, std::string_view key, std::uint64_t value) {
  append_key(out, key);
  append_integer(out, value);
}

void open_payload(std::string& out) {
  out.append("{\"v\":", 5);
  append_integer(out, std::int64_t{kProtocolVersion});
}
void close_payload(std::string& out) { out.push_back('}'); }

}  // namespace

/// Appends `s` as a JSON string. As boost::json's serializer does: '"' and '\\'
/// are backslash-escaped; control characters 0x00..0x1F become \b \f \n \r \t
/// or \u00xx (lower-case hex); everything else, including '/', DEL and any
/// UTF-8 (valid or not), is copied as is.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t plain_from = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + plain_from, i - plain_from);
    plain_from = i + 1;
    switch (c) {
      case '"': out.append("\\\"", 2); break;
      case '\\': out.append("\\\\", 2); break;
      case '\b': out.append("\\b", 2); break;
      case '\f': out.append("\\f", 2); break;
      case '\n': out.append("\\n", 2); break;
      case '\r': out.append("\\r", 2); break;
      case '\t': out.append("\\t", 2); break;
      default: {
        const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escaped, sizeof escaped);
      }
    }
  }
  out.append(s.data() + plain_from, s.size() - plain_from);
  out.push_back('"');
}

Result<core::StatusReport> decode_status(std::string_view payload) {
  ParsedPayload parsed;
  auto object = parsed.parse("payload", payload);
  if (!object) return object.error();
  const FieldReader f(**object, "status");
  if (auto v = f.version(); !v) return v.error();
  auto online = f.required_enum<bool>("status", parse_online, "online, offline");
  if (!online) return online.error();
  auto ts = f.optional_time("ts_ms");
  if (!ts) return ts.error();
  return core::StatusReport{*online, *ts};
}

Result<core::Telemetry> decode_telemetry(std::string_view payload) {
  ParsedPayload parsed;
  auto object = parsed.parse("payload", payload);
  if (!object) return object.error();
  const FieldReader f(**object, "telemetry");
  if (auto v = f.version(); !v) return v.error();

  core::Telemetry t;
  auto ts = f.time("ts_ms");
  if (!ts) return ts.error();
  t.ts = *ts;

  auto battery_mv = f.optional_integer("battery_mv", 0, 65'535);
  if (!battery_mv) return battery_mv.error();
  t.battery_mv = narrow(*battery_mv);
  auto battery_pct = f.optional_integer("battery_pct", 0, 100);
  if (!battery_pct) return battery_pct.error();
  t.battery_pct = narrow(*battery_pct);
  auto motor_mv = f.optional_integer("motor_mv", 0, 65'535);
  if (!motor_mv) return motor_mv.error();
  t.motor_mv = narrow(*motor_mv);
  auto rssi = f.optional_integer("rssi_dbm", -120, 0);
  if (!rssi) return rssi.error();
  t.rssi_dbm = narrow(*rssi);
  auto temperature = f.optional_integer("temperature_c", -40, 85);
  if (!temperature) return temperature.error();
  t.temperature_c = narrow(*temperature);
  auto fw = f.optional_text("fw", 1, kMaxTextBytes);
  if (!fw) return fw.error();
  t.firmware = std::move(*fw);
  auto ssid = f.optional_text("ssid", 1, 32);
  if (!ssid) return ssid.error();
  t.ssid = std::move(*ssid);
  auto uptime = f.optional_integer("uptime_s", 0, kMaxU32);
  if (!uptime) return uptime.error();
  t.uptime_s = *uptime;
  auto reboots = f.optional_integer("reboot_count", 0, kMaxI32);
  if (!reboots) return reboots.error();
  t.reboot_count = narrow(*reboots);
  auto boot =
      f.optional_enum<core::BootReason>("boot_reason", core::parse_boot_reason, detail::kBootReasonNames);
  if (!boot) return boot.error();
  t.boot_reason = *boot;
  auto heartbeat = f.optional_integer("heartbeat_s", 1, 86'400);
  if (!heartbeat) return heartbeat.error();
  if (*heartbeat) t.heartbeat = std::chrono::seconds(**heartbeat);
  auto name = f.optional_text("name", 1, kMaxTextBytes);
  if (!name) return name.error();
  t.name = std::move(*name);
  auto transport =
      f.optional_enum<core::Transport>("transport", core::parse_transport, detail::kTransportNames);
  if (!transport) return transport.error();
  t.transport = *transport;
  return t;
}

Result<core::StateReport> decode_state(std::string_view payload) {
  ParsedPayload parsed;
  auto object = parsed.parse("payload", payload);
  if (!object) return object.error();
  const FieldReader f(**object, "state");
  if (auto v = f.version(); !v) return v.error();
  auto ts = f.time("ts_ms");
  if (!ts) return ts.error();
  auto lock = f.required_enum<core::LockState>("lock_state", core::parse_lock_state, detail::kLockStateNames);
  if (!lock) return lock.error();
  auto door = f.optional_enum<core::DoorState>("door_state", core::parse_door_state, detail::kDoorStateNames);
  if (!door) return door.error();
  return core::StateReport{*ts, *lock, door->value_or(core::DoorState::unknown)};
}

Result<core::DeviceEvent> decode_event(std::string_view payload) {
  ParsedPayload parsed;
  auto object = parsed.parse("payload", payload);
  if (!object) return object.error();
  const FieldReader f(**object, "event");
  if (auto v = f.version(); !v) return v.error();

  core::DeviceEvent e;
  auto seq = f.unsigned_integer("seq", 0);
  if (!seq) return seq.error();
  e.seq = *seq;
  auto ts = f.time("ts_ms");
  if (!ts) return ts.error();
  e.ts = *ts;
  auto kind = f.required_enum<core::DeviceEventKind>("type", parse_event_kind, "lock_operation, alarm");
  if (!kind) return kind.error();
  e.kind = *kind;
  auto operation =
      f.optional_enum<core::LockAction>("operation", core::parse_lock_action, detail::kActionNames);
  if (!operation) return operation.error();
  e.operation = *operation;
  auto source =
      f.optional_enum<core::OperationSource>("source", core::parse_operation_source, detail::kSourceNames);
  if (!source) return source.error();
  e.source = source->value_or(core::OperationSource::unknown);
  auto user = f.optional_text("user", 1, kMaxTextBytes);
  if (!user) return user.error();
  e.user = std::move(*user);
  auto alarm = f.optional_snake_name("alarm", kMaxAlarmName);
  if (!alarm) return alarm.error();
  e.alarm = std::move(*alarm);
  auto digest = f.optional_text("code_digest", 1, kMaxCodeDigestChars);
  if (!digest) return digest.error();
  e.code_digest = std::move(*digest);

  if (e.kind == core::DeviceEventKind::lock_operation && !e.operation) {
    return f.fail("operation", "missing (required when type is lock_operation)");
  }
  if (e.kind == core::DeviceEventKind::alarm && !e.alarm) {
    return f.fail("alarm", "missing (required when type is alarm)");
  }
  return e;
}

Result<core::CommandResult> decode_result(std::string_view payload) {
  ParsedPayload parsed;
  auto object = parsed.parse("payload", payload);
  if (!object) return object.error();
  const FieldReader f(**object, "result");
  if (auto v = f.version(); !v) return v.error();

  core::CommandResult r;
  auto id = f.id("cmd_id");
  if (!id) return id.error();
  r.command_id = std::move(*id);
  auto ts = f.time("ts_ms");
  if (!ts) return ts.error();
  r.ts = *ts;
  auto outcome =
      f.required_enum<core::CommandOutcome>("outcome", core::parse_command_outcome, detail::kOutcomeNames);
  if (!outcome) return outcome.error();
  r.outcome = *outcome;
  auto lock = f.optional_enum<core::LockState>("lock_state", core::parse_lock_state, detail::kLockStateNames);
  if (!lock) return lock.error();
  r.lock_state = *lock;
  auto text = f.optional_text("detail", 0, kMaxDetailBytes);
  if (!text) return text.error();
  r.detail = text->value_or(std::string());
  if (const boost::json::value* codes = (*object)->if_contains("codes");
      codes != nullptr && !codes->is_null()) {
    auto readback = detail::decode_readback(*codes);
    if (!readback) return readback.error();
    r.codes = std::move(*readback);
  }
  return r;
}

Result<core::AppReport> decode_app_report(std::string_view payload) {
  ParsedPayload parsed;
  auto object = parsed.parse("payload", payload);
  if (!object) return object.error();
  const FieldReader f(**object, "app");
  if (auto v = f.version(); !v) return v.error();

  core::AppReport r;
  auto ts = f.time("ts_ms");
  if (!ts) return ts.error();
  r.ts = *ts;
  auto lock = f.id("lock");
  if (!lock) return lock.error();
  r.lock = std::move(*lock);
  auto version = f.optional_text("app_version", 1, 32);
  if (!version) return version.error();
  r.app_version = version->value_or(std::string());
  const auto grant = [](std::string_view w) -> std::optional<bool> {
    if (w == "granted") return true;
    if (w == "denied") return false;
    return std::nullopt;
  };
  auto bluetooth = f.optional_enum<bool>("bluetooth", grant, "granted, denied");
  if (!bluetooth) return bluetooth.error();
  r.bluetooth_granted = bluetooth->value_or(true);
  auto location = f.optional_enum<bool>("location", grant, "granted, denied");
  if (!location) return location.error();
  r.location_granted = location->value_or(true);
  const auto outcome = [](std::string_view w) -> std::optional<bool> {
    if (w == "ok") return true;
    if (w == "failed") return false;
    return std::nullopt;
  };
  auto ok = f.required_enum<bool>("result", outcome, "ok, failed");
  if (!ok) return ok.error();
  r.ok = *ok;
  auto reason = f.optional_snake_name("reason", 64);
  if (!reason) return reason.error();
  if (!r.ok && !*reason) return f.fail("reason", "missing (required when result is failed)");
  r.reason = reason->value_or(std::string());
  return r;
}

void append_status(std::string& out, const core::StatusReport& status) {
  reserve_more(out, kStatusMaxBytes);
  open_payload(out);
  append_field(out, "status", status.online ? "online" : "offline");
  if (status.ts) append_field(out, "ts_ms", to_epoch_ms(*status.ts));
  close_payload(out);
}

void append_telemetry(std::string& out, const core::Telemetry& t) {
  reserve_more(out, kTelemetryMaxBytes + max_escaped_size(t.firmware) + max_escaped_size(t.ssid) +
                        max_escaped_size(t.name));
  open_payload(out);
  append_field(out, "ts_ms", to_epoch_ms(t.ts));
  if (t.battery_mv) append_field(out, "battery_mv", std::int64_t{*t.battery_mv});
  if (t.battery_pct) append_field(out, "battery_pct", std::int64_t{*t.battery_pct});
  if (t.motor_mv) append_field(out, "motor_mv", std::int64_t{*t.motor_mv});
  if (t.rssi_dbm) append_field(out, "rssi_dbm", std::int64_t{*t.rssi_dbm});
  if (t.temperature_c) append_field(out, "temperature_c", std::int64_t{*t.temperature_c});
  if (t.firmware) append_field(out, "fw", *t.firmware);
  if (t.ssid) append_field(out, "ssid", *t.ssid);
  if (t.uptime_s) append_field(out, "uptime_s", *t.uptime_s);
  if (t.reboot_count) append_field(out, "reboot_count", std::int64_t{*t.reboot_count});
  if (t.boot_reason) append_field(out, "boot_reason", core::to_string(*t.boot_reason));
  if (t.heartbeat) {
    append_field(out, "heartbeat_s",
                 std::int64_t{std::chrono::duration_cast<std::chrono::seconds>(*t.heartbeat).count()});
  }
  if (t.name) append_field(out, "name", *t.name);
  if (t.transport) append_field(out, "transport", core::to_string(*t.transport));
  close_payload(out);
}

void append_state(std::string& out, const core::StateReport& state) {
  reserve_more(out, kStateMaxBytes);
  open_payload(out);
  append_field(out, "ts_ms", to_epoch_ms(state.ts));
  append_field(out, "lock_state", core::to_string(state.lock_state));
  append_field(out, "door_state", core::to_string(state.door_state));
  close_payload(out);
}

void append_event(std::string& out, const core::DeviceEvent& e) {
  reserve_more(out, kEventMaxBytes + max_escaped_size(e.user) + max_escaped_size(e.alarm) +
                        max_escaped_size(e.code_digest));
  open_payload(out);
  append_field(out, "seq", e.seq);
  append_field(out, "ts_ms", to_epoch_ms(e.ts));
  append_field(out, "type", e.kind == core::DeviceEventKind::alarm ? "alarm" : "lock_operation");
  if (e.operation) append_field(out, "operation", core::to_string(*e.operation));
  if (e.source != core::OperationSource::unknown) append_field(out, "source", core::to_string(e.source));
  if (e.user) append_field(out, "user", *e.user);
  if (e.alarm) append_field(out, "alarm", *e.alarm);
  if (e.code_digest) append_field(out, "code_digest", *e.code_digest);
  close_payload(out);
}

void append_result(std::string& out, const core::CommandResult& r) {
  reserve_more(out, kResultMaxBytes + max_escaped_size(r.command_id) + max_escaped_size(r.detail));
  open_payload(out);
  append_field(out, "cmd_id", r.command_id);
  append_field(out, "ts_ms", to_epoch_ms(r.ts));
  append_field(out, "outcome", core::to_string(r.outcome));
  if (r.lock_state) append_field(out, "lock_state", core::to_string(*r.lock_state));
  if (!r.detail.empty()) append_field(out, "detail", r.detail);
  if (r.codes) {
    out += R"(,"codes":)";
    out += boost::json::serialize(detail::readback_json(*r.codes));
  }
  close_payload(out);
}

std::string encode_status(const core::StatusReport& status) {
  std::string out;
  append_status(out, status);
  return out;
}

std::string encode_telemetry(const core::Telemetry& telemetry) {
  std::string out;
  append_telemetry(out, telemetry);
  return out;
}

std::string encode_state(const core::StateReport& state) {
  std::string out;
  append_state(out, state);
  return out;
}

std::string encode_event(const core::DeviceEvent& event) {
  std::string out;
  append_event(out, event);
  return out;
}

std::string encode_result(const core::CommandResult& result) {
  std::string out;
  append_result(out, result);
  return out;
}

std::string encode_schedule(const core::CodeSchedule& schedule) {
  return boost::json::serialize(detail::schedule_json(schedule));
}

Result<core::CodeSchedule> decode_schedule(std::string_view json, const std::string& path) {
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec) return invalid_argument(path, "must be a JSON object");
  return detail::decode_schedule(v, path);
}

std::string encode_settings(const core::LockSettings& settings) {
  return boost::json::serialize(detail::settings_json(settings));
}

Result<core::LockSettings> decode_settings(std::string_view json, const std::string& path) {
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec) return invalid_argument(path, "must be a JSON object");
  return detail::decode_settings(v, path);
}

}  // namespace lw::protocol
