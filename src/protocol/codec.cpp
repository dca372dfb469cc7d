#include "protocol/codec.h"

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>

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

void put(boost::json::object& o, std::string_view key, std::string_view value) {
  o.emplace(key, boost::json::string_view(value.data(), value.size()));
}
void put(boost::json::object& o, std::string_view key, std::int64_t value) { o.emplace(key, value); }
void put_u64(boost::json::object& o, std::string_view key, std::uint64_t value) { o.emplace(key, value); }
void put_time(boost::json::object& o, std::string_view key, Timestamp t) { o.emplace(key, to_epoch_ms(t)); }

boost::json::object versioned() {
  boost::json::object o;
  o.emplace("v", kProtocolVersion);
  return o;
}

}  // namespace

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
  auto rssi = f.optional_integer("rssi_dbm", -120, 0);
  if (!rssi) return rssi.error();
  t.rssi_dbm = narrow(*rssi);
  auto fw = f.optional_text("fw", 1, kMaxTextBytes);
  if (!fw) return fw.error();
  t.firmware = std::move(*fw);
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
  return r;
}

std::string encode_status(const core::StatusReport& status) {
  boost::json::object o = versioned();
  put(o, "status", status.online ? "online" : "offline");
  if (status.ts) put_time(o, "ts_ms", *status.ts);
  return boost::json::serialize(o);
}

std::string encode_telemetry(const core::Telemetry& t) {
  boost::json::object o = versioned();
  put_time(o, "ts_ms", t.ts);
  if (t.battery_mv) put(o, "battery_mv", *t.battery_mv);
  if (t.battery_pct) put(o, "battery_pct", *t.battery_pct);
  if (t.rssi_dbm) put(o, "rssi_dbm", *t.rssi_dbm);
  if (t.firmware) put(o, "fw", *t.firmware);
  if (t.uptime_s) put(o, "uptime_s", *t.uptime_s);
  if (t.reboot_count) put(o, "reboot_count", *t.reboot_count);
  if (t.boot_reason) put(o, "boot_reason", core::to_string(*t.boot_reason));
  if (t.heartbeat) {
    put(o, "heartbeat_s", std::chrono::duration_cast<std::chrono::seconds>(*t.heartbeat).count());
  }
  if (t.name) put(o, "name", *t.name);
  if (t.transport) put(o, "transport", core::to_string(*t.transport));
  return boost::json::serialize(o);
}

std::string encode_state(const core::StateReport& state) {
  boost::json::object o = versioned();
  put_time(o, "ts_ms", state.ts);
  put(o, "lock_state", core::to_string(state.lock_state));
  put(o, "door_state", core::to_string(state.door_state));
  return boost::json::serialize(o);
}

std::string encode_event(const core::DeviceEvent& e) {
  boost::json::object o = versioned();
  put_u64(o, "seq", e.seq);
  put_time(o, "ts_ms", e.ts);
  put(o, "type", e.kind == core::DeviceEventKind::alarm ? "alarm" : "lock_operation");
  if (e.operation) put(o, "operation", core::to_string(*e.operation));
  if (e.source != core::OperationSource::unknown) put(o, "source", core::to_string(e.source));
  if (e.user) put(o, "user", *e.user);
  if (e.alarm) put(o, "alarm", *e.alarm);
  return boost::json::serialize(o);
}

std::string encode_result(const core::CommandResult& r) {
  boost::json::object o = versioned();
  put(o, "cmd_id", r.command_id);
  put_time(o, "ts_ms", r.ts);
  put(o, "outcome", core::to_string(r.outcome));
  if (r.lock_state) put(o, "lock_state", core::to_string(*r.lock_state));
  if (!r.detail.empty()) put(o, "detail", r.detail);
  return boost::json::serialize(o);
}

}  // namespace lw::protocol
