// Scenario: what `lockwarden sim --scenario FILE` and `lockwarden demo` run — the
// broker to use, the hub key the locks trust, the simulated sites and Wi-Fi
// locks, a timeline of faults and the people who use the doors. The format is
// documented in docs/scenarios.md; every key is checked, and a problem stops
// the run with a message naming the file, line, column and dotted key, e.g.
//   "home.toml:41:8: fault[2].kind: unknown fault kind \"explode\"; expected one of ..."
//
// Threading: plain values; parsed once at start-up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "base/time.h"
#include "core/diagnosis/catalogue.h"
#include "core/lock/vocabulary.h"

namespace lw::sim {

/// What happens to a lock at a point of the timeline.
enum class FaultKind {
  power_loss,      // drops off without a clean disconnect; the broker publishes the Last Will
  power_restore,   // boots again (boot_reason power_on, reboot_count + 1) and reconnects
  jam,             // from now on a motor run fails: result `jammed`, alarm event
  unjam,           // the bolt is free again and settles where it was before the jam
  battery_drain,   // the battery drops to `pct`
  silence,         // stays connected, publishes nothing (hung radio firmware)
  resume,          // ends a silence: publishes what it held back
  pairing_button,  // someone at the door presses the pairing button: the pairing window opens
  keypad,          // someone types `pin` on the keypad, then the lock or unlock button (`operation`)
  keypad_program,  // someone programs `pin` into `slot` at the lock's own menu, bypassing the hub
  factory_reset,   // someone holds the reset button: users, codes, keys and Wi-Fi forgotten, then a reboot
  guest_key,       // a guest's phone at the door presents `grant` and proves the key of `guest_seed`
};
std::string_view to_string(FaultKind kind) noexcept;
std::optional<FaultKind> parse_fault_kind(std::string_view s) noexcept;

struct ScenarioBroker {
  std::string host{"127.0.0.1"};
  int port{1883};
  std::string tls_ca_file;  ///< set: the locks connect over TLS, trusting this CA
  /// set: `username:password` lines (adapters/mqtt/broker_access.h); each
  /// lock signs in as lock.<site>.<lock>, a simulated world as lw-simulator.
  std::string credentials_file;
};

struct ScenarioHub {
  /// Base64 of the hub's 32-byte Ed25519 public key, from `public_key` or the
  /// contents of `public_key_file`; empty when the scenario leaves it to the caller.
  std::string public_key;
  std::string key_id{"hub"};
};

struct ScenarioSite {
  SiteId id;
  std::string name;
  /// Days between a lock running flat and someone replacing its batteries.
  Duration battery_swap_delay{std::chrono::hours(48)};
};

/// A Wi-Fi network: its router, and how it reaches the broker.
struct ScenarioNetwork {
  std::string id;
  SiteId site;
  std::string ssid;
  int clients{10};            // other devices on it
  int capacity{32};           // clients it serves well; beyond that connections drop
  bool over_internet{false};  // the broker is reached over the internet (cloud hub)
};

enum class BridgeKind { zigbee, zwave, ble };
std::string_view to_string(BridgeKind kind) noexcept;

/// A hub or bridge locks talk through: a Zigbee coordinator with Zigbee2MQTT,
/// a Z-Wave controller with Z-Wave JS UI, or a Bluetooth bridge.
struct ScenarioBridge {
  std::string id;
  SiteId site;
  BridgeKind kind{BridgeKind::zigbee};
  std::string network;     // the Wi-Fi network it uses; empty: wired
  std::string base_topic;  // zigbee: "zigbee2mqtt"; zwave: "zwave"; ble: unused
  std::string firmware{"1.0.0"};
};

/// A mains-powered Zigbee or Z-Wave router that relays for locks.
struct ScenarioRepeater {
  std::string id;
  SiteId site;
  std::string bridge;
  double distance_m{5};
  std::vector<std::string> walls;
};

/// Something that raises the radio noise near some locks on a daily schedule.
struct ScenarioInterference {
  std::string id;
  SiteId site;
  std::string source{"microwave"};  // microwave, neighbour_network, cordless_phone
  std::vector<LockId> locks;        // the locks within its reach
  double extra_db{25};              // noise it adds while on
  /// Minutes of the day (UTC) it is on: [from, to) pairs; empty: always.
  std::vector<std::pair<int, int>> windows;
  bool active_at_start{true};  // false: it appears with an `interference` fault
};

/// Someone's phone with the companion app, used to unlock some doors.
struct ScenarioPhone {
  std::string id;
  SiteId site;
  std::vector<LockId> locks;
  std::string app_version{"3.2.0"};
  bool permissions{true};  // Bluetooth and location granted
  double unlocks_per_day{2};
  double distance_m{1};  // from the door when its owner taps unlock
};

struct ScenarioLock {
  LockId id;
  SiteId site;
  std::string name;
  core::Transport transport{core::Transport::wifi};
  /// Telemetry cadence; nullopt: the firmware's default for the transport.
  std::optional<Duration> heartbeat;
  int keepalive_s{10};
  int battery_pct{90};               // at start, 0..100
  int rssi_dbm{-60};                 // signal without placement; placement (distance_m) replaces it
  std::string network;               // wifi: the [[network]] it joins; empty: an ideal network
  std::string bridge;                // ble_bridge, zigbee, zwave: the [[bridge]] it talks through
  std::vector<std::string> via;      // zigbee, zwave: repeaters on its route, nearest the lock first
  std::optional<double> distance_m;  // to its router, bridge or first repeater
  std::vector<std::string> walls;    // wall materials in the way
  std::string battery{"alkaline"};   // alkaline, lithium, nimh
  int cells{4};
  double temperature_c{20};
  // What the installer told the hub of the temperature around the lock (an
  // outdoor gate, an unheated garage); the world's is temperature_c.
  std::optional<double> ambient_c;
  double traffic_per_day{0};  // door operations per day, by the hour-of-day profile
  std::string firmware{"1.0.0"};
  core::LockState lock_state{core::LockState::locked};
  core::DoorState door_state{core::DoorState::closed};
  std::string pairing_code;  // the code on the label (6..32 characters, 16+ to pair over MQTT); empty: none
  bool end_to_end_only{false};  // unlocks signed by the hub's key are refused
  bool hub_key_enrolled{true};  // false: the lock trusts no key until it is paired
};

/// One entry of the timeline: either a low-level action on a lock (`kind`)
/// or a fault of the catalogue (`cause`, core/diagnosis/catalogue.h) on its
/// target, which ends after `duration` or when its fix is applied at `fix_at`.
struct ScenarioFault {
  Duration at{};  // after the start of the run
  LockId lock;    // actions: the lock
  FaultKind kind{FaultKind::power_loss};
  std::optional<int> pct;  // battery_drain: the new charge; battery causes: the charge at onset
  std::optional<core::Cause> cause;
  std::string target;  // causes: the lock, network, bridge, repeater, interference or phone
  std::optional<Duration> duration;
  std::optional<Duration> fix_at;       // after the start of the run
  std::optional<double> extra_db;       // weak_signal: added path loss
  std::optional<std::string> firmware;  // firmware_updating, hub_software_regression: the new version
  std::optional<std::string> pin;       // keypad, keypad_program: the digits typed
  std::optional<int> slot;              // keypad_program: the code slot
  core::LockAction operation{core::LockAction::unlock};  // keypad: what the person asks for
  std::optional<std::string> grant;                      // guest_key: the signed grant the phone holds
  std::optional<std::string> guest_seed;  // guest_key: 32 characters the phone's key derives from
};

/// A person operating a lock at the door, repeatedly.
struct ScenarioTraffic {
  LockId lock;
  Duration every{};
  Duration start{};  // first operation, after the start of the run
  core::LockAction operation{core::LockAction::lock};
  core::OperationSource source{core::OperationSource::keypad};
  std::optional<std::string> user;
};

struct Scenario {
  std::string file;  // where it was read from, for messages
  ScenarioBroker broker;
  ScenarioHub hub;
  std::vector<ScenarioSite> sites;
  std::vector<ScenarioNetwork> networks;
  std::vector<ScenarioBridge> bridges;
  std::vector<ScenarioRepeater> repeaters;
  std::vector<ScenarioInterference> interference;
  std::vector<ScenarioPhone> phones;
  std::vector<ScenarioLock> locks;
  std::vector<ScenarioFault> faults;  // in file order; the runner schedules each at `at`
  std::vector<ScenarioTraffic> traffic;

  /// Seed of every random draw of a run (shadowing, packet loss, traffic).
  std::uint64_t seed{1};
  /// On top of the radio's own losses: the share of reports lost on the way
  /// (a congested broker path, a flaky uplink), 0..0.5.
  double packet_loss{0};
  /// Each report comes up to this much early or late (uniform), so the hub
  /// never sees a perfectly regular cadence.
  Duration heartbeat_jitter{Duration::zero()};

  [[nodiscard]] const ScenarioLock* find_lock(std::string_view id) const;
  [[nodiscard]] const ScenarioSite* find_site(std::string_view id) const;
  /// True when the scenario needs the world simulator (virtual time): any
  /// network, bridge, repeater, interference, phone, non-Wi-Fi lock, placement
  /// or catalogue fault. Real-time runs support plain Wi-Fi locks only.
  [[nodiscard]] bool needs_world() const;
};

/// Reads and validates a scenario file. Errors: not_found (the file, or its
/// hub.public_key_file, cannot be read), invalid_argument ("FILE:LINE:COL: key: why").
Result<Scenario> load_scenario(const std::string& path);

/// Same, from text; `name` stands for the file in messages, and a relative
/// hub.public_key_file is resolved against the directory of `name`.
Result<Scenario> parse_scenario(std::string_view text, const std::string& name);

}  // namespace lw::sim
