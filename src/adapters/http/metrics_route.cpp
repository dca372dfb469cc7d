#include "adapters/http/metrics_route.h"

#include <array>
#include <chrono>
#include <map>

#include "adapters/http/prometheus_text.h"
#include "adapters/http/router.h"
#include "core/hub/hub.h"

namespace lw::adapters::http {
namespace {

using core::Connectivity;

constexpr std::array kConnectivity{Connectivity::online,   Connectivity::suspect, Connectivity::offline,
                                   Connectivity::updating, Connectivity::asleep,  Connectivity::unreachable,
                                   Connectivity::unknown};
constexpr std::array kTransports{core::Transport::wifi, core::Transport::ble_bridge, core::Transport::zigbee,
                                 core::Transport::zwave, core::Transport::thread};
constexpr std::array kOutcomes{core::ActionStatus::succeeded, core::ActionStatus::failed,
                               core::ActionStatus::expired};
struct BatteryWindow {
  std::string_view label;
  double days;
};
constexpr std::array<BatteryWindow, 3> kBatteryWindows{{{"7d", 7}, {"14d", 14}, {"30d", 30}}};
/// The cause label of an open case not ranked yet.
constexpr std::string_view kUndiagnosed = "unknown";

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

void locks(PrometheusText& out, const core::Hub& hub, const std::vector<core::LockRecord>& all) {
  std::map<Connectivity, std::uint64_t> by_state;
  for (const core::LockRecord& l : all) ++by_state[l.connectivity];
  out.family("lockwarden_locks", "gauge", "Locks by connectivity state.");
  for (Connectivity c : kConnectivity) {
    out.sample("lockwarden_locks", {{"connectivity", core::to_string(c)}}, by_state[c]);
  }

  std::array<std::uint64_t, kBatteryWindows.size()> due{};
  const Timestamp now = hub.now();
  for (const core::LockRecord& l : all) {
    const core::BatteryForecast f = hub.health_monitor().forecast(l.id, now);
    if (!f.days_left) continue;
    for (std::size_t i = 0; i < kBatteryWindows.size(); ++i) {
      if (*f.days_left <= kBatteryWindows[i].days) ++due[i];
    }
  }
  out.family("lockwarden_locks_battery_due", "gauge",
             "Locks whose battery is forecast to stop running the motor within the window.");
  for (std::size_t i = 0; i < kBatteryWindows.size(); ++i) {
    out.sample("lockwarden_locks_battery_due", {{"within", kBatteryWindows[i].label}}, due[i]);
  }
}

void incidents_and_cases(PrometheusText& out, const core::Hub& hub) {
  out.family("lockwarden_incidents_open", "gauge", "Open incidents (a lock, bridge, network or site down).");
  out.sample("lockwarden_incidents_open", {},
             static_cast<std::uint64_t>(hub.health_monitor().liveness().open_incidents().size()));

  std::map<std::string_view, std::uint64_t> by_cause;
  for (const core::CauseInfo& c : core::causes()) by_cause[c.id] = 0;
  by_cause[kUndiagnosed] = 0;
  for (const core::Case* c : hub.doctor().open_cases()) {
    ++by_cause[c->hypotheses.empty() ? kUndiagnosed : core::to_string(c->hypotheses.front().cause)];
  }
  out.family("lockwarden_cases_open", "gauge", "Open lock doctor cases by their most likely cause.");
  for (const auto& [cause, count] : by_cause) out.sample("lockwarden_cases_open", {{"cause", cause}}, count);
}

void messages(PrometheusText& out, const core::Hub& hub) {
  out.family("lockwarden_messages_total", "counter", "Messages heard from locks, by the lock's transport.");
  for (core::Transport t : kTransports) {
    auto it = hub.messages_by_transport().find(t);
    out.sample("lockwarden_messages_total", {{"transport", core::to_string(t)}},
               it == hub.messages_by_transport().end() ? std::uint64_t{0} : it->second);
  }
  out.family("lockwarden_malformed_messages_total", "counter",
             "Messages rejected and dropped, by reason (as GET /api/v1/stats).");
  for (const auto& [reason, count] : hub.rejected()) {
    out.sample("lockwarden_malformed_messages_total", {{"reason", reason}}, count);
  }
}

void commands(PrometheusText& out, const core::Hub& hub) {
  const core::CommandStats& stats = hub.command_stats();
  out.family("lockwarden_commands_total", "counter", "Remote commands finished, by outcome.");
  for (core::ActionStatus s : kOutcomes) {
    out.sample("lockwarden_commands_total", {{"outcome", core::to_string(s)}}, stats.count(s));
  }
  const core::LatencyHistogram& h = stats.latency();
  out.family("lockwarden_command_latency_seconds", "histogram",
             "Time from a remote command's request to the lock's answer.");
  for (std::size_t i = 0; i < core::LatencyHistogram::kBounds.size(); ++i) {
    const std::string le = format_value(seconds(core::LatencyHistogram::kBounds[i]));
    out.sample("lockwarden_command_latency_seconds_bucket", {{"le", le}}, h.at_or_below(i));
  }
  out.sample("lockwarden_command_latency_seconds_bucket", {{"le", "+Inf"}}, h.count());
  out.sample("lockwarden_command_latency_seconds_sum", {}, seconds(h.sum()));
  out.sample("lockwarden_command_latency_seconds_count", {}, h.count());
}

}  // namespace

std::string metrics_text(const core::Hub& hub) {
  PrometheusText out;
  const std::vector<core::LockRecord> all = hub.locks();
  locks(out, hub, all);
  incidents_and_cases(out, hub);
  messages(out, hub);
  commands(out, hub);
  return out.text();
}

void add_metrics_route(Router& router, const core::Hub& hub) {
  router.get("/metrics", [&hub](const Request&) {
    Response r;
    r.content_type = std::string(kPrometheusContentType);
    r.headers.emplace_back("Cache-Control", "no-store");
    r.body = metrics_text(hub);
    return r;
  });
}

}  // namespace lw::adapters::http
