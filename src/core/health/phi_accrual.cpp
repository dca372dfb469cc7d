#include "core/health/phi_accrual.h"

#include <algorithm>
#include <cmath>

namespace lw::core {
namespace {

double ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

/// −log10 of the upper tail of the standard normal at z, accurate far out in
/// the tail (where 1 − Φ(z) underflows): erfc keeps the precision.
double minus_log10_tail(double z) {
  const double tail = 0.5 * std::erfc(z / std::sqrt(2.0));
  if (tail > 1e-300) return -std::log10(tail);
  // Asymptotic: tail ≈ φ(z)/z.
  return (z * z / 2 + std::log(z * std::sqrt(2 * 3.141592653589793))) / std::log(10.0);
}

}  // namespace

PhiAccrual::PhiAccrual(Duration declared_interval) : PhiAccrual(declared_interval, Options{}) {}

PhiAccrual::PhiAccrual(Duration declared_interval, Options options) : options_(options) {
  declare(declared_interval);
}

void PhiAccrual::declare(Duration interval) {
  count_ = 0;
  next_ = 0;
  sum_ = 0;
  sum_sq_ = 0;
  // Two seeds: enough for a mean; the spread comes from the floors until
  // real intervals arrive.
  push(ms(interval));
  push(ms(interval));
}

void PhiAccrual::push(double interval_ms) {
  if (count_ == kWindow) {
    const double old = intervals_[next_];
    sum_ -= old;
    sum_sq_ -= old * old;
  } else {
    ++count_;
  }
  intervals_[next_] = interval_ms;
  next_ = (next_ + 1) % kWindow;
  sum_ += interval_ms;
  sum_sq_ += interval_ms * interval_ms;
}

void PhiAccrual::heard(Timestamp at) {
  if (last_ && at > *last_) push(ms(at - *last_));
  if (!last_ || at > *last_) last_ = at;
}

double PhiAccrual::n() const { return static_cast<double>(count_); }

Duration PhiAccrual::mean() const {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(sum_ / n()));
}

double PhiAccrual::sigma_ms() const {
  const double m = sum_ / n();
  const double var = std::max(0.0, sum_sq_ / n() - m * m);
  return std::max({std::sqrt(var), ms(options_.min_std_dev), 0.1 * m});
}

Duration PhiAccrual::std_dev() const {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(sigma_ms()));
}

double PhiAccrual::phi(Timestamp now) const {
  if (!last_ || now <= *last_) return 0;
  const double mean = sum_ / n() + ms(options_.acceptable_pause);
  const double z = (ms(now - *last_) - mean) / sigma_ms();
  return std::max(0.0, minus_log10_tail(z));
}

std::optional<Timestamp> PhiAccrual::crosses(double threshold) const {
  if (!last_) return std::nullopt;
  // φ is increasing in the silence: bisect on it.
  double lo = 0;
  double hi = sum_ / n() + ms(options_.acceptable_pause) + 40 * sigma_ms();
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2;
    if (phi(*last_ + std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(mid))) <
        threshold) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return *last_ + std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(hi));
}

}  // namespace lw::core
