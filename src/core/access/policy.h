// Access policy of the API: who may do what on which site. This is the one
// place the authorisation decision is made; the HTTP adapter only finds the
// caller and the site a request is about, and asks decide().
//
// Roles, per site (docs/api.md, "Roles"), each including the one below it:
//   guest    sees the site's locks: state, connectivity, battery, health
//   member   + events, history, actions, incidents, cases and the live stream;
//            locks, unlocks and unlatches
//   manager  + posts case outcomes and confirmed causes; manages the accounts
//            of its sites, granting guest or member there, and their keypad codes
//   owner    + grants any role up to owner on its sites
// A grant on the site "*" holds on every site, present and future. Hub-wide
// figures (/metrics, /api/v1/stats) need a manager or owner grant on "*":
// they count every site's locks.
//
// A site the caller holds no grant on does not exist for it: decide() answers
// `hidden`, which the adapter turns into the same 404 an unknown id gets, so
// ids cannot be probed. A permission its role lacks on a site it can see is
// `forbidden` (403).
//
// Example:
//   Principal p{7, "ana", {{"home", Role::member}}};
//   decide(&p, Permission::operate, Target::on_site("home"));    // allow
//   decide(&p, Permission::troubleshoot, Target::on_site("home"));  // forbidden
//   decide(&p, Permission::view, Target::on_site("office"));     // hidden
//
// Pure: no I/O, no clock. Threading: no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"

namespace lw::core::access {

enum class Role { guest, member, manager, owner };

[[nodiscard]] std::string_view to_string(Role role) noexcept;
/// "guest", "member", "manager" or "owner"; nullopt for anything else.
[[nodiscard]] std::optional<Role> parse_role(std::string_view text) noexcept;

/// The site a grant on every site names.
inline constexpr std::string_view kAllSites = "*";

struct Grant {
  SiteId site;  ///< a site id, or "*" for every site
  Role role{Role::guest};
  bool operator==(const Grant&) const = default;
};

/// An authenticated caller: its account and the grants it holds now.
struct Principal {
  std::int64_t user_id{0};
  std::string name;
  std::vector<Grant> grants;
};

enum class Permission {
  authenticated,  ///< any signed-in caller (who am I, hub identity)
  view,           ///< a site's locks and their health
  read_activity,  ///< events, history, actions, incidents, cases, the stream's activity frames
  operate,        ///< lock, unlock, unlatch
  troubleshoot,   ///< case outcomes and confirmed causes
  manage_users,   ///< accounts and grants of the site
  manage_codes,   ///< keypad codes of the site's locks: who they are for, when they work
  read_fleet,     ///< figures over every site (/metrics, /api/v1/stats)
};

[[nodiscard]] std::string_view to_string(Permission permission) noexcept;

/// The least role that holds `permission` (on a site; on "*" for read_fleet).
[[nodiscard]] Role least_role(Permission permission) noexcept;

/// What a request is about: nothing site-specific, one site, or every site.
struct Target {
  enum class Kind { none, site, fleet };
  Kind kind{Kind::none};
  SiteId site;
  static Target none() { return {}; }
  static Target on_site(SiteId site) { return {Kind::site, std::move(site)}; }
  static Target fleet() { return {Kind::fleet, {}}; }
};

enum class Decision {
  allow,
  unauthenticated,  ///< no caller: 401
  forbidden,        ///< the caller sees the site but its role lacks the permission: 403
  hidden,           ///< the caller holds no grant on the site: 404, as for an unknown id
};

[[nodiscard]] std::string_view to_string(Decision decision) noexcept;

/// The caller's strongest role on `site` (a grant on "*" counts), or nullopt
/// when it holds none there.
[[nodiscard]] std::optional<Role> role_on(const Principal& caller, std::string_view site);

/// The decision for `caller` (null: nobody signed in) wanting `permission` on `target`.
[[nodiscard]] Decision decide(const Principal* caller, Permission permission, const Target& target);

/// decide(...) == allow, for filtering lists and streams.
[[nodiscard]] bool allowed(const Principal* caller, Permission permission, const SiteId& site);

/// Whether `actor` may give or take away `grant` (of anyone, itself included):
/// it needs manage_users on the grant's site and a role at least that strong,
/// and a manager grants only guest or member. A grant on "*" needs an owner
/// grant on "*".
[[nodiscard]] bool may_grant(const Principal& actor, const Grant& grant);

/// Whether `actor` may see the account with `grants` at all: it manages a site
/// the account holds a grant on (or holds owner or manager on "*"), or it is
/// that account.
[[nodiscard]] bool may_see_account(const Principal& actor, std::int64_t user_id,
                                   const std::vector<Grant>& grants);

/// Whether `actor` may remove (or reset the password of) the account with
/// `grants`: it may take away every one of them, and the account is not its own.
[[nodiscard]] bool may_manage_account(const Principal& actor, std::int64_t user_id,
                                      const std::vector<Grant>& grants);

/// A site id or "*" usable in a grant: 1..64 characters, no control characters.
[[nodiscard]] bool valid_grant_site(std::string_view site) noexcept;

}  // namespace lw::core::access
