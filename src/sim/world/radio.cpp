#include "sim/world/radio.h"

#include <algorithm>
#include <cmath>

#include "base/enum_names.h"

namespace lw::sim::world {
namespace {

// noise_floor_dbm = −174 + 10·log10(bandwidth_hz) + noise_figure_db, precomputed.
constexpr PhyProfile kWifi{2437, 20e6, 7, 4.0, 1.0, 15, -93.99};
constexpr PhyProfile kBle{2440, 1e6, 6, 12.5, 0.8, 0, -108.0};
constexpr PhyProfile kIeee802154{2440, 2e6, 8, 2.0, 0.6, 0, -102.99};
constexpr PhyProfile kZwaveEu{868.4, 200e3, 10, 11.0, 1.0, 0, -110.99};
constexpr PhyProfile kZwaveUs{908.4, 200e3, 10, 11.0, 1.0, 0, -110.99};

struct WallData {
  double loss_2g4_db;         // one wall or door at 2.4 GHz
  double frequency_exponent;  // ITU-R P.2040 Table 3 conductivity exponent d
};

constexpr WallData wall_data(Wall wall) noexcept {
  switch (wall) {
    case Wall::drywall: return {3, 0.9395};
    case Wall::wood: return {4, 1.0718};
    case Wall::glass: return {2, 1.3394};
    case Wall::brick: return {9, 0.16};
    case Wall::concrete: return {13, 0.7822};
    case Wall::metal: return {26, 0};
  }
  return {0, 0};
}

constexpr EnumNames<Phy, 5> kPhyNames{{{
    {Phy::wifi_2g4, "wifi_2g4"},
    {Phy::ble_1m, "ble_1m"},
    {Phy::ieee802154, "ieee802154"},
    {Phy::zwave_eu, "zwave_eu"},
    {Phy::zwave_us, "zwave_us"},
}}};

constexpr EnumNames<Wall, 6> kWallNames{{{
    {Wall::drywall, "drywall"},
    {Wall::wood, "wood"},
    {Wall::glass, "glass"},
    {Wall::brick, "brick"},
    {Wall::concrete, "concrete"},
    {Wall::metal, "metal"},
}}};

constexpr double kMinDistanceM = 0.1;

}  // namespace

std::string_view to_string(Phy phy) noexcept { return kPhyNames.name(phy); }
std::string_view to_string(Wall wall) noexcept { return kWallNames.name(wall); }
std::optional<Wall> parse_wall(std::string_view s) noexcept { return kWallNames.parse(s); }

const PhyProfile& phy_profile(Phy phy) noexcept {
  switch (phy) {
    case Phy::wifi_2g4: return kWifi;
    case Phy::ble_1m: return kBle;
    case Phy::ieee802154: return kIeee802154;
    case Phy::zwave_eu: return kZwaveEu;
    case Phy::zwave_us: return kZwaveUs;
  }
  return kWifi;
}

Phy phy_for(core::Transport transport, ZwaveRegion region) noexcept {
  switch (transport) {
    case core::Transport::wifi: return Phy::wifi_2g4;
    case core::Transport::ble_bridge: return Phy::ble_1m;
    case core::Transport::zigbee:
    case core::Transport::thread: return Phy::ieee802154;
    case core::Transport::zwave: return region == ZwaveRegion::eu ? Phy::zwave_eu : Phy::zwave_us;
  }
  return Phy::wifi_2g4;
}

double free_space_path_loss_db(double distance_m, double freq_mhz) noexcept {
  return 20 * std::log10(std::max(distance_m, kMinDistanceM)) + 20 * std::log10(freq_mhz) - 27.55;
}

double log_distance_path_loss_db(double distance_m, double freq_mhz, double exponent,
                                 double reference_m) noexcept {
  const double d = std::max(distance_m, kMinDistanceM);
  if (d <= reference_m) return free_space_path_loss_db(d, freq_mhz);
  return free_space_path_loss_db(reference_m, freq_mhz) + 10 * exponent * std::log10(d / reference_m);
}

double wall_loss_db(Wall wall, double freq_mhz) noexcept {
  const WallData w = wall_data(wall);
  if (w.frequency_exponent == 0 || freq_mhz == 2400) return w.loss_2g4_db;
  return w.loss_2g4_db * std::pow(freq_mhz / 2400.0, w.frequency_exponent);
}

double walls_loss_db(std::span<const Wall> walls, double freq_mhz) noexcept {
  double db = 0;
  for (Wall w : walls) db += wall_loss_db(w, freq_mhz);
  return db;
}

double thermal_noise_floor_dbm(double bandwidth_hz, double noise_figure_db) noexcept {
  return -174.0 + 10 * std::log10(bandwidth_hz) + noise_figure_db;
}

double packet_error_rate(Phy phy, double snr_db) noexcept {
  const PhyProfile& p = phy_profile(phy);
  const double x = (snr_db - p.snr50_db) / p.per_width_db;
  if (x > 40) return 0;
  if (x < -40) return 1;
  return 1 / (1 + std::exp(x));
}

double snr_for_per(Phy phy, double per) noexcept {
  const PhyProfile& p = phy_profile(phy);
  per = std::clamp(per, 1e-12, 1 - 1e-12);
  return p.snr50_db + p.per_width_db * std::log(1 / per - 1);
}

LinkBudget typical_link_budget(Phy phy) noexcept {
  switch (phy) {
    case Phy::wifi_2g4: return {15, 4, 10, kIndoorPathLossExponent};
    case Phy::ble_1m: return {0, 14, 10, kIndoorPathLossExponent};
    case Phy::ieee802154: return {0, 6, 10, kIndoorPathLossExponent};
    case Phy::zwave_eu:
    case Phy::zwave_us: return {0, 6, 10, kIndoorPathLossExponent};
  }
  return {0, 0, 10, kIndoorPathLossExponent};
}

double usable_range_m(Phy phy, const LinkBudget& budget, double walls_loss_db, double max_per) noexcept {
  const PhyProfile& p = phy_profile(phy);
  const double needed_rssi = p.noise_floor_dbm + snr_for_per(phy, max_per);
  const double allowed_path_loss =
      budget.tx_dbm - budget.device_loss_db - budget.fade_margin_db - walls_loss_db - needed_rssi;
  const double at_1m = free_space_path_loss_db(1.0, p.freq_mhz);
  if (allowed_path_loss <= at_1m) {
    // Inside the first metre the loss is free space: invert FSPL.
    const double d = std::pow(10.0, (allowed_path_loss - at_1m) / 20.0);
    return d < kMinDistanceM ? 0.0 : d;
  }
  return std::pow(10.0, (allowed_path_loss - at_1m) / (10 * budget.exponent));
}

double link_snr_db(Phy phy, const LinkBudget& budget, double distance_m, double walls_loss_db,
                   double shadowing_db, double noise_rise_db) noexcept {
  const PhyProfile& p = phy_profile(phy);
  const double path = log_distance_path_loss_db(distance_m, p.freq_mhz, budget.exponent);
  const double rssi = rssi_dbm(budget.tx_dbm - budget.device_loss_db, path, walls_loss_db, shadowing_db);
  return snr_db(rssi, p.noise_floor_dbm, noise_rise_db);
}

}  // namespace lw::sim::world
