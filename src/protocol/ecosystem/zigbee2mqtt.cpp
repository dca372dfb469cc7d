#include "protocol/ecosystem/zigbee2mqtt.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <utility>

#include "base/enum_names.h"
#include "protocol/ecosystem/payload.h"
#include "protocol/json_reader.h"

namespace lw::protocol {
namespace {

namespace json = boost::json;
using detail::FieldReader;

constexpr std::size_t kKiB = 1024;

constexpr EnumNames<Z2mLogKind, 10> kLogKinds{
    {{{Z2mLogKind::publish_failed, "publish_failed"},
      {Z2mLogKind::ping_failed, "ping_failed"},
      {Z2mLogKind::ping_succeeded, "ping_succeeded"},
      {Z2mLogKind::read_after_reconnect_failed, "read_after_reconnect_failed"},
      {Z2mLogKind::reconnected, "reconnected"},
      {Z2mLogKind::last_seen, "last_seen"},
      {Z2mLogKind::configure_failed, "configure_failed"},
      {Z2mLogKind::interview_failed, "interview_failed"},
      {Z2mLogKind::adapter_disconnected, "adapter_disconnected"},
      {Z2mLogKind::other, "other"}}}};
constexpr EnumNames<Z2mStateWord, 2> kStateWords{
    {{{Z2mStateWord::lock, "LOCK"}, {Z2mStateWord::unlock, "UNLOCK"}}}};
constexpr EnumNames<core::DoorState, 6> kDoorStates{{{{core::DoorState::open, "open"},
                                                      {core::DoorState::closed, "closed"},
                                                      {core::DoorState::jammed, "error_jammed"},
                                                      {core::DoorState::forced_open, "error_forced_open"},
                                                      {core::DoorState::unknown, "error_unspecified"},
                                                      {core::DoorState::unknown, "undefined"}}}};
constexpr EnumNames<core::SoundVolume, 3> kSoundVolumes{{{{core::SoundVolume::silent, "silent_mode"},
                                                          {core::SoundVolume::low, "low_volume"},
                                                          {core::SoundVolume::high, "high_volume"}}}};
constexpr EnumNames<Z2mUpdateState, 4> kUpdateStates{{{{Z2mUpdateState::idle, "idle"},
                                                       {Z2mUpdateState::available, "available"},
                                                       {Z2mUpdateState::updating, "updating"},
                                                       {Z2mUpdateState::scheduled, "scheduled"}}}};
constexpr EnumNames<Z2mDeviceType, 5> kDeviceTypes{{{{Z2mDeviceType::coordinator, "Coordinator"},
                                                     {Z2mDeviceType::router, "Router"},
                                                     {Z2mDeviceType::end_device, "EndDevice"},
                                                     {Z2mDeviceType::green_power, "GreenPower"},
                                                     {Z2mDeviceType::unknown, "Unknown"}}}};
constexpr EnumNames<Z2mBridgeEventType, 4> kEventTypes{
    {{{Z2mBridgeEventType::device_joined, "device_joined"},
      {Z2mBridgeEventType::device_announce, "device_announce"},
      {Z2mBridgeEventType::device_interview, "device_interview"},
      {Z2mBridgeEventType::device_leave, "device_leave"}}}};
constexpr EnumNames<Z2mInterviewStatus, 3> kInterviewStatuses{
    {{{Z2mInterviewStatus::started, "started"},
      {Z2mInterviewStatus::successful, "successful"},
      {Z2mInterviewStatus::failed, "failed"}}}};
constexpr EnumNames<bool, 2> kOnline{{{{true, "online"}, {false, "offline"}}}};

template <typename E, std::size_t N>
auto parser(const EnumNames<E, N>& names) {
  return [&names](std::string_view s) { return names.parse(s); };
}

using ecosystem::trim;

using ecosystem::parse_json;

Result<json::value> parse_object(std::string_view what, std::string_view text, std::size_t max_bytes,
                                 std::size_t max_depth) {
  auto v = parse_json(what, text, max_bytes, max_depth);
  if (v && !v->is_object()) return invalid_argument(what, "must be a JSON object");
  return v;
}

bool is_ieee_address(std::string_view s) {
  return s.size() == 18 && s.starts_with("0x") &&
         s.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string_view::npos;
}

/// Reads the fields of one object and keeps the first error in `sink`, so a
/// decoder reads straight through and checks once at the end. Absent and
/// null fields read as nullopt (or empty) without an error.
class Fields {
 public:
  Fields(const json::object& o, std::string prefix, std::optional<Error>& sink)
      : o_(o), prefix_(std::move(prefix)), r_(o_, prefix_), sink_(sink) {}
  Fields(const Fields&) = delete;
  Fields& operator=(const Fields&) = delete;

  template <typename T>
  T keep(Result<T> r) {
    if (r) return std::move(*r);
    if (!sink_) sink_ = std::move(r).error();
    return T{};
  }
  void fail(std::string_view name, std::string_view why) {
    if (!sink_) sink_ = r_.fail(name, why);
  }
  [[nodiscard]] const json::value* find(std::string_view name) const {
    const json::value* v = o_.if_contains(name);
    return v == nullptr || v->is_null() ? nullptr : v;
  }
  [[nodiscard]] const std::string& prefix() const { return prefix_; }

  std::optional<std::string> text(std::string_view name, std::size_t min, std::size_t max) {
    return keep(r_.optional_text(name, min, max));
  }
  std::string required_text(std::string_view name, std::size_t min, std::size_t max) {
    return keep(r_.text(name, min, max));
  }
  std::optional<std::int64_t> integer64(std::string_view name, std::int64_t lo, std::int64_t hi) {
    return keep(r_.optional_integer(name, lo, hi));
  }
  std::optional<int> integer(std::string_view name, int lo, int hi) {
    const auto n = integer64(name, lo, hi);
    return n ? std::optional<int>{static_cast<int>(*n)} : std::nullopt;
  }
  std::optional<Timestamp> time(std::string_view name) { return keep(r_.optional_time(name)); }
  /// Any JSON number lo..hi, whole or not.
  std::optional<double> number(std::string_view name, std::int64_t lo, std::int64_t hi) {
    const json::value* v = find(name);
    if (v == nullptr) return std::nullopt;
    const double n = v->is_int64()    ? static_cast<double>(v->get_int64())
                     : v->is_uint64() ? static_cast<double>(v->get_uint64())
                     : v->is_double() ? v->get_double()
                                      : -1e300;
    if (n >= static_cast<double>(lo) && n <= static_cast<double>(hi)) return n;
    fail(name, "must be a number " + std::to_string(lo) + ".." + std::to_string(hi));
    return std::nullopt;
  }
  std::optional<bool> boolean(std::string_view name) {
    const json::value* v = find(name);
    if (v == nullptr) return std::nullopt;
    if (v->is_bool()) return v->get_bool();
    fail(name, "must be true or false");
    return std::nullopt;
  }
  /// A nested object, or nullptr when absent, null or not an object (an error).
  const json::object* object(std::string_view name) {
    const json::value* v = find(name);
    if (v == nullptr) return nullptr;
    if (v->is_object()) return &v->get_object();
    fail(name, "must be a JSON object");
    return nullptr;
  }
  template <typename E, typename Parse>
  std::optional<E> parsed(std::string_view name, Parse parse, std::string_view allowed) {
    return keep(r_.optional_enum<E>(name, parse, allowed));
  }
  template <typename E, std::size_t N>
  std::optional<E> one_of(std::string_view name, const EnumNames<E, N>& names, std::string_view allowed,
                          bool required = false) {
    auto v = parsed<E>(name, parser(names), allowed);
    if (required && !v) fail(name, "missing");
    return v;
  }
  std::string ieee_address(std::string_view name) {
    std::string s = required_text(name, 1, 64);
    if (!is_ieee_address(s)) fail(name, "must be 0x and 16 hex digits");
    return s;
  }

 private:
  const json::object& o_;
  std::string prefix_;
  FieldReader r_;  // views prefix_
  std::optional<Error>& sink_;
};

/// bridge/info's network.extended_pan_id as 16 lower-case hex digits: an
/// array of 8 bytes (1.x) or "0x" and 16 hex digits; nullopt otherwise.
std::optional<std::string> extended_pan_id(const json::value& v) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  if (const json::array* bytes = v.if_array()) {
    if (bytes->size() != 8) return std::nullopt;
    for (const json::value& b : *bytes) {
      if (!b.is_int64() || b.get_int64() < 0 || b.get_int64() > 255) return std::nullopt;
      const auto n = static_cast<std::size_t>(b.get_int64());
      out += kHex[n >> 4U];
      out += kHex[n & 15U];
    }
    return out;
  }
  if (const json::string* text = v.if_string()) {
    std::string_view t = *text;
    if (t.size() != 18 || t.substr(0, 2) != "0x") return std::nullopt;
    for (char c : t.substr(2)) {
      const char lower = (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
      if (kHex.find(lower) == std::string_view::npos) return std::nullopt;
      out += lower;
    }
    return out;
  }
  return std::nullopt;
}

/// "2025-08-07T22:10:54+00:00", "2019-10-20T08:45:22.123Z": ms since the
/// epoch; nullopt without a zone or when malformed.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view s) {
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd";  // 'T' may also be ' '
  std::array<int, 6> f{};                                     // year month day hour minute second
  std::size_t pos = 0;
  auto digit = [&] { return pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; };
  for (std::size_t field = 0; pos < kShape.size(); ++pos) {
    if (kShape[pos] == 'd' && digit()) {
      f[field] = f[field] * 10 + (s[pos] - '0');
    } else if (kShape[pos] != 'd' && pos < s.size() &&
               (s[pos] == kShape[pos] || (pos == 10 && s[pos] == ' '))) {
      ++field;
    } else {
      return std::nullopt;
    }
  }
  std::int64_t ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    const std::size_t start = ++pos;
    for (; digit(); ++pos) {
      if (pos - start < 3) ms = ms * 10 + (s[pos] - '0');
    }
    if (pos == start) return std::nullopt;
    for (std::size_t n = pos - start; n < 3; ++n) ms *= 10;
  }
  int offset_min = 0;
  if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {  // +HH:MM
    const std::string_view z = s.substr(pos + 1);
    if (z.find_first_not_of("0123456789:") != std::string_view::npos) return std::nullopt;
    offset_min = ((z[0] - '0') * 10 + (z[1] - '0')) * 60 + (z[3] - '0') * 10 + (z[4] - '0');
    if (s[pos] == '-') offset_min = -offset_min;
  } else if (pos + 1 != s.size() || s[pos] != 'Z') {
    return std::nullopt;  // no zone: ambiguous
  }
  const std::chrono::year_month_day ymd{std::chrono::year{f[0]},
                                        std::chrono::month{static_cast<unsigned>(f[1])},
                                        std::chrono::day{static_cast<unsigned>(f[2])}};
  if (!ymd.ok() || f[3] > 23 || f[4] > 59 || f[5] > 59) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  return (((days * 24 + f[3]) * 60 + f[4] - offset_min) * 60 + f[5]) * 1000 + ms;
}

std::optional<Timestamp> last_seen(Fields& f) {
  const json::value* v = f.find("last_seen");
  if (v == nullptr) return std::nullopt;
  if (v->is_number()) return f.time("last_seen");
  std::optional<std::int64_t> ms;
  if (const json::string* s = v->if_string()) ms = parse_iso8601_ms(std::string_view(s->data(), s->size()));
  if (ms && *ms >= 0 && *ms <= detail::kMaxEpochMs) return from_epoch_ms(*ms);
  f.fail("last_seen", "must be ISO 8601 with a zone, or ms since the Unix epoch");
  return std::nullopt;
}

/// online / offline, plain or as {"state": ...}.
Result<bool> decode_online(std::string_view what, std::string_view payload) {
  const std::string_view text = trim(payload);
  if (auto plain = kOnline.parse(text)) return *plain;
  auto v = parse_json(what, text, 4 * kKiB, 8);
  if (!v) return invalid_argument(what, R"(must be online or offline, or {"state":"online"|"offline"})");
  if (const json::string* s = v->if_string()) {
    if (auto quoted = kOnline.parse(std::string_view(s->data(), s->size()))) return *quoted;
  }
  const json::object* o = v->if_object();
  if (o == nullptr) return invalid_argument(what, "must be online or offline");
  return FieldReader(*o, what).required_enum<bool>("state", parser(kOnline), "online, offline");
}

/// The text of the first '...' that `lead` opens, up to `close`.
std::optional<std::string> quoted_name(std::string_view msg, std::string_view lead, std::string_view close) {
  const std::size_t at = msg.find(lead);
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t start = at + lead.size();
  const std::size_t end = msg.find(close, start);
  if (end == std::string_view::npos || end == start) return std::nullopt;
  return std::string(msg.substr(start, end - start));
}

bool has_lock_expose(const json::value& v) {
  if (const json::array* a = v.if_array()) {
    for (const json::value& e : *a) {
      if (has_lock_expose(e)) return true;
    }
    return false;
  }
  const json::object* o = v.if_object();
  if (o == nullptr) return false;
  const json::value* type = o->if_contains("type");
  if (type != nullptr && type->is_string() && type->get_string() == "lock") return true;
  const json::value* features = o->if_contains("features");
  return features != nullptr && has_lock_expose(*features);
}

Z2mDevice decode_device_entry(const json::object& o, std::string prefix, std::optional<Error>& error) {
  Fields f(o, std::move(prefix), error);
  Z2mDevice d;
  d.ieee_address = f.ieee_address("ieee_address");
  d.friendly_name = f.required_text("friendly_name", 1, 256);
  d.type = f.one_of("type", kDeviceTypes, "Coordinator, Router, EndDevice, GreenPower, Unknown", true)
               .value_or(Z2mDeviceType::unknown);
  d.power_source = f.text("power_source", 0, 256);
  d.model_id = f.text("model_id", 0, 256);
  d.software_build_id = f.text("software_build_id", 0, 256);
  d.supported = f.boolean("supported");
  d.interview_completed = f.boolean("interview_completed");
  if (const json::object* definition = f.object("definition")) {
    Fields df(*definition, f.prefix() + ".definition", error);
    d.model = df.text("model", 0, 256);
    d.vendor = df.text("vendor", 0, 256);
    const json::value* exposes = df.find("exposes");
    if (exposes != nullptr && !exposes->is_array()) df.fail("exposes", "must be a JSON array");
    d.is_lock = exposes != nullptr && has_lock_expose(*exposes);
  }
  d.is_battery = d.power_source == "Battery";
  return d;
}

}  // namespace

// --- topics -------------------------------------------------------------------

Z2mTopics::Z2mTopics(std::string base) : base_(std::move(base)) {}

std::optional<Z2mTopic> Z2mTopics::classify(std::string_view topic) const {
  if (topic.size() <= base_.size() + 1 || !topic.starts_with(base_) || topic[base_.size()] != '/') {
    return std::nullopt;
  }
  const std::string_view rest = topic.substr(base_.size() + 1);
  Z2mTopic t;
  if (rest.starts_with("bridge/")) {
    const std::string_view sub = rest.substr(7);
    t.kind = sub == "state"     ? Z2mTopicKind::bridge_state
             : sub == "info"    ? Z2mTopicKind::bridge_info
             : sub == "event"   ? Z2mTopicKind::bridge_event
             : sub == "logging" ? Z2mTopicKind::bridge_logging
             : sub == "log"     ? Z2mTopicKind::bridge_log
             : sub == "devices" ? Z2mTopicKind::bridge_devices
                                : Z2mTopicKind::bridge_other;
    if (t.kind == Z2mTopicKind::bridge_other) t.subtopic = std::string(sub);
    return t;
  }
  auto named = [&](Z2mTopicKind kind, std::string_view name, std::string_view sub = {}) {
    t.kind = name.empty() ? Z2mTopicKind::other : kind;
    t.friendly_name = std::string(name);
    t.subtopic = std::string(sub);
    return t;
  };
  if (rest.ends_with("/availability")) {
    return named(Z2mTopicKind::device_availability, rest.substr(0, rest.size() - 13));
  }
  if (rest.ends_with("/action")) return named(Z2mTopicKind::device_action, rest.substr(0, rest.size() - 7));
  for (auto [tail, kind] : {std::pair{std::string_view("/set"), Z2mTopicKind::device_set},
                            std::pair{std::string_view("/get"), Z2mTopicKind::device_get}}) {
    if (rest.ends_with(tail)) return named(kind, rest.substr(0, rest.size() - tail.size()));
    const std::size_t slash = rest.rfind('/');
    if (slash != std::string_view::npos && rest.substr(0, slash).ends_with(tail)) {  // /set/<attr>
      return named(kind, rest.substr(0, slash - tail.size()), rest.substr(slash + 1));
    }
  }
  return named(Z2mTopicKind::device, rest);
}

// --- device -------------------------------------------------------------------

std::string_view z2m_sound_volume(core::SoundVolume v) noexcept { return kSoundVolumes.name(v); }

std::optional<core::SoundVolume> parse_z2m_sound_volume(std::string_view s) noexcept {
  return kSoundVolumes.parse(s);
}

Result<Z2mDeviceReport> decode_z2m_device(std::string_view payload) {
  auto v = parse_object("device", payload, 64 * kKiB, 16);
  if (!v) return v.error();
  std::optional<Error> error;
  Fields f(v->get_object(), "device", error);
  Z2mDeviceReport d;
  d.battery = f.number("battery", 0, 100);
  if (auto mv = f.number("voltage", 0, 65'535)) d.voltage_mv = static_cast<int>(std::lround(*mv));
  d.linkquality = f.integer("linkquality", 0, 255);
  d.action_source = f.integer("action_source", 0, 255);
  d.action_user = f.integer("action_user", 0, 65'535);
  d.lock_state = f.parsed<core::LockState>("lock_state", core::parse_lock_state, detail::kLockStateNames);
  d.state = f.one_of("state", kStateWords, "LOCK, UNLOCK");
  d.door_state = f.one_of("door_state", kDoorStates,
                          "open, closed, error_jammed, error_forced_open, error_unspecified, undefined");
  d.action = f.text("action", 0, 128);
  if (d.action && d.action->empty()) d.action.reset();
  d.action_source_name = f.text("action_source_name", 1, 64);
  d.battery_low = f.boolean("battery_low");
  if (const json::object* update = f.object("update")) {
    Fields uf(*update, "device.update", error);
    Z2mUpdate& u = d.update.emplace();
    u.state = uf.one_of("state", kUpdateStates, "idle, available, updating, scheduled");
    u.progress_pct = uf.number("progress", 0, 100);
    if (auto s = uf.number("remaining", 0, 604'800)) u.remaining_s = std::llround(*s);
    u.installed_version = uf.integer64("installed_version", -1, 4'294'967'295);
    u.latest_version = uf.integer64("latest_version", -1, 4'294'967'295);
  }
  d.update_available = f.boolean("update_available");
  d.last_seen = last_seen(f);
  d.pincode_saved_ms = f.integer64("last_successful_pincode_save", 0, detail::kMaxEpochMs);
  d.pincode_cleared_ms = f.integer64("last_successful_pincode_clear", 0, detail::kMaxEpochMs);
  d.auto_relock_time = f.integer("auto_relock_time", 0, 65'535);
  d.sound_volume = f.one_of("sound_volume", kSoundVolumes, "silent_mode, low_volume, high_volume");
  if (const json::object* users = f.object("users")) {
    for (const auto& [key, value] : *users) {
      const std::string name = "users." + std::string(key);
      int user = -1;
      const std::string_view k(key.data(), key.size());
      if (!k.empty() && k.size() <= 5 && k.find_first_not_of("0123456789") == std::string_view::npos)
        user = std::stoi(std::string(k));
      const json::object* slot = value.if_object();
      if (user < 0 || user > 65'535 || slot == nullptr) {
        f.fail(name, "must be a user id 0..65535 holding an object");
        break;
      }
      Fields sf(*slot, "device." + name, error);
      Z2mUserSlot u;
      u.status = sf.required_text("status", 1, 32);
      u.pin = sf.text("pin_code", 1, 16);
      if (u.pin && u.pin->find_first_not_of("0123456789") != std::string::npos)
        sf.fail("pin_code", "must be digits");
      d.users[user] = std::move(u);
    }
  }
  if (error) return *error;
  return d;
}

std::optional<Z2mLockAction> interpret_z2m_action(std::string_view action,
                                                  std::optional<std::string_view> source_name) {
  using core::LockAction;
  using Src = core::OperationSource;
  struct Rule {
    std::string_view name;
    LockAction operation;
    std::optional<Src> source;  // nullopt: from action_source_name
    std::string_view alarm;
  };
  static constexpr auto kRules = std::to_array<Rule>({
      {"lock", LockAction::lock, {}, {}},
      {"unlock", LockAction::unlock, {}, {}},
      {"one_touch_lock", LockAction::lock, Src::button, {}},
      {"key_lock", LockAction::lock, Src::manual, {}},
      {"key_unlock", LockAction::unlock, Src::manual, {}},
      {"auto_lock", LockAction::lock, Src::auto_relock, {}},
      {"schedule_lock", LockAction::lock, Src::schedule, {}},
      {"schedule_unlock", LockAction::unlock, Src::schedule, {}},
      {"manual_lock", LockAction::lock, Src::manual, {}},
      {"manual_unlock", LockAction::unlock, Src::manual, {}},
      {"keypad_lock", LockAction::lock, Src::keypad, {}},
      {"keypad_unlock", LockAction::unlock, Src::keypad, {}},
      {"rfid_lock", LockAction::lock, Src::rfid, {}},
      {"rfid_unlock", LockAction::unlock, Src::rfid, {}},
      {"fingerprint_lock", LockAction::lock, Src::unknown, {}},
      {"fingerprint_unlock", LockAction::unlock, Src::unknown, {}},
      {"zigbee_lock", LockAction::lock, Src::remote, {}},
      {"zigbee_unlock", LockAction::unlock, Src::remote, {}},
      {"lock_failure_invalid_pin_or_id", LockAction::lock, {}, "wrong_code"},
      {"unlock_failure_invalid_pin_or_id", LockAction::unlock, {}, "wrong_code"},
      {"lock_failure_invalid_schedule", LockAction::lock, {}, "outside_schedule"},
      {"unlock_failure_invalid_schedule", LockAction::unlock, {}, "outside_schedule"},
  });
  // constants.lockSourceName: 0 keypad, 1 rf, 2 manual, 3 rfid, 4 fingerprint (no Matter source).
  static constexpr EnumNames<Src, 4> kSourceNames{
      {{{Src::keypad, "keypad"}, {Src::remote, "rf"}, {Src::manual, "manual"}, {Src::rfid, "rfid"}}}};
  for (const Rule& rule : kRules) {
    if (rule.name != action) continue;
    Z2mLockAction out;
    out.operation = rule.operation;
    out.source = rule.source.value_or(source_name ? kSourceNames.parse(*source_name).value_or(Src::unknown)
                                                  : Src::unknown);
    if (!rule.alarm.empty()) out.alarm = std::string(rule.alarm);
    return out;
  }
  return std::nullopt;
}

Z2mLockView to_lock_view(const Z2mDeviceReport& report, Timestamp received) {
  Z2mLockView view;
  if (report.door_state == core::DoorState::jammed) {
    view.lock_state = core::LockState::jammed;  // the only Z2M field that can say jammed
  } else if (report.lock_state) {
    view.lock_state = report.lock_state;
  } else if (report.state) {
    view.lock_state =
        *report.state == Z2mStateWord::lock ? core::LockState::locked : core::LockState::unlocked;
  }
  view.door_state = report.door_state;
  view.telemetry.ts = report.last_seen.value_or(received);
  if (report.battery) view.telemetry.battery_pct = static_cast<int>(std::lround(*report.battery));
  view.telemetry.battery_mv = report.voltage_mv;
  view.telemetry.transport = core::Transport::zigbee;
  view.linkquality = report.linkquality;
  view.battery_low = report.battery_low;
  if (report.action) {
    std::optional<std::string_view> source;
    if (report.action_source_name) source = *report.action_source_name;
    view.action = interpret_z2m_action(*report.action, source);
  }
  return view;
}

// --- availability, bridge state, action ----------------------------------------

Result<bool> decode_z2m_availability(std::string_view payload) {
  return decode_online("availability", payload);
}

Result<bool> decode_z2m_bridge_state(std::string_view payload) {
  return decode_online("bridge_state", payload);
}

Result<std::optional<std::string>> decode_z2m_action(std::string_view payload) {
  const std::string_view text = trim(payload);
  if (text.size() > 128) return invalid_argument("action", "must be at most 128 bytes");
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return invalid_argument("action", "must not contain control characters");
    }
  }
  if (text.empty()) return std::optional<std::string>{};
  return std::optional<std::string>{std::string(text)};
}

// --- bridge/info, bridge/event ---------------------------------------------------

Result<Z2mBridgeInfo> decode_z2m_bridge_info(std::string_view payload) {
  auto v = parse_object("bridge_info", payload, 4 * kKiB * kKiB, 64);
  if (!v) return v.error();
  std::optional<Error> error;
  Fields f(v->get_object(), "bridge_info", error);
  Z2mBridgeInfo info;
  info.version = f.required_text("version", 1, 64);
  info.commit = f.text("commit", 0, 64);
  if (const json::object* coordinator = f.object("coordinator")) {
    Fields cf(*coordinator, "bridge_info.coordinator", error);
    info.coordinator_type = cf.text("type", 1, 64);
    if (cf.find("ieee_address") != nullptr) info.coordinator_ieee_address = cf.ieee_address("ieee_address");
    if (const json::object* meta = cf.object("meta")) {
      Fields mf(*meta, "bridge_info.coordinator.meta", error);
      const json::value* rev = mf.find("revision");
      if (rev != nullptr && (rev->is_int64() || rev->is_uint64())) {
        info.coordinator_revision = json::serialize(*rev);
      } else {
        info.coordinator_revision = mf.text("revision", 1, 64);
      }
    }
  }
  if (const json::object* network = f.object("network")) {
    Fields nf(*network, "bridge_info.network", error);
    info.channel = nf.integer("channel", 0, 26);
    info.pan_id = nf.integer("pan_id", 0, 65'535);
    // Read for the default-key check only: any other shape (the documentation's own example
    // has 3 bytes) reads as unknown rather than refusing the bridge's version with it.
    if (const json::value* ext = nf.find("extended_pan_id")) info.extended_pan_id = extended_pan_id(*ext);
  }
  info.permit_join = f.boolean("permit_join");
  info.permit_join_end_ms = f.integer64("permit_join_end", 0, std::numeric_limits<std::int64_t>::max());
  info.permit_join_timeout_s = f.integer("permit_join_timeout", 0, 7 * 24 * 3600);
  info.restart_required = f.boolean("restart_required");
  if (error) return *error;
  return info;
}

bool z2m_default_network(const Z2mBridgeInfo& info) {
  return info.pan_id == 6754 && info.extended_pan_id == std::optional<std::string>("dddddddddddddddd");
}

std::optional<int> z2m_major_version(std::string_view version) {
  int major = 0;
  std::size_t i = 0;
  for (; i < version.size() && i < 4 && version[i] >= '0' && version[i] <= '9'; ++i)
    major = major * 10 + (version[i] - '0');
  if (i == 0) return std::nullopt;
  return major;
}

Result<Z2mBridgeEvent> decode_z2m_bridge_event(std::string_view payload) {
  auto v = parse_object("bridge_event", payload, 64 * kKiB, 16);
  if (!v) return v.error();
  std::optional<Error> error;
  Fields f(v->get_object(), "bridge_event", error);
  Z2mBridgeEvent e;
  e.type_name = f.required_text("type", 1, 64);
  e.type = kEventTypes.parse(e.type_name).value_or(Z2mBridgeEventType::other);
  if (error) return *error;
  if (e.type == Z2mBridgeEventType::other) return e;
  const json::object* data = f.object("data");
  if (data == nullptr && !error) f.fail("data", "missing");
  if (data != nullptr) {
    Fields df(*data, "bridge_event.data", error);
    e.friendly_name = df.required_text("friendly_name", 1, 256);
    e.ieee_address = df.ieee_address("ieee_address");
    if (e.type == Z2mBridgeEventType::device_interview) {
      e.interview_status = df.one_of("status", kInterviewStatuses, "started, successful, failed", true);
      e.supported = df.boolean("supported");
      if (const json::object* definition = df.object("definition")) {
        Fields def(*definition, "bridge_event.data.definition", error);
        e.model = def.text("model", 0, 256);
        e.vendor = def.text("vendor", 0, 256);
      }
    }
  }
  if (error) return *error;
  return e;
}

// --- bridge/logging -------------------------------------------------------------

Z2mLogLine read_z2m_log_message(std::string level, std::string message) {
  Z2mLogLine line;
  line.level = std::move(level);
  line.message = std::move(message);
  const std::string_view msg = line.message;
  struct Pattern {
    Z2mLogKind kind;
    std::string_view lead;
    std::string_view close;
  };
  static constexpr auto kPatterns = std::to_array<Pattern>({
      {Z2mLogKind::publish_failed, "' to '", "' failed: "},
      {Z2mLogKind::ping_failed, "Failed to ping '", "' ("},
      {Z2mLogKind::ping_succeeded, "Successfully pinged '", "'"},
      {Z2mLogKind::read_after_reconnect_failed, "Failed to read state of '", "' after reconnect"},
      {Z2mLogKind::reconnected, "Device '", "' reconnected"},
      {Z2mLogKind::last_seen, "ive device '", "' was last seen"},  // Active / Passive
      {Z2mLogKind::configure_failed, "Failed to configure '", "', attempt"},
      {Z2mLogKind::interview_failed, "Failed to interview '", "'"},
  });
  for (const Pattern& p : kPatterns) {
    if (p.kind == Z2mLogKind::publish_failed && msg.find("Publish '") == std::string_view::npos) continue;
    if (auto name = quoted_name(msg, p.lead, p.close)) {
      line.kind = p.kind;
      line.device = std::move(name);
      break;
    }
  }
  if (line.kind == Z2mLogKind::other && msg.find("Adapter disconnected") != std::string_view::npos) {
    line.kind = Z2mLogKind::adapter_disconnected;
  }
  auto digits_end = [&](std::size_t pos) {
    while (pos < msg.size() && msg[pos] >= '0' && msg[pos] <= '9') ++pos;
    return pos;
  };
  // "... failed with error: 'MAC no ack' (233)"
  constexpr std::string_view kLead = "with error: '";
  if (const std::size_t at = msg.find(kLead); at != std::string_view::npos) {
    const std::size_t start = at + kLead.size();
    const std::size_t end = msg.find("' (", start);
    const std::size_t digits = end == std::string_view::npos ? end : digits_end(end + 3);
    if (end != std::string_view::npos && digits > end + 3 && digits - end - 3 <= 6 && digits < msg.size() &&
        msg[digits] == ')') {
      line.mac_status = std::stoi(std::string(msg.substr(end + 3, digits - end - 3)));
      line.status_name = std::string(msg.substr(start, end - start));
    }
  }
  // "... after 10000ms", "Timeout - ..."
  line.timed_out = msg.find("Timeout") != std::string_view::npos;
  for (std::size_t at = msg.find(" after "); !line.timed_out && at != std::string_view::npos;
       at = msg.find(" after ", at + 1)) {
    const std::size_t end = digits_end(at + 7);
    line.timed_out = end > at + 7 && msg.substr(end, 2) == "ms";
  }
  return line;
}

Result<Z2mLogLine> decode_z2m_bridge_logging(std::string_view payload) {
  auto v = parse_object("bridge_logging", payload, 64 * kKiB, 16);
  if (!v) return v.error();
  std::optional<Error> error;
  Fields f(v->get_object(), "bridge_logging", error);
  const json::value* m = f.find("message");
  if (m == nullptr) f.fail("message", "missing");
  if (m != nullptr && !m->is_string()) f.fail("message", "must be a string");
  std::string level;
  std::optional<std::string> meta_device;
  if (f.find("level") == nullptr && f.find("type") != nullptr) {  // 1.x bridge/log
    level = f.required_text("type", 1, 64).ends_with("_error") ? "error" : "info";
    if (const json::object* meta = f.object("meta")) {
      meta_device = Fields(*meta, "bridge_logging.meta", error).text("friendly_name", 1, 256);
    }
  } else {
    level = f.required_text("level", 1, 16);
  }
  if (error) return *error;
  Z2mLogLine line =
      read_z2m_log_message(std::move(level), std::string(m->get_string().data(), m->get_string().size()));
  if (!line.device) line.device = std::move(meta_device);
  return line;
}

// --- bridge/devices -------------------------------------------------------------

Result<std::vector<Z2mDevice>> decode_z2m_bridge_devices(std::string_view payload) {
  auto v = parse_json("bridge_devices", payload, 16 * kKiB * kKiB, 64);
  if (!v) return v.error();
  const json::array* a = v->if_array();
  if (a == nullptr) return invalid_argument("bridge_devices", "must be a JSON array");
  std::vector<Z2mDevice> devices;
  devices.reserve(a->size());
  std::optional<Error> error;
  for (std::size_t i = 0; i < a->size() && !error; ++i) {
    std::string prefix = "bridge_devices[" + std::to_string(i) + "]";
    if (const json::object* o = (*a)[i].if_object()) {
      devices.push_back(decode_device_entry(*o, std::move(prefix), error));
    } else {
      error = invalid_argument(prefix, "must be a JSON object");
    }
  }
  if (error) return *error;
  return devices;
}

std::string_view to_string(Z2mLogKind v) noexcept { return kLogKinds.name(v, "other"); }

}  // namespace lw::protocol
