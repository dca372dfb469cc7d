#include "sim/world_engine.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <map>
#include <queue>
#include <string>
#include <vector>

#include "firmware/lock_firmware.h"
#include "firmware/update_slots.h"
#include "protocol/codec.h"
#include "protocol/ecosystem/zigbee2mqtt_requests.h"
#include "protocol/topics.h"
#include "sim/guest_phone.h"
#include "sim/lock_hardware.h"
#include "sim/world/battery.h"
#include "sim/world/interference.h"
#include "sim/world/people.h"
#include "sim/world/radio.h"
#include "sim/world/rng.h"
#include "sim/zigbee2mqtt_bridge.h"

namespace lw::sim {
namespace {

using core::Cause;
using core::Transport;
using protocol::Channel;
using world::Rng;

// --- device figures -------------------------------------------------------

/// Average standby current by transport (radio asleep between check-ins), mA:
/// a Wi-Fi lock on 4×AA lasts 6–9 months, a Zigbee or Z-Wave lock about a year.
double standby_ma(Transport t) {
  switch (t) {
    case Transport::wifi: return 0.45;
    case Transport::ble_bridge: return 0.20;
    case Transport::zigbee:
    case Transport::thread: return 0.22;
    case Transport::zwave: return 0.25;
  }
  return 0.3;
}
constexpr double kMotorMa = 1200;  // motor run
constexpr Duration kMotorRun = 600ms;
constexpr double kRadioBurstMa = 220;  // transmitting a report
constexpr Duration kRadioBurst = 40ms;
constexpr int kDeadMvPerCell = 1050;  // open circuit: below it the lock cannot boot
constexpr Duration kRebootTime = 8s;
constexpr double kSessionKept = 0.3;  // a heartbeat's delivery chance under which the session drops
constexpr double kDoorSagMm = -6.0;   // calibration_drift: the strike moved against the stored positions

std::string ms(Timestamp t) { return std::to_string(to_epoch_ms(t)); }

/// PIN slots of a simulated Zigbee lock (the device definition's
/// pinCodeCount, as Weiser's SmartCode 10 declares).
constexpr int kZigbeePinSlots = 30;

/// A person's Zigbee user number: a slot number stands for itself; a name
/// gets a stable one of the lock's slots.
std::string zigbee_user(const std::string& user) {
  if (!user.empty() && user.size() <= 4 && user.find_first_not_of("0123456789") == std::string::npos)
    return user;
  return std::to_string(world::derive_seed(0, user) % kZigbeePinSlots + 1);
}

/// Zigbee link quality (0..255) a coordinator reports for an SNR.
int link_quality(double snr_db) {
  return static_cast<int>(std::lround(std::clamp((snr_db + 5) * 6.4, 0.0, 255.0)));
}

/// The simulated lock vendor's signing keys (fixed, so runs are reproducible).
protocol::KeyPair vendor_keys() {
  return std::move(*protocol::key_pair_from_text_seed("lockwarden-simulated-vendor-key!"));
}

// --- world entities -------------------------------------------------------

struct Network {
  const ScenarioNetwork* cfg;
  bool powered{true};
  bool wan{true};
  int credentials{0};  // bumps when the SSID/password changes or the router is replaced
  int router{0};       // bumps when the router is replaced (a new BSSID)

  /// What its access point offers a joining lock.
  [[nodiscard]] std::string passphrase() const {
    return "pass-" + cfg->id + "-" + std::to_string(credentials);
  }
  [[nodiscard]] firmware::Bssid bssid() const {
    const std::uint64_t h = world::derive_seed(static_cast<std::uint64_t>(router), cfg->id);
    firmware::Bssid b{};
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(h >> (8 * i));
    b[0] = static_cast<std::uint8_t>((b[0] & 0xfe) | 0x02);  // locally administered unicast
    return b;
  }
  int clients{0};
};

struct Bridge {
  const ScenarioBridge* cfg;
  bool up{true};
  bool online{true};   // its own MQTT connection to the broker
  int credentials{0};  // of its Wi-Fi network
  const Network* network{nullptr};
  bool regression{false};
  std::string firmware;
  double extra_distance_m{0};  // out_of_range: moved away from its locks...
  double extra_walls_db{0};    // ...and behind walls
};

struct Repeater {
  const ScenarioRepeater* cfg;
  bool up{true};
  double walls_db{0};
};

struct Interference {
  const ScenarioInterference* cfg;
  bool active{true};
};

struct Phone {
  const ScenarioPhone* cfg;
  bool permissions{true};
  bool outdated{false};
};

struct Lock {
  const ScenarioLock* cfg{nullptr};
  std::size_t index{0};
  std::string name;
  Rng rng;
  world::BatteryPack battery;
  std::vector<world::Wall> walls;
  world::Phy phy;
  world::LinkBudget budget;
  double walls_db{0};
  world::DoorTraffic traffic;
  world::DoorOperationKind next_operation{world::DoorOperationKind::manual};
  Network* network{nullptr};
  Bridge* bridge{nullptr};
  std::vector<Repeater*> via;
  std::vector<Interference*> interference;
  int node_id{0};
  // A Zigbee lock's PIN slots (the ZCL lock holds them; 0..kZigbeePinSlots-1),
  // and what Zigbee2MQTT's state cache says of them and of the last writes.
  std::map<int, std::string> zigbee_pins;
  std::map<int, bool> z2m_users;  // slot -> occupied, as last answered to a get
  std::int64_t z2m_pin_saved_ms{0};
  std::int64_t z2m_pin_cleared_ms{0};
  // Its ZCL settings (a reset restores these defaults), and whether
  // Zigbee2MQTT's cache holds them yet (after a read or a write).
  int zigbee_auto_relock_s{0};
  core::SoundVolume zigbee_sound{core::SoundVolume::low};
  bool z2m_settings_cached{false};

  // the world around the firmware
  bool updating{false};  // installing firmware: offline for the install window
  core::BootReason next_boot{core::BootReason::power_on};  // why it starts after a reboot
  double extra_loss_db{0};                                 // weak_signal
  Duration reported_heartbeat{};                           // the cadence the hub was last told
  Timestamp battery_at{};                                  // standby drain applied up to here

  // link
  bool connected{false};
  std::uint64_t session{0};  // bumps at each new broker session: a pending Last Will of an older one is void
  std::uint64_t beat{0};     // the live heartbeat chain
  std::uint64_t joining{0};  // the live join attempt
  std::uint64_t power{0};    // the live reboot
  Timestamp last_heard{};
  Duration backoff{5s};

  // ground truth of battery trouble arising on its own
  std::optional<std::size_t> battery_label;
  std::optional<std::size_t> link_label;  // the session dropped on a poor link, not by a fault

  BatterySupply supply;
  core::SeededRandom random;
  std::unique_ptr<firmware::LockFirmware> fw;  // the lock's own firmware (src/firmware)

  Lock(const ScenarioLock& c, std::size_t i, std::uint64_t seed, const protocol::PublicKey& vendor,
       Timestamp now)
      : cfg(&c),
        index(i),
        name(c.name),
        rng(world::derive_seed(seed, c.id)),
        battery(battery_spec(c), rng),
        phy(world::phy_for(c.transport)),
        budget(world::typical_link_budget(phy)),
        traffic(world::TrafficProfile::home(c.traffic_per_day)),
        supply(battery, c.temperature_c),
        random(world::derive_seed(seed, c.id + "/radio")) {
    battery.set_state_of_charge(c.battery_pct / 100.0);
    firmware::LockSetup setup = firmware_setup(c);
    setup.vendor_key = vendor;
    setup.install_window = std::chrono::minutes(1);
    fw = std::make_unique<firmware::LockFirmware>(setup, supply, random, now);
  }
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;
  Lock(Lock&&) = delete;
  Lock& operator=(Lock&&) = delete;
  ~Lock() = default;

  [[nodiscard]] Transport transport() const { return cfg->transport; }
  [[nodiscard]] bool native() const {
    return transport() == Transport::wifi || transport() == Transport::ble_bridge;
  }
  [[nodiscard]] bool powered() const { return fw->powered(); }
  [[nodiscard]] bool hung() const { return fw->radio_hung(); }
  [[nodiscard]] bool alive() const { return powered() && !updating; }
  [[nodiscard]] int cells() const { return cfg->cells; }
};

enum class What {
  heartbeat,
  last_will,
  join,
  traffic,
  phone,
  fault_onset,
  fault_end,
  interference_edge,
  reboot_done,
  battery_swap,
  availability,
};

struct Scheduled {
  Timestamp at;
  std::uint64_t order;
  What what;
  std::size_t index;
  std::uint64_t epoch{0};
  friend bool operator>(const Scheduled& a, const Scheduled& b) {
    return a.at != b.at ? a.at > b.at : a.order > b.order;
  }
};

class World {
 public:
  World(const Scenario& s, Timestamp start, const protocol::PublicKey& hub_key, TraceSink& trace,
        LabelSink& labels)
      : s_(s), start_(start), hub_key_(hub_key), trace_(trace), labels_(labels), now_(start), rng_(s.seed) {
    build();
  }

  /// Runs every event due at or before `t`; the clock ends at `t`.
  void advance_to(Timestamp t) {
    while (!queue_.empty() && queue_.top().at <= t) {
      Scheduled next = queue_.top();
      queue_.pop();
      now_ = next.at;
      ++stats_.events_processed;
      dispatch(next);
    }
    now_ = std::max(now_, t);
  }

  /// Labels the faults still active, as active.
  void finish() {
    for (auto& label : open_) {
      if (label.has_value()) emit_label(*label);
    }
    open_.assign(open_.size(), std::nullopt);
    for (Lock& l : locks_) {
      for (std::optional<std::size_t>* slot : {&l.battery_label, &l.link_label}) {
        if (*slot) emit_label(natural_[**slot]);
        slot->reset();
      }
    }
  }

  [[nodiscard]] VirtualRunStats stats() const {
    VirtualRunStats s = stats_;
    s.locks = locks_.size();
    return s;
  }
  [[nodiscard]] Timestamp now() const { return now_; }

  /// A payload on a native lock's cmd topic; `wall` is the lock's clock for
  /// the command's validity window.
  void command(const core::LockAddress& to, std::string_view payload, Timestamp /*wall*/) {
    Lock* l = find_lock(to.lock);
    if (l == nullptr || l->cfg->site != to.site || !l->native()) return;
    if (!l->connected || !l->alive() || l->hung()) return;  // never reaches the lock
    const int reboots = l->fw->reboot_count();
    apply_standby(*l);
    firmware::LockCommandHandling h = l->fw->handle(payload, now_);
    if (h.rebooted || l->fw->reboot_count() != reboots) {
      browned_out(*l);
      return;  // no answer
    }
    if (!h.events.empty()) l->battery.draw(kMotorMa, kMotorRun);
    // The lock answers first, then reports what moved.
    if (h.result) native(*l, Channel::result, protocol::encode_result(*h.result));
    if (!h.events.empty()) {
      report_state(*l);
      flush(*l);
    }
  }

  /// A payload on a native lock's `pair` topic: the lock answers on
  /// `pair_reply` and reports a pairing ("key_added") as an event.
  void pair(const core::LockAddress& to, std::string_view payload) {
    Lock* l = find_lock(to.lock);
    if (l == nullptr || l->cfg->site != to.site || !l->native()) return;
    if (!l->connected || !l->alive() || l->hung()) return;
    std::vector<core::DeviceEvent> events;
    const std::string reply = l->fw->pairing_message(payload, now_, &events);
    if (!reply.empty()) native(*l, Channel::pair_reply, reply);
    if (!events.empty()) flush(*l);
  }

  /// The hub asks a bridged lock for its state (a Zigbee2MQTT /get, a Z-Wave
  /// ping). A lock that hears it answers with a report; one that does not is
  /// a failed request: Zigbee2MQTT logs the MAC status, Z-Wave JS marks the
  /// node dead.
  void probe(std::string_view lock_id) {
    Lock* l = find_lock(lock_id);
    if (l == nullptr) return;
    if (l->native()) {
      ping(*l);
      return;
    }
    if (!l->bridge->online) return;
    apply_standby(*l);
    if (l->connected && l->alive() && !l->hung() && path_exists(*l) && deliver(*l, true)) {
      report(*l, true);
      return;
    }
    if (l->transport() == Transport::zigbee) {
      out(z2m(*l->bridge, "bridge/logging"),
          R"({"level":"error","message":"Publish 'get' 'state' to ')" + l->name +
              R"(' failed: 'Error: Data request failed with error: 'MAC no ack' (233)'"})");
    } else {
      zwave_status(*l, "Dead", false);
    }
  }

  /// The hub's signed ping to a native lock (protocol 5.6), as the lock's
  /// firmware answers it: a result, from a lock whose session is up, whose
  /// radio works and whose path to the broker holds; nothing otherwise.
  void ping(Lock& l) {
    apply_standby(l);
    if (!l.connected || !l.alive() || l.hung() || !path_exists(l) || !deliver(l, true)) return;
    core::CommandResult r;
    r.command_id = std::string(core::kPingIdPrefix) + std::to_string(++pings_);
    r.ts = now_;
    r.outcome = core::CommandOutcome::ok;
    r.lock_state = l.fw->state(now_).lock_state;
    native(l, Channel::result, protocol::encode_result(r));
  }

  /// The hub's /set for a Zigbee lock, through its bridge: a lock that hears
  /// it runs the motor and reports (an operation event, then its state), or
  /// stores or clears a PIN slot (Zigbee2MQTT then publishes
  /// last_successful_pincode_save / _clear); one that does not is a failed
  /// request in Zigbee2MQTT's log. A bridge that is offline reads nothing.
  void zigbee_set(std::string_view base, std::string_view name, std::string_view payload) {
    Lock* l = zigbee_lock(base, name);
    if (l == nullptr || !l->bridge->online) return;
    auto request = protocol::decode_z2m_set(payload);
    if (!request ||
        (!request->lock && !request->pin_code && !request->auto_relock_time && !request->sound_volume))
      return;
    const std::string key = request->lock               ? "state"
                            : request->pin_code         ? "pin_code"
                            : request->auto_relock_time ? "auto_relock_time"
                                                        : "sound_volume";
    if (request->pin_code && request->pin_code->user >= kZigbeePinSlots) {
      z2m_failure(*l, "set", key, "user must be in range for device");  // Z2M checks before sending
      return;
    }
    apply_standby(*l);
    if (!(l->connected && l->alive() && !l->hung() && path_exists(*l) && deliver(*l, true))) {
      z2m_failure(*l, "set", key, "Data request failed with error: 'MAC no ack' (233)");
      return;
    }
    if (request->lock) {
      operate(*l, *request->lock, core::OperationSource::remote, std::nullopt);
      return;
    }
    if (!request->pin_code) {  // the attribute writes; Z2M publishes the values it wrote
      if (request->auto_relock_time) l->zigbee_auto_relock_s = *request->auto_relock_time;
      if (request->sound_volume) l->zigbee_sound = *request->sound_volume;
      l->z2m_settings_cached = true;
      report(*l, true);
      return;
    }
    const protocol::Z2mPinCode& pin = *request->pin_code;
    const std::int64_t t = to_epoch_ms(now_);
    if (pin.pin) {
      l->zigbee_pins[pin.user] = *pin.pin;
      l->z2m_pin_saved_ms = std::max(t, l->z2m_pin_saved_ms + 1);
    } else {
      l->zigbee_pins.erase(pin.user);
      l->z2m_pin_cleared_ms = std::max(t, l->z2m_pin_cleared_ms + 1);
    }
    report(*l, true);
  }

  /// The hub's /get for a Zigbee lock: the lock state (a probe), one PIN slot
  /// (getPinCode: Zigbee2MQTT publishes what the lock says under `users`), or
  /// the settings' attributes (auto_relock_time, sound_volume in its state).
  void zigbee_get(std::string_view base, std::string_view name, std::string_view payload) {
    Lock* l = zigbee_lock(base, name);
    if (l == nullptr) return;
    auto request = protocol::decode_z2m_get(payload);
    if (!request || (!request->pin_user && !request->settings)) return probe(l->cfg->id);
    if (!l->bridge->online) return;
    const std::string_view key = request->pin_user ? "pin_code" : "auto_relock_time";
    if (request->pin_user && *request->pin_user >= kZigbeePinSlots) {
      z2m_failure(*l, "get", key, "userId must be in range for device");
      return;
    }
    apply_standby(*l);
    if (!(l->connected && l->alive() && !l->hung() && path_exists(*l) && deliver(*l, true))) {
      z2m_failure(*l, "get", key, "Data request failed with error: 'MAC no ack' (233)");
      return;
    }
    if (request->pin_user) {
      l->z2m_users[*request->pin_user] = l->zigbee_pins.count(*request->pin_user) != 0;
    } else {  // the settings' attributes
      l->z2m_settings_cached = true;
    }
    report(*l, true);
  }

  /// A failed request as Zigbee2MQTT logs it.
  void z2m_failure(const Lock& l, std::string_view type, std::string_view key, std::string_view error) {
    out(z2m(*l.bridge, "bridge/logging"), R"({"level":"error","message":"Publish ')" + std::string(type) +
                                              "' '" + std::string(key) + "' to '" + l.name +
                                              "' failed: 'Error: " + std::string(error) + R"('"})");
  }

  /// Every connected native lock says goodbye (a clean stop of the simulator).
  void shutdown() {
    for (Lock& l : locks_) {
      if (l.connected && l.native()) native(l, Channel::status, protocol::encode_status({false, now_}));
    }
  }

 private:
  // --- set-up ---------------------------------------------------------------

  void build() {
    networks_.reserve(s_.networks.size());
    for (const auto& n : s_.networks) networks_.push_back(Network{&n, true, true, 0, n.clients});
    bridges_.reserve(s_.bridges.size());
    for (const auto& b : s_.bridges) {
      Bridge& bridge = bridges_.emplace_back(Bridge{&b, true, true, 0, nullptr, false, b.firmware, 0, 0});
      for (const Network& n : networks_) {
        if (n.cfg->id == b.network) bridge.network = &n;
      }
    }
    repeaters_.reserve(s_.repeaters.size());
    for (const auto& r : s_.repeaters) {
      Repeater& rep = repeaters_.emplace_back(Repeater{&r, true, 0});
      std::vector<world::Wall> walls;
      for (const auto& w : r.walls) walls.push_back(world::parse_wall(w).value_or(world::Wall::drywall));
      const core::Transport t = bridge_transport(r.bridge);
      rep.walls_db = world::walls_loss_db(walls, world::phy_profile(world::phy_for(t)).freq_mhz);
    }
    interference_.reserve(s_.interference.size());
    for (const auto& i : s_.interference) interference_.push_back(Interference{&i, i.active_at_start});
    phones_.reserve(s_.phones.size());
    for (const auto& p : s_.phones) phones_.push_back(Phone{&p, p.permissions, false});

    for (std::size_t i = 0; i < s_.locks.size(); ++i) {
      const ScenarioLock& c = s_.locks[i];
      Lock& l = locks_.emplace_back(c, i, s_.seed, vendor_.public_key, now_);
      if (l.cfg->hub_key_enrolled)
        (void)l.fw->enroll(s_.hub.key_id, hub_key_);  // the scenario parser checked the key id
      l.battery_at = now_;
      l.node_id = static_cast<int>(i) + 2;
      for (const auto& w : c.walls) l.walls.push_back(world::parse_wall(w).value_or(world::Wall::drywall));
      l.walls_db = world::walls_loss_db(l.walls, world::phy_profile(l.phy).freq_mhz);
      for (auto& n : networks_) {
        if (n.cfg->id == c.network) l.network = &n;
      }
      if (l.network != nullptr)
        (void)l.fw->radio().set_credentials(l.network->cfg->ssid, l.network->passphrase(), now_);
      for (auto& b : bridges_) {
        if (b.cfg->id == c.bridge) l.bridge = &b;
      }
      for (const auto& r : c.via) {
        for (auto& rep : repeaters_) {
          if (rep.cfg->id == r) l.via.push_back(&rep);
        }
      }
      for (auto& in : interference_) {
        if (std::find(in.cfg->locks.begin(), in.cfg->locks.end(), c.id) != in.cfg->locks.end())
          l.interference.push_back(&in);
      }
    }
    for (const Bridge& b : bridges_) bridge_online(b, true);
    for (std::size_t i = 0; i < locks_.size(); ++i) {
      Lock& l = locks_[i];
      if (l.battery.open_circuit_mv() < l.cells() * kDeadMvPerCell) {
        l.fw->power_off(now_);
        continue;
      }
      start_heartbeat(l);
      try_join(l);
      if (c_traffic(l) > 0) schedule_traffic(i);
    }
    for (std::size_t p = 0; p < phones_.size(); ++p) schedule_phone(p);
    for (std::size_t f = 0; f < s_.faults.size(); ++f)
      schedule(start_ + s_.faults[f].at, What::fault_onset, f);
    for (std::size_t i = 0; i < interference_.size(); ++i) schedule_interference_edge(i);
    open_.resize(s_.faults.size());
    for (std::size_t t = 0; t < s_.traffic.size(); ++t)
      schedule(start_ + s_.traffic[t].start, What::traffic, locks_.size() + t);
  }

  [[nodiscard]] core::Transport bridge_transport(std::string_view id) const {
    for (const auto& b : s_.bridges) {
      if (b.id == id) {
        return b.kind == BridgeKind::zigbee  ? core::Transport::zigbee
               : b.kind == BridgeKind::zwave ? core::Transport::zwave
                                             : core::Transport::ble_bridge;
      }
    }
    return core::Transport::zigbee;
  }

  static double c_traffic(const Lock& l) { return l.cfg->traffic_per_day; }

  void schedule(Timestamp at, What what, std::size_t index, std::uint64_t epoch = 0) {
    queue_.push(Scheduled{at, order_++, what, index, epoch});
  }

  // --- output ---------------------------------------------------------------

  void out(std::string_view topic, std::string_view payload, bool json = true) {
    if (holding_) {
      held_.push_back({std::string(topic), std::string(payload), json});
      return;
    }
    trace_.message(now_, topic, payload, json);
    ++stats_.messages;
    stats_.payload_bytes += payload.size();
  }
  void native(const Lock& l, Channel ch, const std::string& payload) {
    out(protocol::topic_for(core::LockAddress{l.cfg->site, l.cfg->id}, ch), payload);
  }
  [[nodiscard]] std::string z2m(const Bridge& b, std::string_view rest) const {
    return b.cfg->base_topic + "/" + std::string(rest);
  }

  /// The retained device list of a Zigbee2MQTT bridge: its coordinator, repeaters and locks.
  [[nodiscard]] std::string bridge_devices(const Bridge& b) const {
    std::vector<Z2mSimDevice> devices{{Z2mSimDevice::Kind::coordinator, b.cfg->id, "Coordinator", {}}};
    for (const Repeater& r : repeaters_) {
      if (r.cfg->bridge == b.cfg->id)
        devices.push_back({Z2mSimDevice::Kind::router, r.cfg->id, r.cfg->id, {}});
    }
    for (const Lock& l : locks_) {
      if (l.bridge == &b && l.transport() == Transport::zigbee)
        devices.push_back({Z2mSimDevice::Kind::lock, l.cfg->id, l.name, l.cfg->firmware});
    }
    return z2m_bridge_devices(devices);
  }

  /// The Zigbee lock with friendly name `name` behind the bridge with base topic `base`.
  Lock* zigbee_lock(std::string_view base, std::string_view name) {
    for (Lock& l : locks_) {
      if (l.transport() == Transport::zigbee && l.bridge != nullptr && l.bridge->cfg->base_topic == base &&
          l.name == name)
        return &l;
    }
    return nullptr;
  }

  void bridge_online(const Bridge& b, bool online) {
    switch (b.cfg->kind) {
      case BridgeKind::zigbee:
        out(z2m(b, "bridge/state"), online ? R"({"state":"online"})" : R"({"state":"offline"})");
        if (online) {
          out(z2m(b, "bridge/info"), R"({"version":")" + b.firmware +
                                         R"(","coordinator":{"type":"zStack3x0"},)" +
                                         R"("network":{"channel":15,"pan_id":6754},"permit_join":false})");
          out(z2m(b, "bridge/devices"), bridge_devices(b));
        }
        return;
      case BridgeKind::zwave: {
        const std::string base = b.cfg->base_topic + "/_CLIENTS/ZWAVE_GATEWAY-" + b.cfg->id;
        out(base + "/status", online ? R"({"value":true,"time":)" + ms(now_) + "}" : R"({"value":false})");
        if (online) out(base + "/version", R"({"value":")" + b.firmware + R"(","time":)" + ms(now_) + "}");
        return;
      }
      case BridgeKind::ble: return;  // the bridge speaks for its locks on their own topics
    }
  }

  /// The lock's present bolt and door, and its telemetry, as the hub hears them.
  void report(Lock& l, bool with_state) {
    apply_standby(l);
    if (!heard(l)) return;
    const int load_mv =
        static_cast<int>(std::lround(l.battery.voltage_mv(kRadioBurstMa, l.cfg->temperature_c)));
    // The lock's gauge: loaded volts per cell, 1.10 V empty .. 1.50 V full.
    const int pct = static_cast<int>(
        std::lround(std::clamp((static_cast<double>(load_mv) / l.cells() - 1100.0) / 4.0, 0.0, 100.0)));
    switch (l.transport()) {
      case Transport::wifi:
      case Transport::ble_bridge:
      case Transport::thread: {
        if (with_state) native(l, Channel::state, protocol::encode_state(l.fw->state(now_)));
        const int rssi = static_cast<int>(std::lround(std::clamp(last_rssi_, -120.0, 0.0)));
        core::Telemetry t;
        // What rarely changes goes out on each connection, and the cadence when it changes.
        if (with_state) {
          t = l.fw->telemetry(now_, rssi);
          t.transport = l.transport();
          t.name = l.name;
          if (l.transport() == Transport::wifi && l.network != nullptr && !l.network->cfg->ssid.empty()) {
            t.ssid = l.network->cfg->ssid;
          } else if (l.transport() == Transport::ble_bridge && l.bridge != nullptr &&
                     l.bridge->network != nullptr) {
            t.ssid = l.bridge->network->cfg->ssid;  // the bridge that speaks for it adds its own network
          }
        } else {
          t.ts = now_;
          t.uptime_s = std::chrono::duration_cast<std::chrono::seconds>(l.fw->uptime(now_)).count();
        }
        t.battery_mv = load_mv;
        t.battery_pct = pct;
        t.motor_mv = l.fw->last_motor_mv();
        t.rssi_dbm = rssi;
        t.temperature_c = static_cast<int>(std::lround(std::clamp(l.cfg->temperature_c, -40.0, 85.0)));
        t.heartbeat.reset();
        if (with_state || heartbeat(l) != l.reported_heartbeat) {
          l.reported_heartbeat = heartbeat(l);
          t.heartbeat = l.reported_heartbeat;
        }
        native(l, Channel::telemetry, protocol::encode_telemetry(t));
        return;
      }
      case Transport::zigbee: {
        const core::LockState st = reported_state(l);
        std::string p =
            R"({"battery":)" + std::to_string(pct) + R"(,"linkquality":)" +
            std::to_string(link_quality(last_snr_)) + R"(,"lock_state":")" +
            std::string(st == core::LockState::jammed ? "not_fully_locked" : core::to_string(st)) +
            R"(","state":")" + (st == core::LockState::locked ? "LOCK" : "UNLOCK") + R"(","voltage":)" +
            std::to_string(load_mv);
        // Z2M publishes its whole cache: the PIN fields once they exist.
        if (l.z2m_pin_saved_ms != 0)
          p += R"(,"last_successful_pincode_save":)" + std::to_string(l.z2m_pin_saved_ms);
        if (l.z2m_pin_cleared_ms != 0)
          p += R"(,"last_successful_pincode_clear":)" + std::to_string(l.z2m_pin_cleared_ms);
        if (l.z2m_settings_cached) {
          p += R"(,"auto_relock_time":)" + std::to_string(l.zigbee_auto_relock_s) + R"(,"sound_volume":")" +
               std::string(protocol::z2m_sound_volume(l.zigbee_sound)) + '"';
        }
        if (!l.z2m_users.empty()) {
          p += R"(,"users":{)";
          for (const auto& [slot, occupied] : l.z2m_users) {
            if (p.back() != '{') p += ',';
            p += '"' + std::to_string(slot) + R"(":{"status":")" + (occupied ? "enabled" : "available") +
                 "\"}";
          }
          p += '}';
        }
        p += '}';
        out(z2m(*l.bridge, l.name), p);
        return;
      }
      case Transport::zwave: {
        const std::string base = l.bridge->cfg->base_topic + "/" + l.name;
        const core::LockState st = reported_state(l);
        const int mode = st == core::LockState::locked ? 255 : st == core::LockState::jammed ? 254 : 0;
        if (with_state)
          out(base + "/door_lock/endpoint_0/currentMode",
              R"({"time":)" + ms(now_) + R"(,"value":)" + std::to_string(mode) + "}");
        out(base + "/battery/endpoint_0/level",
            R"({"time":)" + ms(now_) + R"(,"value":)" + std::to_string(pct) + "}");
        out(base + "/lastActive", R"({"time":)" + ms(now_) + R"(,"value":)" + ms(now_) + "}");
        return;
      }
    }
  }

  void zwave_status(const Lock& l, const char* status, bool value) {
    out(l.bridge->cfg->base_topic + "/" + l.name + "/status",
        R"({"time":)" + ms(now_) + R"(,"value":)" + (value ? "true" : "false") + R"(,"status":")" + status +
            R"(","nodeId":)" + std::to_string(l.node_id) + "}");
  }

  core::LockState reported_state(const Lock& l) const { return l.fw->state(now_).lock_state; }

  /// The firmware queued `events`: a native lock publishes its queue when it
  /// can; a bridged end device sends them now or never (it keeps no backlog).
  void events(Lock& l, const std::vector<core::DeviceEvent>& events) {
    if (l.native()) {
      flush(l);
      return;
    }
    for (const core::DeviceEvent& e : events) {
      if (can_send(l)) bridged_event(l, e);
      (void)l.fw->mark_sent(e.seq);
      (void)l.fw->ack(e.seq);
    }
  }

  void bridged_event(Lock& l, const core::DeviceEvent& e) {
    if (!heard(l)) return;
    if (l.transport() == Transport::zigbee) {
      std::string action;
      if (e.kind == core::DeviceEventKind::alarm) {
        action = e.operation == core::LockAction::unlock ? "unlock_failure_invalid_pin_or_id"
                                                         : "lock_failure_invalid_pin_or_id";
        if (e.alarm == std::string("jammed")) {
          out(z2m(*l.bridge, l.name),
              R"({"door_state":"error_jammed","lock_state":"not_fully_locked","state":"UNLOCK"})");
          return;
        }
      } else {
        const bool lock = e.operation == core::LockAction::lock;
        action = e.source == core::OperationSource::manual ? (lock ? "manual_lock" : "manual_unlock")
                                                           : (lock ? "lock" : "unlock");
      }
      const char* src = e.source == core::OperationSource::keypad   ? "keypad"
                        : e.source == core::OperationSource::manual ? "manual"
                                                                    : "rf";
      out(z2m(*l.bridge, l.name),
          R"({"action":")" + action + R"(","action_source_name":")" + src + R"(","action_user":)" +
              (e.user ? zigbee_user(*e.user) : "65535") + R"(,"battery":)" +
              std::to_string(l.battery.percent_reported(kRadioBurstMa, l.cfg->temperature_c)) +
              R"(,"linkquality":)" + std::to_string(link_quality(last_snr_)) + R"(,"lock_state":")" +
              std::string(core::to_string(reported_state(l))) + R"(","state":")" +
              (reported_state(l) == core::LockState::locked ? "LOCK" : "UNLOCK") + R"("})");
      return;
    }
    // Z-Wave: Notification CC, Access Control.
    int code = 0;
    std::string label;
    if (e.kind == core::DeviceEventKind::alarm) {
      code = e.alarm == std::string("jammed") ? 11 : 19;
      label = code == 11 ? "Lock jammed" : "Manually enter user access code exceeds code limit";
    } else {
      const bool lock = e.operation == core::LockAction::lock;
      if (e.source == core::OperationSource::manual)
        code = lock ? 1 : 2;
      else if (e.source == core::OperationSource::keypad)
        code = lock ? 5 : 6;
      else
        code = lock ? 3 : 4;
      static constexpr std::array<const char*, 7> kLabels{"",
                                                          "Manual lock operation",
                                                          "Manual unlock operation",
                                                          "RF lock operation",
                                                          "RF unlock operation",
                                                          "Keypad lock operation",
                                                          "Keypad unlock operation"};
      label = kLabels[static_cast<std::size_t>(code)];
    }
    const std::string base = l.bridge->cfg->base_topic + "/" + l.name;
    out(base + "/notification/endpoint_0/Access_Control", R"({"time":)" + ms(now_) + R"(,"value":)" +
                                                              std::to_string(code) + R"(,"eventLabel":")" +
                                                              label + R"("})");
    const core::LockState st = reported_state(l);
    const int mode = st == core::LockState::locked ? 255 : st == core::LockState::jammed ? 254 : 0;
    out(base + "/door_lock/endpoint_0/currentMode",
        R"({"time":)" + ms(now_) + R"(,"value":)" + std::to_string(mode) + "}");
  }

  void flush(Lock& l) {
    if (!l.connected || l.hung() || !l.alive() || !l.native()) return;
    while (const core::DeviceEvent* e = l.fw->next_unsent(now_)) {
      if (!deliver(l, true)) return;  // QoS 1: kept and retried
      const std::uint64_t seq = e->seq;
      native(l, Channel::event, protocol::encode_event(*e));
      (void)l.fw->mark_sent(seq);
      (void)l.fw->ack(seq);  // the broker's PUBACK
    }
  }

  // --- the link -------------------------------------------------------------

  /// Noise the lock's receiver hears now, over its radio's floor, dB.
  double interference_db(const Lock& l) const {
    double db = 0;
    const int minute = world::minute_of_day(now_);
    for (const Interference* in : l.interference) {
      if (!in->active) continue;
      bool on = in->cfg->windows.empty();
      for (const auto& [from, to] : in->cfg->windows) on = on || (minute >= from && minute < to);
      if (on) db = std::max(db, in->cfg->extra_db);
    }
    return db;
  }

  /// Whether the lock's path to the broker exists at all right now (power,
  /// router, credentials, internet, bridge, mesh route, range).
  bool path_exists(const Lock& l) const {
    if (!l.alive()) return false;  // a hung radio keeps its path; it just says nothing
    if (l.transport() == Transport::wifi) {
      if (l.network == nullptr) return true;
      const Network& n = *l.network;
      return n.powered && (!n.cfg->over_internet || n.wan);
    }
    if (l.bridge == nullptr) return false;
    // A Bluetooth bridge holds each lock's MQTT session: it needs the broker too.
    return l.transport() == Transport::ble_bridge ? bridge_reaches_broker(*l.bridge) : l.bridge->up;
  }

  /// Whether a bridge can reach the broker: powered and its network up.
  static bool bridge_reaches_broker(const Bridge& b) {
    if (!b.up) return false;
    if (b.network == nullptr) return true;  // wired
    const Network& n = *b.network;
    return n.powered && b.credentials == n.credentials && (!n.cfg->over_internet || n.wan);
  }

  /// True when what a bridged lock says reaches the hub (its bridge is online).
  static bool heard(const Lock& l) { return l.native() || l.bridge->online; }

  /// Samples this moment's link: signal with shadowing, SNR, and the chance a
  /// packet gets through (after link-layer retries). Sets last_rssi_/last_snr_.
  double sample_delivery(Lock& l) {
    const world::PhyProfile& p = world::phy_profile(l.phy);
    const double shadow = world::shadowing_db(l.rng);
    double rssi = 0;
    if (l.cfg->distance_m) {
      double d = *l.cfg->distance_m;
      double walls = l.walls_db + l.extra_loss_db;
      if (l.bridge != nullptr && l.transport() == Transport::ble_bridge) {
        d += l.bridge->extra_distance_m;
        walls += l.bridge->extra_walls_db;
      }
      const double path = world::log_distance_path_loss_db(d, p.freq_mhz, l.budget.exponent);
      rssi = world::rssi_dbm(l.budget.tx_dbm - l.budget.device_loss_db, path, walls, shadow);
    } else {
      rssi = l.cfg->rssi_dbm - l.extra_loss_db - shadow;
    }
    last_rssi_ = rssi;
    last_snr_ = world::snr_db(rssi, p.noise_floor_dbm, interference_db(l));
    double ok = 1 - world::packet_error_rate(l.phy, last_snr_);
    // Mesh: the hops between the first repeater and the bridge.
    for (const Repeater* r : l.via) {
      if (!r->up) return 0;  // the route is gone until the lock rejoins through another one
      const double hop =
          world::link_snr_db(l.phy, l.budget, r->cfg->distance_m, r->walls_db, world::shadowing_db(l.rng));
      ok *= 1 - world::packet_error_rate(l.phy, hop);
    }
    last_crowding_ = 1;
    if (l.transport() == Transport::wifi && l.network != nullptr) {
      const Network& n = *l.network;
      if (n.clients > n.cfg->capacity) {
        const double share = static_cast<double>(n.cfg->capacity) / n.clients;
        last_crowding_ = share * share;  // airtime and association slots fought over
        ok *= last_crowding_;
      }
    }
    return ok;
  }

  bool can_send(Lock& l) {
    if (!path_exists(l)) return false;
    return deliver(l, false);
  }

  /// One transmission: true when it got through. `retried` (QoS 1) gets three tries.
  bool deliver(Lock& l, bool retried) {
    charge_radio(l);
    const double ok = sample_delivery(l);
    const double p = retried ? 1 - (1 - ok) * (1 - ok) * (1 - ok) : ok;
    if (l.rng.chance(p)) {
      l.last_heard = now_;
      return true;
    }
    return false;
  }

  void start_heartbeat(Lock& l) { schedule(now_ + next_beat(l), What::heartbeat, l.index, ++l.beat); }
  /// The cadence, give or take the scenario's jitter.
  Duration next_beat(Lock& l) {
    const Duration beat = heartbeat(l);
    if (s_.heartbeat_jitter <= Duration::zero()) return beat;
    const double j = static_cast<double>(s_.heartbeat_jitter.count()) * (2 * l.rng.uniform() - 1);
    return std::max<Duration>(beat / 2, beat + Duration{static_cast<std::int64_t>(j)});
  }

  void schedule_join(Lock& l, Duration delay) {
    const auto jitter = std::chrono::milliseconds(static_cast<std::int64_t>(l.rng.uniform() * 5000));
    schedule(now_ + delay + jitter, What::join, l.index, ++l.joining);
  }

  /// A Wi-Fi lock joins its access point with the credentials its firmware
  /// holds: a changed password or a new router refuses it.
  bool associate(Lock& l) {
    if (l.transport() != Transport::wifi || l.network == nullptr) return true;
    firmware::RadioLink& radio = l.fw->radio();
    if (radio.state() == firmware::LinkState::up) return true;
    if (radio.state() == firmware::LinkState::down) radio.start(now_);
    const std::string pass = l.network->passphrase();
    firmware::NetworkOffer offer{true, l.network->cfg->ssid, pass, l.network->bssid()};
    // not_due: the firmware is still backing off; the next attempt comes later.
    return radio.attempt(offer, now_) == firmware::JoinOutcome::joined;
  }

  void try_join(Lock& l) {
    if (l.connected || !l.powered() || l.hung()) return;
    if (!check_power(l)) return;
    if (!path_exists(l) || !associate(l) || !deliver(l, true)) {
      l.backoff = std::min<Duration>(l.backoff * 2, std::chrono::minutes(30));
      schedule_join(l, l.backoff);
      return;
    }
    l.backoff = 5s;
    l.connected = true;
    ++l.session;
    close_link_label(l);
    ++l.joining;
    switch (l.transport()) {
      case Transport::zigbee:
        if (!heard(l)) return;
        out(z2m(*l.bridge, "bridge/event"), R"({"type":"device_announce","data":{"friendly_name":")" +
                                                l.name + R"(","ieee_address":")" + ieee(l) + R"("}})");
        out(z2m(*l.bridge, l.name + "/availability"), R"({"state":"online"})");
        report(l, true);
        return;
      case Transport::zwave:
        if (!heard(l)) return;
        zwave_status(l, "Alive", true);
        report(l, true);
        return;
      default:
        native(l, Channel::status, protocol::encode_status({true, now_}));
        report(l, true);
        flush(l);
        return;
    }
  }

  static std::string ieee(const Lock& l) { return z2m_ieee_address(l.cfg->id); }

  /// The link broke (no DISCONNECT). Native: the broker publishes the Last Will
  /// 1.5 keep-alives after the last packet. Zigbee2MQTT: availability goes
  /// offline after its passive timeout (25 h) unless the lock is heard again.
  void lose(Lock& l) {
    if (!l.connected) return;
    l.connected = false;
    if (l.native()) {
      // The lock pinged within the last keep-alive; the broker waits 1.5 keep-alives from the last packet.
      const double ka_ms = l.cfg->keepalive_s * 1000.0;
      const auto wait =
          std::chrono::milliseconds(static_cast<std::int64_t>(1.5 * ka_ms - l.rng.uniform() * ka_ms));
      schedule(now_ + wait, What::last_will, l.index, l.session);
    } else if (l.transport() == Transport::zigbee) {
      schedule(std::max(now_, l.last_heard + std::chrono::hours(25)), What::availability, l.index, l.session);
    }
    if (l.powered() && !l.updating) schedule_join(l, l.backoff);
  }

  // --- battery --------------------------------------------------------------

  void apply_standby(Lock& l) {
    if (now_ <= l.battery_at) return;
    const Duration dt = now_ - l.battery_at;
    if (l.powered()) l.battery.draw(standby_ma(l.transport()), dt);
    l.battery.self_discharge(dt, l.cfg->temperature_c);
    l.battery_at = now_;
  }
  void charge_radio(Lock& l) { l.battery.draw(kRadioBurstMa, kRadioBurst); }

  static Duration heartbeat(const Lock& l) { return l.fw->heartbeat(); }

  /// Checks the battery for a radio burst: a sag under the firmware's
  /// brown-out level resets the lock; an empty pack shuts it down. Returns
  /// false when the lock went down.
  bool check_power(Lock& l) {
    apply_standby(l);
    if (l.battery.open_circuit_mv() < l.cells() * kDeadMvPerCell) {
      power_down(l);
      open_battery_label(l, Cause::battery_depleted);
      return false;
    }
    if (l.fw->radio_burst(now_) == firmware::LoadOutcome::browned_out) {
      browned_out(l);
      return false;
    }
    return true;
  }

  /// The firmware reset under a load that sagged the pack: the link drops and
  /// the lock rejoins once it has rebooted.
  void browned_out(Lock& l) {
    open_battery_label(l, Cause::battery_low_dropouts);
    lose(l);
    l.backoff = kRebootTime;
    start_heartbeat(l);
  }

  /// Power is gone; pending events stay in flash for the next boot.
  void power_down(Lock& l) {
    if (!l.powered()) return;
    lose(l);
    apply_standby(l);
    l.fw->power_off(now_);
    ++l.power;
  }

  void reboot(Lock& l, core::BootReason why) {
    power_down(l);
    l.next_boot = why;
    schedule(now_ + kRebootTime, What::reboot_done, l.index, l.power);
  }

  void boot(Lock& l, core::BootReason why) {
    l.battery_at = std::max(l.battery_at, now_);
    l.fw->power_on(now_, why);
    l.connected = false;
    l.backoff = 5s;
    start_heartbeat(l);
    try_join(l);
  }

  // --- people ---------------------------------------------------------------

  void schedule_traffic(std::size_t i) {
    Lock& l = locks_[i];
    auto next = l.traffic.next_arrival(now_, l.rng);
    if (!next) return;
    l.next_operation = next->kind;
    schedule(next->at, What::traffic, i);
  }

  /// A person operates the lock at the door (a wrong PIN: the keypad refuses).
  /// A person operates the lock; with `pin` they type it on the keypad first
  /// (the motor runs only when the lock takes it).
  void operate(Lock& l, core::LockAction action, core::OperationSource source,
               const std::optional<std::string>& user, std::optional<std::string> pin = std::nullopt) {
    if (!l.alive()) return;
    apply_standby(l);
    const int reboots = l.fw->reboot_count();
    std::vector<core::DeviceEvent> queued;
    if (pin && l.transport() == Transport::zigbee) {
      // A ZCL lock checks the PIN against its own slots (written through Zigbee2MQTT).
      auto slot = std::find_if(l.zigbee_pins.begin(), l.zigbee_pins.end(),
                               [&](const auto& held) { return held.second == *pin; });
      if (slot != l.zigbee_pins.end()) {
        queued = l.fw->operate(action, source, std::to_string(slot->first), now_);
      } else {
        core::DeviceEvent e;
        e.ts = now_;
        e.kind = core::DeviceEventKind::alarm;
        e.alarm = "wrong_code";
        e.source = source;
        e.operation = action;
        queued.push_back(std::move(e));
      }
    } else {
      queued = pin ? l.fw->enter_pin(*pin, action, now_) : l.fw->operate(action, source, user, now_);
    }
    const bool motor = source != core::OperationSource::manual &&
                       (!pin || std::any_of(queued.begin(), queued.end(), [](const core::DeviceEvent& e) {
                         return e.kind == core::DeviceEventKind::lock_operation;
                       }));
    if (motor) l.battery.draw(kMotorMa, kMotorRun);
    if (l.fw->reboot_count() != reboots) {
      browned_out(l);
      return;
    }
    events(l, queued);
    if (motor) report_state(l);
  }

  void report_state(Lock& l) {
    if (!l.connected || !l.native() || l.hung() || !l.alive()) return;
    if (deliver(l, true)) native(l, Channel::state, protocol::encode_state(l.fw->state(now_)));
  }

  void schedule_phone(std::size_t p) {
    const Phone& ph = phones_[p];
    if (ph.cfg->unlocks_per_day <= 0) return;
    const double mean_ms = 86'400'000.0 / ph.cfg->unlocks_per_day;
    schedule(now_ + std::chrono::milliseconds(static_cast<std::int64_t>(rng_.exponential(mean_ms))),
             What::phone, p);
  }

  /// Someone at a door opens it with the companion app over Bluetooth.
  void phone_unlock(Phone& ph) {
    const LockId& lock_id = ph.cfg->locks[rng_.next_u64() % ph.cfg->locks.size()];
    Lock* l = find_lock(lock_id);
    if (l == nullptr) return;
    std::string reason;
    if (!ph.permissions)
      reason = "bluetooth_permission_denied";
    else if (ph.outdated)
      reason = "app_outdated";
    else if (!l->alive())
      reason = "no_response";
    else if (!phone_reaches(ph))
      reason = "out_of_range";
    const std::string topic = protocol::topic_for(core::LockAddress{ph.cfg->site, ph.cfg->id}, Channel::app);
    out(topic, R"({"v":1,"ts_ms":)" + ms(now_) + R"(,"app_version":")" + ph.cfg->app_version +
                   R"(","bluetooth":")" + (ph.permissions ? "granted" : "denied") + R"(","location":")" +
                   (ph.permissions ? "granted" : "denied") + R"(","lock":")" + lock_id + R"(","result":")" +
                   (reason.empty() ? "ok" : "failed") + "\"" +
                   (reason.empty() ? "" : R"(,"reason":")" + reason + "\"") + "}");
    if (reason.empty()) operate(*l, core::LockAction::unlock, core::OperationSource::phone, ph.cfg->id);
    // Remote unlocks through the hub reach bridged locks through the bridge.
    if (l->bridge != nullptr && l->bridge->regression && l->connected) bridge_fails(*l);
  }

  /// Whether the phone's Bluetooth reaches the lock from where its owner stands.
  bool phone_reaches(const Phone& ph) {
    const world::Phy phy = world::phy_for(core::Transport::ble_bridge);
    const double snr = world::link_snr_db(phy, world::typical_link_budget(phy), ph.cfg->distance_m, 0,
                                          world::shadowing_db(rng_));
    return !rng_.chance(world::packet_error_rate(phy, snr));
  }

  /// A bridge after a bad upgrade fails to deliver a command to a lock it still hears.
  void bridge_fails(Lock& l) {
    if (l.transport() == Transport::zigbee) {
      out(z2m(*l.bridge, "bridge/logging"),
          R"({"level":"error","message":"Publish 'set' 'state' to ')" + l.name +
              R"(' failed: 'Error: Data request failed with error: 'MAC no ack' (233)'"})");
    } else if (l.transport() == Transport::zwave) {
      zwave_status(l, "Dead", false);
    }
  }

  // --- faults ---------------------------------------------------------------

  std::vector<LockId> locks_behind(const ScenarioFault& f) const {
    std::vector<LockId> out;
    const core::CauseScope scope = core::info(*f.cause).scope;
    for (const Lock& l : locks_) {
      bool hit = false;
      if (*f.cause == Cause::interference) {
        for (const Interference* in : l.interference) hit = hit || in->cfg->id == f.target;
      } else {
        switch (scope) {
          case core::CauseScope::lock: hit = l.cfg->id == f.target; break;
          case core::CauseScope::network:
            hit = (l.network != nullptr && l.network->cfg->id == f.target) ||
                  (l.bridge != nullptr && l.bridge->cfg->network == f.target);
            break;
          case core::CauseScope::bridge: hit = l.bridge != nullptr && l.bridge->cfg->id == f.target; break;
          case core::CauseScope::repeater:
            for (const Repeater* r : l.via) hit = hit || r->cfg->id == f.target;
            break;
          case core::CauseScope::phone:
            for (const Phone& p : phones_) {
              if (p.cfg->id == f.target)
                hit = std::find(p.cfg->locks.begin(), p.cfg->locks.end(), l.cfg->id) != p.cfg->locks.end();
            }
            break;
          case core::CauseScope::site: hit = l.cfg->site == f.target; break;
        }
      }
      if (hit) out.push_back(l.cfg->id);
    }
    return out;
  }

  void fault_onset(std::size_t fi) {
    const ScenarioFault& f = s_.faults[fi];
    if (!f.cause) {
      action(f, fi);
      return;
    }
    FaultLabel label{"f" + std::to_string(fi),
                     std::string(core::to_string(*f.cause)),
                     f.target,
                     locks_behind(f),
                     now_,
                     "",
                     std::nullopt};
    open_[fi] = label;
    labels_.began(label);
    if (f.duration) schedule(now_ + *f.duration, What::fault_end, fi);
    if (f.fix_at) schedule(start_ + *f.fix_at, What::fault_end, fi);
    apply_cause(f, true);
  }

  void fault_end(std::size_t fi) {
    const ScenarioFault& f = s_.faults[fi];
    if (!open_[fi]) return;
    FaultLabel label = *open_[fi];
    open_[fi].reset();
    label.fix = f.duration ? "wait" : std::string(core::to_string(core::info(*f.cause).fix));
    label.fixed = now_;
    apply_cause(f, false);
    emit_label(label);
  }

  void emit_label(const FaultLabel& label) {
    labels_.label(label);
    ++stats_.labels;
  }

  template <typename T>
  static T* by_id(std::vector<T>& v, std::string_view id) {
    for (T& x : v) {
      if (x.cfg->id == id) return &x;
    }
    return nullptr;
  }
  Lock* find_lock(std::string_view id) {
    for (Lock& l : locks_) {
      if (l.cfg->id == id) return &l;
    }
    return nullptr;
  }

  /// Re-checks every lock after the world changed: links that broke are lost,
  /// links that came back are joined.
  void reevaluate_all() {
    for (Bridge& b : bridges_) {
      const bool reach = bridge_reaches_broker(b);
      if (reach != b.online) {
        b.online = reach;
        bridge_online(b, reach);  // going offline: its Last Will
      }
    }
    for (Lock& l : locks_) {
      if (!l.powered()) continue;
      if (l.connected && !path_exists(l))
        lose(l);
      else if (!l.connected && path_exists(l))
        schedule_join(l, 1s);
    }
  }

  void apply_cause(const ScenarioFault& f, bool on) {
    Lock* l = find_lock(f.target);
    Network* n = by_id(networks_, f.target);
    Bridge* b = by_id(bridges_, f.target);
    switch (*f.cause) {
      case Cause::battery_depleted:
      case Cause::battery_low_dropouts:
        if (l == nullptr) break;
        if (on) {
          apply_standby(*l);
          l->battery.set_state_of_charge(f.pct.value_or(*f.cause == Cause::battery_depleted ? 0 : 4) / 100.0);
          if (*f.cause == Cause::battery_low_dropouts && l->cfg->temperature_c > 5) {
            // Cold makes an alkaline pack sag; without it a low pack may still hold.
          }
          check_power(*l);
        } else {
          replace_batteries(*l);
        }
        break;
      case Cause::weak_signal:
        if (l != nullptr) l->extra_loss_db = on ? f.extra_db.value_or(25) : 0;
        break;
      case Cause::interference:
        if (Interference* in = by_id(interference_, f.target)) in->active = on;
        break;
      case Cause::network_overloaded:
        if (n != nullptr) n->clients = on ? n->cfg->capacity * 3 : n->cfg->clients;
        break;
      case Cause::router_power_outage:
        if (n != nullptr) n->powered = !on;
        break;
      case Cause::internet_outage:
        if (n != nullptr) n->wan = !on;
        break;
      case Cause::network_credentials_changed:
      case Cause::router_replaced:
        if (n == nullptr) break;
        if (on) {
          // The router restarts with its new settings: everyone is thrown off and must rejoin.
          ++n->credentials;
          if (*f.cause == Cause::router_replaced) ++n->router;
          for (Lock& x : locks_) {
            if (x.network == n && x.powered()) {
              lose(x);
              x.fw->radio().link_lost(now_);
            }
          }
        } else {
          for (Lock& x : locks_) {
            if (x.network == n) (void)x.fw->radio().set_credentials(n->cfg->ssid, n->passphrase(), now_);
          }
          for (Bridge& x : bridges_) {
            if (x.cfg->network == n->cfg->id) x.credentials = n->credentials;
          }
        }
        break;
      case Cause::mesh_route_lost:
        if (Repeater* r = by_id(repeaters_, f.target)) r->up = !on;
        break;
      case Cause::out_of_range:
        if (l != nullptr && l->bridge != nullptr) {
          // The bridge went to another room: 20 m further, two brick walls between.
          l->bridge->extra_distance_m = on ? 20 : 0;
          l->bridge->extra_walls_db = on ? 2 * world::wall_loss_db(world::Wall::brick) : 0;
        }
        break;
      case Cause::firmware_bug:
        if (l == nullptr) break;
        if (on) {
          l->fw->hang_radio(true);  // keeps its connection: the keep-alive is answered by the Wi-Fi chip
        } else {
          reboot(*l, core::BootReason::power_on);  // the batteries are pulled and put back
        }
        break;
      case Cause::firmware_updating:
        if (l == nullptr) break;
        if (on) {
          // The vendor's signed image; the lock verifies it and writes the other slot.
          firmware::FirmwareImage image = firmware::sign_image(
              std::string(l->fw->model()), f.firmware.value_or(std::string(l->fw->firmware_version()) + "-1"),
              ++image_counter_, now_ + std::chrono::days(30), {0x4c, 0x57}, vendor_.secret);
          if (l->native()) {
            l->fw->announce_update(now_);
            flush(*l);
          } else if (l->transport() == Transport::zigbee && heard(*l)) {
            out(z2m(*l->bridge, l->name), R"({"update":{"progress":0,"remaining":120,"state":"updating"}})");
          }
          if (l->fw->install(image, now_) != firmware::InstallOutcome::installing) break;
          l->updating = true;
          lose(*l);
        } else if (l->updating) {
          l->updating = false;
          l->fw->power_off(now_);
          boot(*l, core::BootReason::firmware_update);
        }
        break;
      case Cause::app_permissions:
        if (Phone* p = by_id(phones_, f.target)) p->permissions = !on;
        break;
      case Cause::app_outdated:
        if (Phone* p = by_id(phones_, f.target)) p->outdated = on;
        break;
      case Cause::hub_offline:
        if (b != nullptr) b->up = !on;
        break;
      case Cause::hub_software_regression:
        if (b == nullptr) break;
        b->regression = on;
        if (on && f.firmware) b->firmware = *f.firmware;
        if (!on) b->firmware = b->cfg->firmware + "-fixed";
        bridge_online(*b, true);
        break;
      case Cause::calibration_drift:
        if (l != nullptr) {
          // The door sags: the strike no longer lets the bolt throw fully; a recalibration re-learns it.
          if (on) {
            l->fw->drift(kDoorSagMm);
            operate(*l, core::LockAction::lock, core::OperationSource::auto_relock, std::nullopt);
          } else {
            (void)l->fw->recalibrate(now_);
          }
          report_state(*l);
        }
        break;
      case Cause::bolt_jammed:
        if (l == nullptr) break;
        l->fw->set_binding(on);
        // The door swings shut and the lock relocks: against a binding bolt it jams; once
        // realigned and recalibrated it locks again.
        if (!on) (void)l->fw->recalibrate(now_);
        operate(*l, core::LockAction::lock, core::OperationSource::auto_relock, std::nullopt);
        break;
      case Cause::hardware_fault:
        if (l != nullptr) l->fw->set_motor_failed(on);
        break;
    }
    reevaluate_all();
  }

  void replace_batteries(Lock& l) {
    apply_standby(l);
    l.battery.replace(l.rng);
    if (l.battery_label) {
      const std::size_t li = *l.battery_label;
      l.battery_label.reset();
      natural_[li].fix = "replace_batteries";
      natural_[li].fixed = now_;
      emit_label(natural_[li]);
    }
    power_down(l);  // the old cells come out: the lock restarts
    boot(l, core::BootReason::power_on);
  }

  /// The world dropped a session because this moment's delivery `ok` was too
  /// poor to keep it. Ground truth like any fault, so a detector that notices
  /// it is not scored as a false alarm. The cause is what made it too poor: a
  /// crowded Wi-Fi when the link alone would have kept the session, else the
  /// interferer in its window, else the signal.
  void open_link_label(Lock& l, double ok) {
    if (l.link_label) return;
    Cause cause = Cause::weak_signal;
    if (last_crowding_ < 1 && ok / last_crowding_ >= kSessionKept) {
      cause = Cause::network_overloaded;
    } else if (interference_db(l) > 0) {
      cause = Cause::interference;
    }
    l.link_label = open_natural(l, cause);
  }

  /// Opens a label for trouble that arose in the world itself; its index in natural_.
  std::size_t open_natural(const Lock& l, Cause cause) {
    natural_.push_back(FaultLabel{"n" + std::to_string(natural_.size()),
                                  std::string(core::to_string(cause)),
                                  l.cfg->id,
                                  {l.cfg->id},
                                  now_,
                                  "",
                                  std::nullopt});
    labels_.began(natural_.back());
    return natural_.size() - 1;
  }
  void close_link_label(Lock& l) {
    if (!l.link_label) return;
    natural_[*l.link_label].fix = "wait";
    natural_[*l.link_label].fixed = now_;
    emit_label(natural_[*l.link_label]);
    l.link_label.reset();
  }

  /// Labels battery trouble that arose from the discharge itself (not from the timeline).
  void open_battery_label(Lock& l, Cause cause) {
    if (l.battery_label) {
      FaultLabel& open = natural_[*l.battery_label];
      if (open.kind == core::to_string(cause) || cause == Cause::battery_low_dropouts) return;
      // The drop-outs ended in a dead pack: one label turns into the other.
      open.fix = "";
      open.fixed = now_;
      emit_label(open);
      l.battery_label.reset();
    }
    for (const auto& slot : open_) {
      if (slot && slot->target == l.cfg->id &&
          (slot->kind == "battery_depleted" || slot->kind == "battery_low_dropouts"))
        return;  // the timeline already labels it
    }
    l.battery_label = open_natural(l, cause);
    const ScenarioSite* site = s_.find_site(l.cfg->site);
    const Duration delay = site != nullptr ? site->battery_swap_delay : std::chrono::hours(48);
    schedule(now_ + delay, What::battery_swap, l.index);
  }

  /// Labels a low-level action: power_loss, jam and silence open a label that
  /// power_restore, unjam and resume close; battery_drain is a moment.
  void label_action(const ScenarioFault& f, std::size_t fi) {
    auto closes = [](FaultKind k) -> std::optional<FaultKind> {
      switch (k) {
        case FaultKind::power_restore: return FaultKind::power_loss;
        case FaultKind::unjam: return FaultKind::jam;
        case FaultKind::resume: return FaultKind::silence;
        default: return std::nullopt;
      }
    };
    if (auto opened = closes(f.kind)) {
      for (auto& slot : open_) {
        if (slot && slot->target == f.lock && slot->kind == to_string(*opened)) {
          slot->fix = std::string(to_string(f.kind));
          slot->fixed = now_;
          emit_label(*slot);
          slot.reset();
          return;
        }
      }
      return;
    }
    open_[fi] = FaultLabel{
        "f" + std::to_string(fi), std::string(to_string(f.kind)), f.lock, {f.lock}, now_, "", std::nullopt};
    labels_.began(*open_[fi]);
  }

  /// Low-level timeline actions on one lock (docs/scenarios.md).
  void action(const ScenarioFault& f, std::size_t fi) {
    Lock* l = find_lock(f.lock);
    if (l == nullptr) return;
    if (f.kind == FaultKind::pairing_button) {
      // Not a fault: a person at the door opens the pairing window.
      l->fw->press_pairing_button(now_);
      return;
    }
    if (f.kind == FaultKind::keypad) {  // not a fault either: a person at the keypad
      operate(*l, f.operation, core::OperationSource::keypad, std::nullopt, f.pin.value_or(""));
      return;
    }
    if (f.kind == FaultKind::factory_reset) {  // someone holds the reset button
      if (!l->alive()) return;
      l->fw->factory_reset(now_);
      if (l->transport() == Transport::zigbee) {  // the ZCL lock's own state goes with it
        l->zigbee_pins.clear();
        l->zigbee_auto_relock_s = 0;
        l->zigbee_sound = core::SoundVolume::low;
      }
      if (l->connected) report(*l, true);
      return;
    }
    if (f.kind == FaultKind::keypad_program) {  // an installer at the lock's own menu
      if (!l->alive()) return;
      auto programmed =
          l->fw->program_code(f.slot.value_or(1), 900 + f.slot.value_or(1), f.pin.value_or(""), now_);
      if (programmed) events(*l, *programmed);
      return;
    }
    if (f.kind == FaultKind::guest_key) {  // a guest at the door, over Bluetooth: no network needed
      if (!l->alive()) return;
      apply_standby(*l);
      const firmware::LockFirmware::GuestAttempt a = present_guest_key(*l->fw, f, now_);
      if (a.outcome == firmware::LockFirmware::GuestOutcome::opened) l->battery.draw(kMotorMa, kMotorRun);
      events(*l, a.events);
      if (a.outcome == firmware::LockFirmware::GuestOutcome::opened) report_state(*l);
      return;
    }
    label_action(f, fi);
    switch (f.kind) {
      case FaultKind::power_loss: power_down(*l); break;
      case FaultKind::power_restore:
        if (!l->powered()) boot(*l, core::BootReason::power_on);
        break;
      case FaultKind::jam: l->fw->set_binding(true); break;
      case FaultKind::unjam:
        l->fw->set_binding(false);
        if (l->fw->state(now_).lock_state == core::LockState::jammed)
          operate(*l, core::LockAction::lock, core::OperationSource::auto_relock, std::nullopt);
        break;
      case FaultKind::battery_drain:
        apply_standby(*l);
        l->battery.set_state_of_charge(f.pct.value_or(0) / 100.0);
        check_power(*l);
        break;
      case FaultKind::silence: l->fw->hang_radio(true); break;
      case FaultKind::pairing_button:
      case FaultKind::keypad:
      case FaultKind::keypad_program:
      case FaultKind::factory_reset:
      case FaultKind::guest_key: break;  // handled above
      case FaultKind::resume:
        l->fw->hang_radio(false);
        if (l->connected) {
          report(*l, true);
          flush(*l);
        }
        break;
    }
  }

  void schedule_interference_edge(std::size_t i) {
    const auto& windows = interference_[i].cfg->windows;
    if (windows.empty()) return;
    const int minute = world::minute_of_day(now_);
    int next = 24 * 60 + windows.front().first;  // tomorrow's first edge
    for (const auto& [from, to] : windows) {
      if (from > minute) next = std::min(next, from);
      if (to > minute) next = std::min(next, to);
    }
    const Timestamp midnight = from_epoch_ms(to_epoch_ms(now_) / 86'400'000 * 86'400'000);
    schedule(midnight + std::chrono::minutes(next), What::interference_edge, i);
  }

  // --- dispatch -------------------------------------------------------------

  void dispatch(const Scheduled& e) {
    switch (e.what) {
      case What::heartbeat: {
        Lock& l = locks_[e.index];
        if (e.epoch != l.beat || !l.powered()) return;
        schedule(now_ + next_beat(l), What::heartbeat, e.index, l.beat);
        if (!check_power(l)) return;
        if (!l.connected || l.hung() || !l.alive()) return;
        if (!path_exists(l)) {
          lose(l);
          return;
        }
        const double ok = sample_delivery(l);
        charge_radio(l);
        if (ok < kSessionKept) {
          open_link_label(l, ok);
          lose(l);  // the link is too poor to keep the session
          return;
        }
        if (l.rng.chance(ok * (1 - s_.packet_loss))) {
          l.last_heard = now_;
          report(l, false);
          if (l.native()) flush(l);
        }
        return;
      }
      case What::last_will: {
        Lock& l = locks_[e.index];
        if (e.epoch != l.session || l.connected) return;
        native(l, Channel::status, std::string(protocol::kLastWillPayload));
        return;
      }
      case What::availability: {
        Lock& l = locks_[e.index];
        if (e.epoch != l.session || l.connected) return;
        out(z2m(*l.bridge, l.name + "/availability"), R"({"state":"offline"})");
        return;
      }
      case What::join: {
        Lock& l = locks_[e.index];
        if (e.epoch != l.joining || l.connected || !l.powered()) return;
        try_join(l);
        return;
      }
      case What::reboot_done: {
        Lock& l = locks_[e.index];
        if (e.epoch != l.power || l.powered()) return;
        if (l.battery.open_circuit_mv() < l.cells() * kDeadMvPerCell) {
          open_battery_label(l, Cause::battery_depleted);
          return;
        }
        boot(l, l.next_boot);
        return;
      }
      case What::traffic: {
        if (e.index >= locks_.size()) {
          const ScenarioTraffic& t = s_.traffic[e.index - locks_.size()];
          if (Lock* l = find_lock(t.lock)) operate(*l, t.operation, t.source, t.user);
          if (t.every.count() > 0) schedule(now_ + t.every, What::traffic, e.index);
          return;
        }
        Lock& l = locks_[e.index];
        // Whoever comes to a locked door opens it; whoever finds it open locks it behind them.
        const bool unlock = l.fw->state(now_).lock_state != core::LockState::unlocked;
        const world::DoorOperationKind kind = l.next_operation;
        const core::OperationSource src = world::operation_source(kind);
        std::optional<std::string> user;
        if (kind == world::DoorOperationKind::pin_unlock || kind == world::DoorOperationKind::phone_unlock)
          user = "user" + std::to_string(1 + l.rng.below(4));
        operate(
            l, unlock ? core::LockAction::unlock : core::LockAction::lock, src, user,
            kind == world::DoorOperationKind::wrong_pin ? std::optional<std::string>("0000") : std::nullopt);
        schedule_traffic(e.index);
        return;
      }
      case What::phone:
        phone_unlock(phones_[e.index]);
        schedule_phone(e.index);
        return;
      case What::fault_onset: fault_onset(e.index); return;
      case What::fault_end: fault_end(e.index); return;
      case What::interference_edge:
        reevaluate_all();
        schedule_interference_edge(e.index);
        return;
      case What::battery_swap: {
        Lock& l = locks_[e.index];
        if (l.battery_label) replace_batteries(l);
        return;
      }
    }
  }

  const Scenario& s_;
  Timestamp start_;
  protocol::PublicKey hub_key_;
  TraceSink& trace_;
  LabelSink& labels_;
  Timestamp now_;
  Rng rng_;
  std::vector<Network> networks_;
  std::vector<Bridge> bridges_;
  std::vector<Repeater> repeaters_;
  std::vector<Interference> interference_;
  std::vector<Phone> phones_;
  std::deque<Lock> locks_;                   // stable addresses: the firmware holds on to its lock's supply
  protocol::KeyPair vendor_{vendor_keys()};  // signs the firmware images of updates
  std::uint64_t image_counter_{1};
  std::uint64_t pings_{0};
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> queue_;
  std::uint64_t order_{0};
  std::vector<std::optional<FaultLabel>> open_;  // per scenario fault, while active
  std::vector<FaultLabel> natural_;
  double last_rssi_{-60};
  double last_snr_{30};
  double last_crowding_{1};  // the share of deliveries a crowded Wi-Fi lets through (1: not crowded)
  VirtualRunStats stats_;
  struct Held {
    std::string topic;
    std::string payload;
    bool json;
  };
  bool holding_{false};  // a command's effects wait for its result
  std::vector<Held> held_;
};

}  // namespace

class WorldEngine::Impl : public World {
 public:
  using World::World;
};

WorldEngine::WorldEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WorldEngine::~WorldEngine() = default;

Result<std::unique_ptr<WorldEngine>> WorldEngine::create(const Scenario& scenario, Timestamp start,
                                                         const protocol::PublicKey& hub_key, TraceSink& trace,
                                                         LabelSink& labels) {
  return std::unique_ptr<WorldEngine>(
      new WorldEngine(std::make_unique<Impl>(scenario, start, hub_key, trace, labels)));
}

void WorldEngine::advance_to(Timestamp t) { impl_->advance_to(t); }
void WorldEngine::finish() { impl_->finish(); }
void WorldEngine::command(const core::LockAddress& to, std::string_view payload, Timestamp wall) {
  impl_->command(to, payload, wall);
}
void WorldEngine::pair(const core::LockAddress& to, std::string_view payload) { impl_->pair(to, payload); }
void WorldEngine::probe(std::string_view lock) { impl_->probe(lock); }
void WorldEngine::zigbee_set(std::string_view base, std::string_view name, std::string_view payload) {
  impl_->zigbee_set(base, name, payload);
}
void WorldEngine::zigbee_get(std::string_view base, std::string_view name, std::string_view payload) {
  impl_->zigbee_get(base, name, payload);
}
void WorldEngine::shutdown() { impl_->shutdown(); }
VirtualRunStats WorldEngine::stats() const { return impl_->stats(); }
Timestamp WorldEngine::now() const { return impl_->now(); }

}  // namespace lw::sim
