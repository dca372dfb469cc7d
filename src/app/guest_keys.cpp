#include "app/guest_keys.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>

#include "adapters/http/api_access.h"
#include "adapters/http/router.h"
#include "base/ids.h"
#include "core/access/policy.h"
#include "core/audit/audit_detail.h"

namespace lw::app {
namespace json = boost::json;

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

  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(random_.next_u64()));
  g.id = "guest-" + std::string(hex, 12);
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
  return IssuedGuestKey{g, protocol::sign_grant(g, key_id_, key_)};
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
}

}  // namespace lw::app
