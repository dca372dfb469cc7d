// Battery packs of AA cells in series, for the world simulator: alkaline,
// lithium (Li-FeS2) and NiMH. A pack knows how much charge each cell has left
// and answers what a voltmeter would read across it under a given load and
// temperature, which is what decides whether a lock's motor still turns.
//
// The model, per cell:
//   open-circuit voltage  OCV(depth of discharge), a piecewise-linear table per
//                         chemistry (tabulated on a 1 % grid at compile time)
//   internal resistance   R = R0 · f_dod(depth) · f_cold(T) · (1 + p · I[A])
//                         it grows as the cell empties, in the cold, and (for
//                         alkaline: electrolyte polarisation) with the current
//   voltage under load    V = OCV − I·R
//   charge cost           drawing I for t costs I·t·max(1, I/I_ref)^(k−1) of the
//                         light-load capacity (Peukert), so an alkaline cell gives
//                         ~2,570 mAh to 1.0 V at 25 mA and about a third of that
//                         at 1 A, where lithium still gives ~2,950 mAh
//   self-discharge        a yearly fraction of the remaining charge at 20 °C,
//                         doubling every +10 °C
// The pack voltage is the sum over its cells. Each cell's capacity differs a
// little (drawn from the Rng at construction); the same current flows through
// all of them, so the weakest cell empties first and ends the pack.
//
// Figures, per AA cell at 20 °C (manufacturers' datasheets: Energizer E91, L91,
// Panasonic eneloop BK-3MCC; Battery University BU-502, BU-802a):
//               capacity@25 mA   OCV fresh → plateau → end       R0     k     self-discharge
//   alkaline    2,700 mAh        1.59 V, falls steadily to 0.85  150 mΩ 1.14  2.5 %/yr
//   lithium     3,400 mAh        1.80 V, flat 1.54–1.47, collapse 120 mΩ 1.03  1 %/yr
//   NiMH        2,000 mAh        1.40 V, flat 1.28–1.21, collapse  30 mΩ 1.02  10 %/yr (low
//                                                                              self-discharge),
//                                                                              20 %/month (standard)
//
// Threading: plain value; no shared state. No call allocates.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "base/time.h"
#include "sim/world/rng.h"

namespace lw::sim::world {

enum class Chemistry { alkaline, lithium, nimh };
std::string_view to_string(Chemistry c) noexcept;
std::optional<Chemistry> parse_chemistry(std::string_view s) noexcept;

/// The published figures a cell model is built from (see the table above).
struct CellSpec {
  double capacity_mah;             ///< light-load capacity to the end of the OCV table (~0.85 V)
  double reference_ma;             ///< current the capacity is quoted at; no Peukert loss below it
  double peukert_exponent;         ///< k: charge cost grows as (I / I_ref)^(k − 1)
  double resistance_ohm;           ///< R0: fresh, 20 °C, small current
  double polarisation_per_a;       ///< p: R grows by this fraction per ampere drawn
  double self_discharge_per_year;  ///< fraction of the remaining charge lost per year at 20 °C
};
const CellSpec& cell_spec(Chemistry c) noexcept;

/// One cell's open-circuit voltage at `depth` of discharge (0 fresh .. 1 empty), mV.
double cell_open_circuit_mv(Chemistry c, double depth) noexcept;
/// One cell's internal resistance, ohms, at `depth`, `temp_c` and `current_ma`.
double cell_resistance_ohm(Chemistry c, double depth, double temp_c, double current_ma) noexcept;
/// Charge a cell delivers at a constant `current_ma` and `temp_c` from fresh
/// until its loaded voltage falls to `cutoff_mv`, for the nominal capacity, mAh.
/// E.g. alkaline at 25 mA to 1,000 mV gives ~2,570 mAh, at 1,000 mA ~790 mAh.
double cell_capacity_to_cutoff_mah(Chemistry c, double current_ma, double temp_c, double cutoff_mv) noexcept;

/// What goes into a pack.
struct BatterySpec {
  Chemistry chemistry{Chemistry::alkaline};
  int cells{4};  ///< in series, 1..BatteryPack::kMaxCells
  /// NiMH only: low-self-discharge ("ready to use", e.g. eneloop) cells lose
  /// ~10 %/yr; standard NiMH cells ~20 % a month.
  bool low_self_discharge{true};
  /// Each cell's capacity is the nominal one times 1 + uniform(−spread, +spread).
  double capacity_spread{0.03};
};

class BatteryPack {
 public:
  static constexpr int kMaxCells = 8;

  /// A pack of fresh cells; `rng` draws each cell's capacity spread. `cells`
  /// is clamped to 1..kMaxCells.
  BatteryPack(const BatterySpec& spec, Rng& rng) noexcept;

  /// Draws `current_ma` for `duration`, Peukert-weighted (temperature acts
  /// through the resistance, not the charge). A negative current or duration
  /// does nothing; an empty cell stays at zero.
  void draw(double current_ma, Duration duration) noexcept;
  /// Removes `mah` of charge at light load (no rate penalty).
  void consume_mah(double mah) noexcept;
  /// Calendar self-discharge over `duration` at `temp_c` (doubles per +10 °C).
  void self_discharge(Duration duration, double temp_c = 20) noexcept;
  /// Sets every cell's remaining charge to `soc` (0..1) of its own capacity,
  /// e.g. to start a scenario with a half-used pack.
  void set_state_of_charge(double soc) noexcept;
  /// Fresh cells, of `chemistry` when given, else of the same chemistry; the
  /// spread is drawn anew from `rng`.
  void replace(Rng& rng, std::optional<Chemistry> chemistry = std::nullopt) noexcept;

  /// Pack voltage with no load, mV.
  [[nodiscard]] double open_circuit_mv() const noexcept;
  /// Pack voltage while `load_ma` flows at `temp_c`, mV (never below 0).
  [[nodiscard]] double voltage_mv(double load_ma, double temp_c = 20) const noexcept;
  /// Charge left in the weakest cell as a fraction of its capacity, 0..1.
  [[nodiscard]] double state_of_charge() const noexcept;
  /// What a lock's gauge shows: the loaded voltage per cell mapped linearly
  /// from 1.10 V (0 %) to 1.50 V (100 %), as many lock firmwares do. It is
  /// wrong for lithium (100 % until the last few percent) and reads NiMH low
  /// (~35 % when full) — as real gauges are.
  [[nodiscard]] int percent_reported(double load_ma = 0, double temp_c = 20) const noexcept;
  /// True when the weakest cell is empty or the voltage under `load_ma` at
  /// `temp_c` is below `cutoff_mv` (the whole pack's, e.g. 4,000 for 4×AA).
  [[nodiscard]] bool depleted(double cutoff_mv, double load_ma, double temp_c = 20) const noexcept;

  /// Charge delivered to the load since the pack was fitted, mAh (as measured
  /// by a coulomb counter, without the Peukert or self-discharge losses).
  [[nodiscard]] double delivered_mah() const noexcept { return delivered_mah_; }
  [[nodiscard]] Chemistry chemistry() const noexcept { return chemistry_; }
  [[nodiscard]] int cells() const noexcept { return cells_; }
  /// Capacity of cell `i` (0..cells()-1) after its spread, mAh.
  [[nodiscard]] double cell_capacity_mah(int i) const noexcept;
  /// Charge left in cell `i`, in light-load mAh.
  [[nodiscard]] double cell_remaining_mah(int i) const noexcept;

 private:
  void fill(Rng& rng) noexcept;

  Chemistry chemistry_;
  int cells_;
  double spread_;
  double log_keep_per_year_;  // ln(1 − yearly self-discharge)
  std::array<double, kMaxCells> capacity_mah_{};
  std::array<double, kMaxCells> remaining_mah_{};
  double delivered_mah_{0};
  bool low_self_discharge_;
};

}  // namespace lw::sim::world
