// Home Assistant MQTT discovery for lockwarden's locks: the retained config
// messages that make every lock appear in Home Assistant as a device with a
// lock, battery, battery-forecast, signal, connectivity, diagnosis and door
// entity, and the hub as the device they are connected through. The schema is
// Home Assistant's MQTT lock / sensor / binary_sensor discovery
// (docs/integrations.md, "Home Assistant"; keys and defaults as in
// home-assistant/core `components/mqtt/lock.py`).
//
// Availability: every lock entity lists the hub's status topic (the hub's
// Last Will says "offline") and, for what only a reachable lock can tell
// (lock, battery, signal, door), also the lock's own availability topic, with
// `availability_mode: all`. Connectivity, diagnosis and the battery forecast
// follow the hub alone: they matter most while the lock is offline.
//
// Pure: builds messages, publishes nothing.
// Threading: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/homeassistant/commands.h"
#include "adapters/homeassistant/topics.h"
#include "core/lock/records.h"

namespace lw::adapters::homeassistant {

/// One MQTT message to publish. An empty retained payload deletes the
/// retained message (and, on a config topic, the entity).
struct Message {
  std::string topic;
  std::string payload;
  bool retain{true};
  friend bool operator==(const Message&, const Message&) = default;
};

/// The entities of one lock.
enum class Entity { lock, battery, battery_forecast, signal, connectivity, diagnosis, door };

struct EntityInfo {
  Entity entity;
  std::string_view object;     ///< the last level of its topics and of its unique_id
  std::string_view component;  ///< Home Assistant's platform: lock, sensor, binary_sensor
  bool needs_lock;             ///< available only while the lock is (availability_mode: all)
  bool has_attributes;         ///< has a json_attributes_topic
};

/// Every entity, in the order of Entity.
std::span<const EntityInfo> entities() noexcept;
const EntityInfo& info(Entity entity) noexcept;

/// The retained discovery config of each entity of `lock` (its id, name,
/// transport and firmware make the device block). `version` is lockwarden's.
std::vector<Message> discovery_messages(const Topics& topics, const core::LockRecord& lock,
                                        const Traits& traits, std::string_view version);

/// Empty retained messages for every config and state topic of `lock`: Home
/// Assistant removes its entities and the broker forgets their states.
std::vector<Message> removal_messages(const Topics& topics, const LockId& lock);

/// The hub's own device and its connectivity entity (state: the hub status
/// topic), so the locks' via_device names a device Home Assistant knows.
Message hub_discovery_message(const Topics& topics, std::string_view version);

/// "online" / "offline" on the hub status topic, retained.
Message hub_status_message(const Topics& topics, bool online);

}  // namespace lw::adapters::homeassistant
