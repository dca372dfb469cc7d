#include "app/guest_keys.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "adapters/http/api_access.h"
#include "adapters/http/router.h"
#include "base/ids.h"
#include "core/access/policy.h"
#include "core/audit/audit_detail.h"

namespace lw::app {
namespace json = boost::json;
using adapters::sqlite::Revocation;
using adapters::sqlite::StoredGrant;

namespace {

/// "<prefix><12 hex digits>" from the random source.
std::string random_id(core::Random& random, std::string_view prefix) {
  return std::string(prefix) + fmt::format("{:016x}", random.next_u64()).substr(0, 12);
}

}  // namespace

GuestKeys::GuestKeys(Ports ports, std::string key_id, const protocol::SigningKey& key)
    : hub_(ports.hub),
      store_(ports.store),
      grants_(ports.grants),
      random_(ports.random),
      verifies_(std::move(ports.verifies)),
      send_(std::move(ports.send)),
      key_id_(std::move(key_id)),
      key_(key) {
  auto pending = grants_.pending();
  if (!pending) {
    spdlog::error("guest keys: cannot load the revocations still to deliver: {}", pending.error().message);
    return;
  }
  for (const StoredGrant& g : *pending) {
    for (const auto& l : g.locks) {
      if (l.revocation == Revocation::pending)
        pending_.push_back(Pending{g.id, l.lock, g.site, g.not_after, l.attempts, {}, {}, false});
    }
  }
  if (!pending_.empty()) spdlog::info("guest keys: revocations still to deliver: {}", pending_.size());
}

Result<IssuedGuestKey> GuestKeys::issue(GuestKeyRequest req, const std::string& actor) {
  protocol::GuestGrant g;
  if (auto v = validate_id("user", req.user); !v) return v.error();
  auto key = protocol::decode_public_key(req.guest_key);
  if (!key) return invalid_argument("guest_key", "must be base64 of 32 bytes");
  if (req.locks.empty() || req.locks.size() > protocol::kMaxGrantLocks)
    return invalid_argument("locks", "must name 1..16 locks");
  const auto sites = hub_.sites();
  if (std::none_of(sites.begin(), sites.end(), [&](const auto& s) { return s.id == req.site; }))
    return not_found("site '" + req.site + "' not found");
  std::sort(req.locks.begin(), req.locks.end());
  req.locks.erase(std::unique(req.locks.begin(), req.locks.end()), req.locks.end());
  for (const LockId& id : req.locks) {
    const core::LockRecord* l = hub_.find_lock(id);
    if (l == nullptr || l->site != req.site) return not_found("lock '" + id + "' not found");
    if (!verifies_(*l))
      return failed_precondition("lock '" + id + "' speaks " + std::string(core::to_string(l->transport)) +
                                 " through a bridge: it cannot verify guest keys");
  }
  const Timestamp now = hub_.now();
  const Timestamp from = req.from.value_or(now);
  if (req.to <= from || req.to <= now) return invalid_argument("to_ms", "must be after from_ms and now");
  if (req.to - from > kMaxWindow) return invalid_argument("to_ms", "at most 366 days after from_ms");

  g.id = random_id(random_, "guest-");
  g.site = req.site;
  g.locks = req.locks;
  g.user = req.user;
  g.guest_key = *key;
  g.not_before = from;
  g.not_after = req.to;
  std::string locks;
  for (const LockId& l : g.locks) locks += (locks.empty() ? "" : ",") + l;
  auto audited = hub_.audit({{},
                             actor,
                             "guest.issue",
                             "guest:" + g.id,
                             core::audit_detail({{"site", g.site},
                                                 {"locks", locks},
                                                 {"user", g.user},
                                                 {"guest_key", req.guest_key},
                                                 {"from_ms", std::to_string(to_epoch_ms(g.not_before))},
                                                 {"to_ms", std::to_string(to_epoch_ms(g.not_after))}}),
                             "ok"});
  if (!audited) return Error{ErrorCode::unavailable, audited.error().message};
  StoredGrant stored{g.id, g.site, g.user, req.guest_key, g.not_before, g.not_after, now, actor, {}, {}, {}};
  for (const LockId& l : g.locks) stored.locks.push_back({l, Revocation::none, {}, 0, now});
  if (auto kept = grants_.add(stored); !kept) return Error{ErrorCode::unavailable, kept.error().message};
  return IssuedGuestKey{g, protocol::sign_grant(g, key_id_, key_)};
}

Result<std::vector<StoredGrant>> GuestKeys::list(const SiteId& site) { return grants_.list(site, 1000); }

Result<StoredGrant> GuestKeys::find(const std::string& id) {
  auto g = grants_.find(id);
  if (!g) return g.error();
  if (!*g) return not_found("guest key '" + id + "' not found");
  return std::move(**g);
}

std::optional<SiteId> GuestKeys::site_of(const std::string& id) {
  auto g = grants_.find(id);
  if (!g || !*g) return std::nullopt;
  return (*g)->site;
}

Result<StoredGrant> GuestKeys::revoke(const std::string& id, const std::string& actor) {
  auto g = find(id);
  if (!g) return g.error();
  if (g->revoked_at) return Error{ErrorCode::conflict, "guest key '" + id + "' is already revoked"};
  const Timestamp now = hub_.now();
  std::string locks;
  for (const auto& l : g->locks) locks += (locks.empty() ? "" : ",") + l.lock;
  auto audited = hub_.audit({{},
                             actor,
                             "guest.revoke",
                             "guest:" + id,
                             core::audit_detail({{"site", g->site}, {"locks", locks}}),
                             "accepted"});
  if (!audited) return Error{ErrorCode::unavailable, audited.error().message};
  if (auto r = grants_.revoke(id, actor, now); !r) {
    return r.error().code == ErrorCode::conflict || r.error().code == ErrorCode::not_found
               ? r.error()
               : Error{ErrorCode::unavailable, r.error().message};
  }
  spdlog::info("guest key {}: revoked by {}; telling its {} locks", id, actor, g->locks.size());
  for (const auto& l : g->locks)
    pending_.push_back(Pending{id, l.lock, g->site, g->not_after, 0, {}, {}, false});
  tick();
  return find(id);
}

void GuestKeys::deliver(Pending& p, Timestamp now) {
  auto counter = store_.next_command_counter(key_id_);
  if (!counter) {
    spdlog::warn("guest key {}: no command counter for lock {}: {}", p.grant, p.lock,
                 counter.error().message);
    return;
  }
  core::Command c;
  c.id = random_id(random_, "revoke-");
  c.target = {p.site, p.lock};
  c.issued_at = now;
  c.expires_at = now + kResend;
  c.key_id = key_id_;
  c.counter = *counter;
  c.revoke_grant = core::GrantRevocation{p.grant, p.not_after};
  p.sent_at = now;
  if (p.commands.size() == kRemembered) p.commands.erase(p.commands.begin());
  p.commands.push_back(c.id);
  ++p.attempts;
  if (auto sent = send_(c); !sent) {
    spdlog::warn("guest key {}: revocation for lock {} not sent: {}", p.grant, p.lock, sent.error().message);
  }
  if (auto kept = grants_.set_lock(p.grant, {p.lock, Revocation::pending, {}, p.attempts, now}); !kept)
    spdlog::warn("guest key {}: cannot record the attempt for lock {}: {}", p.grant, p.lock,
                 kept.error().message);
}

void GuestKeys::settle(const Pending& p, Revocation state, const std::string& detail) {
  const Timestamp now = hub_.now();
  if (auto kept = grants_.set_lock(p.grant, {p.lock, state, detail, p.attempts, now}); !kept) {
    spdlog::error("guest key {}: lock {} is {} but the hub could not record it: {}", p.grant, p.lock,
                  adapters::sqlite::to_string(state), kept.error().message);
  }
  const std::string result = state == Revocation::revoked ? "succeeded"
                             : state == Revocation::moot  ? "moot"
                                                          : "failed:" + detail;
  (void)hub_.audit({{},
                    "hub",
                    "guest.revoke",
                    "guest:" + p.grant,
                    core::audit_detail({{"lock", p.lock}, {"attempts", std::to_string(p.attempts)}}),
                    result});
  if (state == Revocation::failed) {
    spdlog::warn("guest key {}: lock {} refused the revocation: {}", p.grant, p.lock, detail);
  } else {
    spdlog::info(
        "guest key {}: lock {} {}", p.grant, p.lock,
        state == Revocation::revoked ? "confirmed the revocation" : "never heard it before the grant ended");
  }
}

void GuestKeys::on_result(const core::LockAddress& from, const core::CommandResult& result) {
  auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) {
    return p.lock == from.lock &&
           std::find(p.commands.begin(), p.commands.end(), result.command_id) != p.commands.end();
  });
  if (it == pending_.end()) return;
  switch (result.outcome) {
    case core::CommandOutcome::ok: settle(*it, Revocation::revoked, ""); break;
    case core::CommandOutcome::expired:
    case core::CommandOutcome::replayed:
      it->sent_at.reset();  // a stale command: send a fresh one at the next tick
      return;
    default:
      settle(
          *it, Revocation::failed,
          std::string(core::to_string(result.outcome)) + (result.detail.empty() ? "" : ": " + result.detail));
      break;
  }
  pending_.erase(it);
}

void GuestKeys::tick() {
  const Timestamp now = hub_.now();
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (now >= it->not_after) {
      settle(*it, Revocation::moot, "");
      it = pending_.erase(it);
      continue;
    }
    const core::LockRecord* lock = hub_.find_lock(it->lock);
    const bool hears = lock != nullptr && (lock->connectivity == core::Connectivity::online ||
                                           lock->connectivity == core::Connectivity::suspect);
    if (!hears) {
      it->missed = it->sent_at.has_value();
    } else if (!it->sent_at || it->missed || now - *it->sent_at >= kResend) {
      it->missed = false;
      deliver(*it, now);
    }
    ++it;
  }
}

namespace {

Result<GuestKeyRequest> parse_request(const json::object& body) {
  static constexpr std::string_view kFields[] = {"site", "locks", "user", "guest_key", "from_ms", "to_ms"};
  for (const auto& [key, value] : body) {
    if (std::find(std::begin(kFields), std::end(kFields), std::string_view(key)) == std::end(kFields))
      return invalid_argument(std::string(key), "unknown field");
  }
  GuestKeyRequest r;
  for (auto [name, out] :
       {std::pair{"site", &r.site}, std::pair{"user", &r.user}, std::pair{"guest_key", &r.guest_key}}) {
    auto v = adapters::http::optional_string(body, name);
    if (!v) return v.error();
    if (!*v) return invalid_argument(name, "missing");
    *out = **v;
  }
  const json::value* locks = body.if_contains("locks");
  const json::array* list = locks != nullptr ? locks->if_array() : nullptr;
  if (list == nullptr) return invalid_argument("locks", "must name 1..16 locks");
  for (const json::value& l : *list) {
    if (!l.is_string()) return invalid_argument("locks", "must name 1..16 locks");
    r.locks.emplace_back(l.as_string());
  }
  auto time = [&](std::string_view name) -> Result<std::optional<Timestamp>> {
    const json::value* v = body.if_contains(name);
    if (v == nullptr || v->is_null()) return std::optional<Timestamp>{};
    if (!v->is_int64() || v->as_int64() < 0 || v->as_int64() > 253'402'300'799'999)
      return invalid_argument(name, "must be ms since the Unix epoch");
    return std::optional<Timestamp>{from_epoch_ms(v->as_int64())};
  };
  auto from = time("from_ms");
  if (!from) return from.error();
  r.from = *from;
  auto to = time("to_ms");
  if (!to) return to.error();
  if (!*to) return invalid_argument("to_ms", "missing");
  r.to = **to;
  return r;
}

/// What a grant is now: scheduled, active, expired; or revoking (some lock has
/// not confirmed yet), revoked, or revocation_failed (a lock refused).
std::string_view grant_state(const StoredGrant& g, Timestamp now) {
  if (g.revoked_at) {
    bool pending = false;
    bool failed = false;
    for (const auto& l : g.locks) {
      pending = pending || l.revocation == Revocation::pending;
      failed = failed || l.revocation == Revocation::failed;
    }
    return pending ? "revoking" : failed ? "revocation_failed" : "revoked";
  }
  if (now >= g.not_after) return "expired";
  return now < g.not_before ? "scheduled" : "active";
}

json::object stored_json(const StoredGrant& g, Timestamp now) {
  json::array locks;
  for (const auto& l : g.locks) {
    json::object o{{"lock", l.lock},
                   {"revocation", adapters::sqlite::to_string(l.revocation)},
                   {"attempts", l.attempts},
                   {"updated_ms", to_epoch_ms(l.updated_at)}};
    o["detail"] = l.detail.empty() ? json::value(nullptr) : json::value(l.detail);
    locks.push_back(std::move(o));
  }
  json::object o{{"id", g.id},
                 {"site", g.site},
                 {"user", g.user},
                 {"guest_key", g.guest_key},
                 {"not_before_ms", to_epoch_ms(g.not_before)},
                 {"not_after_ms", to_epoch_ms(g.not_after)},
                 {"issued_ms", to_epoch_ms(g.issued_at)},
                 {"issued_by", g.issued_by},
                 {"state", grant_state(g, now)},
                 {"locks", std::move(locks)}};
  o["revoked_ms"] = g.revoked_at ? json::value(to_epoch_ms(*g.revoked_at)) : json::value(nullptr);
  o["revoked_by"] = g.revoked_at ? json::value(g.revoked_by) : json::value(nullptr);
  return o;
}

json::object grant_json(const IssuedGuestKey& k) {
  json::array locks;
  for (const LockId& l : k.grant.locks) locks.emplace_back(l);
  return json::object{{"id", k.grant.id},
                      {"site", k.grant.site},
                      {"locks", std::move(locks)},
                      {"user", k.grant.user},
                      {"not_before_ms", to_epoch_ms(k.grant.not_before)},
                      {"not_after_ms", to_epoch_ms(k.grant.not_after)},
                      {"grant", k.signed_grant}};
}

}  // namespace

void add_guest_key_routes(adapters::http::Router& router, GuestKeys& keys) {
  using adapters::http::error_response;
  using adapters::http::json_response;
  using adapters::http::Request;
  using core::access::Permission;
  router.post("/api/v1/guest-keys", [&keys](const Request& r) {
    auto body = adapters::http::body_object(r);
    if (!body) return error_response(body.error());
    auto req = parse_request(*body);
    if (!req) return error_response(req.error());
    if (auto refused = adapters::http::refuse_on_site(r, Permission::manage_codes, req->site))
      return *refused;
    auto issued = keys.issue(std::move(*req), adapters::http::request_actor(r));
    if (!issued) return error_response(issued.error());
    return json_response(201, json::object{{"guest_key", grant_json(*issued)}});
  });
  router.get("/api/v1/guest-keys", [&keys](const Request& r) {
    auto param = r.query_param("site");
    if (!param) return error_response(invalid_argument("site", "missing (GET /api/v1/guest-keys?site=SITE)"));
    const SiteId site(*param);
    if (auto refused = adapters::http::refuse_on_site(r, Permission::manage_codes, site)) return *refused;
    auto grants = keys.list(site);
    if (!grants) return error_response(grants.error());
    json::array out;
    for (const StoredGrant& g : *grants) out.push_back(stored_json(g, keys.now()));
    return json_response(200, json::object{{"guest_keys", std::move(out)}});
  });
  router.get("/api/v1/guest-keys/{id}", [&keys](const Request& r) {
    auto g = keys.find(r.params.at("id"));
    if (!g) return error_response(g.error());
    return json_response(200, json::object{{"guest_key", stored_json(*g, keys.now())}});
  });
  router.add("DELETE", "/api/v1/guest-keys/{id}", [&keys](const Request& r) {
    auto g = keys.revoke(r.params.at("id"), adapters::http::request_actor(r));
    if (!g) return error_response(g.error());
    return json_response(202, json::object{{"guest_key", stored_json(*g, keys.now())}});
  });
}

}  // namespace lw::app
