#include "core/diagnosis/catalogue.h"

#include <array>

#include "base/enum_names.h"

namespace lw::core {
namespace {

using enum CauseScope;

constexpr std::array<CauseInfo, 20> kCauses{{
    {Cause::battery_depleted, "battery_depleted", lock, FixStep::replace_batteries,
     "The batteries are empty: the lock has shut down."},
    {Cause::battery_low_dropouts, "battery_low_dropouts", lock, FixStep::replace_batteries,
     "The batteries are low: the voltage sags when the motor or radio runs and the lock resets and drops "
     "off."},
    {Cause::weak_signal, "weak_signal", lock, FixStep::move_router_or_add_extender,
     "The lock is too far from its router or hub, or behind too many walls: messages get lost."},
    {Cause::interference, "interference", lock, FixStep::remove_interference,
     "Another device on the same frequency (a microwave oven, a neighbour's network) drowns the lock's "
     "radio at times."},
    {Cause::network_overloaded, "network_overloaded", network, FixStep::check_network,
     "The Wi-Fi network has more clients or traffic than it can serve: connections drop."},
    {Cause::router_power_outage, "router_power_outage", network, FixStep::power_cycle_router,
     "The router lost power: every device on its Wi-Fi is cut off until it is back."},
    {Cause::internet_outage, "internet_outage", network, FixStep::wait,
     "The internet connection is down: locks on this network cannot reach the hub."},
    {Cause::network_credentials_changed, "network_credentials_changed", network,
     FixStep::reenter_network_credentials,
     "The Wi-Fi name or password changed: the lock still holds the old ones and cannot join."},
    {Cause::router_replaced, "router_replaced", network, FixStep::reenter_network_credentials,
     "The router was replaced: the lock does not know the new network."},
    {Cause::mesh_route_lost, "mesh_route_lost", repeater, FixStep::restore_repeater,
     "A Zigbee or Z-Wave repeater the lock relied on went away: the lock has no route to its hub."},
    {Cause::out_of_range, "out_of_range", lock, FixStep::move_bridge_closer,
     "The Bluetooth bridge or phone is out of the lock's range (about 10 to 30 feet)."},
    {Cause::firmware_bug, "firmware_bug", lock, FixStep::power_cycle_lock,
     "The lock's radio firmware hung: signal and battery are good but nothing comes through until it is "
     "restarted."},
    {Cause::firmware_updating, "firmware_updating", lock, FixStep::wait,
     "The lock is installing a firmware update and is offline until it restarts."},
    {Cause::app_permissions, "app_permissions", phone, FixStep::grant_app_permissions,
     "The phone app lacks the Bluetooth or location permission it needs to reach the lock."},
    {Cause::app_outdated, "app_outdated", phone, FixStep::update_app,
     "The phone app is too old for the lock's firmware."},
    {Cause::hub_offline, "hub_offline", bridge, FixStep::power_cycle_hub,
     "The hub or bridge the lock talks through is down: every lock behind it is unreachable."},
    {Cause::hub_software_regression, "hub_software_regression", bridge, FixStep::update_firmware,
     "The hub or bridge was upgraded and since then fails to reach locks it still hears from."},
    {Cause::calibration_drift, "calibration_drift", lock, FixStep::recalibrate,
     "The lock's stored bolt positions no longer match the door: it reports a state the bolt is not in."},
    {Cause::bolt_jammed, "bolt_jammed", lock, FixStep::recalibrate,
     "The bolt binds in the strike plate and the motor cannot finish its run."},
    {Cause::hardware_fault, "hardware_fault", lock, FixStep::contact_support,
     "A part of the lock has failed; it needs repair or replacement."},
}};

constexpr EnumNames<FixStep, 19> kSteps{{{
    {FixStep::replace_batteries, "replace_batteries"},
    {FixStep::power_cycle_lock, "power_cycle_lock"},
    {FixStep::power_cycle_phone, "power_cycle_phone"},
    {FixStep::power_cycle_router, "power_cycle_router"},
    {FixStep::power_cycle_hub, "power_cycle_hub"},
    {FixStep::check_network, "check_network"},
    {FixStep::move_router_or_add_extender, "move_router_or_add_extender"},
    {FixStep::move_bridge_closer, "move_bridge_closer"},
    {FixStep::reenter_network_credentials, "reenter_network_credentials"},
    {FixStep::update_firmware, "update_firmware"},
    {FixStep::update_app, "update_app"},
    {FixStep::grant_app_permissions, "grant_app_permissions"},
    {FixStep::recalibrate, "recalibrate"},
    {FixStep::repair, "repair"},
    {FixStep::remove_interference, "remove_interference"},
    {FixStep::restore_repeater, "restore_repeater"},
    {FixStep::factory_reset, "factory_reset"},
    {FixStep::contact_support, "contact_support"},
    {FixStep::wait, "wait"},
}}};

constexpr EnumNames<CauseScope, 6> kScopes{{{
    {lock, "lock"},
    {network, "network"},
    {bridge, "bridge"},
    {repeater, "repeater"},
    {phone, "phone"},
    {site, "site"},
}}};

}  // namespace

std::span<const CauseInfo> causes() noexcept { return kCauses; }

const CauseInfo& info(Cause cause) noexcept { return kCauses[static_cast<std::size_t>(cause)]; }

std::string_view to_string(Cause cause) noexcept { return info(cause).id; }

std::optional<Cause> parse_cause(std::string_view id) noexcept {
  for (const CauseInfo& c : kCauses) {
    if (c.id == id) return c.cause;
  }
  return std::nullopt;
}

std::string_view to_string(FixStep step) noexcept { return kSteps.name(step); }
std::optional<FixStep> parse_fix_step(std::string_view id) noexcept { return kSteps.parse(id); }
std::string_view to_string(CauseScope scope) noexcept { return kScopes.name(scope); }

}  // namespace lw::core
