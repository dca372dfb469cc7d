// What the hub knows and keeps: the lock record (latest state), the actions it
// was asked to perform, and the event history. These are what the Store port
// persists and what the API shows.
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/ids.h"
#include "base/time.h"
#include "core/lock/messages.h"
#include "core/lock/vocabulary.h"

namespace lw::core {

struct SiteRecord {
  SiteId id;
  std::string name;
};

/// A hub instance: the process that owns a set of locks and signs their
/// commands. Recorded at every start, so a fleet can see which hubs exist,
/// which software they run and which key locks must enrol.
struct HubRecord {
  std::string id;
  std::string version;     // lockwarden version string
  Timestamp started_at{};  // last start
  std::string public_key;  // base64 Ed25519 command-signing key (public; never the secret)
};

/// The hub's latest view of one lock.
struct LockRecord {
  LockId id;
  SiteId site;
  std::string name;
  Transport transport{Transport::wifi};
  LockState lock_state{LockState::unknown};
  DoorState door_state{DoorState::unknown};
  std::optional<int> battery_pct;
  std::optional<int> battery_mv;
  std::optional<int> rssi_dbm;
  std::string firmware;
  std::optional<std::int64_t> uptime_s;
  std::optional<int> reboot_count;
  BootReason boot_reason{BootReason::unknown};
  Duration heartbeat{60s};
  /// The cells that went in, as configured: alkaline, lithium, nimh or
  /// unknown. Not stored: the configuration is its source.
  std::string battery{"unknown"};
  /// The temperature around the lock, as configured (BatteryProfile::ambient_c).
  std::optional<double> ambient_c;
  /// Last value of the retained status topic (true = "online", false = offline or Last Will).
  bool link_up{false};
  Connectivity connectivity{Connectivity::unknown};
  std::optional<Timestamp> last_seen;
  std::optional<Timestamp> connectivity_since;

  [[nodiscard]] LockAddress address() const { return {site, id}; }
};

enum class ActionStatus { pending, succeeded, failed, expired };
std::string_view to_string(ActionStatus v) noexcept;
std::optional<ActionStatus> parse_action_status(std::string_view s) noexcept;

/// A remote operation the hub was asked to perform (POST .../lock). Its id is
/// the command id on the wire.
struct Action {
  ActionId id;
  LockId lock;
  SiteId site;
  LockAction action{LockAction::lock};
  ActionStatus status{ActionStatus::pending};
  std::string reason;  // outcome name on failure/expiry ("jammed", "expired", ...)
  std::string detail;  // human words
  Timestamp created_at{};
  Timestamp expires_at{};
  std::optional<Timestamp> completed_at;
  std::uint64_t counter{0};
  std::string key_id;
};

/// Kinds of stored events: what the lock reported, and what the hub observed
/// (connectivity changes, command outcomes, and the health engine's findings:
/// incidents, battery forecasts, drain and link warnings).
/// access_code: a keypad code's sync state changed on a lock, drift was found,
/// or the same wrong PIN was tried at several doors (detail says which; never a PIN).
enum class EventKind { lock_operation, alarm, connectivity, command, health, access_code };
std::string_view to_string(EventKind v) noexcept;
std::optional<EventKind> parse_event_kind(std::string_view s) noexcept;

/// One entry of a lock's history. `id` is assigned by the store, increasing.
struct EventRecord {
  std::int64_t id{0};
  LockId lock;
  Timestamp ts{};
  EventKind kind{EventKind::lock_operation};
  std::optional<std::uint64_t> device_seq;  // set for events the lock sent
  std::optional<LockAction> operation;
  std::optional<OperationSource> source;
  std::optional<std::string> user;
  std::string detail;  // alarm name, connectivity state, action outcome...
};

}  // namespace lw::core
