#include "core/access/policy.h"

#include <gtest/gtest.h>

namespace lw::core::access {
namespace {

Principal someone(std::vector<Grant> grants, std::int64_t id = 1) {
  return {id, "someone", std::move(grants)};
}

TEST(AccessPolicy, NobodySignedInIsUnauthenticatedForEverything) {
  EXPECT_EQ(decide(nullptr, Permission::authenticated, Target::none()), Decision::unauthenticated);
  EXPECT_EQ(decide(nullptr, Permission::view, Target::on_site("home")), Decision::unauthenticated);
  EXPECT_FALSE(allowed(nullptr, Permission::view, "home"));
}

TEST(AccessPolicy, ASiteWithoutAGrantIsHiddenWhateverTheRoleElsewhere) {
  Principal owner_of_a = someone({{"a", Role::owner}});
  for (Permission p : {Permission::view, Permission::read_activity, Permission::operate,
                       Permission::troubleshoot, Permission::manage_users, Permission::manage_codes}) {
    EXPECT_EQ(decide(&owner_of_a, p, Target::on_site("b")), Decision::hidden) << to_string(p);
    EXPECT_EQ(decide(&owner_of_a, p, Target::on_site("a")), Decision::allow) << to_string(p);
  }
}

TEST(AccessPolicy, TheRoleMatrixHoldsOnAVisibleSite) {
  struct Row {
    Role role;
    bool view, activity, operate, troubleshoot, manage;
  };
  for (Row row :
       {Row{Role::guest, true, false, false, false, false}, Row{Role::member, true, true, true, false, false},
        Row{Role::manager, true, true, true, true, true}, Row{Role::owner, true, true, true, true, true}}) {
    Principal p = someone({{"home", row.role}});
    auto is = [&](Permission perm) { return decide(&p, perm, Target::on_site("home")); };
    auto want = [](bool yes) { return yes ? Decision::allow : Decision::forbidden; };
    EXPECT_EQ(is(Permission::view), want(row.view)) << to_string(row.role);
    EXPECT_EQ(is(Permission::read_activity), want(row.activity)) << to_string(row.role);
    EXPECT_EQ(is(Permission::operate), want(row.operate)) << to_string(row.role);
    EXPECT_EQ(is(Permission::troubleshoot), want(row.troubleshoot)) << to_string(row.role);
    EXPECT_EQ(is(Permission::manage_users), want(row.manage)) << to_string(row.role);
    EXPECT_EQ(is(Permission::manage_codes), want(row.manage)) << to_string(row.role);
  }
}

TEST(AccessPolicy, AnOwnerOnEverySiteSeesSitesThatDoNotExistYet) {
  Principal root = someone({{"*", Role::owner}});
  EXPECT_EQ(decide(&root, Permission::operate, Target::on_site("added-later")), Decision::allow);
  EXPECT_EQ(decide(&root, Permission::read_fleet, Target::fleet()), Decision::allow);
}

TEST(AccessPolicy, FleetFiguresNeedAManagerGrantOnEverySite) {
  Principal everywhere_member = someone({{"*", Role::member}});
  Principal owner_of_every_site_by_name = someone({{"a", Role::owner}, {"b", Role::owner}});
  EXPECT_EQ(decide(&everywhere_member, Permission::read_fleet, Target::fleet()), Decision::forbidden);
  EXPECT_EQ(decide(&owner_of_every_site_by_name, Permission::read_fleet, Target::fleet()),
            Decision::forbidden);
  Principal manager = someone({{"*", Role::manager}});
  EXPECT_EQ(decide(&manager, Permission::read_fleet, Target::fleet()), Decision::allow);
}

TEST(AccessPolicy, TheStrongestOfSeveralGrantsCounts) {
  Principal p = someone({{"home", Role::guest}, {"*", Role::member}, {"home", Role::manager}});
  EXPECT_EQ(role_on(p, "home"), Role::manager);
  EXPECT_EQ(role_on(p, "other"), Role::member);
}

TEST(AccessPolicy, AMemberCannotGrantAnythingNotEvenToItself) {
  Principal member = someone({{"home", Role::member}});
  EXPECT_FALSE(may_grant(member, {"home", Role::manager}));
  EXPECT_FALSE(may_grant(member, {"home", Role::guest}));
}

TEST(AccessPolicy, AManagerGrantsGuestOrMemberOnItsSitesOnly) {
  Principal manager = someone({{"home", Role::manager}});
  EXPECT_TRUE(may_grant(manager, {"home", Role::guest}));
  EXPECT_TRUE(may_grant(manager, {"home", Role::member}));
  EXPECT_FALSE(may_grant(manager, {"home", Role::manager}));
  EXPECT_FALSE(may_grant(manager, {"home", Role::owner}));
  EXPECT_FALSE(may_grant(manager, {"office", Role::guest}));
  EXPECT_FALSE(may_grant(manager, {"*", Role::guest}));
}

TEST(AccessPolicy, OnlyAnOwnerOnEverySiteGrantsOnEverySite) {
  Principal owner = someone({{"home", Role::owner}});
  EXPECT_TRUE(may_grant(owner, {"home", Role::owner}));
  EXPECT_FALSE(may_grant(owner, {"*", Role::guest}));
  Principal root = someone({{"*", Role::owner}});
  EXPECT_TRUE(may_grant(root, {"*", Role::owner}));
}

TEST(AccessPolicy, AManagerCannotRemoveAnOwnerNorItself) {
  Principal manager = someone({{"home", Role::manager}}, 1);
  EXPECT_FALSE(may_manage_account(manager, 2, {{"home", Role::owner}}));
  EXPECT_FALSE(may_manage_account(manager, 1, {{"home", Role::manager}}));
  EXPECT_TRUE(may_manage_account(manager, 3, {{"home", Role::member}}));
  // Someone who also holds a grant elsewhere is beyond this manager.
  EXPECT_FALSE(may_manage_account(manager, 4, {{"home", Role::member}, {"office", Role::guest}}));
}

TEST(AccessPolicy, AccountsOfOtherSitesAreInvisible) {
  Principal manager = someone({{"home", Role::manager}}, 1);
  EXPECT_FALSE(may_see_account(manager, 2, {{"office", Role::member}}));
  EXPECT_TRUE(may_see_account(manager, 3, {{"home", Role::guest}, {"office", Role::member}}));
  EXPECT_TRUE(may_see_account(manager, 1, {{"home", Role::manager}}));
}

TEST(AccessPolicy, RolesRoundTripThroughTheirNames) {
  for (Role r : {Role::guest, Role::member, Role::manager, Role::owner})
    EXPECT_EQ(parse_role(to_string(r)), r);
  EXPECT_EQ(parse_role("admin"), std::nullopt);
  EXPECT_FALSE(valid_grant_site(""));
  EXPECT_FALSE(valid_grant_site("a\nb"));
  EXPECT_TRUE(valid_grant_site("*"));
}

}  // namespace
}  // namespace lw::core::access
