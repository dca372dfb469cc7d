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
// Audit: with an AuditLog set (set_audit_log), every command (requested, sent,
// its result), registration of a site or lock (from configuration, a bridge or
// first heard on the wire), case outcome and confirmed cause is appended to it;
// a command's "accepted" record is written before the command is stored or
// sent, and a command whose record cannot be written is refused. Other parts
// record their own actions (code and account changes) through audit().
//
// Threading: single-threaded; owned by one event loop.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "core/diagnosis/lock_doctor.h"
#include "core/health/health_monitor.h"
#include "core/hub/command_stats.h"
#include "core/lock/messages.h"
#include "core/lock/records.h"
#include "core/lock/telemetry_sample.h"
#include "core/ports/audit_log.h"
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
  /// After restarting a bridge, how long its lock has to come back for the
  /// restart to count as the fix.
  Duration bridge_restart_wait{std::chrono::minutes(5)};
  /// After asking a bridge to install a lock's firmware update, how long the
  /// install may take (Zigbee2MQTT: "typically about 10 minutes").
  Duration firmware_update_wait{std::chrono::minutes(40)};
  /// A battery lock's firmware is updated only from this charge up (Zigbee2MQTT asks 70 %).
  int firmware_update_min_battery_pct{70};
};

/// Counters of rejected input, by reason ("telemetry: battery_pct: must be 0..100").
using RejectCounters = std::map<std::string, std::uint64_t>;
/// Messages heard from locks (and the bridges that speak for them), by the lock's transport.
using TransportCounters = std::map<Transport, std::uint64_t>;

class Hub {
 public:
  static constexpr Duration kSampleInterval{60s};
  static constexpr int kSampleRssiStepDb = 6;
  static constexpr Duration kTelemetryRetention{std::chrono::days{400}};

  Hub(Clock& clock, Store& store, DeviceLink& link, EventSink& sink, Random& random, HubOptions options);

  /// The audit log every command and administrative action is appended to
  /// (see the header comment). Without one nothing is audited (engine tests).
  void set_audit_log(AuditLog& audit) { audit_ = &audit; }

  /// Appends `entry` to the audit log, stamped with the hub's clock; returns its
  /// seq (0 without an audit log). The hook for actions the Hub does not see
  /// itself (code and account changes): call it before the change takes effect
  /// and refuse the change when it fails. Errors: invalid_argument (actor,
  /// action or outcome empty), the audit log's errors ("audit log: ...").
  Result<std::uint64_t> audit(AuditEntry entry);
  /// Up to `limit` (1..1000) audit records after since_seq, oldest first.
  /// Errors: invalid_argument (limit), failed_precondition (no audit log), the log's errors.
  Result<std::vector<AuditRecord>> audit_records(std::uint64_t since_seq, int limit);
  /// Audit records the Hub could not write since it started (each also failed
  /// its call when it was a command's first record).
  [[nodiscard]] std::uint64_t audit_failures() const { return audit_failures_; }

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

  // --- input from bridges and third-party locks (Zigbee2MQTT, Nuki) ---
  /// The lock talks through the bridge `via` (a Zigbee2MQTT instance, named by
  /// its base topic): it is unreachable while the bridge is down and joins the
  /// bridge's incidents. (Every lock whose report is overdue is probed,
  /// DeviceLink::probe; see apply_health.) Not stored: the adapter says it
  /// again at every start.
  /// Errors: not_found (unknown lock).
  Result<void> set_via(const LockId& lock, const std::string& via);
  /// A router of the mesh behind bridge `via` went offline or left (doctor
  /// evidence for mesh_route_lost).
  void on_mesh_router_gone(const std::string& via);
  /// The lock sleeps between check-ins (a battery Z-Wave node that is neither
  /// listening nor frequently listening): silent, it is `asleep`, not online,
  /// until its cadence is overdue. Errors: not_found.
  Result<void> set_sleepy(const LockId& lock, bool sleepy);
  /// A bridge came up or went down (Zigbee2MQTT bridge/state).
  void on_bridge_state(const std::string& via, bool up);
  /// A bridge's own version (Zigbee2MQTT bridge/info), for the lock doctor.
  void on_bridge_firmware(const std::string& via, const std::string& version);
  /// The lock's peer says whether the lock is there: Zigbee2MQTT availability
  /// or device_leave, a Nuki lock's `connected` and its Last Will. `who` names
  /// that word in the connectivity event. Errors: not_found.
  Result<void> on_availability(const LockAddress& from, bool online, const std::string& who);
  /// A link-quality reading on the lock's own scale (Zigbee LQI 0..255).
  /// Errors: not_found.
  Result<void> on_signal(const LockAddress& from, double value);
  /// The lock's bridge says it is installing firmware (Zigbee2MQTT's OTA
  /// "updating", with each progress report): silence within the update
  /// window is no outage. Errors: not_found.
  Result<void> on_updating(const LockAddress& from);
  /// An event a bridge or a third-party lock reported. It carries no sequence
  /// number (`event.seq` is ignored), so a redelivery is not recognised.
  /// Errors: as on_event.
  Result<void> on_reported_event(const LockAddress& from, const DeviceEvent& event);
  /// The lock's bridge says whether it has a firmware update for the lock
  /// (Zigbee2MQTT's OTA state "available" / "idle"): the lock doctor's
  /// update_firmware is then a step the hub does itself. Errors: not_found.
  Result<void> on_update_available(const LockAddress& from, bool available);
  /// The bridge's answer to the hub's request to install the update
  /// (DeviceLink::update_firmware): installed, or why not. Errors: not_found.
  Result<void> on_update_result(const LockAddress& from, bool installed, const std::string& detail);
  /// The lock announced itself to its bridge again (a rejoin: a reboot or a
  /// battery swap). Errors: not_found.
  Result<void> on_rejoined(const LockAddress& from);
  /// A failure line in the bridge's log says what the lock's radio did.
  /// Errors: not_found.
  Result<void> on_bridge_log(const LockAddress& from, BridgeLog what);
  /// A request to the lock that is no pending action (a probe, the bridge's
  /// own ping) failed. Errors: not_found.
  Result<void> on_request_failed(const LockAddress& from);
  /// The lock's adapter saw action `id` fail without the lock's answer (the
  /// bridge could not deliver it, the lock refused it): it fails with
  /// `reason` ("undelivered", "refused"). An action that is no longer pending
  /// is left as it is. Errors: not_found (unknown lock), store errors.
  Result<void> on_command_failed(const LockAddress& from, const ActionId& id, std::string reason,
                                 std::string detail);

  // --- requests from the API ---
  /// Starts a remote lock/unlock on behalf of `actor` (for the audit log:
  /// "api:<address>", "home_assistant", ...). Errors: not_found (no such lock),
  /// unavailable (store failure, or the audit record cannot be written: then
  /// nothing is stored or sent). A DeviceLink failure does not fail the
  /// request: the action stays pending and is retried by tick() until it expires.
  Result<Action> request_action(const LockId& lock, LockAction action, const std::string& actor = "hub");
  /// Relays a command a user's own key signed (docs/protocol.md 5.5): the
  /// caller checked the envelope and the policy, `command` is its decoded
  /// body and `envelope` goes to the lock unchanged. The action carries the
  /// command's id, key and counter and completes like any other. It is sent
  /// once: the hub cannot re-sign it. Errors: not_found (no such lock),
  /// invalid_argument ("body.lock: ..." not this lock), conflict (an action
  /// with that id exists), unavailable (the link did not take it; the action
  /// is failed "undelivered"), store errors.
  Result<Action> relay_action(const LockId& lock, const Command& command, std::string_view envelope,
                              const std::string& actor = "hub");

  /// Runs the health engine (connectivity, incidents, battery, drain, link),
  /// retries unsent commands and expires actions.
  void tick();

  /// Records an event about a lock that another part of the hub found (an
  /// access code's sync state, a site-wide wrong-PIN alert): stored in the
  /// lock's history and told to the sink. `event.ts` unset: the hub's clock.
  /// Errors: not_found (unknown lock), store errors.
  Result<void> record_event(EventRecord event);

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
  /// Confirmed causes the store failed to keep (a restart forgets them).
  [[nodiscard]] std::uint64_t lessons_lost() const { return lessons_lost_; }
  [[nodiscard]] std::uint64_t messages_accepted() const { return accepted_; }
  /// Accepted messages from locks by transport (a phone's app reports are
  /// counted only in messages_accepted). Since the hub started.
  [[nodiscard]] const TransportCounters& messages_by_transport() const { return heard_; }
  /// Commands finished since the hub started, and the locks' answer times.
  [[nodiscard]] const CommandStats& command_stats() const { return commands_; }
  /// The health engine's view of a lock now (connectivity, incident, battery
  /// forecast, drain, link). Errors: not_found.
  Result<LockHealth> health(const LockId& lock) const;
  [[nodiscard]] const HealthMonitor& health_monitor() const { return health_; }
  /// Whether the hub holds a verified backup of the lock's codes (AccessCodes):
  /// only then does the doctor plan a re-pair or a factory reset.
  /// Errors: not_found (unknown lock).
  Result<void> set_code_backup(const LockId& lock, bool verified);
  /// The lock doctor: its cases, their ranked causes and plans.
  [[nodiscard]] const LockDoctor& doctor() const { return doctor_; }
  /// A troubleshooting step's outcome for a case (a repair: fixed or not; an
  /// observation: yes or no); re-plans. Errors: not_found (no such open case).
  Result<Plan> report_outcome(std::uint64_t case_id, Outcome outcome, const std::string& actor = "hub");
  /// The cause confirmed for a case (open or recently closed); the doctor's
  /// priors learn it. Errors: not_found.
  Result<void> confirm_cause(std::uint64_t case_id, Cause cause, const std::string& actor = "hub");
  /// The hub's clock, for queries over time windows.
  [[nodiscard]] Timestamp now() const { return clock_.now(); }

 private:
  LockRecord* known_lock(const LockAddress& from);
  Result<void> touch(LockRecord& lock);
  /// Counts a message accepted from `lock`.
  void count_message(const LockRecord& lock);
  void place(const LockRecord& lock);
  /// Applies what the health engine found: connectivity, incidents, notices.
  void apply_health();
  Result<void> persist(LockRecord& lock);
  /// on_event and on_reported_event: `sequenced` events are deduplicated by seq.
  Result<void> apply_event(const LockAddress& from, const DeviceEvent& event, bool sequenced);
  Result<void> record(EventRecord event);
  /// Stores a sample of `t` when the sampling rule says so; prunes once a day.
  Result<void> record_sample(const LockRecord& lock, const Telemetry& t);
  Result<void> finish_action(Action& action, ActionStatus status, std::string reason, std::string detail);
  /// Publishes the action's command; false when the DeviceLink failed (retried by tick()).
  bool send(Action& action);
  /// The doctor's steps the hub does itself (Plan: automatic): a lock of
  /// lockwarden's own firmware whose case plans `recalibrate` gets the signed
  /// recalibrate command (protocol 5.7), once per case; its answer is the
  /// step's outcome (fixed when the lock recalibrated), audited as
  /// case.outcome by "hub". Unanswered by the command's expiry: not fixed.
  /// A bridged lock whose case plans `power_cycle_hub` while its bridge
  /// answers gets its bridge restarted (DeviceLink::restart_bridge), once
  /// per case; fixed when the lock, down when it was asked, is back within
  /// HubOptions::bridge_restart_wait. A bridged lock whose case plans
  /// `update_firmware` while its bridge has an update for it gets the update
  /// installed (DeviceLink::update_firmware), once per case, unless its
  /// battery is under HubOptions::firmware_update_min_battery_pct; fixed when
  /// the bridge says it installed it and the lock is online, within
  /// HubOptions::firmware_update_wait. Each is audited as remedy.<step>.
  void run_remedies();
  /// Sends the recalibrate command for case `c`; false when the cases changed.
  bool recalibrate(const Case& c, const LockRecord& lock, Timestamp now);
  /// Restarts the bridge of case `c`'s lock; false when the cases changed.
  bool restart_bridge(const Case& c, const LockRecord& lock, const std::string& via, Timestamp now);
  /// Has the bridge of case `c`'s lock install its update; false when the cases changed.
  bool update_firmware(const Case& c, const LockRecord& lock, const std::string& via, Timestamp now);
  /// Stores what the doctor learnt from confirmed causes (load() teaches it
  /// again after a restart); a failed write is counted in lessons_lost().
  void keep_lessons();
  /// Records a health event of `lock` in plain words, stamped `at` (default: now).
  void record_health(const LockId& lock, std::string detail, std::optional<Timestamp> at = std::nullopt);
  /// A remedy's answer: true when `result` was one.
  bool remedy_answered(const LockRecord& lock, const CommandResult& result);
  /// Appends an audit record stamped now; a failure is counted, not returned.
  void note(std::string actor, std::string action, std::string target, std::string detail,
            std::string outcome);

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
  std::map<LockId, std::string> vias_;      // the bridge a bridged lock talks through
  std::set<LockId> sleepy_;                 // locks that sleep between check-ins
  std::map<ActionId, Action> pending_;
  std::map<ActionId, bool> unsent_;  // pending actions whose publish failed
  struct Remedy {
    std::uint64_t case_id{0};
    Step step{Step::recalibrate};
    LockId lock;
    Timestamp expires_at{};
    bool lock_was_down{false};  // power_cycle_hub: fixed when it comes back
    bool installed{false};      // update_firmware: the bridge said it installed the update
  };
  std::map<ActionId, Remedy> remedies_;             // sent, awaiting the lock's answer
  std::set<std::pair<std::uint64_t, Step>> tried_;  // (case, step) the hub has done
  RejectCounters rejected_;
  std::uint64_t lessons_lost_{0};
  std::uint64_t accepted_{0};
  TransportCounters heard_;
  CommandStats commands_;
  std::map<LockId, TelemetrySample> last_sample_;  // the last sample stored, per lock
  std::optional<std::int64_t> pruned_day_;         // UTC day of the last retention pass
  AuditLog* audit_{nullptr};
  std::uint64_t audit_failures_{0};
};

}  // namespace lw::core
