#include "adapters/homeassistant/discovery.h"

#include <array>
#include <boost/json.hpp>
#include <cstdlib>

namespace lw::adapters::homeassistant {
namespace {

namespace json = boost::json;

constexpr std::array<EntityInfo, 7> kEntities{{
    {Entity::lock, "lock", "lock", true, true},
    {Entity::battery, "battery", "sensor", true, false},
    {Entity::battery_forecast, "battery_forecast", "sensor", false, true},
    {Entity::signal, "signal", "sensor", true, false},
    {Entity::connectivity, "connectivity", "binary_sensor", false, true},
    {Entity::diagnosis, "diagnosis", "sensor", false, true},
    {Entity::door, "door", "binary_sensor", true, false},
}};

std::string_view transport_words(core::Transport t) noexcept {
  switch (t) {
    case core::Transport::wifi: return "Wi-Fi";
    case core::Transport::ble_bridge: return "Bluetooth (bridge)";
    case core::Transport::zigbee: return "Zigbee";
    case core::Transport::zwave: return "Z-Wave";
    case core::Transport::thread: return "Thread";
  }
  return "unknown";
}

/// The entity's name as Home Assistant shows it after the device's name.
json::value entity_name(Entity e) {
  switch (e) {
    case Entity::lock: return nullptr;  // the device's main entity: "Front door", not "Front door Lock"
    case Entity::battery: return "Battery";
    case Entity::battery_forecast: return "Battery forecast";
    case Entity::signal: return "Signal";
    case Entity::connectivity: return "Connectivity";
    case Entity::diagnosis: return "Diagnosis";
    case Entity::door: return "Door";
  }
  return nullptr;
}

json::object origin(std::string_view version) {
  return json::object{{"name", "lockwarden"}, {"sw_version", version}};
}

json::object device(const Topics& topics, const core::LockRecord& lock) {
  json::object d{{"identifiers", json::array{json::value(Topics::lock_node(lock.id))}},
                 {"name", lock.name.empty() ? lock.id : lock.name},
                 {"manufacturer", "lockwarden"},
                 {"model", std::string(transport_words(lock.transport)) + " lock"}};
  if (!lock.firmware.empty()) d["sw_version"] = lock.firmware;
  d["via_device"] = topics.hub_node();
  return d;
}

json::object available_when(const std::string& topic) {
  return json::object{
      {"topic", topic}, {"payload_available", "online"}, {"payload_not_available", "offline"}};
}

/// The keys every lock entity shares.
json::object common(const Topics& topics, const core::LockRecord& lock, const EntityInfo& e,
                    std::string_view version) {
  json::object c;
  c["name"] = entity_name(e.entity);
  c["unique_id"] = Topics::lock_node(lock.id) + "_" + std::string(e.object);
  c["device"] = device(topics, lock);
  c["origin"] = origin(version);
  json::array availability{available_when(topics.hub_status())};
  if (e.needs_lock) availability.push_back(available_when(topics.availability(lock.id)));
  c["availability"] = std::move(availability);
  if (e.needs_lock) c["availability_mode"] = "all";
  c["state_topic"] = topics.state(lock.id, e.object);
  if (e.has_attributes) c["json_attributes_topic"] = topics.attributes(lock.id, e.object);
  c["qos"] = 1;
  return c;
}

json::object config(const Topics& topics, const core::LockRecord& lock, const EntityInfo& e,
                    const Traits& traits, std::string_view version) {
  json::object c = common(topics, lock, e, version);
  switch (e.entity) {
    case Entity::lock:
      c["command_topic"] = topics.command(lock.id);
      c["payload_lock"] = kPayloadLock;
      c["payload_unlock"] = kPayloadUnlock;
      if (traits.unlatch) c["payload_open"] = kPayloadOpen;
      c["state_locked"] = "LOCKED";
      c["state_unlocked"] = "UNLOCKED";
      c["state_locking"] = "LOCKING";
      c["state_unlocking"] = "UNLOCKING";
      c["state_jammed"] = "JAMMED";
      c["state_open"] = "OPEN";
      c["state_opening"] = "OPENING";
      c["payload_reset"] = "None";
      c["optimistic"] = false;
      c["retain"] = false;  // a retained command would be replayed to every new subscriber
      break;
    case Entity::battery:
      c["device_class"] = "battery";
      c["unit_of_measurement"] = "%";
      c["state_class"] = "measurement";
      c["entity_category"] = "diagnostic";
      break;
    case Entity::battery_forecast:
      c["device_class"] = "timestamp";
      c["entity_category"] = "diagnostic";
      c["icon"] = "mdi:battery-clock";
      break;
    case Entity::signal:
      c["device_class"] = "signal_strength";
      c["unit_of_measurement"] = "dBm";
      c["state_class"] = "measurement";
      c["entity_category"] = "diagnostic";
      break;
    case Entity::connectivity:
      c["device_class"] = "connectivity";
      c["payload_on"] = "ON";
      c["payload_off"] = "OFF";
      c["entity_category"] = "diagnostic";
      break;
    case Entity::diagnosis:
      c["entity_category"] = "diagnostic";
      c["icon"] = "mdi:stethoscope";
      break;
    case Entity::door:
      c["device_class"] = "door";
      c["payload_on"] = "ON";
      c["payload_off"] = "OFF";
      break;
  }
  return c;
}

}  // namespace

std::span<const EntityInfo> entities() noexcept { return kEntities; }

const EntityInfo& info(Entity entity) noexcept {
  for (const EntityInfo& e : kEntities) {
    if (e.entity == entity) return e;
  }
  std::abort();  // every Entity has a row
}

std::vector<Message> discovery_messages(const Topics& topics, const core::LockRecord& lock,
                                        const Traits& traits, std::string_view version) {
  std::vector<Message> out;
  out.reserve(kEntities.size());
  for (const EntityInfo& e : kEntities) {
    out.push_back({topics.config(e.component, Topics::lock_node(lock.id), e.object),
                   json::serialize(config(topics, lock, e, traits, version)), true});
  }
  return out;
}

std::vector<Message> removal_messages(const Topics& topics, const LockId& lock) {
  std::vector<Message> out;
  out.reserve(3 * kEntities.size());
  for (const EntityInfo& e : kEntities) {
    out.push_back({topics.config(e.component, Topics::lock_node(lock), e.object), "", true});
  }
  out.push_back({topics.availability(lock), "", true});
  for (const EntityInfo& e : kEntities) {
    out.push_back({topics.state(lock, e.object), "", true});
    if (e.has_attributes) out.push_back({topics.attributes(lock, e.object), "", true});
  }
  return out;
}

Message hub_discovery_message(const Topics& topics, std::string_view version) {
  json::object c{
      {"name", "Status"},
      {"unique_id", topics.hub_node() + "_status"},
      {"device", json::object{{"identifiers", json::array{json::value(topics.hub_node())}},
                              {"name", "lockwarden hub " + topics.hub_id},
                              {"manufacturer", "lockwarden"},
                              {"model", "hub"},
                              {"sw_version", version}}},
      {"origin", origin(version)},
      {"state_topic", topics.hub_status()},
      {"payload_on", "online"},
      {"payload_off", "offline"},
      {"device_class", "connectivity"},
      {"entity_category", "diagnostic"},
      {"qos", 1},
  };
  return {topics.config("binary_sensor", topics.hub_node(), "status"), json::serialize(c), true};
}

Message hub_status_message(const Topics& topics, bool online) {
  return {topics.hub_status(), online ? "online" : "offline", true};
}

}  // namespace lw::adapters::homeassistant
