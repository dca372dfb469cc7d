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
//   bridge/info      its version, for the lock doctor. Security anchor D15:
//                    a join window (permit_join true) still open after
//                    Options::join_window is closed by the hub
//                    (bridge/request/permit_join: 2.x {"time":0}, 1.x
//                    {"value":false}, resent every 30 s while it stays open)
//                    with a `permit_join_left_open` alarm on each of the
//                    bridge's locks; a network on Zigbee2MQTT's old default
//                    identifiers (z2m_default_network) raises one
//                    `default_network_key` alarm per lock.
//   bridge/event     device_announce -> a rejoin; device_leave -> offline;
//                    device_joined while the hub saw no open join window ->
//                    an `unexpected_join` alarm on each of the bridge's locks.
//   routers          a router (a mains device that is not a lock) that leaves
//                    bridge/devices, says device_leave or goes offline in its
//                    availability: doctor evidence that the bridge's locks
//                    may have lost their route (mesh_route_lost).
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
// Keypad codes (core::CodeCommand, answered through `on_code_result` in the
// lock's place by a PlainCodeEndpoint): one code command per lock at a time,
// the others queued.
//   set_code    {"pin_code":{"user":S,"user_type":"unrestricted",
//               "user_enabled":true,"pin_code":"<digits>"}} on /set; done when
//               the lock's SetPinCodeRsp shows (last_successful_pincode_save
//               moves on), then {"pin_code":{"user":S}} on /get refreshes
//               what Z2M knows of the slot
//   clear_code  {"pin_code":{"user":S,"pin_code":null}}; done when
//               last_successful_pincode_clear moves on
//   read_codes  {"pin_code":{"user":S}} on /get for each slot of the page;
//               answered once as many reports with `users` came as gets went
//               out (or failed: "user must be in range for device" ends the
//               lock's slots)
// Z2M publishes its whole state cache each time, so a slot's entry in
// `users` is news only when it differs from the last report's: an unchanged
// one never overrides what a later save or clear confirmed.
//   set_code_key  kept by the endpoint; digests need the PIN, which Z2M
//               reports only with the device option expose_pin
// A bridge/logging failure of a pin_code /set refuses the write with Z2M's
// words; no answer within the command's validity is left to the sync's retry.
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

#include "adapters/codes/plain_code_endpoint.h"
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
    /// How long a join window may stay open before the hub closes it: a
    /// little over 254 s, the longest Zigbee2MQTT 2.x opens one for, so a
    /// window that ends by itself is left alone.
    Duration join_window{std::chrono::minutes(5)};
  };
  /// Publishes one message (QoS 1, not retained). Errors: unavailable when
  /// the broker is not connected.
  using Publish = std::function<Result<void>(std::string_view topic, std::string_view payload)>;
  /// Where the answers to code commands go (AccessCodes::on_result).
  using CodeResults = std::function<void(const core::LockAddress&, const core::CommandResult&)>;

  Zigbee2MqttAdapter(Options options, core::Hub& hub, Publish publish);

  /// The subscription that brings everything it reads: "<base>/#".
  [[nodiscard]] std::string subscription() const { return options_.base_topic + "/#"; }
  [[nodiscard]] const Options& options() const { return options_; }
  void on_code_result(CodeResults sink) { code_results_ = std::move(sink); }

  /// One message from the broker. false when the topic is not under the base topic.
  bool handle(std::string_view topic, std::string_view payload);
  /// Fails the actions it could not send (unlatch) and forgets expired ones;
  /// closes a join window open longer than Options::join_window.
  /// Call after every Hub::tick.
  void tick();

  [[nodiscard]] bool speaks_for(const LockId& lock) const override { return devices_.contains(lock); }
  /// Errors: unavailable (not on the bridge, or the broker is not connected),
  /// invalid_argument (unlatch: failed as "unsupported" at the next tick()).
  Result<void> send_command(const core::Command& command) override;
  Result<void> probe(const core::Command& ping) override;
  /// Publishes `<base>/bridge/request/restart` (empty payload): Zigbee2MQTT
  /// restarts itself and reopens the coordinator. Refused while the bridge
  /// is known to be down (nothing would hear it).
  Result<void> restart_bridge(const core::LockAddress& lock) override;
  /// bridge/request/device/ota_update/update for the lock; Zigbee2MQTT's
  /// answer on bridge/response/device/ota_update/update goes to
  /// Hub::on_update_result.
  Result<void> update_firmware(const core::LockAddress& lock) override;

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
  /// One code command on its way to a lock.
  struct CodeOp {
    core::Command command;
    bool started{false};
    std::vector<int> asked;  ///< read_codes: the slots asked; set/clear: the slot
    int reports{0};          ///< read_codes: reports with `users` since asked
    int failed{0};           ///< read_codes: failed gets
    bool out_of_range{false};
    std::optional<std::int64_t> saved_before;    ///< last_successful_pincode_save when it started
    std::optional<std::int64_t> cleared_before;  ///< last_successful_pincode_clear when it started
  };
  struct Tracked {
    Device device;
    std::optional<Pending> pending;
    std::vector<CodeOp> codes;                    ///< the first is on its way
    std::map<int, protocol::Z2mUserSlot> users;   ///< what the lock last told of its slots
    std::map<int, protocol::Z2mUserSlot> cached;  ///< `users` as Z2M's state cache last published it
    std::optional<std::int64_t> pincode_saved_ms;
    std::optional<std::int64_t> pincode_cleared_ms;
    int slot_count{core::kMaxCodeSlots};  ///< lowered when Z2M says a slot is out of range
    /// auto_relock_time and sound_volume as Z2M's state last told them (empty: never).
    core::LockSettings settings;
    bool jammed{false};
    bool updating{false};
    bool battery_low{false};
    bool default_key_told{false};  ///< the default_network_key alarm was raised
  };
  /// The bridge's join window (permit_join) as bridge/info last told it.
  struct JoinWindow {
    bool open{false};
    Timestamp seen_open{};                ///< when the hub first saw it open
    std::optional<Timestamp> close_sent;  ///< when the hub last asked to close it
    bool alarmed{false};                  ///< permit_join_left_open raised for this window
  };

  void discover(std::string_view payload);
  void report(Tracked& t, std::string_view payload);
  void ota_response(std::string_view payload);
  /// The lock's device when the bridge can be asked something for it: the
  /// lock is on this bridge and the bridge is not known to be down.
  [[nodiscard]] Result<const Device*> askable(const core::LockAddress& lock) const;
  void availability(const std::string& name, std::string_view payload);
  void bridge_state(std::string_view payload);
  void bridge_info(std::string_view payload);
  void bridge_event(std::string_view payload);
  /// Asks the bridge to close its join window, in the form its version speaks.
  void close_join(Timestamp now);
  /// An alarm on every lock of the bridge (a bridge-wide security finding).
  void alarm_all(const std::string& name);
  void tell_default_key(Tracked& t);
  void bridge_logging(std::string_view payload);
  /// A router of the mesh went offline or left: doctor evidence for the bridge's locks.
  void router_gone(const std::string& name, std::string_view why);
  void event(Tracked& t, core::DeviceEvent e);
  Tracked* by_name(const std::string& friendly_name);
  Tracked* by_ieee(const std::string& ieee_address);
  void reject(const std::string& reason);
  void complain(const LockId& lock, const Result<void>& r, std::string_view what);
  // Keypad codes.
  /// Sends the first queued code command. Errors: the broker's.
  Result<void> start_code(Tracked& t);
  /// Starts queued code commands until one waits for the lock.
  void advance(Tracked& t);
  void code_report(Tracked& t, const protocol::Z2mDeviceReport& r);
  /// A pin_code or settings request (`key`) failed; `radio`: for want of a
  /// route (retried), not refused.
  void code_failed(Tracked& t, const std::string& type, const std::string& key, const std::string& message,
                   bool radio);
  /// Answers the first code command with `slots` as what the lock holds.
  void finish_code(Tracked& t, core::CommandOutcome outcome, std::string detail,
                   const std::vector<codes::PlainSlot>& slots);
  /// The occupied slots from..to the lock last told of.
  std::vector<codes::PlainSlot> held(const Tracked& t, int from, int to) const;

  Options options_;
  core::Hub& hub_;
  Publish publish_;
  protocol::Z2mTopics topics_;
  std::map<LockId, Tracked> devices_;
  std::map<std::string, LockId> names_;             // friendly name -> lock
  std::map<std::string, bool> early_availability_;  // heard before bridge/devices named the device
  std::map<std::string, std::string> routers_;      // the mesh's routers: ieee address -> friendly name
  std::optional<bool> bridge_up_;
  std::optional<int> bridge_major_;  ///< Z2M's major version, from bridge/info
  JoinWindow join_;
  bool default_network_{false};
  bool told_bridge_down_{false};
  std::vector<std::pair<core::LockAddress, ActionId>> unsupported_;              // failed at the next tick()
  std::vector<std::pair<core::LockAddress, core::CommandResult>> code_answers_;  // given at the next tick()
  codes::PlainCodeEndpoint endpoint_;
  CodeResults code_results_;
  std::set<std::string, std::less<>> reported_;
};

}  // namespace lw::adapters::zigbee2mqtt
