// LogEventSink: tells the operator, through the log, what the hub noticed —
// connectivity changes, alarms, lock operations and finished actions — one
// line each. Secrets never pass through it (events carry none).
// Threading: called on the hub's io_context thread.
#pragma once

#include <map>
#include <string>

#include "core/ports/event_sink.h"

namespace lw::app {

class LogEventSink final : public core::EventSink {
 public:
  void lock_changed(const core::LockRecord& lock) override;
  void event_recorded(const core::EventRecord& event) override;
  void action_changed(const core::Action& action) override;

 private:
  std::map<std::string, std::string> names_;  // lock id -> display name
};

}  // namespace lw::app
