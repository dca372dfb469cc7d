#include "core/health/link_trend.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

namespace lw::core {
namespace {

constexpr std::int64_t kMsPerHour = 3'600'000;
constexpr std::int64_t kMsPerDay = 24 * kMsPerHour;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

double ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
double days(Duration d) { return ms(d) / static_cast<double>(kMsPerDay); }

Duration from_days(double d) {
  return std::chrono::duration_cast<Duration>(
      std::chrono::duration<double, std::milli>(d * static_cast<double>(kMsPerDay)));
}

/// printf-style formatting into a std::string (short evidence lines only).
template <typename... Args>
std::string format(const char* pattern, Args... args) {
  std::array<char, 160> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), pattern, args...);
  if (n <= 0) return {};
  return {buf.data(), std::min(static_cast<std::size_t>(n), buf.size() - 1)};
}

/// P(X >= k) for X ~ Binomial(n, p): the chance of seeing at least `k` losses
/// in `n` slots if each is lost independently with probability `p`.
double binomial_upper_tail(std::uint64_t n, std::uint64_t k, double p) {
  if (k == 0) return 1.0;
  if (k > n || p <= 0.0) return 0.0;
  if (p >= 1.0) return 1.0;
  const auto nd = static_cast<double>(n);
  const auto kd = static_cast<double>(k);
  const double log_pmf = std::lgamma(nd + 1) - std::lgamma(kd + 1) - std::lgamma(nd - kd + 1) +
                         kd * std::log(p) + (nd - kd) * std::log1p(-p);
  double term = std::exp(log_pmf);
  double sum = term;
  const double odds = p / (1.0 - p);
  for (std::uint64_t j = k; j < n && term > 0.0; ++j) {
    term *= static_cast<double>(n - j) / static_cast<double>(j + 1) * odds;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return std::min(1.0, sum);
}

}  // namespace

LinkTrend::Options LinkTrend::Options::for_scale(SignalScale scale) {
  Options o;
  if (scale == SignalScale::lqi) {
    // Zigbee LQI: vendors map roughly -100..-20 dBm onto 0..255, about 3 LQI
    // per dB; below ~60 retries become common, below ~25 routes are dropped.
    o.weak_below = 60;
    o.failing_below = 25;
    o.min_slope_per_day = 1.0;
  }
  return o;
}

namespace {

LinkTrend::Options clamped(LinkTrend::Options o) {
  o.trend_max_days = std::clamp(o.trend_max_days, 2, LinkTrend::kDays);
  o.trend_min_days = std::clamp(o.trend_min_days, 2, o.trend_max_days);
  o.min_samples_per_day = std::max(o.min_samples_per_day, 1);
  o.recurring_min_days = std::max(o.recurring_min_days, 1);
  o.level_time_constant = std::max(o.level_time_constant, Duration{1});
  o.spread_time_constant = std::max(o.spread_time_constant, Duration{1});
  return o;
}

}  // namespace

LinkTrend::LinkTrend(SignalScale scale) : scale_(scale) {
  // Every lock on a scale shares its defaults: one copy, not one per lock.
  static const auto rssi =
      std::make_shared<const Options>(clamped(Options::for_scale(SignalScale::rssi_dbm)));
  static const auto lqi = std::make_shared<const Options>(clamped(Options::for_scale(SignalScale::lqi)));
  options_ = scale == SignalScale::lqi ? lqi : rssi;
}

LinkTrend::LinkTrend(SignalScale scale, Options options)
    : scale_(scale), options_(std::make_shared<const Options>(clamped(options))) {}

void LinkTrend::signal(Timestamp at, double value) {
  if (std::isnan(value)) return;
  value = scale_ == SignalScale::rssi_dbm ? std::clamp(value, -120.0, 0.0) : std::clamp(value, 0.0, 255.0);

  // Daily aggregate (dropped when the day has already left the ring).
  const std::int64_t t = to_epoch_ms(at);
  const std::int64_t day = floor_div(t, kMsPerDay);
  if (Day* d = day_entry(days_, day); d != nullptr) {
    ++d->n;
    d->sum += static_cast<float>(value);
    d->sum_fraction +=
        static_cast<float>(static_cast<double>(t - day * kMsPerDay) / static_cast<double>(kMsPerDay));
  }

  // Exponentially weighted level and spread; a reading out of order counts as
  // if it came with the last one.
  if (last_signal_ && at > *last_signal_) {
    const double dt = ms(at - *last_signal_);
    level_weight_ *= std::exp(-dt / ms(options_->level_time_constant));
    const double f = std::exp(-dt / ms(options_->spread_time_constant));
    spread_weight_ *= f;
    spread_m2_ *= f;
    spread_weight_sq_ *= f * f;
  }
  if (!last_signal_ || at >= *last_signal_) {
    last_signal_ = at;
    latest_ = value;
  }
  level_weight_ += 1.0;
  level_ += (value - level_) / level_weight_;
  spread_weight_ += 1.0;
  spread_weight_sq_ += 1.0;
  const double delta = value - spread_mean_;
  spread_mean_ += delta / spread_weight_;
  spread_m2_ += delta * (value - spread_mean_);  // West (1979), weighted update
}

void LinkTrend::heartbeat_slot(Timestamp at, bool lost) {
  const std::int64_t hour = floor_div(to_epoch_ms(at), kMsPerHour);
  if (!newest_hour_ || hour > *newest_hour_) {
    // Moving on: the hours between are empty (at most a whole ring of them).
    const std::int64_t from = newest_hour_ ? std::max(*newest_hour_ + 1, hour - (kLossHours - 1)) : hour;
    for (std::int64_t h = from; h <= hour; ++h) loss_[ring_slot(h, kLossHours)] = LossHour{};
    newest_hour_ = hour;
  }
  if (hour <= *newest_hour_ - kLossHours) return;  // older than the grid
  LossHour& cell = loss_[ring_slot(hour, kLossHours)];
  if (cell.slots == std::numeric_limits<std::uint8_t>::max()) {
    // A fast heartbeat: the hour's counts are halved alike (so never more
    // lost than due), its loss rate kept.
    cell.slots = static_cast<std::uint8_t>((cell.slots + 1) / 2);
    cell.lost = static_cast<std::uint8_t>((cell.lost + 1) / 2);
  }
  if (!first_slot_) first_slot_ = at;
  ++cell.slots;
  if (lost) {
    ++cell.lost;
    last_loss_hour_ = hour;
  }
}

LinkTrend::Trend LinkTrend::fit_trend(Timestamp now) const {
  const std::int64_t t_now = to_epoch_ms(now);
  const std::int64_t today = floor_div(t_now, kMsPerDay);
  const std::int64_t first = today - (options_->trend_max_days - 1);

  // Daily means against the mean time of their readings, in days from today's start.
  std::array<double, kDays> x{};
  std::array<double, kDays> y{};
  int k = 0;
  for (const Day& d : days_) {
    if (d.day < first || d.day > today || d.n < options_->min_samples_per_day) continue;
    const auto n = static_cast<double>(d.n);
    x[k] = static_cast<double>(d.day - today) + d.sum_fraction / n;
    y[k] = d.sum / n;
    ++k;
  }
  Trend trend;
  trend.days = k;
  if (k < 2) return trend;

  double x_mean = 0;
  double y_mean = 0;
  for (int i = 0; i < k; ++i) {
    x_mean += x[i];
    y_mean += y[i];
  }
  x_mean /= k;
  y_mean /= k;
  double sxx = 0;
  double sxy = 0;
  for (int i = 0; i < k; ++i) {
    sxx += (x[i] - x_mean) * (x[i] - x_mean);
    sxy += (x[i] - x_mean) * (y[i] - y_mean);
  }
  if (sxx <= 0) return trend;
  trend.slope = sxy / sxx;
  trend.std_error = std::numeric_limits<double>::infinity();
  if (k >= 3) {
    double ssr = 0;
    for (int i = 0; i < k; ++i) {
      const double r = y[i] - (y_mean + trend.slope * (x[i] - x_mean));
      ssr += r * r;
    }
    trend.std_error = std::sqrt(ssr / (k - 2) / sxx);
  }
  const double x_now = static_cast<double>(t_now - today * kMsPerDay) / static_cast<double>(kMsPerDay);
  trend.fitted_now = y_mean + trend.slope * (x_now - x_mean);
  return trend;
}

const LinkTrend::LossHour* LinkTrend::loss_cell(std::int64_t hour) const {
  if (!newest_hour_ || hour > *newest_hour_ || hour <= *newest_hour_ - kLossHours) return nullptr;
  return &loss_[ring_slot(hour, kLossHours)];
}

std::optional<LinkTrend::Recurring> LinkTrend::find_recurring(std::int64_t now_hour) const {
  if (!last_loss_hour_ || *last_loss_hour_ <= now_hour - kLossHours) return std::nullopt;
  std::array<std::uint64_t, 24> slots{};
  std::array<std::uint64_t, 24> lost{};
  std::array<int, 24> observed_days{};
  std::array<int, 24> lossy_days{};
  std::uint64_t total_slots = 0;
  std::uint64_t total_lost = 0;
  for (std::int64_t hour = now_hour - (kLossHours - 1); hour <= now_hour; ++hour) {
    const LossHour* cell = loss_cell(hour);
    if (cell == nullptr || cell->slots == 0) continue;
    // Each hour of the day occurs once per day in the 7-day grid: its cells are distinct days.
    const std::size_t h = ring_slot(hour, 24);
    slots[h] += cell->slots;
    lost[h] += cell->lost;
    ++observed_days[h];
    if (cell->lost > 0 && static_cast<double>(cell->lost) >= options_->recurring_min_rate * cell->slots) {
      ++lossy_days[h];
    }
    total_slots += cell->slots;
    total_lost += cell->lost;
  }
  if (total_lost == 0) return std::nullopt;

  const double overall = static_cast<double>(total_lost) / static_cast<double>(total_slots);
  const double alpha = options_->recurring_significance / 24.0;  // Bonferroni over the hours
  std::optional<Recurring> best;
  double best_rate = 0;
  for (std::size_t h = 0; h < 24; ++h) {
    if (lossy_days[h] < options_->recurring_min_days || slots[h] == 0) continue;
    const double rate = static_cast<double>(lost[h]) / static_cast<double>(slots[h]);
    if (rate < options_->recurring_min_rate || rate < options_->recurring_factor * overall) continue;
    // Against the rest of the day's rate; with no loss elsewhere, against
    // one loss in the whole grid rather than zero (which would make any loss certain).
    const std::uint64_t other_slots = total_slots - slots[h];
    const double floor_rate = 1.0 / static_cast<double>(total_slots);
    const double background = other_slots == 0
                                  ? floor_rate
                                  : std::max(floor_rate, static_cast<double>(total_lost - lost[h]) /
                                                             static_cast<double>(other_slots));
    if (binomial_upper_tail(slots[h], lost[h], background) > alpha) continue;
    if (!best || rate > best_rate) {
      best = Recurring{static_cast<int>(h), lossy_days[h], observed_days[h]};
      best_rate = rate;
    }
  }
  return best;
}

std::string LinkTrend::value_words(double value) const {
  return scale_ == SignalScale::rssi_dbm ? format("%.0f dBm", value) : format("%.0f", value);
}

LinkReport LinkTrend::report(Timestamp now) const {
  LinkReport r;
  const char* unit = scale_ == SignalScale::rssi_dbm ? " dB" : "";

  if (last_signal_) {
    const std::string level_words =
        (scale_ == SignalScale::rssi_dbm ? "signal " : "link quality ") + value_words(level_);
    r.level = level_;
    r.latest = latest_;
    r.latest_weak = latest_ < options_->weak_below;
    const double effective = spread_weight_ - spread_weight_sq_ / spread_weight_;
    r.std_dev = effective > 0 ? std::sqrt(std::max(0.0, spread_m2_ / effective)) : 0.0;
    r.weak = r.level < options_->weak_below;
    if (r.level < options_->failing_below) {
      r.evidence.push_back(level_words + format(", failing (under %.0f)", options_->failing_below));
    } else if (r.weak) {
      r.evidence.push_back(level_words + format(", weak (under %.0f)", options_->weak_below));
    }
  }

  const Trend trend = fit_trend(now);
  r.slope_per_day = trend.slope;
  const double fall = -trend.slope;
  if (trend.days >= options_->trend_min_days && fall >= options_->min_slope_per_day &&
      fall > options_->slope_sigmas * trend.std_error) {
    const double days_left = std::max(0.0, (trend.fitted_now - options_->failing_below) / fall);
    if (days_left <= days(options_->fail_horizon)) {
      r.degrading = true;
      r.fails_at = now + from_days(days_left);
      r.evidence.push_back(format("falling %.1f%s a day for %d days", fall, unit, trend.days));
      if (days_left <= 0) {
        r.evidence.push_back("already under " + value_words(options_->failing_below));
      } else {
        r.evidence.push_back("projected under " + value_words(options_->failing_below) +
                             format(" in about %.1f days", days_left));
      }
    }
  }

  const std::int64_t now_hour = floor_div(to_epoch_ms(now), kMsPerHour);
  if (const auto recurring = find_recurring(now_hour)) {
    r.recurring_loss_hour = recurring->hour;
    r.evidence.push_back(format("loss at %02d:00-%02d:00 UTC on %d of the last %d days", recurring->hour,
                                recurring->hour + 1, recurring->lossy_days, recurring->observed_days));
  }

  struct Count {
    std::uint64_t slots{0};
    std::uint64_t lost{0};
    [[nodiscard]] std::optional<double> rate() const {
      if (slots == 0) return std::nullopt;
      return static_cast<double>(lost) / static_cast<double>(slots);
    }
  };
  Count day;
  Count recent;
  Count before;
  for (std::int64_t h = now_hour - (kLossHours - 1); h <= now_hour; ++h) {
    const LossHour* cell = loss_cell(h);
    if (cell == nullptr) continue;
    Count& c = h > now_hour - 2 ? recent : before;
    c.slots += cell->slots;
    c.lost += cell->lost;
    if (h > now_hour - 24) {
      day.slots += cell->slots;
      day.lost += cell->lost;
    }
  }
  r.loss_rate_recent = recent.rate();
  r.loss_rate_before = before.rate();
  r.loss_rate_24h = day.rate().value_or(0);
  if (first_slot_ && now > *first_slot_) r.counted_for = now - *first_slot_;
  if (day.slots > 0 && r.loss_rate_24h >= options_->notable_loss_rate) {
    r.evidence.push_back(
        format("lost %.0f %% of expected heartbeats in the last 24 h", 100 * r.loss_rate_24h));
  }
  return r;
}

}  // namespace lw::core
