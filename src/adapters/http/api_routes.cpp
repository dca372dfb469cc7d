#include "adapters/http/api_routes.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

#include "adapters/http/api_access.h"
#include "adapters/http/api_json.h"
#include "adapters/http/history_query.h"
#include "adapters/http/router.h"
#include "core/hub/hub.h"

namespace lw::adapters::http {
namespace {

namespace json = boost::json;
using core::access::Permission;

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

json::object service(const core::HealthMonitor& health, bool site, const std::string& id, Timestamp now) {
  json::object out;
  for (auto [name, w] : {std::pair{"day", core::Window::day}, std::pair{"week", core::Window::week},
                         std::pair{"month", core::Window::month}}) {
    out[name] = to_json(site ? health.figures_for_site(id, w, now) : health.figures_for_lock(id, w, now));
  }
  return out;
}

/// The `{id}` of the path as a number; `what` names it in the error ("an incident").
Result<std::uint64_t> path_number(const Request& r, std::string_view what) {
  const std::string& text = r.params.at("id");
  std::uint64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || ptr != text.data() + text.size()) {
    return invalid_argument("id", "must be " + std::string(what) + " number");
  }
  return id;
}

/// A string field of a body object.
Result<std::string> string_field(const json::object& body, std::string_view field) {
  const json::value* v = body.if_contains(field);
  if (v == nullptr) return invalid_argument(field, "missing");
  if (!v->is_string()) return invalid_argument(field, "must be a string");
  return std::string(v->as_string());
}

/// The support report: what support needs to pick the case up without
/// asking again — the lock, what it did, the evidence, the steps tried.
json::object support_report(core::Hub& hub, const core::Case& c) {
  json::object lock;
  if (const core::LockRecord* l = hub.find_lock(c.lock)) lock = to_json(*l).as_object();
  json::array timeline;
  if (auto page = hub.events(c.lock, 50, std::nullopt)) {
    for (const core::EventRecord& e : page->events) {
      if (e.ts < c.opened_at - std::chrono::hours(24)) continue;
      timeline.push_back(to_json(e));
    }
  }
  return json::object{{"case", to_json(c)}, {"lock", std::move(lock)}, {"timeline", std::move(timeline)}};
}

std::string support_markdown(const json::object& report) {
  const json::object& c = report.at("case").as_object();
  const json::object& lock = report.at("lock").as_object();
  auto text = [](const json::value& v) {
    return v.is_string() ? std::string(v.as_string()) : v.is_null() ? std::string("—") : json::serialize(v);
  };
  std::string md = "# Support report: case " + text(c.at("id")) + ", lock " + text(c.at("lock")) + "\n\n";
  md += "- transport: " + text(c.at("transport")) + "\n";
  if (lock.contains("firmware")) md += "- firmware: " + text(lock.at("firmware")) + "\n";
  if (lock.contains("battery_pct")) md += "- battery: " + text(lock.at("battery_pct")) + " %\n";
  if (lock.contains("rssi_dbm")) md += "- signal: " + text(lock.at("rssi_dbm")) + " dBm\n";
  md += "- locks affected: ";
  for (const json::value& m : c.at("members").as_array()) md += text(m) + " ";
  md += "\n- opened: " + text(c.at("opened_ms")) + " ms, closed: " + text(c.at("closed_ms")) + "\n\n";
  md += "## Likely causes\n\n";
  for (const json::value& h : c.at("hypotheses").as_array()) {
    const json::object& o = h.as_object();
    const double p = o.at("p").as_double();
    if (p < 0.01) continue;
    md += "- **" + text(o.at("cause")) + "** " + std::to_string(std::lround(p * 100)) + " %";
    for (const json::value& w : o.at("evidence_for").as_array()) md += "; " + text(w);
    md += "\n";
  }
  md += "\n## Steps tried\n\n";
  if (c.at("history").as_array().empty()) md += "None yet.\n";
  for (const json::value& h : c.at("history").as_array()) {
    md += "- " + text(h.as_object().at("step")) + ": " + text(h.as_object().at("outcome")) + "\n";
  }
  md += "\n## Timeline (newest first)\n\n";
  for (const json::value& e : report.at("timeline").as_array()) {
    const json::object& o = e.as_object();
    md += "- " + text(o.at("ts_ms")) + " " + text(o.at("kind"));
    if (o.contains("detail") && !text(o.at("detail")).empty()) md += ": " + text(o.at("detail"));
    md += "\n";
  }
  return md;
}

/// Who asked, for the audit log: "api:<client address>".
/// Who did it, for the audit log: the signed-in account and where it called from.
std::string actor(const Request& r) { return request_actor(r); }

Response action_route(core::Hub& hub, const Request& r, core::LockAction what) {
  auto action = hub.request_action(r.params.at("id"), what, actor(r));
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

  router.get("/api/v1/sites", [&hub](const Request& r) {
    json::array sites;
    auto locks = hub.locks();
    for (const auto& s : hub.sites()) {
      if (!caller_sees(r, Permission::view, s.id)) continue;
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

  router.get("/api/v1/locks", [&hub](const Request& r) {
    auto locks = hub.locks();
    std::erase_if(locks,
                  [&](const core::LockRecord& l) { return !caller_sees(r, Permission::view, l.site); });
    std::sort(locks.begin(), locks.end(),
              [](const auto& a, const auto& b) { return std::tie(a.site, a.id) < std::tie(b.site, b.id); });
    json::array out;
    out.reserve(locks.size());
    for (const auto& l : locks) out.push_back(lock_json(hub, l));
    return json_response(200, json::object{{"locks", std::move(out)}});
  });

  router.get("/api/v1/locks/{id}", [&hub](const Request& r) {
    const core::LockRecord* lock = hub.find_lock(r.params.at("id"));
    if (!lock) return error_response(not_found("lock '" + r.params.at("id") + "' not found"));
    return json_response(200, lock_json(hub, *lock));
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
      if (!caller_sees(r, Permission::read_activity, inc->site)) continue;
      out.push_back(to_json(*inc));
    }
    return json_response(200, json::object{{"incidents", std::move(out)}});
  });

  router.get("/api/v1/incidents/{id}", [&hub](const Request& r) {
    auto id = path_number(r, "an incident");
    if (!id) return error_response(id.error());
    const core::Incident* inc = hub.health_monitor().liveness().incident(*id);
    if (inc == nullptr) return error_response(not_found("incident " + r.params.at("id") + " not found"));
    return json_response(200, json::object{{"incident", to_json(*inc)}});
  });

  router.get("/api/v1/cases", [&hub](const Request& r) {
    const std::string_view state = r.query_param("state").value_or("open");
    if (state != "open" && state != "all") {
      return error_response(invalid_argument("state", "must be open or all"));
    }
    json::array out;
    for (const core::Case* c : state == "open" ? hub.doctor().open_cases() : hub.doctor().cases()) {
      const core::LockRecord* lock = hub.find_lock(c->lock);
      if (!caller_sees(r, Permission::read_activity, lock != nullptr ? lock->site : SiteId{})) continue;
      out.push_back(to_json(*c));
    }
    return json_response(200, json::object{{"cases", std::move(out)}});
  });

  router.get("/api/v1/cases/{id}", [&hub](const Request& r) {
    auto id = path_number(r, "a case");
    if (!id) return error_response(id.error());
    const core::Case* c = hub.doctor().find(*id);
    if (c == nullptr) return error_response(not_found("case " + r.params.at("id") + " not found"));
    return json_response(200, json::object{{"case", to_json(*c)}});
  });

  router.get("/api/v1/cases/{id}/report", [&hub](const Request& r) {
    auto id = path_number(r, "a case");
    if (!id) return error_response(id.error());
    const std::string_view format = r.query_param("format").value_or("json");
    if (format != "json" && format != "markdown") {
      return error_response(invalid_argument("format", "must be json or markdown"));
    }
    const core::Case* c = hub.doctor().find(*id);
    if (c == nullptr) return error_response(not_found("case " + r.params.at("id") + " not found"));
    json::object report = support_report(hub, *c);
    if (format == "json") return json_response(200, report);
    Response res;
    res.status = 200;
    res.content_type = "text/markdown; charset=utf-8";
    res.body = support_markdown(report);
    return res;
  });

  // A step's outcome: {"step": "replace_batteries", "outcome": "fixed" | "not_fixed" | "yes" | "no"}.
  router.post("/api/v1/cases/{id}/outcome", [&hub](const Request& r) {
    auto id = path_number(r, "a case");
    if (!id) return error_response(id.error());
    auto body = body_object(r);
    if (!body) return error_response(body.error());
    auto step_text = string_field(*body, "step");
    if (!step_text) return error_response(step_text.error());
    const auto step = core::parse_step(*step_text);
    if (!step) return error_response(invalid_argument("step", "unknown step \"" + *step_text + "\""));
    auto outcome = string_field(*body, "outcome");
    if (!outcome) return error_response(outcome.error());
    const bool question = core::info(*step).kind == core::StepKind::observation;
    const std::string_view yes = question ? "yes" : "fixed";
    const std::string_view no = question ? "no" : "not_fixed";
    if (*outcome != yes && *outcome != no) {
      return error_response(invalid_argument(
          "outcome", "must be " + std::string(yes) + " or " + std::string(no) + " for " + *step_text));
    }
    auto plan = hub.report_outcome(*id, {*step, *outcome == yes}, actor(r));
    if (!plan) return error_response(plan.error());
    return json_response(200, json::object{{"case", to_json(*hub.doctor().find(*id))}});
  });

  // The confirmed cause: {"cause": "battery_depleted"}; the doctor's priors learn it.
  router.post("/api/v1/cases/{id}/cause", [&hub](const Request& r) {
    auto id = path_number(r, "a case");
    if (!id) return error_response(id.error());
    auto body = body_object(r);
    if (!body) return error_response(body.error());
    auto text = string_field(*body, "cause");
    if (!text) return error_response(text.error());
    const auto cause = core::parse_cause(*text);
    if (!cause) return error_response(invalid_argument("cause", "unknown cause \"" + *text + "\""));
    if (auto done = hub.confirm_cause(*id, *cause, actor(r)); !done) return error_response(done.error());
    return json_response(200, json::object{{"case", to_json(*hub.doctor().find(*id))}});
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

  router.get("/api/v1/locks/{id}/history", [&hub](const Request& r) {
    auto query = parse_history_query(r, hub.now());
    if (!query) return error_response(query.error());
    const std::string& id = r.params.at("id");
    auto points = hub.history(id, query->since, query->until, query->points);
    if (!points) return error_response(points.error());
    return json_response(200, history_json(id, query->since, query->until, *points));
  });

  router.get("/api/v1/stats", [&hub](const Request&) {
    json::object rejected;
    for (const auto& [reason, count] : hub.rejected()) rejected[reason] = count;
    return json_response(
        200, json::object{{"messages_accepted", hub.messages_accepted()}, {"rejected", std::move(rejected)}});
  });
}

}  // namespace lw::adapters::http
