// The JSON body of a webhook delivery (docs/integrations.md, "Webhooks"):
//   {"id":"d-5f1c...","type":"lock.offline","time_ms":1796294941120,"hub":"home-hub",
//    "data":{"lock":"front","site":"home","name":"Front door","connectivity":"offline",...}}
// Compact, keys in this order, data fields in the event's order.
//
// Threading: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/webhook/webhook_event.h"

namespace lw::adapters::webhook {

/// The body of delivery `id` of `event` from hub `hub_id`.
std::string webhook_body(std::string_view id, const core::WebhookEvent& event, std::string_view hub_id);

}  // namespace lw::adapters::webhook
