// What the hub tells webhook receivers: the event types (docs/integrations.md,
// "Webhooks") and one event as a plain value — its type, when it happened and
// its data as ordered fields. The adapter (adapters/webhook) turns it into the
// JSON body `{"id","type","time_ms","hub","data":{...}}`.
//
// Example:
//   WebhookEvent e{WebhookEventType::lock_offline, at, {}};
//   e.set("lock", "front").set("connectivity", "offline").set("since_ms", at);
//   to_string(e.type);   // "lock.offline"
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/time.h"

namespace lw::core {

enum class WebhookEventType {
  lock_online,             ///< "lock.online"
  lock_offline,            ///< "lock.offline"
  connectivity_changed,    ///< "connectivity.changed": unreachable, updating or asleep
  lock_locked,             ///< "lock.locked"
  lock_unlocked,           ///< "lock.unlocked"
  lock_jammed,             ///< "lock.jammed"
  battery_low,             ///< "battery.low": 7 or 3 days left, or drop-outs on a low battery
  battery_forecast,        ///< "battery.forecast": the forecast crossed 30, 14, 7 or 3 days
  incident_opened,         ///< "incident.opened"
  incident_resolved,       ///< "incident.resolved"
  case_opened,             ///< "case.opened"
  case_resolved,           ///< "case.resolved"
  action_failed,           ///< "action.failed": a remote command failed or expired
  access_code_set,         ///< "access_code.set": a lock confirmed it holds a keypad code
  access_code_failed,      ///< "access_code.failed": a lock refused a code, or it was not confirmed in time
  access_code_removed,     ///< "access_code.removed": a lock confirmed a code's slot empty
  access_code_drift,       ///< "access_code.drift": a lock's slots differ from what the hub wrote
  access_code_wrong_pins,  ///< "access_code.wrong_pins": one wrong PIN tried at several doors of a site
};
std::string_view to_string(WebhookEventType type) noexcept;
std::optional<WebhookEventType> parse_webhook_event_type(std::string_view name) noexcept;
/// Every type, in declaration order.
std::span<const WebhookEventType> webhook_event_types() noexcept;

/// A data value: null, a flag, an integer, a number, text or a list of texts.
using WebhookValue =
    std::variant<std::monostate, bool, std::int64_t, double, std::string, std::vector<std::string>>;

struct WebhookField {
  std::string key;
  WebhookValue value;
  bool operator==(const WebhookField&) const = default;
};

struct WebhookEvent {
  WebhookEventType type{WebhookEventType::lock_online};
  Timestamp time{};                ///< when it happened (hub clock)
  std::vector<WebhookField> data;  ///< in the order they are sent

  /// Appends a field (or replaces the one with the same key); returns *this.
  WebhookEvent& set_value(std::string key, WebhookValue value);
  WebhookEvent& set(std::string key, std::string text) { return set_value(std::move(key), std::move(text)); }
  WebhookEvent& set(std::string key, std::string_view text) { return set(std::move(key), std::string(text)); }
  WebhookEvent& set(std::string key, const char* text) { return set(std::move(key), std::string(text)); }
  WebhookEvent& set(std::string key, bool flag) { return set_value(std::move(key), flag); }
  WebhookEvent& set(std::string key, int n) { return set_value(std::move(key), std::int64_t{n}); }
  WebhookEvent& set(std::string key, std::int64_t n) { return set_value(std::move(key), n); }
  WebhookEvent& set(std::string key, std::uint64_t n) {
    return set_value(std::move(key), static_cast<std::int64_t>(n));
  }
  WebhookEvent& set(std::string key, double x) { return set_value(std::move(key), x); }
  /// A time, as milliseconds since the epoch (the key should end in `_ms`).
  WebhookEvent& set(std::string key, Timestamp t) { return set_value(std::move(key), to_epoch_ms(t)); }
  WebhookEvent& set(std::string key, std::vector<std::string> texts) {
    return set_value(std::move(key), std::move(texts));
  }
  /// Sets `key` to null.
  WebhookEvent& set_null(std::string key) { return set_value(std::move(key), std::monostate{}); }
  /// The value of `key`, or nullptr.
  [[nodiscard]] const WebhookValue* get(std::string_view key) const;
};

}  // namespace lw::core
