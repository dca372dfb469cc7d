#include "tests/support/memory_store.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <tuple>

namespace lw::core {

Result<void> MemoryStore::upsert_hub(const HubRecord& hub) {
  hubs_[hub.id] = hub;
  return ok();
}

Result<std::vector<HubRecord>> MemoryStore::load_hubs() {
  std::vector<HubRecord> out;
  out.reserve(hubs_.size());
  for (const auto& [id, hub] : hubs_) out.push_back(hub);
  return out;
}

Result<void> MemoryStore::upsert_site(const SiteRecord& site) {
  sites_[site.id] = site;
  return ok();
}

Result<std::vector<SiteRecord>> MemoryStore::load_sites() {
  std::vector<SiteRecord> out;
  out.reserve(sites_.size());
  for (const auto& [id, site] : sites_) out.push_back(site);
  return out;
}

Result<void> MemoryStore::upsert_lock(const LockRecord& lock) {
  locks_[lock.id] = lock;
  return ok();
}

Result<std::vector<LockRecord>> MemoryStore::load_locks() {
  std::vector<LockRecord> out;
  out.reserve(locks_.size());
  for (const auto& [id, lock] : locks_) out.push_back(lock);
  return out;
}

Result<std::optional<std::int64_t>> MemoryStore::append_event(const EventRecord& event) {
  if (event.device_seq && !device_seqs_.emplace(event.lock, *event.device_seq).second) {
    return std::optional<std::int64_t>{};
  }
  EventRecord stored = event;
  stored.id = ++last_event_id_;
  events_[stored.lock].push_back(stored);
  return std::optional<std::int64_t>{stored.id};
}

Result<EventPage> MemoryStore::list_events(const LockId& lock, int limit,
                                           std::optional<std::int64_t> before) {
  if (limit < 1 || limit > 1000) return invalid_argument("limit", "must be 1..1000");
  EventPage page;
  auto it = events_.find(lock);
  if (it == events_.end()) return page;
  const std::vector<EventRecord>& all = it->second;
  // Ids within one lock increase with position, so "id < before" is a prefix.
  auto end = before ? std::lower_bound(all.begin(), all.end(), *before,
                                       [](const EventRecord& e, std::int64_t id) { return e.id < id; })
                    : all.end();
  auto available = static_cast<std::size_t>(end - all.begin());
  std::size_t take = std::min(available, static_cast<std::size_t>(limit));
  for (std::size_t i = 0; i < take; ++i) page.events.push_back(*(end - 1 - static_cast<std::ptrdiff_t>(i)));
  if (available > take) page.next_before = page.events.back().id;
  return page;
}

Result<void> MemoryStore::save_action(const Action& action) {
  actions_[action.id] = action;
  return ok();
}

Result<std::optional<Action>> MemoryStore::find_action(const ActionId& id) {
  auto it = actions_.find(id);
  if (it == actions_.end()) return std::optional<Action>{};
  return std::optional<Action>{it->second};
}

Result<std::vector<Action>> MemoryStore::load_pending_actions() {
  std::vector<Action> out;
  for (const auto& [id, action] : actions_) {
    if (action.status == ActionStatus::pending) out.push_back(action);
  }
  std::stable_sort(out.begin(), out.end(), [](const Action& a, const Action& b) {
    return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
  });
  return out;
}

Result<void> MemoryStore::append_sample(const TelemetrySample& sample) {
  samples_[sample.lock][sample.t] = sample;
  return ok();
}

namespace {

/// Sums of one bucket, averaged as SQLite's AVG and ROUND do: a double mean,
/// rounded half away from zero.
class Mean {
 public:
  void add(const std::optional<int>& v) {
    if (!v) return;
    sum_ += *v;
    ++count_;
  }
  [[nodiscard]] std::optional<int> value() const {
    if (count_ == 0) return std::nullopt;
    return static_cast<int>(std::llround(static_cast<double>(sum_) / static_cast<double>(count_)));
  }

 private:
  std::int64_t sum_{0};
  std::int64_t count_{0};
};

struct Bucket {
  std::int64_t offset_sum{0};  // sum of (t - since) in ms
  int samples{0};
  Mean battery;
  std::optional<int> battery_min;
  Mean voltage;
  Mean rssi;
  Mean lqi;
  Mean temperature;
};

}  // namespace

Result<std::vector<TelemetryPoint>> MemoryStore::list_samples(const LockId& lock, Timestamp since,
                                                              Timestamp until, int max_points) {
  if (max_points < 1) return invalid_argument("max_points", "must be at least 1");
  if (until < since) return invalid_argument("until", "must not be before since");
  std::vector<TelemetryPoint> out;
  auto it = samples_.find(lock);
  if (it == samples_.end()) return out;
  auto first = it->second.lower_bound(since);
  auto last = it->second.upper_bound(until);
  const auto count = std::distance(first, last);
  const std::int64_t width = count <= max_points ? 1 : history_bucket_ms(since, until, max_points);
  std::map<std::int64_t, Bucket> buckets;
  for (auto s = first; s != last; ++s) {
    const TelemetrySample& sample = s->second;
    const std::int64_t offset = (sample.t - since).count();
    Bucket& b = buckets[offset / width];
    b.offset_sum += offset;
    ++b.samples;
    b.battery.add(sample.battery_pct);
    if (sample.battery_pct && (!b.battery_min || *sample.battery_pct < *b.battery_min)) {
      b.battery_min = sample.battery_pct;
    }
    b.voltage.add(sample.voltage_mv);
    b.rssi.add(sample.rssi_dbm);
    b.lqi.add(sample.lqi);
    b.temperature.add(sample.temperature_c);
  }
  out.reserve(buckets.size());
  for (const auto& [index, b] : buckets) {
    TelemetryPoint p;
    const double mean_offset = static_cast<double>(b.offset_sum) / b.samples;
    p.t = since + Duration{std::llround(mean_offset)};
    p.samples = b.samples;
    p.battery_pct = b.battery.value();
    p.battery_min_pct = b.battery_min;
    p.voltage_mv = b.voltage.value();
    p.rssi_dbm = b.rssi.value();
    p.lqi = b.lqi.value();
    p.temperature_c = b.temperature.value();
    out.push_back(p);
  }
  return out;
}

Result<std::int64_t> MemoryStore::delete_samples_before(Timestamp before) {
  std::int64_t deleted = 0;
  for (auto it = samples_.begin(); it != samples_.end();) {
    auto end = it->second.lower_bound(before);
    deleted += std::distance(it->second.begin(), end);
    it->second.erase(it->second.begin(), end);
    it = it->second.empty() ? samples_.erase(it) : std::next(it);
  }
  return deleted;
}

Result<std::uint64_t> MemoryStore::next_command_counter(const std::string& key_id) {
  return ++counters_[key_id];
}

}  // namespace lw::core
