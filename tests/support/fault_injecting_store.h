// FaultInjectingStore: wraps another Store and makes its writes fail on demand,
// as a full disk or a locked database would — in the spirit of leveldb's
// FaultInjectionTestEnv. A refused write never reaches the wrapped store, so a
// test can check that the caller acknowledged nothing that was not stored and
// recovers once writes work again. Reads always pass through.
//
// Writes are upsert_hub, upsert_site, upsert_lock, append_event, save_action,
// append_sample, delete_samples_before and next_command_counter (it durably
// advances the counter).
//
// Example:
//   lw::core::MemoryStore memory;
//   lw::testing::FaultInjectingStore store{memory};
//   store.fail_next_writes(1);                 // the disk is full, once
//   EXPECT_FALSE(hub.request_action("front", LockAction::unlock));
//
// Threading: single-threaded, like the Hub that uses it.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "core/ports/store.h"

namespace lw::testing {

class FaultInjectingStore final : public core::Store {
 public:
  /// `inner` must outlive this wrapper.
  explicit FaultInjectingStore(core::Store& inner) : inner_(inner) {}

  /// The next `n` writes fail with `code` (replacing any count still pending).
  void fail_next_writes(int n, ErrorCode code = ErrorCode::unavailable);
  /// While `on`, every write fails with `code`; takes precedence over fail_next_writes.
  void fail_all_writes(bool on, ErrorCode code = ErrorCode::unavailable);
  /// Restricts the failures above to writes of one operation ("append_sample");
  /// the others pass through. Empty (the default): every write.
  void fail_only(std::string operation) { only_ = std::move(operation); }
  /// How many writes have been refused so far.
  [[nodiscard]] int refused_writes() const noexcept { return refused_; }

  Result<void> upsert_hub(const core::HubRecord& hub) override;
  Result<std::vector<core::HubRecord>> load_hubs() override;
  Result<void> upsert_site(const core::SiteRecord& site) override;
  Result<std::vector<core::SiteRecord>> load_sites() override;
  Result<void> upsert_lock(const core::LockRecord& lock) override;
  Result<std::vector<core::LockRecord>> load_locks() override;
  Result<std::optional<std::int64_t>> append_event(const core::EventRecord& event) override;
  Result<core::EventPage> list_events(const LockId& lock, int limit,
                                      std::optional<std::int64_t> before) override;
  Result<void> save_action(const core::Action& action) override;
  Result<std::optional<core::Action>> find_action(const ActionId& id) override;
  Result<std::vector<core::Action>> load_pending_actions() override;
  Result<void> append_sample(const core::TelemetrySample& sample) override;
  Result<std::vector<core::TelemetryPoint>> list_samples(const LockId& lock, Timestamp since, Timestamp until,
                                                         int max_points) override;
  Result<std::int64_t> delete_samples_before(Timestamp before) override;
  Result<std::uint64_t> next_command_counter(const std::string& key_id) override;
  Result<void> keep_lesson(const core::Lesson& lesson) override;
  Result<std::vector<core::Lesson>> load_lessons() override { return inner_.load_lessons(); }

 private:
  /// The injected error for a write named `operation`, or ok() to let it through.
  Result<void> admit(std::string_view operation);

  core::Store& inner_;
  int fail_next_{0};
  ErrorCode next_code_{ErrorCode::unavailable};
  bool fail_all_{false};
  ErrorCode all_code_{ErrorCode::unavailable};
  std::string only_;
  int refused_{0};
};

}  // namespace lw::testing
