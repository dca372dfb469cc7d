// LinkTrend: the radio link of one device over days, to warn before the link
// fails. Three questions, each answered with plain-word evidence:
//
//  - Is the link weak now? The signal's level is an exponentially weighted
//    moving average (time constant `level_time_constant`, 1 h) compared with
//    `weak_below`.
//  - Is it degrading? Daily means of the last `trend_max_days` (14) calendar
//    days (UTC) are fitted by least squares against time. The link is
//    degrading when at least `trend_min_days` (7) days have data, the fitted
//    slope falls faster than `min_slope_per_day` and by more than
//    `slope_sigmas` (2) standard errors, and the fitted line reaches
//    `failing_below` within `fail_horizon` (14 days). `fails_at` is that
//    crossing. A fit over days, not samples: a day's mean averages away the
//    minute-to-minute fading, and a slope is only trusted when it stands out
//    of the day-to-day scatter.
//  - Does loss recur at the same hour of the day (interference: a neighbour's
//    microwave, a baby monitor, a nightly backup saturating the Wi-Fi)? Over
//    the last 7 days, per hour of the day (UTC): the hour's loss rate must be
//    at least `recurring_factor` (3) times the device's overall rate and at
//    least `recurring_min_rate` (20 %), the hour must have lost at least that
//    share on `recurring_min_days` (3) distinct days, and the excess must be
//    unlikely by chance (binomial tail against the other hours' rate, under
//    `recurring_significance` after a Bonferroni correction over 24 hours).
//
// Inputs. `signal(at, value)`: one reading in the scale's unit — Wi-Fi/BLE
// RSSI in dBm (-120..0) or Zigbee link quality (LQI, 0..255); higher is better
// on both. `heartbeat_slot(at, lost)`: call once per heartbeat the hub
// expected, at the slot's time, saying whether it was lost (never arrived).
// Timestamps are non-decreasing per input kind; a reading older than the
// kept history is dropped.
//
// Example:
//   LinkTrend link(SignalScale::rssi_dbm);
//   link.signal(t, -71);
//   link.heartbeat_slot(t, /*lost=*/false);
//   LinkReport r = link.report(now);
//   if (r.degrading) warn(r.evidence);   // "falling 1.5 dB a day for 9 days"
//
// Pure: no I/O, no clock; time comes in as a parameter. Fixed memory per
// device (kDays daily aggregates and a 7 x 24 hourly loss grid, under 1 KB); inputs
// are O(1), a report is O(kDays + 168).
// Threading: not thread-safe; one owner.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/time.h"

namespace lw::core {

/// What a device reports as its signal. Higher is better on both scales.
enum class SignalScale {
  rssi_dbm,  ///< Wi-Fi / BLE received signal strength, dBm, -120..0
  lqi,       ///< Zigbee link quality indicator, 0..255
};

/// What a LinkTrend says about a link at one moment.
struct LinkReport {
  /// Smoothed signal (EWMA) in the scale's unit; NaN before the first reading.
  double level{std::numeric_limits<double>::quiet_NaN()};
  /// The newest reading (what a repair shows at once, before the level follows); NaN before the first.
  double latest{std::numeric_limits<double>::quiet_NaN()};
  /// `latest` is under `weak_below`.
  bool latest_weak{false};
  /// Fitted change per day over the daily means (unit per day); 0 with fewer
  /// than 2 days of data.
  double slope_per_day{0};
  /// Spread of the readings around their recent mean (6 h weighting); 0 with
  /// fewer than 2 readings.
  double std_dev{0};
  /// Share of expected heartbeats lost in the current hour and the 23 before
  /// it (UTC clock hours); 0 when none was expected.
  double loss_rate_24h{0};
  /// The same share over the current hour and the one before it (the last
  /// 60..120 minutes), and over the week's hours before those two; nullopt
  /// when none was expected there. A network that became crowded shows in
  /// the first against the second; a link that was always poor in both.
  std::optional<double> loss_rate_recent;
  std::optional<double> loss_rate_before;
  /// Since the first heartbeat slot counted (time since then at `now`):
  /// a loss rate over minutes is one event, not the link.
  Duration counted_for{};
  /// The level is under `weak_below`.
  bool weak{false};
  /// The link is falling significantly and will cross `failing_below` within
  /// the horizon (see the header comment).
  bool degrading{false};
  /// When degrading: the projected crossing of `failing_below`; `now` if the
  /// fitted line is already under it.
  std::optional<Timestamp> fails_at;
  /// The hour of the day (0..23, UTC) at which loss recurs.
  std::optional<int> recurring_loss_hour;
  /// Plain words for a person: "signal -82 dBm, weak (under -75)",
  /// "falling 1.5 dB a day for 9 days", "loss at 18:00-19:00 on 5 of the last 7 days".
  std::vector<std::string> evidence;
};

class LinkTrend {
 public:
  /// Calendar days (UTC) of signal aggregates kept: the trend window plus slack.
  static constexpr int kDays = 16;
  /// Hours of heartbeat-loss counts kept: 7 days x 24 hours.
  static constexpr int kLossHours = 7 * 24;

  struct Options {
    /// A level under this is weak: RSSI -75 dBm, LQI 60.
    double weak_below{-75};
    /// A level under this is failing (frequent loss expected): RSSI -85 dBm, LQI 25.
    double failing_below{-85};
    /// Smallest fall worth calling degrading, unit per day: RSSI 0.3 dB (4 dB
    /// over two weeks, about the spread of a single reading), LQI 1.
    double min_slope_per_day{0.3};
    /// EWMA time constant of the level (both time constants at least 1 ms).
    Duration level_time_constant{std::chrono::hours(1)};
    /// EWMA time constant of the spread (std_dev).
    Duration spread_time_constant{std::chrono::hours(6)};
    /// Days with data needed before a trend is believed, and days fitted
    /// (both clamped to 2..kDays).
    int trend_min_days{7};
    int trend_max_days{14};
    /// A day with fewer readings does not enter the fit.
    int min_samples_per_day{3};
    /// The fall must exceed this many standard errors of the slope.
    double slope_sigmas{2.0};
    /// How far ahead a projected failure makes the link "degrading".
    Duration fail_horizon{std::chrono::hours(14 * 24)};
    /// Recurring loss: hour rate >= factor x overall rate, and >= min rate,
    /// on >= min days, with a chance probability under `significance`.
    double recurring_factor{3.0};
    double recurring_min_rate{0.2};
    int recurring_min_days{3};
    double recurring_significance{0.01};
    /// A 24 h loss rate from this share up is mentioned in the evidence.
    double notable_loss_rate{0.05};

    /// The defaults for a scale: the values above for RSSI; for LQI weak 60,
    /// failing 25, min slope 1 a day.
    static Options for_scale(SignalScale scale);
  };

  explicit LinkTrend(SignalScale scale);
  LinkTrend(SignalScale scale, Options options);

  /// One signal reading at `at`. Values outside the scale's range are clamped
  /// into it (the decoder validates; one stray value must not poison the
  /// trend); NaN is ignored.
  void signal(Timestamp at, double value);

  /// One expected heartbeat slot at `at`: `lost` when the heartbeat never
  /// arrived. Call exactly once per slot the hub expected.
  void heartbeat_slot(Timestamp at, bool lost);

  /// The link as of `now` (>= the inputs' times).
  [[nodiscard]] LinkReport report(Timestamp now) const;

  [[nodiscard]] SignalScale scale() const { return scale_; }
  [[nodiscard]] const Options& options() const { return *options_; }

 private:
  struct Day {                                                   // 16 bytes
    std::int32_t day{std::numeric_limits<std::int32_t>::min()};  // days since the epoch, UTC
    std::int32_t n{0};
    float sum{0};           // a day's readings keep their mean to within 0.01 dB
    float sum_fraction{0};  // sum of the readings' times of day, in days (0..1)
  };
  struct LossHour {         // 2 bytes: 168 of them per lock; its hour is its place in the ring
    std::uint8_t slots{0};  // halved with `lost` when full (a heartbeat under 14 s: the
                            // hour's later minutes then weigh more)
    std::uint8_t lost{0};
  };
  struct Trend {
    int days{0};
    double slope{0};
    double std_error{0};
    double fitted_now{0};
  };
  struct Recurring {
    int hour{0};
    int lossy_days{0};
    int observed_days{0};
  };

  [[nodiscard]] Trend fit_trend(Timestamp now) const;
  [[nodiscard]] std::optional<Recurring> find_recurring(std::int64_t now_hour) const;
  /// The cell of `hour` (hours since the epoch) if the ring holds that hour, else nullptr.
  [[nodiscard]] const LossHour* loss_cell(std::int64_t hour) const;
  /// "-82 dBm" or "45": a value in the scale's unit.
  [[nodiscard]] std::string value_words(double value) const;

  SignalScale scale_;
  std::shared_ptr<const Options> options_;  // the scale's defaults are shared by every lock

  // Level: weighted mean with weights exp(-age / level_time_constant).
  double level_weight_{0};
  double level_{0};
  // Spread: weighted mean and second moment about it (West's update).
  double spread_weight_{0};
  double spread_mean_{0};
  double spread_m2_{0};
  double spread_weight_sq_{0};  // sum of squared weights, for the unbiased variance
  std::optional<Timestamp> last_signal_;
  double latest_{0};  // the reading at last_signal_

  std::array<Day, kDays> days_{};
  std::array<LossHour, kLossHours> loss_{};
  std::optional<std::int64_t> newest_hour_;     // the ring holds the kLossHours hours up to it
  std::optional<std::int64_t> last_loss_hour_;  // the newest hour with a loss: none, no scan
  std::optional<Timestamp> first_slot_;         // the first heartbeat slot counted
};

}  // namespace lw::core
