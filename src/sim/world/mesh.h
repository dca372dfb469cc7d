// Mesh routes for Zigbee and Z-Wave locks: a lock's message hops through
// mains-powered repeaters (routers) to the hub (coordinator / controller).
// Each hop succeeds with probability 1 − PER of its link, so the end-to-end
// delivery probability is the product over the hops: three hops at 95 % each
// deliver 86 %. A route is lost when a repeater it uses disappears (unplugged,
// power cut) until the network finds another one.
//
// Link-layer retries: both 802.15.4 (macMaxFrameRetries, default 3) and
// Z-Wave (up to 3 transmissions per hop) resend an unacknowledged frame, so a
// hop fails only when every attempt does: per^(retries + 1), assuming the
// attempts fail independently.
//
// Route choice maximises the delivery probability (the shortest path under
// −log(1 − PER) weights) with at most `max_repeaters` repeaters: Z-Wave's
// source routes carry at most 4 (ITU-T G.9959); Zigbee allows many more.
//
// Threading: plain values. best_route allocates (it runs when the topology
// changes); MeshRoute's queries do not.
#pragma once

#include <optional>
#include <span>
#include <vector>

namespace lw::sim::world {

/// A node of the mesh: the hub, a repeater or an end device, by number.
using NodeId = int;

/// A radio link between two nodes, usable both ways, with its packet error
/// rate per attempt (0..1).
struct MeshLink {
  NodeId a;
  NodeId b;
  double per;
};

/// Probability that a frame crosses a hop whose single attempt fails with
/// `per`, with `retries` more attempts.
double hop_success(double per, int retries = 0) noexcept;

/// End-to-end delivery probability over hops with these PERs: Π (1 − per_i).
/// 1 for no hops.
double delivery_probability(std::span<const double> hop_per) noexcept;

class MeshRoute {
 public:
  /// No route.
  MeshRoute() = default;
  /// `nodes` from the source to the destination (at least two), and each
  /// hop's PER (nodes.size() − 1 of them). Anything else makes an empty route.
  MeshRoute(std::vector<NodeId> nodes, std::vector<double> hop_per);

  [[nodiscard]] bool empty() const noexcept { return nodes_.size() < 2; }
  /// Source, repeaters..., destination.
  [[nodiscard]] std::span<const NodeId> nodes() const noexcept { return nodes_; }
  /// The nodes strictly between source and destination.
  [[nodiscard]] std::span<const NodeId> repeaters() const noexcept;
  [[nodiscard]] std::span<const double> hop_per() const noexcept { return hop_per_; }
  [[nodiscard]] int hops() const noexcept { return static_cast<int>(hop_per_.size()); }
  /// Product of the hops' success probabilities, each with `retries`; 0 when empty.
  [[nodiscard]] double delivery_probability(int retries = 0) const noexcept;
  /// True when `node` relays on this route.
  [[nodiscard]] bool uses(NodeId node) const noexcept;
  /// True when a repeater of this route is among `gone`, or the route is empty.
  [[nodiscard]] bool broken_by(std::span<const NodeId> gone) const noexcept;

 private:
  std::vector<NodeId> nodes_;
  std::vector<double> hop_per_;
};

/// The route from `source` to `hub` with the highest delivery probability over
/// `links`, relaying through at most `max_repeaters` nodes and none of
/// `unavailable`; among equally good routes, the one with fewer hops. nullopt
/// when the hub cannot be reached. Links with PER ≥ 1 are unusable.
std::optional<MeshRoute> best_route(NodeId source, NodeId hub, std::span<const MeshLink> links,
                                    int max_repeaters, std::span<const NodeId> unavailable = {});

}  // namespace lw::sim::world
