#include "core/battery/forecast.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <span>
#include <utility>

namespace lw::core {
namespace {

constexpr double kRadioA = 0.22;      // telemetry's battery_mv is read under this load
constexpr double kFreshCellV = 1.45;  // alkaline trend: days above are a fresh cell's fast first drop
constexpr double kJumpV = 0.080;      // a battery change: a rise held over two samples
constexpr double kPowerOnRiseV = 0.030;
constexpr double kLowCellV = 1.20;         // low-battery evidence: falling below this
constexpr double kFreshLoadedV20 = 1.55;   // a fresh alkaline cell under the radio's load at 20 °C
constexpr double kColdShortfallV = 0.010;  // a fresh pack reading this much less: the cold
constexpr Duration kFreshWindow = std::chrono::hours(6);
constexpr double kStillRunsBelowV = 0.030;  // a motor run this far below where the last pack stopped
// The charge counted since a seen change: after this long, a reading this far
// under what the count's depth reads at 20 °C is the cold.
constexpr double kCountedMinDays = 14;
constexpr double kCountedShortfallV = 0.025;
constexpr double kUnforeseenDays = 7;  // a pack changed with more left than this stopped early
constexpr Duration kMotorDropout = std::chrono::seconds(60);
constexpr Duration kSameIncident = std::chrono::minutes(15);
constexpr Duration kEvidenceWindow = std::chrono::days(7);
constexpr int kMinMotorDays = 3;  // days with motor readings before the motor path speaks
// The resistance scale: the last week's days with both readings, at least 3.
constexpr std::int64_t kMeasuredDays = 7;
constexpr std::size_t kMinMeasuredDays = 3;
constexpr double kMotorSureDays = 10;  // with it, the motor line speaks this close to its brown-out
constexpr double kMotorWindowDays = BatteryForecaster::kMotorDays;  // the motor line: the last 21 days ...
constexpr double kMotorRecentDays = 10;                             // ... and the last 10 (see apply_motor)

struct Knot {
  double v;  // loaded volts per cell at 20 °C, descending
  double y;
};

// Resistance multipliers over the loaded voltage per cell at 20 °C: the
// resistance grows as the cell empties, most for alkaline.
constexpr std::array<Knot, 8> kAlkalineResistance{{{1.45, 1.0},
                                                   {1.33, 1.35},
                                                   {1.25, 1.6},
                                                   {1.19, 1.9},
                                                   {1.13, 2.2},
                                                   {1.07, 2.5},
                                                   {0.97, 3.5},
                                                   {0.80, 6.0}}};
constexpr std::array<Knot, 5> kLithiumResistance{
    {{1.45, 1.0}, {1.40, 1.3}, {1.30, 1.6}, {1.10, 3.0}, {0.80, 4.0}}};
constexpr std::array<Knot, 4> kNimhResistance{{{1.17, 1.0}, {1.12, 1.8}, {1.05, 2.5}, {0.90, 3.0}}};

/// A coarse AA cell, from the manufacturers' curves (Energizer E91 and L91,
/// Panasonic eneloop; Battery University BU-502, BU-802a).
struct CellModel {
  double r0_ohm;                   // fresh, 20 °C, small current
  double polarisation_per_a;       // the resistance grows by this fraction per ampere
  double cold_factor_per_20k;      // and by this factor per 20 °C below 20 °C
  double peukert_k;                // charge cost of I above 25 mA: (I / 25 mA)^(k − 1)
  double self_discharge_per_year;  // of the nominal capacity, at room temperature (NiMH: low self-discharge)
  double usable;                   // share of the nominal capacity delivered before the motor stops
  double knee_v;                   // flat chemistries: below this the collapse has begun
  double knee_depth;               // depth of discharge at the knee
  std::span<const Knot> resistance;  // multiplier over the loaded voltage at 20 °C
};

constexpr CellModel kAlkaline{0.150, 0.25, 2.0, 1.14, 0.025, 0.60, 0, 0, kAlkalineResistance};
constexpr CellModel kLithium{0.120, 0.05, 1.35, 1.03, 0.01, 0.97, 1.40, 0.92, kLithiumResistance};
constexpr CellModel kNimh{0.030, 0.02, 1.6, 1.02, 0.10, 0.96, 1.15, 0.93, kNimhResistance};

/// Alkaline depth of discharge over the loaded voltage per cell at 20 °C
/// (Energizer E91 at light drain, 220 mA load).
constexpr std::array<Knot, 10> kAlkalineDepth{{{1.55, 0.0},
                                               {1.45, 0.07},
                                               {1.40, 0.15},
                                               {1.33, 0.30},
                                               {1.25, 0.50},
                                               {1.19, 0.60},
                                               {1.13, 0.70},
                                               {1.07, 0.80},
                                               {0.97, 0.90},
                                               {0.80, 1.00}}};

const CellModel& cell(Chemistry c) {
  switch (c) {
    case Chemistry::lithium: return kLithium;
    case Chemistry::nimh: return kNimh;
    case Chemistry::alkaline:
    case Chemistry::unknown: return kAlkaline;
  }
  return kAlkaline;
}

double interpolate(std::span<const Knot> t, double v) {
  if (v >= t.front().v) return t.front().y;
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (v >= t[i].v) return t[i].y + (t[i - 1].y - t[i].y) * (v - t[i].v) / (t[i - 1].v - t[i].v);
  }
  return t.back().y;
}

/// The loaded voltage at 20 °C of an alkaline cell at `depth` (kAlkalineDepth read backwards).
double alkaline_v20_at(double depth) {
  const auto& t = kAlkalineDepth;
  if (depth <= t.front().y) return t.front().v;
  for (std::size_t i = 1; i < t.size(); ++i) {
    if (depth <= t[i].y) return t[i].v + (t[i - 1].v - t[i].v) * (t[i].y - depth) / (t[i].y - t[i - 1].y);
  }
  return t.back().v;
}

double r20(const CellModel& m, double v20) { return m.r0_ohm * interpolate(m.resistance, v20); }
double cold(const CellModel& m, double temp_c) {
  return std::max(0.7, std::pow(m.cold_factor_per_20k, (20.0 - temp_c) / 20.0));
}
double radio_sag_20(const CellModel& m, double v20, double scale) {
  return kRadioA * scale * r20(m, v20) * (1 + m.polarisation_per_a * kRadioA);
}

/// The loaded voltage this cell would show at 20 °C (the cold raises the
/// resistance and so lowers what the radio load reads).
/// `raw` plus the extra sag of a resistance `extra` times the 20 °C one
/// (scaled by `scale`), solved by iteration from `start`.
double unsagged(const CellModel& m, double raw, double extra, double scale, double start) {
  double v = start;
  for (int i = 0; i < 3; ++i) v = raw + radio_sag_20(m, v, scale) * extra;
  return v;
}
double to_v20(const CellModel& m, double raw, double temp_c, double scale = 1.0) {
  return unsagged(m, raw, cold(m, temp_c) - 1, scale, raw);
}
/// A day's reading normalised with resistance `scale` when it was normalised
/// with the model's (to_v20 at scale 1 gave `v20` for `raw`).
double rescaled_v20(const CellModel& m, double raw, double v20, double scale) {
  const double extra = (v20 - raw) / radio_sag_20(m, v20, 1.0);  // cold − 1 of that day
  return unsagged(m, raw, extra, scale, v20);
}
double from_v20(const CellModel& m, double v20, double temp_c, double scale) {
  return v20 - radio_sag_20(m, v20, scale) * (cold(m, temp_c) - 1);
}

/// Whether a cell showing `v20` (loaded, 20 °C) stops the motor when the
/// cold multiplies its resistance by `cold_factor`.
bool stops(const CellModel& m, double v20, double cold_factor, const MotorLoad& motor, double scale) {
  const double r = scale * r20(m, v20) * cold_factor;
  const auto r_at = [&](double amps) { return r * (1 + m.polarisation_per_a * amps); };
  const double ocv = v20 + radio_sag_20(m, v20, scale);
  const double idle = ocv - motor.idle_a * r_at(motor.idle_a);
  const bool refused = idle - (motor.running_a - motor.idle_a) * motor.assumed_cell_ohm < motor.cutoff_v;
  const bool browns_out = ocv - motor.inrush_a * r_at(motor.inrush_a) < motor.brownout_v;
  return refused || browns_out || ocv < motor.dead_v;
}

/// The highest loaded voltage at 20 °C at which the motor stops (bisection:
/// a lower voltage only makes it worse).
double cutoff_v20(const CellModel& m, double temp_c, const MotorLoad& motor, double scale) {
  const double cold_factor = cold(m, temp_c);
  double lo = 0.8;
  double hi = 1.7;
  if (stops(m, hi, cold_factor, motor, scale)) return hi;
  for (int i = 0; i < 17; ++i) {  // 0.9 V / 2^17: 7 µV
    const double mid = (lo + hi) / 2;
    (stops(m, mid, cold_factor, motor, scale) ? lo : hi) = mid;
  }
  return lo;
}

/// The temperature, −30..20 °C, where `too_warm` turns false as it falls
/// (bisection: `too_warm` holds above the answer and not below it).
template <typename TooWarm>
double coldest_fit(TooWarm too_warm) {
  double lo = -30;
  double hi = 20;
  if (too_warm(lo)) return lo;
  for (int i = 0; i < 20; ++i) {
    const double mid = (lo + hi) / 2;
    (too_warm(mid) ? hi : lo) = mid;
  }
  return lo;
}

/// The temperature at which a cell reading `v20` at 20 °C reads `read` (−30..20 °C).
double temperature_reading(const CellModel& m, double v20, double read) {
  // from_v20 falls as the temperature does.
  return coldest_fit([&](double t) { return from_v20(m, v20, t, 1.0) > read; });
}

double peukert(const CellModel& m, double ma) {
  return ma <= 25 ? 1.0 : std::pow(ma / 25.0, m.peukert_k - 1);
}

double days_between(Timestamp from, Timestamp to) {
  return std::chrono::duration<double>(to - from).count() / 86'400.0;
}
Timestamp plus_days(Timestamp t, double days) {
  return t + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(days * 86'400.0));
}

std::string fixed(double v, int decimals) {
  std::array<char, 48> buf{};
  std::snprintf(buf.data(), buf.size(), "%.*f", decimals, v);
  return buf.data();
}

}  // namespace

double alkaline_loaded_v20(double depth) noexcept { return alkaline_v20_at(depth); }
double alkaline_depth(double loaded_v20) noexcept { return interpolate(kAlkalineDepth, loaded_v20); }

double motor_cutoff_loaded_v(Chemistry c, double temp_c, const MotorLoad& motor,
                             double resistance_scale) noexcept {
  const CellModel& m = cell(c);
  return from_v20(m, cutoff_v20(m, temp_c, motor, resistance_scale), temp_c, resistance_scale);
}

std::string_view to_string(ForecastMethod m) noexcept {
  switch (m) {
    case ForecastMethod::none: return "none";
    case ForecastMethod::voltage_trend: return "voltage_trend";
    case ForecastMethod::voltage_level: return "voltage_level";
    case ForecastMethod::capacity: return "capacity";
    case ForecastMethod::capacity_start_unknown: return "capacity_start_unknown";
    case ForecastMethod::collapse: return "collapse";
    case ForecastMethod::motor_trend: return "motor_trend";
  }
  return "none";
}

BatteryForecaster::BatteryForecaster(BatteryProfile profile, MotorLoad motor)
    : profile_(profile), motor_(motor) {}

void BatteryForecaster::set_profile(BatteryProfile profile) {
  profile_ = profile;
  ++epoch_;
}

Chemistry BatteryForecaster::chemistry() const {
  return profile_.chemistry == Chemistry::unknown ? Chemistry::alkaline : profile_.chemistry;
}

int BatteryForecaster::cells() const { return profile_.cells.value_or(inferred_cells_.value_or(4)); }

std::int64_t BatteryForecaster::note_day(Timestamp at) {
  if (!first_at_) first_at_ = at;
  const std::int64_t day = utc_day(at);
  last_day_ = std::max(last_day_, day);
  return day;
}

void BatteryForecaster::sample(Timestamp at, std::optional<double> loaded_mv, std::optional<double> pct,
                               std::optional<double> temperature_c) {
  if (!profile_.cells && !inferred_cells_ && loaded_mv && pct)
    inferred_cells_ = infer_cells(*loaded_mv, *pct);
  double raw = 0;
  if (loaded_mv) {
    raw = *loaded_mv / 1000.0 / cells();
  } else if (pct) {
    raw = gauge_to_cell_v(*pct);
  } else {
    return;
  }
  const CellModel& m = cell(chemistry());
  const Held s{at, temperature_c ? to_v20(m, raw, *temperature_c) : raw, raw, temperature_c,
               loaded_mv.has_value()};

  if (power_on_) {
    const PowerOn p = *power_on_;
    power_on_.reset();
    if (p.level_before && at - p.at <= std::chrono::days(1) && s.v20 > *p.level_before + kPowerOnRiseV) {
      start_battery(p.at);
      add(s);
      return;
    }
  }
  if (level_ && s.v20 > *level_ + kJumpV) {
    if (held_) {
      const Held first = *held_;
      start_battery(first.at);
      add(first);
      add(s);
    } else {
      held_ = s;  // one high sample may be an outlier: wait for the next
    }
    return;
  }
  held_.reset();
  add(s);
}

void BatteryForecaster::add(const Held& s) {
  const std::int64_t day = note_day(s.at);
  Day* b = day_entry(days_, day);
  if (b == nullptr) return;
  if (b->samples < std::numeric_limits<std::uint16_t>::max()) {  // the day's mean is known by then
    ++b->samples;
    b->sum_v20 += static_cast<float>(s.v20);
    b->sum_raw += static_cast<float>(s.raw);
    b->sum_offset += static_cast<float>(days_between(utc_day_start(day), s.at));
  }
  if (s.temperature_c) {
    b->heated = true;
    if (ActivityDay* a = day_entry(activity_days_, day); a != nullptr) {
      ++a->temp_samples;
      a->sum_temp += static_cast<float>(*s.temperature_c);
    }
  }
  if (fitted_at_ && s.measured && !s.temperature_c && s.at - *fitted_at_ <= kFreshWindow) {
    fresh_sum_ += s.raw;
    ++fresh_count_;
  }
  level_ = level_ ? 0.8 * *level_ + 0.2 * s.v20 : s.v20;
  if (!last_at_ || s.at > *last_at_) last_at_ = s.at;
}

void BatteryForecaster::motor_sample(Timestamp at, double motor_mv) {
  if (last_motor_mv_ && *last_motor_mv_ == motor_mv) return;  // repeated until the next motor run
  last_motor_mv_ = motor_mv;
  if (!(motor_mv > 0) || (fitted_at_ && at < *fitted_at_)) return;
  const std::int64_t day = note_day(at);
  MotorDay* b = day_entry(motor_days_, day);
  if (b == nullptr) return;
  const auto v = static_cast<float>(motor_mv / 1000.0 / cells());
  b->min_motor = b->motor_samples == 0 ? v : std::min(b->min_motor, v);
  ++b->motor_samples;
  b->sum_motor += v;
  b->sum_motor_offset += static_cast<float>(days_between(utc_day_start(day), at));
}

void BatteryForecaster::operation(Timestamp at) {
  if (stopped_at_v_ && last_at_) {
    const Day* today = find_day_entry(days_, utc_day(*last_at_));
    if (today != nullptr && today->samples > 0 && !today->heated &&
        static_cast<double>(today->sum_raw) / today->samples < *stopped_at_v_ - kStillRunsBelowV) {
      stopped_at_v_.reset();  // this pack runs where the last one stopped: it was not the cold
    }
  }
  if (ActivityDay* b = day_entry(activity_days_, note_day(at)); b != nullptr) ++b->operations;
  ++operations_;
  last_operation_ = at;
}

void BatteryForecaster::message(Timestamp at, int count) {
  const int n = std::max(count, 0);
  if (ActivityDay* b = day_entry(activity_days_, note_day(at)); b != nullptr) b->messages += n;
  messages_ += n;
}

void BatteryForecaster::boot(Timestamp at, BootReason reason) {
  if (reason == BootReason::brown_out) incident(at, Incident::brown_out);
  if (reason == BootReason::power_on) power_on_ = PowerOn{at, level_};
}

void BatteryForecaster::boot(Timestamp at, std::string_view reason) {
  if (reason == "brown_out") boot(at, BootReason::brown_out);
  if (reason == "power_on") boot(at, BootReason::power_on);
}

void BatteryForecaster::dropout(Timestamp at) {
  if (last_operation_ && at >= *last_operation_ && at - *last_operation_ <= kMotorDropout) {
    incident(at, Incident::motor_dropout);
  }
}

void BatteryForecaster::replaced(Timestamp at) { start_battery(at); }

void BatteryForecaster::start_battery(Timestamp at) {
  learn_where_it_stopped();
  days_.fill(Day{});
  motor_days_.fill(MotorDay{});
  activity_days_.fill(ActivityDay{});
  last_day_ = -1;
  first_at_ = at;
  replaced_at_ = at;
  fitted_at_ = at;
  last_at_.reset();
  level_.reset();
  held_.reset();
  power_on_.reset();
  last_operation_.reset();
  messages_ = 0;
  operations_ = 0;
  incident_count_ = 0;
  incident_next_ = 0;
  fresh_sum_ = 0;
  fresh_count_ = 0;
  fired_ = 0;
  ++epoch_;
}

void BatteryForecaster::incident(Timestamp at, Incident kind) {
  if (incident_count_ > 0) {
    IncidentAt& last = incidents_[ring_slot(incident_next_ - 1, kMaxIncidents)];
    if (last.kind != kind && last.kind != Incident::both && at - last.at <= kSameIncident) {
      last.kind = Incident::both;  // the brown-out and the drop-out it caused
      return;
    }
  }
  incidents_[static_cast<std::size_t>(incident_next_)] = IncidentAt{at, kind};
  incident_next_ = (incident_next_ + 1) % kMaxIncidents;
  incident_count_ = std::min(incident_count_ + 1, kMaxIncidents);
}

std::optional<double> BatteryForecaster::inferred_temperature() const {
  if (fresh_count_ == 0 || chemistry() != Chemistry::alkaline) return std::nullopt;
  const double read = fresh_sum_ / fresh_count_;
  if (read >= kFreshLoadedV20 - kColdShortfallV) return std::nullopt;
  return temperature_reading(cell(Chemistry::alkaline), kFreshLoadedV20, read);
}

void BatteryForecaster::learn_where_it_stopped() {
  if (chemistry() != Chemistry::alkaline || !last_at_) return;
  const Day* last = find_day_entry(days_, utc_day(*last_at_));
  if (last == nullptr || last->samples == 0 || last->heated) return;
  // Changed when the forecast said it was near its end (after an alert, say):
  // where it was then says nothing new, and learning it would bring each next
  // alert earlier still.
  const std::optional<Timestamp> expected = fitted().forecast.dies_at;  // the numbers; no words needed
  if (!expected || days_between(*last_at_, *expected) <= kUnforeseenDays) return;
  const double end = static_cast<double>(last->sum_raw) / last->samples;
  if (end >= kFreshCellV) return;  // changed while fresh: says nothing of where it stops
  stopped_at_v_ = static_cast<float>(end);
}

std::optional<double> BatteryForecaster::learnt_temperature() const {
  if (!stopped_at_v_ || chemistry() != Chemistry::alkaline) return std::nullopt;
  const double stopped = *stopped_at_v_;
  // The cut-off rises as the temperature falls.
  const auto too_warm = [&](double t) {
    return motor_cutoff_loaded_v(Chemistry::alkaline, t, motor_) < stopped;
  };
  if (!too_warm(20)) return std::nullopt;
  return coldest_fit(too_warm);
}

std::optional<double> BatteryForecaster::measured_resistance_scale(double temp_c) const {
  const CellModel& m = cell(chemistry());
  // What the model says separates the two readings, per ohm of its resistance.
  const auto sag = [&](double amps) { return amps * (1 + m.polarisation_per_a * amps); };
  const double per_ohm = sag(motor_.inrush_a) - sag(kRadioA);
  std::array<double, kMeasuredDays> ratios{};
  std::size_t n = 0;
  for (std::int64_t d = last_day_ - kMeasuredDays + 1; d <= last_day_ && last_day_ >= 0; ++d) {
    const MotorDay* motor = find_day_entry(motor_days_, d);
    const Day* radio = find_day_entry(days_, d);
    if (motor == nullptr || radio == nullptr || motor->motor_samples == 0 || radio->samples == 0) continue;
    const double v20 = static_cast<double>(radio->sum_v20) / radio->samples;
    const double measured = static_cast<double>(radio->sum_raw) / radio->samples -
                            static_cast<double>(motor->sum_motor) / motor->motor_samples;
    const double model = r20(m, v20) * cold(m, temp_c) * per_ohm;
    if (measured > 0 && model > 0) ratios[n++] = measured / model;
  }
  if (n < kMinMeasuredDays) return std::nullopt;
  for (std::size_t i = 1; i < n; ++i) {  // insertion sort: a week at most
    for (std::size_t j = i; j > 0 && ratios[j - 1] > ratios[j]; --j) std::swap(ratios[j - 1], ratios[j]);
  }
  const double median = n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
  return std::clamp(median, 0.25, 4.0);
}

BatteryForecaster::Fit BatteryForecaster::refit() const {
  Fit fit = fit_radio();
  apply_motor(fit);
  return fit;
}

BatteryForecaster::Fit BatteryForecaster::fit_radio() const {
  Fit fit;
  fit.day = last_day_;
  fit.epoch = epoch_;
  BatteryForecast& out = fit.forecast;
  const Chemistry chem = chemistry();
  const CellModel& m = cell(chem);

  std::string notes;
  if (profile_.chemistry == Chemistry::unknown) notes += "; chemistry unknown: assumed alkaline";
  if (!profile_.cells && inferred_cells_) {
    notes += "; " + std::to_string(*inferred_cells_) + " cells (from the gauge)";
  } else if (!profile_.cells) {
    notes += profile_.chemistry == Chemistry::unknown ? ", 4 cells" : "; 4 cells assumed";
  }

  // Daily means, oldest first; x in days after the start of the last day.
  std::array<double, kDays> xs{};
  std::array<double, kDays> ys{};
  std::array<double, kDays> raws{};
  std::array<bool, kDays> unheated{};  // no temperature that day: ys is the raw reading
  std::size_t n = 0;
  double temp_sum = 0;
  double temp_min = 1e9;
  int temp_days = 0;
  for (std::int64_t d = last_day_ - kDays + 1; d <= last_day_ && last_day_ >= 0; ++d) {
    const Day* b = find_day_entry(days_, d);
    if (b == nullptr || b->samples == 0) continue;
    xs[n] = static_cast<double>(d - last_day_) + static_cast<double>(b->sum_offset) / b->samples;
    ys[n] = static_cast<double>(b->sum_v20) / b->samples;
    unheated[n] = !b->heated;
    raws[n++] = static_cast<double>(b->sum_raw) / b->samples;
    const ActivityDay* a = d > last_day_ - 7 ? find_day_entry(activity_days_, d) : nullptr;
    if (a != nullptr && a->temp_samples > 0) {
      const double t = static_cast<double>(a->sum_temp) / a->temp_samples;
      temp_sum += t;
      temp_min = std::min(temp_min, t);
      ++temp_days;
    }
  }
  if (n == 0 || !last_at_) {
    out.basis = "no battery readings yet" + notes;
    return fit;
  }
  // Drain from activity: standby, messages and motor runs (at their Peukert
  // cost), self-discharge. The recent rate comes from the last complete days.
  const double elapsed = std::max(0.0, days_between(*first_at_, *last_at_));
  const double tx_mah = kTransmitMah * peukert(m, 220);
  const double motor_mah = kMotorRunMah * peukert(m, 1200);
  const double nominal = nominal_capacity_mah(chem);
  const double self_per_day = nominal * m.self_discharge_per_year / 365.25;
  double msgs_per_day = 0;
  double ops_per_day = 0;
  int full_days = 0;
  for (std::int64_t d = last_day_ - 7; d < last_day_; ++d) {
    const ActivityDay* b = find_day_entry(activity_days_, d);
    if (b == nullptr || d <= utc_day(*first_at_)) continue;
    msgs_per_day += b->messages;
    ops_per_day += b->operations;
    ++full_days;
  }
  if (full_days >= 2) {
    msgs_per_day /= full_days;
    ops_per_day /= full_days;
  } else if (elapsed > 1.0 / 24) {
    msgs_per_day = static_cast<double>(messages_) / elapsed;
    ops_per_day = static_cast<double>(operations_) / elapsed;
  }
  const double rate =
      profile_.standby_ma * 24 + msgs_per_day * tx_mah + ops_per_day * motor_mah + self_per_day;
  const double used = (profile_.standby_ma * 24 + self_per_day) * elapsed +
                      static_cast<double>(messages_) * tx_mah + static_cast<double>(operations_) * motor_mah;
  const std::string rate_words = fixed(rate, 1) + " mAh/day";

  const std::optional<double> fresh = temp_days > 0 ? std::nullopt : inferred_temperature();
  const std::optional<double> learnt = temp_days > 0 || fresh ? std::nullopt : learnt_temperature();
  // The place's temperature, as given, for an alkaline pack (lithium and
  // NiMH are counted by charge; the cold moves their cut-off little).
  const std::optional<double> declared =
      temp_days > 0 || fresh || learnt || chem != Chemistry::alkaline ? std::nullopt : profile_.ambient_c;
  // Without either: the charge counted since a seen change puts the cells at
  // a depth, which reads a known voltage at 20 °C; reading well under it is the cold.
  std::optional<double> counted;
  double counted_expect = 0;
  double counted_read = 0;
  if (temp_days == 0 && !fresh && !learnt && !declared && chem == Chemistry::alkaline && fitted_at_ &&
      elapsed >= kCountedMinDays) {
    counted_expect = alkaline_v20_at(used / nominal);
    double sum = 0;
    int days = 0;
    for (std::size_t i = n; i > 0 && xs[i - 1] > -3; --i) {
      sum += raws[i - 1];
      ++days;
    }
    counted_read = days > 0 ? sum / days : raws[n - 1];
    if (counted_read < counted_expect - kCountedShortfallV)
      counted = temperature_reading(m, counted_expect, counted_read);
  }
  const std::optional<double> inferred = fresh ? fresh : learnt ? learnt : declared ? declared : counted;
  const double temp = temp_days > 0 ? temp_sum / temp_days : inferred.value_or(20.0);
  // A lock that measures its motor starts shows its cells' real resistance:
  // the model's (a datasheet's, and in the cold a guess) is scaled to it.
  const std::optional<double> scale = measured_resistance_scale(temp);
  const double s = scale.value_or(1.0);
  fit.resistance_measured = scale.has_value();
  out.resistance_scale = scale;
  for (std::size_t i = 0; i < n; ++i) {
    if (unheated[i] && inferred) {
      ys[i] = to_v20(m, raws[i], *inferred, s);
    } else if (!unheated[i] && scale) {
      ys[i] = rescaled_v20(m, raws[i], ys[i], s);
    }
  }
  const double temp_cold = temp_days > 0 ? temp_min : temp;
  std::string temp_words = " at " + fixed(temp, 0) + " °C";
  if (fresh) {
    temp_words += " (none reported: the fresh pack read " + fixed(fresh_sum_ / fresh_count_, 3) +
                  " V/cell where a fresh cell at 20 °C reads " + fixed(kFreshLoadedV20, 3) + ")";
  } else if (learnt) {
    temp_words += " (none reported: the last pack stopped at " + fixed(*stopped_at_v_, 3) +
                  " V/cell, as packs do at that temperature)";
  } else if (declared) {
    temp_words += " (none reported: the temperature given for the lock's place)";
  } else if (counted) {
    temp_words += " (none reported: " + fixed(used, 0) + " mAh used since the change would read " +
                  fixed(counted_expect, 3) + " V/cell at 20 °C; it reads " + fixed(counted_read, 3) + ")";
  } else if (temp_days == 0) {
    temp_words += " (no temperature reported)";
  }
  if (scale)
    temp_words += ", the cells' resistance " + fixed(s, 2) + "x the model's (measured at motor starts)";
  // The band: ±25 % on the resistance (either way may raise the cut-off: a
  // higher resistance sags more but also means a higher open-circuit voltage
  // behind the same reading) and the coldest recent day.
  // With the resistance measured the margin is the measurement's, ±10 %.
  const double margin = scale ? 0.10 : 0.25;
  const std::array<double, 3> scales{s * (1 - margin), s, s * (1 + margin)};
  const auto cutoffs = [&](double t) {
    return std::array<double, 3>{cutoff_v20(m, t, motor_, scales[0]), cutoff_v20(m, t, motor_, scales[1]),
                                 cutoff_v20(m, t, motor_, scales[2])};
  };
  const std::array<double, 3> at_temp = cutoffs(temp);
  const std::array<double, 3> at_cold = temp_cold == temp ? at_temp : cutoffs(temp_cold);
  const double cut = at_temp[1];
  const double cut_early = *std::max_element(at_cold.begin(), at_cold.end());
  const double cut_late = *std::min_element(at_temp.begin(), at_temp.end());
  const double level = ys[n - 1];
  const Timestamp t_last = *last_at_;
  const Timestamp day0 = utc_day_start(last_day_);
  const auto at_x = [&](double x) { return plus_days(day0, x); };
  out.loaded_v_per_cell = raws[n - 1];
  out.cutoff_v_per_cell = from_v20(m, cut, temp, s);
  const std::string now_words = fixed(raws[n - 1], 3) + " V/cell now, cut-off " +
                                fixed(out.cutoff_v_per_cell, 3) + " V/cell" + temp_words;

  std::size_t recent = n;
  while (recent > 0 && xs[recent - 1] > -7) --recent;
  if (const auto r = theil_sen(std::span(xs).subspan(recent, n - recent),
                               std::span(ys).subspan(recent, n - recent), 0.25)) {
    fit.recent_slope = r->slope;
  }

  const bool flat = chem == Chemistry::lithium || chem == Chemistry::nimh;

  // Alerts are measured to `alert_at`: the best estimate pulled earlier by
  // what the data leave open — the steep end of the line's slope band, the
  // high end of the drain — but not by the model's own uncertainty (the
  // resistance, the coldest day) nor by an unknown start charge. A lock
  // that dies before its alert is the failure that matters, and the data's
  // band narrows as the end nears; `earliest` would move an alkaline lock's
  // 3-day alert about three weeks early on every lock, and a wide
  // start-unknown band would alert every such lock at once.
  const auto finish = [&](ForecastMethod method, Timestamp dies, Timestamp earliest,
                          std::optional<Timestamp> latest, std::string basis, Timestamp alert_at) {
    out.method = method;
    out.dies_at = std::max(dies, t_last);
    out.earliest = std::clamp(earliest, t_last, *out.dies_at);
    if (latest) out.latest = std::max(*latest, *out.dies_at);
    out.basis = std::move(basis) + notes;
    fit.alert_at = std::clamp(alert_at, *out.earliest, *out.dies_at);
  };

  if (level <= cut) {
    finish(flat ? ForecastMethod::collapse : ForecastMethod::voltage_trend, t_last, t_last, t_last,
           "at the motor cut-off already: " + now_words, t_last);
    return fit;
  }

  if (!flat) {
    std::size_t from = n;
    while (from > 0 && xs[from - 1] > -29.5) --from;
    std::array<double, kDays> tx{};
    std::array<double, kDays> ty{};
    std::size_t k = 0;
    for (std::size_t i = from; i < n; ++i) {
      if (ys[i] >= kFreshCellV) continue;
      tx[k] = xs[i];
      ty[k++] = ys[i];
    }
    std::string steady;
    if (k >= 5 && tx[k - 1] - tx[0] >= 4) {
      const auto line = theil_sen(std::span(tx).first(k), std::span(ty).first(k), 0.25);
      // The voltage falls faster as the cell empties; the depth of discharge
      // it reads (kAlkalineDepth) falls steadily at a steady drain, so the
      // line is drawn through the depths.
      std::array<double, kDays> td{};
      for (std::size_t i = 0; i < k; ++i) td[i] = alkaline_depth(ty[i]);
      const auto px = std::span(tx).first(k);
      const auto pd = std::span(td).first(k);
      const auto deep = theil_sen(px, pd, 0.25);
      if (line && line->slope < -1e-4 && deep && deep->slope > 1e-5) {
        const double x_dies = (alkaline_depth(cut) - deep->intercept) / deep->slope;
        const double steep_intercept = median_intercept(px, pd, deep->high);
        const double x_early = (alkaline_depth(cut_early) - steep_intercept) / deep->high;
        const double x_alert = (alkaline_depth(cut) - steep_intercept) / deep->high;
        std::optional<Timestamp> latest;
        if (deep->low > 1e-6)
          latest = at_x((alkaline_depth(cut_late) - median_intercept(px, pd, deep->low)) / deep->low);
        finish(ForecastMethod::voltage_trend, at_x(x_dies), at_x(x_early), latest,
               "voltage trend over " + std::to_string(k) + " days: " + fixed(line->slope * 1000, 1) +
                   " mV/day per cell (" + fixed(deep->slope * 100, 2) + " % of the charge a day), " +
                   now_words,
               at_x(x_alert));
        return fit;
      }
      steady = "voltage steady over " + std::to_string(k) + " days; ";
    }
    const double left_mah =
        std::max(0.0, interpolate(kAlkalineDepth, cut) - interpolate(kAlkalineDepth, level)) * nominal;
    const double days = left_mah / rate;
    finish(ForecastMethod::voltage_level, plus_days(t_last, days), plus_days(t_last, 0.7 * days),
           plus_days(t_last, 1.3 * days),
           steady + "voltage level (" + std::to_string(k) + " days below " + fixed(kFreshCellV, 2) +
               " V/cell, too few for a trend): ~" + fixed(left_mah, 0) + " mAh to the cut-off at " +
               rate_words + "; " + now_words,
           plus_days(t_last, days));
    return fit;
  }

  const double usable = m.usable * nominal;
  const double after_knee = (m.usable - m.knee_depth) * nominal;
  if (level < m.knee_v) {
    std::size_t knee = n - 1;
    while (knee > 0 && ys[knee - 1] < m.knee_v) --knee;
    const Timestamp knee_at = at_x(xs[knee]);
    Timestamp dies = plus_days(knee_at, after_knee / rate);
    std::string slope_words;
    const std::size_t from = knee > 0 ? knee - 1 : 0;
    if (const auto line =
            theil_sen(std::span(xs).subspan(from, n - from), std::span(ys).subspan(from, n - from), 0.25);
        line && line->slope < 0) {
      dies = std::min(dies, at_x((cut - line->intercept) / line->slope));
      slope_words = ", " + fixed(line->slope * 1000, 1) + " mV/day";
    }
    const double span = std::max(0.0, days_between(t_last, dies));
    finish(ForecastMethod::collapse, dies, plus_days(t_last, 0.5 * span), plus_days(t_last, 1.5 * span),
           "voltage collapse (" + std::string(to_string(chem)) + ") since " + utc_date(knee_at) +
               slope_words + ": ~" + fixed(after_knee, 0) + " mAh were left at the knee; " + now_words,
           dies);
    return fit;
  }

  if (fitted_at_) {
    // Still on the plateau: at least the charge after the knee is left.
    const double left = std::max(usable - used, after_knee);
    const double left_low = std::max(after_knee, left - 0.08 * usable);
    finish(ForecastMethod::capacity, plus_days(t_last, left / rate),
           plus_days(t_last, left_low / (1.1 * rate)),
           plus_days(t_last, (left + 0.08 * usable) / (0.9 * rate)),
           "capacity-based: " + fixed(used, 0) + " of " + fixed(usable, 0) +
               " mAh used since the battery change on " + utc_date(*fitted_at_) + ", " + rate_words + "; " +
               now_words,
           plus_days(t_last, left / (1.1 * rate)));
    return fit;
  }
  const double most = std::max(after_knee, 1.08 * usable - used);
  const double early_days = after_knee / (1.1 * rate);
  const double late_days = most / (0.9 * rate);
  finish(ForecastMethod::capacity_start_unknown, plus_days(t_last, (after_knee + most) / 2 / rate),
         plus_days(t_last, early_days), plus_days(t_last, late_days),
         "capacity-based, start unknown (no battery change seen): between " + fixed(early_days, 0) + " and " +
             fixed(late_days, 0) + " days at " + rate_words + "; " + now_words,
         plus_days(t_last, (after_knee + most) / 2 / rate));
  return fit;
}

// The motor path (see the header). The day's lowest motor-start reading is
// used: the worst start of the day (the coldest hour) is the one that browns
// the lock out. The end bends down — the sag I·R grows as R grows with the
// depth of discharge (alkaline: x2 from 1.19 to 0.97 V/cell) — so a line
// through three weeks lags the bend; one through the last 10 days follows it
// at the cost of noise. The earlier crossing of the two is used; the 21-day
// line guards against a recent flat stretch (a warm spell). A fitted growth
// of R would bend further but extrapolates its own noise steeply. The permit
// check is not extrapolated: it depends on the open-circuit voltage,
// V_radio + 0.22 A·R, which a larger measured R only raises.
void BatteryForecaster::apply_motor(Fit& fit) const {
  if (!last_at_ || last_day_ < 0) return;
  BatteryForecast& out = fit.forecast;
  std::array<double, kDays> xs{};
  std::array<double, kDays> ys{};
  std::size_t n = 0;
  for (std::int64_t d = last_day_ - static_cast<std::int64_t>(kMotorWindowDays) + 1; d <= last_day_; ++d) {
    const MotorDay* b = find_day_entry(motor_days_, d);
    if (b == nullptr || b->motor_samples == 0) continue;
    out.motor_v_per_cell = b->min_motor;
    if (const Day* v = find_day_entry(days_, d); v != nullptr && v->samples > 0) {
      const double ohm = (static_cast<double>(v->sum_raw) / v->samples -
                          static_cast<double>(b->sum_motor) / b->motor_samples) /
                         (motor_.inrush_a - kRadioA);
      if (ohm > 0) out.measured_cell_ohm = ohm;
    }
    // Every day counts here, a fresh cell's too: in the cold an alkaline cell
    // browns out while its voltage still reads fresh (its resistance, not its
    // charge, ends it), so skipping "fresh" days would hide the whole decline.
    xs[n] = static_cast<double>(d - last_day_) + static_cast<double>(b->sum_motor_offset) / b->motor_samples;
    ys[n++] = b->min_motor;
  }
  if (n < static_cast<std::size_t>(kMinMotorDays)) return;

  const Timestamp t_last = *last_at_;
  const Timestamp day0 = utc_day_start(last_day_);
  const double brownout = motor_.brownout_v;
  struct Crossing {  // x: days after day0; early, late: the slope band's ends (late nullopt: never)
    double x, x_early;
    std::optional<double> x_late;
    SlopeFit line;
    std::size_t days;
  };
  std::optional<Crossing> best;
  std::size_t recent = n;
  while (recent > 0 && xs[recent - 1] > -kMotorRecentDays) --recent;
  for (const std::size_t from : {std::size_t{0}, recent}) {
    if (n - from < static_cast<std::size_t>(kMinMotorDays)) continue;
    const auto px = std::span(xs).subspan(from, n - from);
    const auto py = std::span(ys).subspan(from, n - from);
    const auto line = theil_sen(px, py, 0.25);
    if (!line) continue;
    Crossing c{0, 0, std::nullopt, *line, n - from};
    if (line->slope < -1e-4) {
      c.x = (brownout - line->intercept) / line->slope;
    } else if (line->intercept + line->slope * xs[n - 1] <= brownout) {
      c.x = xs[n - 1];  // at the brown-out already and not recovering
    } else {
      continue;
    }
    c.x_early = c.x;
    if (line->low < -1e-4)
      c.x_early = std::min(c.x, (brownout - median_intercept(px, py, line->low)) / line->low);
    if (line->high < -1e-5)
      c.x_late = std::max(c.x, (brownout - median_intercept(px, py, line->high)) / line->high);
    if (!best || c.x < best->x) best = c;
  }
  if (!best) return;
  const Timestamp dies = std::max(plus_days(day0, best->x), t_last);
  if (out.dies_at && dies >= *out.dies_at) return;  // the motor path only ever brings the date forward
  // The radio path's cut-off already stands on the resistance the motor
  // starts measured, and a line through the daily worst starts runs early;
  // it then speaks only near its end, where a short extrapolation is sure:
  // a resistance growing faster than the model's.
  if (fit.resistance_measured && days_between(t_last, dies) > kMotorSureDays) return;

  std::string words =
      "motor-start voltage " +
      (best->line.slope < 0 ? "falling " + fixed(-best->line.slope * 1000, 1) + " mV/day per cell"
                            : std::string("not recovering")) +
      " over " + std::to_string(best->days) + " days, " + fixed(*out.motor_v_per_cell, 3) +
      " V now, brown-out at " + fixed(brownout, 2) + " V/cell";
  if (out.measured_cell_ohm) words += "; measured " + fixed(*out.measured_cell_ohm * 1000, 0) + " mΩ/cell";
  if (out.dies_at) {
    words += "; the radio-load voltage alone gave " + utc_date(*out.dies_at) + " (" + out.basis + ")";
  }
  const Timestamp early = std::clamp(plus_days(day0, best->x_early), t_last, dies);
  std::optional<Timestamp> late;
  if (best->x_late) late = plus_days(day0, *best->x_late);
  if (out.latest && (!late || *out.latest < *late)) late = out.latest;  // whichever stops it first
  out.method = ForecastMethod::motor_trend;
  out.dies_at = dies;
  out.earliest = early;  // the measurement replaces the model's resistance margins
  out.latest = late ? std::optional<Timestamp>(std::max(*late, dies)) : std::nullopt;
  out.basis = std::move(words);
  // Alerts, as for the voltage line: pulled earlier by the data's own spread
  // (the steep end of the slope band) once the line has a week of points —
  // with 3-6 the band is weeks wide — and never later than the radio path's.
  const Timestamp alert = best->days >= 7 ? early : dies;
  fit.alert_at = std::clamp(fit.alert_at ? std::min(*fit.alert_at, alert) : alert, *out.earliest, dies);
}

const BatteryForecaster::Fit& BatteryForecaster::fitted() const {
  if (!cache_ || cache_->day != last_day_ || cache_->epoch != epoch_) keep(refit());
  return *cache_;
}

void BatteryForecaster::keep(Fit fit) const {
  std::string().swap(fit.forecast.basis);  // the words are made again when asked for
  cache_ = std::move(fit);
}

int BatteryForecaster::dropout_signs(Timestamp now, const Fit& fit, std::vector<std::string>* words) const {
  int brown_outs = 0;
  int dropouts = 0;
  int seen = 0;
  for (int i = 0; i < incident_count_; ++i) {
    const IncidentAt& e = incidents_[static_cast<std::size_t>(i)];
    if (e.at > now || now - e.at > kEvidenceWindow) continue;
    ++seen;
    brown_outs += e.kind != Incident::motor_dropout ? 1 : 0;
    dropouts += e.kind != Incident::brown_out ? 1 : 0;
  }
  const std::optional<double> level = fit.forecast.loaded_v_per_cell;
  const bool falling = level && *level < kLowCellV && fit.recent_slope < 0;
  if (falling) ++seen;
  if (words != nullptr) {
    if (brown_outs > 0) words->push_back(std::to_string(brown_outs) + " brown-out reboot(s) in 7 days");
    if (dropouts > 0) {
      words->push_back(std::to_string(dropouts) + " drop-out(s) within 60 s of a motor run in 7 days");
    }
    if (falling) {
      words->push_back("voltage falling below " + fixed(kLowCellV, 2) + " V/cell: " + fixed(*level, 3) +
                       " V, " + fixed(fit.recent_slope * 1000, 1) + " mV/day");
    }
  }
  return seen;
}

BatteryForecast BatteryForecaster::forecast(Timestamp now) const {
  Fit fit = refit();  // with its words, which the cache does not keep
  BatteryForecast out = fit.forecast;
  if (!cache_ || cache_->day != last_day_ || cache_->epoch != epoch_) keep(std::move(fit));
  if (out.dies_at) out.days_left = std::max(0.0, days_between(now, *out.dies_at));
  out.replaced_at = replaced_at_;
  out.low_battery_dropouts = dropout_signs(now, *cache_, &out.evidence) >= 2;
  return out;
}

bool BatteryForecaster::low_battery_dropouts(Timestamp now) const {
  return dropout_signs(now, fitted(), nullptr) >= 2;
}

std::vector<int> BatteryForecaster::due_alerts(Timestamp now) {
  std::vector<int> due;
  const Fit& fit = fitted();
  if (!fit.alert_at) return due;
  const double left = days_between(now, *fit.alert_at);
  for (std::size_t i = 0; i < kAlertHorizonsDays.size(); ++i) {
    const auto bit = static_cast<std::uint8_t>(1U << i);
    if ((fired_ & bit) != 0 || left > kAlertHorizonsDays[i]) continue;
    fired_ |= bit;
    due.push_back(kAlertHorizonsDays[i]);
  }
  return due;
}

}  // namespace lw::core
