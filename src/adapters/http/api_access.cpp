#include "adapters/http/api_access.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <charconv>

#include "adapters/system/credentials.h"
#include "core/hub/hub.h"
#include "core/ports/clock.h"

namespace lw::adapters::http {
namespace {

namespace json = boost::json;
using core::access::Decision;
using core::access::Permission;
using core::access::Target;

Response unauthenticated(std::string_view message) {
  Response r = error_response(401, "unauthenticated", message);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"lockwarden\"");
  return r;
}

/// The value of cookie `name` in a Cookie header ("a=1; lw_session=x").
std::optional<std::string> cookie(const Request& r, std::string_view name) {
  auto header = r.header("cookie");
  if (!header) return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    auto semi = rest.find(';');
    std::string_view pair = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::optional<std::uint64_t> number(const std::string& text) {
  std::uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

/// The 404 an unknown `id` of `subject` gets; a thing of a hidden site gets the same.
Response missing(Subject subject, const std::string& id) {
  switch (subject) {
    case Subject::lock: return error_response(not_found("lock '" + id + "' not found"));
    case Subject::site: return error_response(not_found("site '" + id + "' not found"));
    case Subject::action: return error_response(not_found("action '" + id + "' not found"));
    case Subject::incident: return error_response(not_found("incident " + id + " not found"));
    case Subject::case_: return error_response(not_found("case " + id + " not found"));
    case Subject::code: return error_response(not_found("access code '" + id + "' not found"));
    case Subject::pairing: return error_response(not_found("pairing '" + id + "' not found"));
    case Subject::guest_key: return error_response(not_found("guest key '" + id + "' not found"));
    case Subject::none:
    case Subject::fleet: break;
  }
  return error_response(not_found("not found"));
}

bool changes_something(const Request& r) { return r.method != "GET" && r.method != "HEAD"; }

}  // namespace

const std::vector<AccessRule>& access_rules() {
  using P = Permission;
  using S = Subject;
  static const std::vector<AccessRule> rules{
      {"GET", "/api/v1/health", true},
      {"POST", "/api/v1/auth/login", true},
      {"POST", "/api/v1/auth/logout", false, P::authenticated},
      {"GET", "/api/v1/me", false, P::authenticated},
      {"POST", "/api/v1/me/password", false, P::authenticated},
      {"GET", "/api/v1/hubs", false, P::authenticated},
      {"GET", "/api/v1/sites", false, P::view},  // filtered
      {"GET", "/api/v1/sites/{id}/health", false, P::view, S::site},
      {"GET", "/api/v1/locks", false, P::view},  // filtered
      {"GET", "/api/v1/locks/{id}", false, P::view, S::lock},
      {"GET", "/api/v1/locks/{id}/health", false, P::view, S::lock},
      {"GET", "/api/v1/locks/{id}/events", false, P::read_activity, S::lock},
      {"GET", "/api/v1/locks/{id}/history", false, P::read_activity, S::lock},
      {"POST", "/api/v1/locks/{id}/lock", false, P::operate, S::lock},
      {"POST", "/api/v1/locks/{id}/unlock", false, P::operate, S::lock},
      {"POST", "/api/v1/locks/{id}/unlatch", false, P::operate, S::lock},
      {"POST", "/api/v1/locks/{id}/actions", false, P::operate, S::lock},  // a user-signed envelope
      {"POST", "/api/v1/locks/{id}/pair", false, P::manage_users, S::lock},
      {"GET", "/api/v1/pairings/{id}", false, P::manage_users, S::pairing},
      {"GET", "/api/v1/locks/{id}/keys", false, P::view, S::lock},
      {"DELETE", "/api/v1/locks/{id}/keys/{key_id}", false, P::manage_users, S::lock},
      {"GET", "/api/v1/locks/{id}/settings", false, P::view, S::lock},
      {"PUT", "/api/v1/locks/{id}/settings", false, P::manage_codes, S::lock},
      {"GET", "/api/v1/actions/{id}", false, P::read_activity, S::action},
      {"GET", "/api/v1/incidents", false, P::read_activity},  // filtered
      {"GET", "/api/v1/incidents/{id}", false, P::read_activity, S::incident},
      {"GET", "/api/v1/cases", false, P::read_activity},  // filtered
      {"GET", "/api/v1/cases/{id}", false, P::read_activity, S::case_},
      {"GET", "/api/v1/cases/{id}/report", false, P::read_activity, S::case_},
      {"POST", "/api/v1/cases/{id}/outcome", false, P::troubleshoot, S::case_},
      {"POST", "/api/v1/cases/{id}/cause", false, P::troubleshoot, S::case_},
      {"GET", "/api/v1/stream", false, P::view},  // frames filtered
      {"GET", "/api/v1/stats", false, P::read_fleet, S::fleet},
      {"GET", "/metrics", false, P::read_fleet, S::fleet},
      {"GET", "/api/v1/audit", false, P::read_fleet, S::fleet},  // every site's records
      {"GET", "/api/v1/codes", false, P::manage_codes},          // filtered
      {"POST", "/api/v1/codes", false, P::manage_codes},         // the body names the site
      {"GET", "/api/v1/codes/{id}", false, P::manage_codes, S::code},
      {"DELETE", "/api/v1/codes/{id}", false, P::manage_codes, S::code},
      {"POST", "/api/v1/codes/{id}/retry", false, P::manage_codes, S::code},
      {"POST", "/api/v1/guest-keys", false, P::manage_codes},  // the body names the site
      {"GET", "/api/v1/guest-keys", false, P::manage_codes},   // filtered
      {"GET", "/api/v1/guest-keys/{id}", false, P::manage_codes, S::guest_key},
      {"DELETE", "/api/v1/guest-keys/{id}", false, P::manage_codes, S::guest_key},
      {"GET", "/api/v1/users", false, P::manage_users},  // filtered
      {"POST", "/api/v1/users", false, P::manage_users},
      {"DELETE", "/api/v1/users/{name}", false, P::manage_users},
      {"POST", "/api/v1/users/{name}/grants", false, P::manage_users},
      {"DELETE", "/api/v1/users/{name}/grants/{site}", false, P::manage_users},
      {"POST", "/api/v1/users/{name}/password", false, P::manage_users},
  };
  return rules;
}

std::string request_actor(const Request& r) {
  std::string from = r.remote_address.empty() ? "unknown" : r.remote_address;
  if (r.caller) return "user:" + r.caller->name + "@" + from;
  return "api:" + from;
}

bool caller_sees(const Request& request, Permission permission, const SiteId& site) {
  if (!request.caller) return true;
  return core::access::allowed(request.caller.get(), permission, site);
}

std::optional<Response> refuse_on_site(const Request& request, Permission permission, const SiteId& site) {
  if (!request.caller) return std::nullopt;
  switch (core::access::decide(request.caller.get(), permission, core::access::Target::on_site(site))) {
    case Decision::allow: return std::nullopt;
    case Decision::hidden: return error_response(not_found("site '" + site + "' not found"));
    default:
      return error_response(403, "permission_denied",
                            "your role may not " + std::string(core::access::to_string(permission)) +
                                " on site '" + site + "'");
  }
}

json::array grants_json(const std::vector<core::access::Grant>& grants) {
  json::array out;
  for (const auto& g : grants)
    out.push_back(json::object{{"site", g.site}, {"role", core::access::to_string(g.role)}});
  return out;
}

ApiAccess::ApiAccess(sqlite::AccountStore& accounts, core::Hub& hub, const core::Clock& clock,
                     Options options)
    : accounts_(accounts), hub_(hub), clock_(clock), options_(options), throttle_(options.throttle) {}

std::optional<Response> ApiAccess::authenticate(Request& request) {
  std::string token;
  bool by_cookie = false;
  if (auto auth = request.header("authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth->size() <= kBearer.size() || auth->substr(0, kBearer.size()) != kBearer) {
      return unauthenticated("Authorization: must be \"Bearer <token>\"");
    }
    token = std::string(auth->substr(kBearer.size()));
  } else if (auto c = cookie(request, kSessionCookie); c && !c->empty()) {
    token = std::move(*c);
    by_cookie = true;
  } else {
    return unauthenticated("sign in first: send Authorization: Bearer <token> (or the session cookie)");
  }
  const std::string hash = token_hash(token);
  auto record = accounts_.find_token(hash);
  if (!record) {
    spdlog::error("api access: reading tokens failed: {}", record.error().message);
    return error_response(503, "unavailable", "the account store cannot be read");
  }
  if (!*record) return unauthenticated("the token is not valid");
  const Timestamp now = clock_.now();
  if ((*record)->revoked_at) return unauthenticated("the token was revoked (signed out)");
  if ((*record)->expires_at && *(*record)->expires_at <= now) return unauthenticated("the session expired");
  auto account = accounts_.find_user((*record)->user_id);
  if (!account) {
    spdlog::error("api access: reading accounts failed: {}", account.error().message);
    return error_response(503, "unavailable", "the account store cannot be read");
  }
  if (!*account) return unauthenticated("the token is not valid");
  if (by_cookie && changes_something(request) && !request.header(kRequestedByHeader)) {
    return error_response(
        403, "permission_denied",
        "X-Requested-By: required with the session cookie on " + request.method + " requests");
  }
  request.caller = std::make_shared<core::access::Principal>(
      core::access::Principal{(*account)->id, (*account)->name, std::move((*account)->grants)});
  request.credential_hash = hash;
  return std::nullopt;
}

ApiAccess::Located ApiAccess::locate(Subject subject, const Request& request) {
  auto param = [&](std::string_view name) -> const std::string& {
    return request.params.at(std::string(name));
  };
  switch (subject) {
    case Subject::none:
    case Subject::fleet: return {};
    case Subject::lock: {
      const std::string& id = param("id");
      const core::LockRecord* lock = hub_.find_lock(id);
      if (lock == nullptr) return {std::nullopt, missing(subject, id)};
      return {lock->site, std::nullopt};
    }
    case Subject::site: {
      const std::string& id = param("id");
      for (const auto& s : hub_.sites()) {
        if (s.id == id) return {s.id, std::nullopt};
      }
      return {std::nullopt, missing(subject, id)};
    }
    case Subject::action: {
      const std::string& id = param("id");
      auto action = hub_.find_action(id);
      if (!action) return {std::nullopt, missing(subject, id)};
      return {action->site, std::nullopt};
    }
    case Subject::incident: {
      auto id = number(param("id"));
      if (!id) return {};  // the handler names the malformed id
      const core::Incident* inc = hub_.health_monitor().liveness().incident(*id);
      if (inc == nullptr) return {std::nullopt, missing(subject, param("id"))};
      return {inc->site, std::nullopt};
    }
    case Subject::code:
    case Subject::pairing:
    case Subject::guest_key: {
      const std::string& id = param("id");
      auto finder = site_of_.find(subject);
      std::optional<SiteId> site = finder != site_of_.end() ? finder->second(id) : std::nullopt;
      if (!site) return {std::nullopt, missing(subject, id)};
      return {site, std::nullopt};
    }
    case Subject::case_: {
      auto id = number(param("id"));
      if (!id) return {};
      const core::Case* c = hub_.doctor().find(*id);
      if (c == nullptr) return {std::nullopt, missing(subject, param("id"))};
      const core::LockRecord* lock = hub_.find_lock(c->lock);
      return {lock != nullptr ? lock->site : SiteId{}, std::nullopt};
    }
  }
  return {};
}

std::optional<Response> ApiAccess::guard(Request& request, std::string_view pattern) {
  const bool api = pattern.starts_with("/api/") || pattern == "/metrics";
  if (!api) return std::nullopt;  // the web app's files and pages are public
  const AccessRule* rule = nullptr;
  for (const AccessRule& r : access_rules()) {
    if (r.pattern == pattern &&
        (r.method == request.method || (request.method == "HEAD" && r.method == "GET"))) {
      rule = &r;
      break;
    }
  }
  if (rule != nullptr && rule->public_route) return std::nullopt;
  if (auto refused = authenticate(request)) return refused;
  if (rule == nullptr) {
    spdlog::error("api access: {} {} has no access rule; refused", request.method, pattern);
    return error_response(403, "permission_denied", "this route has no access rule");
  }
  Target target = Target::none();
  if (rule->subject == Subject::fleet) {
    target = Target::fleet();
  } else if (rule->subject != Subject::none) {
    Located where = locate(rule->subject, request);
    if (where.not_found) return where.not_found;
    if (!where.site) return std::nullopt;  // a malformed id: the handler answers 400
    target = Target::on_site(*where.site);
  }
  switch (core::access::decide(request.caller.get(), rule->permission, target)) {
    case Decision::allow: return std::nullopt;
    case Decision::unauthenticated: return unauthenticated("sign in first");
    case Decision::hidden: return missing(rule->subject, request.params.at("id"));
    case Decision::forbidden:
      return error_response(
          403, "permission_denied",
          "your role may not " + std::string(core::access::to_string(rule->permission)) +
              (target.kind == Target::Kind::site ? " on site '" + target.site + "'" : std::string()));
  }
  return error_response(403, "permission_denied", "refused");
}

}  // namespace lw::adapters::http
