#include "sim/zigbee2mqtt_bridge.h"

#include <array>
#include <boost/json.hpp>
#include <cstdio>

#include "sim/world/rng.h"

namespace lw::sim {
namespace {

namespace json = boost::json;

/// The exposes of a Zigbee2MQTT lock definition (research notes 1.2: lock with
/// state and lock_state, battery, voltage, linkquality, action fields).
json::array lock_exposes() {
  json::object state{{"type", "binary"}, {"name", "state"},    {"property", "state"},
                     {"access", 7},      {"value_on", "LOCK"}, {"value_off", "UNLOCK"}};
  json::object lock_state{{"type", "enum"},
                          {"name", "lock_state"},
                          {"property", "lock_state"},
                          {"access", 1},
                          {"values", json::array{"not_fully_locked", "locked", "unlocked"}}};
  json::array out;
  out.emplace_back(json::object{{"type", "lock"}, {"features", json::array{state, lock_state}}});
  for (const char* numeric : {"battery", "voltage", "linkquality", "action_user"}) {
    out.emplace_back(
        json::object{{"type", "numeric"}, {"name", numeric}, {"property", numeric}, {"access", 1}});
  }
  out.emplace_back(json::object{{"type", "enum"}, {"name", "action"}, {"property", "action"}, {"access", 1}});
  out.emplace_back(json::object{
      {"type", "enum"}, {"name", "action_source_name"}, {"property", "action_source_name"}, {"access", 1}});
  return out;
}

}  // namespace

std::string z2m_ieee_address(std::string_view id) {
  std::array<char, 19> buf{};
  std::snprintf(buf.data(), buf.size(), "0x%016llx",
                static_cast<unsigned long long>(world::derive_seed(0, id)));  // NOLINT(google-runtime-int)
  return buf.data();
}

std::string z2m_bridge_devices(const std::vector<Z2mSimDevice>& devices) {
  json::array out;
  int network_address = 0;
  for (const Z2mSimDevice& d : devices) {
    json::object o;
    o["ieee_address"] = z2m_ieee_address(d.id);
    o["network_address"] = d.kind == Z2mSimDevice::Kind::coordinator ? 0 : ++network_address;
    o["friendly_name"] = d.friendly_name;
    o["interviewing"] = false;
    o["interview_completed"] = true;
    switch (d.kind) {
      case Z2mSimDevice::Kind::coordinator:
        o["type"] = "Coordinator";
        o["supported"] = false;
        o["definition"] = nullptr;
        o["power_source"] = nullptr;
        break;
      case Z2mSimDevice::Kind::router:
        o["type"] = "Router";
        o["supported"] = true;
        o["power_source"] = "Mains (single phase)";
        o["model_id"] = "lw-sim-plug";
        o["definition"] = json::object{{"model", "SIM-PLUG"},
                                       {"vendor", "lockwarden"},
                                       {"description", "Simulated smart plug"},
                                       {"exposes", json::array{}}};
        break;
      case Z2mSimDevice::Kind::lock:
        o["type"] = "EndDevice";
        o["supported"] = true;
        o["power_source"] = "Battery";
        o["model_id"] = "lw-sim-lock";
        o["software_build_id"] = d.firmware;
        o["definition"] = json::object{{"model", "SIM-LOCK"},
                                       {"vendor", "lockwarden"},
                                       {"description", "Simulated door lock"},
                                       {"exposes", lock_exposes()}};
        break;
    }
    out.emplace_back(std::move(o));
  }
  return json::serialize(out);
}

}  // namespace lw::sim
