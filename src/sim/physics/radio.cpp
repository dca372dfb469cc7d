#include "sim/physics/radio.h"

#include <algorithm>
#include <cmath>

#include "base/enum_names.h"

namespace lw::sim::physics {
namespace {

constexpr RadioProfile kWifi{2437, 15, 3.0, 0, -90, 8, 1.5, 1.0};
constexpr RadioProfile kBle{2440, 0, 3.5, 10, -95, 10, 1.5, 1.0};
constexpr RadioProfile kZigbee{2440, 3, 3.0, 0, -100, 2, 1.2, 1.0};
constexpr RadioProfile kZwave{908, 0, 3.0, 0, -104, 8, 1.5, 0.6};

constexpr EnumNames<Wall, 6> kWalls{{{
    {Wall::drywall, "drywall"},
    {Wall::wood, "wood"},
    {Wall::glass, "glass"},
    {Wall::brick, "brick"},
    {Wall::concrete, "concrete"},
    {Wall::metal, "metal"},
}}};

}  // namespace

std::optional<Wall> parse_wall(std::string_view s) noexcept { return kWalls.parse(s); }

const RadioProfile& profile(core::Transport transport) noexcept {
  switch (transport) {
    case core::Transport::wifi: return kWifi;
    case core::Transport::ble_bridge: return kBle;
    case core::Transport::zigbee:
    case core::Transport::thread: return kZigbee;
    case core::Transport::zwave: return kZwave;
  }
  return kWifi;
}

double free_space_path_loss_db(double distance_m, double freq_mhz) noexcept {
  return 20 * std::log10(std::max(distance_m, 0.01)) + 20 * std::log10(freq_mhz) - 27.55;
}

double path_loss_db(const RadioProfile& p, double distance_m) noexcept {
  const double d = std::max(distance_m, 0.1);
  return free_space_path_loss_db(1.0, p.freq_mhz) + 10 * p.exponent * std::log10(d);
}

double wall_loss_db(Wall wall) noexcept {
  switch (wall) {
    case Wall::drywall: return 3;
    case Wall::wood: return 4;
    case Wall::glass: return 2;
    case Wall::brick: return 8;
    case Wall::concrete: return 12;
    case Wall::metal: return 20;
  }
  return 0;
}

double walls_loss_db(const RadioProfile& p, std::span<const Wall> walls) noexcept {
  double db = 0;
  for (Wall w : walls) db += wall_loss_db(w);
  return db * p.wall_scale;
}

double rssi_dbm(const RadioProfile& p, double distance_m, std::span<const Wall> walls,
                double extra_loss_db) noexcept {
  return p.tx_dbm - path_loss_db(p, distance_m) - walls_loss_db(p, walls) - p.extra_loss_db - extra_loss_db;
}

double packet_error_rate(const RadioProfile& p, double snr_db) noexcept {
  const double x = (snr_db - p.snr50_db) / p.width_db;
  if (x > 40) return 0;
  if (x < -40) return 1;
  return 1 / (1 + std::exp(x));
}

double route_delivery(std::span<const double> hop_per) noexcept {
  double ok = 1;
  for (double per : hop_per) ok *= 1 - std::clamp(per, 0.0, 1.0);
  return ok;
}

int link_quality(double snr_db) noexcept {
  return static_cast<int>(std::lround(std::clamp((snr_db + 5) * 6.4, 0.0, 255.0)));
}

}  // namespace lw::sim::physics
