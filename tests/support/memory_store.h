// MemoryStore: the Store port held in memory, for fast core tests. It behaves
// like SqliteStore in everything a caller can see — ids increase from 1, a
// redelivered (lock, device_seq) is ignored, events page newest first with the
// same `limit` rule, telemetry samples are averaged into the same buckets with
// the same rounding, command counters start at 1 and only grow, loads come back
// in the same order — and src/adapters/sqlite/store_contract_test.cpp runs one
// suite against both to keep it that way. Nothing survives the object.
//
// Like ManualClock and SeededRandom it lives in lw::core, beside the port it
// implements.
// Threading: single-threaded, like the Hub that uses it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/ports/store.h"

namespace lw::core {

class MemoryStore final : public Store {
 public:
  Result<void> upsert_hub(const HubRecord& hub) override;
  Result<std::vector<HubRecord>> load_hubs() override;  // by id
  Result<void> upsert_site(const SiteRecord& site) override;
  Result<std::vector<SiteRecord>> load_sites() override;  // by id
  Result<void> upsert_lock(const LockRecord& lock) override;
  Result<std::vector<LockRecord>> load_locks() override;  // by id
  Result<std::optional<std::int64_t>> append_event(const EventRecord& event) override;
  /// Errors: invalid_argument ("limit: must be 1..1000").
  Result<EventPage> list_events(const LockId& lock, int limit, std::optional<std::int64_t> before) override;
  Result<void> save_action(const Action& action) override;
  Result<std::optional<Action>> find_action(const ActionId& id) override;
  Result<std::vector<Action>> load_pending_actions() override;  // by created_at, then id
  Result<void> append_sample(const TelemetrySample& sample) override;
  /// Errors: invalid_argument, as SqliteStore.
  Result<std::vector<TelemetryPoint>> list_samples(const LockId& lock, Timestamp since, Timestamp until,
                                                   int max_points) override;
  Result<std::int64_t> delete_samples_before(Timestamp before) override;
  Result<std::uint64_t> next_command_counter(const std::string& key_id) override;
  Result<void> keep_lesson(const Lesson& lesson) override {
    if (lesson.case_opened != Timestamp{}) {
      for (Lesson& kept : lessons_) {
        if (kept.lock == lesson.lock && kept.case_opened == lesson.case_opened) {
          kept = lesson;
          return ok();
        }
      }
    }
    lessons_.push_back(lesson);
    return ok();
  }
  Result<std::vector<Lesson>> load_lessons() override { return lessons_; }

 private:
  std::map<std::string, HubRecord> hubs_;
  std::map<SiteId, SiteRecord> sites_;
  std::map<LockId, LockRecord> locks_;
  std::map<LockId, std::vector<EventRecord>> events_;  // per lock, in id order
  std::set<std::pair<LockId, std::uint64_t>> device_seqs_;
  std::int64_t last_event_id_{0};
  std::map<ActionId, Action> actions_;
  std::map<LockId, std::map<Timestamp, TelemetrySample>> samples_;  // per lock, by time
  std::map<std::string, std::uint64_t> counters_;
  std::vector<Lesson> lessons_;
};

}  // namespace lw::core
