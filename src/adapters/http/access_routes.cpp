// Sign-in and account routes (docs/api.md, "Authentication", "Accounts").
// What a caller may do is decided by core/access/policy.h; these handlers only
// ask it (may_grant, may_see_account, may_manage_account).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "adapters/http/api_access.h"
#include "adapters/system/credentials.h"
#include "core/ports/clock.h"

namespace lw::adapters::http {
namespace {

namespace json = boost::json;
using core::access::Grant;
using core::access::Principal;
using core::access::Role;

constexpr std::size_t kMaxPasswordBytes = 1024;
constexpr std::size_t kMinPasswordChars = 10;

Result<std::string> string_field(const json::object& body, std::string_view field) {
  auto v = optional_string(body, field);
  if (!v) return v.error();
  if (!*v) return invalid_argument(field, "missing");
  return std::move(**v);
}

/// A user name: 1..64 of letters, digits, '.', '_', '-', '@'.
Result<void> check_user_name(std::string_view field, std::string_view name) {
  if (name.empty() || name.size() > 64) return invalid_argument(field, "must be 1..64 characters");
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-' && c != '@') {
      return invalid_argument(field, "may hold only letters, digits and . _ - @");
    }
  }
  return ok();
}

Result<void> check_new_password(std::string_view field, std::string_view password) {
  if (password.size() < kMinPasswordChars) {
    return invalid_argument(field, "must be at least " + std::to_string(kMinPasswordChars) + " characters");
  }
  if (password.size() > kMaxPasswordBytes) {
    return invalid_argument(field, "must be at most " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
  return ok();
}

Result<Grant> parse_grant(const json::value& v, std::string_view field) {
  if (!v.is_object()) return invalid_argument(field, "must be an object {\"site\",\"role\"}");
  auto site = string_field(v.as_object(), "site");
  if (!site) return invalid_argument(std::string(field) + ".site", site.error().message);
  if (!core::access::valid_grant_site(*site)) {
    return invalid_argument(std::string(field) + ".site", "must be a site id or \"*\" (1..64 characters)");
  }
  auto role_text = string_field(v.as_object(), "role");
  if (!role_text) return invalid_argument(std::string(field) + ".role", role_text.error().message);
  auto role = core::access::parse_role(*role_text);
  if (!role) return invalid_argument(std::string(field) + ".role", "must be guest, member, manager or owner");
  return Grant{*site, *role};
}

Response cannot_grant(const Grant& g) {
  return error_response(403, "permission_denied",
                        "your role may not grant or take away " +
                            std::string(core::access::to_string(g.role)) + " on site '" + g.site + "'");
}

Response store_failed(const Error& e) {
  spdlog::error("api access: the account store failed: {}", e.message);
  return error_response(e.code == ErrorCode::conflict ? 409 : 503,
                        e.code == ErrorCode::conflict ? "conflict" : "unavailable", e.message);
}

/// The account as `viewer` may see it: its grants on sites the viewer manages
/// (all of them for the account itself or a manager of every site).
json::object account_json(const Principal& viewer, const sqlite::Account& a) {
  std::vector<Grant> shown;
  auto everywhere = core::access::role_on(viewer, core::access::kAllSites);
  const bool all = viewer.user_id == a.id || (everywhere && *everywhere >= Role::manager);
  for (const Grant& g : a.grants) {
    auto role = core::access::role_on(viewer, g.site);
    if (all || (role && *role >= Role::manager)) shown.push_back(g);
  }
  return json::object{{"name", a.name},
                      {"grants", grants_json(shown)},
                      {"created_ms", to_epoch_ms(a.created_at)},
                      {"password_set", a.password_hash.has_value()}};
}

/// The account `name` if the caller may see it; otherwise the same 404 as an unknown name.
Result<sqlite::Account> visible_account(ApiAccess& access, const Request& r, const std::string& name) {
  auto a = access.accounts().find_user(name);
  if (!a) return a.error();
  if (!*a || !core::access::may_see_account(*r.caller, (*a)->id, (*a)->grants)) {
    return not_found("user '" + name + "' not found");
  }
  return std::move(**a);
}

Response error_or_store(const Error& e) {
  if (e.code == ErrorCode::unavailable || e.code == ErrorCode::internal || e.code == ErrorCode::corruption) {
    return store_failed(e);
  }
  return error_response(e);
}

Response me(const Request& r) {
  return json_response(200,
                       json::object{{"user", r.caller->name}, {"grants", grants_json(r.caller->grants)}});
}

Response change_own_password(ApiAccess& access, const Request& r) {
  auto body = body_object(r);
  if (!body) return error_response(body.error());
  auto current = string_field(*body, "current");
  if (!current) return error_response(current.error());
  auto fresh = string_field(*body, "new");
  if (!fresh) return error_response(fresh.error());
  if (auto c = check_new_password("new", *fresh); !c) return error_response(c.error());
  auto account = access.accounts().find_user(r.caller->user_id);
  if (!account || !*account) return store_failed(account ? not_found("account gone") : account.error());
  if (!(*account)->password_hash || !verify_password(*(*account)->password_hash, *current)) {
    return error_response(403, "permission_denied", "current: does not match your password");
  }
  auto hash = hash_password(*fresh);
  if (!hash) return store_failed(hash.error());
  if (auto s = access.accounts().set_password(r.caller->user_id, *hash); !s) return store_failed(s.error());
  spdlog::info("user '{}' changed their password", r.caller->name);
  return json_response(200, json::object{{"user", r.caller->name}});
}

Response list_users(ApiAccess& access, const Request& r) {
  auto all = access.accounts().users();
  if (!all) return store_failed(all.error());
  json::array out;
  for (const auto& a : *all) {
    if (core::access::may_see_account(*r.caller, a.id, a.grants)) out.push_back(account_json(*r.caller, a));
  }
  return json_response(200, json::object{{"users", std::move(out)}});
}

Response add_user(ApiAccess& access, const Request& r) {
  auto body = body_object(r);
  if (!body) return error_response(body.error());
  auto name = string_field(*body, "user");
  if (!name) return error_response(name.error());
  if (auto c = check_user_name("user", *name); !c) return error_response(c.error());
  auto password = optional_string(*body, "password");
  if (!password) return error_response(password.error());
  if (*password) {
    if (auto c = check_new_password("password", **password); !c) return error_response(c.error());
  }
  std::vector<Grant> grants;
  if (const json::value* g = body->if_contains("grants"); g != nullptr) {
    if (!g->is_array()) return error_response(invalid_argument("grants", "must be an array"));
    for (std::size_t i = 0; i < g->as_array().size(); ++i) {
      auto grant = parse_grant(g->as_array()[i], "grants[" + std::to_string(i) + "]");
      if (!grant) return error_response(grant.error());
      grants.push_back(*grant);
    }
  }
  if (grants.empty() && !core::access::may_manage_account(*r.caller, -1, {})) {
    return error_response(invalid_argument("grants", "give the account at least one grant"));
  }
  for (const Grant& g : grants) {
    if (!core::access::may_grant(*r.caller, g)) return cannot_grant(g);
  }
  const bool generated = !*password;
  const std::string secret = generated ? new_password() : **password;
  auto hash = hash_password(secret);
  if (!hash) return store_failed(hash.error());
  auto id = access.accounts().add_user(*name, *hash, access.clock().now());
  if (!id) return error_or_store(id.error());
  for (const Grant& g : grants) {
    if (auto p = access.accounts().put_grant(*id, g); !p) return store_failed(p.error());
  }
  spdlog::info("user '{}' added user '{}'", r.caller->name, *name);
  auto account = access.accounts().find_user(*id);
  if (!account || !*account) return store_failed(account ? not_found("account gone") : account.error());
  json::object out{{"user", account_json(*r.caller, **account)}};
  if (generated) out["password"] = secret;  // shown once, to the one who asked for it
  return json_response(201, out);
}

Response remove_user(ApiAccess& access, const Request& r) {
  auto target = visible_account(access, r, r.params.at("name"));
  if (!target) return error_or_store(target.error());
  if (!core::access::may_manage_account(*r.caller, target->id, target->grants)) {
    return error_response(403, "permission_denied", "your role may not remove user '" + target->name + "'");
  }
  if (auto d = access.accounts().remove_user(target->id); !d) return error_or_store(d.error());
  spdlog::info("user '{}' removed user '{}'", r.caller->name, target->name);
  return json_response(200, json::object{{"removed", target->name}});
}

Response put_grant(ApiAccess& access, const Request& r) {
  auto target = visible_account(access, r, r.params.at("name"));
  if (!target) return error_or_store(target.error());
  auto body = body_object(r);
  if (!body) return error_response(body.error());
  auto grant = parse_grant(*body, "body");
  if (!grant) return error_response(grant.error());
  if (!core::access::may_grant(*r.caller, *grant)) return cannot_grant(*grant);
  for (const Grant& old : target->grants) {
    if (old.site == grant->site && !core::access::may_grant(*r.caller, old)) return cannot_grant(old);
  }
  if (auto p = access.accounts().put_grant(target->id, *grant); !p) return store_failed(p.error());
  spdlog::info("user '{}' granted {} on '{}' to '{}'", r.caller->name, core::access::to_string(grant->role),
               grant->site, target->name);
  auto account = access.accounts().find_user(target->id);
  if (!account || !*account) return store_failed(account ? not_found("account gone") : account.error());
  return json_response(200, json::object{{"user", account_json(*r.caller, **account)}});
}

Response remove_grant(ApiAccess& access, const Request& r) {
  auto target = visible_account(access, r, r.params.at("name"));
  if (!target) return error_or_store(target.error());
  const std::string& site = r.params.at("site");
  auto old = std::find_if(target->grants.begin(), target->grants.end(),
                          [&](const Grant& g) { return g.site == site; });
  if (old == target->grants.end()) {
    return error_response(not_found("user '" + target->name + "' holds no grant on '" + site + "'"));
  }
  if (!core::access::may_grant(*r.caller, *old)) return cannot_grant(*old);
  if (auto d = access.accounts().remove_grant(target->id, site); !d) return store_failed(d.error());
  spdlog::info("user '{}' took away the grant on '{}' from '{}'", r.caller->name, site, target->name);
  auto account = access.accounts().find_user(target->id);
  if (!account || !*account) return store_failed(account ? not_found("account gone") : account.error());
  return json_response(200, json::object{{"user", account_json(*r.caller, **account)}});
}

Response reset_password(ApiAccess& access, const Request& r) {
  auto target = visible_account(access, r, r.params.at("name"));
  if (!target) return error_or_store(target.error());
  if (!core::access::may_manage_account(*r.caller, target->id, target->grants)) {
    return error_response(403, "permission_denied",
                          "your role may not set the password of user '" + target->name + "'");
  }
  std::optional<std::string> given;
  if (!r.body.empty()) {
    auto body = body_object(r);
    if (!body) return error_response(body.error());
    auto p = optional_string(*body, "password");
    if (!p) return error_response(p.error());
    given = *p;
    if (given) {
      if (auto c = check_new_password("password", *given); !c) return error_response(c.error());
    }
  }
  const std::string secret = given ? *given : new_password();
  auto hash = hash_password(secret);
  if (!hash) return store_failed(hash.error());
  if (auto s = access.accounts().set_password(target->id, *hash); !s) return error_or_store(s.error());
  auto revoked =
      access.accounts().revoke_tokens_of(target->id, sqlite::TokenKind::session, access.clock().now());
  if (!revoked) return store_failed(revoked.error());
  spdlog::info("user '{}' set the password of '{}' (its {} sessions signed out)", r.caller->name,
               target->name, *revoked);
  json::object out{{"user", target->name}};
  if (!given) out["password"] = secret;
  return json_response(200, out);
}

}  // namespace

Response ApiAccess::login(const Request& request) {
  auto type = request.header("content-type");
  if (!type || !type->starts_with("application/json")) {
    return error_response(415, "unsupported_media_type", "Content-Type: must be application/json");
  }
  auto body = body_object(request);
  if (!body) return error_response(body.error());
  auto name = string_field(*body, "user");
  if (!name) return error_response(name.error());
  auto password = string_field(*body, "password");
  if (!password) return error_response(password.error());
  if (name->empty() || name->size() > 64)
    return error_response(invalid_argument("user", "must be 1..64 characters"));
  if (password->size() > kMaxPasswordBytes) {
    return error_response(invalid_argument("password", "must be at most 1024 bytes"));
  }
  auto session = optional_string(*body, "session");
  if (!session) return error_response(session.error());
  if (*session && **session != "cookie" && **session != "token") {
    return error_response(invalid_argument("session", "must be cookie or token"));
  }
  const bool as_cookie = *session && **session == "cookie";

  const Timestamp now = clock_.now();
  const std::string user_key = "user:" + *name;
  const std::string address_key = "address:" + request.remote_address;
  auto wait = throttle_.blocked_for(user_key, now);
  if (auto a = throttle_.blocked_for(address_key, now); a && (!wait || *a > *wait)) wait = a;
  if (wait) {
    const auto seconds = std::max<std::int64_t>(1, (wait->count() + 999) / 1000);
    spdlog::warn("api access: sign-in for '{}' from {} refused: too many failures (retry in {} s)", *name,
                 request.remote_address, seconds);
    Response r = error_response(429, "too_many_requests",
                                "too many failed sign-ins; try again in " + std::to_string(seconds) + " s");
    r.headers.emplace_back("Retry-After", std::to_string(seconds));
    return r;
  }

  auto account = accounts_.find_user(*name);
  if (!account) return store_failed(account.error());
  bool good = false;
  if (*account && (*account)->password_hash) {
    good = verify_password(*(*account)->password_hash, *password);
  } else {
    verify_password_against_nothing(*password);  // the same cost, so timing does not tell the name exists
  }
  if (!good) {
    const Timestamp after = clock_.now();  // the back-off runs from the answer, not from the request
    throttle_.failed(user_key, after);
    throttle_.failed(address_key, after);
    spdlog::info("api access: sign-in for '{}' from {} refused: wrong user name or password", *name,
                 request.remote_address);
    return error_response(401, "unauthenticated", "wrong user name or password");
  }
  throttle_.succeeded(user_key);
  throttle_.succeeded(address_key);

  const std::string token = new_token();
  sqlite::TokenRecord record{token_hash(token),          (*account)->id, sqlite::TokenKind::session, now,
                             now + options_.session_ttl, std::nullopt};
  if (auto a = accounts_.add_token(record); !a) return store_failed(a.error());
  (void)accounts_.delete_dead_tokens(now - std::chrono::hours(24));
  spdlog::info("api access: '{}' signed in from {}", *name, request.remote_address);
  json::object out{{"user", (*account)->name},
                   {"grants", grants_json((*account)->grants)},
                   {"expires_ms", to_epoch_ms(*record.expires_at)}};
  if (!as_cookie) out["token"] = token;
  Response r = json_response(200, out);
  if (as_cookie) {
    const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(options_.session_ttl).count();
    r.headers.emplace_back("Set-Cookie",
                           std::string(kSessionCookie) + "=" + token +
                               "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age) +
                               (options_.secure_cookie ? "; Secure" : ""));
  }
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response ApiAccess::logout(const Request& request) {
  if (auto r = accounts_.revoke_token(request.credential_hash, clock_.now()); !r)
    return store_failed(r.error());
  spdlog::info("api access: '{}' signed out", request.caller->name);
  Response r = json_response(200, json::object{{"signed_out", request.caller->name}});
  r.headers.emplace_back("Set-Cookie",
                         std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return r;
}

void add_access_routes(Router& router, ApiAccess& access) {
  router.guard([&access](Request& r, std::string_view pattern) { return access.guard(r, pattern); });
  router.post("/api/v1/auth/login", [&access](const Request& r) { return access.login(r); });
  router.post("/api/v1/auth/logout", [&access](const Request& r) { return access.logout(r); });
  router.get("/api/v1/me", [](const Request& r) { return me(r); });
  router.post("/api/v1/me/password", [&access](const Request& r) { return change_own_password(access, r); });
  router.get("/api/v1/users", [&access](const Request& r) { return list_users(access, r); });
  router.post("/api/v1/users", [&access](const Request& r) { return add_user(access, r); });
  router.add("DELETE", "/api/v1/users/{name}",
             [&access](const Request& r) { return remove_user(access, r); });
  router.post("/api/v1/users/{name}/grants", [&access](const Request& r) { return put_grant(access, r); });
  router.add("DELETE", "/api/v1/users/{name}/grants/{site}",
             [&access](const Request& r) { return remove_grant(access, r); });
  router.post("/api/v1/users/{name}/password",
              [&access](const Request& r) { return reset_password(access, r); });
}

}  // namespace lw::adapters::http
