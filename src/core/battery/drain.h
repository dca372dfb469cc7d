// Battery drain: what a lock's activity costs its battery, and DrainTracker,
// which estimates the drain per UTC day and warns when it jumps after a change
// (a firmware update, a shorter heartbeat, a weaker radio link, an
// integration that polls the lock).
//
// The charge model (the figures of the lock firmware and the world simulator):
//   standby       the transport's average sleep current, all day long
//                 (standby_ma(): Wi-Fi 0.45 mA, BLE 0.20, Zigbee/Thread 0.22, Z-Wave 0.25)
//   transmitting  220 mA for 40 ms per message  (≈ 0.0024 mAh)
//   motor run     1.2 A for 0.6 s per lock/unlock (0.2 mAh)
// A Wi-Fi lock heard every 10 minutes that runs its motor 10 times a day uses
// 10.8 + 0.35 + 2.0 ≈ 13 mAh/day: standby dominates, so even a tenfold
// heartbeat raises its drain only by about a quarter. Messages the hub hears
// stand in for messages the lock sends: a rough proxy (lost messages, retries
// and scans are not seen).
//
// DrainTracker keeps one bucket per UTC day for the last kDays days (message
// and operation counts, daily mean voltage and gauge) and the last
// kMaxChanges reported changes. A day counts towards the drain when it is
// complete (before the day of `now`), is not the partly observed first day,
// and at least one message was heard that day (a silent day says nothing
// about the lock's activity). The jump rule (see report()) works on the
// activity estimate only; voltage is reported as a smoothed slope and never
// decides a jump, because a day's voltage noise is far larger than a
// 1-2 mV/day real drift.
//
// Pure: no I/O, no clock; every call takes its time, non-decreasing (older
// inputs land in their day while it is still kept, else are dropped). Fixed
// memory per lock.
// Threading: not thread-safe; one owner.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "core/lock/vocabulary.h"

namespace lw::core {

/// Battery chemistry of a lock's AA cells; `unknown` is treated as alkaline.
enum class Chemistry { alkaline, lithium, nimh, unknown };

std::string_view to_string(Chemistry c) noexcept;
std::optional<Chemistry> parse_chemistry(std::string_view s) noexcept;

/// What is known about a lock's battery and radio.
struct BatteryProfile {
  Chemistry chemistry{Chemistry::unknown};
  /// Cells in series (1..8). nullopt: inferred from a telemetry carrying both
  /// battery_mv and battery_pct, else 4.
  std::optional<int> cells;
  /// Average standby current of the lock's transport, mA (standby_ma()).
  double standby_ma{0.25};
  /// The temperature around the lock, °C, as the installer gave it (an
  /// outdoor gate: its winter low). Used when the lock reports none.
  std::optional<double> ambient_c;
};

/// Charge per message sent: 220 mA for 40 ms, mAh.
inline constexpr double kTransmitMah = 220.0 * 0.040 / 3600.0;
/// Charge per motor run: 1.2 A for 0.6 s, mAh.
inline constexpr double kMotorRunMah = 1200.0 * 0.6 / 3600.0;
/// Fuel gauge of the firmware: loaded volts per cell at 0 % and 100 %.
inline constexpr double kGaugeEmptyV = 1.10;
inline constexpr double kGaugeFullV = 1.50;

/// Average standby current of a transport, mA.
double standby_ma(Transport t) noexcept;
/// Nominal light-load (25 mA) capacity of one AA cell, mAh: alkaline 2,700,
/// lithium 3,400, NiMH 2,000 (unknown: alkaline).
double nominal_capacity_mah(Chemistry c) noexcept;
/// The per-cell loaded voltage a gauge reading stands for, volts (1 % = 4 mV).
double gauge_to_cell_v(double pct) noexcept;
/// Cells in series implied by a telemetry's pack millivolts and gauge
/// percent; nullopt when the gauge is saturated (<= 2 or >= 98 %) or the
/// answer is outside 1..8.
std::optional<int> infer_cells(double pack_mv, double pct) noexcept;

/// A robust straight line through points: Theil–Sen (the median of the
/// pairwise slopes, Sen 1968) with Sen's rank-based 90 % confidence band on
/// the slope. A few outlying days do not tilt it.
struct SlopeFit {
  double slope{0};      ///< y per x
  double intercept{0};  ///< y at x = 0: the median of y − slope·x
  double low{0};        ///< lower end of the slope's 90 % band
  double high{0};       ///< upper end
  int points{0};
};
/// Fits y over x (same length, at most 64 points); pairs closer than `min_dx`
/// in x are skipped. nullopt with fewer than 3 points or no usable pair.
std::optional<SlopeFit> theil_sen(std::span<const double> x, std::span<const double> y, double min_dx);
/// The intercept that goes with `slope`: the median of y − slope·x.
double median_intercept(std::span<const double> x, std::span<const double> y, double slope);

struct DrainReport {
  double mah_per_day{0};           ///< estimated from activity: mean of the last 2 complete days
  double baseline_mah_per_day{0};  ///< mean of the 7 days before the jump (or before the last 2)
  double ratio{0};                 ///< mah_per_day / baseline_mah_per_day; 0 without a baseline
  double charge_pct_per_day{0};    ///< mah_per_day as a share of the chemistry's nominal capacity, %
  /// Observed gauge drop, %/day (positive: falling), Theil–Sen over the
  /// daily means of the last 14 days; 0 with fewer than 3 days.
  double pct_per_day{0};
  /// Observed drop of the loaded pack voltage, mV/day (positive: falling), likewise.
  double mv_per_day{0};
  bool jumped{false};
  std::optional<Timestamp> since;  ///< start (00:00 UTC) of the first day of the jump
  /// The change() reported nearest before the jump (at most 2 days before its
  /// first day, or during it), then what rose: "heartbeat 60s -> 10s;
  /// message rate up 6.0x (1440 -> 8640 a day)". Without a reported change
  /// only the activity part. Empty without a jump.
  std::string cause;
  int days_counted{0};  ///< complete days that count towards the drain
};

class DrainTracker {
 public:
  static constexpr int kDays = 35;
  static constexpr int kMaxChanges = 8;
  /// The jump rule: the last 2 days' mean >= kJumpRatio × the 7 days before
  /// them, and at least kJumpMinMah more.
  static constexpr double kJumpRatio = 1.8;
  static constexpr double kJumpMinMah = 0.5;

  explicit DrainTracker(BatteryProfile profile);

  /// Applies to every day, past ones included, at the next report().
  void set_profile(BatteryProfile profile);

  /// A telemetry: `loaded_mv` is the pack voltage under the radio's load,
  /// `pct` the lock's gauge (0..100). Either may be absent; a missing one is
  /// derived from the other when the cell count is known.
  void sample(Timestamp at, std::optional<double> loaded_mv, std::optional<double> pct);
  /// `count` messages heard from the lock (>= 1).
  void message(Timestamp at, int count = 1);
  /// A motor run (lock or unlock).
  void operation(Timestamp at);
  /// Something changed that may change the drain, in plain words
  /// ("firmware 1.4.0 -> 1.5.0", "heartbeat 600s -> 60s").
  void change(Timestamp at, std::string what);

  /// The drain as of `now`, from complete days only (before now's UTC day).
  /// A jump: the last 2 days' mean >= kJumpRatio × the mean of the 7 days
  /// before them (at least 3 of them counted) and kJumpMinMah more. A jump
  /// stays reported while it lasts: its onset is the earliest day s whose
  /// pair (s, s+1) meets the rule against the 7 days before s, with the last
  /// 2 days still meeting it against that baseline and no day in between
  /// back below half the step. `since` is the first day of the pair that
  /// carries a quarter of the step (a change at noon makes its day the first).
  [[nodiscard]] DrainReport report(Timestamp now) const;

 private:
  struct Day {             // 24 bytes: kDays of them per lock
    std::int32_t day{-1};  // days since the epoch
    std::int32_t messages{0};
    std::int32_t operations{0};
    std::uint16_t volt_samples{0};  // saturate (a reading every 1.3 s): the mean is known by then
    std::uint16_t pct_samples{0};
    float sum_mv{0};  // a day's sum keeps its mean to within 0.1 mV
    float sum_pct{0};
  };
  struct Change {
    Timestamp at;
    std::string what;
  };

  Day* bucket(Timestamp at);
  [[nodiscard]] int cells() const;
  /// The day's estimated drain, or nullopt when it does not count.
  [[nodiscard]] std::optional<double> day_mah(std::int64_t day, std::int64_t today) const;
  [[nodiscard]] DrainReport compute(std::int64_t today) const;

  BatteryProfile profile_;
  std::optional<int> inferred_cells_;
  std::array<Day, kDays> days_{};
  std::optional<Timestamp> first_at_;
  std::vector<Change> changes_;  // at most kMaxChanges; none for most locks
  int change_next_{0};           // the one to overwrite once full
  struct Cached {
    std::int64_t today;
    DrainReport report;
  };
  mutable std::optional<Cached> cache_;  // report() of `today`; reset when a complete day changes
};

}  // namespace lw::core
