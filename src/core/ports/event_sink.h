// Port: where the hub announces what changed, for live streams, logs and
// (later) webhooks. Notifications are fire-and-forget; a slow sink must queue.
// Threading: called only from the owning event loop.
#pragma once

#include "core/lock/records.h"

namespace lw::core {

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void lock_changed(const LockRecord& lock) = 0;
  virtual void event_recorded(const EventRecord& event) = 0;
  virtual void action_changed(const Action& action) = 0;
};

/// A sink that drops everything.
class NullEventSink final : public EventSink {
 public:
  void lock_changed(const LockRecord& /*lock*/) override {}
  void event_recorded(const EventRecord& /*event*/) override {}
  void action_changed(const Action& /*action*/) override {}
};

}  // namespace lw::core
