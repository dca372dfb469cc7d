// Radio links indoors: path loss over distance and through walls, the noise a
// receiver hears (plus interference), and the share of packets lost at a given
// signal-to-noise ratio, for each transport a lock uses.
//
//   path loss  = FSPL(1 m, f) + 10·n·log10(d) + Σ walls      (log-distance model)
//   FSPL(d, f) = 20·log10(d_m) + 20·log10(f_MHz) − 27.55     (free space)
//   SNR        = tx − path loss − extra loss − (noise floor + interference)
//   PER        = 1 / (1 + exp((SNR − SNR50) / width))        (logistic in SNR)
//
// Wall losses at 2.4 GHz are typical indoor figures (ITU-R P.2040 /
// measurement surveys): drywall 3 dB, wood 4, glass 2, brick 8, concrete 12,
// metal 20; at Z-Wave's 868/908 MHz they are 60 % of that. The effective
// noise floor includes each receiver's implementation loss; SNR50 is the SNR
// at which half the packets are lost after the link layer's own retries.
//
// Threading: pure functions over plain values.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "core/lock/vocabulary.h"

namespace lw::sim::physics {

enum class Wall { drywall, wood, glass, brick, concrete, metal };
std::optional<Wall> parse_wall(std::string_view s) noexcept;

struct RadioProfile {
  double freq_mhz;
  double tx_dbm;           // the lock's transmit power
  double exponent;         // path loss exponent indoors
  double extra_loss_db;    // body, antenna and orientation losses
  double noise_floor_dbm;  // effective, with the receiver's implementation loss
  double snr50_db;         // SNR where half the packets are lost
  double width_db;         // how sharp the loss curve is
  double wall_scale;       // wall loss relative to 2.4 GHz
};

/// The link the lock uses for a transport: Wi-Fi to its router, Bluetooth to
/// its bridge or a phone, 802.15.4 (Zigbee) or Z-Wave to the next hop.
const RadioProfile& profile(core::Transport transport) noexcept;

double free_space_path_loss_db(double distance_m, double freq_mhz) noexcept;
double path_loss_db(const RadioProfile& p, double distance_m) noexcept;
double wall_loss_db(Wall wall) noexcept;
double walls_loss_db(const RadioProfile& p, std::span<const Wall> walls) noexcept;
/// Received signal, dBm.
double rssi_dbm(const RadioProfile& p, double distance_m, std::span<const Wall> walls,
                double extra_loss_db = 0) noexcept;
/// Share of packets lost, 0..1, at `snr_db`.
double packet_error_rate(const RadioProfile& p, double snr_db) noexcept;
/// Delivery probability across hops: the product of each hop's (1 − PER).
double route_delivery(std::span<const double> hop_per) noexcept;
/// Zigbee link quality indicator (0..255) for an SNR, as coordinators report it.
int link_quality(double snr_db) noexcept;

}  // namespace lw::sim::physics
