#include "core/health/service_figures.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <iterator>

namespace lw::core {
namespace {

constexpr std::int64_t kMsPerHour = 3'600'000;
/// Longest duration the histograms tell apart; longer ones land in the last bin.
constexpr std::int64_t kHistogramMaxMs = (std::int64_t{1} << 29) - 1;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return -floor_div(-a, b); }

std::int64_t hour_of(Timestamp t) { return floor_div(to_epoch_ms(t), kMsPerHour); }

bool counts_offline(Connectivity c) { return c == Connectivity::offline || c == Connectivity::unreachable; }
bool counts_flaky(Connectivity c) { return c == Connectivity::suspect; }

/// Bin 0: [0, 1 ms). Bin 1 + 2e: [2^e, 2^e·√2) ms; bin 2 + 2e: [2^e·√2, 2^(e+1)) ms.
std::size_t bin_of(std::int64_t value_ms) {
  if (value_ms < 1) return 0;
  const auto v = static_cast<std::uint64_t>(std::min(value_ms, kHistogramMaxMs));
  const auto e = static_cast<std::uint64_t>(std::bit_width(v) - 1);
  const bool upper_half = v * v >= (std::uint64_t{1} << (2 * e + 1));  // v >= 2^e·√2, exactly
  return 1 + 2 * e + (upper_half ? 1 : 0);
}

/// The q-quantile (0..1) of a histogram: the bin holding rank q·total, then
/// geometric interpolation inside it (bins are log-spaced).
Duration quantile(const std::array<std::uint64_t, ServiceTracker::kBins>& bins, double q) {
  std::uint64_t total = 0;
  for (const std::uint64_t n : bins) total += n;
  if (total == 0) return Duration::zero();
  const double rank = q * static_cast<double>(total);
  double below = 0;
  for (std::size_t i = 0; i < bins.size(); ++i) {
    if (bins[i] == 0) continue;
    const auto n = static_cast<double>(bins[i]);
    if (below + n >= rank) {
      if (i == 0) return Duration::zero();
      const double fraction = std::clamp((rank - below) / n, 0.0, 1.0);
      const double low = std::exp2(static_cast<double>(i - 1) / 2.0);
      return Duration{std::llround(low * std::exp2(fraction / 2.0))};
    }
    below += n;
  }
  return Duration{kHistogramMaxMs};
}

}  // namespace

Duration window_length(Window w) noexcept {
  switch (w) {
    case Window::day: return std::chrono::hours(24);
    case Window::week: return std::chrono::hours(7 * 24);
    case Window::month: return std::chrono::hours(30 * 24);
  }
  return std::chrono::hours(24);
}

struct ServiceTracker::Tally {
  std::uint64_t commands{0};
  std::uint64_t succeeded{0};
  std::uint64_t events{0};
  std::int64_t offline_ms{0};
  std::int64_t flaky_ms{0};
  std::array<std::uint64_t, kBins> latency{};
  std::array<std::uint64_t, kBins> lag{};
  int locks{0};
};

void ServiceTracker::Histogram::add(Duration d) {
  std::uint16_t& n = bins[bin_of(d.count())];
  if (n < std::numeric_limits<std::uint16_t>::max()) ++n;
}

ServiceTracker::LockBook& ServiceTracker::book(const SiteId& site, const LockId& lock) {
  auto [it, inserted] = locks_.try_emplace(lock);
  LockBook& b = it->second;
  if (inserted) {
    b.site = site;
    sites_[site].push_back(lock);
  } else if (b.site != site) {
    auto old = sites_.find(b.site);
    if (old != sites_.end()) {
      std::erase(old->second, lock);
      if (old->second.empty()) sites_.erase(old);
    }
    b.site = site;
    sites_[site].push_back(lock);
  }
  return b;
}

void ServiceTracker::drop_before(std::vector<HourBucket>& hours, std::int64_t first_kept) {
  auto keep =
      std::find_if(hours.begin(), hours.end(), [&](const HourBucket& b) { return b.hour >= first_kept; });
  hours.erase(hours.begin(), keep);
}

ServiceTracker::HourBucket* ServiceTracker::bucket(LockBook& book, std::int64_t hour) {
  if (hour <= book.newest_hour - kRetainedHours) return nullptr;
  std::vector<HourBucket>& hours = book.hours;
  if (hour > book.newest_hour) {
    book.newest_hour = hour;
    drop_before(hours, hour - kRetainedHours + 1);
  }
  // Inputs come mostly in order: search from the newest end.
  auto it = hours.end();
  while (it != hours.begin() && std::prev(it)->hour >= hour) --it;
  if (it != hours.end() && it->hour == hour) return &*it;
  HourBucket fresh;
  fresh.hour = hour;
  return &*hours.insert(it, fresh);
}

void ServiceTracker::add_down_time(LockBook& book, Timestamp from, Timestamp to, bool offline) {
  if (to <= from) return;
  const std::int64_t end = to_epoch_ms(to);
  const std::int64_t last_hour = floor_div(end - 1, kMsPerHour);
  // Only the retained hours can hold it.
  const std::int64_t start = std::max(to_epoch_ms(from), (last_hour - kRetainedHours + 1) * kMsPerHour);
  for (std::int64_t h = floor_div(start, kMsPerHour); h <= last_hour; ++h) {
    HourBucket* b = bucket(book, h);
    if (b == nullptr) continue;
    const std::int64_t part = std::min(end, (h + 1) * kMsPerHour) - std::max(start, h * kMsPerHour);
    std::uint32_t& slot = offline ? b->offline_ms : b->flaky_ms;
    slot = static_cast<std::uint32_t>(std::min<std::int64_t>(slot + part, kMsPerHour));
  }
}

void ServiceTracker::command(const SiteId& site, const LockId& lock, Timestamp issued_at,
                             std::optional<Timestamp> completed_at, ActionStatus status) {
  if (status == ActionStatus::pending) return;
  HourBucket* b = bucket(book(site, lock), hour_of(issued_at));
  if (b == nullptr) return;
  ++b->commands;
  if (status != ActionStatus::succeeded) return;
  ++b->succeeded;
  if (completed_at) b->latency.add(std::max(Duration::zero(), *completed_at - issued_at));
}

void ServiceTracker::connectivity(const SiteId& site, const LockId& lock, Timestamp at, Connectivity state) {
  LockBook& b = book(site, lock);
  const Timestamp change = b.since ? std::max(at, *b.since) : at;
  if (b.since && counts_offline(b.state)) add_down_time(b, *b.since, change, /*offline=*/true);
  if (b.since && counts_flaky(b.state)) add_down_time(b, *b.since, change, /*offline=*/false);
  b.state = state;
  b.since = change;
}

void ServiceTracker::event(const SiteId& site, const LockId& lock, Timestamp device_ts,
                           Timestamp received_at) {
  HourBucket* b = bucket(book(site, lock), hour_of(received_at));
  if (b == nullptr) return;
  ++b->events;
  b->lag.add(std::max(Duration::zero(), received_at - device_ts));
}

void ServiceTracker::tally(const LockBook& book, std::int64_t first_hour, Timestamp now, Tally& into) {
  ++into.locks;
  const std::int64_t last_hour = hour_of(now);
  for (std::size_t i = book.hours.size(); i-- > 0;) {  // newest first
    const HourBucket& b = book.hours[i];
    if (b.hour > last_hour) continue;
    if (b.hour < first_hour) break;
    into.commands += b.commands;
    into.succeeded += b.succeeded;
    into.events += b.events;
    into.offline_ms += b.offline_ms;
    into.flaky_ms += b.flaky_ms;
    for (std::size_t j = 0; j < kBins; ++j) {
      into.latency[j] += b.latency.bins[j];
      into.lag[j] += b.lag.bins[j];
    }
  }
  // The interval still open: from its start (or the window's) up to now.
  if (!book.since) return;
  const std::int64_t open_from = std::max(to_epoch_ms(*book.since), first_hour * kMsPerHour);
  const std::int64_t open_ms = std::max<std::int64_t>(0, to_epoch_ms(now) - open_from);
  if (counts_offline(book.state)) into.offline_ms += open_ms;
  if (counts_flaky(book.state)) into.flaky_ms += open_ms;
}

ServiceFigures ServiceTracker::finish(const Tally& tally, Duration covered) {
  constexpr auto kIntMax = static_cast<std::uint64_t>(std::numeric_limits<int>::max());
  ServiceFigures f;
  f.commands = static_cast<int>(std::min(tally.commands, kIntMax));
  f.succeeded = static_cast<int>(std::min(tally.succeeded, kIntMax));
  f.events = static_cast<int>(std::min(tally.events, kIntMax));
  f.locks = tally.locks;
  f.covered = covered;
  if (tally.commands > 0) {
    f.success_rate = static_cast<double>(tally.succeeded) / static_cast<double>(tally.commands);
  }
  f.latency_p50 = quantile(tally.latency, 0.50);
  f.latency_p95 = quantile(tally.latency, 0.95);
  f.event_lag_p50 = quantile(tally.lag, 0.50);
  f.event_lag_p95 = quantile(tally.lag, 0.95);
  f.offline = Duration{tally.offline_ms};
  f.flaky = Duration{tally.flaky_ms};
  if (tally.locks > 0 && covered > Duration::zero()) {
    const double lock_time = static_cast<double>(covered.count()) * tally.locks;
    f.availability = std::clamp(1.0 - static_cast<double>(tally.offline_ms) / lock_time, 0.0, 1.0);
  }
  return f;
}

namespace {

/// The first hour of the window ending at `now`: the first hour boundary at or
/// after now - length.
std::int64_t first_hour_of(Window window, Timestamp now) {
  return ceil_div(to_epoch_ms(now - window_length(window)), kMsPerHour);
}

Duration covered_by(std::int64_t first_hour, Timestamp now) {
  return std::max(Duration::zero(), now - from_epoch_ms(first_hour * kMsPerHour));
}

}  // namespace

ServiceFigures ServiceTracker::for_lock(const LockId& lock, Window window, Timestamp now) const {
  const std::int64_t first_hour = first_hour_of(window, now);
  Tally t;
  if (auto it = locks_.find(lock); it != locks_.end()) tally(it->second, first_hour, now, t);
  return finish(t, covered_by(first_hour, now));
}

ServiceFigures ServiceTracker::for_site(const SiteId& site, Window window, Timestamp now) const {
  const std::int64_t first_hour = first_hour_of(window, now);
  Tally t;
  if (auto s = sites_.find(site); s != sites_.end()) {
    for (const LockId& lock : s->second) {
      if (auto it = locks_.find(lock); it != locks_.end()) tally(it->second, first_hour, now, t);
    }
  }
  return finish(t, covered_by(first_hour, now));
}

void ServiceTracker::prune(Timestamp now) {
  const std::int64_t now_hour = hour_of(now);
  for (auto& [id, b] : locks_) {
    b.newest_hour = std::max(b.newest_hour, now_hour);
    drop_before(b.hours, b.newest_hour - kRetainedHours + 1);
  }
}

void ServiceTracker::forget(const LockId& lock) {
  auto it = locks_.find(lock);
  if (it == locks_.end()) return;
  if (auto s = sites_.find(it->second.site); s != sites_.end()) {
    std::erase(s->second, lock);
    if (s->second.empty()) sites_.erase(s);
  }
  locks_.erase(it);
}

}  // namespace lw::core
