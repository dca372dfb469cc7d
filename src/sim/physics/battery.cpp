#include "sim/physics/battery.h"

#include <algorithm>
#include <cmath>

#include "base/enum_names.h"
#include "sim/physics/rng.h"

namespace lw::sim::physics {
namespace {

struct Point {
  double dod;
  double mv;
};

struct ChemistryData {
  std::array<Point, 9> ocv;  // per cell, over depth of discharge
  double capacity_mah;       // at the reference current
  double reference_ma;
  double peukert;   // exponent k: charge cost grows as (I/Iref)^(k-1)
  double r0_mohm;   // fresh, 20 °C
  double r_growth;  // R = r0 (1 + r_growth dod²)
  double r_cold;    // R *= exp(r_cold (20 - T))
  double self_discharge_per_year;
};

constexpr ChemistryData kAlkaline{{{{0, 1580},
                                    {0.05, 1500},
                                    {0.2, 1410},
                                    {0.4, 1330},
                                    {0.6, 1260},
                                    {0.8, 1180},
                                    {0.9, 1120},
                                    {0.95, 1060},
                                    {1.0, 900}}},
                                  2600,
                                  25,
                                  1.25,
                                  150,
                                  3.0,
                                  0.03,
                                  0.025};
constexpr ChemistryData kLithium{{{{0, 1780},
                                   {0.02, 1620},
                                   {0.1, 1560},
                                   {0.5, 1530},
                                   {0.85, 1490},
                                   {0.93, 1440},
                                   {0.97, 1300},
                                   {0.99, 1100},
                                   {1.0, 900}}},
                                 3400,
                                 25,
                                 1.03,
                                 90,
                                 1.0,
                                 0.012,
                                 0.01};
constexpr ChemistryData kNimh{{{{0, 1400},
                                {0.05, 1300},
                                {0.2, 1250},
                                {0.5, 1220},
                                {0.8, 1190},
                                {0.9, 1150},
                                {0.95, 1080},
                                {0.98, 1000},
                                {1.0, 900}}},
                              2000,
                              25,
                              1.02,
                              30,
                              0.5,
                              0.02,
                              0.20};

const ChemistryData& data(Chemistry c) {
  switch (c) {
    case Chemistry::alkaline: return kAlkaline;
    case Chemistry::lithium: return kLithium;
    case Chemistry::nimh: return kNimh;
  }
  return kAlkaline;
}

double ocv_cell(const ChemistryData& d, double dod) {
  dod = std::clamp(dod, 0.0, 1.0);
  for (std::size_t i = 1; i < d.ocv.size(); ++i) {
    if (dod <= d.ocv[i].dod) {
      const Point& a = d.ocv[i - 1];
      const Point& b = d.ocv[i];
      return a.mv + (b.mv - a.mv) * (dod - a.dod) / (b.dod - a.dod);
    }
  }
  return d.ocv.back().mv;
}

constexpr EnumNames<Chemistry, 3> kChemistries{{{
    {Chemistry::alkaline, "alkaline"},
    {Chemistry::lithium, "lithium"},
    {Chemistry::nimh, "nimh"},
}}};

}  // namespace

std::string_view to_string(Chemistry c) noexcept { return kChemistries.name(c); }
std::optional<Chemistry> parse_chemistry(std::string_view s) noexcept { return kChemistries.parse(s); }

BatteryPack::BatteryPack(Chemistry chemistry, int cells, std::uint64_t seed)
    : chemistry_(chemistry), cells_(std::clamp(cells, 1, kMaxCells)) {
  Rng rng(seed);
  for (int i = 0; i < cells_; ++i) {
    const double spread = std::clamp(rng.normal() * 0.03, -0.08, 0.08);
    capacity_mah_[static_cast<std::size_t>(i)] = data(chemistry_).capacity_mah * (1 + spread);
  }
}

void BatteryPack::draw(double current_ma, Duration duration) {
  if (current_ma <= 0) return;
  const ChemistryData& d = data(chemistry_);
  const double hours = std::chrono::duration<double, std::ratio<3600>>(duration).count();
  const double factor =
      current_ma > d.reference_ma ? std::pow(current_ma / d.reference_ma, d.peukert - 1) : 1.0;
  used_mah_ += current_ma * hours * factor;
  delivered_mah_ += current_ma * hours;
}

void BatteryPack::self_discharge(Duration duration) {
  const ChemistryData& d = data(chemistry_);
  const double years = std::chrono::duration<double, std::ratio<31'557'600>>(duration).count();
  used_mah_ += d.capacity_mah * d.self_discharge_per_year * years;
}

void BatteryPack::set_state_of_charge(double soc) {
  double weakest = capacity_mah_[0];
  for (int i = 1; i < cells_; ++i) weakest = std::min(weakest, capacity_mah_[static_cast<std::size_t>(i)]);
  used_mah_ = weakest * (1 - std::clamp(soc, 0.0, 1.0));
}

void BatteryPack::replace() {
  used_mah_ = 0;
  delivered_mah_ = 0;
}

double BatteryPack::depth_of_discharge(int cell) const {
  return std::clamp(used_mah_ / capacity_mah_[static_cast<std::size_t>(cell)], 0.0, 1.0);
}

double BatteryPack::resistance_mohm(int cell, double temp_c) const {
  const ChemistryData& d = data(chemistry_);
  const double dod = depth_of_discharge(cell);
  return d.r0_mohm * (1 + d.r_growth * dod * dod) * std::exp(d.r_cold * (20 - temp_c));
}

int BatteryPack::open_circuit_mv() const { return voltage_mv(0, 20); }

int BatteryPack::voltage_mv(double load_ma, double temp_c) const {
  const ChemistryData& d = data(chemistry_);
  double mv = 0;
  for (int i = 0; i < cells_; ++i) {
    mv += ocv_cell(d, depth_of_discharge(i)) - load_ma * resistance_mohm(i, temp_c) / 1000.0;
  }
  return std::max(0, static_cast<int>(std::lround(mv)));
}

double BatteryPack::state_of_charge() const {
  double worst = 1;
  for (int i = 0; i < cells_; ++i) worst = std::min(worst, 1 - depth_of_discharge(i));
  return worst;
}

int BatteryPack::percent_reported(double load_ma, double temp_c) const {
  const double per_cell = static_cast<double>(voltage_mv(load_ma, temp_c)) / cells_;
  return static_cast<int>(std::lround(std::clamp((per_cell - 1100.0) / 4.0, 0.0, 100.0)));
}

}  // namespace lw::sim::physics
