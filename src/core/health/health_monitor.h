// HealthMonitor: the health engine of one hub. It puts together, per lock,
//   - liveness and incidents (LivenessEngine: states, probes, grouped outages);
//   - the battery forecast and its 30/14/7/3-day alerts (BatteryForecaster);
//   - the battery drain per day and its jumps after a change (DrainTracker);
//   - the link's level, trend and recurring loss (LinkTrend);
//   - the service figures per lock and site (ServiceTracker);
// and turns what they find into notices the hub records as events. The hub
// and the health benchmark (app/health_bench) feed it the same way, so the
// benchmark scores what runs.
//
// Inputs are domain observations with their times (non-decreasing); tick(now)
// runs the liveness deadlines at once and the slower checks (battery, drain,
// link) once an hour of `now`. Pure: no I/O, no clock.
//
// Threading: not thread-safe; one owner.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/ids.h"
#include "base/time.h"
#include "core/battery/drain.h"
#include "core/battery/forecast.h"
#include "core/health/link_trend.h"
#include "core/health/liveness_engine.h"
#include "core/health/service_figures.h"
#include "core/lock/messages.h"
#include "core/lock/records.h"

namespace lw::core {

/// Something the monitor found that a person should hear about.
struct HealthNotice {
  enum class Kind {
    battery_forecast,
    low_battery_dropouts,
    drain_jump,
    weak_link,
    degrading_link,
    recurring_loss
  };
  LockId lock;
  Timestamp at{};
  Kind kind{Kind::battery_forecast};
  int days{0};        ///< battery_forecast: the horizon crossed (30, 14, 7 or 3)
  std::string words;  ///< plain words for the event log and the user
};
std::string_view to_string(HealthNotice::Kind v) noexcept;

/// One lock's health as of a moment: what the API and `status` show.
struct LockHealth {
  Connectivity connectivity{Connectivity::unknown};
  std::optional<std::uint64_t> incident;
  std::optional<Timestamp> last_heard;
  BatteryForecast battery;
  DrainReport drain;
  LinkReport link;
};

class HealthMonitor {
 public:
  struct Options {
    LivenessEngine::Options liveness;
    Duration check_every{std::chrono::hours(1)};  ///< battery, drain and link checks
  };

  HealthMonitor();
  explicit HealthMonitor(Options options);

  /// Adds a lock or moves it. `battery`: what the installer said went in.
  void place(const LockId& lock, const DevicePlace& place, const BatteryProfile& battery,
             Transport transport);
  void via_network(const std::string& via, const std::string& network) {
    liveness_.via_network(via, network);
  }
  void via_state(const std::string& via, bool up, Timestamp at) { liveness_.via_state(via, up, at); }

  // --- observations ---
  /// Any message from the lock.
  void heard(const LockId& lock, Timestamp at);
  /// A native telemetry (also a message heard).
  void telemetry(const LockId& lock, Timestamp at, const Telemetry& t);
  /// A battery reading from a bridge (Zigbee2MQTT voltage / battery, Z-Wave level).
  void gauge(const LockId& lock, Timestamp at, std::optional<int> loaded_mv, std::optional<double> pct);
  /// A link-quality reading on the lock's own scale (Zigbee LQI, or RSSI dBm).
  void signal(const LockId& lock, Timestamp at, double value);
  /// A motor run (lock or unlock).
  void operation(const LockId& lock, Timestamp at);
  /// The peer says the lock is gone (Last Will, availability, "Dead").
  void link_down(const LockId& lock, Timestamp at, std::string why);
  /// The lock started a firmware install.
  void updating(const LockId& lock, Timestamp at);
  /// Its link has no way to ask it for its state (see LivenessEngine::cannot_probe).
  void cannot_probe(const LockId& lock, Timestamp at) { liveness_.cannot_probe(lock, at); }
  /// A remote command finished (status succeeded, failed or expired).
  void command(const LockId& lock, Timestamp issued_at, std::optional<Timestamp> completed_at,
               ActionStatus status, Timestamp now);
  /// An event the lock stamped at `device_ts` arrived at `received_at`.
  void event_delivered(const LockId& lock, Timestamp device_ts, Timestamp received_at);

  void tick(Timestamp now);

  // --- outputs ---
  std::vector<LockId> take_probes() { return liveness_.take_probes(); }
  std::vector<ConnectivityChange> take_changes();
  std::vector<IncidentChange> take_incident_changes() { return liveness_.take_incident_changes(); }
  std::vector<HealthNotice> take_notices();

  // --- queries ---
  /// The lock's link alone (level, trend, loss), cheaper than health().
  [[nodiscard]] std::optional<LinkReport> link(const LockId& lock, Timestamp now) const;
  [[nodiscard]] LockHealth health(const LockId& lock, Timestamp now) const;
  [[nodiscard]] BatteryForecast forecast(const LockId& lock, Timestamp now) const;
  [[nodiscard]] ServiceFigures figures_for_lock(const LockId& lock, Window w, Timestamp now) const {
    return service_.for_lock(lock, w, now);
  }
  [[nodiscard]] ServiceFigures figures_for_site(const SiteId& site, Window w, Timestamp now) const {
    return service_.for_site(site, w, now);
  }
  [[nodiscard]] const LivenessEngine& liveness() const { return liveness_; }
  [[nodiscard]] bool knows(const LockId& lock) const { return index_.contains(lock); }

 private:
  struct PerLock {
    LockId id;
    SiteId site;
    Duration cadence{};
    BatteryForecaster battery;
    DrainTracker drain;
    LinkTrend link;
    std::optional<Timestamp> last_heard{};
    std::string firmware{};
    bool dropouts_told{false};
    bool drain_told{false};
    bool weak_told{false};
    bool degrading_told{false};
    std::optional<int> loss_hour_told{};
  };
  PerLock* find(const LockId& lock);
  [[nodiscard]] const PerLock* find(const LockId& lock) const;
  void check(const LockId& id, PerLock& l, Timestamp now);
  void notice(const LockId& lock, Timestamp at, HealthNotice::Kind kind, std::string words, int days = 0);

  Options options_;
  LivenessEngine liveness_;
  ServiceTracker service_;
  // Looked up per message: the small index stays in cache, the large states
  // are read only for the lock at hand (and checked in the order placed).
  std::deque<PerLock> locks_;                      // stable addresses, no spare capacity
  std::unordered_map<LockId, std::size_t> index_;  // into locks_
  std::vector<HealthNotice> notices_;
  std::vector<ConnectivityChange> changes_;
  std::optional<Timestamp> next_check_;
};

}  // namespace lw::core
