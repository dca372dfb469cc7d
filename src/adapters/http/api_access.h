// API access: who is calling, and whether it may (docs/api.md,
// "Authentication" and "Roles"). The thin adapter around the pure policy in
// core/access/policy.h:
// - authenticate(): the caller from `Authorization: Bearer <token>` or the
//   `lw_session` cookie; a token is looked up by its BLAKE2b hash and must be
//   neither expired nor revoked. A request authenticated by the cookie that
//   changes something (not GET/HEAD) must also carry `X-Requested-By` (any
//   value): a cross-site form cannot send that header, so it cannot ride on
//   the cookie.
// - guard(): installed on the Router, it looks the matched route up in ONE
//   table (access_rules()) giving the permission it needs and what its `{id}`
//   names (a lock, site, case, incident or action), finds that thing's site
//   and asks core::access::decide(). A thing of a site the caller holds no
//   grant on gets exactly the 404 an unknown id gets; both are produced here.
//   A route under /api/ or /metrics without a rule is refused (fail closed).
// - sign-in with the LoginThrottle per user name and per client address, and
//   a password hash run for unknown users too.
//
// Threading: on the io_context thread that owns the Hub. Verifying a
// password (Argon2id, ~0.1 s) runs on that thread: sign-ins are rare and
// rate-limited.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/router.h"
#include "adapters/sqlite/account_store.h"
#include "core/access/login_throttle.h"
#include "core/access/policy.h"

namespace lw::core {
class Hub;
class Clock;
}  // namespace lw::core

namespace lw::adapters::http {

/// The name of the session cookie.
inline constexpr std::string_view kSessionCookie = "lw_session";
/// The header a cookie-authenticated request that changes something must carry.
inline constexpr std::string_view kRequestedByHeader = "x-requested-by";

/// What a route's `{id}` (or nothing) names, to find the site it belongs to.
enum class Subject { none, fleet, lock, site, incident, case_, action, code, pairing, guest_key };

/// One row of the access table.
struct AccessRule {
  std::string_view method;
  std::string_view pattern;
  bool public_route{false};  ///< no sign-in needed
  core::access::Permission permission{core::access::Permission::authenticated};
  Subject subject{Subject::none};
};

/// The access table: every API route, its permission and subject.
[[nodiscard]] const std::vector<AccessRule>& access_rules();

class ApiAccess {
 public:
  struct Options {
    Duration session_ttl{std::chrono::hours(24) * 7};  ///< a sign-in's token lives this long
    core::access::LoginThrottle::Options throttle;
    bool secure_cookie{false};  ///< add `Secure` to the cookie (when served over HTTPS)
  };

  ApiAccess(sqlite::AccountStore& accounts, core::Hub& hub, const core::Clock& clock, Options options);

  /// The caller of `request`, or the 401 answer. Sets request.caller.
  std::optional<Response> authenticate(Request& request);

  /// The Router's guard (see above).
  std::optional<Response> guard(Request& request, std::string_view pattern);

  /// POST /api/v1/auth/login.
  Response login(const Request& request);
  /// POST /api/v1/auth/logout: revokes the token presented.
  Response logout(const Request& request);

  /// Finds the site of what an id names for a subject the Hub does not hold
  /// (Subject::code, Subject::pairing, Subject::guest_key); without one every such id is unknown.
  using SiteOf = std::function<std::optional<SiteId>(const std::string& id)>;
  void set_site_of(Subject subject, SiteOf site_of) { site_of_[subject] = std::move(site_of); }

  [[nodiscard]] sqlite::AccountStore& accounts() { return accounts_; }
  [[nodiscard]] const core::Clock& clock() const { return clock_; }

 private:
  /// The site of what `subject` names, or the 404 answer when it does not exist
  /// (nullopt with `passthrough` set: let the handler answer, e.g. a malformed id).
  struct Located {
    std::optional<SiteId> site;
    std::optional<Response> not_found;
  };
  Located locate(Subject subject, const Request& request);

  sqlite::AccountStore& accounts_;
  core::Hub& hub_;
  const core::Clock& clock_;
  Options options_;
  core::access::LoginThrottle throttle_;
  std::map<Subject, SiteOf> site_of_;
};

/// Installs `access.guard` on `router` and registers the sign-in routes
/// (POST /api/v1/auth/login, /auth/logout) and the account routes (GET
/// /api/v1/me, /users; POST /users, /users/{name}/grants, /users/{name}/password;
/// DELETE /users/{name}, /users/{name}/grants/{site}). `access` must outlive the router.
void add_access_routes(Router& router, ApiAccess& access);

/// Whether `request`'s caller may see `site` with `permission` (true when no
/// guard set a caller: unit tests of the routes alone).
[[nodiscard]] bool caller_sees(const Request& request, core::access::Permission permission,
                               const SiteId& site);

/// For a route whose body names the site: nothing when the caller may act
/// with `permission` on `site` (or no guard set a caller), else the answer:
/// 404 "site '<site>' not found" when the site is hidden from them, 403
/// permission_denied otherwise.
[[nodiscard]] std::optional<Response> refuse_on_site(const Request& request,
                                                     core::access::Permission permission, const SiteId& site);

/// Who made `request`, for the audit log: "user:<account>@<address>", or
/// "api:<address>" when no guard set a caller.
[[nodiscard]] std::string request_actor(const Request& request);

/// The JSON of a grant list: [{"site":"home","role":"member"}].
[[nodiscard]] boost::json::array grants_json(const std::vector<core::access::Grant>& grants);

}  // namespace lw::adapters::http
