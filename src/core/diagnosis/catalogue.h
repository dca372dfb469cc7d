// The catalogue of why a lock goes offline or misbehaves, and of the steps
// that fix it. The ids are the same everywhere: the simulator injects and
// labels these faults, the lock doctor names these causes and plans these
// steps, the API and the docs (docs/diagnosis.md, docs/scenarios.md) print
// them. Each cause says what it hits (one lock, a network, a bridge, a phone,
// a site), what the user sees, and the step that ends it.
//
// Threading: constexpr data and pure functions.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace lw::core {

enum class Cause {
  battery_depleted,
  battery_low_dropouts,
  weak_signal,
  interference,
  network_overloaded,
  router_power_outage,
  internet_outage,
  network_credentials_changed,
  router_replaced,
  mesh_route_lost,
  out_of_range,
  firmware_bug,
  firmware_updating,
  app_permissions,
  app_outdated,
  hub_offline,
  hub_software_regression,
  calibration_drift,
  bolt_jammed,
  hardware_fault,
};

/// The guide's troubleshooting steps, plus `wait` (the cause ends by itself).
enum class FixStep {
  replace_batteries,
  power_cycle_lock,
  power_cycle_phone,
  power_cycle_router,
  power_cycle_hub,
  check_network,
  move_router_or_add_extender,
  move_bridge_closer,
  reenter_network_credentials,
  update_firmware,
  update_app,
  grant_app_permissions,
  recalibrate,
  repair,
  remove_interference,
  restore_repeater,
  factory_reset,
  contact_support,
  wait,
};

/// What a cause strikes: everything behind that thing is affected.
enum class CauseScope { lock, network, bridge, repeater, phone, site };

struct CauseInfo {
  Cause cause;
  std::string_view id;
  CauseScope scope;
  FixStep fix;            // the step that ends it
  std::string_view what;  // plain words, for people
};

/// Every cause, in declaration order.
std::span<const CauseInfo> causes() noexcept;
const CauseInfo& info(Cause cause) noexcept;

std::string_view to_string(Cause cause) noexcept;
std::optional<Cause> parse_cause(std::string_view id) noexcept;
std::string_view to_string(FixStep step) noexcept;
std::optional<FixStep> parse_fix_step(std::string_view id) noexcept;
std::string_view to_string(CauseScope scope) noexcept;

}  // namespace lw::core
