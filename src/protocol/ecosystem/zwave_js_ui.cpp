#include "protocol/ecosystem/zwave_js_ui.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cctype>
#include <limits>
#include <utility>
#include <vector>

#include "base/enum_names.h"
#include "base/text.h"
#include "protocol/ecosystem/payload.h"
#include "protocol/json_reader.h"

namespace lw::protocol {
namespace {

namespace json = boost::json;
using detail::FieldReader;

constexpr std::size_t kKiB = 1024;
constexpr std::int64_t kMaxNodeId = 4000;  // Z-Wave Long Range; classic nodes are 1..232

constexpr EnumNames<ZwaveNodeStatus, 5> kNodeStatuses{{{{ZwaveNodeStatus::alive, "Alive"},
                                                        {ZwaveNodeStatus::dead, "Dead"},
                                                        {ZwaveNodeStatus::asleep, "Asleep"},
                                                        {ZwaveNodeStatus::awake, "Awake"},
                                                        {ZwaveNodeStatus::unknown, "Unknown"}}}};

using ecosystem::trim;

using ecosystem::parse_json;

const json::value* field(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v == nullptr || v->is_null() ? nullptr : v;
}

Result<std::optional<bool>> optional_bool(const FieldReader& r, const json::object& o,
                                          std::string_view name) {
  const json::value* v = field(o, name);
  if (v == nullptr) return std::optional<bool>{};
  if (!v->is_bool()) return r.fail(name, "must be true or false");
  return std::optional<bool>{v->get_bool()};
}

bool is_digits(std::string_view s) {
  return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string_view::npos;
}

int to_int(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t slash = s.find('/'); slash != std::string_view::npos; slash = s.find('/', start)) {
    parts.push_back(s.substr(start, slash - start));
    start = slash + 1;
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::string join(const std::vector<std::string_view>& parts, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) out += '/';
    out += parts[i];
  }
  return out;
}

std::optional<int> node_id_of(std::string_view segment) {
  if (segment.starts_with("nodeID_")) segment.remove_prefix(7);
  if (!is_digits(segment)) return std::nullopt;
  const int id = to_int(segment);
  return id >= 1 && id <= kMaxNodeId ? std::optional<int>{id} : std::nullopt;
}

/// zwave-js-ui Constants.ts names of the classes a lock uses.
std::optional<int> cc_id_from_name(std::string_view name) {
  static constexpr auto kNames =
      std::to_array<std::pair<std::string_view, int>>({{"door_lock", kZwaveDoorLockCc},
                                                       {"user_code", kZwaveUserCodeCc},
                                                       {"notification", kZwaveNotificationCc},
                                                       {"battery", kZwaveBatteryCc},
                                                       {"door_lock_logging", 0x4c},
                                                       {"schedule_entry_lock", 0x4e},
                                                       {"version", 0x86},
                                                       {"manufacturer_specific", 0x72}});
  for (auto [n, id] : kNames) {
    if (n == name) return id;
  }
  if (name.starts_with("unknownClass_") && is_digits(name.substr(13))) return to_int(name.substr(13));
  return std::nullopt;
}

/// A value topic's address and where its node path ends, or nullopt.
std::optional<std::pair<ZwaveValueAddress, std::size_t>> value_address(
    const std::vector<std::string_view>& parts) {
  const std::size_t n = parts.size();
  auto make = [&](ZwaveTopicStyle style, std::size_t ep, int endpoint) {
    ZwaveValueAddress a;
    a.style = style;
    a.command_class = std::string(parts[ep - 1]);
    a.command_class_id =
        style == ZwaveTopicStyle::named ? cc_id_from_name(parts[ep - 1]) : to_int(parts[ep - 1]);
    a.endpoint = endpoint;
    a.property = std::string(parts[ep + 1]);
    if (ep + 3 == n) a.property_key = std::string(parts[ep + 2]);
    return std::pair{std::move(a), ep - 1};
  };
  // The endpoint sits two (no key) or three (key) segments from the end, after
  // at least one node segment and the class.
  for (std::size_t key = 0; key <= 1; ++key) {
    if (n < 4 + key) continue;
    const std::size_t ep = n - 2 - key;
    if (parts[ep].starts_with("endpoint_") && is_digits(parts[ep].substr(9)) && !is_digits(parts[ep - 1])) {
      return make(ZwaveTopicStyle::named, ep, to_int(parts[ep].substr(9)));
    }
  }
  std::optional<std::size_t> best;
  for (std::size_t key = 0; key <= 1; ++key) {
    if (n < 4 + key) continue;
    const std::size_t ep = n - 2 - key;
    if (!is_digits(parts[ep]) || !is_digits(parts[ep - 1])) continue;
    // Both shapes fit: a property that is a name beats one that is a number.
    if (!best || (is_digits(parts[*best + 1]) && !is_digits(parts[ep + 1]))) best = ep;
  }
  if (best) return make(ZwaveTopicStyle::value_id, *best, to_int(parts[*best]));
  return std::nullopt;
}

/// Label comparison across zwave-js spelling and topic spelling: case,
/// ' ' vs '_', '/' vs '-' do not matter; other punctuation is dropped.
std::string normalize_label(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == ' ' || c == '_') {
      out += '_';
    } else if (c == '/' || c == '-') {
      out += '-';
    } else if (std::isalnum(u) != 0) {
      out += static_cast<char>(std::tolower(u));
    }
  }
  return out;
}

bool same_label(std::string_view a, std::string_view b) { return normalize_label(a) == normalize_label(b); }

/// `s` as it may appear in an error message: a topic level can hold any byte
/// but '/', and errors are logged (lw::shown: one line, valid UTF-8, at most 96 bytes).
std::string for_message(std::string_view s) { return shown(s, 96); }

ZwaveScalar to_scalar(const json::value* v) {
  if (v == nullptr || v->is_null()) return std::monostate{};
  if (v->is_bool()) return v->get_bool();
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double()) return v->get_double();
  if (v->is_string()) return std::string(v->get_string().data(), v->get_string().size());
  return ZwaveComposite{};
}

Result<std::optional<int>> user_id_of(const json::object& o, std::string_view prefix) {
  auto id = FieldReader(o, prefix).optional_integer("userId", 0, 65'535);
  if (!id) return id.error();
  if (!*id) return std::optional<int>{};
  return std::optional<int>{static_cast<int>(**id)};
}

// Notification CC type 6 Access Control (node-zwave-js Notifications.ts).
struct AccessRow {
  int code;
  core::OperationSource source;
  std::string_view label;
  std::optional<core::LockAction> operation;
  std::string_view alarm;
  std::optional<core::LockState> lock_state;
  std::optional<core::DoorState> door_state;
};
constexpr auto kLock = core::LockAction::lock;
constexpr auto kUnlock = core::LockAction::unlock;
using Src = core::OperationSource;
using LS = core::LockState;
constexpr auto kAccessControl = std::to_array<AccessRow>({
    {0x01, Src::manual, "Manual lock operation", kLock, {}, LS::locked, {}},
    {0x02, Src::manual, "Manual unlock operation", kUnlock, {}, LS::unlocked, {}},
    {0x03, Src::remote, "RF lock operation", kLock, {}, LS::locked, {}},
    {0x04, Src::remote, "RF unlock operation", kUnlock, {}, LS::unlocked, {}},
    {0x05, Src::keypad, "Keypad lock operation", kLock, {}, LS::locked, {}},
    {0x06, Src::keypad, "Keypad unlock operation", kUnlock, {}, LS::unlocked, {}},
    {0x07, Src::manual, "Manual not fully locked operation", kLock, {}, LS::not_fully_locked, {}},
    {0x08, Src::remote, "RF not fully locked operation", kLock, {}, LS::not_fully_locked, {}},
    {0x09, Src::auto_relock, "Auto lock locked operation", kLock, {}, LS::locked, {}},
    {0x0a, Src::auto_relock, "Auto lock not fully locked operation", kLock, {}, LS::not_fully_locked, {}},
    {0x0b, Src::unknown, "Lock jammed", {}, "jammed", LS::jammed, {}},
    {0x0c, Src::unknown, "All user codes deleted", {}, {}, {}, {}},
    {0x0d, Src::unknown, "Single user code deleted", {}, {}, {}, {}},
    {0x0e, Src::unknown, "New user code added", {}, {}, {}, {}},
    {0x0f, Src::unknown, "New user code not added due to duplicate code", {}, {}, {}, {}},
    {0x10, Src::keypad, "Keypad temporary disabled", {}, "keypad_disabled", {}, {}},
    {0x11, Src::keypad, "Keypad busy", {}, {}, {}, {}},
    {0x12, Src::unknown, "New program code entered", {}, {}, {}, {}},
    {0x13, Src::keypad, "Manually enter user access code exceeds code limit", {}, "wrong_code_limit", {}, {}},
    {0x14, Src::remote, "Unlock by RF with invalid user code", kUnlock, "wrong_code", {}, {}},
    {0x15, Src::remote, "Locked by RF with invalid user code", kLock, "wrong_code", {}, {}},
    {0x16, Src::unknown, "Window/door is open", {}, {}, {}, core::DoorState::open},
    {0x17, Src::unknown, "Window/door is closed", {}, {}, {}, core::DoorState::closed},
    {0x18, Src::unknown, "Window/door handle is open", {}, {}, {}, {}},
    {0x19, Src::unknown, "Window/door handle is closed", {}, {}, {}, {}},
    {0x20, Src::keypad, "Messaging User Code entered via keypad", {}, {}, {}, {}},
    {0x21, Src::keypad, "Lock operation with User Code", kLock, {}, LS::locked, {}},
    {0x22, Src::keypad, "Unlock operation with User Code", kUnlock, {}, LS::unlocked, {}},
});

const AccessRow* access_row(int code) {
  for (const AccessRow& row : kAccessControl) {
    if (row.code == code) return &row;
  }
  return nullptr;
}

/// Applies Access Control event `code` to `u`; unknown codes add nothing.
void apply_access_event(int code, const ZwaveValue& value, ZwaveLockUpdate& u) {
  const AccessRow* row = access_row(code);
  if (row == nullptr) return;
  auto event = zwave_access_control_event(code);
  event->user_id = value.user_id;
  u.event = std::move(event);
  if (row->lock_state) u.lock_state = row->lock_state;
  if (row->door_state) u.door_state = row->door_state;
  if (code == 0x0b) {
    u.jammed = true;
  } else if (row->lock_state) {
    u.jammed = false;  // zwave-js idleVariables: an operation clears "Lock jammed"
  }
}

}  // namespace

// --- topics -------------------------------------------------------------------

ZwaveTopics::ZwaveTopics(std::string prefix) : prefix_(std::move(prefix)) {}

std::optional<ZwaveTopic> ZwaveTopics::classify(std::string_view topic) const {
  if (topic.size() <= prefix_.size() + 1 || !topic.starts_with(prefix_) || topic[prefix_.size()] != '/') {
    return std::nullopt;
  }
  std::vector<std::string_view> parts = split(topic.substr(prefix_.size() + 1));
  ZwaveTopic t;
  const bool set = parts.size() > 1 && parts.back() == "set";
  if (set) parts.pop_back();
  const ZwaveTopicKind fallback = set ? ZwaveTopicKind::write_request : ZwaveTopicKind::other;
  t.kind = fallback;
  const std::size_t n = parts.size();
  if (parts[0] == "_CLIENTS" || parts[0] == "_EVENTS" || parts[0] == "_EVENTS_") {
    if (n < 3 || !parts[1].starts_with("ZWAVE_GATEWAY-")) return t;
    t.gateway = std::string(parts[1].substr(14));
    t.subtopic = join(parts, 2, n);
    if (set) return t;
    if (parts[0] != "_CLIENTS") {
      t.kind = ZwaveTopicKind::gateway_event;
    } else if (n == 3 && parts[2] == "status") {
      t.kind = ZwaveTopicKind::gateway_status;
    } else if (n == 3 && parts[2] == "version") {
      t.kind = ZwaveTopicKind::gateway_version;
    } else if (n >= 4 && parts[2] == "api") {
      t.kind = ZwaveTopicKind::gateway_api_result;
      t.subtopic = join(parts, 3, n);
    } else {
      t.kind = ZwaveTopicKind::gateway_other;
    }
    return t;
  }
  if (!set && n == 2 && parts[0] == "driver" && parts[1] == "status") {
    t.kind = ZwaveTopicKind::driver_status;
    return t;
  }
  for (std::string_view p : parts) {
    if (p.empty()) return t;
  }
  if (auto found = value_address(parts)) {
    t.kind = set ? ZwaveTopicKind::write_request : ZwaveTopicKind::value;
    t.node = join(parts, 0, found->second);
    t.node_id = node_id_of(parts[found->second - 1]);
    t.value = std::move(found->first);
    return t;
  }
  if (!set && n >= 2) {
    const std::string_view last = parts.back();
    const ZwaveTopicKind kind = last == "status"       ? ZwaveTopicKind::node_status
                                : last == "lastActive" ? ZwaveTopicKind::node_last_active
                                : last == "nodeinfo"   ? ZwaveTopicKind::node_info
                                                       : ZwaveTopicKind::other;
    if (kind != ZwaveTopicKind::other) {
      t.kind = kind;
      t.node = join(parts, 0, n - 1);
      t.node_id = node_id_of(parts[n - 2]);
    }
  }
  return t;
}

// --- values -------------------------------------------------------------------

Result<ZwaveValue> decode_zwave_value(std::string_view payload) {
  const std::string_view text = trim(payload);
  ZwaveValue out;
  if (text.empty()) return out;
  auto parsed = parse_json("value", text, 64 * kKiB, 16);
  if (!parsed) {
    // Just value: a bare word ("locked"); anything that starts like JSON must be JSON.
    const char c = text.front();
    if (c == '{' || c == '[' || c == '"' || text.size() > 256) return parsed.error();
    for (char ch : text) {
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) return parsed.error();
    }
    out.value = std::string(text);
    return out;
  }
  const json::object* o = parsed->if_object();
  if (o == nullptr) {
    out.value = to_scalar(&*parsed);
    return out;
  }
  if (!o->contains("time") && !o->contains("value") && !o->contains("lastUpdate")) {
    // Just value, and the value is a notification's parameters.
    out.value = ZwaveComposite{};
    auto user = user_id_of(*o, "value");
    if (!user) return user.error();
    out.user_id = *user;
    return out;
  }
  const FieldReader r(*o, "value");
  auto time = r.optional_time(o->contains("time") ? "time" : "lastUpdate");
  if (!time) return time.error();
  out.time = *time;
  const json::value* v = field(*o, "value");
  out.value = to_scalar(v);
  if (v != nullptr && v->is_object()) {
    auto user = user_id_of(v->get_object(), "value.value");
    if (!user) return user.error();
    out.user_id = *user;
  }
  auto label = r.optional_text("eventLabel", 1, 128);
  if (!label) return label.error();
  out.event_label = std::move(*label);
  return out;
}

std::optional<ZwaveAccessEvent> zwave_access_control_event(int code) {
  const AccessRow* row = access_row(code);
  if (row == nullptr) return std::nullopt;
  ZwaveAccessEvent e;
  e.code = code;
  e.operation = row->operation;
  e.source = row->source;
  if (!row->alarm.empty()) e.alarm = std::string(row->alarm);
  return e;
}

std::optional<int> zwave_access_control_code(std::string_view label) {
  const std::string wanted = normalize_label(label);
  for (const AccessRow& row : kAccessControl) {
    if (normalize_label(row.label) == wanted) return row.code;
  }
  return std::nullopt;
}

core::LockState zwave_lock_state_from_mode(int current_mode) {
  switch (current_mode) {
    case 0xff: return core::LockState::locked;
    case 0x00:
    case 0x01:
    case 0x10:
    case 0x11:
    case 0x20:
    case 0x21: return core::LockState::unlocked;
    case 0xfe: return core::LockState::jammed;
    default: return core::LockState::unknown;
  }
}

Result<ZwaveLockUpdate> interpret_zwave_lock_value(const ZwaveValueAddress& address,
                                                   const ZwaveValue& value) {
  ZwaveLockUpdate u;
  std::string name = address.command_class + "." + address.property;
  if (address.property_key) name += "." + *address.property_key;
  name = for_message(name);
  const bool null = std::holds_alternative<std::monostate>(value.value);
  auto integer = [&](int lo, int hi) -> Result<int> {
    const auto* n = std::get_if<std::int64_t>(&value.value);
    if (n == nullptr || *n < lo || *n > hi) {
      return invalid_argument(name, "must be an integer " + std::to_string(lo) + ".." + std::to_string(hi));
    }
    return static_cast<int>(*n);
  };
  auto word = [&](std::string_view a, std::string_view b) -> Result<bool> {  // true = a
    const auto* s = std::get_if<std::string>(&value.value);
    if (s == nullptr || (*s != a && *s != b)) {
      return invalid_argument(name, "must be one of " + std::string(a) + ", " + std::string(b));
    }
    return *s == a;
  };
  const int cc = address.command_class_id.value_or(-1);
  const std::string_view property = address.property;
  if (cc == kZwaveDoorLockCc && !null) {
    if (property == "currentMode") {
      auto mode = integer(0, 255);
      if (!mode) return mode.error();
      u.lock_state = zwave_lock_state_from_mode(*mode);
    } else if (property == "boltStatus") {
      auto locked = word("locked", "unlocked");
      if (!locked) return locked.error();
      u.lock_state = *locked ? core::LockState::locked : core::LockState::unlocked;
    } else if (property == "doorStatus") {
      auto open = word("open", "closed");
      if (!open) return open.error();
      u.door_state = *open ? core::DoorState::open : core::DoorState::closed;
    } else if (property == "autoRelockTime") {
      auto seconds = integer(0, 65535);
      if (!seconds) return seconds.error();
      u.auto_relock_s = *seconds;
    }
  } else if (cc == kZwaveBatteryCc && !null) {
    if (property == "level") {
      auto level = integer(0, 100);
      if (!level) return level.error();
      u.battery_pct = *level;
    } else if (property == "isLow") {
      const auto* low = std::get_if<bool>(&value.value);
      if (low == nullptr) return invalid_argument(name, "must be true or false");
      u.battery_low = *low;
    }
  } else if (cc == kZwaveNotificationCc && same_label(property, "Access Control")) {
    const std::optional<std::string>& key = address.property_key;
    if (!key) {  // the event code as value (lockwarden's simulator)
      if (null) return u;
      auto code = integer(0, 255);
      if (!code) return code.error();
      apply_access_event(*code, value, u);
    } else if (same_label(*key, "Lock state") || same_label(*key, "Keypad state")) {
      if (null) return u;
      auto code = integer(0, 255);
      if (!code) return code.error();
      if (*code == 0 && same_label(*key, "Lock state")) u.jammed = false;  // back to idle
      apply_access_event(*code, value, u);
    } else if (same_label(*key, "Door state")) {
      if (null) return u;
      auto code = integer(0, 0xffff);  // 0x16 open, 0x17 closed; 0x1600 / 0x1601 open in a position
      if (!code) return code.error();
      if (*code == 0x16 || *code == 0x1600 || *code == 0x1601) u.door_state = core::DoorState::open;
      if (*code == 0x17) u.door_state = core::DoorState::closed;
    } else if (auto code = zwave_access_control_code(*key)) {  // a stateless event, by label
      apply_access_event(*code, value, u);
    }
  } else if (cc == kZwaveNotificationCc && same_label(property, "Power Management") && address.property_key) {
    const std::string& key = *address.property_key;
    if (same_label(key, "Battery maintenance status") && !null) {
      auto code = integer(0, 255);
      if (!code) return code.error();
      if (*code == 0x0a || *code == 0x0b) u.battery_low = true;  // replace battery soon / now
      if (*code == 0) u.battery_low = false;
    } else if (same_label(key, "Replace battery soon") || same_label(key, "Replace battery now")) {
      u.battery_low = true;
    }
  }
  return u;
}

// --- node and gateway -------------------------------------------------------------

std::optional<ZwaveNodeStatus> parse_zwave_node_status(std::string_view s) noexcept {
  return kNodeStatuses.parse(s);
}

std::string_view to_string(ZwaveNodeStatus v) noexcept { return kNodeStatuses.name(v, "Unknown"); }

constexpr std::string_view kNodeStatusNames = "Alive, Dead, Asleep, Awake, Unknown";

Result<ZwaveNodeStatusReport> decode_zwave_node_status(std::string_view payload) {
  auto v = parse_json("status", trim(payload), 4 * kKiB, 8);
  if (!v) return v.error();
  ZwaveNodeStatusReport s;
  if (v->is_bool()) {
    s.available = v->get_bool();
    return s;
  }
  const json::object* o = v->if_object();
  if (o == nullptr) return invalid_argument("status", "must be a JSON object, true or false");
  const FieldReader r(*o, "status");
  auto available = optional_bool(r, *o, "value");
  if (!available) return available.error();
  if (!*available) return r.fail("value", "missing");
  s.available = **available;
  auto status = r.optional_enum<ZwaveNodeStatus>("status", parse_zwave_node_status, kNodeStatusNames);
  if (!status) return status.error();
  s.status = *status;
  auto id = r.optional_integer("nodeId", 1, kMaxNodeId);
  if (!id) return id.error();
  if (*id) s.node_id = static_cast<int>(**id);
  auto time = r.optional_time("time");
  if (!time) return time.error();
  s.time = *time;
  return s;
}

Result<std::optional<Timestamp>> decode_zwave_last_active(std::string_view payload) {
  auto v = parse_json("lastActive", trim(payload), 4 * kKiB, 8);
  if (!v) return v.error();
  if (v->is_number()) {
    if (!v->is_int64() || v->get_int64() < 0 || v->get_int64() > detail::kMaxEpochMs) {
      return invalid_argument("lastActive", "must be an integer 0.." + std::to_string(detail::kMaxEpochMs) +
                                                " (ms since the Unix epoch)");
    }
    return std::optional<Timestamp>{from_epoch_ms(v->get_int64())};
  }
  if (v->is_null()) return std::optional<Timestamp>{};
  const json::object* o = v->if_object();
  if (o == nullptr) return invalid_argument("lastActive", "must be a JSON object or a number");
  const FieldReader r(*o, "lastActive");
  if (auto time = r.optional_time("time"); !time) return time.error();
  return r.optional_time("value");
}

Result<ZwaveNodeInfo> decode_zwave_node_info(std::string_view payload) {
  auto v = parse_json("nodeinfo", payload, kKiB * kKiB, 32);
  if (!v) return v.error();
  const json::object* o = v->if_object();
  if (o == nullptr) return invalid_argument("nodeinfo", "must be a JSON object");
  const FieldReader r(*o, "nodeinfo");
  ZwaveNodeInfo info;
  auto id = r.integer("id", 1, kMaxNodeId);
  if (!id) return id.error();
  info.id = static_cast<int>(*id);
  for (auto [key, out] : {std::pair{"name", &info.name}, std::pair{"loc", &info.location},
                          std::pair{"firmwareVersion", &info.firmware_version},
                          std::pair{"interviewStage", &info.interview_stage}}) {
    auto s = r.optional_text(key, 0, 256);
    if (!s) return s.error();
    *out = std::move(*s);
  }
  for (auto [key, out] : {std::pair{"ready", &info.ready}, std::pair{"available", &info.available},
                          std::pair{"failed", &info.failed}, std::pair{"isListening", &info.is_listening}}) {
    auto b = optional_bool(r, *o, key);
    if (!b) return b.error();
    *out = *b;
  }
  // zwave-js 8+: false | "250ms" | "1000ms"; older builds: a boolean.
  if (const json::value* flirs = field(*o, "isFrequentListening")) {
    if (flirs->is_bool()) {
      info.is_frequent_listening = flirs->get_bool();
    } else if (flirs->is_string() && (flirs->get_string() == "250ms" || flirs->get_string() == "1000ms")) {
      info.is_frequent_listening = true;
    } else {
      return r.fail("isFrequentListening", R"(must be true, false, "250ms" or "1000ms")");
    }
  }
  auto status = r.optional_enum<ZwaveNodeStatus>("status", parse_zwave_node_status, kNodeStatusNames);
  if (!status) return status.error();
  info.status = *status;
  auto last = r.optional_time("lastActive");
  if (!last) return last.error();
  info.last_active = *last;
  return info;
}

Result<bool> decode_zwave_gateway_status(std::string_view payload) {
  auto v = parse_json("gateway_status", trim(payload), 4 * kKiB, 8);
  if (!v) return v.error();
  if (v->is_bool()) return v->get_bool();
  const json::object* o = v->if_object();
  if (o == nullptr) return invalid_argument("gateway_status", "must be a JSON object, true or false");
  const FieldReader r(*o, "gateway_status");
  auto value = optional_bool(r, *o, "value");
  if (!value) return value.error();
  if (!*value) return r.fail("value", "missing");
  return **value;
}

Result<std::string> decode_zwave_gateway_version(std::string_view payload) {
  const std::string_view text = trim(payload);
  auto v = parse_json("gateway_version", text, 4 * kKiB, 8);
  if (!v) {
    if (text.empty() || text.size() > 64 || text.front() == '{' || text.front() == '"') return v.error();
    return std::string(text);  // a bare version
  }
  if (const json::string* s = v->if_string()) {
    if (s->empty() || s->size() > 64) return invalid_argument("gateway_version", "must be 1..64 bytes");
    return std::string(s->data(), s->size());
  }
  const json::object* o = v->if_object();
  if (o == nullptr) return invalid_argument("gateway_version", "must be a JSON object or a string");
  return FieldReader(*o, "gateway_version").text("value", 1, 64);
}

}  // namespace lw::protocol
