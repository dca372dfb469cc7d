// BatteryForecaster: per lock, the date its battery stops running the motor —
// the day a lock or unlock is refused or browns the lock out — from the
// telemetry the lock sends, aware of the battery chemistry.
//
// What the lock reports: battery_mv, the pack voltage under the radio's
// 220 mA transmit load, and battery_pct, a linear gauge of it (1.10 V/cell =
// 0 %, 1.50 V/cell = 100 %). What stops the motor (src/firmware, per cell):
//   - the permit check: idle voltage − I_run × R_assumed < 1.075 V, with the
//     firmware's own constants (BoltConfig::running_current_ma = 250 mA,
//     LockFirmware::thresholds_for: 150 mΩ per cell) — see MotorLoad;
//   - the inrush: the real voltage at motor start (1.2 A stall current,
//     through the cell's real, state- and temperature-dependent resistance)
//     below 0.75 V browns the controller out;
//   - rest: below 1.05 V the lock cannot run at all.
// These are turned into one threshold on the quantity the lock reports (the
// per-cell voltage under 220 mA) by motor_cutoff_loaded_v(), with a coarse
// per-chemistry cell model (open-circuit voltage and internal resistance that
// grows as the cell empties and in the cold: Energizer E91/L91 and eneloop
// datasheets). For an alkaline pack at 20 °C the inrush decides: the lock
// stops at about 1.16 V/cell loaded (gauge ~15 %), with a third of the charge
// still in the cells; in the cold much earlier.
//
// Methods, by chemistry:
//   alkaline (and unknown, taken as alkaline, 4 cells unless inferred):
//     the daily mean loaded voltage per cell of the last 30 days (normalised
//     to 20 °C when temperatures come in) is read as a depth of discharge
//     along the cell's curve (alkaline_depth: the voltage falls faster as the
//     cell empties, the depth steadily at a steady drain); a Theil–Sen line
//     through the depths is extrapolated to the cut-off's depth; the band
//     comes from Sen's 90 % slope band and ±25 % on the resistance estimate. Days
//     above 1.45 V/cell (a fresh cell's fast first drop) are left out. With
//     fewer than 5 days, the voltage level is read as a state of charge and
//     the remaining charge divided by the activity's drain.
//   lithium, NiMH: the voltage is flat until the last few percent, so the
//     charge is counted: standby + messages + motor runs (with the Peukert
//     cost of the high currents) + self-discharge, against the nominal
//     capacity since the battery change. Without a change seen the start is
//     unknown: the forecast says so and spans from "the collapse begins
//     tomorrow" to "the pack was fresh when first seen". Once the voltage
//     falls through the knee (1.40 V/cell lithium, 1.15 V NiMH, loaded) the
//     rest is the post-knee charge and the collapse's own slope.
//
// Motor-start voltage: the lock also reports motor_mv, the pack voltage it
// measured at its last motor start under the stall current — the very
// quantity whose fall below brownout_v ends the lock. The cell model above
// guesses the resistance behind the radio-load reading (a datasheet's; in the
// cold a guess). The same day's two readings measure it: the model predicts
// how far apart they are per ohm, and the median over the last week's days
// with both (at least 3) of measured / predicted scales the model's
// resistance everywhere — the normalisation to 20 °C and the cut-off, whose
// brown-out check is then the measured cell's (band ±10 % instead of ±25 %).
// When at least 3 days carry motor readings (for every chemistry), a
// Theil–Sen line through the daily lowest motor-start voltage per cell is
// also extrapolated to brownout_v; the earlier of that and the estimate above
// is the forecast (method motor_trend when the motor path decides) — with a
// measured resistance only when the line meets the brown-out within 10 days
// (a resistance growing faster than the model's; further out a line through
// each day's worst start runs early and adds only its own noise). The cell's
// resistance, R = (V_radio − V_motor) / (inrush_a − 0.22 A), is shown in the
// forecast either way.
//
// Temperature: the lock's own reports, averaged over the last 7 days. A lock
// that reports none (Zigbee and Z-Wave locks) is taken to be at 20 °C unless
// a battery change was seen and the lock reports its voltage (a gauge tops
// out at 100 % for any fresh pack): a fresh alkaline cell reads about 1.55 V
// under the radio's load at 20 °C, and in the cold its larger resistance makes
// it read less. The first 6 hours' voltages of the new pack are solved for the
// temperature that explains them (when they fall more than 10 mV/cell
// short) and that temperature is used as if reported. Used cells put in read
// like cold fresh ones: the error is an early warning, never a late one.
//
// A lock that reports no temperature and whose last alkaline pack was
// changed while the forecast still gave it more than 7 days (it stopped
// early) shows where its packs stop: the level the pack was at when it was
// changed. In the cold that is far above where a pack stops at 20 °C (a
// Z-Wave lock's gauge at 0 °C: ~44 % against ~15 %). The temperature that
// puts the motor cut-off there is used for the next packs, unless a pack's
// own fresh readings or reported temperatures say more; a pack whose motor
// still runs 30 mV/cell below that level proves it wrong, and it is forgotten.
//
// Failing those two, the temperature the installer gave for the lock's place
// (BatteryProfile::ambient_c: an outdoor gate, an unheated garage) is used.
// A first pack in the cold says nothing of the cold on its own: its radio-load
// readings sit only 15–30 mV/cell under a warm cell's, as if 5 % deeper.
//
// Failing all of these, for an alkaline
// pack whose change was seen at least 14 days ago: the charge counted since
// (standby, messages, motor runs, as for the lithium count) puts the cells at
// a depth of discharge, which reads a known voltage at 20 °C; a reading more
// than 25 mV/cell under it is solved for the temperature as above. It rests
// on the drain model, so it only ever says "colder", never "warmer".
//
// A battery change is detected from the data: a rise of more than 80 mV/cell
// held over two samples, or a power_on boot followed by a voltage 30 mV/cell
// above the level before it (or told by replaced()). The history restarts.
//
// Low-battery drop-outs: within the last 7 days, at least 2 of: brown_out
// boots, drop-outs within 60 s after a motor run (a drop-out and a brown-out
// boot within 15 minutes count once), a falling voltage below 1.2 V/cell.
//
// Memory: daily aggregates, each kept as long as it is read — voltages for
// kDays days, motor starts for kMotorDays, temperatures and activity for
// kActivityDays — a few counters, the last kMaxIncidents incidents: fixed
// per lock (about 2.3 KB). sample() is O(1); the alerts and the drop-out
// check refit at most once per day of data (or after a battery change) and
// keep the fit's numbers; forecast() refits for its words each time.
//
// Pure: no I/O, no clock; every call takes its time, non-decreasing.
// Threading: not thread-safe; one owner.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "core/battery/drain.h"
#include "core/lock/vocabulary.h"

namespace lw::core {

/// How the firmware decides it may run the motor; all per cell, volts,
/// amperes, ohms. Defaults: src/firmware (power.h, bolt.h, thresholds_for).
struct MotorLoad {
  double running_a{0.25};          ///< the current the permit check predicts the sag with
  double assumed_cell_ohm{0.150};  ///< the resistance the permit check assumes
  double idle_a{0.005};            ///< the load under which the idle voltage is read
  double cutoff_v{1.075};          ///< predicted motor voltage below this: refused
  double inrush_a{1.2};            ///< stall current at motor start
  double brownout_v{0.75};         ///< measured voltage at motor start below this: reset
  double dead_v{1.05};             ///< at rest below this the lock cannot run at all
};

/// The per-cell voltage under the radio's 220 mA load, at `temp_c`, at which
/// a battery of chemistry `c` stops running the motor, volts.
/// `resistance_scale` scales the modelled internal resistance (for bands).
double motor_cutoff_loaded_v(Chemistry c, double temp_c, const MotorLoad& motor = {},
                             double resistance_scale = 1.0) noexcept;

/// An alkaline cell's loaded voltage per cell at 20 °C (under the radio's
/// load) at `depth` of discharge (0..1), from Energizer E91's curve, and the
/// depth a reading shows: the curve the voltage trend is drawn along.
double alkaline_loaded_v20(double depth) noexcept;
double alkaline_depth(double loaded_v20) noexcept;

/// How a forecast was made.
enum class ForecastMethod {
  none,                    ///< not enough data yet
  voltage_trend,           ///< alkaline: the line through the daily voltages
  voltage_level,           ///< alkaline: too few days for a line; voltage read as state of charge
  capacity,                ///< lithium/NiMH: charge counted since an observed battery change
  capacity_start_unknown,  ///< lithium/NiMH: charge counted, start not seen
  collapse,                ///< lithium/NiMH: past the knee
  motor_trend,             ///< the line through the daily motor-start voltages meets the brown-out first
};
std::string_view to_string(ForecastMethod m) noexcept;

struct BatteryForecast {
  std::optional<Timestamp> dies_at;   ///< best estimate of the day the motor stops
  std::optional<Timestamp> earliest;  ///< the band around it; latest absent: unbounded
  std::optional<Timestamp> latest;
  std::optional<double> days_left;  ///< from `now` to dies_at, >= 0
  ForecastMethod method{ForecastMethod::none};
  /// Plain words: "voltage trend over 21 days: -2.0 mV/day per cell, 1.26 V
  /// now, cut-off 1.16 V/cell at 20 °C", with what was assumed.
  std::string basis;
  std::optional<double> loaded_v_per_cell;  ///< latest daily mean, as reported (not normalised)
  double cutoff_v_per_cell{0};              ///< the cut-off in the same terms, at the recent temperature
  /// The last day's lowest motor-start voltage per cell (under inrush_a), if reported.
  std::optional<double> motor_v_per_cell;
  /// The cell's internal resistance measured from the last day with both
  /// readings (radio load and motor start), ohms per cell.
  std::optional<double> measured_cell_ohm;
  /// The cells' resistance over the model's, as measured over the last week
  /// and used for the cut-off; absent without motor-start readings.
  std::optional<double> resistance_scale;
  bool low_battery_dropouts{false};
  std::vector<std::string> evidence;  ///< what was seen for low_battery_dropouts
  /// When a battery change was last detected (or told by replaced()), if ever.
  std::optional<Timestamp> replaced_at;
};

class BatteryForecaster {
 public:
  /// Days of voltage readings: the alkaline line's 30 and a lithium or NiMH
  /// pack's collapse since its knee (at most the 5 % of its charge left there).
  static constexpr int kDays = 40;
  static constexpr int kMotorDays = 21;  ///< days of motor-start readings (the motor line's window)
  static constexpr int kActivityDays =
      8;  ///< days of temperatures, messages and operations (the last 7 and today)
  static constexpr int kMaxIncidents = 16;
  static constexpr std::array<int, 4> kAlertHorizonsDays{30, 14, 7, 3};

  explicit BatteryForecaster(BatteryProfile profile, MotorLoad motor = {});

  /// A new chemistry, cell count or standby current; the next forecast uses it.
  void set_profile(BatteryProfile profile);

  /// A telemetry: `loaded_mv` the pack under the radio's load, `pct` the
  /// gauge (used when loaded_mv is absent), `temperature_c` at the lock.
  void sample(Timestamp at, std::optional<double> loaded_mv, std::optional<double> pct,
              std::optional<double> temperature_c = std::nullopt);
  /// The pack voltage measured at the last motor start, under the stall
  /// current (MotorLoad::inrush_a), millivolts. The lock repeats it in its
  /// telemetry until the next motor run: a value equal to the previous one
  /// is taken as the same reading and ignored.
  void motor_sample(Timestamp at, double motor_mv);
  /// A motor run (lock or unlock).
  void operation(Timestamp at);
  /// `count` messages heard from the lock.
  void message(Timestamp at, int count = 1);
  /// The lock reported a reboot.
  void boot(Timestamp at, BootReason reason);
  /// As above with the wire name ("brown_out", "power_on", "watchdog", ...);
  /// an unknown name counts as neither brown-out nor power-on.
  void boot(Timestamp at, std::string_view reason);
  /// The lock went offline.
  void dropout(Timestamp at);
  /// Someone says the battery was changed at `at`.
  void replaced(Timestamp at);

  /// The forecast as of `now` (>= the last input), with its words (made
  /// afresh on each call: the forecaster keeps only the numbers).
  [[nodiscard]] BatteryForecast forecast(Timestamp now) const;
  /// BatteryForecast::low_battery_dropouts as of `now`, without the words.
  [[nodiscard]] bool low_battery_dropouts(Timestamp now) const;

  /// The horizons of kAlertHorizonsDays (largest first) newly crossed since
  /// the last call: each at most once per battery; a battery change re-arms
  /// them. A first forecast already 10 days out gives {30, 14}. A horizon is
  /// crossed when the time left to the alert instant is <= it; that instant
  /// is the best estimate pulled earlier by the data's own spread (the steep
  /// end of the voltage line's slope band, the high end of the drain), not
  /// `earliest`, whose model margins would bring every 3-day alert weeks
  /// early (see forecast.cpp). Nothing before there is a forecast.
  std::vector<int> due_alerts(Timestamp now);

  /// When the battery in use was fitted, if a change was seen.
  [[nodiscard]] std::optional<Timestamp> fitted_at() const { return fitted_at_; }

 private:
  // Daily aggregates in three rings keyed by day (days since the epoch), each
  // as long as its fields are read.
  // Sums are floats: a day's readings (a few hundred volts at most) keep
  // their mean to within microvolts, and a lock keeps 93 of these rings' days.
  struct Day {  // voltage readings: kDays; 20 bytes
    std::int32_t day{-1};
    std::uint16_t samples{0};  // saturates (a reading every 1.3 s)
    bool heated{false};        // some sample came with a temperature: sum_v20 is normalised
    float sum_v20{0};          // per cell, normalised to 20 °C
    float sum_raw{0};          // per cell, as reported
    float sum_offset{0};       // sample times, days after the day's start
  };
  struct MotorDay {  // motor-start readings: kMotorDays; 20 bytes
    std::int32_t day{-1};
    std::int32_t motor_samples{0};
    float min_motor{0};         // per cell, volts: the day's worst motor start
    float sum_motor{0};         // per cell
    float sum_motor_offset{0};  // like sum_offset, for the motor readings
  };
  struct ActivityDay {  // kActivityDays; 20 bytes
    std::int32_t day{-1};
    std::int32_t temp_samples{0};
    float sum_temp{0};
    std::int32_t messages{0};
    std::int32_t operations{0};
  };
  enum class Incident : std::uint8_t { brown_out, motor_dropout, both };
  struct IncidentAt {
    Timestamp at;
    Incident kind{Incident::brown_out};
  };
  struct Held {  // a sample waiting for a second one to confirm a jump
    Timestamp at;
    double v20{0};
    double raw{0};
    std::optional<double> temperature_c;
    bool measured{false};  // a voltage reading, not one read off the gauge
  };
  struct PowerOn {
    Timestamp at;
    std::optional<double> level_before;
  };
  struct Fit {
    std::int64_t day{-1};
    std::uint64_t epoch{0};
    BatteryForecast forecast;
    std::optional<Timestamp> alert_at;  // the instant the alert horizons are measured to
    double recent_slope{0};             // V/day over the last 7 days
    bool resistance_measured{false};    // the radio path used measured_resistance_scale()
  };

  [[nodiscard]] Chemistry chemistry() const;
  [[nodiscard]] int cells() const;
  /// Notes an input's day (first_at_, last_day_) and returns it.
  std::int64_t note_day(Timestamp at);
  void add(const Held& s);
  void start_battery(Timestamp at);
  void incident(Timestamp at, Incident kind);
  [[nodiscard]] std::optional<double> inferred_temperature() const;
  /// The temperature whose motor cut-off is where the last pack stopped.
  [[nodiscard]] std::optional<double> learnt_temperature() const;
  void learn_where_it_stopped();
  /// The cells' resistance over the model's at `temp_c`, from the last
  /// week's days with a radio-load and a motor-start reading (their
  /// difference is the resistance's doing); nullopt with fewer than 3.
  [[nodiscard]] std::optional<double> measured_resistance_scale(double temp_c) const;
  [[nodiscard]] Fit refit() const;
  /// The fit as of the last input's day, refit at most once a day (or after
  /// a battery change); kept without its words.
  [[nodiscard]] const Fit& fitted() const;
  void keep(Fit fit) const;
  /// The low-battery drop-out signs seen as of `now`; their words into `words`.
  int dropout_signs(Timestamp now, const Fit& fit, std::vector<std::string>* words) const;
  [[nodiscard]] Fit fit_radio() const;
  void apply_motor(Fit& fit) const;

  BatteryProfile profile_;
  MotorLoad motor_;
  std::optional<int> inferred_cells_;
  std::array<Day, kDays> days_{};
  std::array<MotorDay, kMotorDays> motor_days_{};
  std::array<ActivityDay, kActivityDays> activity_days_{};
  std::int64_t last_day_{-1};
  std::optional<Timestamp> first_at_;     // first input of this battery (or of tracking)
  std::optional<Timestamp> replaced_at_;  // the last battery change detected
  std::optional<Timestamp> fitted_at_;    // a battery change seen
  std::optional<Timestamp> last_at_;
  std::optional<double> level_;  // smoothed v20 of recent samples
  std::optional<Held> held_;
  std::optional<PowerOn> power_on_;
  std::optional<Timestamp> last_operation_;
  std::optional<double> last_motor_mv_;  // the wire value last seen (kept across a battery change)
  std::int64_t messages_{0};             // since first_at_
  std::int64_t operations_{0};
  std::array<IncidentAt, kMaxIncidents> incidents_{};
  int incident_count_{0};
  int incident_next_{0};
  // Readings without a temperature in the first hours after a seen battery
  // change: how far they fall short of a fresh cell's shows the cold.
  double fresh_sum_{0};
  int fresh_count_{0};
  std::uint8_t fired_{0};  // bit i: kAlertHorizonsDays[i] given
  // Where the last unforeseen alkaline pack stopped, volts per cell as
  // reported; kept across battery changes.
  std::optional<float> stopped_at_v_;
  std::uint64_t epoch_{0};
  mutable std::optional<Fit> cache_;
};

}  // namespace lw::core
