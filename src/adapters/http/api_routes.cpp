#include "adapters/http/api_routes.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "adapters/http/api_json.h"
#include "adapters/http/router.h"
#include "core/hub/hub.h"

namespace lw::adapters::http {
namespace {

namespace json = boost::json;

/// An integer query parameter in [min, max]; absent gives `fallback`.
Result<std::optional<std::int64_t>> int_param(const Request& r, std::string_view name, std::int64_t min,
                                              std::int64_t max) {
  auto text = r.query_param(name);
  if (!text) return std::optional<std::int64_t>{};
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || ptr != text->data() + text->size() || v < min || v > max) {
    return invalid_argument(name, "must be an integer " + std::to_string(min) + ".." + std::to_string(max));
  }
  return std::optional<std::int64_t>{v};
}

Response action_route(core::Hub& hub, const Request& r, core::LockAction what) {
  auto action = hub.request_action(r.params.at("id"), what);
  if (!action) return error_response(action.error());
  Response res = json_response(202, json::object{{"action", to_json(*action)}});
  res.headers.emplace_back("Location", "/api/v1/actions/" + action->id);
  return res;
}

}  // namespace

void add_api_routes(Router& router, core::Hub& hub) {
  router.get("/api/v1/health", [](const Request&) {
    return json_response(200, json::object{{"status", "ok"}});
  });

  router.get("/api/v1/hubs", [&hub](const Request&) {
    json::array hubs;
    for (const auto& h : hub.hubs()) hubs.push_back(to_json(h));
    return json_response(200, json::object{{"hubs", std::move(hubs)}});
  });

  router.get("/api/v1/sites", [&hub](const Request&) {
    json::array sites;
    auto locks = hub.locks();
    for (const auto& s : hub.sites()) {
      auto in_site = [&](const core::LockRecord& l) { return l.site == s.id; };
      auto online = [&](const core::LockRecord& l) {
        return l.site == s.id && l.connectivity == core::Connectivity::online;
      };
      sites.push_back(json::object{{"id", s.id},
                                   {"name", s.name},
                                   {"locks", std::count_if(locks.begin(), locks.end(), in_site)},
                                   {"online", std::count_if(locks.begin(), locks.end(), online)}});
    }
    return json_response(200, json::object{{"sites", std::move(sites)}});
  });

  router.get("/api/v1/locks", [&hub](const Request&) {
    auto locks = hub.locks();
    std::sort(locks.begin(), locks.end(),
              [](const auto& a, const auto& b) { return std::tie(a.site, a.id) < std::tie(b.site, b.id); });
    json::array out;
    out.reserve(locks.size());
    for (const auto& l : locks) out.push_back(to_json(l));
    return json_response(200, json::object{{"locks", std::move(out)}});
  });

  router.get("/api/v1/locks/{id}", [&hub](const Request& r) {
    const core::LockRecord* lock = hub.find_lock(r.params.at("id"));
    if (!lock) return error_response(not_found("lock '" + r.params.at("id") + "' not found"));
    return json_response(200, to_json(*lock));
  });

  router.post("/api/v1/locks/{id}/lock",
              [&hub](const Request& r) { return action_route(hub, r, core::LockAction::lock); });
  router.post("/api/v1/locks/{id}/unlock",
              [&hub](const Request& r) { return action_route(hub, r, core::LockAction::unlock); });
  router.post("/api/v1/locks/{id}/unlatch",
              [&hub](const Request& r) { return action_route(hub, r, core::LockAction::unlatch); });

  router.get("/api/v1/actions/{id}", [&hub](const Request& r) {
    auto action = hub.find_action(r.params.at("id"));
    if (!action) return error_response(action.error());
    return json_response(200, json::object{{"action", to_json(*action)}});
  });

  router.get("/api/v1/locks/{id}/events", [&hub](const Request& r) {
    auto limit = int_param(r, "limit", 1, 1000);
    if (!limit) return error_response(limit.error());
    auto before = int_param(r, "before", 1, INT64_MAX);
    if (!before) return error_response(before.error());
    auto page = hub.events(r.params.at("id"), static_cast<int>(limit->value_or(50)), *before);
    if (!page) return error_response(page.error());
    return json_response(200, to_json(*page));
  });

  router.get("/api/v1/stats", [&hub](const Request&) {
    json::object rejected;
    for (const auto& [reason, count] : hub.rejected()) rejected[reason] = count;
    return json_response(
        200, json::object{{"messages_accepted", hub.messages_accepted()}, {"rejected", std::move(rejected)}});
  });
}

}  // namespace lw::adapters::http
