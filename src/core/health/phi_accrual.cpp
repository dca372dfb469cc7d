#include "core/health/phi_accrual.h"

#include <algorithm>
#include <cmath>

namespace lw::core {
namespace {

double ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
Duration from_ms(double v) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(v));
}

constexpr double kResolutionMs = 250;  // crosses(): the deadline is at most this late

/// Upper tail of the standard normal.
double q(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

/// The z with q(z) = y, 0 < y < 1, within 4.5e-4 (Abramowitz and Stegun
/// 26.2.23): a thousandth of σ, well inside crosses()'s quarter second.
double q_inverse(double y) {
  const double tail = std::min(y, 1 - y);
  const double t = std::sqrt(-2 * std::log(tail));
  double z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
                     (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  return y > 0.5 ? -z : z;
}

}  // namespace

PhiAccrual::PhiAccrual(Duration declared_interval) : PhiAccrual(declared_interval, Options{}) {}

PhiAccrual::PhiAccrual(Duration declared_interval, Options options) : options_(options) {
  declare(declared_interval);
}

void PhiAccrual::declare(Duration interval) {
  period_ = std::max(interval, Duration{1});
  count_ = 0;
  next_ = 0;
  slots_ = 0;
  misses_ = 0;
  residual_sq_ = 0;
  residual_n_ = 0;
}

std::int16_t PhiAccrual::to_units(double residual_ms) const {
  return static_cast<std::int16_t>(
      std::clamp(std::round(residual_ms / ms(period_) * 65536), -32767.0, 32767.0));
}

double PhiAccrual::from_units(std::int16_t units) const { return units * ms(period_) / 65536; }

void PhiAccrual::push(double slots, double residual_ms) {
  // The sums take what the window holds, so what leaves it cancels exactly.
  const auto add = [this](std::uint16_t due, std::int16_t units, double sign) {
    slots_ += sign * due;
    if (due >= 1) {
      const double residual = from_units(units);
      misses_ += sign * (due - 1);
      residual_sq_ += sign * residual * residual;
      residual_n_ += sign;
    }
  };
  if (count_ == kWindow) {
    add(window_slots_[next_], window_residual_[next_], -1);
  } else {
    ++count_;
  }
  const auto due = static_cast<std::uint16_t>(std::min(slots, 65535.0));
  const std::int16_t units = to_units(residual_ms);
  window_slots_[next_] = due;
  window_residual_[next_] = units;
  next_ = static_cast<std::uint8_t>((next_ + 1) % kWindow);
  add(due, units, +1);
}

void PhiAccrual::heard(Timestamp at) {
  if (last_ && at > *last_) {
    const double gap = ms(at - *last_);
    const double t = ms(period_);
    // A gap shorter than half a period is an extra message (an event), not a report.
    const double slots = gap < 0.5 * t ? 0 : std::max(1.0, std::round(gap / t));
    push(slots, slots >= 1 ? gap - slots * t : 0);
  }
  if (!last_ || at > *last_) last_ = at;
}

double PhiAccrual::loss_rate() const {
  const double p = (std::max(0.0, misses_) + options_.prior_loss * options_.prior_weight) /
                   (std::max(0.0, slots_) + options_.prior_weight);
  return std::clamp(p, 1e-3, 0.9);
}

double PhiAccrual::sigma_ms() const {
  const double learnt = residual_n_ > 0.5 ? std::sqrt(std::max(0.0, residual_sq_) / residual_n_) : 0;
  return std::max({learnt, ms(options_.min_std_dev), 0.02 * ms(period_)});
}

Duration PhiAccrual::std_dev() const { return from_ms(sigma_ms()); }

double PhiAccrual::phi(Timestamp now) const {
  if (!last_ || now <= *last_) return 0;
  const double s = ms(now - *last_) - ms(options_.acceptable_pause);
  if (s <= 0) return 0;
  const double t = ms(period_);
  const double sigma = sigma_ms();
  const double p = loss_rate();
  // Reports due well before now: each was lost (factor p). Those near now: exact.
  const double sure = std::floor((s - 8 * sigma) / t);
  double log10_p_silent = 0;
  int first = 1;
  if (sure >= 1) {
    log10_p_silent = sure * std::log10(p);
    first = static_cast<int>(sure) + 1;
  }
  for (int j = first; j * t < s + 8 * sigma; ++j) {
    log10_p_silent += std::log10(p + (1 - p) * q((s - j * t) / sigma));
  }
  return std::max(0.0, -log10_p_silent);
}

std::optional<Timestamp> PhiAccrual::crosses(double threshold) const {
  if (!last_) return std::nullopt;
  const double pause = ms(options_.acceptable_pause);
  const double t = ms(period_);
  const double sigma = sigma_ms();
  const double p = loss_rate();
  const double per_miss = -std::log10(p);  // φ added by each report missed for sure
  // φ reaches the threshold while the j-th report is due: the j − 1 before it
  // are lost for sure and the j-th term supplies the rest, r. Solving
  // p + (1 − p)·Q(z) = 10^−r for z puts the crossing at j·T + z·σ. It is exact
  // when the reports' arrival spreads do not overlap (σ well under T); the two
  // checks below find out, and bisection takes over when they do.
  const double j = std::max(1.0, std::ceil(threshold / per_miss));
  const double rest = std::pow(10.0, -(threshold - (j - 1) * per_miss));
  const double tail = std::clamp((rest - p) / (1 - p), 1e-15, 1 - 1e-15);
  const double z = q_inverse(tail);
  const double guess = pause + j * t + z * sigma;
  const double hi = std::ceil(guess + kResolutionMs / 2);
  if (hi - kResolutionMs > 0 && phi(*last_ + from_ms(hi)) >= threshold &&
      phi(*last_ + from_ms(hi - kResolutionMs)) < threshold) {
    return *last_ + from_ms(hi);
  }
  return bisect(threshold);
}

std::optional<Timestamp> PhiAccrual::bisect(double threshold) const {
  const double t = ms(period_);
  double lo = 0;
  double hi =
      ms(options_.acceptable_pause) + t * (threshold / -std::log10(loss_rate()) + 2) + 10 * sigma_ms();
  // φ is increasing in the silence: bisect on it, to kResolutionMs.
  for (int i = 0; i < 50 && hi - lo > kResolutionMs; ++i) {
    const double mid = (lo + hi) / 2;
    if (phi(*last_ + from_ms(mid)) < threshold) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return *last_ + from_ms(std::ceil(hi));
}

}  // namespace lw::core
