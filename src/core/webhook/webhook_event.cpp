#include "core/webhook/webhook_event.h"

#include <array>
#include <utility>

#include "base/enum_names.h"

namespace lw::core {
namespace {

constexpr EnumNames<WebhookEventType, 18> kTypes{{{
    {WebhookEventType::lock_online, "lock.online"},
    {WebhookEventType::lock_offline, "lock.offline"},
    {WebhookEventType::connectivity_changed, "connectivity.changed"},
    {WebhookEventType::lock_locked, "lock.locked"},
    {WebhookEventType::lock_unlocked, "lock.unlocked"},
    {WebhookEventType::lock_jammed, "lock.jammed"},
    {WebhookEventType::battery_low, "battery.low"},
    {WebhookEventType::battery_forecast, "battery.forecast"},
    {WebhookEventType::incident_opened, "incident.opened"},
    {WebhookEventType::incident_resolved, "incident.resolved"},
    {WebhookEventType::case_opened, "case.opened"},
    {WebhookEventType::case_resolved, "case.resolved"},
    {WebhookEventType::action_failed, "action.failed"},
    {WebhookEventType::access_code_set, "access_code.set"},
    {WebhookEventType::access_code_failed, "access_code.failed"},
    {WebhookEventType::access_code_removed, "access_code.removed"},
    {WebhookEventType::access_code_drift, "access_code.drift"},
    {WebhookEventType::access_code_wrong_pins, "access_code.wrong_pins"},
}}};

constexpr std::array<WebhookEventType, kTypes.entries.size()> all_types() {
  std::array<WebhookEventType, kTypes.entries.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = kTypes.entries[i].first;
  return out;
}
constexpr auto kAllTypes = all_types();

}  // namespace

std::string_view to_string(WebhookEventType type) noexcept { return kTypes.name(type); }

std::optional<WebhookEventType> parse_webhook_event_type(std::string_view name) noexcept {
  return kTypes.parse(name);
}

std::span<const WebhookEventType> webhook_event_types() noexcept { return kAllTypes; }

WebhookEvent& WebhookEvent::set_value(std::string key, WebhookValue value) {
  for (WebhookField& f : data) {
    if (f.key == key) {
      f.value = std::move(value);
      return *this;
    }
  }
  data.push_back({std::move(key), std::move(value)});
  return *this;
}

const WebhookValue* WebhookEvent::get(std::string_view key) const {
  for (const WebhookField& f : data) {
    if (f.key == key) return &f.value;
  }
  return nullptr;
}

}  // namespace lw::core
