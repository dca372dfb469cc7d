#include "sim/fleet.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "sim/world/rng.h"

namespace lw::sim {
namespace {

using core::Cause;
using world::Rng;

/// Yearly rates per thing they strike (docs/scenarios.md, "Fleets").
struct Rate {
  Cause cause;
  double per_year;
  double min_h;  // how long it lasts, or how long until the fix, hours
  double max_h;
  bool fixed;  // ended by its fix (fix_at) rather than by itself (duration)
};
constexpr std::array<Rate, 6> kLockRates{{
    {Cause::weak_signal, 0.15, 6, 72, true},
    {Cause::firmware_bug, 0.25, 4, 72, true},
    {Cause::firmware_updating, 2.0, 0.15, 0.7, false},
    {Cause::calibration_drift, 0.1, 24, 240, true},
    {Cause::bolt_jammed, 0.08, 2, 48, true},
    {Cause::hardware_fault, 0.02, 72, 720, true},
}};
constexpr std::array<Rate, 5> kNetworkRates{{
    {Cause::router_power_outage, 2.0, 0.1, 3, false},
    {Cause::internet_outage, 3.0, 0.2, 6, false},
    {Cause::network_overloaded, 0.3, 2, 48, true},
    {Cause::network_credentials_changed, 0.1, 12, 96, true},
    {Cause::router_replaced, 0.05, 12, 96, true},
}};
constexpr std::array<Rate, 2> kBridgeRates{{
    {Cause::hub_offline, 1.0, 0.5, 24, true},
    {Cause::hub_software_regression, 0.2, 24, 240, true},
}};

class Generator {
 public:
  Generator(const FleetSpec& spec, Scenario& s)
      : spec_(spec), s_(s), rng_(spec.seed * 0x9e3779b97f4a7c15ULL + 17) {}

  void run() {
    for (int i = 0; i < spec_.sites; ++i) site(i);
  }

 private:
  double years() const { return std::chrono::duration<double>(spec_.horizon).count() / (365.0 * 86400); }

  /// Draws a Poisson number of faults of `rate` on `target` over the horizon.
  void faults(const Rate& rate, const std::string& target, double scale = 1.0) {
    const double mean = rate.per_year * years() * scale;
    // Knuth's method: mean is small.
    const double limit = std::exp(-mean);
    double p = 1;
    for (int k = 0; k < 1000; ++k) {
      p *= rng_.uniform();
      if (p < limit) break;
      ScenarioFault f;
      f.cause = rate.cause;
      f.target = target;
      f.at = std::chrono::duration_cast<Duration>(spec_.horizon * rng_.uniform());
      const auto span = std::chrono::milliseconds(
          static_cast<std::int64_t>((rate.min_h + rng_.uniform() * (rate.max_h - rate.min_h)) * 3'600'000));
      if (rate.fixed)
        f.fix_at = f.at + span;
      else
        f.duration = span;
      if (rate.cause == Cause::weak_signal) f.extra_db = 15 + rng_.uniform() * 20;
      if (rate.cause == Cause::firmware_updating) f.firmware = "2." + std::to_string(k + 1) + ".0";
      if (rate.cause == Cause::hub_software_regression) f.firmware = "1.4" + std::to_string(k + 1) + ".0";
      s_.faults.push_back(std::move(f));
    }
  }

  void site(int n) {
    const std::string id = "s" + std::to_string(n);
    s_.sites.push_back(
        ScenarioSite{id, "Site " + std::to_string(n), std::chrono::hours(12 + rng_.next_u64() % 72)});
    ScenarioNetwork net;
    net.id = id + "-wifi";
    net.site = id;
    net.ssid = "Site" + std::to_string(n);
    net.clients = 5 + static_cast<int>(rng_.next_u64() % 20);
    net.capacity = 32;
    net.over_internet = rng_.chance(0.5);
    s_.networks.push_back(net);
    for (const Rate& r : kNetworkRates) {
      if (r.cause == Cause::internet_outage && !net.over_internet) continue;
      faults(r, net.id);
    }

    std::string zigbee, zwave, ble, repeater;
    auto bridge = [&](BridgeKind kind, std::string& out) {
      if (!out.empty()) return out;
      ScenarioBridge b;
      b.id = id + "-" + std::string(to_string(kind));
      b.site = id;
      b.kind = kind;
      b.network = net.id;
      b.base_topic = kind == BridgeKind::zigbee  ? "zigbee2mqtt-" + id
                     : kind == BridgeKind::zwave ? "zwave-" + id
                                                 : "";
      s_.bridges.push_back(b);
      for (const Rate& r : kBridgeRates) {
        if (r.cause == Cause::hub_software_regression && kind == BridgeKind::ble) continue;
        faults(r, b.id);
      }
      out = b.id;
      if (kind == BridgeKind::zigbee) {
        ScenarioRepeater rep;
        rep.id = id + "-plug";
        rep.site = id;
        rep.bridge = b.id;
        rep.distance_m = 4 + rng_.uniform() * 6;
        s_.repeaters.push_back(rep);
        faults({Cause::mesh_route_lost, 0.3, 6, 96, true}, rep.id);
        repeater = rep.id;
      }
      return out;
    };

    std::vector<LockId> wifi_locks;
    for (int k = 0; k < spec_.locks_per_site; ++k) {
      ScenarioLock l;
      l.id = id + "-l" + std::to_string(k);
      l.site = id;
      l.name = "Site " + std::to_string(n) + " door " + std::to_string(k);
      const double r = rng_.uniform();
      l.transport = r < 0.55   ? core::Transport::wifi
                    : r < 0.75 ? core::Transport::zigbee
                    : r < 0.9  ? core::Transport::zwave
                               : core::Transport::ble_bridge;
      l.distance_m = 2 + rng_.uniform() * 12;
      static constexpr std::array<const char*, 4> kWalls{"drywall", "wood", "brick", "concrete"};
      const int walls = static_cast<int>(rng_.next_u64() % 3);
      for (int w = 0; w < walls; ++w) l.walls.emplace_back(kWalls[rng_.next_u64() % kWalls.size()]);
      switch (l.transport) {
        case core::Transport::wifi:
          l.network = net.id;
          wifi_locks.push_back(l.id);
          break;
        case core::Transport::zigbee:
          l.bridge = bridge(BridgeKind::zigbee, zigbee);
          if (rng_.chance(0.5)) l.via.push_back(repeater);
          break;
        case core::Transport::zwave: l.bridge = bridge(BridgeKind::zwave, zwave); break;
        default:
          l.bridge = bridge(BridgeKind::ble, ble);
          l.distance_m = 1 + rng_.uniform() * 4;
          faults({Cause::out_of_range, 0.2, 6, 120, true}, l.id);
          break;
      }
      l.battery = rng_.chance(0.7) ? "alkaline" : rng_.chance(0.7) ? "lithium" : "nimh";
      l.battery_pct = 15 + static_cast<int>(rng_.next_u64() % 86);
      l.temperature_c = rng_.chance(0.2) ? -5 + rng_.uniform() * 10 : 15 + rng_.uniform() * 10;
      // The installer knows a lock is outdoors, not its exact temperature:
      // "around freezing".
      if (l.temperature_c < 5) l.ambient_c = 0;
      l.traffic_per_day = 2 + rng_.uniform() * 18;
      l.keepalive_s = 60;
      l.name = l.id;
      for (const Rate& rate : kLockRates) faults(rate, l.id);
      s_.locks.push_back(std::move(l));
    }

    if (!wifi_locks.empty() && rng_.chance(0.2)) {
      ScenarioInterference in;
      in.id = id + "-microwave";
      in.site = id;
      in.locks = {wifi_locks.front()};
      in.extra_db = 30 + rng_.uniform() * 20;
      const int lunch = 11 * 60 + static_cast<int>(rng_.next_u64() % 120);
      in.windows = {{lunch, lunch + 10}, {18 * 60, 18 * 60 + 20}};
      in.active_at_start = false;
      s_.interference.push_back(in);
      faults({Cause::interference, 1.0 / std::max(years(), 0.01), 24, 720, true}, in.id);
    }

    ScenarioPhone phone;
    phone.id = id + "-phone";
    phone.site = id;
    phone.locks = {s_.locks.back().id};
    phone.unlocks_per_day = 1 + rng_.uniform() * 3;
    s_.phones.push_back(phone);
    faults({Cause::app_permissions, 0.2, 12, 240, true}, phone.id);
    faults({Cause::app_outdated, 0.3, 24, 480, true}, phone.id);
  }

  const FleetSpec& spec_;
  Scenario& s_;
  Rng rng_;
};

}  // namespace

void generate_fleet(const FleetSpec& spec, Scenario& scenario) { Generator(spec, scenario).run(); }

}  // namespace lw::sim
