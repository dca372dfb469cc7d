// Scenario: what `lockwarden sim --scenario FILE` and `lockwarden demo` run — the
// broker to use, the hub key the locks trust, the simulated sites and Wi-Fi
// locks, a timeline of faults and the people who use the doors. The format is
// documented in docs/scenarios.md; every key is checked, and a problem stops
// the run with a message naming the file, line, column and dotted key, e.g.
//   "home.toml:41:8: fault[2].kind: unknown fault kind \"explode\"; expected one of ..."
//
// Threading: plain values; parsed once at start-up.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "base/time.h"
#include "core/lock/vocabulary.h"

namespace lw::sim {

/// What happens to a lock at a point of the timeline.
enum class FaultKind {
  power_loss,     // drops off without a clean disconnect; the broker publishes the Last Will
  power_restore,  // boots again (boot_reason power_on, reboot_count + 1) and reconnects
  jam,            // from now on a motor run fails: result `jammed`, alarm event
  unjam,          // the bolt is free again and settles where it was before the jam
  battery_drain,  // the battery drops to `pct`
  silence,        // stays connected, publishes nothing (hung radio firmware)
  resume,         // ends a silence: publishes what it held back
};
std::string_view to_string(FaultKind kind) noexcept;
std::optional<FaultKind> parse_fault_kind(std::string_view s) noexcept;

struct ScenarioBroker {
  std::string host{"127.0.0.1"};
  int port{1883};
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
};

struct ScenarioLock {
  LockId id;
  SiteId site;
  std::string name;
  core::Transport transport{core::Transport::wifi};
  Duration heartbeat{30s};
  int keepalive_s{10};
  int battery_pct{90};  // at start, 0..100
  int rssi_dbm{-60};
  std::string firmware{"1.0.0"};
  core::LockState lock_state{core::LockState::locked};
  core::DoorState door_state{core::DoorState::closed};
};

struct ScenarioFault {
  Duration at{};  // after the start of the run
  LockId lock;
  FaultKind kind{FaultKind::power_loss};
  std::optional<int> pct;  // battery_drain only: the new charge, 0..100
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
  std::vector<ScenarioLock> locks;
  std::vector<ScenarioFault> faults;  // in file order; the runner schedules each at `at`
  std::vector<ScenarioTraffic> traffic;

  [[nodiscard]] const ScenarioLock* find_lock(std::string_view id) const;
};

/// Reads and validates a scenario file. Errors: not_found (the file, or its
/// hub.public_key_file, cannot be read), invalid_argument ("FILE:LINE:COL: key: why").
Result<Scenario> load_scenario(const std::string& path);

/// Same, from text; `name` stands for the file in messages, and a relative
/// hub.public_key_file is resolved against the directory of `name`.
Result<Scenario> parse_scenario(std::string_view text, const std::string& name);

}  // namespace lw::sim
