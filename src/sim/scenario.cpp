#include "sim/scenario.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <utility>

#include "adapters/toml/strict_table.h"
#include "protocol/envelope.h"

namespace lw::sim {
namespace {

using adapters::StrictTable;

constexpr std::array<std::pair<FaultKind, std::string_view>, 7> kFaultKinds{{
    {FaultKind::power_loss, "power_loss"},
    {FaultKind::power_restore, "power_restore"},
    {FaultKind::jam, "jam"},
    {FaultKind::unjam, "unjam"},
    {FaultKind::battery_drain, "battery_drain"},
    {FaultKind::silence, "silence"},
    {FaultKind::resume, "resume"},
}};

// libmosquitto refuses a keep-alive under 5 s; docs/protocol.md caps it at 60 s.
constexpr int kMinKeepaliveS = 5;
constexpr int kMaxKeepaliveS = 60;
constexpr Duration kMaxScenarioTime = std::chrono::hours(24 * 365);

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

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
  return site;
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
  if (auto parsed = core::parse_transport(transport); !parsed) {
    t.fail("transport", "unknown transport " + in_quotes(transport) + "; this simulator supports \"wifi\"");
  } else if (*parsed != core::Transport::wifi) {
    t.fail("transport",
           in_quotes(transport) + " is not simulated yet; this simulator supports \"wifi\" only");
  } else {
    lock.transport = *parsed;
  }

  t.get_duration("heartbeat", lock.heartbeat, 1s, std::chrono::hours(24));
  if (lock.heartbeat % std::chrono::seconds(1) != Duration::zero()) {
    t.fail("heartbeat", "must be a whole number of seconds (telemetry carries heartbeat_s)");
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
  return lock;
}

ScenarioFault read_fault(StrictTable t, const Scenario& scenario) {
  ScenarioFault fault;
  if (!t.has("at")) t.fail("at", "is required");
  t.get_duration("at", fault.at, 0ms, kMaxScenarioTime);
  fault.lock = required_string(t, "lock");
  if (t.has("lock") && !scenario.find_lock(fault.lock)) {
    t.fail("lock", "names no [[lock]] of this scenario: " + in_quotes(fault.lock));
  }

  std::string kind = required_string(t, "kind");
  if (auto parsed = parse_fault_kind(kind)) {
    fault.kind = *parsed;
  } else if (t.has("kind")) {
    std::string names;
    for (const auto& [k, name] : kFaultKinds) names += (names.empty() ? "" : ", ") + std::string(name);
    t.fail("kind", "unknown fault kind " + in_quotes(kind) + "; expected one of " + names);
  }

  if (t.has("pct")) {
    int pct = 0;
    t.get("pct", pct, 0, 100);
    fault.pct = pct;
    if (fault.kind != FaultKind::battery_drain) t.fail("pct", "only a battery_drain fault takes pct");
  } else if (fault.kind == FaultKind::battery_drain) {
    t.fail("pct", "is required for a battery_drain fault");
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

  std::vector<StrictTable> lock_tables = root.tables("lock");
  if (lock_tables.empty()) root.fail("lock", "a scenario needs at least one [[lock]]");
  for (StrictTable& t : lock_tables) {
    ScenarioLock lock = read_lock(t);
    if (!lock.id.empty() && scenario.find_lock(lock.id))
      t.fail("id", "duplicate lock id " + in_quotes(lock.id));
    if (t.has("site") && !site_ids.contains(lock.site)) {
      t.fail("site", "names no [[site]] of this scenario: " + in_quotes(lock.site));
    }
    scenario.locks.push_back(std::move(lock));
  }

  for (StrictTable& t : root.tables("fault")) scenario.faults.push_back(read_fault(t, scenario));
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
