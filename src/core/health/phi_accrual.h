// PhiAccrual: a per-device failure detector over message inter-arrival times
// (Hayashibara et al., "The φ accrual failure detector", 2004). Instead of a
// fixed time-out it says how unlikely the present silence is, given the
// intervals seen so far: φ = −log10(P(the next message comes later than now)).
// φ = 1 means a 10 % chance the device is merely late, φ = 8 one in 10⁸.
//
// The interval distribution is taken as normal with the window's mean and
// standard deviation (floored at `min_std_dev`, and at 10 % of the mean, so a
// perfectly regular device does not flip on a few milliseconds of jitter); a
// message lost on the way only widens the window by one long interval. Until
// a device has sent a few messages, the cadence it declares seeds the window.
// `acceptable_pause` is added to the mean: a known pause (a firmware install,
// a sleepy device's check-in slack) that is not yet suspicious.
//
// Pure: no I/O, no clock; every call takes its time. Fixed memory per device.
// Threading: not thread-safe; one owner.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "base/time.h"

namespace lw::core {

class PhiAccrual {
 public:
  static constexpr std::size_t kWindow = 64;

  struct Options {
    Duration min_std_dev{std::chrono::milliseconds(500)};
    Duration acceptable_pause{Duration::zero()};
  };

  /// A detector for a device that declares `declared_interval` between
  /// messages (its heartbeat); > 0.
  explicit PhiAccrual(Duration declared_interval);
  PhiAccrual(Duration declared_interval, Options options);

  /// A message arrived at `at` (non-decreasing).
  void heard(Timestamp at);
  /// The device declares a new cadence (e.g. slower on a low battery): the
  /// history is re-seeded with it.
  void declare(Duration interval);

  /// Suspicion at `now`: 0 right after a message, growing with the silence.
  /// 0 before the first message.
  [[nodiscard]] double phi(Timestamp now) const;
  /// The silence after which φ reaches `threshold`, from the last message;
  /// nullopt before the first message.
  [[nodiscard]] std::optional<Timestamp> crosses(double threshold) const;

  [[nodiscard]] Duration mean() const;
  [[nodiscard]] Duration std_dev() const;
  [[nodiscard]] std::optional<Timestamp> last_heard() const { return last_; }

 private:
  void push(double interval_ms);
  [[nodiscard]] double sigma_ms() const;
  [[nodiscard]] double n() const;  // intervals in the window

  Options options_;
  std::array<double, kWindow> intervals_{};  // ms, ring buffer
  std::size_t count_{0};
  std::size_t next_{0};
  double sum_{0};
  double sum_sq_{0};
  std::optional<Timestamp> last_;
};

}  // namespace lw::core
