#include "sim/world/battery.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "base/enum_names.h"

namespace lw::sim::world {
namespace {

struct Knot {
  double x;
  double y;
};

constexpr int kGrid = 100;  // depth of discharge in 1 % steps
using DepthTable = std::array<double, kGrid + 1>;

/// Tabulates a piecewise-linear curve given by knots (x ascending over 0..1)
/// on the 1 % grid, so a lookup is an index and one interpolation.
template <std::size_t N>
constexpr DepthTable tabulate(const std::array<Knot, N>& knots) {
  DepthTable t{};
  std::size_t k = 1;
  for (int i = 0; i <= kGrid; ++i) {
    const double x = static_cast<double>(i) / kGrid;
    while (k + 1 < N && x > knots[k].x) ++k;
    const Knot& a = knots[k - 1];
    const Knot& b = knots[k];
    t[static_cast<std::size_t>(i)] = a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x);
  }
  return t;
}

double lookup(const DepthTable& t, double depth) noexcept {
  const double pos = std::clamp(depth, 0.0, 1.0) * kGrid;
  const int i = std::min(static_cast<int>(pos), kGrid - 1);
  const double frac = pos - i;
  const auto u = static_cast<std::size_t>(i);
  return t[u] + (t[u + 1] - t[u]) * frac;
}

// Resistance multiplier over temperature, −40 °C .. +60 °C in 10 °C steps.
// Alkaline loses most in the cold (Energizer alkaline handbook: little
// capacity left at −20 °C under moderate drain); Li-FeS2 is rated to −40 °C
// (L91 datasheet); NiMH sits between.
using ColdTable = std::array<double, 11>;

double lookup_cold(const ColdTable& t, double temp_c) noexcept {
  const double pos = (std::clamp(temp_c, -40.0, 60.0) + 40.0) / 10.0;
  const int i = std::min(static_cast<int>(pos), 9);
  const double frac = pos - i;
  const auto u = static_cast<std::size_t>(i);
  return t[u] + (t[u + 1] - t[u]) * frac;
}

struct ChemistryModel {
  CellSpec spec;
  DepthTable ocv_mv;
  DepthTable resistance_factor;
  ColdTable cold_factor;
};

// Alkaline (Energizer E91): 1.59 V fresh, a steady slope through 1.3 V at half
// depth to ~1.0 V near the end; resistance 150 mΩ fresh, several times that
// when nearly empty.
constexpr ChemistryModel kAlkaline{
    {2700, 25, 1.14, 0.150, 0.25, 0.025},
    tabulate(std::array<Knot, 13>{{{0, 1590},
                                   {0.05, 1500},
                                   {0.10, 1460},
                                   {0.20, 1410},
                                   {0.30, 1370},
                                   {0.40, 1330},
                                   {0.50, 1295},
                                   {0.60, 1255},
                                   {0.70, 1210},
                                   {0.80, 1160},
                                   {0.90, 1090},
                                   {0.95, 1030},
                                   {1.00, 850}}}),
    tabulate(std::array<Knot, 5>{{{0, 1.0}, {0.5, 1.6}, {0.8, 2.5}, {0.9, 3.5}, {1.0, 6.0}}}),
    {12.0, 8.0, 5.0, 3.2, 2.0, 1.4, 1.0, 0.9, 0.8, 0.75, 0.7},
};

// Lithium iron disulfide (Energizer L91): ~1.8 V open-circuit when fresh,
// settling to a flat 1.54–1.47 V plateau, then a sharp collapse in the last
// few percent. Low, steady resistance; little rate or cold penalty.
constexpr ChemistryModel kLithium{
    {3400, 25, 1.03, 0.120, 0.05, 0.01},
    tabulate(std::array<Knot, 13>{{{0, 1800},
                                   {0.01, 1650},
                                   {0.03, 1570},
                                   {0.10, 1540},
                                   {0.30, 1520},
                                   {0.50, 1505},
                                   {0.70, 1490},
                                   {0.85, 1470},
                                   {0.90, 1450},
                                   {0.94, 1410},
                                   {0.97, 1300},
                                   {0.99, 1100},
                                   {1.00, 850}}}),
    tabulate(std::array<Knot, 4>{{{0, 1.0}, {0.8, 1.2}, {0.95, 1.6}, {1.0, 3.0}}}),
    {3.0, 2.3, 1.8, 1.5, 1.3, 1.12, 1.0, 0.95, 0.9, 0.87, 0.85},
};

// NiMH (Panasonic eneloop): 1.40 V off the charger, a flat plateau around
// 1.2–1.25 V, a collapse near the end. Very low resistance.
constexpr ChemistryModel kNimh{
    {2000, 25, 1.02, 0.030, 0.02, 0.10},
    tabulate(std::array<Knot, 10>{{{0, 1400},
                                   {0.03, 1330},
                                   {0.10, 1280},
                                   {0.20, 1260},
                                   {0.50, 1235},
                                   {0.80, 1210},
                                   {0.90, 1180},
                                   {0.95, 1130},
                                   {0.98, 1050},
                                   {1.00, 900}}}),
    tabulate(std::array<Knot, 4>{{{0, 1.0}, {0.8, 1.2}, {0.95, 1.8}, {1.0, 3.0}}}),
    {8.0, 5.0, 3.5, 2.3, 1.6, 1.2, 1.0, 0.95, 0.9, 0.87, 0.85},
};

// Standard (not low-self-discharge) NiMH: ~20 % in the first month at 20 °C
// (Battery University BU-802b), i.e. 1 − 0.8^12 ≈ 93 % a year.
constexpr double kStandardNimhSelfDischargePerYear = 0.931;

const ChemistryModel& model(Chemistry c) noexcept {
  switch (c) {
    case Chemistry::alkaline: return kAlkaline;
    case Chemistry::lithium: return kLithium;
    case Chemistry::nimh: return kNimh;
  }
  return kAlkaline;
}

/// How many light-load mAh drawing `current_ma` for one mAh costs.
double peukert_cost(const CellSpec& s, double current_ma) noexcept {
  if (current_ma <= s.reference_ma) return 1.0;
  return std::pow(current_ma / s.reference_ma, s.peukert_exponent - 1.0);
}

constexpr EnumNames<Chemistry, 3> kChemistryNames{{{
    {Chemistry::alkaline, "alkaline"},
    {Chemistry::lithium, "lithium"},
    {Chemistry::nimh, "nimh"},
}}};

constexpr double kHoursPerMs = 1.0 / 3'600'000.0;
constexpr double kYearsPerMs = 1.0 / (365.25 * 24 * 3'600'000.0);

}  // namespace

std::string_view to_string(Chemistry c) noexcept { return kChemistryNames.name(c); }
std::optional<Chemistry> parse_chemistry(std::string_view s) noexcept { return kChemistryNames.parse(s); }

const CellSpec& cell_spec(Chemistry c) noexcept { return model(c).spec; }

double cell_open_circuit_mv(Chemistry c, double depth) noexcept { return lookup(model(c).ocv_mv, depth); }

double cell_resistance_ohm(Chemistry c, double depth, double temp_c, double current_ma) noexcept {
  const ChemistryModel& m = model(c);
  const double amps = std::max(current_ma, 0.0) / 1000.0;
  return m.spec.resistance_ohm * lookup(m.resistance_factor, depth) * lookup_cold(m.cold_factor, temp_c) *
         (1.0 + m.spec.polarisation_per_a * amps);
}

double cell_capacity_to_cutoff_mah(Chemistry c, double current_ma, double temp_c, double cutoff_mv) noexcept {
  const auto loaded_mv = [&](double depth) {
    return cell_open_circuit_mv(c, depth) - current_ma * cell_resistance_ohm(c, depth, temp_c, current_ma);
  };
  if (loaded_mv(0) < cutoff_mv) return 0;
  // The loaded voltage falls monotonically with depth: bisect for the cutoff.
  double lo = 0, hi = 1;
  if (loaded_mv(1) >= cutoff_mv) {
    lo = 1;
  } else {
    for (int i = 0; i < 50; ++i) {
      const double mid = (lo + hi) / 2;
      (loaded_mv(mid) >= cutoff_mv ? lo : hi) = mid;
    }
  }
  const CellSpec& s = cell_spec(c);
  return lo * s.capacity_mah / peukert_cost(s, current_ma);
}

BatteryPack::BatteryPack(const BatterySpec& spec, Rng& rng) noexcept
    : chemistry_(spec.chemistry),
      cells_(std::clamp(spec.cells, 1, kMaxCells)),
      spread_(std::clamp(spec.capacity_spread, 0.0, 0.5)),
      log_keep_per_year_(0),
      low_self_discharge_(spec.low_self_discharge) {
  fill(rng);
}

void BatteryPack::fill(Rng& rng) noexcept {
  const CellSpec& s = cell_spec(chemistry_);
  const double yearly = chemistry_ == Chemistry::nimh && !low_self_discharge_
                            ? kStandardNimhSelfDischargePerYear
                            : s.self_discharge_per_year;
  log_keep_per_year_ = std::log1p(-yearly);
  capacity_mah_.fill(0);
  remaining_mah_.fill(0);
  for (int i = 0; i < cells_; ++i) {
    const auto u = static_cast<std::size_t>(i);
    capacity_mah_[u] = s.capacity_mah * (1.0 + rng.uniform(-spread_, spread_));
    remaining_mah_[u] = capacity_mah_[u];
  }
  delivered_mah_ = 0;
}

void BatteryPack::draw(double current_ma, Duration duration) noexcept {
  if (current_ma <= 0 || duration <= Duration::zero()) return;
  const double mah = current_ma * static_cast<double>(duration.count()) * kHoursPerMs;
  const double cost = mah * peukert_cost(cell_spec(chemistry_), current_ma);
  for (int i = 0; i < cells_; ++i) {
    double& r = remaining_mah_[static_cast<std::size_t>(i)];
    r = std::max(0.0, r - cost);
  }
  delivered_mah_ += mah;
}

void BatteryPack::consume_mah(double mah) noexcept {
  if (mah <= 0) return;
  for (int i = 0; i < cells_; ++i) {
    double& r = remaining_mah_[static_cast<std::size_t>(i)];
    r = std::max(0.0, r - mah);
  }
  delivered_mah_ += mah;
}

void BatteryPack::self_discharge(Duration duration, double temp_c) noexcept {
  if (duration <= Duration::zero()) return;
  const double years = static_cast<double>(duration.count()) * kYearsPerMs;
  const double keep = std::exp(log_keep_per_year_ * years * std::exp2((temp_c - 20.0) / 10.0));
  for (int i = 0; i < cells_; ++i) remaining_mah_[static_cast<std::size_t>(i)] *= keep;
}

void BatteryPack::set_state_of_charge(double soc) noexcept {
  soc = std::clamp(soc, 0.0, 1.0);
  for (int i = 0; i < cells_; ++i) {
    const auto u = static_cast<std::size_t>(i);
    remaining_mah_[u] = capacity_mah_[u] * soc;
  }
}

void BatteryPack::replace(Rng& rng, std::optional<Chemistry> chemistry) noexcept {
  if (chemistry) chemistry_ = *chemistry;
  fill(rng);
}

double BatteryPack::open_circuit_mv() const noexcept { return voltage_mv(0, 20); }

double BatteryPack::voltage_mv(double load_ma, double temp_c) const noexcept {
  load_ma = std::max(load_ma, 0.0);
  const ChemistryModel& m = model(chemistry_);
  // The part of I·R common to every cell: R0 · f_cold(T) · (1 + p·I) · I.
  const double common_drop = load_ma > 0
                                 ? load_ma * m.spec.resistance_ohm * lookup_cold(m.cold_factor, temp_c) *
                                       (1.0 + m.spec.polarisation_per_a * load_ma / 1000.0)
                                 : 0.0;
  double mv = 0;
  for (int i = 0; i < cells_; ++i) {
    const auto u = static_cast<std::size_t>(i);
    const double depth = 1.0 - remaining_mah_[u] / capacity_mah_[u];
    mv += lookup(m.ocv_mv, depth);
    if (common_drop > 0) mv -= common_drop * lookup(m.resistance_factor, depth);
  }
  return std::max(mv, 0.0);
}

double BatteryPack::state_of_charge() const noexcept {
  double soc = 1.0;
  for (int i = 0; i < cells_; ++i) {
    const auto u = static_cast<std::size_t>(i);
    soc = std::min(soc, remaining_mah_[u] / capacity_mah_[u]);
  }
  return soc;
}

int BatteryPack::percent_reported(double load_ma, double temp_c) const noexcept {
  const double per_cell = voltage_mv(load_ma, temp_c) / cells_;
  const double pct = (per_cell - 1100.0) / (1500.0 - 1100.0) * 100.0;
  return static_cast<int>(std::lround(std::clamp(pct, 0.0, 100.0)));
}

bool BatteryPack::depleted(double cutoff_mv, double load_ma, double temp_c) const noexcept {
  return state_of_charge() <= 0 || voltage_mv(load_ma, temp_c) < cutoff_mv;
}

double BatteryPack::cell_capacity_mah(int i) const noexcept {
  return i >= 0 && i < cells_ ? capacity_mah_[static_cast<std::size_t>(i)] : 0.0;
}

double BatteryPack::cell_remaining_mah(int i) const noexcept {
  return i >= 0 && i < cells_ ? remaining_mah_[static_cast<std::size_t>(i)] : 0.0;
}

}  // namespace lw::sim::world
