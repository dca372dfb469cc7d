#include "sim/world/mesh.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace lw::sim::world {

double hop_success(double per, int retries) noexcept {
  per = std::clamp(per, 0.0, 1.0);
  double fail = per;
  for (int i = 0; i < retries; ++i) fail *= per;
  return 1.0 - fail;
}

double delivery_probability(std::span<const double> hop_per) noexcept {
  double p = 1.0;
  for (double per : hop_per) p *= 1.0 - std::clamp(per, 0.0, 1.0);
  return p;
}

MeshRoute::MeshRoute(std::vector<NodeId> nodes, std::vector<double> hop_per) {
  if (nodes.size() < 2 || hop_per.size() + 1 != nodes.size()) return;
  nodes_ = std::move(nodes);
  hop_per_ = std::move(hop_per);
}

std::span<const NodeId> MeshRoute::repeaters() const noexcept {
  if (empty()) return {};
  return std::span<const NodeId>(nodes_).subspan(1, nodes_.size() - 2);
}

double MeshRoute::delivery_probability(int retries) const noexcept {
  if (empty()) return 0.0;
  double p = 1.0;
  for (double per : hop_per_) p *= hop_success(per, retries);
  return p;
}

bool MeshRoute::uses(NodeId node) const noexcept {
  const auto r = repeaters();
  return std::find(r.begin(), r.end(), node) != r.end();
}

bool MeshRoute::broken_by(std::span<const NodeId> gone) const noexcept {
  if (empty()) return true;
  return std::any_of(gone.begin(), gone.end(), [this](NodeId n) { return uses(n); });
}

std::optional<MeshRoute> best_route(NodeId source, NodeId hub, std::span<const MeshLink> links,
                                    int max_repeaters, std::span<const NodeId> unavailable) {
  if (source == hub || max_repeaters < 0) return std::nullopt;
  // Number the nodes that appear in links.
  std::vector<NodeId> ids{source, hub};
  for (const MeshLink& l : links) {
    ids.push_back(l.a);
    ids.push_back(l.b);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  const auto index = [&](NodeId id) {
    return static_cast<std::size_t>(std::lower_bound(ids.begin(), ids.end(), id) - ids.begin());
  };
  const std::size_t n = ids.size();
  const auto usable = [&](NodeId id) {
    return id == source || id == hub ||
           std::find(unavailable.begin(), unavailable.end(), id) == unavailable.end();
  };

  // Bellman–Ford by number of hops: cost[h][v] is the least Σ −log(1 − per)
  // over walks of exactly h hops from the source to v, parent[h][v] the node
  // before v on it (in layer h − 1).
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const std::size_t max_hops = static_cast<std::size_t>(max_repeaters) + 1;
  std::vector<std::vector<double>> cost(max_hops + 1, std::vector<double>(n, kInf));
  std::vector<std::vector<std::size_t>> parent(max_hops + 1, std::vector<std::size_t>(n, n));
  std::vector<std::vector<double>> parent_per(max_hops + 1, std::vector<double>(n, 1.0));
  const std::size_t s = index(source);
  const std::size_t d = index(hub);
  cost[0][s] = 0;
  for (std::size_t h = 1; h <= max_hops; ++h) {
    for (const MeshLink& l : links) {
      if (!(l.per < 1.0) || !usable(l.a) || !usable(l.b)) continue;
      const double w = -std::log1p(-std::max(l.per, 0.0));
      for (int dir = 0; dir < 2; ++dir) {
        const NodeId from = dir == 0 ? l.a : l.b;
        const NodeId to = dir == 0 ? l.b : l.a;
        // Only the source starts and only the hub ends a route: the hub does not relay.
        if (from == hub || to == source) continue;
        const std::size_t u = index(from);
        const std::size_t v = index(to);
        if (cost[h - 1][u] + w < cost[h][v]) {
          cost[h][v] = cost[h - 1][u] + w;
          parent[h][v] = u;
          parent_per[h][v] = l.per;
        }
      }
    }
  }
  // The best over all hop counts; fewer hops win ties (and so no route loops).
  std::size_t best_h = 0;
  for (std::size_t h = 1; h <= max_hops; ++h) {
    if (cost[h][d] < (best_h == 0 ? kInf : cost[best_h][d])) best_h = h;
  }
  if (best_h == 0) return std::nullopt;
  std::vector<NodeId> nodes;
  std::vector<double> pers;
  std::size_t v = d;
  for (std::size_t h = best_h; h > 0; --h) {
    nodes.push_back(ids[v]);
    pers.push_back(parent_per[h][v]);
    v = parent[h][v];
  }
  nodes.push_back(source);
  std::reverse(nodes.begin(), nodes.end());
  std::reverse(pers.begin(), pers.end());
  return MeshRoute(std::move(nodes), std::move(pers));
}

}  // namespace lw::sim::world
