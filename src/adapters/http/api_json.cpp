#include "adapters/http/api_json.h"

#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

#include "core/hub/hub.h"

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
      {"battery", l.battery},
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
      {"key_id", a.key_id},  // the key that signed the command: the hub's, or a user's own (end to end)
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

namespace {

json::value opt_number(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return nullptr;
  return *v;
}
json::value number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}
json::array strings(const std::vector<std::string>& v) {
  json::array out;
  for (const std::string& s : v) out.emplace_back(s);
  return out;
}
json::value ms_count(Duration d) { return d.count(); }

}  // namespace

json::value to_json(const core::BatteryForecast& f) {
  return json::object{{"dies_ms", opt_ms(f.dies_at)},
                      {"earliest_ms", opt_ms(f.earliest)},
                      {"latest_ms", opt_ms(f.latest)},
                      {"days_left", opt_number(f.days_left)},
                      {"method", core::to_string(f.method)},
                      {"basis", f.basis},
                      {"loaded_v_per_cell", opt_number(f.loaded_v_per_cell)},
                      {"cutoff_v_per_cell", number(f.cutoff_v_per_cell)},
                      {"low_battery_dropouts", f.low_battery_dropouts},
                      {"evidence", strings(f.evidence)}};
}

json::value to_json(const core::DrainReport& d) {
  return json::object{{"mah_per_day", number(d.mah_per_day)},
                      {"baseline_mah_per_day", number(d.baseline_mah_per_day)},
                      {"ratio", number(d.ratio)},
                      {"pct_per_day", number(d.pct_per_day)},
                      {"mv_per_day", number(d.mv_per_day)},
                      {"jumped", d.jumped},
                      {"since_ms", opt_ms(d.since)},
                      {"cause", d.cause},
                      {"days_counted", d.days_counted}};
}

json::value to_json(const core::LinkReport& r) {
  json::value hour = nullptr;
  if (r.recurring_loss_hour) hour = *r.recurring_loss_hour;
  return json::object{{"level", number(r.level)},
                      {"slope_per_day", number(r.slope_per_day)},
                      {"std_dev", number(r.std_dev)},
                      {"loss_rate_24h", number(r.loss_rate_24h)},
                      {"weak", r.weak},
                      {"degrading", r.degrading},
                      {"fails_ms", opt_ms(r.fails_at)},
                      {"recurring_loss_hour_utc", hour},
                      {"evidence", strings(r.evidence)}};
}

json::value to_json(const core::ServiceFigures& f) {
  return json::object{{"commands", f.commands},
                      {"succeeded", f.succeeded},
                      {"success_rate", number(f.success_rate)},
                      {"latency_p50_ms", ms_count(f.latency_p50)},
                      {"latency_p95_ms", ms_count(f.latency_p95)},
                      {"offline_ms", ms_count(f.offline)},
                      {"flaky_ms", ms_count(f.flaky)},
                      {"availability", number(f.availability)},
                      {"events", f.events},
                      {"event_lag_p50_ms", ms_count(f.event_lag_p50)},
                      {"event_lag_p95_ms", ms_count(f.event_lag_p95)},
                      {"locks", f.locks}};
}

json::value to_json(const core::Incident& inc) {
  return json::object{{"id", inc.id},
                      {"scope", core::to_string(inc.scope)},
                      {"subject", inc.subject},
                      {"site", inc.site},
                      {"opened_ms", to_epoch_ms(inc.opened_at)},
                      {"closed_ms", opt_ms(inc.closed_at)},
                      {"members", strings(inc.members)},
                      {"down", strings(inc.down)}};
}

json::value to_json(const core::LockHealth& h) {
  json::value incident = nullptr;
  if (h.incident) incident = *h.incident;
  return json::object{{"connectivity", core::to_string(h.connectivity)},
                      {"last_heard_ms", opt_ms(h.last_heard)},
                      {"incident", incident},
                      {"battery", to_json(h.battery)},
                      {"drain", to_json(h.drain)},
                      {"link", to_json(h.link)}};
}

json::value to_json(const core::Plan& plan) {
  json::array steps;
  for (const core::PlannedStep& s : plan.steps) {
    const core::StepInfo& info = core::info(s.step);
    steps.push_back(json::object{{"step", core::to_string(s.step)},
                                 {"kind", info.kind == core::StepKind::observation ? "question" : "repair"},
                                 {"by_hub", s.automatic},
                                 {"p_fix", s.p_fix},
                                 {"minutes", s.automatic ? 0.0 : info.minutes},
                                 {"instructions", s.instructions}});
  }
  return json::object{{"steps", std::move(steps)},
                      {"expected_user_minutes", plan.expected_user_minutes},
                      {"notes", strings(plan.notes)}};
}

json::value to_json(const core::Case& c) {
  json::array hypotheses;
  for (const core::Hypothesis& h : c.hypotheses) {
    hypotheses.push_back(json::object{{"cause", core::to_string(h.cause)},
                                      {"p", h.p},
                                      {"what", core::info(h.cause).what},
                                      {"evidence_for", strings(h.evidence_for)},
                                      {"evidence_against", strings(h.evidence_against)}});
  }
  json::array history;
  for (const core::Outcome& o : c.history) {
    const bool question = core::info(o.step).kind == core::StepKind::observation;
    history.push_back(json::object{
        {"step", core::to_string(o.step)},
        {"outcome", question ? (o.fixed_or_yes ? "yes" : "no") : (o.fixed_or_yes ? "fixed" : "not_fixed")}});
  }
  json::value incident = nullptr;
  if (c.incident) incident = *c.incident;
  json::value misbehaviour = nullptr;
  if (c.misbehaviour) misbehaviour = core::to_string(*c.misbehaviour);
  json::value fixed_by = nullptr;
  if (c.fixed_by) fixed_by = core::to_string(*c.fixed_by);
  json::value confirmed = nullptr;
  if (c.confirmed) confirmed = core::to_string(*c.confirmed);
  json::value checking = nullptr;
  if (c.checking) {
    checking = json::object{{"step", core::to_string(c.checking->step)},
                            {"since_ms", to_epoch_ms(c.checking->since)},
                            {"waiting_for", c.checking->waiting_for}};
  }
  return json::object{{"id", c.id},
                      {"lock", c.lock},
                      {"transport", core::to_string(c.transport)},
                      {"members", strings(c.members)},
                      {"incident", incident},
                      {"misbehaviour", misbehaviour},
                      {"opened_ms", to_epoch_ms(c.opened_at)},
                      {"back_ms", opt_ms(c.back_at)},
                      {"closed_ms", opt_ms(c.closed_at)},
                      {"diagnosed_ms", to_epoch_ms(c.diagnosed_at)},
                      {"hypotheses", std::move(hypotheses)},
                      {"plan", to_json(c.plan)},
                      {"history", std::move(history)},
                      {"fixed_by", fixed_by},
                      {"checking", checking},
                      {"confirmed_cause", confirmed}};
}

json::value to_json(const core::TelemetryPoint& p) {
  json::object o{{"t_ms", to_epoch_ms(p.t)}, {"samples", p.samples}};
  for (auto [key, value] :
       {std::pair{"battery_pct", p.battery_pct}, std::pair{"battery_min_pct", p.battery_min_pct},
        std::pair{"voltage_mv", p.voltage_mv}, std::pair{"rssi_dbm", p.rssi_dbm}, std::pair{"lqi", p.lqi},
        std::pair{"temperature_c", p.temperature_c}}) {
    if (value) o[key] = *value;
  }
  return o;
}

json::value history_json(const LockId& lock, Timestamp since, Timestamp until,
                         const std::vector<core::TelemetryPoint>& points) {
  json::array out;
  out.reserve(points.size());
  for (const core::TelemetryPoint& p : points) out.push_back(to_json(p));
  return json::object{{"lock", lock},
                      {"since_ms", to_epoch_ms(since)},
                      {"until_ms", to_epoch_ms(until)},
                      {"points", std::move(out)}};
}

json::value lock_json(const core::Hub& hub, const core::LockRecord& lock) {
  json::value v = to_json(lock);
  json::object& o = v.as_object();
  const core::HealthMonitor& health = hub.health_monitor();
  const core::BatteryForecast f = health.forecast(lock.id, hub.now());
  o["battery_forecast"] = json::object{{"dies_ms", opt_ms(f.dies_at)},
                                       {"days_left", f.days_left ? json::value(*f.days_left) : nullptr},
                                       {"method", core::to_string(f.method)}};
  const auto incident = health.liveness().incident_of(lock.id);
  o["incident"] = incident ? json::value(*incident) : nullptr;
  o["case"] = case_summary_json(hub.doctor().case_of(lock.id));
  return v;
}

json::value case_summary_json(const core::Case* in_case) {
  if (in_case == nullptr || in_case->hypotheses.empty()) return nullptr;
  json::value next = nullptr;
  if (!in_case->plan.steps.empty()) next = core::to_string(in_case->plan.steps.front().step);
  return json::object{{"id", in_case->id},
                      {"likely_cause", core::to_string(in_case->hypotheses.front().cause)},
                      {"p", in_case->hypotheses.front().p},
                      {"next_step", next}};
}

}  // namespace lw::adapters::http
