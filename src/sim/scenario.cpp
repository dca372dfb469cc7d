#include "sim/scenario.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <utility>

#include "adapters/toml/strict_table.h"
#include "base/text.h"
#include "protocol/envelope.h"
#include "sim/fleet.h"

namespace lw::sim {
namespace {

using adapters::StrictTable;

constexpr std::array<std::pair<FaultKind, std::string_view>, 12> kFaultKinds{{
    {FaultKind::power_loss, "power_loss"},
    {FaultKind::power_restore, "power_restore"},
    {FaultKind::jam, "jam"},
    {FaultKind::unjam, "unjam"},
    {FaultKind::battery_drain, "battery_drain"},
    {FaultKind::silence, "silence"},
    {FaultKind::resume, "resume"},
    {FaultKind::pairing_button, "pairing_button"},
    {FaultKind::keypad, "keypad"},
    {FaultKind::keypad_program, "keypad_program"},
    {FaultKind::factory_reset, "factory_reset"},
    {FaultKind::guest_key, "guest_key"},
}};

// libmosquitto refuses a keep-alive under 5 s; docs/protocol.md caps it at 60 s.
constexpr int kMinKeepaliveS = 5;
constexpr int kMaxKeepaliveS = 60;
constexpr Duration kMaxScenarioTime = std::chrono::hours(24 * 365);

/// A value from the file as a message quotes it: clipped, control characters as '?'.
std::string in_quotes(std::string_view s, std::size_t max_bytes = 64) {
  return "\"" + shown(s, max_bytes) + "\"";
}

/// Reads a required string key; records "is required" when absent.
std::string required_string(StrictTable& t, std::string_view key) {
  std::string out;
  if (!t.has(key)) {
    t.fail(key, "is required");
    return out;
  }
  t.get(key, out);
  return out;
}

void check_id(StrictTable& t, std::string_view key, const std::string& id) {
  if (!t.has(key)) return;  // already reported as required
  if (auto r = validate_id(key, id); !r) t.fail(key, "must be 1..64 characters of [A-Za-z0-9_-]");
}

std::string trim(std::string s) {
  const auto not_space = [](unsigned char c) { return c != ' ' && c != '\t' && c != '\r' && c != '\n'; };
  while (!s.empty() && !not_space(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t first = 0;
  while (first < s.size() && !not_space(static_cast<unsigned char>(s[first]))) ++first;
  return s.substr(first);
}

void read_broker(StrictTable t, ScenarioBroker& broker) {
  t.get("host", broker.host);
  t.get("port", broker.port, 1, 65535);
  t.get("tls_ca_file", broker.tls_ca_file);
  t.get("credentials_file", broker.credentials_file);
  if (broker.host.empty()) t.fail("host", "must not be empty");
}

/// Reads [hub]. Returns a not_found error when public_key_file cannot be read;
/// format problems are recorded in the document.
Result<void> read_hub(StrictTable t, const std::string& scenario_file, ScenarioHub& hub) {
  t.get("key_id", hub.key_id);
  if (t.has("key_id")) check_id(t, "key_id", hub.key_id);
  if (t.has("public_key") && t.has("public_key_file")) {
    t.fail("public_key_file", "give either public_key or public_key_file, not both");
  }
  std::string key_field = "public_key";
  if (t.has("public_key")) {
    t.get("public_key", hub.public_key);
  } else if (t.has("public_key_file")) {
    key_field = "public_key_file";
    std::string file;
    t.get("public_key_file", file);
    std::filesystem::path p(file);
    if (p.is_relative()) p = std::filesystem::path(scenario_file).parent_path() / p;
    std::ifstream in(p);
    if (!in)
      return not_found(scenario_file + ": " + t.path_of("public_key_file") + ": " + p.string() +
                       ": cannot be read");
    hub.public_key =
        trim(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()));
  }
  if (!hub.public_key.empty()) {
    if (auto key = protocol::decode_public_key(hub.public_key); !key) {
      t.fail(key_field, "must be the base64 of a 32-byte Ed25519 public key");
    }
  }
  return ok();
}

ScenarioSite read_site(StrictTable t) {
  ScenarioSite site;
  site.id = required_string(t, "id");
  check_id(t, "id", site.id);
  site.name = site.id;
  t.get("name", site.name);
  t.get_duration("battery_swap_delay", site.battery_swap_delay, 0ms, kMaxScenarioTime);
  return site;
}

constexpr std::array<std::string_view, 6> kWalls{"drywall", "wood", "glass", "brick", "concrete", "metal"};
constexpr std::array<std::string_view, 3> kChemistries{"alkaline", "lithium", "nimh"};
constexpr std::array<std::string_view, 3> kSources{"microwave", "neighbour_network", "cordless_phone"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::string_view n : names) {
    if (n == s) return true;
  }
  return false;
}
template <std::size_t N>
std::string listed(const std::array<std::string_view, N>& names) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

void check_walls(StrictTable& t, const std::vector<std::string>& walls) {
  for (const std::string& w : walls) {
    if (!one_of(kWalls, w)) {
      t.fail("walls", "unknown wall material " + in_quotes(w) + "; expected one of " + listed(kWalls));
      return;
    }
  }
}

void check_chemistry(StrictTable& t, std::string_view key, const std::string& chemistry) {
  if (!one_of(kChemistries, chemistry))
    t.fail(key,
           "unknown battery chemistry " + in_quotes(chemistry) + "; expected one of " + listed(kChemistries));
}

/// Reads an id and a required site reference, checking both.
template <typename T>
void read_id_and_site(StrictTable& t, T& out) {
  out.id = required_string(t, "id");
  check_id(t, "id", out.id);
  out.site = required_string(t, "site");
  check_id(t, "site", out.site);
}

ScenarioNetwork read_network(StrictTable t) {
  ScenarioNetwork n;
  read_id_and_site(t, n);
  n.ssid = n.id;
  t.get("ssid", n.ssid);
  t.get("clients", n.clients, 0, 1000);
  t.get("capacity", n.capacity, 1, 1000);
  t.get("over_internet", n.over_internet);
  return n;
}

ScenarioBridge read_bridge(StrictTable t) {
  ScenarioBridge b;
  read_id_and_site(t, b);
  std::string kind = required_string(t, "kind");
  if (kind == "zigbee") {
    b.kind = BridgeKind::zigbee;
    b.base_topic = "zigbee2mqtt";
  } else if (kind == "zwave") {
    b.kind = BridgeKind::zwave;
    b.base_topic = "zwave";
  } else if (kind == "ble") {
    b.kind = BridgeKind::ble;
  } else if (t.has("kind")) {
    t.fail("kind", "unknown bridge kind " + in_quotes(kind) + "; expected one of zigbee, zwave, ble");
  }
  t.get("network", b.network);
  t.get("base_topic", b.base_topic);
  if (t.has("base_topic") && b.base_topic.empty()) t.fail("base_topic", "must not be empty");
  t.get("firmware", b.firmware);
  return b;
}

ScenarioRepeater read_repeater(StrictTable t) {
  ScenarioRepeater r;
  read_id_and_site(t, r);
  r.bridge = required_string(t, "bridge");
  t.get("distance_m", r.distance_m, 0.1, 1000);
  t.get("walls", r.walls);
  check_walls(t, r.walls);
  return r;
}

/// "HH:MM-HH:MM" → minutes of the day; nullopt when malformed.
std::optional<std::pair<int, int>> parse_window(std::string_view w) {
  auto minutes = [](std::string_view hm) -> std::optional<int> {
    if (hm.size() != 5 || hm[2] != ':') return std::nullopt;
    for (std::size_t i : {0U, 1U, 3U, 4U}) {
      if (hm[i] < '0' || hm[i] > '9') return std::nullopt;
    }
    int h = (hm[0] - '0') * 10 + (hm[1] - '0');
    int m = (hm[3] - '0') * 10 + (hm[4] - '0');
    if (h > 24 || m > 59 || (h == 24 && m != 0)) return std::nullopt;
    return h * 60 + m;
  };
  if (w.size() != 11 || w[5] != '-') return std::nullopt;
  auto from = minutes(w.substr(0, 5));
  auto to = minutes(w.substr(6, 5));
  if (!from || !to || *from >= *to) return std::nullopt;
  return std::pair{*from, *to};
}

ScenarioInterference read_interference(StrictTable t) {
  ScenarioInterference i;
  read_id_and_site(t, i);
  t.get("source", i.source);
  if (!one_of(kSources, i.source))
    t.fail("source",
           "unknown interference source " + in_quotes(i.source) + "; expected one of " + listed(kSources));
  i.extra_db = i.source == "microwave" ? 25 : 12;
  t.get("extra_db", i.extra_db, 0, 80);
  t.get("locks", i.locks);
  if (i.locks.empty()) t.fail("locks", "must name at least one [[lock]] within its reach");
  std::vector<std::string> windows;
  t.get("windows", windows);
  for (const std::string& w : windows) {
    if (auto parsed = parse_window(w)) {
      i.windows.push_back(*parsed);
    } else {
      t.fail("windows",
             "each window must be \"HH:MM-HH:MM\" (UTC) with the start before the end, not " + in_quotes(w));
      break;
    }
  }
  t.get("active_at_start", i.active_at_start);
  return i;
}

ScenarioPhone read_phone(StrictTable t) {
  ScenarioPhone p;
  read_id_and_site(t, p);
  t.get("locks", p.locks);
  if (p.locks.empty()) t.fail("locks", "must name at least one [[lock]] the phone opens");
  t.get("app_version", p.app_version);
  if (p.app_version.empty()) t.fail("app_version", "must not be empty");
  t.get("permissions", p.permissions);
  t.get("unlocks_per_day", p.unlocks_per_day, 0, 1000);
  t.get("distance_m", p.distance_m, 0.1, 100);
  return p;
}

ScenarioLock read_lock(StrictTable t) {
  ScenarioLock lock;
  lock.id = required_string(t, "id");
  check_id(t, "id", lock.id);
  lock.site = required_string(t, "site");
  check_id(t, "site", lock.site);
  lock.name = lock.id;
  t.get("name", lock.name);

  std::string transport{"wifi"};
  t.get("transport", transport);
  if (auto parsed = core::parse_transport(transport); !parsed || *parsed == core::Transport::thread) {
    t.fail("transport",
           "unknown transport " + in_quotes(transport) + "; expected one of wifi, ble_bridge, zigbee, zwave");
  } else {
    lock.transport = *parsed;
  }
  t.get("network", lock.network);
  t.get("bridge", lock.bridge);
  t.get("via", lock.via);
  if (t.has("distance_m")) {
    double d = 0;
    t.get("distance_m", d, 0.1, 1000);
    lock.distance_m = d;
  }
  t.get("walls", lock.walls);
  check_walls(t, lock.walls);
  t.get("battery", lock.battery);
  check_chemistry(t, "battery", lock.battery);
  t.get("cells", lock.cells, 1, 8);
  t.get("temperature_c", lock.temperature_c, -40, 70);
  if (t.has("ambient_c")) {
    double ambient = 20;
    t.get("ambient_c", ambient, -40, 70);
    lock.ambient_c = ambient;
  }
  t.get("traffic_per_day", lock.traffic_per_day, 0, 1000);

  if (t.has("heartbeat")) {
    Duration heartbeat{30s};
    t.get_duration("heartbeat", heartbeat, 1s, std::chrono::hours(24));
    if (heartbeat % std::chrono::seconds(1) != Duration::zero()) {
      t.fail("heartbeat", "must be a whole number of seconds (telemetry carries heartbeat_s)");
    }
    lock.heartbeat = heartbeat;
  }
  t.get("keepalive_s", lock.keepalive_s, kMinKeepaliveS, kMaxKeepaliveS);
  t.get("battery_pct", lock.battery_pct, 0, 100);
  t.get("rssi_dbm", lock.rssi_dbm, -120, 0);
  t.get("firmware", lock.firmware);
  if (lock.firmware.empty()) t.fail("firmware", "must not be empty");

  std::string lock_state{"locked"};
  t.get("lock_state", lock_state);
  if (auto parsed = core::parse_lock_state(lock_state);
      parsed && (*parsed == core::LockState::locked || *parsed == core::LockState::unlocked)) {
    lock.lock_state = *parsed;
  } else {
    t.fail("lock_state", "must be \"locked\" or \"unlocked\"");
  }

  std::string door_state{"closed"};
  t.get("door_state", door_state);
  if (auto parsed = core::parse_door_state(door_state);
      parsed && (*parsed == core::DoorState::open || *parsed == core::DoorState::closed)) {
    lock.door_state = *parsed;
  } else {
    t.fail("door_state", "must be \"open\" or \"closed\"");
  }
  t.get("pairing_code", lock.pairing_code);
  if (!lock.pairing_code.empty() && (lock.pairing_code.size() < 6 || lock.pairing_code.size() > 32)) {
    t.fail("pairing_code", "must be 6..32 characters");
  }
  t.get("end_to_end_only", lock.end_to_end_only);
  t.get("hub_key_enrolled", lock.hub_key_enrolled);
  return lock;
}

/// What kind of thing an id names in the scenario, for fault targets.
std::optional<core::CauseScope> scope_of(const Scenario& s, std::string_view id);

/// A lock's network, bridge and repeaters exist and suit its transport.
void check_lock_links(StrictTable& t, const Scenario& s, const ScenarioLock& lock) {
  const bool wifi = lock.transport == core::Transport::wifi;
  if (!lock.network.empty()) {
    if (!wifi)
      t.fail("network", "only a wifi lock joins a network; a bridged lock names its `bridge`");
    else if (scope_of(s, lock.network) != core::CauseScope::network)
      t.fail("network", "names no [[network]] of this scenario: " + in_quotes(lock.network));
  }
  if (wifi) {
    if (!lock.bridge.empty()) t.fail("bridge", "a wifi lock names its `network`, not a bridge");
    if (!lock.via.empty()) t.fail("via", "only zigbee and zwave locks route through repeaters");
    return;
  }
  if (lock.bridge.empty()) {
    t.fail("bridge", "is required for a " + std::string(core::to_string(lock.transport)) + " lock");
    return;
  }
  const ScenarioBridge* bridge = nullptr;
  for (const auto& b : s.bridges) {
    if (b.id == lock.bridge) bridge = &b;
  }
  const BridgeKind want = lock.transport == core::Transport::zigbee  ? BridgeKind::zigbee
                          : lock.transport == core::Transport::zwave ? BridgeKind::zwave
                                                                     : BridgeKind::ble;
  if (bridge == nullptr || bridge->kind != want) {
    t.fail("bridge",
           "names no [[bridge]] of kind " + std::string(to_string(want)) + ": " + in_quotes(lock.bridge));
    return;
  }
  if (want == BridgeKind::ble && !lock.via.empty())
    t.fail("via", "only zigbee and zwave locks route through repeaters");
  for (const std::string& r : lock.via) {
    bool ok = false;
    for (const auto& rep : s.repeaters) ok = ok || (rep.id == r && rep.bridge == lock.bridge);
    if (!ok) {
      t.fail("via", "names no [[repeater]] of bridge " + in_quotes(lock.bridge) + ": " + in_quotes(r));
      return;
    }
  }
}

std::optional<core::CauseScope> scope_of(const Scenario& s, std::string_view id) {
  auto has = [id](const auto& v) {
    for (const auto& x : v) {
      if (x.id == id) return true;
    }
    return false;
  };
  if (has(s.locks)) return core::CauseScope::lock;
  if (has(s.networks)) return core::CauseScope::network;
  if (has(s.bridges)) return core::CauseScope::bridge;
  if (has(s.repeaters)) return core::CauseScope::repeater;
  if (has(s.phones)) return core::CauseScope::phone;
  if (has(s.sites)) return core::CauseScope::site;
  return std::nullopt;
}

/// The kind of [[table]] a cause's target must be, as a word for messages.
std::string_view target_table(core::Cause cause) {
  if (cause == core::Cause::interference) return "interference";
  switch (core::info(cause).scope) {
    case core::CauseScope::lock: return "lock";
    case core::CauseScope::network: return "network";
    case core::CauseScope::bridge: return "bridge";
    case core::CauseScope::repeater: return "repeater";
    case core::CauseScope::phone: return "phone";
    case core::CauseScope::site: return "site";
  }
  return "lock";
}

void read_cause_fault(StrictTable& t, const Scenario& scenario, ScenarioFault& fault) {
  const core::Cause cause = *fault.cause;
  if (t.has("lock")) t.fail("lock", "a catalogue fault names what it strikes with `target`");
  fault.target = required_string(t, "target");
  if (t.has("target")) {
    const std::string_view table = target_table(cause);
    bool found = false;
    if (cause == core::Cause::interference) {
      for (const auto& i : scenario.interference) found = found || i.id == fault.target;
    } else {
      found = scope_of(scenario, fault.target) == core::info(cause).scope;
    }
    if (!found) {
      t.fail("target", "a " + std::string(core::to_string(cause)) + " fault strikes a [[" +
                           std::string(table) + "]]; this scenario has no [[" + std::string(table) + "]] " +
                           in_quotes(fault.target));
    }
  }
  if (t.has("duration")) {
    Duration d{};
    t.get_duration("duration", d, 1s, kMaxScenarioTime);
    fault.duration = d;
  }
  if (t.has("fix_at")) {
    Duration d{};
    t.get_duration("fix_at", d, 0ms, kMaxScenarioTime);
    fault.fix_at = d;
    if (d <= fault.at) t.fail("fix_at", "must be after `at`");
  }
  if (fault.duration && fault.fix_at) t.fail("fix_at", "give either duration or fix_at, not both");
  if (t.has("pct")) {
    int pct = 0;
    t.get("pct", pct, 0, 100);
    fault.pct = pct;
    if (cause != core::Cause::battery_depleted && cause != core::Cause::battery_low_dropouts)
      t.fail("pct", "only battery faults and battery_drain take pct");
  }
  if (t.has("extra_db")) {
    double db = 0;
    t.get("extra_db", db, 1, 80);
    fault.extra_db = db;
    if (cause != core::Cause::weak_signal) t.fail("extra_db", "only a weak_signal fault takes extra_db");
  }
  if (t.has("firmware")) {
    std::string fw;
    t.get("firmware", fw);
    fault.firmware = fw;
    if (cause != core::Cause::firmware_updating && cause != core::Cause::hub_software_regression)
      t.fail("firmware", "only firmware_updating and hub_software_regression faults take firmware");
  }
}

ScenarioFault read_fault(StrictTable t, const Scenario& scenario) {
  ScenarioFault fault;
  if (!t.has("at")) t.fail("at", "is required");
  t.get_duration("at", fault.at, 0ms, kMaxScenarioTime);

  std::string kind = required_string(t, "kind");
  if (auto cause = core::parse_cause(kind)) {
    fault.cause = cause;
    read_cause_fault(t, scenario, fault);
    return fault;
  }
  if (auto parsed = parse_fault_kind(kind)) {
    fault.kind = *parsed;
  } else if (t.has("kind")) {
    std::string names;
    for (const auto& [k, name] : kFaultKinds) names += (names.empty() ? "" : ", ") + std::string(name);
    // Clipped short: the message is echoed in logs, and the list of actions grows.
    t.fail("kind", "unknown fault kind " + in_quotes(kind, 35) +
                       "; expected a cause of docs/diagnosis.md or one of " + names);
  }
  for (std::string_view key : {"target", "duration", "fix_at", "extra_db", "firmware"}) {
    if (t.has(key)) t.fail(key, "only catalogue faults take " + std::string(key));
  }
  fault.lock = required_string(t, "lock");
  if (t.has("lock") && !scenario.find_lock(fault.lock)) {
    t.fail("lock", "names no [[lock]] of this scenario: " + in_quotes(fault.lock));
  }

  if (t.has("pct")) {
    int pct = 0;
    t.get("pct", pct, 0, 100);
    fault.pct = pct;
    if (fault.kind != FaultKind::battery_drain) t.fail("pct", "only a battery_drain fault takes pct");
  } else if (fault.kind == FaultKind::battery_drain) {
    t.fail("pct", "is required for a battery_drain fault");
  }
  if (t.has("pin")) {
    std::string pin;
    t.get("pin", pin);
    if (pin.size() < 4 || pin.size() > 10 || pin.find_first_not_of("0123456789") != std::string::npos)
      t.fail("pin", "must be 4..10 digits");
    if (fault.kind != FaultKind::keypad && fault.kind != FaultKind::keypad_program)
      t.fail("pin", "only a keypad or keypad_program fault takes pin");
    fault.pin = pin;
  } else if (fault.kind == FaultKind::keypad || fault.kind == FaultKind::keypad_program) {
    t.fail("pin", "is required for a " + std::string(to_string(fault.kind)) + " fault");
  }
  if (t.has("slot")) {
    int slot = 0;
    t.get("slot", slot, 1, core::kMaxCodeSlots);
    if (fault.kind != FaultKind::keypad_program) t.fail("slot", "only a keypad_program fault takes slot");
    fault.slot = slot;
  } else if (fault.kind == FaultKind::keypad_program) {
    t.fail("slot", "is required for a keypad_program fault");
  }
  for (auto [key, out] : {std::pair{"grant", &fault.grant}, std::pair{"guest_seed", &fault.guest_seed}}) {
    if (t.has(key)) {
      std::string v;
      t.get(key, v);
      if (fault.kind != FaultKind::guest_key) t.fail(key, "only a guest_key fault takes " + std::string(key));
      *out = v;
    } else if (fault.kind == FaultKind::guest_key) {
      t.fail(key, "is required for a guest_key fault");
    }
  }
  if (fault.guest_seed && fault.guest_seed->size() != 32) t.fail("guest_seed", "must be 32 characters");
  if (t.has("operation")) {
    std::string operation;
    t.get("operation", operation);
    auto parsed = core::parse_lock_action(operation);
    if (!parsed || *parsed == core::LockAction::unlatch)
      t.fail("operation", "must be \"lock\" or \"unlock\"");
    if (fault.kind != FaultKind::keypad) t.fail("operation", "only a keypad fault takes operation");
    if (parsed) fault.operation = *parsed;
  }
  return fault;
}

ScenarioTraffic read_traffic(StrictTable t, const Scenario& scenario) {
  ScenarioTraffic traffic;
  traffic.lock = required_string(t, "lock");
  if (t.has("lock") && !scenario.find_lock(traffic.lock)) {
    t.fail("lock", "names no [[lock]] of this scenario: " + in_quotes(traffic.lock));
  }
  if (!t.has("every")) t.fail("every", "is required");
  t.get_duration("every", traffic.every, 1s, kMaxScenarioTime);
  traffic.start = traffic.every;
  t.get_duration("start", traffic.start, 0ms, kMaxScenarioTime);

  std::string operation = required_string(t, "operation");
  if (auto parsed = core::parse_lock_action(operation);
      parsed && (*parsed == core::LockAction::lock || *parsed == core::LockAction::unlock)) {
    traffic.operation = *parsed;
  } else if (t.has("operation")) {
    t.fail("operation", "must be \"lock\" or \"unlock\"");
  }

  std::string source{"keypad"};
  t.get("source", source);
  if (auto parsed = core::parse_operation_source(source);
      parsed && (*parsed == core::OperationSource::keypad || *parsed == core::OperationSource::manual)) {
    traffic.source = *parsed;
  } else {
    t.fail("source", "must be \"keypad\" or \"manual\"");
  }

  if (t.has("user")) {
    std::string user;
    t.get("user", user);
    if (user.empty()) t.fail("user", "must not be empty");
    traffic.user = user;
  }
  return traffic;
}

}  // namespace

std::string_view to_string(FaultKind kind) noexcept {
  for (const auto& [k, name] : kFaultKinds) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<FaultKind> parse_fault_kind(std::string_view s) noexcept {
  for (const auto& [k, name] : kFaultKinds) {
    if (name == s) return k;
  }
  return std::nullopt;
}

std::string_view to_string(BridgeKind kind) noexcept {
  switch (kind) {
    case BridgeKind::zigbee: return "zigbee";
    case BridgeKind::zwave: return "zwave";
    case BridgeKind::ble: return "ble";
  }
  return "unknown";
}

const ScenarioSite* Scenario::find_site(std::string_view id) const {
  for (const auto& site : sites) {
    if (site.id == id) return &site;
  }
  return nullptr;
}

bool Scenario::needs_world() const {
  if (!networks.empty() || !bridges.empty() || !repeaters.empty() || !interference.empty() || !phones.empty())
    return true;
  for (const auto& l : locks) {
    if (l.transport != core::Transport::wifi || l.distance_m || !l.walls.empty() || l.traffic_per_day > 0)
      return true;
  }
  for (const auto& f : faults) {
    if (f.cause || f.kind == FaultKind::pairing_button) return true;
  }
  for (const auto& l : locks) {
    if (!l.pairing_code.empty() || l.end_to_end_only || !l.hub_key_enrolled) return true;
  }
  return false;
}

const ScenarioLock* Scenario::find_lock(std::string_view id) const {
  for (const auto& lock : locks) {
    if (lock.id == id) return &lock;
  }
  return nullptr;
}

Result<Scenario> parse_scenario(std::string_view text, const std::string& name) {
  auto doc = StrictTable::parse_text(text, name);
  if (!doc) return doc.error();
  StrictTable root = *doc;

  Scenario scenario;
  scenario.file = name;
  read_broker(root.table("broker"), scenario.broker);
  if (auto r = read_hub(root.table("hub"), name, scenario.hub); !r) return r.error();

  std::set<std::string, std::less<>> site_ids;
  for (StrictTable& t : root.tables("site")) {
    ScenarioSite site = read_site(t);
    if (!site.id.empty() && !site_ids.insert(site.id).second)
      t.fail("id", "duplicate site id " + in_quotes(site.id));
    scenario.sites.push_back(std::move(site));
  }

  std::int64_t seed = 1;
  root.get("seed", seed, 0, std::numeric_limits<std::int64_t>::max());
  scenario.seed = static_cast<std::uint64_t>(seed);
  root.get("packet_loss", scenario.packet_loss, 0, 0.5);
  root.get_duration("heartbeat_jitter", scenario.heartbeat_jitter, 0ms, std::chrono::hours(1));

  std::set<std::string, std::less<>> ids;  // every id but sites and locks' own checks
  auto unique = [&ids](StrictTable& t, const std::string& id, std::string_view what) {
    if (!id.empty() && !ids.insert(id).second)
      t.fail("id", "duplicate id " + in_quotes(id) + " (" + std::string(what) + ")");
  };
  auto site_known = [&site_ids](StrictTable& t, const SiteId& site) {
    if (t.has("site") && !site.empty() && !site_ids.contains(site))
      t.fail("site", "names no [[site]] of this scenario: " + in_quotes(site));
  };
  for (StrictTable& t : root.tables("network")) {
    ScenarioNetwork n = read_network(t);
    unique(t, n.id, "network");
    site_known(t, n.site);
    scenario.networks.push_back(std::move(n));
  }
  for (StrictTable& t : root.tables("bridge")) {
    ScenarioBridge b = read_bridge(t);
    unique(t, b.id, "bridge");
    site_known(t, b.site);
    if (!b.network.empty() && scope_of(scenario, b.network) != core::CauseScope::network)
      t.fail("network", "names no [[network]] of this scenario: " + in_quotes(b.network));
    scenario.bridges.push_back(std::move(b));
  }
  for (StrictTable& t : root.tables("repeater")) {
    ScenarioRepeater r = read_repeater(t);
    unique(t, r.id, "repeater");
    site_known(t, r.site);
    const ScenarioBridge* bridge = nullptr;
    for (const auto& b : scenario.bridges) {
      if (b.id == r.bridge) bridge = &b;
    }
    if (t.has("bridge") && (bridge == nullptr || bridge->kind == BridgeKind::ble))
      t.fail("bridge", "names no Zigbee or Z-Wave [[bridge]] of this scenario: " + in_quotes(r.bridge));
    scenario.repeaters.push_back(std::move(r));
  }

  std::vector<StrictTable> lock_tables = root.tables("lock");
  if (lock_tables.empty() && !root.has("fleet"))
    root.fail("lock", "a scenario needs at least one [[lock]] or a [fleet]");
  for (StrictTable& t : lock_tables) {
    ScenarioLock lock = read_lock(t);
    if (!lock.id.empty() && scenario.find_lock(lock.id))
      t.fail("id", "duplicate lock id " + in_quotes(lock.id));
    site_known(t, lock.site);
    check_lock_links(t, scenario, lock);
    unique(t, lock.id, "lock");
    scenario.locks.push_back(std::move(lock));
  }
  auto locks_known = [&scenario](StrictTable& t, const std::vector<LockId>& locks) {
    for (const LockId& id : locks) {
      if (!scenario.find_lock(id)) {
        t.fail("locks", "names no [[lock]] of this scenario: " + in_quotes(id));
        return;
      }
    }
  };
  for (StrictTable& t : root.tables("interference")) {
    ScenarioInterference i = read_interference(t);
    unique(t, i.id, "interference");
    site_known(t, i.site);
    locks_known(t, i.locks);
    scenario.interference.push_back(std::move(i));
  }
  for (StrictTable& t : root.tables("phone")) {
    ScenarioPhone p = read_phone(t);
    unique(t, p.id, "phone");
    site_known(t, p.site);
    locks_known(t, p.locks);
    scenario.phones.push_back(std::move(p));
  }

  for (StrictTable& t : root.tables("fault")) scenario.faults.push_back(read_fault(t, scenario));
  if (root.has("fleet")) {
    StrictTable t = root.table("fleet");
    FleetSpec spec;
    spec.seed = scenario.seed;
    t.get("sites", spec.sites, 1, 10'000);
    t.get("locks_per_site", spec.locks_per_site, 1, 1'000);
    t.get_duration("horizon", spec.horizon, std::chrono::hours(1), kMaxScenarioTime);
    generate_fleet(spec, scenario);
  }
  for (StrictTable& t : root.tables("traffic")) scenario.traffic.push_back(read_traffic(t, scenario));

  if (auto r = root.finish(); !r) return r.error();
  return scenario;
}

Result<Scenario> load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) return not_found(path + ": cannot be read");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_scenario(text, path);
}

}  // namespace lw::sim
