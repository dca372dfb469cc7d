// Hub: the hub's domain state and rules — the registry of locks, their latest
// state and connectivity, remote actions and their lifecycle, and the event
// history. Pure: all I/O goes through the injected ports.
//
// Inputs come from the transport adapters (on_* for decoded lock messages),
// from the API (request_action, queries) and from a periodic tick() that the
// composition root drives (about once a second; the simulator drives it on
// virtual time).
//
// Telemetry history: each telemetry message that carries a battery, voltage,
// signal or temperature reading becomes a stored sample, at most one per lock
// per kSampleInterval unless battery_pct changed or the RSSI moved by
// kSampleRssiStepDb or more since the last sample stored. Samples older than
// kTelemetryRetention are deleted once per UTC day (hub clock), on the first
// sample of the day.
//
// Action lifecycle: request_action persists a pending Action, then sends the
// signed command through DeviceLink. A CommandResult completes it (succeeded or
// failed with the lock's reason); tick() expires it at expires_at. A restart
// reloads pending actions, so a result arriving after a restart still lands.
//
// Threading: single-threaded; owned by one event loop.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "core/diagnosis/lock_doctor.h"
#include "core/health/health_monitor.h"
#include "core/lock/messages.h"
#include "core/lock/records.h"
#include "core/lock/telemetry_sample.h"
#include "core/ports/clock.h"
#include "core/ports/device_link.h"
#include "core/ports/event_sink.h"
#include "core/ports/random.h"
#include "core/ports/store.h"

namespace lw::core {

struct HubOptions {
  std::string key_id{"hub"};  // the key that signs commands
  Duration command_ttl{30s};  // expires_at = issued_at + ttl
  bool auto_register{true};   // accept locks first heard on the wire
  HealthMonitor::Options health;
  LockDoctor::Options doctor;
};

/// Counters of rejected input, by reason ("telemetry: battery_pct: must be 0..100").
using RejectCounters = std::map<std::string, std::uint64_t>;

class Hub {
 public:
  static constexpr Duration kSampleInterval{60s};
  static constexpr int kSampleRssiStepDb = 6;
  static constexpr Duration kTelemetryRetention{std::chrono::days{400}};

  Hub(Clock& clock, Store& store, DeviceLink& link, EventSink& sink, Random& random, HubOptions options);

  /// Loads sites, locks and pending actions from the store. Call once before use.
  Result<void> load();

  /// Records this hub instance (at every start). Errors: invalid_argument (bad id), store errors.
  Result<void> register_hub(const HubRecord& hub);

  /// Registers (or renames) a site / a lock known from configuration.
  Result<void> add_site(const SiteRecord& site);
  Result<void> add_lock(const LockRecord& lock);

  // --- input from locks (already decoded and validated) ---
  Result<void> on_status(const LockAddress& from, const StatusReport& status);
  /// Errors: not_found (unknown or misplaced lock), store errors (the lock
  /// record, or the telemetry history: "telemetry history: ...").
  Result<void> on_telemetry(const LockAddress& from, const Telemetry& telemetry);
  Result<void> on_state(const LockAddress& from, const StateReport& state);
  Result<void> on_event(const LockAddress& from, const DeviceEvent& event);
  Result<void> on_command_result(const LockAddress& from, const CommandResult& result);
  /// A phone's companion-app report (`from.lock` is the phone): its
  /// failures are evidence for the lock doctor. Errors: not_found (the lock
  /// it names is unknown).
  Result<void> on_app_report(const LockAddress& from, const AppReport& report);
  /// A message that failed to decode: counted by `reason`, never fatal.
  void on_rejected(const std::string& reason);

  // --- requests from the API ---
  /// Starts a remote lock/unlock. Errors: not_found (no such lock),
  /// unavailable (store failure). A DeviceLink failure does not fail the
  /// request: the action stays pending and is retried by tick() until it expires.
  Result<Action> request_action(const LockId& lock, LockAction action);

  /// Runs the health engine (connectivity, incidents, battery, drain, link),
  /// retries unsent commands and expires actions.
  void tick();

  // --- queries ---
  [[nodiscard]] std::vector<LockRecord> locks() const;
  [[nodiscard]] std::vector<SiteRecord> sites() const;
  [[nodiscard]] std::vector<HubRecord> hubs() const;
  [[nodiscard]] const LockRecord* find_lock(const LockId& id) const;
  Result<Action> find_action(const ActionId& id);
  Result<EventPage> events(const LockId& lock, int limit, std::optional<std::int64_t> before);
  /// A lock's telemetry history with since <= t <= until, oldest first, in at
  /// most `max_points` points (Store::list_samples). Errors: not_found (no such
  /// lock), invalid_argument (until before since, max_points < 1), store errors.
  Result<std::vector<TelemetryPoint>> history(const LockId& lock, Timestamp since, Timestamp until,
                                              int max_points);
  [[nodiscard]] const RejectCounters& rejected() const { return rejected_; }
  [[nodiscard]] std::uint64_t messages_accepted() const { return accepted_; }
  /// The health engine's view of a lock now (connectivity, incident, battery
  /// forecast, drain, link). Errors: not_found.
  Result<LockHealth> health(const LockId& lock) const;
  [[nodiscard]] const HealthMonitor& health_monitor() const { return health_; }
  /// The lock doctor: its cases, their ranked causes and plans.
  [[nodiscard]] const LockDoctor& doctor() const { return doctor_; }
  /// A troubleshooting step's outcome for a case (a repair: fixed or not; an
  /// observation: yes or no); re-plans. Errors: not_found (no such open case).
  Result<Plan> report_outcome(std::uint64_t case_id, Outcome outcome);
  /// The cause confirmed for a case (open or recently closed); the doctor's
  /// priors learn it. Errors: not_found.
  Result<void> confirm_cause(std::uint64_t case_id, Cause cause);
  /// The hub's clock, for queries over time windows.
  [[nodiscard]] Timestamp now() const { return clock_.now(); }

 private:
  LockRecord* known_lock(const LockAddress& from);
  Result<void> touch(LockRecord& lock);
  void place(const LockRecord& lock);
  /// Applies what the health engine found: connectivity, incidents, notices.
  void apply_health();
  Result<void> persist(LockRecord& lock);
  Result<void> record(EventRecord event);
  /// Stores a sample of `t` when the sampling rule says so; prunes once a day.
  Result<void> record_sample(const LockRecord& lock, const Telemetry& t);
  Result<void> finish_action(Action& action, ActionStatus status, std::string reason, std::string detail);
  void send(Action& action);

  Clock& clock_;
  Store& store_;
  DeviceLink& link_;
  EventSink& sink_;
  Random& random_;
  HubOptions options_;
  HealthMonitor health_;
  LockDoctor doctor_;

  std::map<std::string, HubRecord> hubs_;
  std::map<SiteId, SiteRecord> sites_;
  std::map<LockId, LockRecord> locks_;
  std::map<LockId, std::string> networks_;  // "<site>/<ssid>" a Wi-Fi lock reported
  std::map<ActionId, Action> pending_;
  std::map<ActionId, bool> unsent_;  // pending actions whose publish failed
  RejectCounters rejected_;
  std::uint64_t accepted_{0};
  std::map<LockId, TelemetrySample> last_sample_;  // the last sample stored, per lock
  std::optional<std::int64_t> pruned_day_;         // UTC day of the last retention pass
};

}  // namespace lw::core
