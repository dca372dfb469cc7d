// EvidenceBook: what the lock doctor remembers about each lock beyond the
// health engine's figures — boots, alarms, reported states, command results,
// firmware versions, the phone app's complaints, the Zigbee bridge's own log
// lines — and the answers to the doctor's clues (clues.h) it draws from them
// together with the health engine (battery forecast, link report,
// connectivity and the incident a lock is in).
//
// Each memory is the latest time something was seen (and a small count where
// a rate matters), so a lock costs a few hundred bytes. Windows:
//   around the drop (±1 h):  reboots, bridge log lines
//   the last day:            alarms, reported states, app complaints
//   the last 3 days:         firmware changes (the lock's or its bridge's)
//   the last hour:           command failures while reports still arrive
//
// Threading: not thread-safe; one owner. Pure: no I/O, no clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/time.h"
#include "core/diagnosis/bridge_log.h"
#include "core/diagnosis/clues.h"
#include "core/health/health_monitor.h"
#include "core/lock/messages.h"

namespace lw::core {

/// A battery forecast under this many days left reads low (the clue battery_low).
inline constexpr double kBatteryLowDays = 14;

/// A complaint the phone app sends about reaching a lock.
enum class AppComplaint { permission_denied, too_old };

class EvidenceBook {
 public:
  // --- observations (times non-decreasing per lock) ---
  /// A native telemetry: a fresh boot (uptime under one report interval; a
  /// brown-out only in the lock's first report heard) and the firmware
  /// version are remembered.
  void telemetry(const LockId& lock, Timestamp at, const Telemetry& t, Duration cadence);
  /// An alarm event by name ("jammed", "motor_fault", "firmware_update", ...).
  void alarm(const LockId& lock, Timestamp at, std::string_view name);
  /// A reported bolt state.
  void state(const LockId& lock, Timestamp at, LockState state);
  /// A remote command's outcome.
  void command(const LockId& lock, Timestamp at, bool succeeded);
  /// The lock's firmware version as a bridge reports it (Zigbee OTA, Z-Wave).
  void firmware(const LockId& lock, Timestamp at, const std::string& version);
  /// A bridge's own version (Zigbee2MQTT bridge/info, a hub's status).
  void bridge_firmware(const std::string& via, Timestamp at, const std::string& version);
  /// A failure line in the bridge's log for this lock.
  void bridge_log(const LockId& lock, Timestamp at, BridgeLog what);
  /// A router of the bridge's mesh went offline or left it (Zigbee2MQTT
  /// availability, bridge/devices, device_leave): the locks behind `via`
  /// that drop within two hours after may have lost their route.
  void router_gone(const std::string& via, Timestamp at);
  /// The device announced itself to its bridge again (a rejoin: a reboot or a battery swap).
  void rejoined(const LockId& lock, Timestamp at);
  /// The phone app could not reach the lock and says why.
  void app(const LockId& lock, Timestamp at, AppComplaint what);
  /// A lock operation the lock completed (its event).
  void operated(const LockId& lock, Timestamp at);
  /// The installer's word on a network (its "<site>/<ssid>" key): whether it
  /// reaches the hub over the internet.
  void network(const std::string& network, bool over_internet) { remote_[network] = over_internet; }
  /// A connectivity change from the health engine; at a drop, what the
  /// battery forecast says of the pack then is kept.
  void connectivity(const ConnectivityChange& change, const HealthMonitor& health);

  /// Locks that misbehaved since the last call (an alarm, a state mismatch,
  /// an app complaint, a second failed command in a row), each once.
  std::vector<LockId> take_misbehaving();
  /// When the lock last misbehaved, if ever.
  [[nodiscard]] std::optional<Timestamp> last_misbehaviour(const LockId& lock) const;
  /// When the lock last completed an operation or a command, if ever.
  [[nodiscard]] std::optional<Timestamp> last_worked(const LockId& lock) const;

  /// The clues about `lock` at `now`. `down_at`: when the trouble began (the
  /// incident's opening), for the clues that look around the drop.
  /// `incident`: the health engine's incident the trouble is (who else
  /// dropped with it, even once it closed); without one, the lock's open one.
  /// `with`: of its members, those whose trouble this is (a member whose own
  /// trouble it was is left out); empty: all of them.
  [[nodiscard]] Clues clues(const LockId& lock, Transport transport, Timestamp now,
                            std::optional<Timestamp> down_at, const HealthMonitor& health,
                            std::optional<std::uint64_t> incident = std::nullopt,
                            std::span<const LockId> with = {}) const;

 private:
  struct Seen {
    std::optional<Timestamp> boot;
    std::optional<Timestamp> brown_out;
    std::optional<Timestamp> jam;
    std::optional<Timestamp> motor_fault;
    std::optional<Timestamp> mismatch;
    std::optional<Timestamp> update_alarm;
    std::optional<Timestamp> firmware_changed;
    std::string firmware;
    std::optional<Timestamp> no_route;
    std::optional<Timestamp> channel_busy;
    std::optional<Timestamp> rejoin;
    std::optional<Timestamp> app_denied;
    std::optional<Timestamp> app_old;
    std::optional<Timestamp> failed_from;  // the first of the current run of failures
    int failures{0};                       // failures since the last success
    bool told_gone{false};                 // the last drop came with a peer's word
    std::optional<Timestamp> last_down;
    std::optional<Timestamp> misbehaved;
    std::optional<Timestamp> worked;  // an operation completed or a command succeeded
    bool reported{false};             // a telemetry was heard
    std::optional<bool> low_at_drop;  // the battery forecast said low when it last went down
  };
  struct Bridge {
    std::string firmware;
    std::optional<Timestamp> changed;
    std::optional<Timestamp> router_gone;  // a router of its mesh went offline or left
  };

  Seen& seen(const LockId& lock) { return locks_[lock]; }
  void misbehaved(const LockId& lock, Seen& s, Timestamp at);
  [[nodiscard]] bool alive_but_deaf(const Seen& s, Timestamp now, const HealthMonitor& health,
                                    const LockId& lock) const;

  std::map<LockId, Seen> locks_;
  std::map<std::string, Bridge> bridges_;
  std::vector<LockId> misbehaving_;
  std::map<std::string, bool> remote_;  // network -> reaches the hub over the internet
};

}  // namespace lw::core
