// Battery packs of AA cells in series: alkaline, lithium (Li-FeS2) and NiMH.
// Open-circuit voltage follows each chemistry's discharge curve over the depth
// of discharge; the voltage under load subtracts the current through an
// internal resistance that grows as the cell empties and in the cold. High
// currents cost more charge than they deliver (Peukert's law), which is why
// an alkaline cell gives ~2,500 mAh to a clock and half that to a motor. Each
// cell's capacity differs a little (seeded); the weakest cell ends the pack.
// Self-discharge runs on the calendar.
//
// Figures (per AA cell, 20 °C): alkaline 2,600 mAh at 25 mA, 1.58 V fresh,
// falling steadily toward 1.0 V, ~150 mΩ; lithium 3,400 mAh, a near-flat
// ~1.5 V until a sharp collapse, ~90 mΩ, little loss at high current or in
// the cold; NiMH (low self-discharge) 2,000 mAh, flat 1.2 V, ~30 mΩ. Yearly
// self-discharge: alkaline 2.5 %, lithium 1 %, NiMH 20 %.
//
// Threading: plain value; no shared state.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "base/time.h"

namespace lw::sim::physics {

enum class Chemistry { alkaline, lithium, nimh };
std::string_view to_string(Chemistry c) noexcept;
std::optional<Chemistry> parse_chemistry(std::string_view s) noexcept;

class BatteryPack {
 public:
  static constexpr int kMaxCells = 8;

  /// `cells` fresh cells in series (1..kMaxCells); `seed` draws each cell's
  /// capacity spread (about ±3 %).
  BatteryPack(Chemistry chemistry, int cells, std::uint64_t seed);

  /// Draws `current_ma` for `duration`, Peukert-weighted.
  void draw(double current_ma, Duration duration);
  /// Calendar self-discharge over `duration`.
  void self_discharge(Duration duration);
  /// Sets the state of charge of every cell (0..1), e.g. a half-used pack.
  void set_state_of_charge(double soc);
  /// Fresh cells of the same chemistry.
  void replace();

  /// Pack voltage with no load, mV.
  [[nodiscard]] int open_circuit_mv() const;
  /// Pack voltage while `load_ma` flows at `temp_c`, mV (never below 0).
  [[nodiscard]] int voltage_mv(double load_ma, double temp_c) const;
  /// Charge left in the weakest cell, 0..1.
  [[nodiscard]] double state_of_charge() const;
  /// What a lock's naive gauge shows: loaded cell voltage mapped linearly from
  /// 1.10 V (0 %) to 1.50 V (100 %). It is wrong for lithium, as real gauges are.
  [[nodiscard]] int percent_reported(double load_ma, double temp_c) const;
  /// Charge delivered since the last replacement, mAh (unweighted).
  [[nodiscard]] double delivered_mah() const { return delivered_mah_; }
  [[nodiscard]] Chemistry chemistry() const { return chemistry_; }
  [[nodiscard]] int cells() const { return cells_; }

 private:
  [[nodiscard]] double depth_of_discharge(int cell) const;
  [[nodiscard]] double resistance_mohm(int cell, double temp_c) const;

  Chemistry chemistry_;
  int cells_;
  std::array<double, kMaxCells> capacity_mah_{};  // at light load
  double used_mah_{0};                            // Peukert-weighted, same for every cell in series
  double delivered_mah_{0};
};

}  // namespace lw::sim::physics
