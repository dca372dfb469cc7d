// Port: where the hub announces what changed, for live streams, logs,
// webhooks and other listeners. Notifications are fire-and-forget; a slow sink must queue.
// Threading: called only from the owning event loop.
#pragma once

#include <vector>

#include "core/lock/records.h"

namespace lw::core {

struct HealthNotice;  // core/health/health_monitor.h

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void lock_changed(const LockRecord& lock) = 0;
  virtual void event_recorded(const EventRecord& event) = 0;
  virtual void action_changed(const Action& action) = 0;
  /// What the health engine found (a battery horizon crossed, a weak link...),
  /// told just before it is recorded as a `health` event; the notice keeps
  /// what the event's words lose (its kind, the horizon in days). Optional.
  virtual void health_noticed(const HealthNotice& /*notice*/) {}
};

/// A sink that drops everything.
class NullEventSink final : public EventSink {
 public:
  void lock_changed(const LockRecord& /*lock*/) override {}
  void event_recorded(const EventRecord& /*event*/) override {}
  void action_changed(const Action& /*action*/) override {}
};

/// Passes every notification on to each of its sinks, in the order they were added.
class FanOutEventSink final : public EventSink {
 public:
  /// `sink` must outlive this one.
  void add(EventSink& sink) { sinks_.push_back(&sink); }
  void lock_changed(const LockRecord& lock) override {
    for (EventSink* s : sinks_) s->lock_changed(lock);
  }
  void event_recorded(const EventRecord& event) override {
    for (EventSink* s : sinks_) s->event_recorded(event);
  }
  void action_changed(const Action& action) override {
    for (EventSink* s : sinks_) s->action_changed(action);
  }
  void health_noticed(const HealthNotice& notice) override {
    for (EventSink* s : sinks_) s->health_noticed(notice);
  }

 private:
  std::vector<EventSink*> sinks_;
};

}  // namespace lw::core
