#include "app/log_event_sink.h"

#include <spdlog/spdlog.h>

namespace lw::app {

void LogEventSink::lock_changed(const core::LockRecord& lock) { names_[lock.id] = lock.name; }

void LogEventSink::event_recorded(const core::EventRecord& e) {
  auto it = names_.find(e.lock);
  const std::string& name = it == names_.end() ? e.lock : it->second;
  switch (e.kind) {
    case core::EventKind::connectivity:
      if (e.detail == "online") {
        spdlog::info("{} ({}) is online", name, e.lock);
      } else {
        spdlog::warn("{} ({}) is {}", name, e.lock, e.detail);
      }
      break;
    case core::EventKind::alarm: spdlog::warn("{} ({}) alarm: {}", name, e.lock, e.detail); break;
    case core::EventKind::lock_operation:
      spdlog::info("{} ({}): {} by {}{}", name, e.lock,
                   e.operation ? core::to_string(*e.operation) : "operation",
                   e.source ? core::to_string(*e.source) : "unknown", e.user ? " (" + *e.user + ")" : "");
      break;
    case core::EventKind::health: spdlog::warn("{} ({}): {}", name, e.lock, e.detail); break;
    case core::EventKind::command: break;  // reported by action_changed
    case core::EventKind::access_code: spdlog::info("{} ({}): {}", name, e.lock, e.detail); break;
  }
}

void LogEventSink::action_changed(const core::Action& a) {
  if (a.status == core::ActionStatus::pending) {
    spdlog::info("action {}: {} {} requested", a.id, core::to_string(a.action), a.lock);
  } else if (a.status == core::ActionStatus::succeeded) {
    spdlog::info("action {}: {} {} succeeded", a.id, core::to_string(a.action), a.lock);
  } else {
    spdlog::warn("action {}: {} {} {}: {}", a.id, core::to_string(a.action), a.lock,
                 core::to_string(a.status), a.reason);
  }
}

}  // namespace lw::app
