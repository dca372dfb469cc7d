// HomeAssistantBridge: lockwarden's locks in Home Assistant through MQTT
// discovery (docs/integrations.md, "Home Assistant"). It publishes, on the
// hub's MqttClient, what discovery.h and states.h build, and turns Home
// Assistant's lock commands into hub actions.
//
// Out: on every connection (and when Home Assistant announces it started on
// <discovery>/status) the hub status "online", the hub's and every lock's
// retained discovery configs and every lock's states. Afterwards, as the hub
// notifies (it is an EventSink among the event stream's listeners) and as the
// event stream finds a lock's case or battery day changed from its tick
// (view_changed), a lock's configs when its name, firmware or transport
// change (and at once for a lock first heard), and each state only when its
// payload changed (compared by a 64-bit hash, 12 per lock). While a hub action
// is pending the lock shows LOCKING / UNLOCKING / OPENING. Nothing is queued
// while disconnected: the next connection publishes everything again.
// The hub's Last Will (last_will()) and stop() make the hub status "offline".
//
// In: LOCK / UNLOCK (/ OPEN) on <state>/lock/<lock>/set become
// Hub::request_action, the same action POST /api/v1/locks/{id}/lock starts.
// The subscription is QoS 0 and retained commands are ignored, so a command
// is never replayed from the broker: not to a reconnecting hub session, not
// from a message someone left retained. A bad payload or an unknown lock is
// counted as rejected (GET /api/v1/stats, "home_assistant.command: ...").
// Who may command a lock is decided by the broker's ACLs on that topic.
//
// Locks gone: lock_removed() publishes empty retained configs and states.
// Configs left at the broker by this hub (via_device is this hub) for a lock
// it does not know, seen on the retained <discovery>/+/+/+/config after
// connecting, are removed the same way.
//
// Example:
//   MqttClient::Options options = ...;
//   options.will = HomeAssistantBridge::last_will(topics);
//   HomeAssistantBridge ha(client, {.topics = topics});
//   listeners.add(ha);                          // the event stream's inner sink
//   events.on_view_changed([&](const core::LockRecord& l) { ha.view_changed(l); });
//   ha.attach(hub);
//   client.on_connected([&] { ha.connected(); });
//   client.on_message([&](auto topic, auto payload, bool retained) {
//     if (!ha.handle(topic, payload, retained)) gateway.handle(topic, payload);
//   });
//
// Threading: everything on the MqttClient's io_context thread, which owns the Hub.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/homeassistant/discovery.h"
#include "adapters/homeassistant/topics.h"
#include "adapters/mqtt/mqtt_client.h"
#include "core/ports/event_sink.h"

namespace lw::core {
class Hub;
}  // namespace lw::core

namespace lw::adapters::homeassistant {

class HomeAssistantBridge final : public core::EventSink {
 public:
  struct Options {
    Topics topics;
    std::string version;  ///< lockwarden's, for the origin and the hub device
  };

  /// The Last Will the hub's MqttClient must carry: "offline", retained, QoS 1,
  /// on the hub status topic.
  static mqtt::LastWill last_will(const Topics& topics);

  HomeAssistantBridge(mqtt::MqttClient& client, Options options);
  HomeAssistantBridge(const HomeAssistantBridge&) = delete;
  HomeAssistantBridge& operator=(const HomeAssistantBridge&) = delete;

  /// The hub whose locks are shown and which takes the commands; subscribes
  /// to the command topics, Home Assistant's status and the config topics.
  /// Call once, before the client connects. `hub` must outlive the bridge.
  void attach(core::Hub& hub);

  /// The client (re)connected: publishes everything (see above).
  void connected();

  /// An incoming message; true when it was the bridge's (a command, Home
  /// Assistant's status, a config), false for anyone else's.
  bool handle(std::string_view topic, std::string_view payload, bool retained);

  /// Before a clean disconnect: the hub status "offline" (a clean DISCONNECT
  /// does not fire the Last Will).
  void stop();

  /// The lock left the hub: its entities and retained states are deleted.
  void lock_removed(const LockId& lock);

  /// What a lock shows changed without the hub storing it (its case summary,
  /// its battery forecast's whole days): from EventStream's tick.
  void view_changed(const core::LockRecord& lock);

  // core::EventSink
  void lock_changed(const core::LockRecord& lock) override;
  void event_recorded(const core::EventRecord& /*event*/) override {}
  void action_changed(const core::Action& action) override;

 private:
  struct Announced {
    std::string name;
    std::string firmware;
    core::Transport transport{core::Transport::wifi};
    bool unlatch{false};
    friend bool operator==(const Announced&, const Announced&) = default;
  };
  struct LockMark {
    std::optional<Announced> announced;                            // what the published configs say
    std::vector<std::uint64_t> states;                             // hash per state message published
    std::vector<std::pair<ActionId, core::LockAction>> in_flight;  // pending hub actions, oldest first
  };

  /// Publishes `lock`'s configs if they changed and its states that changed.
  void refresh(const core::LockRecord& lock);
  void publish_everything();
  bool publish(const Message& message);
  void command(const LockId& lock, std::string_view payload);
  void reject(const std::string& reason);
  /// A retained config at the broker: removes the entities of a lock of this hub it no longer knows.
  void sweep(const LockId& lock, std::string_view payload);

  mqtt::MqttClient& client_;
  Options options_;
  core::Hub* hub_{nullptr};
  std::map<LockId, LockMark> locks_;
  std::set<LockId> swept_;  // locks removed by sweep() on this connection
  std::set<std::string, std::less<>> reported_;
};

}  // namespace lw::adapters::homeassistant
