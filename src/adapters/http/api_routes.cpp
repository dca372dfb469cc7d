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

/// A lock as listed: its record, its incident and the short battery forecast.
json::value listed(const core::Hub& hub, const core::LockRecord& l) {
  json::value v = to_json(l);
  json::object& o = v.as_object();
  const core::HealthMonitor& health = hub.health_monitor();
  const core::BatteryForecast f = health.forecast(l.id, hub.now());
  json::value days = nullptr;
  if (f.days_left) days = *f.days_left;
  o["battery_forecast"] =
      json::object{{"dies_ms", f.dies_at ? json::value(to_epoch_ms(*f.dies_at)) : nullptr},
                   {"days_left", days},
                   {"method", core::to_string(f.method)}};
  const auto incident = health.liveness().incident_of(l.id);
  o["incident"] = incident ? json::value(*incident) : nullptr;
  return v;
}

json::object service(const core::HealthMonitor& health, bool site, const std::string& id, Timestamp now) {
  json::object out;
  for (auto [name, w] : {std::pair{"day", core::Window::day}, std::pair{"week", core::Window::week},
                         std::pair{"month", core::Window::month}}) {
    out[name] = to_json(site ? health.figures_for_site(id, w, now) : health.figures_for_lock(id, w, now));
  }
  return out;
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
    for (const auto& l : locks) out.push_back(listed(hub, l));
    return json_response(200, json::object{{"locks", std::move(out)}});
  });

  router.get("/api/v1/locks/{id}", [&hub](const Request& r) {
    const core::LockRecord* lock = hub.find_lock(r.params.at("id"));
    if (!lock) return error_response(not_found("lock '" + r.params.at("id") + "' not found"));
    return json_response(200, listed(hub, *lock));
  });

  router.get("/api/v1/locks/{id}/health", [&hub](const Request& r) {
    const std::string& id = r.params.at("id");
    auto health = hub.health(id);
    if (!health) return error_response(health.error());
    json::value v = to_json(*health);
    const core::LockRecord* lock = hub.find_lock(id);
    v.as_object()["connectivity_since_ms"] = lock != nullptr && lock->connectivity_since
                                                 ? json::value(to_epoch_ms(*lock->connectivity_since))
                                                 : nullptr;
    v.as_object()["service"] = service(hub.health_monitor(), false, id, hub.now());
    return json_response(200, json::object{{"lock", id}, {"health", std::move(v)}});
  });

  router.get("/api/v1/sites/{id}/health", [&hub](const Request& r) {
    const std::string& id = r.params.at("id");
    auto sites = hub.sites();
    if (std::none_of(sites.begin(), sites.end(), [&](const core::SiteRecord& s) { return s.id == id; })) {
      return error_response(not_found("site '" + id + "' not found"));
    }
    json::object by_state;
    for (const auto& l : hub.locks()) {
      if (l.site != id) continue;
      const std::string state(core::to_string(l.connectivity));
      by_state[state] = (by_state.contains(state) ? by_state[state].as_int64() : 0) + 1;
    }
    return json_response(200, json::object{{"site", id},
                                           {"connectivity", std::move(by_state)},
                                           {"service", service(hub.health_monitor(), true, id, hub.now())}});
  });

  router.get("/api/v1/incidents", [&hub](const Request& r) {
    const std::string_view state = r.query_param("state").value_or("open");
    if (state != "open" && state != "all") {
      return error_response(invalid_argument("state", "must be open or all"));
    }
    const core::LivenessEngine& liveness = hub.health_monitor().liveness();
    json::array out;
    for (const core::Incident* inc : state == "open" ? liveness.open_incidents() : liveness.incidents()) {
      out.push_back(to_json(*inc));
    }
    return json_response(200, json::object{{"incidents", std::move(out)}});
  });

  router.get("/api/v1/incidents/{id}", [&hub](const Request& r) {
    const std::string& text = r.params.at("id");
    std::uint64_t id = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || ptr != text.data() + text.size()) {
      return error_response(invalid_argument("id", "must be an incident number"));
    }
    const core::Incident* inc = hub.health_monitor().liveness().incident(id);
    if (inc == nullptr) return error_response(not_found("incident " + text + " not found"));
    return json_response(200, json::object{{"incident", to_json(*inc)}});
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
