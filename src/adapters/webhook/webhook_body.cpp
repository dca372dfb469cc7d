#include "adapters/webhook/webhook_body.h"

#include <boost/json.hpp>
#include <type_traits>

namespace lw::adapters::webhook {
namespace {

namespace json = boost::json;

json::value to_json(const core::WebhookValue& v) {
  return std::visit(
      [](const auto& x) -> json::value {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          json::array a;
          for (const std::string& s : x) a.emplace_back(s);
          return a;
        } else {
          return json::value(x);
        }
      },
      v);
}

}  // namespace

std::string webhook_body(std::string_view id, const core::WebhookEvent& event, std::string_view hub_id) {
  json::object data;
  for (const core::WebhookField& f : event.data) data[f.key] = to_json(f.value);
  json::object body;
  body["id"] = id;
  body["type"] = core::to_string(event.type);
  body["time_ms"] = to_epoch_ms(event.time);
  body["hub"] = hub_id;
  body["data"] = std::move(data);
  return json::serialize(body);
}

}  // namespace lw::adapters::webhook
