// GET /metrics: the hub's figures for Prometheus, in the text exposition
// format 0.0.4 (docs/openapi.yaml, /metrics; docs/integrations.md,
// "Prometheus"). Families, all present even when zero:
//
//   lockwarden_locks{connectivity}              gauge      locks by connectivity state
//   lockwarden_locks_battery_due{within}        gauge      locks whose battery ends within 7d, 14d, 30d
//   lockwarden_incidents_open                   gauge      open incidents
//   lockwarden_cases_open{cause}                gauge      open cases by likely cause
//   lockwarden_messages_total{transport}        counter    messages heard from locks
//   lockwarden_malformed_messages_total{reason} counter    rejected input (GET /api/v1/stats)
//   lockwarden_commands_total{outcome}          counter    commands finished
//   lockwarden_command_latency_seconds          histogram  request to the lock's answer
//
// Counters count since the hub started. No family has a per-lock label: a
// fleet's size must not multiply the series.
//
// Example:
//   add_metrics_route(router, hub);
//   // curl http://127.0.0.1:8080/metrics
//
// Threading: the handler runs on the io_context thread that owns the Hub.
// Cost: O(locks + open incidents + open cases + rejection reasons) a scrape.
#pragma once

#include <string>

namespace lw::core {
class Hub;
}  // namespace lw::core

namespace lw::adapters::http {

class Router;

/// The exposition of `hub`'s figures as of its clock.
std::string metrics_text(const core::Hub& hub);

/// Registers GET /metrics on `router`; `hub` must outlive the router.
void add_metrics_route(Router& router, const core::Hub& hub);

}  // namespace lw::adapters::http
