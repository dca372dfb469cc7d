#include "tests/support/memory_store.h"

#include <algorithm>
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

Result<std::uint64_t> MemoryStore::next_command_counter(const std::string& key_id) {
  return ++counters_[key_id];
}

}  // namespace lw::core
