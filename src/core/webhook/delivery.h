// A webhook delivery: one event for one receiver, from the moment it is
// stored in the outbox until it is delivered, refused or expired
// (docs/storage.md, `webhook_deliveries`; RetrySchedule decides its fate).
//
// Threading: plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"
#include "core/webhook/webhook_event.h"

namespace lw::core {

enum class DeliveryStatus {
  pending,    ///< waiting for its next attempt
  delivered,  ///< the receiver answered 2xx
  failed,     ///< the receiver refused it for good (a 4xx other than 429, a 1xx or 3xx)
  expired,    ///< still not delivered 24 h after it was created
};
std::string_view to_string(DeliveryStatus status) noexcept;
std::optional<DeliveryStatus> parse_delivery_status(std::string_view name) noexcept;

struct WebhookDelivery {
  std::string id;   ///< the body's "id" and X-Lockwarden-Delivery; the same on every attempt
  std::string url;  ///< the receiver, as configured
  WebhookEventType event_type{WebhookEventType::lock_online};
  std::string body;  ///< exactly the bytes sent and signed
  DeliveryStatus status{DeliveryStatus::pending};
  int attempts{0};
  Timestamp created_at{};
  Timestamp next_attempt_at{};
  std::optional<Timestamp> last_attempt_at;
  std::optional<int> last_status;  ///< the last answer's HTTP status; absent when none came
  std::string last_error;          ///< plain words about the last failed attempt
  std::optional<Timestamp> done_at;

  bool operator==(const WebhookDelivery&) const = default;
};

}  // namespace lw::core
