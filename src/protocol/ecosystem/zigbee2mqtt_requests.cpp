#include "protocol/ecosystem/zigbee2mqtt_requests.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdint>
#include <utility>

#include "base/enum_names.h"
#include "protocol/ecosystem/payload.h"

namespace lw::protocol {
namespace {

namespace json = boost::json;

constexpr EnumNames<Z2mUserType, 5> kUserTypes{{{{Z2mUserType::unrestricted, "unrestricted"},
                                                 {Z2mUserType::year_day_schedule, "year_day_schedule"},
                                                 {Z2mUserType::week_day_schedule, "week_day_schedule"},
                                                 {Z2mUserType::master, "master"},
                                                 {Z2mUserType::non_access, "non_access"}}}};
constexpr std::string_view kUserTypeNames =
    "unrestricted, year_day_schedule, week_day_schedule, master, non_access";
constexpr std::int64_t kMaxUser = 65535;

bool is_pin(std::string_view pin) {
  return pin.size() >= 4 && pin.size() <= 10 &&
         std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The text between `lead` and the next quote at or after `from`.
std::optional<std::string_view> quoted_after(std::string_view s, std::string_view lead,
                                             std::size_t from = 0) {
  const std::size_t at = s.find(lead, from);
  if (at == std::string_view::npos) return std::nullopt;
  const std::size_t start = at + lead.size();
  const std::size_t end = s.find('\'', start);
  if (end == std::string_view::npos) return std::nullopt;
  return s.substr(start, end - start);
}

Result<Z2mPinCode> read_pin_code(const json::value& v) {
  const json::object* o = v.if_object();
  if (o == nullptr) return invalid_argument("set.pin_code", "must be a JSON object");
  Z2mPinCode code;
  const json::value* user = o->if_contains("user");
  if (user == nullptr || user->is_null()) return invalid_argument("set.pin_code.user", "missing");
  if (!user->is_int64() || user->get_int64() < 0 || user->get_int64() > kMaxUser) {
    return invalid_argument("set.pin_code.user", "must be an integer 0..65535");
  }
  code.user = static_cast<int>(user->get_int64());
  if (const json::value* t = o->if_contains("user_type"); t != nullptr && !t->is_null()) {
    const json::string* s = t->if_string();
    auto parsed = s == nullptr ? std::nullopt : kUserTypes.parse(std::string_view(*s));
    if (!parsed) {
      return invalid_argument("set.pin_code.user_type", "must be one of " + std::string(kUserTypeNames));
    }
    code.user_type = *parsed;
  }
  if (const json::value* e = o->if_contains("user_enabled"); e != nullptr && !e->is_null()) {
    if (!e->is_bool()) return invalid_argument("set.pin_code.user_enabled", "must be true or false");
    code.enabled = e->get_bool();
  }
  // A number is what the Zigbee2MQTT documentation shows; text keeps leading zeros.
  if (const json::value* p = o->if_contains("pin_code"); p != nullptr && !p->is_null()) {
    std::string pin;
    if (const json::string* s = p->if_string()) {
      pin.assign(s->data(), s->size());
    } else if (p->is_int64() && p->get_int64() >= 0) {
      pin = std::to_string(p->get_int64());
    }
    if (!is_pin(pin)) return invalid_argument("set.pin_code.pin_code", "must be 4..10 digits");
    code.pin = std::move(pin);
  }
  return code;
}

}  // namespace

Result<std::string> encode_z2m_lock_command(core::LockAction action) {
  switch (action) {
    case core::LockAction::lock: return std::string(R"({"state":"LOCK"})");
    case core::LockAction::unlock: return std::string(R"({"state":"UNLOCK"})");
    case core::LockAction::unlatch: break;
  }
  return invalid_argument("action", "a Zigbee door lock has no unlatch");
}

std::string encode_z2m_state_read() { return R"({"state":""})"; }

std::string_view to_string(Z2mUserType v) noexcept { return kUserTypes.name(v, "unrestricted"); }

Result<std::string> encode_z2m_pin_code(const Z2mPinCode& code) {
  if (code.user < 0 || code.user > kMaxUser) {
    return invalid_argument("pin_code.user", "must be an integer 0..65535");
  }
  json::object slot;
  slot["user"] = code.user;
  if (!code.pin) {
    slot["pin_code"] = nullptr;  // "set pincode to null to clear"
  } else {
    if (!is_pin(*code.pin)) return invalid_argument("pin_code.pin_code", "must be 4..10 digits");
    slot["user_type"] = to_string(code.user_type);
    slot["user_enabled"] = code.enabled;
    slot["pin_code"] = *code.pin;
  }
  json::object body;
  body["pin_code"] = std::move(slot);
  return json::serialize(body);
}

Result<std::string> encode_z2m_pin_read(int user) {
  if (user < 0 || user > kMaxUser) return invalid_argument("pin_code.user", "must be an integer 0..65535");
  json::object slot;
  slot["user"] = user;
  json::object body;
  body["pin_code"] = std::move(slot);
  return json::serialize(body);
}

Result<std::string> encode_z2m_settings(const core::LockSettings& settings) {
  if (auto valid = core::validate(settings, "settings"); !valid) return valid.error();
  const core::LockSettings zigbee{std::nullopt, std::nullopt, 0, core::SoundVolume::low};
  if (auto lacking = core::settings_it_lacks(zigbee, settings))
    return invalid_argument("settings." + *lacking,
                            "a Zigbee door lock behind Zigbee2MQTT has no such setting");
  json::object body;
  if (settings.auto_relock_s) body["auto_relock_time"] = *settings.auto_relock_s;
  if (settings.sound_volume) body["sound_volume"] = z2m_sound_volume(*settings.sound_volume);
  return json::serialize(body);
}

std::string encode_z2m_settings_read() { return R"({"auto_relock_time":"","sound_volume":""})"; }

Result<Z2mGetRequest> decode_z2m_get(std::string_view payload) {
  auto v = ecosystem::parse_json("get", payload, 4096, 8);
  if (!v) return v.error();
  const json::object* o = v->if_object();
  if (o == nullptr) return invalid_argument("get", "must be a JSON object");
  Z2mGetRequest request;
  request.state = o->contains("state");
  request.settings = o->contains("auto_relock_time") || o->contains("sound_volume");
  if (const json::value* pin = o->if_contains("pin_code"); pin != nullptr && !pin->is_null()) {
    const json::object* p = pin->if_object();
    if (p == nullptr) return invalid_argument("get.pin_code", "must be a JSON object");
    const json::value* user = p->if_contains("user");
    if (user == nullptr || user->is_null()) return invalid_argument("get.pin_code.user", "missing");
    if (!user->is_int64() || user->get_int64() < 0 || user->get_int64() > kMaxUser)
      return invalid_argument("get.pin_code.user", "must be an integer 0..65535");
    request.pin_user = static_cast<int>(user->get_int64());
  }
  return request;
}

std::string encode_z2m_ota_update(std::string_view device) {
  json::object body;
  body["id"] = device;
  return json::serialize(body);
}

Result<Z2mOtaResponse> decode_z2m_ota_response(std::string_view payload) {
  auto v = ecosystem::parse_json("ota_update", payload, 16384, 8);
  if (!v) return v.error();
  const json::object* o = v->if_object();
  if (o == nullptr) return invalid_argument("ota_update", "must be a JSON object");
  Z2mOtaResponse r;
  const json::value* status = o->if_contains("status");
  const json::string* s = status == nullptr ? nullptr : status->if_string();
  if (s == nullptr || (*s != "ok" && *s != "error"))
    return invalid_argument("ota_update.status", "must be ok or error");
  r.ok = *s == "ok";
  const json::value* data = o->if_contains("data");
  const json::object* d = data == nullptr ? nullptr : data->if_object();
  const json::value* id = d == nullptr ? nullptr : d->if_contains("id");
  if (id == nullptr || !id->is_string() || id->get_string().empty())
    return invalid_argument("ota_update.data.id", "missing");
  r.device = std::string(id->get_string());
  if (!r.ok) {
    const json::value* e = o->if_contains("error");
    r.error = e != nullptr && e->is_string() ? std::string(e->get_string()) : std::string("no reason given");
  }
  return r;
}

Result<Z2mSetRequest> decode_z2m_set(std::string_view payload) {
  auto v = ecosystem::parse_json("set", payload, 4096, 8);
  if (!v) return v.error();
  const json::object* o = v->if_object();
  if (o == nullptr) return invalid_argument("set", "must be a JSON object");
  Z2mSetRequest request;
  if (const json::value* state = o->if_contains("state"); state != nullptr && !state->is_null()) {
    const json::string* s = state->if_string();
    if (s != nullptr && *s == "LOCK") {
      request.lock = core::LockAction::lock;
    } else if (s != nullptr && *s == "UNLOCK") {
      request.lock = core::LockAction::unlock;
    } else {
      return invalid_argument("set.state", "must be LOCK or UNLOCK");
    }
  }
  if (const json::value* pin = o->if_contains("pin_code"); pin != nullptr && !pin->is_null()) {
    auto code = read_pin_code(*pin);
    if (!code) return code.error();
    request.pin_code = std::move(*code);
  }
  if (const json::value* t = o->if_contains("auto_relock_time"); t != nullptr && !t->is_null()) {
    if (!t->is_int64() || t->get_int64() < 0 || t->get_int64() > 65'535)
      return invalid_argument("set.auto_relock_time", "must be an integer 0..65535");
    request.auto_relock_time = static_cast<int>(t->get_int64());
  }
  if (const json::value* volume = o->if_contains("sound_volume"); volume != nullptr && !volume->is_null()) {
    const json::string* text = volume->if_string();
    if (text != nullptr) request.sound_volume = parse_z2m_sound_volume(std::string_view(*text));
    if (!request.sound_volume)
      return invalid_argument("set.sound_volume", "must be one of silent_mode, low_volume, high_volume");
  }
  return request;
}

std::optional<Z2mFailedRequest> z2m_failed_request(const Z2mLogLine& line) {
  if (!line.device) return std::nullopt;
  Z2mFailedRequest r;
  r.device = *line.device;
  switch (line.kind) {
    case Z2mLogKind::publish_failed: {
      // Publish '${type}' '${key}' to '${name}' failed: '${error}'
      auto type = quoted_after(line.message, "Publish '");
      if (!type) return std::nullopt;
      const std::size_t after_type = line.message.find("Publish '") + 9 + type->size();
      auto key = quoted_after(line.message, " '", after_type);
      r.type = std::string(*type);
      if (key) r.key = std::string(*key);
      return r;
    }
    case Z2mLogKind::ping_failed: r.type = "ping"; return r;
    case Z2mLogKind::read_after_reconnect_failed: r.type = "read"; return r;
    default: return std::nullopt;
  }
}

std::optional<core::BridgeLog> z2m_radio_status(const Z2mLogLine& line) {
  if (!line.mac_status) return std::nullopt;
  switch (*line.mac_status) {
    case 205:
    case 233:
    case 240: return core::BridgeLog::no_route;
    case 225: return core::BridgeLog::channel_busy;
    default: return std::nullopt;
  }
}

}  // namespace lw::protocol
