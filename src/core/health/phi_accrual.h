// PhiAccrual: a per-device failure detector in the manner of Hayashibara et
// al., "The φ accrual failure detector" (2004): instead of a fixed time-out it
// says how unlikely the present silence is for a live device,
//   φ = −log10(P(a live device stays silent this long)).
// φ = 1 means a 10 % chance the device is merely late, φ = 8 one in 10⁸.
//
// The model fits devices that report on a cadence T (a lock's heartbeat) over
// a lossy link: the j-th report after the last message arrives near j·T with
// a normal jitter σ, unless it is lost (probability p, independently). Then
//   P(silent for s) = Π_j [ p + (1 − p) · Q((s − j·T) / σ) ]
// which grows by a factor 1/p per missed report. A normal model of the
// inter-arrival times (the original paper's) calls every lost heartbeat a
// 5-sigma event; this one learns that this device loses about p of them.
//
// T is the cadence the device declares; p and σ are learnt from the last 64
// intervals (p with a prior of 5 % worth ten reports, σ floored at
// `min_std_dev` and at 2 % of T). Any message counts as a sign of life: the
// next report is due at most T after it. `acceptable_pause` is added to the
// silence allowed: a known pause (a firmware install, a sleepy device's
// check-in slack).
//
// Pure: no I/O, no clock; every call takes its time. Fixed memory per device.
// Threading: not thread-safe; one owner.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/time.h"

namespace lw::core {

class PhiAccrual {
 public:
  static constexpr std::size_t kWindow = 64;

  struct Options {
    Duration min_std_dev{std::chrono::milliseconds(500)};
    Duration acceptable_pause{Duration::zero()};
    double prior_loss{0.05};  // p before any evidence
    double prior_weight{10};  // worth this many reports
  };

  /// A detector for a device that declares `declared_interval` between
  /// reports (its heartbeat); > 0.
  explicit PhiAccrual(Duration declared_interval);
  PhiAccrual(Duration declared_interval, Options options);

  /// A message arrived at `at` (non-decreasing).
  void heard(Timestamp at);
  /// The device declares a new cadence (e.g. slower on a low battery): the
  /// learnt history is dropped.
  void declare(Duration interval);

  /// Suspicion at `now`: 0 right after a message, growing with the silence.
  /// 0 before the first message.
  [[nodiscard]] double phi(Timestamp now) const;
  /// The moment φ reaches `threshold`; nullopt before the first message.
  [[nodiscard]] std::optional<Timestamp> crosses(double threshold) const;

  /// The declared cadence T.
  [[nodiscard]] Duration mean() const { return period_; }
  /// The learnt jitter σ around the expected arrivals.
  [[nodiscard]] Duration std_dev() const;
  /// The learnt share of reports lost on the way.
  [[nodiscard]] double loss_rate() const;
  [[nodiscard]] std::optional<Timestamp> last_heard() const { return last_; }

 private:
  /// An interval with `slots` reports due in it (0 when shorter than half a
  /// period), `residual_ms` from the nearest expected arrival.
  void push(double slots, double residual_ms);
  /// An interval's residual in the window's units (1/65536 of the period), and back.
  [[nodiscard]] std::int16_t to_units(double residual_ms) const;
  [[nodiscard]] double from_units(std::int16_t units) const;
  [[nodiscard]] double sigma_ms() const;
  /// crosses() by bisection on φ, for spreads too wide for its closed form.
  [[nodiscard]] std::optional<Timestamp> bisect(double threshold) const;

  Options options_;
  Duration period_{};
  // The last kWindow intervals, 4 bytes each: the reports due in each
  // (saturating) and its residual, within ±half a period.
  std::array<std::uint16_t, kWindow> window_slots_{};
  std::array<std::int16_t, kWindow> window_residual_{};
  std::uint8_t count_{0};
  std::uint8_t next_{0};
  double slots_{0};
  double misses_{0};
  double residual_sq_{0};
  double residual_n_{0};
  std::optional<Timestamp> last_;
};

}  // namespace lw::core
