// LivenessEngine: the connectivity of every device, from every signal the hub
// gets, and the incidents that group devices that dropped together.
//
// States (core::Connectivity):
//   online       heard recently enough for its cadence
//   suspect      a report is overdue (φ ≥ suspect_phi); a device the hub can
//                ask for its state (a Zigbee /get, a Z-Wave ping) is probed.
//                With `watch_after` set, one that reports less often is also
//                asked once it has been quiet that long, while still online:
//                an hourly Zigbee or Z-Wave lock that died is found within
//                minutes, not at its next report
//   offline      φ ≥ offline_phi, its probes went unanswered, or its peer said
//                so (the broker's Last Will, a bridge's availability message,
//                Z-Wave JS "Dead")
//   updating     a firmware install is in progress: no alarm until its window
//                passes
//   asleep       a sleepy device between check-ins (silent but not overdue)
//   unreachable  the bridge or gateway it talks through is down
//   unknown      never heard
// Suspicion is the per-device PhiAccrual (phi_accrual.h) seeded from the
// cadence the device declares.
//
// Incidents: a device going offline or unreachable joins an open incident of
// the same place (its bridge when the bridge is down; otherwise its Wi-Fi
// network when known, its bridge, or its site) that another device joined
// within `group_window` (a device found by silence rather than told: within
// its report interval plus its probes, as devices of one outage fall due one
// by one); otherwise it opens a one-device incident. The second
// member turns it into a bridge / network / site incident, so N locks that
// dropped with their router make one incident, not N. A bridge that goes down
// opens its incident at once with every device behind it. An incident closes
// when its last member is back.
//
// Time: every input carries its time (non-decreasing); tick(now) runs the
// deadlines due. Pure: no I/O, no clock; the same code runs live and inside
// the simulator. Outputs are queued and taken with take_*().
//
// Threading: not thread-safe; one owner.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/ids.h"
#include "base/time.h"
#include "core/health/phi_accrual.h"
#include "core/lock/vocabulary.h"

namespace lw::core {

/// Where a device sits and how it can be heard.
struct DevicePlace {
  SiteId site;
  std::string via;      ///< the bridge or gateway it talks through; empty: straight to the broker
  std::string network;  ///< its Wi-Fi network, when known
  Duration cadence{std::chrono::minutes(10)};  ///< the report interval it declares
  bool probe{false};                           ///< the hub can ask it for its state
  bool sleepy{false};  ///< sleeps between check-ins (asleep, not online, while silent)
};

/// How the hub names a Wi-Fi network: "<site>/<ssid>" (SSIDs repeat between sites).
inline std::string network_id(const SiteId& site, std::string_view ssid) {
  return site + "/" + std::string(ssid);
}

enum class IncidentScope { lock, bridge, network, site };
std::string_view to_string(IncidentScope v) noexcept;

struct Incident {
  std::uint64_t id{0};
  IncidentScope scope{IncidentScope::lock};
  std::string subject;  ///< the lock, bridge, network or site it is about
  SiteId site;
  Timestamp opened_at{};
  std::optional<Timestamp> closed_at;
  std::vector<LockId> members;  ///< every device it held, in the order they joined
  std::vector<LockId> down;     ///< members not back yet
  Timestamp last_joined{};
};

struct ConnectivityChange {
  LockId lock;
  Connectivity from{Connectivity::unknown};
  Connectivity to{Connectivity::unknown};
  Timestamp at{};
  std::string why;  ///< plain words: "Last Will", "3 reports overdue", "bridge zb1 is down"
  /// Down because someone said so (a Last Will, a bridge's availability or
  /// state, Z-Wave "Dead"), not because the device went quiet.
  bool told{false};
};

struct IncidentChange {
  enum class What { opened, grew, closed };
  What what{What::opened};
  std::uint64_t incident{0};
  Timestamp at{};
};

class LivenessEngine {
 public:
  struct Options {
    double suspect_phi{1.0};  // one report overdue on a link losing under 10 %
    double offline_phi{8.0};
    Duration probe_timeout{std::chrono::seconds(20)};
    int probe_attempts{3};  // probes (each with the link layer's own retries) before offline
    /// A device that can be asked, does not sleep and reports less often than
    /// this is asked after this long without a word (zero, the default: only
    /// when overdue). See docs/configuration.md for what it costs.
    Duration watch_after{Duration::zero()};
    /// ... unless it loses this share of its reports or more, or the watch
    /// called it gone and it was back at its next report this many times.
    double watch_max_loss{0.1};
    int watch_max_wrong{2};
    Duration group_window{std::chrono::minutes(2)};
    Duration update_window{std::chrono::minutes(20)};
    Duration awake_window{std::chrono::seconds(10)};
    std::size_t closed_kept{1000};  ///< closed incidents kept for queries
  };

  LivenessEngine();
  explicit LivenessEngine(Options options);

  /// Adds a device or moves it (place, cadence).
  void place(const LockId& lock, const DevicePlace& place);
  /// Any message from the device (a report, an event, a reply).
  void heard(const LockId& lock, Timestamp at);
  /// The device declares a new cadence.
  void declared(const LockId& lock, Duration cadence, Timestamp at);
  /// Its peer says it is gone: the Last Will, availability "offline", "Dead".
  void link_down(const LockId& lock, Timestamp at, std::string why);
  /// A bridge or gateway came up or went down.
  void via_state(const std::string& via, bool up, Timestamp at);
  /// The Wi-Fi network a bridge reaches the broker through (empty: wired), so
  /// a bridge that drops with its router joins the router's incident.
  void via_network(const std::string& via, const std::string& network);
  /// The device began installing firmware.
  void updating(const LockId& lock, Timestamp at);
  /// A command or probe sent to the device went unanswered.
  void command_timed_out(const LockId& lock, Timestamp at);
  /// Its link cannot probe it (a third-party lock's API that has no way to
  /// ask): it is no longer probed, and the probe in flight is not awaited.
  void cannot_probe(const LockId& lock, Timestamp at);

  /// Runs what is due at `now`.
  void tick(Timestamp now);

  /// Devices to probe now (up to probe_attempts per suspicion).
  std::vector<LockId> take_probes();
  std::vector<ConnectivityChange> take_changes();
  std::vector<IncidentChange> take_incident_changes();

  [[nodiscard]] Connectivity state(const LockId& lock) const;
  [[nodiscard]] std::optional<Timestamp> last_heard(const LockId& lock) const;
  [[nodiscard]] const Incident* incident(std::uint64_t id) const;
  /// The open incident the device is in, if any.
  [[nodiscard]] std::optional<std::uint64_t> incident_of(const LockId& lock) const;
  [[nodiscard]] std::vector<const Incident*> open_incidents() const;
  /// Open and recently closed incidents, newest first.
  [[nodiscard]] std::vector<const Incident*> incidents() const;
  [[nodiscard]] bool via_up(const std::string& via) const;
  /// The Wi-Fi network a bridge uses, as via_network() said; empty if wired or unknown.
  [[nodiscard]] std::string via_network_of(const std::string& via) const;
  /// Where the device sits; nullptr for a device never placed.
  [[nodiscard]] const DevicePlace* place(const LockId& lock) const;
  /// How many other devices share the device's Wi-Fi network (a bridged
  /// device's: its bridge's), its bridge and its site.
  struct Neighbours {
    int network{0};
    int via{0};
    int site{0};
  };
  [[nodiscard]] Neighbours neighbours(const LockId& lock) const;
  /// The other devices on its Wi-Fi network (a bridged one: its bridge's).
  [[nodiscard]] std::vector<LockId> network_peers(const LockId& lock) const;

 private:
  struct Device {
    LockId id;
    DevicePlace place;
    PhiAccrual detector;
    Connectivity state{Connectivity::unknown};
    bool link_down{false};
    bool probe_failed{false};
    bool watch_probe{false};                   // the probe in flight was asked by the watch
    std::optional<Timestamp> gone_by_watch{};  // when unanswered watch probes made it offline
    std::uint8_t watch_wrong{0};               // times it was back at its own next report after that
    int probes_sent{0};
    std::optional<Timestamp> probe_deadline{};
    std::optional<Timestamp> updating_until{};
    std::optional<std::uint64_t> incident{};
    std::uint64_t epoch{0};
    std::string why{};
  };
  struct Due {
    Timestamp at;
    std::size_t device;
    std::uint64_t epoch;
    bool operator>(const Due& o) const { return at > o.at; }
  };

  struct Via {
    bool up{true};
    std::string network;
  };

  Device* find(const LockId& lock);
  void probe_missed(std::size_t index, Timestamp at, std::string why);
  /// The first probe of a round; `watch`: asked by the watch, not for an overdue report.
  void send_probe(Device& d, Timestamp now, bool watch);
  /// Asked when quiet for watch_after, before any report is overdue.
  [[nodiscard]] bool watched(const Device& d) const;
  /// The Wi-Fi network an incident's devices share, if any.
  [[nodiscard]] std::string network_of(const Incident& inc) const;
  [[nodiscard]] std::string network_of(const Device& d) const;
  [[nodiscard]] const Device* find(const LockId& lock) const;
  void evaluate(std::size_t index, Timestamp now);
  void schedule(std::size_t index, Timestamp now);
  void went_down(Device& d, Timestamp at);
  void came_back(Device& d, Timestamp at);
  Incident& open_incident(IncidentScope scope, const std::string& subject, const SiteId& site, Timestamp at);
  void retire(std::uint64_t id);

  Options options_;
  std::vector<Device> devices_;
  std::unordered_map<LockId, std::size_t> index_;  // into devices_
  std::map<std::string, Via> vias_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
  std::map<std::uint64_t, Incident> open_;
  std::deque<Incident> closed_;
  std::uint64_t next_incident_{1};
  std::vector<LockId> probes_;
  std::vector<ConnectivityChange> changes_;
  std::vector<IncidentChange> incident_changes_;
};

}  // namespace lw::core
