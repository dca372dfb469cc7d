#include "sim/world/mesh.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace lw::sim::world {
namespace {

constexpr NodeId kHub = 0;
constexpr NodeId kLock = 100;

TEST(WorldMesh, DeliveryProbabilityIsTheProductOfPerHopSuccess) {
  const std::array<double, 3> pers{0.05, 0.05, 0.05};
  EXPECT_NEAR(delivery_probability(pers), 0.95 * 0.95 * 0.95, 1e-12);
  const std::array<double, 2> mixed{0.1, 0.3};
  EXPECT_NEAR(delivery_probability(mixed), 0.9 * 0.7, 1e-12);
  EXPECT_DOUBLE_EQ(delivery_probability({}), 1.0);
  const MeshRoute route({kLock, 1, 2, kHub}, {0.1, 0.2, 0.05});
  EXPECT_NEAR(route.delivery_probability(), 0.9 * 0.8 * 0.95, 1e-12);
  EXPECT_EQ(route.hops(), 3);
}

TEST(WorldMesh, EachAddedHopCanOnlyLowerDelivery) {
  std::vector<double> pers;
  double previous = 1.0;
  for (int hop = 0; hop < 6; ++hop) {
    pers.push_back(0.08);
    const double p = delivery_probability(pers);
    EXPECT_LT(p, previous);
    previous = p;
  }
}

TEST(WorldMesh, RetriesMakeAHopFailOnlyWhenEveryAttemptFails) {
  EXPECT_DOUBLE_EQ(hop_success(0.3, 0), 0.7);
  EXPECT_NEAR(hop_success(0.3, 3), 1 - 0.3 * 0.3 * 0.3 * 0.3, 1e-12);
  const MeshRoute route({kLock, 1, kHub}, {0.3, 0.3});
  EXPECT_NEAR(route.delivery_probability(3), (1 - 0.0081) * (1 - 0.0081), 1e-12);
}

TEST(WorldMesh, ARouteIsLostWhenARepeaterItUsesDisappears) {
  const MeshRoute route({kLock, 1, 2, kHub}, {0.1, 0.1, 0.1});
  EXPECT_TRUE(route.uses(1));
  EXPECT_TRUE(route.uses(2));
  EXPECT_FALSE(route.uses(kLock));
  EXPECT_FALSE(route.uses(kHub));
  const std::array<NodeId, 1> other{3};
  const std::array<NodeId, 2> second{3, 2};
  EXPECT_FALSE(route.broken_by(other));
  EXPECT_TRUE(route.broken_by(second));
  EXPECT_TRUE(MeshRoute().broken_by({}));
  EXPECT_EQ(MeshRoute().delivery_probability(), 0.0);
  EXPECT_TRUE(MeshRoute({kLock, kHub}, {0.1, 0.2}).empty());  // mismatched hop count
}

TEST(WorldMesh, BestRoutePrefersTwoGoodHopsToOneBadOne) {
  const std::array<MeshLink, 3> links{{{kLock, kHub, 0.6}, {kLock, 1, 0.05}, {1, kHub, 0.05}}};
  const auto route = best_route(kLock, kHub, links, 4);
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(std::vector<NodeId>(route->nodes().begin(), route->nodes().end()),
            (std::vector<NodeId>{kLock, 1, kHub}));
  EXPECT_NEAR(route->delivery_probability(), 0.95 * 0.95, 1e-12);
}

TEST(WorldMesh, BestRoutePrefersFewerHopsWhenEquallyGood) {
  const std::array<MeshLink, 3> links{{{kLock, kHub, 0.0}, {kLock, 1, 0.0}, {1, kHub, 0.0}}};
  const auto route = best_route(kLock, kHub, links, 4);
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->hops(), 1);
}

TEST(WorldMesh, BestRouteAvoidsUnavailableRepeatersAndRespectsTheHopLimit) {
  // Lock — 1 — 2 — hub is good; lock — 3 — hub is worse; 1 is unplugged.
  const std::array<MeshLink, 5> links{
      {{kLock, 1, 0.02}, {1, 2, 0.02}, {2, kHub, 0.02}, {kLock, 3, 0.2}, {3, kHub, 0.2}}};
  const auto best = best_route(kLock, kHub, links, 4);
  ASSERT_TRUE(best.has_value());
  EXPECT_TRUE(best->uses(1));
  EXPECT_TRUE(best->uses(2));
  const std::array<NodeId, 1> gone{1};
  EXPECT_TRUE(best->broken_by(gone));
  const auto rerouted = best_route(kLock, kHub, links, 4, gone);
  ASSERT_TRUE(rerouted.has_value());
  EXPECT_EQ(std::vector<NodeId>(rerouted->nodes().begin(), rerouted->nodes().end()),
            (std::vector<NodeId>{kLock, 3, kHub}));
  EXPECT_NEAR(rerouted->delivery_probability(), 0.8 * 0.8, 1e-12);
  // With at most one repeater the two-repeater route is not allowed.
  const auto short_route = best_route(kLock, kHub, links, 1);
  ASSERT_TRUE(short_route.has_value());
  EXPECT_EQ(short_route->hops(), 2);
  EXPECT_TRUE(short_route->uses(3));
  // Nothing left: no route.
  const std::array<NodeId, 2> all_gone{1, 3};
  EXPECT_FALSE(best_route(kLock, kHub, links, 4, all_gone).has_value());
}

TEST(WorldMesh, BestRouteIgnoresDeadLinks) {
  const std::array<MeshLink, 3> links{{{kLock, 1, 1.0}, {1, kHub, 0.0}, {kLock, kHub, 0.5}}};
  const auto route = best_route(kLock, kHub, links, 4);
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->hops(), 1);
  EXPECT_DOUBLE_EQ(route->delivery_probability(), 0.5);
  const std::array<MeshLink, 2> isolated{{{kLock, 1, 1.0}, {1, kHub, 0.0}}};
  EXPECT_FALSE(best_route(kLock, kHub, isolated, 4).has_value());
}

}  // namespace
}  // namespace lw::sim::world
