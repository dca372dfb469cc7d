#include "core/battery/drain.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <utility>

#include "base/enum_names.h"

namespace lw::core {
namespace {

constexpr std::size_t kMaxFitPoints = 64;
constexpr std::size_t kMaxPairs = kMaxFitPoints * (kMaxFitPoints - 1) / 2;
constexpr double kSenZ90 = 1.645;  // two-sided 90 %

constexpr EnumNames<Chemistry, 4> kChemistryNames{{{
    {Chemistry::alkaline, "alkaline"},
    {Chemistry::lithium, "lithium"},
    {Chemistry::nimh, "nimh"},
    {Chemistry::unknown, "unknown"},
}}};

double median_in_place(std::span<double> v) {
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

/// `v` with `decimals` digits after the point: fixed(6.04, 1) = "6.0".
std::string fixed(double v, int decimals) {
  std::array<char, 48> buf{};
  std::snprintf(buf.data(), buf.size(), "%.*f", decimals, v);
  return buf.data();
}

/// "message rate up 6.0x (1440 -> 8640 a day)"
std::string rise(const std::string& what, double before, double after) {
  if (before <= 0) return what + " up from 0 to " + fixed(after, 0) + " a day";
  return what + " up " + fixed(after / before, 1) + "x (" + fixed(before, 0) + " -> " + fixed(after, 0) +
         " a day)";
}

}  // namespace

std::string_view to_string(Chemistry c) noexcept { return kChemistryNames.name(c); }
std::optional<Chemistry> parse_chemistry(std::string_view s) noexcept { return kChemistryNames.parse(s); }

double standby_ma(Transport t) noexcept {
  switch (t) {
    case Transport::wifi: return 0.45;
    case Transport::ble_bridge: return 0.20;
    case Transport::zigbee:
    case Transport::thread: return 0.22;
    case Transport::zwave: return 0.25;
  }
  return 0.30;
}

double nominal_capacity_mah(Chemistry c) noexcept {
  switch (c) {
    case Chemistry::lithium: return 3400;
    case Chemistry::nimh: return 2000;
    case Chemistry::alkaline:
    case Chemistry::unknown: return 2700;
  }
  return 2700;
}

double gauge_to_cell_v(double pct) noexcept {
  return kGaugeEmptyV + std::clamp(pct, 0.0, 100.0) / 100.0 * (kGaugeFullV - kGaugeEmptyV);
}

std::optional<int> infer_cells(double pack_mv, double pct) noexcept {
  if (pct <= 2 || pct >= 98 || pack_mv <= 0) return std::nullopt;
  const long cells = std::lround(pack_mv / 1000.0 / gauge_to_cell_v(pct));
  if (cells < 1 || cells > 8) return std::nullopt;
  return static_cast<int>(cells);
}

std::optional<SlopeFit> theil_sen(std::span<const double> x, std::span<const double> y, double min_dx) {
  const std::size_t n = std::min({x.size(), y.size(), kMaxFitPoints});
  if (n < 3) return std::nullopt;
  // Left uninitialised: filled before it is read, and 16 KB need not be zeroed daily per lock.
  std::array<double, kMaxPairs> slopes;
  std::size_t pairs = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) {
      const double dx = x[j] - x[i];
      if (std::abs(dx) < min_dx) continue;
      slopes[pairs++] = (y[j] - y[i]) / dx;
    }
  }
  if (pairs == 0) return std::nullopt;
  const std::span<double> s(slopes.data(), pairs);
  // Selections instead of a sort (this runs once a day per lock); the band's
  // ranks are searched only on their side of the median.
  const std::size_t mid = pairs / 2;
  std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(mid), s.end());
  const auto nth = [&](std::size_t k) {
    if (k < mid) {
      std::nth_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(k),
                       s.begin() + static_cast<std::ptrdiff_t>(mid));
    } else if (k > mid) {
      std::nth_element(s.begin() + static_cast<std::ptrdiff_t>(mid + 1),
                       s.begin() + static_cast<std::ptrdiff_t>(k), s.end());
    }
    return s[k];
  };
  SlopeFit fit;
  fit.points = static_cast<int>(n);
  fit.slope = s[mid];
  if (pairs % 2 == 0)
    fit.slope = (*std::max_element(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(mid)) + s[mid]) / 2;
  // Sen's band: the slopes of rank (N ∓ C)/2, C = z·sqrt(n(n−1)(2n+5)/18).
  const auto nd = static_cast<double>(n);
  const double c = kSenZ90 * std::sqrt(nd * (nd - 1) * (2 * nd + 5) / 18.0);
  const auto pd = static_cast<double>(pairs);
  const auto lo = static_cast<std::size_t>(std::clamp(std::floor((pd - c) / 2) - 1, 0.0, pd - 1));
  const auto hi = static_cast<std::size_t>(std::clamp(std::ceil((pd + c) / 2), 0.0, pd - 1));
  fit.low = std::min(nth(lo), fit.slope);
  fit.high = std::max(nth(hi), fit.slope);
  fit.intercept = median_intercept(x.first(n), y.first(n), fit.slope);
  return fit;
}

double median_intercept(std::span<const double> x, std::span<const double> y, double slope) {
  const std::size_t n = std::min({x.size(), y.size(), kMaxFitPoints});
  if (n == 0) return 0;
  std::array<double, kMaxFitPoints> r{};
  for (std::size_t i = 0; i < n; ++i) r[i] = y[i] - slope * x[i];
  return median_in_place(std::span<double>(r.data(), n));
}

// --- DrainTracker ---

DrainTracker::DrainTracker(BatteryProfile profile) : profile_(profile) {}

void DrainTracker::set_profile(BatteryProfile profile) {
  profile_ = profile;
  cache_.reset();
}

int DrainTracker::cells() const { return profile_.cells.value_or(inferred_cells_.value_or(4)); }

DrainTracker::Day* DrainTracker::bucket(Timestamp at) {
  if (!first_at_) first_at_ = at;
  const std::int64_t day = utc_day(at);
  if (cache_ && day < cache_->today) cache_.reset();  // a finished day changes
  return day_entry(days_, day);
}

void DrainTracker::sample(Timestamp at, std::optional<double> loaded_mv, std::optional<double> pct) {
  if (!profile_.cells && !inferred_cells_ && loaded_mv && pct) {
    inferred_cells_ = infer_cells(*loaded_mv, *pct);
    cache_.reset();
  }
  const double n = cells();
  if (!pct && loaded_mv) {
    pct =
        std::clamp((*loaded_mv / n / 1000.0 - kGaugeEmptyV) / (kGaugeFullV - kGaugeEmptyV) * 100, 0.0, 100.0);
  }
  if (!loaded_mv && pct) loaded_mv = gauge_to_cell_v(*pct) * n * 1000.0;
  Day* b = bucket(at);
  if (b == nullptr) return;
  constexpr std::uint16_t kFull = std::numeric_limits<std::uint16_t>::max();
  if (loaded_mv && b->volt_samples < kFull) {
    ++b->volt_samples;
    b->sum_mv += static_cast<float>(*loaded_mv);
  }
  if (pct && b->pct_samples < kFull) {
    ++b->pct_samples;
    b->sum_pct += static_cast<float>(*pct);
  }
}

void DrainTracker::message(Timestamp at, int count) {
  if (Day* b = bucket(at); b != nullptr) b->messages += std::max(count, 0);
}

void DrainTracker::operation(Timestamp at) {
  if (Day* b = bucket(at); b != nullptr) ++b->operations;
}

void DrainTracker::change(Timestamp at, std::string what) {
  if (changes_.size() < kMaxChanges) {
    changes_.push_back(Change{at, std::move(what)});
  } else {
    changes_[static_cast<std::size_t>(change_next_)] = Change{at, std::move(what)};
  }
  change_next_ = (change_next_ + 1) % kMaxChanges;
  cache_.reset();
}

std::optional<double> DrainTracker::day_mah(std::int64_t day, std::int64_t today) const {
  if (!first_at_ || day >= today) return std::nullopt;
  const std::int64_t first = utc_day(*first_at_);
  // The first day counts only when watched from (nearly) its start.
  if (day < first || (day == first && *first_at_ - utc_day_start(day) > std::chrono::hours(1)))
    return std::nullopt;
  const Day* b = find_day_entry(days_, day);
  if (b == nullptr || b->messages == 0) return std::nullopt;
  return profile_.standby_ma * 24 + b->messages * kTransmitMah + b->operations * kMotorRunMah;
}

DrainReport DrainTracker::report(Timestamp now) const {
  // Only complete days count, and they do not change: one computation a day.
  const std::int64_t today = utc_day(now);
  if (!cache_ || cache_->today != today) cache_ = Cached{today, compute(today)};
  return cache_->report;
}

DrainReport DrainTracker::compute(std::int64_t today) const {
  DrainReport r;
  const std::int64_t last = today - 1;
  const std::int64_t oldest = today - kDays + 1;

  // The counted days' drain, by day - oldest (today's slot stays empty).
  std::array<std::optional<double>, kDays> mah_of{};
  for (std::int64_t d = oldest; d <= last; ++d) {
    mah_of[static_cast<std::size_t>(d - oldest)] = day_mah(d, today);
    r.days_counted += mah_of[static_cast<std::size_t>(d - oldest)] ? 1 : 0;
  }
  const auto mah_at = [&](std::int64_t d) { return mah_of[static_cast<std::size_t>(d - oldest)]; };

  struct Mean {
    double mah{0};
    double messages{0};
    double operations{0};
    int days{0};
  };
  const auto mean = [&](std::int64_t from, std::int64_t to) {
    Mean m;
    for (std::int64_t d = std::max(from, oldest); d <= to; ++d) {
      const std::optional<double> mah = mah_at(d);
      if (!mah) continue;
      const Day* b = find_day_entry(days_, d);
      m.mah += *mah;
      m.messages += b->messages;
      m.operations += b->operations;
      ++m.days;
    }
    if (m.days > 0) {
      m.mah /= m.days;
      m.messages /= m.days;
      m.operations /= m.days;
    }
    return m;
  };
  const auto elevated = [](const Mean& m, double base) {
    return m.days > 0 && m.mah >= kJumpRatio * base && m.mah - base >= kJumpMinMah;
  };

  const Mean recent = mean(last - 1, last);
  Mean base = mean(last - 8, last - 2);

  // The onset: the earliest day s whose pair (s, s+1) meets the rule against
  // the 7 days before s, with the drain still elevated now (the last 2 days)
  // and never back below half the step in between. s = last − 1 is the plain
  // rule; earlier onsets keep a jump reported while it lasts, against the
  // baseline from before it.
  for (std::int64_t s = oldest + 7; s <= last - 1; ++s) {
    const Mean b = mean(s - 7, s - 1);
    if (b.days < 3 || !elevated(mean(s, s + 1), b.mah) || !elevated(recent, b.mah)) continue;
    bool held = true;
    for (std::int64_t d = s + 2; d <= last && held; ++d) {
      const std::optional<double> mah = mah_at(d);
      held = !mah || *mah >= b.mah * (1 + (kJumpRatio - 1) / 2);
    }
    if (!held) continue;
    r.jumped = true;
    base = b;
    std::int64_t first = s;
    for (std::int64_t d = s; d <= s + 1; ++d) {
      const std::optional<double> mah = mah_at(d);
      if (mah && *mah >= b.mah + 0.25 * (recent.mah - b.mah)) {
        first = d;
        break;
      }
    }
    r.since = utc_day_start(first);
    break;
  }

  r.mah_per_day = recent.mah;
  r.charge_pct_per_day = recent.mah / nominal_capacity_mah(profile_.chemistry) * 100;
  if (base.days >= 3) {
    r.baseline_mah_per_day = base.mah;
    r.ratio = base.mah > 0 ? recent.mah / base.mah : 0;
  }

  if (r.jumped) {
    const Change* nearest = nullptr;
    for (const Change& c : changes_) {
      if (c.at < *r.since - std::chrono::days(2) || c.at >= *r.since + std::chrono::days(1)) continue;
      if (nearest == nullptr || c.at >= nearest->at) nearest = &c;
    }
    const double more_messages = (recent.messages - base.messages) * kTransmitMah;
    const double more_operations = (recent.operations - base.operations) * kMotorRunMah;
    std::string activity;
    if (more_messages >= more_operations && more_messages > 0) {
      activity = rise("message rate", base.messages, recent.messages);
    } else if (more_operations > 0) {
      activity = rise("lock operations", base.operations, recent.operations);
    } else {
      activity = "activity up";
    }
    r.cause = nearest != nullptr ? nearest->what + "; " + activity : activity;
  }

  // Observed voltage and gauge slopes over the daily means of the last 14 days.
  std::array<double, 14> xs{};
  std::array<double, 14> mv{};
  std::array<double, 14> xp{};
  std::array<double, 14> pc{};
  std::size_t nv = 0;
  std::size_t np = 0;
  for (std::int64_t d = std::max(last - 13, oldest); d <= last; ++d) {
    const Day* b = find_day_entry(days_, d);
    if (b == nullptr) continue;
    if (b->volt_samples > 0) {
      xs[nv] = static_cast<double>(d - last);
      mv[nv++] = b->sum_mv / b->volt_samples;
    }
    if (b->pct_samples > 0) {
      xp[np] = static_cast<double>(d - last);
      pc[np++] = b->sum_pct / b->pct_samples;
    }
  }
  if (const auto fit = theil_sen(std::span(xs).first(nv), std::span(mv).first(nv), 0.5)) {
    r.mv_per_day = -fit->slope;
  }
  if (const auto fit = theil_sen(std::span(xp).first(np), std::span(pc).first(np), 0.5)) {
    r.pct_per_day = -fit->slope;
  }
  return r;
}

}  // namespace lw::core
