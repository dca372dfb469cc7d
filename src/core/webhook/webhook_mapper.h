// WebhookMapper: which of the hub's notifications become which webhook events
// (docs/integrations.md, "Webhooks"). It is an EventSink beside the log and the
// live stream, and reviews the open incidents and cases after every tick:
//
//   lock_changed, connectivity became   online                 -> lock.online
//                                        offline                -> lock.offline
//                                        unreachable, updating,
//                                        asleep                 -> connectivity.changed
//     (suspect is a report running late: not told; a lock that goes
//      online -> suspect -> online tells nothing)
//   lock_changed, lock state became     locked / unlocked      -> lock.locked / lock.unlocked
//                                        (from a known state: the first
//                                        report of a lock is not a change)
//                                        jammed                 -> lock.jammed
//   health_noticed, battery forecast     crossed 30/14/7/3 days -> battery.forecast
//                                        (and at 7 or 3 days)   -> battery.low
//   health_noticed, drop-outs on a low battery                  -> battery.low
//   action_changed, failed or expired                           -> action.failed
//   review(): an incident / case open now and not before        -> incident.opened / case.opened
//             one open before and not now                       -> incident.resolved / case.resolved
//
// What the hub already knew when it started (seed) is not told again.
//
// Example:
//   WebhookMapper mapper(clock);
//   mapper.seed(hub.locks(), hub.health_monitor().liveness(), hub.doctor());
//   fan_out.add(mapper);
//   // after every hub.tick():
//   mapper.review(hub.health_monitor().liveness(), hub.doctor());
//   for (WebhookEvent& e : mapper.take()) outbox.add(e);
//
// Pure: no I/O; the time of a change the record does not carry comes from the
// injected Clock. Threading: one owner, the hub's event loop.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/ids.h"
#include "core/diagnosis/lock_doctor.h"
#include "core/health/health_monitor.h"
#include "core/health/liveness_engine.h"
#include "core/lock/records.h"
#include "core/ports/clock.h"
#include "core/ports/event_sink.h"
#include "core/webhook/webhook_event.h"

namespace lw::core {

class WebhookMapper final : public EventSink {
 public:
  /// `clock` must outlive the mapper.
  explicit WebhookMapper(const Clock& clock);

  /// What the hub knew at start (stored locks, open incidents and cases):
  /// remembered, not told. Call once, before the first notification.
  void seed(const std::vector<LockRecord>& locks, const LivenessEngine& liveness, const LockDoctor& doctor);

  // EventSink
  void lock_changed(const LockRecord& lock) override;
  void event_recorded(const EventRecord& /*event*/) override {}
  void action_changed(const Action& action) override;
  void health_noticed(const HealthNotice& notice) override;

  /// Incidents and cases opened or closed since the last review. Cost:
  /// O(open incidents + open cases).
  void review(const LivenessEngine& liveness, const LockDoctor& doctor);

  /// An event another part of the hub found (access codes), told in turn.
  void add(WebhookEvent event) { out_.push_back(std::move(event)); }

  /// The events found since the last call, in the order they happened.
  std::vector<WebhookEvent> take();

 private:
  struct KnownLock {
    SiteId site;
    std::string name;
    Connectivity told{Connectivity::unknown};  // never suspect
    LockState state{LockState::unknown};
  };
  struct KnownIncident {
    IncidentScope scope{IncidentScope::lock};
    std::string subject;
    SiteId site;
    Timestamp opened_at{};
    std::vector<LockId> members;
  };
  struct KnownCase {
    LockId lock;
    std::vector<LockId> members;
    Timestamp opened_at{};
  };

  /// A new event about `lock` with its id, site and name first.
  WebhookEvent& about(WebhookEventType type, Timestamp at, const LockId& lock);
  void review_incidents(const LivenessEngine& liveness);
  void review_cases(const LockDoctor& doctor);

  const Clock& clock_;
  std::map<LockId, KnownLock> locks_;
  std::map<std::uint64_t, KnownIncident> incidents_;  // open at the last review
  std::map<std::uint64_t, KnownCase> cases_;          // open at the last review
  std::vector<WebhookEvent> out_;
};

}  // namespace lw::core
