// Radio link budgets indoors, for the world simulator: how much signal a
// receiver gets across a distance and through walls, how much noise it hears,
// and what share of packets it loses at that signal-to-noise ratio, for each
// physical layer a lock uses (Wi-Fi, Bluetooth LE, IEEE 802.15.4 for Zigbee and
// Thread, Z-Wave).
//
//   FSPL(d, f)  = 20·log10(d_m) + 20·log10(f_MHz) − 27.55          free space (Friis)
//   PL(d)       = FSPL(d0, f) + 10·n·log10(d / d0)                  log-distance, d0 = 1 m
//   RSSI        = P_tx − PL(d) − Σ walls − shadowing                dBm
//   noise floor = −174 dBm/Hz + 10·log10(B_Hz) + NF                 thermal + receiver
//   SNR         = RSSI − (noise floor + interference rise)
//   PER         = 1 / (1 + exp((SNR − SNR50) / w))                  logistic in SNR
//
// Path loss exponent n: ITU-R P.1238 gives distance power loss coefficients
// N = 10·n of 28 (residential) to 30 (office) at 1.8–2.4 GHz, with the walls
// folded in; with walls counted one by one a furnished home still sits near
// n = 3 because of furniture, people and multipath.
//
// Wall losses at 2.4 GHz are typical measured figures for one wall or door
// (ITU-R P.2040 and indoor measurement surveys): drywall 3 dB, wood 4, glass 2,
// brick 9, concrete 13, metal (fire door, lift shaft) 26. Other frequencies
// scale with (f / 2400 MHz)^d, d the conductivity exponent of the material in
// ITU-R P.2040 Table 3 (concrete 0.78, brick 0.16, plasterboard 0.94, wood
// 1.07, glass 1.34; metal 0): at Z-Wave's 908 MHz, concrete costs ~6 dB and
// drywall ~1 dB, which is why sub-GHz meshes reach further through a house.
//
// PER curves: SNR50 is the SNR at which half of the reference packets are lost
// (after the receiver's implementation losses, before link-layer retries); w
// sets the steepness (10 % → 90 % spans 4.4·w dB). Per physical layer:
//   Wi-Fi 2.4 GHz  20 MHz, NF 7 → −94 dBm floor; SNR50 4 dB (BPSK rates, ~200 B)
//   BLE 1M         1 MHz,  NF 6 → −108 dBm;     SNR50 12.5 dB (GFSK, BER 1e-3 ≈ 26 % PER
//                                                at 37 B; sensitivity ≈ −95 dBm)
//   802.15.4       2 MHz,  NF 8 → −103 dBm;     SNR50 2 dB (O-QPSK DSSS, 9 dB spreading
//                                                gain; 1 % PER ≈ −98 dBm)
//   Z-Wave         200 kHz, NF 10 → −111 dBm;   SNR50 11 dB (GFSK 100 kbit/s; 1 % PER ≈
//                                                −95 dBm, as 700-series datasheets)
//
// Threading: pure functions over plain values; no call allocates.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "core/lock/vocabulary.h"
#include "sim/world/rng.h"

namespace lw::sim::world {

/// A physical layer: frequency, bandwidth, modulation.
enum class Phy { wifi_2g4, ble_1m, ieee802154, zwave_eu, zwave_us };
std::string_view to_string(Phy phy) noexcept;

/// Z-Wave's sub-GHz frequency depends on the region: 868.4 MHz (EU), 908.4 MHz (US).
enum class ZwaveRegion { eu, us };

struct PhyProfile {
  double freq_mhz;
  double bandwidth_hz;     ///< receiver noise bandwidth
  double noise_figure_db;  ///< receiver noise figure, with implementation loss
  double snr50_db;         ///< SNR at which half the reference packets are lost
  double per_width_db;     ///< logistic width w of the PER curve
  double typical_tx_dbm;   ///< a battery-powered lock's transmit power
  double noise_floor_dbm;  ///< −174 + 10·log10(bandwidth) + noise figure
};
const PhyProfile& phy_profile(Phy phy) noexcept;

/// The physical layer a lock's transport uses (Thread runs on 802.15.4).
Phy phy_for(core::Transport transport, ZwaveRegion region = ZwaveRegion::us) noexcept;

/// Free-space path loss, dB, at `distance_m` (clamped to ≥ 0.1 m, the near
/// field) and `freq_mhz`. FSPL(1 m, 2400 MHz) = 40.05 dB; +20 dB per decade.
double free_space_path_loss_db(double distance_m, double freq_mhz) noexcept;

/// Log-distance path loss, dB: free space up to `reference_m`, then
/// 10·`exponent` dB per decade. Distances below 0.1 m count as 0.1 m.
double log_distance_path_loss_db(double distance_m, double freq_mhz, double exponent,
                                 double reference_m = 1.0) noexcept;

/// Path loss exponent for a furnished home or office with the walls counted separately.
inline constexpr double kIndoorPathLossExponent = 3.0;
/// Standard deviation of log-normal shadowing left after counting walls, dB
/// (ITU-R P.1238 gives 8–10 dB with the walls folded into the exponent).
inline constexpr double kIndoorShadowingSigmaDb = 4.0;

/// Building materials, one wall or door of each.
enum class Wall { drywall, wood, glass, brick, concrete, metal };
std::string_view to_string(Wall wall) noexcept;
std::optional<Wall> parse_wall(std::string_view s) noexcept;

/// Loss through one `wall` at `freq_mhz`, dB (see the table above).
double wall_loss_db(Wall wall, double freq_mhz = 2400) noexcept;
/// Sum over `walls` at `freq_mhz`, dB.
double walls_loss_db(std::span<const Wall> walls, double freq_mhz = 2400) noexcept;

/// Thermal noise plus the receiver's noise figure over `bandwidth_hz`, dBm.
/// 20 MHz, NF 7 dB → −94 dBm.
double thermal_noise_floor_dbm(double bandwidth_hz, double noise_figure_db) noexcept;

/// Received signal strength, dBm: `tx_power_dbm` less the path loss, the walls
/// and a shadowing sample (positive = weaker; see shadowing_db).
constexpr double rssi_dbm(double tx_power_dbm, double path_loss_db, double walls_loss_db,
                          double shadowing_db = 0) noexcept {
  return tx_power_dbm - path_loss_db - walls_loss_db - shadowing_db;
}

/// Signal-to-noise ratio, dB, with the noise floor raised by `noise_rise_db`
/// of interference (see interference.h).
constexpr double snr_db(double rssi_dbm, double noise_floor_dbm, double noise_rise_db = 0) noexcept {
  return rssi_dbm - noise_floor_dbm - noise_rise_db;
}

/// One log-normal shadowing sample, dB: N(0, sigma_db).
inline double shadowing_db(Rng& rng, double sigma_db = kIndoorShadowingSigmaDb) noexcept {
  return sigma_db * rng.normal();
}

/// Share of packets lost, 0..1, at `snr_db` on `phy`: monotonically
/// decreasing, 0.5 at SNR50, below 1e-6 fifteen widths above it.
double packet_error_rate(Phy phy, double snr_db) noexcept;
/// The SNR at which `phy` loses `per` (0 < per < 1) of its packets, dB.
double snr_for_per(Phy phy, double per) noexcept;

/// What stands between a lock and its peer besides distance and walls.
struct LinkBudget {
  double tx_dbm;          ///< transmit power
  double device_loss_db;  ///< antennas in housings, a body holding the phone, orientation
  double fade_margin_db;  ///< kept for multipath fading (~10 dB covers 90 % of Rayleigh fades)
  double exponent;        ///< path loss exponent
};

/// Typical budgets: Wi-Fi +15 dBm, 4 dB device loss; BLE 0 dBm, 14 dB (lock
/// antenna inside a metal escutcheon ~6 dB, phone in a hand or pocket ~8 dB);
/// 802.15.4 0 dBm, 6 dB; Z-Wave 0 dBm, 6 dB. All with a 10 dB fade margin
/// and n = 3.
LinkBudget typical_link_budget(Phy phy) noexcept;

/// The largest distance, m, at which a link with `budget` through
/// `walls_loss_db` still delivers at least 1 − `max_per` of its packets. BLE
/// with a typical budget through a door and a wall: ~5–7 m (15–25 ft).
double usable_range_m(Phy phy, const LinkBudget& budget, double walls_loss_db, double max_per = 0.1) noexcept;

/// SNR of a link at `distance_m` through `walls_loss_db`, with a shadowing
/// sample and an interference rise, dB. (The fade margin is not subtracted:
/// it is for range planning, the shadowing sample is the actual fade.)
double link_snr_db(Phy phy, const LinkBudget& budget, double distance_m, double walls_loss_db,
                   double shadowing_db = 0, double noise_rise_db = 0) noexcept;

}  // namespace lw::sim::world
