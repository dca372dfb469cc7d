// FleetEars: hears a fleet's MQTT traffic the way the hub does — lockwarden's
// native protocol, Zigbee2MQTT and Z-Wave JS UI — and feeds the health engine
// (HealthMonitor) and the lock doctor (LockDoctor, its EvidenceBook) with what
// each message says. The benchmarks (bench health, bench doctor) and
// `lockwarden diagnose --trace` hear through it, so they score and replay
// what the engines do with real payloads.
//
// The roster says which locks and bridges exist (from a scenario, as an
// installer would configure them). With `discover`, a lock first heard on a
// native topic, or a device first heard under a Zigbee2MQTT base topic, joins
// with defaults (a trace replayed without its configuration).
//
// A listener sees what each lock said (for baselines that hear the same
// traffic) and what the engines concluded.
//
// Threading: single-threaded; one owner.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/diagnosis/lock_doctor.h"
#include "core/health/health_monitor.h"
#include "protocol/ecosystem/zigbee2mqtt.h"
#include "protocol/ecosystem/zwave_js_ui.h"
#include "sim/scenario.h"
#include "sim/virtual_run.h"

namespace lw::app {

struct RosterLock {
  LockId id;
  SiteId site;
  std::string name;  ///< its friendly name on a Zigbee2MQTT bridge, its node name on Z-Wave
  core::Transport transport{core::Transport::wifi};
  Duration cadence{std::chrono::minutes(10)};
  std::string bridge;  ///< zigbee / zwave / ble: the bridge id
  std::string battery{"alkaline"};
  std::optional<double> ambient_c;  ///< the installer's word on the temperature around it
};

struct RosterBridge {
  std::string id;
  sim::BridgeKind kind{sim::BridgeKind::zigbee};
  std::string base_topic;
  std::string network;  ///< "<site>/<ssid>" of the Wi-Fi it uses; empty: wired
};

struct Roster {
  std::vector<RosterLock> locks;
  std::vector<RosterBridge> bridges;
  /// Wi-Fi networks ("<site>/<ssid>") and whether each reaches the hub over the internet.
  std::vector<std::pair<std::string, bool>> networks;
};

/// The roster an installer would have configured for the scenario's world.
Roster roster_of(const sim::Scenario& s);

class EarsListener {
 public:
  virtual ~EarsListener() = default;
  /// Any message from lock `i` (its index in locks()).
  virtual void heard(std::size_t /*i*/, Timestamp /*at*/) {}
  /// A battery gauge reading, percent.
  virtual void gauge(std::size_t /*i*/, Timestamp /*at*/, double /*pct*/) {}
  virtual void change(const core::ConnectivityChange& /*c*/) {}
  virtual void notice(const core::HealthNotice& /*n*/) {}
};

class FleetEars final : public sim::TraceSink {
 public:
  struct Options {
    core::HealthMonitor::Options health{};
    bool doctor{false};                          ///< run the lock doctor too
    bool discover{false};                        ///< unknown locks join on first message
    std::vector<std::string> z2m_base_topics{};  ///< with discover: bridges to listen to
  };

  FleetEars(Roster roster, Options options, EarsListener* listener = nullptr);

  void message(Timestamp ts, std::string_view topic, std::string_view payload, bool json) override;
  /// The hub's tick: due deadlines; returns the locks to probe.
  std::vector<LockId> tick(Timestamp now);

  [[nodiscard]] const std::vector<RosterLock>& locks() const { return locks_; }
  /// The lock's index in locks(); locks().size() if unknown.
  [[nodiscard]] std::size_t index(const LockId& id) const;
  core::HealthMonitor& monitor() { return monitor_; }
  [[nodiscard]] const core::HealthMonitor& monitor() const { return monitor_; }
  core::LockDoctor& doctor() { return doctor_; }
  [[nodiscard]] const core::LockDoctor& doctor() const { return doctor_; }
  [[nodiscard]] std::uint64_t messages() const { return messages_; }
  [[nodiscard]] std::uint64_t undecodable() const { return undecodable_; }

 private:
  std::size_t add(RosterLock lock);
  void add_bridge(const RosterBridge& b);
  void heard(std::size_t i, Timestamp at);
  void gauge(std::size_t i, Timestamp at, std::optional<int> mv, std::optional<double> pct);
  void native(Timestamp ts, std::string_view topic, std::string_view payload);
  void ecosystem(Timestamp ts, std::string_view topic, std::string_view payload);
  void zigbee(Timestamp ts, const std::string& bridge, const std::string& base, const protocol::Z2mTopic& t,
              std::string_view payload);
  void zwave(Timestamp ts, const std::string& bridge, const std::string& prefix,
             const protocol::ZwaveTopic& t, std::string_view payload);
  std::size_t by_name(const std::string& base, const std::string& name) const;
  void pump(Timestamp now);
  void count_bad() { ++undecodable_; }

  Options options_;
  EarsListener* listener_;
  core::HealthMonitor monitor_;
  core::LockDoctor doctor_;
  std::vector<RosterLock> locks_;
  std::vector<core::DevicePlace> places_;
  std::vector<core::BatteryProfile> profiles_;
  std::map<LockId, std::size_t> index_;
  std::map<std::string, std::size_t> names_;  // "<base>/<friendly name>" -> lock
  std::vector<std::pair<std::string, protocol::Z2mTopics>> z2m_;
  std::vector<std::pair<std::string, protocol::ZwaveTopics>> zwave_;
  std::uint64_t messages_{0};
  std::uint64_t undecodable_{0};
};

}  // namespace lw::app
