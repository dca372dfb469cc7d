#include "protocol/ecosystem/zwave_js_server.h"

#include <boost/json.hpp>

#include "base/text.h"
#include "protocol/ecosystem/payload.h"

namespace lw::protocol {
namespace {

namespace json = boost::json;

constexpr int kMaxNodeId = 4000;  // Z-Wave Long Range node ids reach 4000
constexpr int kEntryControlClass = 0x40;

Error bad(std::string_view path, std::string_view why) { return invalid_argument(path, why); }

const json::value* field(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v == nullptr || v->is_null() ? nullptr : v;
}

Result<std::optional<std::int64_t>> optional_int(const json::object& o, std::string_view name,
                                                 std::string_view path, std::int64_t lo, std::int64_t hi) {
  const json::value* v = field(o, name);
  if (v == nullptr) return std::optional<std::int64_t>{};
  std::optional<std::int64_t> n;
  if (v->is_int64()) n = v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(hi))
    n = static_cast<std::int64_t>(v->get_uint64());
  if (!n || *n < lo || *n > hi) {
    return bad(std::string(path) + "." + std::string(name),
               "must be an integer " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return n;
}

Result<std::int64_t> required_int(const json::object& o, std::string_view name, std::string_view path,
                                  std::int64_t lo, std::int64_t hi) {
  auto n = optional_int(o, name, path, lo, hi);
  if (!n) return n.error();
  if (!*n) return bad(std::string(path) + "." + std::string(name), "missing");
  return **n;
}

/// A string field, bounded and cleaned for display; nullopt when absent.
Result<std::optional<std::string>> optional_text(const json::object& o, std::string_view name,
                                                 std::string_view path, std::size_t max) {
  const json::value* v = field(o, name);
  if (v == nullptr) return std::optional<std::string>{};
  if (!v->is_string()) return bad(std::string(path) + "." + std::string(name), "must be a string");
  const json::string& s = v->get_string();
  return std::optional<std::string>(shown(std::string_view(s.data(), s.size()), max));
}

std::optional<bool> optional_bool(const json::object& o, std::string_view name) {
  const json::value* v = field(o, name);
  if (v == nullptr || !v->is_bool()) return std::nullopt;
  return v->get_bool();
}

/// property / propertyKey: a string or a number, spelled as decimal.
Result<std::optional<std::string>> property_of(const json::object& o, std::string_view name,
                                               std::string_view path) {
  const json::value* v = field(o, name);
  if (v == nullptr) return std::optional<std::string>{};
  if (v->is_string()) return std::optional<std::string>(shown(std::string_view(v->get_string()), 128));
  if (v->is_int64()) return std::optional<std::string>(std::to_string(v->get_int64()));
  if (v->is_uint64()) return std::optional<std::string>(std::to_string(v->get_uint64()));
  return bad(std::string(path) + "." + std::string(name), "must be a string or an integer");
}

Result<ZwsValue> value_of(const json::object& o, std::string_view path, std::string_view value_field) {
  ZwsValue v;
  auto cc = required_int(o, "commandClass", path, 0, 0xffff);
  if (!cc) return cc.error();
  v.command_class = static_cast<int>(*cc);
  auto endpoint = optional_int(o, "endpoint", path, 0, 127);
  if (!endpoint) return endpoint.error();
  v.endpoint = static_cast<int>(endpoint->value_or(0));
  auto property = property_of(o, "property", path);
  if (!property) return property.error();
  if (!*property) return bad(std::string(path) + ".property", "missing");
  v.property = std::move(**property);
  auto key = property_of(o, "propertyKey", path);
  if (!key) return key.error();
  v.property_key = std::move(*key);
  if (const json::value* raw = field(o, value_field)) {
    // The value itself, read as the gateway's "just value" payload.
    auto decoded = decode_zwave_value(json::serialize(*raw));
    if (!decoded) return bad(std::string(path) + "." + std::string(value_field), "not a value");
    v.value = std::move(*decoded);
  }
  return v;
}

bool implements(const json::object& node, int cc) {
  const json::value* endpoints = field(node, "endpoints");
  if (endpoints == nullptr || !endpoints->is_array()) return false;
  for (const json::value& e : endpoints->get_array()) {
    const json::object* eo = e.if_object();
    const json::value* ccs = eo != nullptr ? field(*eo, "commandClasses") : nullptr;
    if (ccs == nullptr || !ccs->is_array()) continue;
    for (const json::value& c : ccs->get_array()) {
      const json::object* co = c.if_object();
      const json::value* id = co != nullptr ? field(*co, "id") : nullptr;
      if (id != nullptr && id->is_number() && id->to_number<std::int64_t>() == cc) return true;
    }
  }
  return false;
}

}  // namespace

std::string_view security_class_name(int security_class) noexcept {
  switch (security_class) {
    case -1: return "None";
    case 0: return "S2 Unauthenticated";
    case 1: return "S2 Authenticated";
    case 2: return "S2 Access Control";
    case 7: return "S0 Legacy";
    default: return "unknown";
  }
}

namespace {

Result<ZwsNode> node_of(const json::object& o, std::string_view path) {
  ZwsNode n;
  auto id = required_int(o, "nodeId", path, 1, kMaxNodeId);
  if (!id) return id.error();
  n.node_id = static_cast<int>(*id);
  auto status = optional_int(o, "status", path, 0, 4);
  if (!status) return status.error();
  if (*status) n.status = *zws_node_status(**status);
  n.ready = optional_bool(o, "ready").value_or(false);
  n.is_controller = optional_bool(o, "isControllerNode").value_or(false);
  n.is_listening = optional_bool(o, "isListening");
  n.is_frequent_listening = optional_bool(o, "isFrequentListening");
  auto security = optional_int(o, "highestSecurityClass", path, -2, 7);
  if (!security) return security.error();
  if (*security && **security != -2)
    n.highest_security_class = static_cast<int>(**security);  // -2: temporary
  for (auto [name, out] : {std::pair{"name", &n.name}, std::pair{"location", &n.location},
                           std::pair{"firmwareVersion", &n.firmware_version}}) {
    auto t = optional_text(o, name, path, 256);
    if (!t) return t.error();
    *out = std::move(*t);
    if (*out && (*out)->empty()) out->reset();
  }
  int generic = -1;
  if (const json::value* dc = field(o, "deviceClass"); dc != nullptr && dc->is_object()) {
    if (const json::value* g = field(dc->get_object(), "generic"); g != nullptr && g->is_object()) {
      if (const json::value* key = field(g->get_object(), "key"); key != nullptr && key->is_number())
        generic = static_cast<int>(key->to_number<std::int64_t>());
    }
  }
  n.is_lock = !n.is_controller && (generic == kEntryControlClass || implements(o, kZwaveDoorLockCc));
  if (const json::value* values = field(o, "values")) {
    if (!values->is_array()) return bad(std::string(path) + ".values", "must be an array");
    std::size_t i = 0;
    for (const json::value& v : values->get_array()) {
      const std::string at = std::string(path) + ".values[" + std::to_string(i++) + "]";
      if (!v.is_object()) return bad(at, "must be an object");
      auto value = value_of(v.get_object(), at, "value");
      if (!value) return value.error();
      n.values.push_back(std::move(*value));
    }
  }
  return n;
}

Result<ZwsMessage> version_of(const json::object& o) {
  ZwsVersion v;
  auto driver = optional_text(o, "driverVersion", "version", 64);
  if (!driver) return driver.error();
  v.driver_version = driver->value_or("");
  auto server = optional_text(o, "serverVersion", "version", 64);
  if (!server) return server.error();
  v.server_version = server->value_or("");
  auto min = required_int(o, "minSchemaVersion", "version", 0, 10'000);
  if (!min) return min.error();
  auto max = required_int(o, "maxSchemaVersion", "version", 0, 10'000);
  if (!max) return max.error();
  v.min_schema = static_cast<int>(*min);
  v.max_schema = static_cast<int>(*max);
  auto home = optional_int(o, "homeId", "version", 0, 0xffffffffLL);
  if (!home) return home.error();
  if (*home) v.home_id = static_cast<std::uint32_t>(**home);
  return ZwsMessage{std::move(v)};
}

Result<ZwsMessage> result_of(const json::object& o) {
  ZwsResult r;
  auto id = optional_text(o, "messageId", "result", 128);
  if (!id) return id.error();
  r.message_id = id->value_or("");
  const std::optional<bool> success = optional_bool(o, "success");
  if (!success) return bad("result.success", "must be true or false");
  r.success = *success;
  if (!r.success) {
    auto code = optional_text(o, "errorCode", "result", 64);
    if (!code) return code.error();
    r.error_code = code->value_or("unknown");
    for (const char* name : {"zwaveErrorMessage", "message", "errorCode"}) {
      auto m = optional_text(o, name, "result", 200);
      if (m && *m) {
        r.error_message = std::move(**m);
        break;
      }
    }
    return ZwsMessage{std::move(r)};
  }
  const json::value* body = field(o, "result");
  if (body == nullptr || !body->is_object()) return ZwsMessage{std::move(r)};
  const json::object& b = body->get_object();
  if (const json::value* state = field(b, "state"); state != nullptr && state->is_object()) {
    const json::value* nodes = field(state->get_object(), "nodes");
    if (nodes == nullptr || !nodes->is_array()) return bad("result.state.nodes", "must be an array");
    std::vector<ZwsNode> out;
    std::size_t i = 0;
    for (const json::value& n : nodes->get_array()) {
      const std::string at = "result.state.nodes[" + std::to_string(i++) + "]";
      if (!n.is_object()) return bad(at, "must be an object");
      auto node = node_of(n.get_object(), at);
      if (!node) return node.error();
      out.push_back(std::move(*node));
    }
    r.nodes = std::move(out);
  }
  if (const json::value* inner = field(b, "result"); inner != nullptr && inner->is_object()) {
    auto status = optional_int(inner->get_object(), "status", "result.result", 0, 255);
    if (!status) return status.error();
    if (*status) r.set_value_status = static_cast<int>(**status);
    auto words = optional_text(inner->get_object(), "message", "result.result", 200);
    if (words && *words) r.error_message = std::move(**words);
    r.firmware_installed = optional_bool(inner->get_object(), "success");
  }
  if (const json::value* updates = field(b, "updates"); updates != nullptr) {
    if (!updates->is_array()) return bad("result.updates", "must be an array");
    std::vector<ZwsFirmwareUpdate> out;
    std::size_t i = 0;
    for (const json::value& u : updates->get_array()) {
      const std::string at = "result.updates[" + std::to_string(i++) + "]";
      if (!u.is_object()) return bad(at, "must be an object");
      auto version = optional_text(u.get_object(), "version", at, 64);
      if (!version) return version.error();
      if (!*version) return bad(at + ".version", "missing");
      out.push_back(ZwsFirmwareUpdate{std::move(**version),
                                      optional_bool(u.get_object(), "downgrade").value_or(false),
                                      json::serialize(u)});
    }
    r.firmware_updates = std::move(out);
  }
  // endpoint.invoke_cc_api of User Code "get": {"response":{"userIdStatus":N,"userCode":"..."}}.
  if (const json::value* response = field(b, "response"); response != nullptr && response->is_object()) {
    const json::object& u = response->get_object();
    auto status = optional_int(u, "userIdStatus", "result.response", 0, 255);
    if (!status) return status.error();
    auto code = optional_text(u, "userCode", "result.response", 10);
    if (!code) return code.error();
    if (*status) {
      if (*code && (*code)->find_first_not_of("0123456789") != std::string::npos)
        return bad("result.response.userCode", "must be digits");
      r.user_code = ZwsUserCode{static_cast<int>(**status), code->value_or("")};
    }
    // Door Lock "getConfiguration": {"response":{"operationType":1,...,"autoRelockTime":30}}.
    if (u.contains("operationType")) {
      r.door_lock_configuration = true;
      auto relock = optional_int(u, "autoRelockTime", "result.response", 0, 65535);
      if (!relock) return relock.error();
      if (*relock) r.auto_relock_time = static_cast<int>(**relock);
    }
  }
  r.responded = optional_bool(b, "responded");
  return ZwsMessage{std::move(r)};
}

Result<ZwsMessage> event_of(const json::object& outer) {
  const json::value* ev = field(outer, "event");
  if (ev == nullptr || !ev->is_object()) return bad("event", "must be an object");
  const json::object& o = ev->get_object();
  ZwsEvent e;
  auto source = optional_text(o, "source", "event", 32);
  if (!source) return source.error();
  auto name = optional_text(o, "event", "event", 64);
  if (!name) return name.error();
  if (!*source || !*name) return bad(*source ? "event.event" : "event.source", "missing");
  e.source = std::move(**source);
  e.name = std::move(**name);
  auto node = optional_int(o, "nodeId", "event", 1, kMaxNodeId);
  if (!node) return node.error();
  if (*node) e.node_id = static_cast<int>(**node);
  if (e.source != "node" && e.source != "controller") return ZwsMessage{std::move(e)};
  const json::value* args = field(o, "args");
  if ((e.name == "value updated" || e.name == "value added" || e.name == "value notification") &&
      args != nullptr && args->is_object()) {
    const bool notification = e.name == "value notification";
    auto v = value_of(args->get_object(), "event.args", notification ? "value" : "newValue");
    if (!v) return v.error();
    e.value = std::move(*v);
  } else if (e.name == "notification" && args != nullptr && args->is_object()) {
    auto cc = optional_int(o, "ccId", "event", 0, 0xffff);
    if (!cc) return cc.error();
    if (cc->value_or(-1) == kZwaveNotificationCc) {
      const json::object& a = args->get_object();
      ZwsNotification n;
      auto type = required_int(a, "type", "event.args", 0, 255);
      if (!type) return type.error();
      auto code = required_int(a, "event", "event.args", 0, 255);
      if (!code) return code.error();
      n.type = static_cast<int>(*type);
      n.event = static_cast<int>(*code);
      if (const json::value* p = field(a, "parameters"); p != nullptr && p->is_object()) {
        auto user = optional_int(p->get_object(), "userId", "event.args.parameters", 0, 0xffff);
        if (!user) return user.error();
        if (*user) n.user_id = static_cast<int>(**user);
      }
      e.notification = n;
    }
  } else if (e.name == "statistics updated" && e.source == "node") {
    const json::value* stats = field(o, "statistics");
    if (stats != nullptr && stats->is_object()) {
      const json::object& st = stats->get_object();
      auto seen = optional_text(st, "lastSeen", "event.statistics", 64);
      if (!seen) return seen.error();
      e.last_seen = std::move(*seen);
      if (const json::value* rssi = field(st, "rssi"); rssi != nullptr && rssi->is_number()) {
        const auto dbm = rssi->to_number<double>();
        if (dbm >= -128 && dbm <= -1) e.rssi_dbm = static_cast<int>(dbm);
      }
    }
  } else if (e.name == "ready" || e.name == "node added" || e.name == "node removed") {
    const char* key = e.name == "ready" ? "nodeState" : "node";
    if (const json::value* state = field(o, key); state != nullptr && state->is_object()) {
      auto n = node_of(state->get_object(), std::string("event.") + key);
      if (!n) return n.error();
      if (!e.node_id) e.node_id = n->node_id;
      e.node = std::move(*n);
    }
  }
  return ZwsMessage{std::move(e)};
}

std::string command(std::string_view message_id, json::object o) {
  o["messageId"] = message_id;
  return json::serialize(o);
}

}  // namespace

ZwaveValueAddress ZwsValue::address() const {
  ZwaveValueAddress a;
  a.style = ZwaveTopicStyle::value_id;
  switch (command_class) {  // named as the gateway names them, for messages
    case kZwaveDoorLockCc: a.command_class = "door_lock"; break;
    case kZwaveUserCodeCc: a.command_class = "user_code"; break;
    case kZwaveNotificationCc: a.command_class = "notification"; break;
    case kZwaveBatteryCc: a.command_class = "battery"; break;
    default: a.command_class = std::to_string(command_class);
  }
  a.command_class_id = command_class;
  a.endpoint = endpoint;
  a.property = property;
  a.property_key = property_key;
  return a;
}

std::optional<ZwaveNodeStatus> zws_node_status(std::int64_t n) noexcept {
  switch (n) {
    case 0: return ZwaveNodeStatus::unknown;
    case 1: return ZwaveNodeStatus::asleep;
    case 2: return ZwaveNodeStatus::awake;
    case 3: return ZwaveNodeStatus::dead;
    case 4: return ZwaveNodeStatus::alive;
    default: return std::nullopt;
  }
}

Result<ZwsMessage> decode_zws_message(std::string_view text) {
  auto parsed = ecosystem::parse_json("message", text, kZwsMaxMessageBytes, 32);
  if (!parsed) return parsed.error();
  const json::object* o = parsed->if_object();
  if (o == nullptr) return bad("message", "must be a JSON object");
  const json::value* type = field(*o, "type");
  if (type == nullptr || !type->is_string()) return bad("message.type", "missing");
  const json::string& t = type->get_string();
  if (t == "version") return version_of(*o);
  if (t == "result") return result_of(*o);
  if (t == "event") return event_of(*o);
  return ZwsMessage{std::monostate{}};
}

std::string encode_zws_set_api_schema(std::string_view message_id, int schema) {
  return command(message_id, {{"command", "set_api_schema"}, {"schemaVersion", schema}});
}

std::string encode_zws_start_listening(std::string_view message_id) {
  return command(message_id, {{"command", "start_listening"}});
}

std::string encode_zws_door_lock(std::string_view message_id, int node_id, bool lock) {
  return command(
      message_id,
      {{"command", "node.set_value"},
       {"nodeId", node_id},
       {"valueId", {{"commandClass", kZwaveDoorLockCc}, {"endpoint", 0}, {"property", "targetMode"}}},
       {"value", lock ? 255 : 0}});
}

std::string encode_zws_user_code_set(std::string_view message_id, int node_id, int user_id,
                                     std::string_view pin) {
  return command(message_id, {{"command", "node.set_value"},
                              {"nodeId", node_id},
                              {"valueId",
                               {{"commandClass", kZwaveUserCodeCc},
                                {"endpoint", 0},
                                {"property", "userCode"},
                                {"propertyKey", user_id}}},
                              {"value", pin}});
}

std::string encode_zws_user_code_clear(std::string_view message_id, int node_id, int user_id) {
  return command(message_id, {{"command", "node.set_value"},
                              {"nodeId", node_id},
                              {"valueId",
                               {{"commandClass", kZwaveUserCodeCc},
                                {"endpoint", 0},
                                {"property", "userIdStatus"},
                                {"propertyKey", user_id}}},
                              {"value", 0}});
}

std::string encode_zws_user_code_get(std::string_view message_id, int node_id, int user_id) {
  return command(message_id, {{"command", "endpoint.invoke_cc_api"},
                              {"nodeId", node_id},
                              {"endpoint", 0},
                              {"commandClass", kZwaveUserCodeCc},
                              {"methodName", "get"},
                              {"args", json::array{user_id}}});
}

std::string encode_zws_door_lock_configuration_get(std::string_view message_id, int node_id) {
  return command(message_id, {{"command", "endpoint.invoke_cc_api"},
                              {"nodeId", node_id},
                              {"endpoint", 0},
                              {"commandClass", kZwaveDoorLockCc},
                              {"methodName", "getConfiguration"},
                              {"args", json::array{}}});
}

std::string encode_zws_auto_relock_set(std::string_view message_id, int node_id, int seconds) {
  return command(
      message_id,
      {{"command", "node.set_value"},
       {"nodeId", node_id},
       {"valueId", {{"commandClass", kZwaveDoorLockCc}, {"endpoint", 0}, {"property", "autoRelockTime"}}},
       {"value", seconds}});
}

std::string encode_zws_ping(std::string_view message_id, int node_id) {
  return command(message_id, {{"command", "node.ping"}, {"nodeId", node_id}});
}

std::string encode_zws_soft_reset(std::string_view message_id) {
  return command(message_id, {{"command", "driver.soft_reset"}});
}

std::string encode_zws_available_firmware_updates(std::string_view message_id, int node_id) {
  return command(message_id, {{"command", "controller.get_available_firmware_updates"},
                              {"nodeId", node_id},
                              {"includePrereleases", false}});
}

Result<std::string> encode_zws_firmware_update_ota(std::string_view message_id, int node_id,
                                                   std::string_view update_info) {
  boost::system::error_code ec;
  json::value info = json::parse(update_info, ec);
  if (ec || !info.is_object()) return invalid_argument("updateInfo", "must be a JSON object");
  return command(
      message_id,
      {{"command", "controller.firmware_update_ota"}, {"nodeId", node_id}, {"updateInfo", std::move(info)}});
}

}  // namespace lw::protocol
