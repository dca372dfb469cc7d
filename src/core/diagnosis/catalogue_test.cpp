#include "core/diagnosis/catalogue.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace lw::core {
namespace {

TEST(Catalogue, EveryCauseIsListedInDeclarationOrderWithAUniqueId) {
  std::set<std::string> ids;
  int i = 0;
  for (const CauseInfo& c : causes()) {
    EXPECT_EQ(static_cast<int>(c.cause), i++) << c.id;
    EXPECT_TRUE(ids.insert(std::string(c.id)).second) << c.id;
    EXPECT_FALSE(c.what.empty()) << c.id;
    EXPECT_EQ(parse_cause(c.id), c.cause);
  }
  EXPECT_EQ(ids.size(), 20U);
}

TEST(Catalogue, NamesTheIdsTheSimulatorAndDoctorShare) {
  EXPECT_EQ(to_string(Cause::mesh_route_lost), "mesh_route_lost");
  EXPECT_EQ(to_string(Cause::hub_software_regression), "hub_software_regression");
  EXPECT_EQ(parse_cause("battery_low_dropouts"), Cause::battery_low_dropouts);
  EXPECT_EQ(parse_cause("explode"), std::nullopt);
}

TEST(Catalogue, EachCauseEndsWithAStepOfTheGuide) {
  EXPECT_EQ(info(Cause::battery_depleted).fix, FixStep::replace_batteries);
  EXPECT_EQ(info(Cause::firmware_bug).fix, FixStep::power_cycle_lock);
  EXPECT_EQ(info(Cause::network_credentials_changed).fix, FixStep::reenter_network_credentials);
  EXPECT_EQ(info(Cause::firmware_updating).fix, FixStep::wait);
  for (const CauseInfo& c : causes()) EXPECT_NE(to_string(c.fix), "unknown") << c.id;
  EXPECT_EQ(parse_fix_step("recalibrate"), FixStep::recalibrate);
}

TEST(Catalogue, ScopesSayWhatACauseStrikes) {
  EXPECT_EQ(info(Cause::hub_offline).scope, CauseScope::bridge);
  EXPECT_EQ(info(Cause::router_power_outage).scope, CauseScope::network);
  EXPECT_EQ(info(Cause::app_permissions).scope, CauseScope::phone);
  EXPECT_EQ(to_string(CauseScope::repeater), "repeater");
}

}  // namespace
}  // namespace lw::core
