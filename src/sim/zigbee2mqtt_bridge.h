// What a simulated Zigbee2MQTT instance publishes about its network: the
// retained bridge/devices list (the coordinator, the routers that repeat for
// it and its door locks, each lock's definition exposing a `lock` feature as
// Zigbee2MQTT 2.x does), and the IEEE addresses the simulator gives devices.
// Format: research notes ecosystem-formats.md 1.5; docs/scenarios.md.
//
// Threading: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lw::sim {

/// A stable IEEE address for a scenario id: "0x" and 16 hex digits.
std::string z2m_ieee_address(std::string_view id);

struct Z2mSimDevice {
  enum class Kind { coordinator, router, lock };
  Kind kind{Kind::lock};
  std::string id;             ///< the scenario id (its IEEE address derives from it)
  std::string friendly_name;  ///< the lock's name; the id for the others
  std::string firmware;       ///< software_build_id
};

/// The JSON array of <base>/bridge/devices.
std::string z2m_bridge_devices(const std::vector<Z2mSimDevice>& devices);

}  // namespace lw::sim
