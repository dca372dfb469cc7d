#include "app/health_bench.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "app/bench_world.h"
#include "app/fleet_ears.h"
#include "core/health/health_monitor.h"
#include "firmware/radio_link.h"
#include "protocol/codec.h"
#include "protocol/envelope.h"
#include "sim/scenario.h"
#include "sim/world_engine.h"

namespace lw::app {
namespace {

using core::Connectivity;
using core::Transport;
using sim::FaultLabel;

constexpr Duration kDay = std::chrono::hours(24);
/// An alarm this long after a fault's fix still belongs to it (a lock backing
/// off its rejoins for up to 30 minutes, then a report interval).
constexpr Duration kAfterFix = std::chrono::hours(2);

/// Faults after which a lock really cannot reach the hub: what detection time is measured on.
constexpr std::array<std::string_view, 10> kLinkLoss = {"battery_depleted", "router_power_outage",
                                                        "internet_outage",  "network_credentials_changed",
                                                        "router_replaced",  "mesh_route_lost",
                                                        "hub_offline",      "firmware_bug",
                                                        "power_loss",       "silence"};
/// Faults of a router, bridge or repeater: one incident expected for the locks they struck.
constexpr std::array<std::string_view, 6> kShared = {
    "router_power_outage", "internet_outage", "network_credentials_changed",
    "router_replaced",     "hub_offline",     "mesh_route_lost"};

template <std::size_t N>
bool among(const std::array<std::string_view, N>& names, std::string_view kind) {
  return std::find(names.begin(), names.end(), kind) != names.end();
}

double days(Duration d) { return std::chrono::duration<double>(d).count() / 86400.0; }
double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

double mean(const std::vector<double>& v) {
  if (v.empty()) return NAN;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

/// One lock as the hub knows it.
struct Lock {
  LockId id;
  SiteId site;
  Transport transport{Transport::wifi};
  Duration cadence{};
  std::string bridge;   // zigbee / zwave: the bridge id
  std::string battery;  // chemistry, as the installer entered it
  bool cold{false};     // below 5 °C
};

/// A stretch a detector called a lock offline or unreachable.
struct Down {
  Timestamp at;
  std::optional<Timestamp> back;
  std::uint64_t incident{0};  // 0: the detector does not group
  std::string why;
};

/// What one detector said over the run.
struct Verdicts {
  std::string name;
  std::vector<std::vector<Down>> down;                              // per lock
  std::vector<std::vector<std::pair<Timestamp, int>>> alerts;       // per lock: battery warnings
  std::vector<std::vector<std::pair<Timestamp, double>>> forecast;  // per lock, daily: days left
  bool has_forecast{false};
  bool has_liveness{true};
  bool has_battery{true};

  explicit Verdicts(std::string n, std::size_t locks)
      : name(std::move(n)), down(locks), alerts(locks), forecast(locks) {}
  void went_down(std::size_t i, Timestamp at, std::uint64_t incident, std::string why = {}) {
    if (!down[i].empty() && !down[i].back().back) return;
    down[i].push_back({at, std::nullopt, incident, std::move(why)});
  }
  void came_back(std::size_t i, Timestamp at) {
    if (!down[i].empty() && !down[i].back().back) down[i].back().back = at;
  }
};

/// Zigbee2MQTT's and ZHA's availability: offline after a fixed silence
/// (battery devices: Z2M 25 h, ZHA 6 h), back at the next message.
class PassiveTimeout {
 public:
  PassiveTimeout(std::string name, Duration timeout, std::size_t locks)
      : timeout_(timeout), last_(locks), verdicts_(std::move(name), locks) {
    verdicts_.has_battery = false;
  }
  void heard(std::size_t i, Timestamp at) {
    if (last_[i] && at - *last_[i] > timeout_) {
      verdicts_.went_down(i, *last_[i] + timeout_, 0);
      verdicts_.came_back(i, at);
    }
    last_[i] = at;
  }
  Verdicts finish(Timestamp end) {
    for (std::size_t i = 0; i < last_.size(); ++i) {
      if (last_[i] && end - *last_[i] > timeout_) verdicts_.went_down(i, *last_[i] + timeout_, 0);
    }
    return std::move(verdicts_);
  }

 private:
  Duration timeout_;
  std::vector<std::optional<Timestamp>> last_;
  Verdicts verdicts_;
};

/// The fixed-percentage battery alert most lock apps have: warn once when the
/// gauge reads 20 % or less; a fresh battery (50 % or more) re-arms it.
class FixedPercentAlert {
 public:
  explicit FixedPercentAlert(std::size_t locks) : armed_(locks, true), verdicts_("fixed 20 % alert", locks) {
    verdicts_.has_liveness = false;
  }
  void gauge(std::size_t i, Timestamp at, double pct) {
    if (armed_[i] && pct <= 20) {
      verdicts_.alerts[i].emplace_back(at, 0);
      armed_[i] = false;
    } else if (pct >= 50) {
      armed_[i] = true;
    }
  }
  Verdicts finish() { return std::move(verdicts_); }

 private:
  std::vector<bool> armed_;
  Verdicts verdicts_;
};

class Labels final : public sim::LabelSink {
 public:
  void label(const FaultLabel& l) override { all.push_back(l); }
  std::vector<FaultLabel> all;
};

/// Everything the hub hears goes through FleetEars to the engine; this
/// listener hands the same traffic to the baselines and keeps the engine's
/// verdicts.
class Bench final : public EarsListener {
 public:
  explicit Bench(const sim::Scenario& s)
      : ears_(roster_of(s), {}, this), ours_("lockwarden", s.locks.size()) {
    for (const sim::ScenarioLock& l : s.locks) {
      locks_.push_back({l.id, l.site, l.transport,
                        l.heartbeat.value_or(firmware::heartbeat_interval(l.transport, false)), l.bridge,
                        l.battery, l.temperature_c < 5});
    }
    const std::size_t n = locks_.size();
    ours_.has_forecast = true;
    z2m_timeout_ = std::make_unique<PassiveTimeout>("Zigbee2MQTT (25 h)", std::chrono::hours(25), n);
    zha_timeout_ = std::make_unique<PassiveTimeout>("ZHA (6 h)", std::chrono::hours(6), n);
    fixed_ = std::make_unique<FixedPercentAlert>(n);
  }

  sim::TraceSink& sink() { return ears_; }

  /// The hub's tick: due deadlines, then the probes it asked for.
  void tick(Timestamp now, sim::WorldEngine& world) {
    for (const LockId& id : pending_probes_) world.probe(id);
    pending_probes_ = ears_.tick(now);
    if (now >= next_day_) {
      next_day_ = now + kDay;
      for (std::size_t i = 0; i < locks_.size(); ++i) {
        const core::BatteryForecast f = ears_.monitor().forecast(locks_[i].id, now);
        if (f.days_left) ours_.forecast[i].emplace_back(now, *f.days_left);
      }
    }
  }

  std::vector<Verdicts> finish(Timestamp end) {
    (void)ears_.tick(end);
    std::vector<Verdicts> out;
    out.push_back(std::move(ours_));
    out.push_back(z2m_timeout_->finish(end));
    out.push_back(zha_timeout_->finish(end));
    out.push_back(fixed_->finish());
    return out;
  }

  [[nodiscard]] const std::vector<Lock>& locks() const { return locks_; }
  [[nodiscard]] std::uint64_t messages() const { return ears_.messages(); }
  [[nodiscard]] std::uint64_t undecodable() const { return ears_.undecodable(); }

  // --- what the ears report ---
  void heard(std::size_t i, Timestamp at) override {
    z2m_timeout_->heard(i, at);
    zha_timeout_->heard(i, at);
  }
  void gauge(std::size_t i, Timestamp at, double pct) override { fixed_->gauge(i, at, pct); }
  void change(const core::ConnectivityChange& c) override {
    const std::size_t i = ears_.index(c.lock);
    if (i == locks_.size()) return;
    if (c.to == Connectivity::offline || c.to == Connectivity::unreachable) {
      ours_.went_down(i, c.at, ears_.monitor().liveness().incident_of(c.lock).value_or(0), c.why);
    } else {
      ours_.came_back(i, c.at);
    }
  }
  void notice(const core::HealthNotice& n) override {
    if (n.kind != core::HealthNotice::Kind::battery_forecast) return;
    const std::size_t i = ears_.index(n.lock);
    if (i < locks_.size()) ours_.alerts[i].emplace_back(n.at, n.days);
  }

 private:
  FleetEars ears_;
  std::vector<Lock> locks_;
  std::vector<LockId> pending_probes_;
  Verdicts ours_;
  std::unique_ptr<PassiveTimeout> z2m_timeout_;
  std::unique_ptr<PassiveTimeout> zha_timeout_;
  std::unique_ptr<FixedPercentAlert> fixed_;
  Timestamp next_day_{};
};

struct Score {
  std::string name;
  bool liveness{true};
  bool battery{true};
  std::vector<double> detect_s;
  std::vector<double> detect_heartbeats;  // detect_s over the lock's own declared heartbeat
  std::map<std::string, std::vector<double>> detect_by_transport;
  int outages{0};
  int missed{0};
  int false_alarms{0};
  int shared_outages{0};
  int grouped{0};
  std::array<std::vector<double>, 3> err;  // 30, 14, 7 days ahead
  struct Battery {
    int deaths{0};
    int surprise{0};
    std::vector<double> signed_err_7;  // forecast minus truth, 7 days ahead: > 0 too hopeful
    std::vector<double> err_30;        // absolute error 30 days ahead
  };
  std::map<std::string, Battery> by_battery;  // "alkaline", "lithium cold", ...
  int unwarnable{0};  // deaths in the run's first 7 days: no 7-day warning was possible
  int deaths{0};
  int surprise{0};
};

/// Scores one detector's verdicts against the labels.
Score score(const Verdicts& v, const std::vector<Lock>& locks, const std::vector<FaultLabel>& labels,
            const std::map<LockId, std::size_t>& index, Timestamp start, Timestamp end,
            std::ostream* explain) {
  Score s;
  s.name = v.name;
  s.liveness = v.has_liveness;
  s.battery = v.has_battery;
  // Per lock, the stretches a fault explains.
  std::vector<std::vector<std::pair<Timestamp, Timestamp>>> explained(locks.size());
  for (const FaultLabel& l : labels) {
    for (const LockId& d : l.devices) {
      auto it = index.find(d);
      if (it == index.end()) continue;
      explained[it->second].emplace_back(l.onset, l.fixed ? *l.fixed + kAfterFix : end);
    }
  }
  if (v.has_liveness) {
    for (const FaultLabel& l : labels) {
      if (!among(kLinkLoss, l.kind)) continue;
      const Timestamp until = l.fixed.value_or(end);
      std::set<std::uint64_t> incidents;
      int detected = 0;
      for (const LockId& d : l.devices) {
        auto it = index.find(d);
        if (it == index.end()) continue;
        const std::size_t i = it->second;
        // Already called down when this began: nothing to detect.
        const auto& downs = v.down[i];
        const bool already = std::any_of(downs.begin(), downs.end(), [&](const Down& x) {
          return x.at < l.onset && (!x.back || *x.back > l.onset);
        });
        if (already) continue;
        ++s.outages;
        auto hit = std::find_if(downs.begin(), downs.end(),
                                [&](const Down& x) { return x.at >= l.onset && x.at <= until; });
        if (hit == downs.end()) {
          ++s.missed;
          continue;
        }
        const double secs = seconds(hit->at - l.onset);
        if (explain != nullptr && hit->at - l.onset > 3 * locks[i].cadence) {
          *explain << v.name << ": slow detection " << l.kind << " " << locks[i].id << " ("
                   << core::to_string(locks[i].transport) << ", every " << seconds(locks[i].cadence)
                   << " s) at " << to_epoch_ms(l.onset) << " took " << secs << " s: " << hit->why << "\n";
        }
        s.detect_s.push_back(secs);
        s.detect_heartbeats.push_back(secs / seconds(locks[i].cadence));
        s.detect_by_transport[std::string(core::to_string(locks[i].transport))].push_back(secs);
        ++detected;
        incidents.insert(hit->incident == 0 ? 1'000'000'000 + i : hit->incident);
      }
      if (among(kShared, l.kind) && detected >= 2) {
        ++s.shared_outages;
        if (incidents.size() == 1) {
          ++s.grouped;
        } else if (explain != nullptr) {
          *explain << v.name << ": " << l.kind << " " << l.target << " at " << to_epoch_ms(l.onset)
                   << " split into " << incidents.size() << " incidents for " << detected << " locks\n";
        }
      }
    }
    for (std::size_t i = 0; i < locks.size(); ++i) {
      for (const Down& d : v.down[i]) {
        const bool ok = std::any_of(explained[i].begin(), explained[i].end(),
                                    [&](const auto& w) { return d.at >= w.first && d.at <= w.second; });
        if (ok) continue;
        ++s.false_alarms;
        if (explain != nullptr) {
          *explain << v.name << ": false alarm " << locks[i].id << " (" << core::to_string(locks[i].transport)
                   << ") at " << to_epoch_ms(d.at) << " for " << (d.back ? seconds(*d.back - d.at) : -1)
                   << " s: " << d.why << "\n";
        }
      }
    }
  }
  if (v.has_battery) {
    // A battery's death: the first battery label of each battery life (a
    // life ends when the batteries are replaced).
    std::vector<std::vector<const FaultLabel*>> battery_labels(locks.size());
    for (const FaultLabel& l : labels) {
      if (l.kind != "battery_depleted" && l.kind != "battery_low_dropouts") continue;
      if (l.id.empty() || l.id[0] != 'n') continue;  // ran down on its own, not set by a fault
      for (const LockId& d : l.devices) {
        if (auto it = index.find(d); it != index.end()) battery_labels[it->second].push_back(&l);
      }
    }
    for (std::size_t i = 0; i < locks.size(); ++i) {
      auto& mine = battery_labels[i];
      std::sort(mine.begin(), mine.end(), [](const auto* a, const auto* b) { return a->onset < b->onset; });
      std::optional<Timestamp> fitted;  // the current batteries went in (unknown for the first)
      bool alive = true;
      for (const FaultLabel* l : mine) {
        const bool death = alive;
        alive = false;
        const std::optional<Timestamp> life_start = fitted;
        if (l->fix == "replace_batteries" && l->fixed) {
          alive = true;
          fitted = l->fixed;
        }
        if (!death) continue;
        const Timestamp t = l->onset;
        if (t < start + 7 * kDay) {  // the hub first heard the lock less than 7 days before
          ++s.unwarnable;
          continue;
        }
        ++s.deaths;
        const auto& alerts = v.alerts[i];
        const bool warned = std::any_of(alerts.begin(), alerts.end(), [&](const auto& a) {
          return a.first <= t - 7 * kDay &&
                 a.first >= std::max(t - 90 * kDay, life_start.value_or(t - 90 * kDay));
        });
        if (!warned) ++s.surprise;
        if (!warned && explain != nullptr) {
          *explain << v.name << ": surprise death " << locks[i].id << " (" << locks[i].battery
                   << (locks[i].cold ? " cold" : "") << ", " << core::to_string(locks[i].transport) << ") "
                   << l->kind << " at " << to_epoch_ms(t) << ", battery in since "
                   << (life_start ? std::to_string(days(t - *life_start)) + " d" : std::string("the start"))
                   << ", alerts:";
          for (const auto& a : alerts) {
            if (a.first <= t && t - a.first < 120 * kDay)
              *explain << " " << a.second << "d@" << days(t - a.first);
          }
          *explain << "; forecast days left:";
          for (const auto& f : v.forecast[i]) {
            if (f.first <= t && t - f.first <= 21 * kDay) *explain << " " << std::lround(f.second);
          }
          *explain << "\n";
        }
        const bool native =
            locks[i].transport == Transport::wifi || locks[i].transport == Transport::ble_bridge;
        Score::Battery& kind =
            s.by_battery[locks[i].battery + (locks[i].cold ? " cold" : "") + (native ? "" : " bridged")];
        ++kind.deaths;
        if (!warned) ++kind.surprise;
        if (!v.has_forecast) continue;
        constexpr std::array<int, 3> kHorizons = {30, 14, 7};
        for (std::size_t h = 0; h < kHorizons.size(); ++h) {
          const Timestamp when = t - kHorizons[h] * kDay;
          if (life_start && when < *life_start) continue;  // these batteries were not in yet
          // The last daily forecast made at or before `when`, if it is that day's.
          const auto& f = v.forecast[i];
          auto after = std::upper_bound(f.begin(), f.end(), when,
                                        [](Timestamp w, const auto& x) { return w < x.first; });
          if (after == f.begin()) continue;
          const auto& made = *std::prev(after);
          if (when - made.first > kDay) continue;
          const double predicted = made.second - days(when - made.first);
          s.err[h].push_back(std::abs(predicted - static_cast<double>(kHorizons[h])));
          if (kHorizons[h] == 7) kind.signed_err_7.push_back(predicted - 7);
          if (kHorizons[h] == 30) kind.err_30.push_back(std::abs(predicted - 30));
        }
      }
    }
  }
  return s;
}

std::string number(double v, int decimals = 1) {
  if (std::isnan(v)) return "null";
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%.*f", decimals, v);
  return buf.data();
}

std::string cell(double v, int decimals = 1) {
  std::string n = number(v, decimals);
  return n == "null" ? "—" : n;
}

struct Figures {
  double detect_p50, detect_p99, false_alarms, grouped_share, mae30, mae14, mae7;
  int surprise;
};

Figures figures(const Score& s, double lock_days) {
  Figures f{};
  f.detect_p50 = s.liveness ? percentile(s.detect_s, 0.5) : NAN;
  f.detect_p99 = s.liveness ? percentile(s.detect_s, 0.99) : NAN;
  f.false_alarms = s.liveness ? 1000.0 * s.false_alarms / lock_days : NAN;
  f.grouped_share =
      s.liveness && s.shared_outages > 0 ? static_cast<double>(s.grouped) / s.shared_outages : NAN;
  f.mae30 = mean(s.err[0]);
  f.mae14 = mean(s.err[1]);
  f.mae7 = mean(s.err[2]);
  f.surprise = s.battery ? s.surprise : -1;
  return f;
}

/// The figures as JSON members, without the braces.
void json_figures(std::ostream& out, const Score& s, double lock_days, double heartbeat_s) {
  const Figures f = figures(s, lock_days);
  out << "\"heartbeat_s\":" << number(heartbeat_s, 0) << ",\"detect_p50_s\":" << number(f.detect_p50)
      << ",\"detect_p99_s\":" << number(f.detect_p99)
      << ",\"false_alarms_per_1000_lock_days\":" << number(f.false_alarms, 3)
      << ",\"grouped_outage_share\":" << number(f.grouped_share, 3)
      << ",\"battery_mae_days_30\":" << number(f.mae30, 2)
      << ",\"battery_mae_days_14\":" << number(f.mae14, 2) << ",\"battery_mae_days_7\":" << number(f.mae7, 2)
      << ",\"surprise_deaths\":" << (f.surprise < 0 ? std::string("null") : std::to_string(f.surprise))
      << ",\"outages\":" << s.outages << ",\"missed\":" << s.missed << ",\"false_alarms\":" << s.false_alarms
      << ",\"shared_outages\":" << s.shared_outages << ",\"deaths\":" << s.deaths
      << ",\"deaths_unwarnable\":" << s.unwarnable << ",\"forecasts_scored\":[" << s.err[0].size() << ","
      << s.err[1].size() << "," << s.err[2].size() << "]";
  // The issue's bar is for alkaline packs: their error 30 days ahead, every kind of lock together.
  std::vector<double> alkaline_30;
  for (const auto& [kind, b] : s.by_battery) {
    if (kind.starts_with("alkaline")) alkaline_30.insert(alkaline_30.end(), b.err_30.begin(), b.err_30.end());
  }
  out << ",\"battery_mae_days_30_alkaline\":" << number(mean(alkaline_30), 2);
  out << ",\"battery_by_kind\":{";
  bool first_kind = true;
  for (const auto& [kind, b] : s.by_battery) {
    out << (first_kind ? "" : ",") << '"' << kind << R"(":{"deaths":)" << b.deaths << R"(,"surprise":)"
        << b.surprise << R"(,"bias_days_7":)" << number(mean(b.signed_err_7)) << R"(,"mae_days_30":)"
        << number(mean(b.err_30), 2) << "}";
    first_kind = false;
  }
  out << "}";
  out << ",\"detect_p99_heartbeats\":" << number(s.liveness ? percentile(s.detect_heartbeats, 0.99) : NAN, 2);
  out << ",\"detect_p50_s_by_transport\":{";
  bool first = true;
  for (const auto& [t, v] : s.detect_by_transport) {
    out << (first ? "" : ",") << "\"" << t << "\":" << number(percentile(v, 0.5));
    first = false;
  }
  out << "}";
}

}  // namespace

int run_bench_health(const HealthBenchOptions& options, std::ostream& out, std::ostream& err) {
  auto setup = bench_setup(options.scenario, options.until);
  if (!setup) {
    err << "bench health: " << setup.error().message << "\n";
    return 1;
  }
  const sim::Scenario* scenario = &setup->scenario;
  const Timestamp end = setup->end;
  Bench bench(*scenario);
  Labels labels;
  auto ran = run_world(*setup, bench.sink(), labels,
                       [&](Timestamp t, sim::WorldEngine& world) { bench.tick(t, world); });
  if (!ran) {
    err << "bench health: " << ran.error().message << "\n";
    return 1;
  }
  std::vector<Verdicts> verdicts = bench.finish(end);

  std::map<LockId, std::size_t> index;
  for (std::size_t i = 0; i < bench.locks().size(); ++i) index[bench.locks()[i].id] = i;
  std::vector<double> cadences;
  for (const Lock& l : bench.locks()) cadences.push_back(seconds(l.cadence));
  const double heartbeat_s = percentile(cadences, 0.5);
  const double lock_days = static_cast<double>(bench.locks().size()) * days(end - setup->start);
  std::vector<Score> scores;
  scores.reserve(verdicts.size());
  for (const Verdicts& v : verdicts) {
    scores.push_back(
        score(v, bench.locks(), labels.all, index, setup->start, end, options.explain ? &err : nullptr));
  }

  if (options.json) {
    std::string scenario_name;
    protocol::append_json_string(scenario_name, options.scenario);
    out << R"({"scenario":)" << scenario_name << R"(,"locks":)" << bench.locks().size()
        << ",\"lock_days\":" << number(lock_days, 0) << ",\"messages\":" << bench.messages()
        << ",\"undecodable\":" << bench.undecodable()
        << ",\"packet_loss\":" << number(scenario->packet_loss, 3)
        << ",\"heartbeat_jitter_s\":" << number(seconds(scenario->heartbeat_jitter), 1) << ",";
    json_figures(out, scores[0], lock_days, heartbeat_s);
    out << ",\"baselines\":{";
    for (std::size_t k = 1; k < scores.size(); ++k) {
      out << (k > 1 ? "," : "") << "\"" << scores[k].name << "\":{";
      json_figures(out, scores[k], lock_days, heartbeat_s);
      out << "}";
    }
    out << "}}\n";
    return 0;
  }
  out << "health benchmark: " << options.scenario << ", " << bench.locks().size() << " locks, "
      << number(lock_days, 0) << " lock-days, " << bench.messages() << " messages\n";
  out << "| detector | detect p50 (s) | detect p99 (s) | missed | false alarms / 1000 lock-days | grouped "
         "outages | battery MAE 30/14/7 d (days) | surprise deaths |\n";
  out << "|---|---|---|---|---|---|---|---|\n";
  for (const Score& s : scores) {
    const Figures f = figures(s, lock_days);
    out << "| " << s.name << " | " << cell(f.detect_p50) << " | " << cell(f.detect_p99) << " | "
        << (s.liveness ? std::to_string(s.missed) + " of " + std::to_string(s.outages) : "—") << " | "
        << cell(f.false_alarms, 2) << " | "
        << (s.liveness ? std::to_string(s.grouped) + " of " + std::to_string(s.shared_outages) : "—") << " | "
        << cell(f.mae30) << " / " << cell(f.mae14) << " / " << cell(f.mae7) << " | "
        << (s.battery ? std::to_string(s.surprise) + " of " + std::to_string(s.deaths) : "—") << " |\n";
  }
  return 0;
}

}  // namespace lw::app
