// Zigbee2MqttAdapter: the door locks behind one Zigbee2MQTT (Z2M) instance,
// for the Hub. Formats: docs/integrations.md ("Zigbee2MQTT") and the research
// notes ecosystem-formats.md section 1; decoding is src/protocol/ecosystem.
//
// Up (everything under <base>/#):
//   bridge/devices   every device whose definition exposes a `lock` joins the
//                    Hub (transport zigbee, site from the configuration, id
//                    from its friendly name: lock_id_for), behind the bridge
//                    named by the base topic. A renamed device keeps its id
//                    while the hub runs (it is known by its IEEE address).
//   <name>           state / lock_state -> Hub::on_state; battery, voltage ->
//                    telemetry; linkquality -> the link trend; action,
//                    action_source_name, action_user -> an operation event
//                    (keypad, manual, rf...) or an alarm (wrong_code);
//                    door_state error_jammed and battery_low -> alarms once
//                    per episode; OTA update "updating" -> a firmware_update
//                    alarm, and the lock is updating until the state changes.
//   <name>/availability  {"state":"online|offline"} or legacy plain words.
//   bridge/state     the coordinator's Z2M up or down: its locks unreachable.
//   bridge/info      its version, for the lock doctor.
//   bridge/event     device_announce -> a rejoin; device_leave -> offline.
//   bridge/logging   failed requests: their MAC status as doctor evidence; a
//                    failed /set of a pending action fails it.
// A payload that does not decode is counted by its reason (Hub::on_rejected).
//
// Down (core::DeviceLink): lock / unlock publish {"state":"LOCK"|"UNLOCK"} on
// <base>/<name>/set; the action completes when a report shows the lock state
// asked for (jammed fails it), fails on a bridge/logging failure of that
// /set, and otherwise expires in the Hub. Probes publish {"state":""} on
// <base>/<name>/get. Unlatch is refused (ZCL locks have none). These commands
// are not signed end to end: Zigbee's own network and link security protect
// them on the air, the broker's access control on the wire.
//
// Threading: the owning event loop only, like the Hub.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/routing/link_router.h"
#include "base/result.h"
#include "base/time.h"
#include "core/hub/hub.h"
#include "protocol/ecosystem/zigbee2mqtt.h"

namespace lw::adapters::zigbee2mqtt {

/// A valid lock id (base/ids.h) for a Z2M friendly name: lower case, every
/// run of dashes and characters outside [a-z0-9_] becomes one '-', no '-' at
/// either end, at most 64 characters; the IEEE address when nothing is left.
/// "Back door" -> "back-door", "house/Main Door Lock" -> "house-main-door-lock".
LockId lock_id_for(std::string_view friendly_name, std::string_view ieee_address);

class Zigbee2MqttAdapter final : public ClaimingLink {
 public:
  struct Options {
    std::string base_topic{"zigbee2mqtt"};  ///< Z2M's mqtt.base_topic
    SiteId site;                            ///< the site its locks belong to
    /// How often a lock is expected to report; beyond it (and unanswered
    /// probes) the health engine calls it offline.
    Duration report_interval{std::chrono::hours(1)};
    /// false (hub.auto_register = false): only locks already configured are taken.
    bool register_new{true};
  };
  /// Publishes one message (QoS 1, not retained). Errors: unavailable when
  /// the broker is not connected.
  using Publish = std::function<Result<void>(std::string_view topic, std::string_view payload)>;

  Zigbee2MqttAdapter(Options options, core::Hub& hub, Publish publish);

  /// The subscription that brings everything it reads: "<base>/#".
  [[nodiscard]] std::string subscription() const { return options_.base_topic + "/#"; }
  [[nodiscard]] const Options& options() const { return options_; }

  /// One message from the broker. false when the topic is not under the base topic.
  bool handle(std::string_view topic, std::string_view payload);
  /// Fails the actions it could not send (unlatch) and forgets expired ones.
  /// Call after every Hub::tick.
  void tick();

  [[nodiscard]] bool speaks_for(const LockId& lock) const override { return devices_.contains(lock); }
  /// Errors: unavailable (not on the bridge, or the broker is not connected),
  /// invalid_argument (unlatch: failed as "unsupported" at the next tick()).
  Result<void> send_command(const core::Command& command) override;
  Result<void> probe(const core::LockAddress& lock) override;

  /// A lock found on the bridge.
  struct Device {
    LockId id;
    core::LockAddress address;
    std::string friendly_name;
    std::string ieee_address;
  };
  /// nullptr when the bridge has no such lock.
  [[nodiscard]] const Device* device(const LockId& lock) const;

 private:
  struct Pending {
    ActionId id;
    core::LockState want{core::LockState::locked};
    Timestamp expires_at{};
  };
  struct Tracked {
    Device device;
    std::optional<Pending> pending;
    bool jammed{false};
    bool updating{false};
    bool battery_low{false};
  };

  void discover(std::string_view payload);
  void report(Tracked& t, std::string_view payload);
  void availability(const std::string& name, std::string_view payload);
  void bridge_state(std::string_view payload);
  void bridge_event(std::string_view payload);
  void bridge_logging(std::string_view payload);
  void event(Tracked& t, core::DeviceEvent e);
  Tracked* by_name(const std::string& friendly_name);
  Tracked* by_ieee(const std::string& ieee_address);
  void reject(const std::string& reason);
  void complain(const LockId& lock, const Result<void>& r, std::string_view what);

  Options options_;
  core::Hub& hub_;
  Publish publish_;
  protocol::Z2mTopics topics_;
  std::map<LockId, Tracked> devices_;
  std::map<std::string, LockId> names_;             // friendly name -> lock
  std::map<std::string, bool> early_availability_;  // heard before bridge/devices named the device
  std::optional<bool> bridge_up_;
  bool told_bridge_down_{false};
  std::vector<std::pair<core::LockAddress, ActionId>> unsupported_;  // failed at the next tick()
  std::set<std::string, std::less<>> reported_;
};

}  // namespace lw::adapters::zigbee2mqtt
