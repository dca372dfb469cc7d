#include "app/key_trust.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <string_view>
#include <utility>
#include <variant>

#include "adapters/http/api_access.h"
#include "adapters/http/api_json.h"
#include "adapters/http/router.h"
#include "base/ids.h"
#include "base/text.h"
#include "core/audit/audit_detail.h"

namespace lw::app {
namespace json = boost::json;
using adapters::http::body_object;
using adapters::http::optional_string;
using adapters::http::Request;
using adapters::http::Response;

namespace {

std::string new_session_id(core::Random& random) {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string id = "pair-";
  std::uint64_t v = random.next_u64();
  for (int i = 0; i < 12; ++i, v >>= 4) id += kHex[v & 0xF];
  return id;
}

bool is_native(core::Transport t) { return t == core::Transport::wifi || t == core::Transport::ble_bridge; }

}  // namespace

KeyTrust::KeyTrust(adapters::native::NativeGateway& gateway, adapters::sqlite::LockKeyRegistry& registry,
                   core::Hub& hub, core::Store& store, core::Clock& clock, core::Random& random,
                   std::string hub_key_id)
    : gateway_(gateway),
      registry_(registry),
      hub_(hub),
      store_(store),
      clock_(clock),
      random_(random),
      hub_key_id_(std::move(hub_key_id)) {}

Result<PairingStatus> KeyTrust::start(const LockId& lock, std::string_view code,
                                      protocol::Enrolment enrolment) {
  const core::LockRecord* record = hub_.find_lock(lock);
  if (record == nullptr) return not_found("no lock with id '" + lock + "'");
  if (!is_native(record->transport)) {
    return failed_precondition("only lockwarden-native locks pair over MQTT; this lock speaks " +
                               std::string(core::to_string(record->transport)));
  }
  if (auto valid = validate_id("key_id", enrolment.key_id); !valid) return valid.error();
  const core::LockAddress address{record->site, lock};
  std::string id = new_session_id(random_);
  const std::string public_key = protocol::encode_public_key(enrolment.key);
  PairingStatus status;
  status.id = id;
  status.lock = lock;
  status.key_id = enrolment.key_id;
  status.hub_key = enrolment.hub;
  status.started_at = clock_.now();
  auto initiator = protocol::PairingInitiator::start(address, id, code, std::move(enrolment));
  if (!initiator) return initiator.error();
  if (auto sent = gateway_.send_pair(address, initiator->hello()); !sent) return sent.error();
  auto [pos, inserted] = sessions_.emplace(id, Session{status, std::move(*initiator), public_key, ""});
  spdlog::info("pairing {} started with lock {} for key '{}'", id, lock, status.key_id);
  return pos->second.status;
}

Result<PairingStatus> KeyTrust::find(const std::string& id) const {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return not_found("no pairing with id '" + id + "'");
  return it->second.status;
}

void KeyTrust::finish(Session& s, std::string state, std::string outcome, std::string detail) {
  s.status.state = std::move(state);
  s.status.outcome = std::move(outcome);
  s.status.detail = std::move(detail);
  s.status.finished_at = clock_.now();
  spdlog::info("{} {} with lock {}: {} ({})", s.status.kind == "unpair" ? "unpairing" : "pairing",
               s.status.id, s.status.lock, s.status.state, s.status.outcome);
}

void KeyTrust::on_reply(const core::LockAddress& from, std::string_view payload) {
  auto message = protocol::decode_pair_message(payload);
  if (!message) return;
  const std::string* session_id = std::visit([](const auto& m) { return &m.session; }, *message);
  auto it = sessions_.find(*session_id);
  if (it == sessions_.end()) return;
  Session& s = it->second;
  if (s.status.state != "pending" || from.lock != s.status.lock || !s.initiator) return;
  if (const auto* challenge = std::get_if<protocol::PairChallenge>(&*message)) {
    auto confirm = s.initiator->on_challenge(*challenge);
    if (!confirm) return finish(s, "failed", "malformed", confirm.error().message);
    if (auto sent = gateway_.send_pair(from, *confirm); !sent) {
      return finish(s, "failed", "undelivered", sent.error().message);
    }
    return;
  }
  if (const auto* done = std::get_if<protocol::PairDone>(&*message)) {
    auto verdict = s.initiator->on_done(*done);
    if (!verdict) {
      const bool forged = verdict.error().code == ErrorCode::unauthenticated;
      return finish(s, "failed", forged ? "unauthenticated" : done->outcome, verdict.error().message);
    }
    adapters::sqlite::PairedKey key{s.status.lock, s.status.key_id, s.public_key, s.status.hub_key,
                                    clock_.now()};
    if (auto stored = registry_.put(key); !stored) {
      return finish(s, "failed", "not_recorded",
                    "the lock trusts the key but the hub could not record it: " + stored.error().message);
    }
    finish(s, "paired", "paired", "");
    if (paired_) paired_(from, s.status.hub_key);
  }
}

Result<PairingStatus> KeyTrust::unpair(const LockId& lock, const std::string& key_id,
                                       const std::string& actor) {
  const core::LockRecord* record = hub_.find_lock(lock);
  if (record == nullptr) return not_found("lock '" + lock + "' not found");
  if (!is_native(record->transport)) {
    return failed_precondition("only lockwarden-native locks are unpaired over MQTT; this lock speaks " +
                               std::string(core::to_string(record->transport)));
  }
  auto paired = registry_.find(lock, key_id);
  if (!paired) return paired.error();
  if (!*paired) return not_found("key '" + shown(key_id) + "' is not paired with lock '" + lock + "'");
  auto counter = store_.next_command_counter(hub_key_id_);
  if (!counter) return counter.error();
  const Timestamp now = clock_.now();
  protocol::UnpairCommand unpair;
  unpair.command.id = "unpair-" + new_session_id(random_).substr(5);
  unpair.command.target = {record->site, lock};
  unpair.command.issued_at = now;
  unpair.command.expires_at = now + kReplyTimeout;
  unpair.command.key_id = hub_key_id_;
  unpair.command.counter = *counter;
  unpair.subject_key_id = key_id;
  auto audited = hub_.audit({{},
                             actor,
                             "key.unpair",
                             "lock:" + lock,
                             core::audit_detail({{"key_id", key_id}, {"command_id", unpair.command.id}}),
                             "accepted"});
  if (!audited) return Error{ErrorCode::unavailable, audited.error().message};
  if (auto sent = gateway_.send_unpair(unpair); !sent) return sent.error();
  PairingStatus status;
  status.id = unpair.command.id;
  status.kind = "unpair";
  status.lock = lock;
  status.key_id = key_id;
  status.hub_key = (*paired)->hub;
  status.started_at = now;
  auto [pos, inserted] = sessions_.emplace(status.id, Session{status, std::nullopt, "", actor});
  spdlog::info("unpairing {}: asked lock {} to forget key '{}'", status.id, lock, key_id);
  return pos->second.status;
}

Result<std::vector<adapters::sqlite::PairedKey>> KeyTrust::keys(const LockId& lock) {
  if (hub_.find_lock(lock) == nullptr) return not_found("lock '" + lock + "' not found");
  return registry_.list(lock);
}

std::optional<SiteId> KeyTrust::site_of(const std::string& session_id) const {
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return std::nullopt;
  const core::LockRecord* lock = hub_.find_lock(it->second.status.lock);
  return lock != nullptr ? std::optional<SiteId>(lock->site) : std::nullopt;
}

void KeyTrust::on_result(const core::LockAddress& from, const core::CommandResult& result) {
  auto it = sessions_.find(result.command_id);
  if (it == sessions_.end()) return;
  Session& s = it->second;
  if (s.status.kind != "unpair" || s.status.state != "pending" || from.lock != s.status.lock) return;
  const std::string outcome(core::to_string(result.outcome));
  if (result.outcome == core::CommandOutcome::ok) {
    if (auto removed = registry_.remove(s.status.lock, s.status.key_id); !removed) {
      spdlog::error("unpairing {}: the lock forgot key '{}' but the hub could not record it: {}", s.status.id,
                    s.status.key_id, removed.error().message);
    }
    finish(s, "unpaired", outcome, result.detail);
  } else {
    finish(s, "failed", outcome, result.detail);
  }
  (void)hub_.audit({{},
                    s.actor,
                    "key.unpair",
                    "lock:" + s.status.lock,
                    core::audit_detail({{"key_id", s.status.key_id}, {"command_id", s.status.id}}),
                    result.outcome == core::CommandOutcome::ok ? "succeeded" : "failed:" + outcome});
}

void KeyTrust::tick() {
  const Timestamp now = clock_.now();
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    Session& s = it->second;
    if (s.status.state == "pending" && now - s.status.started_at > kReplyTimeout) {
      finish(s, "failed", "timeout",
             s.status.kind == "unpair"
                 ? "the lock did not answer: is it online?"
                 : "the lock did not answer: is it online, and is its pairing window open?");
    }
    // Finished sessions are kept an hour for the client to read.
    if (s.status.finished_at && now - *s.status.finished_at > std::chrono::hours(1)) {
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

Result<core::Action> KeyTrust::relay(const LockId& lock, std::string_view envelope) {
  auto opened = protocol::open_envelope(envelope);
  if (!opened) return invalid_argument("envelope", opened.error().message);
  auto paired = registry_.find(lock, opened->key_id);
  if (!paired) return paired.error();
  if (!*paired) {
    return Error{ErrorCode::permission_denied,
                 "envelope.key_id: this key is not paired with lock '" + lock + "'"};
  }
  auto key = protocol::decode_public_key((*paired)->public_key);
  if (!key)
    return Error{ErrorCode::corruption, "lock_keys.public_key: not a key (key '" + opened->key_id + "')"};
  if (!protocol::verify_signature(*opened, *key)) {
    return Error{ErrorCode::permission_denied, "envelope.sig: does not verify under the paired key"};
  }
  auto command = protocol::decode_command_body(opened->body);
  if (!command) return invalid_argument("envelope", command.error().message);
  if (command->key_id != opened->key_id) {
    return Error{ErrorCode::permission_denied, "envelope.body.key_id: names another key than the envelope"};
  }
  return hub_.relay_action(lock, *command, envelope);
}

namespace {

json::object status_json(const PairingStatus& s) {
  json::object o{{"id", s.id},
                 {"kind", s.kind},
                 {"lock", s.lock},
                 {"key_id", s.key_id},
                 {"role", s.hub_key ? "hub" : "user"},
                 {"state", s.state},
                 {"started_ms", to_epoch_ms(s.started_at)}};
  o["outcome"] = s.outcome.empty() ? json::value(nullptr) : json::value(s.outcome);
  o["detail"] = s.detail.empty() ? json::value(nullptr) : json::value(s.detail);
  o["finished_ms"] = s.finished_at ? json::value(to_epoch_ms(*s.finished_at)) : json::value(nullptr);
  return o;
}

}  // namespace

void add_key_trust_routes(adapters::http::Router& router, KeyTrust& trust, const std::string& hub_key_id,
                          protocol::PublicKey hub_key) {
  // {"code": "...", "key_id"?: "...", "public_key"?: "<base64>"}: without a
  // key the hub enrols its own.
  router.post("/api/v1/locks/{id}/pair", [&trust, hub_key_id, hub_key](const Request& r) {
    auto body = body_object(r);
    if (!body) return adapters::http::error_response(body.error());
    auto code = optional_string(*body, "code");
    if (!code) return adapters::http::error_response(code.error());
    if (!*code) return adapters::http::error_response(invalid_argument("code", "missing"));
    auto key_id = optional_string(*body, "key_id");
    if (!key_id) return adapters::http::error_response(key_id.error());
    auto public_key = optional_string(*body, "public_key");
    if (!public_key) return adapters::http::error_response(public_key.error());
    protocol::Enrolment enrolment{hub_key_id, hub_key, true};
    if (*public_key) {
      auto key = protocol::decode_public_key(**public_key);
      if (!key)
        return adapters::http::error_response(invalid_argument("public_key", "must be base64 of 32 bytes"));
      if (!*key_id)
        return adapters::http::error_response(invalid_argument("key_id", "required with public_key"));
      enrolment = {**key_id, *key, false};
    } else if (*key_id) {
      return adapters::http::error_response(invalid_argument("public_key", "required with key_id"));
    }
    auto started = trust.start(r.params.at("id"), **code, std::move(enrolment));
    if (!started) return adapters::http::error_response(started.error());
    Response res = adapters::http::json_response(202, json::object{{"pairing", status_json(*started)}});
    res.headers.emplace_back("Location", "/api/v1/pairings/" + started->id);
    return res;
  });
  router.get("/api/v1/locks/{id}/keys", [&trust](const Request& r) {
    auto keys = trust.keys(r.params.at("id"));
    if (!keys) return adapters::http::error_response(keys.error());
    json::array out;
    for (const auto& k : *keys) {
      out.push_back(json::object{{"key_id", k.key_id},
                                 {"role", k.hub ? "hub" : "user"},
                                 {"public_key", k.public_key},
                                 {"paired_ms", to_epoch_ms(k.paired_at)}});
    }
    return adapters::http::json_response(200, json::object{{"keys", std::move(out)}});
  });
  router.add("DELETE", "/api/v1/locks/{id}/keys/{key_id}", [&trust](const Request& r) {
    auto started = trust.unpair(r.params.at("id"), r.params.at("key_id"), adapters::http::request_actor(r));
    if (!started) return adapters::http::error_response(started.error());
    Response res = adapters::http::json_response(202, json::object{{"pairing", status_json(*started)}});
    res.headers.emplace_back("Location", "/api/v1/pairings/" + started->id);
    return res;
  });
  router.get("/api/v1/pairings/{id}", [&trust](const Request& r) {
    auto status = trust.find(r.params.at("id"));
    if (!status) return adapters::http::error_response(status.error());
    return adapters::http::json_response(200, json::object{{"pairing", status_json(*status)}});
  });
  // {"envelope": "<the sealed envelope, as published on cmd>"}
  router.post("/api/v1/locks/{id}/actions", [&trust](const Request& r) {
    auto body = body_object(r);
    if (!body) return adapters::http::error_response(body.error());
    auto envelope = optional_string(*body, "envelope");
    if (!envelope) return adapters::http::error_response(envelope.error());
    if (!*envelope) return adapters::http::error_response(invalid_argument("envelope", "missing"));
    auto action = trust.relay(r.params.at("id"), **envelope);
    if (!action) return adapters::http::error_response(action.error());
    Response res =
        adapters::http::json_response(202, json::object{{"action", adapters::http::to_json(*action)}});
    res.headers.emplace_back("Location", "/api/v1/actions/" + action->id);
    return res;
  });
}

}  // namespace lw::app
