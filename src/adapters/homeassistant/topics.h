// Topics of the Home Assistant integration (docs/integrations.md, "Home
// Assistant"): where the discovery configs go and where the state, command
// and availability topics the configs point at live.
//
//   <discovery>/<component>/lockwarden_<lock>/<object>/config   a lock entity's config
//   <discovery>/binary_sensor/lockwarden-hub_<hub>/status/config the hub's own entity
//   <discovery>/status                                           Home Assistant's birth message
//   <state>/hub/<hub>/status                                     "online" / "offline" (the hub's Last Will)
//   <state>/lock/<lock>/availability                             "online" / "offline"
//   <state>/lock/<lock>/<object>[/attributes]                    an entity's state [and JSON attributes]
//   <state>/lock/<lock>/set                                      LOCK / UNLOCK / OPEN from Home Assistant
//
// Lock device identifiers are "lockwarden_<lock>" and the hub's is
// "lockwarden-hub_<hub>": a lock id cannot contain the dash after
// "lockwarden", so the two never meet.
//
// Threading: plain values and pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/ids.h"

namespace lw::adapters::homeassistant {

struct Topics {
  std::string discovery_prefix{"homeassistant"};
  std::string state_prefix{"lockwarden/ha"};
  std::string hub_id{"hub-1"};

  /// "lockwarden_<lock>": the node id in config topics and the lock device's identifier.
  [[nodiscard]] static std::string lock_node(std::string_view lock);
  /// "lockwarden-hub_<hub>": the hub device's node id and identifier.
  [[nodiscard]] std::string hub_node() const;

  /// <discovery>/<component>/<node>/<object>/config.
  [[nodiscard]] std::string config(std::string_view component, std::string_view node,
                                   std::string_view object) const;
  /// <discovery>/status, where Home Assistant announces it (re)started.
  [[nodiscard]] std::string birth() const;
  /// <discovery>/+/+/+/config: every config with a node id, to find those of locks gone.
  [[nodiscard]] std::string config_filter() const;

  /// <state>/hub/<hub>/status: "online" while the hub is connected, "offline"
  /// after a clean stop or as its Last Will.
  [[nodiscard]] std::string hub_status() const;
  /// <state>/lock/<lock>.
  [[nodiscard]] std::string lock_base(std::string_view lock) const;
  /// <state>/lock/<lock>/availability.
  [[nodiscard]] std::string availability(std::string_view lock) const;
  /// <state>/lock/<lock>/<object>.
  [[nodiscard]] std::string state(std::string_view lock, std::string_view object) const;
  /// <state>/lock/<lock>/<object>/attributes.
  [[nodiscard]] std::string attributes(std::string_view lock, std::string_view object) const;
  /// <state>/lock/<lock>/set.
  [[nodiscard]] std::string command(std::string_view lock) const;
  /// <state>/lock/+/set.
  [[nodiscard]] std::string command_filter() const;

  /// The lock a command topic addresses; nullopt when `topic` is not a
  /// command topic or the lock id is not a valid id.
  [[nodiscard]] std::optional<LockId> command_lock(std::string_view topic) const;
  /// The lock a config topic (<discovery>/<component>/lockwarden_<lock>/<object>/config)
  /// describes; nullopt for any other topic.
  [[nodiscard]] std::optional<LockId> config_lock(std::string_view topic) const;
};

}  // namespace lw::adapters::homeassistant
