#include "adapters/http/api_json.h"

#include <boost/json.hpp>

namespace lw::adapters::http {
namespace {

namespace json = boost::json;

template <typename T>
json::value opt(const std::optional<T>& v) {
  if (!v) return nullptr;
  return json::value(*v);
}
json::value opt_ms(const std::optional<Timestamp>& t) {
  if (!t) return nullptr;
  return to_epoch_ms(*t);
}
json::value name(std::string_view s) { return json::string(s); }

}  // namespace

json::value to_json(const core::HubRecord& h) {
  return json::object{{"id", h.id},
                      {"version", h.version},
                      {"started_ms", to_epoch_ms(h.started_at)},
                      {"public_key", h.public_key}};
}

json::value to_json(const core::LockRecord& l) {
  return json::object{
      {"id", l.id},
      {"name", l.name},
      {"site", l.site},
      {"transport", name(core::to_string(l.transport))},
      {"connectivity", name(core::to_string(l.connectivity))},
      {"connectivity_since_ms", opt_ms(l.connectivity_since)},
      {"lock_state", name(core::to_string(l.lock_state))},
      {"door_state", name(core::to_string(l.door_state))},
      {"battery_pct", opt(l.battery_pct)},
      {"battery_mv", opt(l.battery_mv)},
      {"rssi_dbm", opt(l.rssi_dbm)},
      {"firmware", l.firmware.empty() ? json::value(nullptr) : json::value(l.firmware)},
      {"uptime_s", opt(l.uptime_s)},
      {"reboot_count", opt(l.reboot_count)},
      {"boot_reason", name(core::to_string(l.boot_reason))},
      {"heartbeat_s", std::chrono::duration_cast<std::chrono::seconds>(l.heartbeat).count()},
      {"last_seen_ms", opt_ms(l.last_seen)},
  };
}

json::value to_json(const core::Action& a) {
  return json::object{
      {"id", a.id},
      {"lock", a.lock},
      {"site", a.site},
      {"action", name(core::to_string(a.action))},
      {"status", name(core::to_string(a.status))},
      {"reason", a.reason.empty() ? json::value(nullptr) : json::value(a.reason)},
      {"detail", a.detail.empty() ? json::value(nullptr) : json::value(a.detail)},
      {"created_ms", to_epoch_ms(a.created_at)},
      {"expires_ms", to_epoch_ms(a.expires_at)},
      {"completed_ms", opt_ms(a.completed_at)},
  };
}

json::value to_json(const core::EventRecord& e) {
  return json::object{
      {"id", e.id},
      {"lock", e.lock},
      {"ts_ms", to_epoch_ms(e.ts)},
      {"kind", name(core::to_string(e.kind))},
      {"device_seq", opt(e.device_seq)},
      {"operation", e.operation ? name(core::to_string(*e.operation)) : json::value(nullptr)},
      {"source", e.source ? name(core::to_string(*e.source)) : json::value(nullptr)},
      {"user", opt(e.user)},
      {"detail", e.detail.empty() ? json::value(nullptr) : json::value(e.detail)},
  };
}

json::value to_json(const core::EventPage& page) {
  json::array events;
  events.reserve(page.events.size());
  for (const auto& e : page.events) events.push_back(to_json(e));
  return json::object{{"events", std::move(events)}, {"next_before", opt(page.next_before)}};
}

}  // namespace lw::adapters::http
