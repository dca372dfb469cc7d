// Port: durable storage of sites, locks, actions, events, the telemetry
// history and the command counter. The default adapter is SQLite (src/adapters/sqlite); tests use
// MemoryStore (tests/support).
//
// Contract: when a call returns success, what it wrote survives a process crash
// (kill -9) — the hub acknowledges nothing before that. Errors: `unavailable`
// (disk full, database locked), `corruption` (stored data unreadable),
// `internal`.
// Threading: called only from the owning event loop.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/result.h"
#include "core/diagnosis/doctor.h"
#include "core/lock/records.h"
#include "core/lock/telemetry_sample.h"

namespace lw::core {

struct EventPage {
  std::vector<EventRecord> events;          // newest first
  std::optional<std::int64_t> next_before;  // pass as `before` for the next page; empty at the end
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<void> upsert_hub(const HubRecord& hub) = 0;
  virtual Result<std::vector<HubRecord>> load_hubs() = 0;  // by id

  virtual Result<void> upsert_site(const SiteRecord& site) = 0;
  virtual Result<std::vector<SiteRecord>> load_sites() = 0;

  virtual Result<void> upsert_lock(const LockRecord& lock) = 0;
  virtual Result<std::vector<LockRecord>> load_locks() = 0;

  /// Stores `event` and returns its assigned id, or nullopt when an event with the
  /// same (lock, device_seq) is already stored (a redelivery).
  virtual Result<std::optional<std::int64_t>> append_event(const EventRecord& event) = 0;
  /// Events of one lock, newest first, with id < `before` when given; `limit` 1..1000.
  virtual Result<EventPage> list_events(const LockId& lock, int limit,
                                        std::optional<std::int64_t> before) = 0;

  /// Inserts or replaces the action with the same id.
  virtual Result<void> save_action(const Action& action) = 0;
  virtual Result<std::optional<Action>> find_action(const ActionId& id) = 0;
  virtual Result<std::vector<Action>> load_pending_actions() = 0;

  /// Stores one telemetry sample. A sample of the same lock at the same
  /// millisecond replaces the one stored before.
  virtual Result<void> append_sample(const TelemetrySample& sample) = 0;
  /// The telemetry history of `lock` with since <= t <= until, oldest first, in
  /// at most `max_points` points. While the range holds at most `max_points`
  /// samples, each is one point; beyond that, samples are averaged in equal
  /// time buckets of history_bucket_ms(since, until, max_points) and each
  /// non-empty bucket is one point (TelemetryPoint). Errors: invalid_argument
  /// ("max_points: must be at least 1", "until: must not be before since").
  virtual Result<std::vector<TelemetryPoint>> list_samples(const LockId& lock, Timestamp since,
                                                           Timestamp until, int max_points) = 0;
  /// Deletes the samples of every lock taken before `before`; returns how many.
  virtual Result<std::int64_t> delete_samples_before(Timestamp before) = 0;

  /// Returns the next value of the durable per-key command counter: strictly
  /// greater than every value returned before, across restarts.
  virtual Result<std::uint64_t> next_command_counter(const std::string& key_id) = 0;

  /// Keeps what the lock doctor learnt from one confirmed cause: one lesson
  /// per case (lock and case_opened), a later one replacing it in place (a
  /// corrected cause). A lesson without its case's opening is always added.
  virtual Result<void> keep_lesson(const Lesson& lesson) = 0;
  /// Every lesson kept, oldest first (a replaced one where the first was).
  virtual Result<std::vector<Lesson>> load_lessons() = 0;
};

}  // namespace lw::core
