#include "app/key_commands.h"

#include <fmt/format.h>
#include <sodium.h>

#include <boost/json.hpp>
#include <chrono>
#include <thread>

#include "adapters/http/http_client.h"
#include "adapters/system/device_key_file.h"
#include "core/lock/messages.h"
#include "protocol/envelope.h"

namespace lw::app {
namespace {

namespace json = boost::json;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;

/// Calls the hub with a JSON body; prints a clear message and sets the exit code on failure.
Result<json::object> call(const ClientOptions& o, std::string_view method, const std::string& path,
                          const std::string& body, std::ostream& err, int& exit_code) {
  auto r = request_hub(o, method, path, body);
  if (!r) {
    err << "lockwarden: " << r.error().message << "\n";
    exit_code = kExitUnreachable;
    return r.error();
  }
  json::error_code ec;
  json::value v = json::parse(r->body, ec);
  if (ec || !v.is_object()) {
    err << "lockwarden: the hub at " << o.server << " answered " << r->status
        << " with a body that is not JSON\n";
    exit_code = kExitUnreachable;
    return internal_error("not json");
  }
  if (r->status >= 400) {
    std::string message = "HTTP " + std::to_string(r->status);
    if (const json::value* e = v.as_object().if_contains("error"); e && e->is_object()) {
      if (const json::value* m = e->as_object().if_contains("message"); m && m->is_string()) {
        message = std::string(m->as_string());
      }
    }
    err << "lockwarden: " << message << "\n";
    exit_code = r->status == 404 || r->status == 400 ? kExitUsage : kExitFailed;
    return failed_precondition(message);
  }
  return std::move(v.as_object());
}

std::string field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

/// "SITE/LOCK" or "LOCK": the API names a lock by its id.
std::string lock_id_of(const std::string& lock) {
  const auto slash = lock.find('/');
  return slash == std::string::npos ? lock : lock.substr(slash + 1);
}

std::string random_hex(std::size_t bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) out += fmt::format("{:02x}", randombytes_uniform(256));
  return out;
}

}  // namespace

int cmd_key_create(const std::string& key_file, const std::string& key_id, std::ostream& out,
                   std::ostream& err) {
  if (sodium_init() < 0) {
    err << "lockwarden: libsodium could not be initialised\n";
    return kExitFailed;
  }
  const std::string path = key_file.empty() ? adapters::default_device_key_path() : key_file;
  auto key = adapters::create_device_key(path, key_id);
  if (!key) {
    err << "lockwarden: " << key.error().message << "\n";
    return key.error().code == ErrorCode::invalid_argument || key.error().code == ErrorCode::conflict
               ? kExitUsage
               : kExitFailed;
  }
  out << fmt::format("created key '{}' in {} (mode 0600)\npublic key: {}\n", key->key_id, path,
                     protocol::encode_public_key(key->keys.public_key));
  return 0;
}

int cmd_pair(const ClientOptions& o, const std::string& lock, const std::string& code,
             const std::string& key_file, Duration wait, std::ostream& out, std::ostream& err) {
  json::object body{{"code", code}};
  std::string who = "the hub's key";
  if (!key_file.empty()) {
    auto key = adapters::load_device_key(key_file);
    if (!key) {
      err << "lockwarden: " << key.error().message << "\n";
      return kExitUsage;
    }
    body["key_id"] = key->key_id;
    body["public_key"] = protocol::encode_public_key(key->keys.public_key);
    who = "key '" + key->key_id + "'";
  }
  const std::string id = lock_id_of(lock);
  int code_out = 0;
  auto started = call(o, "POST", "/api/v1/locks/" + id + "/pair", json::serialize(body), err, code_out);
  if (!started) return code_out;
  json::object pairing = started->at("pairing").as_object();
  const std::string session = field(pairing, "id");
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (field(pairing, "state") == "pending" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto poll = call(o, "GET", "/api/v1/pairings/" + session, "", err, code_out);
    if (!poll) return code_out;
    pairing = poll->at("pairing").as_object();
  }
  if (o.json) {
    out << json::serialize(json::object{{"pairing", pairing}}) << "\n";
  }
  const std::string state = field(pairing, "state");
  if (state == "paired") {
    if (!o.json) out << fmt::format("{}: paired with {}\n", lock, who);
    return 0;
  }
  if (!o.json) {
    out << fmt::format("{}: pairing {} ({}){}\n", lock, state == "pending" ? "did not finish" : "failed",
                       state == "pending" ? "no answer yet" : field(pairing, "outcome"),
                       field(pairing, "detail").empty() ? "" : ": " + field(pairing, "detail"));
  }
  return kExitFailed;
}

int cmd_signed_action(const ClientOptions& o, const std::string& lock, const std::string& action,
                      const std::string& key_file, Duration wait, std::ostream& out, std::ostream& err) {
  if (sodium_init() < 0) {
    err << "lockwarden: libsodium could not be initialised\n";
    return kExitFailed;
  }
  auto key = adapters::load_device_key(key_file);
  if (!key) {
    err << "lockwarden: " << key.error().message << "\n";
    return kExitUsage;
  }
  const auto parsed_action = core::parse_lock_action(action);
  if (!parsed_action) {
    err << "lockwarden: action: must be lock, unlock or unlatch\n";
    return kExitUsage;
  }
  const std::string id = lock_id_of(lock);
  int code = 0;
  // The body names the lock's site; ask the hub when only the id was given.
  std::string site = lock.find('/') == std::string::npos ? std::string() : lock.substr(0, lock.find('/'));
  if (site.empty()) {
    auto info = call(o, "GET", "/api/v1/locks/" + id, "", err, code);
    if (!info) return code;
    const json::value* l = info->if_contains("lock");
    site = field(l != nullptr && l->is_object() ? l->as_object() : *info, "site");
  }
  auto counter = adapters::next_counter(key_file, *key);
  if (!counter) {
    err << "lockwarden: " << counter.error().message << "\n";
    return kExitFailed;
  }
  const auto now = std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  core::Command c;
  c.id = "act-" + random_hex(8);
  c.target = {site, id};
  c.action = *parsed_action;
  c.issued_at = Timestamp{now.time_since_epoch()};
  c.expires_at = c.issued_at + 30s;
  c.key_id = key->key_id;
  c.counter = *counter;
  const std::string envelope = protocol::seal_command(c, key->keys.secret);
  const auto started = std::chrono::steady_clock::now();
  auto reply = call(o, "POST", "/api/v1/locks/" + id + "/actions",
                    json::serialize(json::object{{"envelope", envelope}}), err, code);
  if (!reply) return code;
  json::object current = reply->at("action").as_object();
  const auto deadline = started + wait;
  while (field(current, "status") == "pending" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto poll = call(o, "GET", "/api/v1/actions/" + c.id, "", err, code);
    if (!poll) return code;
    current = poll->at("action").as_object();
  }
  const std::string status = field(current, "status");
  if (o.json) {
    out << json::serialize(json::object{{"action", current}}) << "\n";
  } else if (status == "succeeded") {
    out << fmt::format("{}: {} done, signed by key '{}' (action {})\n", lock, action, key->key_id, c.id);
  } else {
    out << fmt::format("{}: {} {} ({}){}\n", lock, action, status == "pending" ? "still pending" : "failed",
                       field(current, "reason"),
                       field(current, "detail").empty() ? "" : ": " + field(current, "detail"));
  }
  return status == "succeeded" ? 0 : kExitFailed;
}

}  // namespace lw::app
