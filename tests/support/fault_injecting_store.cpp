#include "tests/support/fault_injecting_store.h"

#include <string>

namespace lw::testing {

void FaultInjectingStore::fail_next_writes(int n, ErrorCode code) {
  fail_next_ = n > 0 ? n : 0;
  next_code_ = code;
}

void FaultInjectingStore::fail_all_writes(bool on, ErrorCode code) {
  fail_all_ = on;
  all_code_ = code;
}

Result<void> FaultInjectingStore::admit(std::string_view operation) {
  ErrorCode code{};
  if (!only_.empty() && operation != only_) return ok();
  if (fail_all_) {
    code = all_code_;
  } else if (fail_next_ > 0) {
    --fail_next_;
    code = next_code_;
  } else {
    return ok();
  }
  ++refused_;
  return Error{code, "injected write failure (" + std::string(operation) + ")"};
}

Result<void> FaultInjectingStore::upsert_hub(const core::HubRecord& hub) {
  if (auto r = admit("upsert_hub"); !r) return r;
  return inner_.upsert_hub(hub);
}

Result<std::vector<core::HubRecord>> FaultInjectingStore::load_hubs() { return inner_.load_hubs(); }

Result<void> FaultInjectingStore::upsert_site(const core::SiteRecord& site) {
  if (auto r = admit("upsert_site"); !r) return r;
  return inner_.upsert_site(site);
}

Result<std::vector<core::SiteRecord>> FaultInjectingStore::load_sites() { return inner_.load_sites(); }

Result<void> FaultInjectingStore::upsert_lock(const core::LockRecord& lock) {
  if (auto r = admit("upsert_lock"); !r) return r;
  return inner_.upsert_lock(lock);
}

Result<std::vector<core::LockRecord>> FaultInjectingStore::load_locks() { return inner_.load_locks(); }

Result<std::optional<std::int64_t>> FaultInjectingStore::append_event(const core::EventRecord& event) {
  if (auto r = admit("append_event"); !r) return r.error();
  return inner_.append_event(event);
}

Result<core::EventPage> FaultInjectingStore::list_events(const LockId& lock, int limit,
                                                         std::optional<std::int64_t> before) {
  return inner_.list_events(lock, limit, before);
}

Result<void> FaultInjectingStore::save_action(const core::Action& action) {
  if (auto r = admit("save_action"); !r) return r;
  return inner_.save_action(action);
}

Result<std::optional<core::Action>> FaultInjectingStore::find_action(const ActionId& id) {
  return inner_.find_action(id);
}

Result<std::vector<core::Action>> FaultInjectingStore::load_pending_actions() {
  return inner_.load_pending_actions();
}

Result<void> FaultInjectingStore::append_sample(const core::TelemetrySample& sample) {
  if (auto r = admit("append_sample"); !r) return r;
  return inner_.append_sample(sample);
}

Result<std::vector<core::TelemetryPoint>> FaultInjectingStore::list_samples(const LockId& lock,
                                                                            Timestamp since, Timestamp until,
                                                                            int max_points) {
  return inner_.list_samples(lock, since, until, max_points);
}

Result<std::int64_t> FaultInjectingStore::delete_samples_before(Timestamp before) {
  if (auto r = admit("delete_samples_before"); !r) return r.error();
  return inner_.delete_samples_before(before);
}

Result<std::uint64_t> FaultInjectingStore::next_command_counter(const std::string& key_id) {
  if (auto r = admit("next_command_counter"); !r) return r.error();
  return inner_.next_command_counter(key_id);
}

Result<void> FaultInjectingStore::keep_lesson(const core::Lesson& lesson) {
  if (auto r = admit("keep_lesson"); !r) return r;
  return inner_.keep_lesson(lesson);
}

}  // namespace lw::testing
