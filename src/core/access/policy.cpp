#include "core/access/policy.h"

#include <algorithm>

namespace lw::core::access {

std::string_view to_string(Role role) noexcept {
  switch (role) {
    case Role::guest: return "guest";
    case Role::member: return "member";
    case Role::manager: return "manager";
    case Role::owner: return "owner";
  }
  return "guest";
}

std::optional<Role> parse_role(std::string_view text) noexcept {
  for (Role r : {Role::guest, Role::member, Role::manager, Role::owner}) {
    if (to_string(r) == text) return r;
  }
  return std::nullopt;
}

std::string_view to_string(Permission permission) noexcept {
  switch (permission) {
    case Permission::authenticated: return "authenticated";
    case Permission::view: return "view";
    case Permission::read_activity: return "read_activity";
    case Permission::operate: return "operate";
    case Permission::troubleshoot: return "troubleshoot";
    case Permission::manage_users: return "manage_users";
    case Permission::manage_codes: return "manage_codes";
    case Permission::read_fleet: return "read_fleet";
  }
  return "view";
}

std::string_view to_string(Decision decision) noexcept {
  switch (decision) {
    case Decision::allow: return "allow";
    case Decision::unauthenticated: return "unauthenticated";
    case Decision::forbidden: return "forbidden";
    case Decision::hidden: return "hidden";
  }
  return "hidden";
}

// The role matrix (docs/api.md, "Roles").
Role least_role(Permission permission) noexcept {
  switch (permission) {
    case Permission::authenticated: return Role::guest;
    case Permission::view: return Role::guest;
    case Permission::read_activity: return Role::member;
    case Permission::operate: return Role::member;
    case Permission::troubleshoot: return Role::manager;
    case Permission::manage_users: return Role::manager;
    case Permission::manage_codes: return Role::manager;
    case Permission::read_fleet: return Role::manager;
  }
  return Role::owner;
}

std::optional<Role> role_on(const Principal& caller, std::string_view site) {
  std::optional<Role> best;
  for (const Grant& g : caller.grants) {
    if (g.site != site && g.site != kAllSites) continue;
    if (!best || g.role > *best) best = g.role;
  }
  return best;
}

Decision decide(const Principal* caller, Permission permission, const Target& target) {
  if (caller == nullptr) return Decision::unauthenticated;
  const Role needed = least_role(permission);
  switch (target.kind) {
    case Target::Kind::none:
      if (permission == Permission::authenticated) return Decision::allow;
      // A site-scoped permission asked without a site: any site where it holds will do.
      return std::any_of(caller->grants.begin(), caller->grants.end(),
                         [&](const Grant& g) { return g.role >= needed; })
                 ? Decision::allow
                 : Decision::forbidden;
    case Target::Kind::fleet: {
      auto role = role_on(*caller, kAllSites);
      return role && *role >= needed ? Decision::allow : Decision::forbidden;
    }
    case Target::Kind::site: {
      auto role = role_on(*caller, target.site);
      if (!role) return Decision::hidden;
      return *role >= needed ? Decision::allow : Decision::forbidden;
    }
  }
  return Decision::hidden;
}

bool allowed(const Principal* caller, Permission permission, const SiteId& site) {
  return decide(caller, permission, Target::on_site(site)) == Decision::allow;
}

bool may_grant(const Principal& actor, const Grant& grant) {
  auto role = role_on(actor, grant.site);
  if (!role || *role < least_role(Permission::manage_users)) return false;
  if (grant.site == kAllSites && *role != Role::owner) return false;
  if (*role == Role::owner) return true;
  return grant.role < Role::manager;  // a manager grants guest or member
}

bool may_see_account(const Principal& actor, std::int64_t user_id, const std::vector<Grant>& grants) {
  if (actor.user_id == user_id) return true;
  auto everywhere = role_on(actor, kAllSites);
  if (everywhere && *everywhere >= least_role(Permission::manage_users)) return true;
  return std::any_of(grants.begin(), grants.end(), [&](const Grant& g) {
    auto role = role_on(actor, g.site);
    return role && *role >= least_role(Permission::manage_users);
  });
}

bool may_manage_account(const Principal& actor, std::int64_t user_id, const std::vector<Grant>& grants) {
  if (actor.user_id == user_id) return false;
  if (!may_see_account(actor, user_id, grants)) return false;
  if (grants.empty()) {
    auto everywhere = role_on(actor, kAllSites);
    return everywhere && *everywhere == Role::owner;  // an account without grants: only a "*" owner
  }
  return std::all_of(grants.begin(), grants.end(), [&](const Grant& g) { return may_grant(actor, g); });
}

bool valid_grant_site(std::string_view site) noexcept {
  if (site.empty() || site.size() > 64) return false;
  return std::none_of(site.begin(), site.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace lw::core::access
