// The lock vocabulary, in the words of Matter's DoorLock cluster: LockState,
// DoorState, OperationSource, BootReason, plus lockwarden's Connectivity and
// Transport. Every enum has a stable lower_snake_case wire name (to_string) and a
// parser (parse_*) that returns nullopt for an unknown name.
//
// Threading: pure functions over plain values.
#pragma once

#include <optional>
#include <string_view>

namespace lw::core {

/// Matter DoorLock LockState, plus `jammed` and `unknown` as separate values.
enum class LockState { locked, unlocked, not_fully_locked, unlatched, jammed, unknown };

/// Matter DoorLock DoorState (door position sensor).
enum class DoorState { open, closed, ajar, forced_open, jammed, unknown };

/// Matter DoorLock OperationSource: what caused a lock operation.
enum class OperationSource { keypad, remote, manual, auto_relock, button, schedule, phone, rfid, unknown };

/// Why the lock's firmware last started.
enum class BootReason {
  power_on,
  brown_out,
  watchdog,
  software_reset,
  firmware_update,
  factory_reset,
  unknown
};

/// How the hub sees a lock's link right now.
enum class Connectivity { online, suspect, offline, updating, asleep, unreachable, unknown };
/// The hub cannot reach the lock: offline, or unreachable behind its bridge.
constexpr bool is_down(Connectivity c) noexcept {
  return c == Connectivity::offline || c == Connectivity::unreachable;
}

/// How a lock reaches the hub.
enum class Transport { wifi, ble_bridge, zigbee, zwave, thread };

/// What a remote command asks the lock to do.
enum class LockAction { lock, unlock, unlatch };

std::string_view to_string(LockState v) noexcept;
std::string_view to_string(DoorState v) noexcept;
std::string_view to_string(OperationSource v) noexcept;
std::string_view to_string(BootReason v) noexcept;
std::string_view to_string(Connectivity v) noexcept;
std::string_view to_string(Transport v) noexcept;
std::string_view to_string(LockAction v) noexcept;

std::optional<LockState> parse_lock_state(std::string_view s) noexcept;
std::optional<DoorState> parse_door_state(std::string_view s) noexcept;
std::optional<OperationSource> parse_operation_source(std::string_view s) noexcept;
std::optional<BootReason> parse_boot_reason(std::string_view s) noexcept;
std::optional<Connectivity> parse_connectivity(std::string_view s) noexcept;
std::optional<Transport> parse_transport(std::string_view s) noexcept;
std::optional<LockAction> parse_lock_action(std::string_view s) noexcept;

}  // namespace lw::core
