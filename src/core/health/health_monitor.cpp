#include "core/health/health_monitor.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <utility>

namespace lw::core {
namespace {

std::string seconds_words(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + "s";
}

/// Lost heartbeat slots recorded per gap at most (a lock off for a week is
/// one outage, not 1,000 losses).
constexpr int kMaxSlotsPerGap = 48;

}  // namespace

std::string_view to_string(HealthNotice::Kind v) noexcept {
  switch (v) {
    case HealthNotice::Kind::battery_forecast: return "battery_forecast";
    case HealthNotice::Kind::low_battery_dropouts: return "low_battery_dropouts";
    case HealthNotice::Kind::drain_jump: return "drain_jump";
    case HealthNotice::Kind::weak_link: return "weak_link";
    case HealthNotice::Kind::degrading_link: return "degrading_link";
    case HealthNotice::Kind::recurring_loss: return "recurring_loss";
  }
  return "battery_forecast";
}

HealthMonitor::HealthMonitor() : HealthMonitor(Options{}) {}
HealthMonitor::HealthMonitor(Options options) : options_(options), liveness_(options.liveness) {}

HealthMonitor::PerLock* HealthMonitor::find(const LockId& lock) {
  auto it = index_.find(lock);
  return it == index_.end() ? nullptr : &locks_[it->second];
}

const HealthMonitor::PerLock* HealthMonitor::find(const LockId& lock) const {
  auto it = index_.find(lock);
  return it == index_.end() ? nullptr : &locks_[it->second];
}

void HealthMonitor::place(const LockId& lock, const DevicePlace& place, const BatteryProfile& battery,
                          Transport transport) {
  liveness_.place(lock, place);
  const SignalScale scale = transport == Transport::zigbee ? SignalScale::lqi : SignalScale::rssi_dbm;
  PerLock* l = find(lock);
  if (l == nullptr) {
    index_.emplace(lock, locks_.size());
    locks_.push_back(PerLock{lock, place.site, place.cadence, BatteryForecaster(battery),
                             DrainTracker(battery), LinkTrend(scale)});
    return;
  }
  l->site = place.site;
  l->cadence = place.cadence;
  l->battery.set_profile(battery);
  l->drain.set_profile(battery);
}

void HealthMonitor::heard(const LockId& lock, Timestamp at) {
  PerLock* l = find(lock);
  if (l == nullptr) return;
  liveness_.heard(lock, at);
  l->battery.message(at);
  l->drain.message(at);
  if (l->last_heard && l->cadence > Duration::zero()) {
    const double gap =
        std::chrono::duration<double>(at - *l->last_heard) / std::chrono::duration<double>(l->cadence);
    if (gap >= 0.5) {
      const int lost = std::min(kMaxSlotsPerGap, static_cast<int>(std::lround(gap)) - 1);
      for (int k = 1; k <= lost; ++k) l->link.heartbeat_slot(*l->last_heard + l->cadence * k, true);
      l->link.heartbeat_slot(at, false);
    }
  }
  l->last_heard = std::max(at, l->last_heard.value_or(at));
}

void HealthMonitor::telemetry(const LockId& lock, Timestamp at, const Telemetry& t) {
  PerLock* l = find(lock);
  if (l == nullptr) return;
  heard(lock, at);
  if (t.heartbeat && *t.heartbeat != l->cadence && *t.heartbeat > Duration::zero()) {
    l->drain.change(at, "heartbeat " + seconds_words(l->cadence) + " -> " + seconds_words(*t.heartbeat));
    l->cadence = *t.heartbeat;
    liveness_.declared(lock, *t.heartbeat, at);
  }
  if (t.firmware) {
    if (!l->firmware.empty() && *t.firmware != l->firmware) {
      l->drain.change(at, "firmware " + l->firmware + " -> " + *t.firmware);
    }
    l->firmware = *t.firmware;
  }
  // A full telemetry repeats the last boot's reason; a fresh boot has a small uptime.
  if (t.boot_reason && t.uptime_s && std::chrono::seconds(*t.uptime_s) < l->cadence)
    l->battery.boot(at, *t.boot_reason);
  if (t.battery_mv || t.battery_pct) {
    const std::optional<double> mv = t.battery_mv ? std::optional<double>(*t.battery_mv) : std::nullopt;
    const std::optional<double> pct = t.battery_pct ? std::optional<double>(*t.battery_pct) : std::nullopt;
    const std::optional<double> temp =
        t.temperature_c ? std::optional<double>(*t.temperature_c) : std::nullopt;
    l->battery.sample(at, mv, pct, temp);
    if (t.motor_mv) l->battery.motor_sample(at, *t.motor_mv);
    l->drain.sample(at, mv, pct);
  }
  if (t.rssi_dbm) l->link.signal(at, *t.rssi_dbm);
}

void HealthMonitor::gauge(const LockId& lock, Timestamp at, std::optional<int> loaded_mv,
                          std::optional<double> pct) {
  PerLock* l = find(lock);
  if (l == nullptr || (!loaded_mv && !pct)) return;
  const std::optional<double> mv = loaded_mv ? std::optional<double>(*loaded_mv) : std::nullopt;
  l->battery.sample(at, mv, pct);
  l->drain.sample(at, mv, pct);
}

void HealthMonitor::signal(const LockId& lock, Timestamp at, double value) {
  if (PerLock* l = find(lock)) l->link.signal(at, value);
}

void HealthMonitor::operation(const LockId& lock, Timestamp at) {
  PerLock* l = find(lock);
  if (l == nullptr) return;
  l->battery.operation(at);
  l->drain.operation(at);
}

void HealthMonitor::link_down(const LockId& lock, Timestamp at, std::string why) {
  PerLock* l = find(lock);
  if (l == nullptr) return;
  l->battery.dropout(at);
  liveness_.link_down(lock, at, std::move(why));
}

void HealthMonitor::updating(const LockId& lock, Timestamp at) { liveness_.updating(lock, at); }

void HealthMonitor::command(const LockId& lock, Timestamp issued_at, std::optional<Timestamp> completed_at,
                            ActionStatus status, Timestamp now) {
  PerLock* l = find(lock);
  if (l == nullptr) return;
  service_.command(l->site, lock, issued_at, completed_at, status);
  if (status == ActionStatus::expired) liveness_.command_timed_out(lock, now);
}

void HealthMonitor::event_delivered(const LockId& lock, Timestamp device_ts, Timestamp received_at) {
  if (PerLock* l = find(lock)) service_.event(l->site, lock, device_ts, received_at);
}

void HealthMonitor::tick(Timestamp now) {
  liveness_.tick(now);
  if (next_check_ && now < *next_check_) return;
  next_check_ = now + options_.check_every;
  for (PerLock& l : locks_) check(l.id, l, now);
}

void HealthMonitor::notice(const LockId& lock, Timestamp at, HealthNotice::Kind kind, std::string words,
                           int days) {
  notices_.push_back(HealthNotice{lock, at, kind, days, std::move(words)});
}

void HealthMonitor::check(const LockId& id, PerLock& l, Timestamp now) {
  // Several horizons crossed at once (a first forecast already short) are one warning.
  const std::vector<int> due = l.battery.due_alerts(now);
  if (!due.empty()) {
    const BatteryForecast f = l.battery.forecast(now);
    const long left = std::lround(f.days_left.value_or(0));
    std::string words = left < 1 ? std::string("battery: replace it now")
                                 : "battery: about " + std::to_string(left) + " days left";
    if (f.dies_at && left >= 1) words += " (around " + utc_date(*f.dies_at) + ")";
    notice(id, now, HealthNotice::Kind::battery_forecast, std::move(words),
           *std::min_element(due.begin(), due.end()));
  }
  const bool dropouts = l.battery.low_battery_dropouts(now);
  if (dropouts != l.dropouts_told) {
    l.dropouts_told = dropouts;
    if (dropouts) {
      std::string words = "drops out on a low battery";
      for (const std::string& e : l.battery.forecast(now).evidence) words += "; " + e;
      notice(id, now, HealthNotice::Kind::low_battery_dropouts, std::move(words));
    }
  }
  const DrainReport d = l.drain.report(now);
  if (d.jumped != l.drain_told) {
    l.drain_told = d.jumped;
    if (d.jumped) {
      std::array<char, 96> buf{};
      std::snprintf(buf.data(), buf.size(), "battery drain up %.1fx (%.2f -> %.2f mAh a day)", d.ratio,
                    d.baseline_mah_per_day, d.mah_per_day);
      notice(id, now, HealthNotice::Kind::drain_jump,
             std::string(buf.data()) + (d.cause.empty() ? "" : ": " + d.cause));
    }
  }
  const LinkReport r = l.link.report(now);
  auto joined = [&r] {
    std::string words;
    for (const std::string& e : r.evidence) words += (words.empty() ? "" : "; ") + e;
    return words;
  };
  if (r.weak != l.weak_told) {
    l.weak_told = r.weak;
    if (r.weak) notice(id, now, HealthNotice::Kind::weak_link, "weak link: " + joined());
  }
  if (r.degrading != l.degrading_told) {
    l.degrading_told = r.degrading;
    if (r.degrading) notice(id, now, HealthNotice::Kind::degrading_link, "link degrading: " + joined());
  }
  if (r.recurring_loss_hour != l.loss_hour_told) {
    l.loss_hour_told = r.recurring_loss_hour;
    if (r.recurring_loss_hour) {
      notice(id, now, HealthNotice::Kind::recurring_loss,
             "messages lost around " + std::to_string(*r.recurring_loss_hour) +
                 ":00 UTC every day: " + joined());
    }
  }
}

std::vector<ConnectivityChange> HealthMonitor::take_changes() {
  std::vector<ConnectivityChange> changes = liveness_.take_changes();
  for (const ConnectivityChange& c : changes) {
    if (PerLock* l = find(c.lock)) service_.connectivity(l->site, c.lock, c.at, c.to);
  }
  return changes;
}

std::vector<HealthNotice> HealthMonitor::take_notices() { return std::exchange(notices_, {}); }

BatteryForecast HealthMonitor::forecast(const LockId& lock, Timestamp now) const {
  const PerLock* l = find(lock);
  return l == nullptr ? BatteryForecast{} : l->battery.forecast(now);
}

std::optional<LinkReport> HealthMonitor::link(const LockId& lock, Timestamp now) const {
  const PerLock* l = find(lock);
  if (l == nullptr) return std::nullopt;
  return l->link.report(now);
}

LockHealth HealthMonitor::health(const LockId& lock, Timestamp now) const {
  LockHealth h;
  h.connectivity = liveness_.state(lock);
  h.incident = liveness_.incident_of(lock);
  h.last_heard = liveness_.last_heard(lock);
  const PerLock* l = find(lock);
  if (l == nullptr) return h;
  h.battery = l->battery.forecast(now);
  h.drain = l->drain.report(now);
  h.link = l->link.report(now);
  return h;
}

}  // namespace lw::core
