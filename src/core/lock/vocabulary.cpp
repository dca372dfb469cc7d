#include "core/lock/vocabulary.h"

#include "base/enum_names.h"

namespace lw::core {
namespace {

template <typename E, std::size_t N>
using Names = EnumNames<E, N>;

constexpr Names<LockState, 6> kLockStates{{{{LockState::locked, "locked"},
                                            {LockState::unlocked, "unlocked"},
                                            {LockState::not_fully_locked, "not_fully_locked"},
                                            {LockState::unlatched, "unlatched"},
                                            {LockState::jammed, "jammed"},
                                            {LockState::unknown, "unknown"}}}};
constexpr Names<DoorState, 6> kDoorStates{{{{DoorState::open, "open"},
                                            {DoorState::closed, "closed"},
                                            {DoorState::ajar, "ajar"},
                                            {DoorState::forced_open, "forced_open"},
                                            {DoorState::jammed, "jammed"},
                                            {DoorState::unknown, "unknown"}}}};
constexpr Names<OperationSource, 9> kSources{{{{OperationSource::keypad, "keypad"},
                                               {OperationSource::remote, "remote"},
                                               {OperationSource::manual, "manual"},
                                               {OperationSource::auto_relock, "auto"},
                                               {OperationSource::button, "button"},
                                               {OperationSource::schedule, "schedule"},
                                               {OperationSource::phone, "phone"},
                                               {OperationSource::rfid, "rfid"},
                                               {OperationSource::unknown, "unknown"}}}};
constexpr Names<BootReason, 7> kBootReasons{{{{BootReason::power_on, "power_on"},
                                              {BootReason::brown_out, "brown_out"},
                                              {BootReason::watchdog, "watchdog"},
                                              {BootReason::software_reset, "software_reset"},
                                              {BootReason::firmware_update, "firmware_update"},
                                              {BootReason::factory_reset, "factory_reset"},
                                              {BootReason::unknown, "unknown"}}}};
constexpr Names<Connectivity, 7> kConnectivity{{{{Connectivity::online, "online"},
                                                 {Connectivity::suspect, "suspect"},
                                                 {Connectivity::offline, "offline"},
                                                 {Connectivity::updating, "updating"},
                                                 {Connectivity::asleep, "asleep"},
                                                 {Connectivity::unreachable, "unreachable"},
                                                 {Connectivity::unknown, "unknown"}}}};
constexpr Names<Transport, 5> kTransports{{{{Transport::wifi, "wifi"},
                                            {Transport::ble_bridge, "ble_bridge"},
                                            {Transport::zigbee, "zigbee"},
                                            {Transport::zwave, "zwave"},
                                            {Transport::thread, "thread"}}}};
constexpr Names<LockAction, 3> kActions{
    {{{LockAction::lock, "lock"}, {LockAction::unlock, "unlock"}, {LockAction::unlatch, "unlatch"}}}};

}  // namespace

std::string_view to_string(LockState v) noexcept { return kLockStates.name(v); }
std::string_view to_string(DoorState v) noexcept { return kDoorStates.name(v); }
std::string_view to_string(OperationSource v) noexcept { return kSources.name(v); }
std::string_view to_string(BootReason v) noexcept { return kBootReasons.name(v); }
std::string_view to_string(Connectivity v) noexcept { return kConnectivity.name(v); }
std::string_view to_string(Transport v) noexcept { return kTransports.name(v); }
std::string_view to_string(LockAction v) noexcept { return kActions.name(v); }

std::optional<LockState> parse_lock_state(std::string_view s) noexcept { return kLockStates.parse(s); }
std::optional<DoorState> parse_door_state(std::string_view s) noexcept { return kDoorStates.parse(s); }
std::optional<OperationSource> parse_operation_source(std::string_view s) noexcept {
  return kSources.parse(s);
}
std::optional<BootReason> parse_boot_reason(std::string_view s) noexcept { return kBootReasons.parse(s); }
std::optional<Connectivity> parse_connectivity(std::string_view s) noexcept { return kConnectivity.parse(s); }
std::optional<Transport> parse_transport(std::string_view s) noexcept { return kTransports.parse(s); }
std::optional<LockAction> parse_lock_action(std::string_view s) noexcept { return kActions.parse(s); }

}  // namespace lw::core
