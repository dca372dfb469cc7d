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

namespace {

/// Polls a pairing or unpairing session until it is no longer pending or `wait` passes.
Result<json::object> wait_for_session(const ClientOptions& o, json::object session, Duration wait,
                                      std::ostream& err, int& exit_code) {
  const std::string id = field(session, "id");
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (field(session, "state") == "pending" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto poll = call_hub(o, "GET", "/api/v1/pairings/" + id, "", err, exit_code);
    if (!poll) return poll.error();
    session = poll->at("pairing").as_object();
  }
  return session;
}

}  // namespace

int cmd_unpair(const ClientOptions& o, const std::string& lock, const std::string& key_id, Duration wait,
               std::ostream& out, std::ostream& err) {
  const std::string id = lock_id_of(lock);
  int code_out = 0;
  auto started = call_hub(o, "DELETE", "/api/v1/locks/" + id + "/keys/" + key_id, "", err, code_out);
  if (!started) return code_out;
  auto finished = wait_for_session(o, started->at("pairing").as_object(), wait, err, code_out);
  if (!finished) return code_out;
  if (o.json) out << json::serialize(json::object{{"pairing", *finished}}) << "\n";
  const std::string state = field(*finished, "state");
  if (state == "unpaired") {
    if (!o.json) out << fmt::format("{}: no longer trusts key '{}'\n", lock, key_id);
    return 0;
  }
  if (!o.json) {
    out << fmt::format("{}: unpairing {} ({}){}\n", lock, state == "pending" ? "did not finish" : "failed",
                       state == "pending" ? "no answer yet" : field(*finished, "outcome"),
                       field(*finished, "detail").empty() ? "" : ": " + field(*finished, "detail"));
  }
  return kExitFailed;
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
  auto started = call_hub(o, "POST", "/api/v1/locks/" + id + "/pair", json::serialize(body), err, code_out);
  if (!started) return code_out;
  auto finished = wait_for_session(o, started->at("pairing").as_object(), wait, err, code_out);
  if (!finished) return code_out;
  const json::object& pairing = *finished;
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
    auto info = call_hub(o, "GET", "/api/v1/locks/" + id, "", err, code);
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
  auto reply = call_hub(o, "POST", "/api/v1/locks/" + id + "/actions",
                        json::serialize(json::object{{"envelope", envelope}}), err, code);
  if (!reply) return code;
  json::object current = reply->at("action").as_object();
  const auto deadline = started + wait;
  while (field(current, "status") == "pending" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto poll = call_hub(o, "GET", "/api/v1/actions/" + c.id, "", err, code);
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
