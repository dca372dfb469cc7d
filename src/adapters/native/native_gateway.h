// NativeGateway: connects lockwarden-native locks on MQTT to the Hub.
//
// Up: subscribes to every lock channel (lw/v1/+/+/+), decodes each message with
// the protocol codec and hands the domain value to the Hub. A message that does
// not decode, or that the Hub refuses (unknown lock with auto-registration off,
// a lock id reused under another site), is dropped and counted by its reason
// (Hub::on_rejected); the first occurrence of each reason is logged at warn.
// Down: implements core::DeviceLink — signs each Command with the hub's
// Ed25519 key and publishes the envelope on the lock's `cmd` topic at QoS 1.
//
// Threading: everything on the MqttClient's io_context thread.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/hub/hub.h"
#include "core/ports/device_link.h"
#include "protocol/envelope.h"
#include "protocol/unpair_command.h"

namespace lw::adapters::mqtt {
class MqttClient;
}

namespace lw::adapters::native {

class NativeGateway final : public core::DeviceLink {
 public:
  NativeGateway(mqtt::MqttClient& client, const protocol::SigningKey& key);

  /// Starts routing incoming messages to `hub` and subscribes. Call once, before
  /// the client connects (subscriptions are re-sent on every reconnect).
  void attach(core::Hub& hub);

  /// Errors: unavailable when the broker is not connected.
  Result<void> send_command(const core::Command& command) override;
  /// The ping itself, signed like any command (docs/protocol.md 5.6).
  Result<void> probe(const core::Command& ping) override { return send_command(ping); }

  /// Publishes a pairing message on the lock's `pair` topic (docs/protocol.md
  /// 6.2), QoS 1, not retained. Errors: unavailable when not connected.
  Result<void> send_pair(const core::LockAddress& lock, std::string_view payload);
  /// Publishes an envelope a user's own key sealed, byte for byte, on the
  /// lock's `cmd` topic (5.5). Errors: unavailable when not connected.
  Result<void> relay_envelope(const core::LockAddress& lock, std::string_view envelope) override;
  /// Receives every message a lock publishes on its `pair_reply` topic.
  using PairReplyListener = std::function<void(const core::LockAddress&, std::string_view)>;
  void on_pair_reply(PairReplyListener listener) { pair_reply_ = std::move(listener); }

  /// Hears each command result and event a lock sent, after the Hub applied it
  /// (keypad codes follow their commands' answers and wrong-PIN alarms).
  using ResultListener = std::function<void(const core::LockAddress&, const core::CommandResult&)>;
  using EventListener = std::function<void(const core::LockAddress&, const core::DeviceEvent&)>;
  void on_result(ResultListener listener) { results_.push_back(std::move(listener)); }
  void on_event(EventListener listener) { events_.push_back(std::move(listener)); }
  /// Signs an unpair command (docs/protocol.md 6.3) with the hub's key and
  /// publishes it on the lock's `cmd` topic. Errors: unavailable when not connected.
  Result<void> send_unpair(const protocol::UnpairCommand& unpair);

  /// Routes one incoming message (exposed for tests).
  void handle(std::string_view topic, std::string_view payload);

 private:
  void reject(const std::string& reason);

  mqtt::MqttClient& client_;
  protocol::SigningKey key_;
  core::Hub* hub_{nullptr};
  PairReplyListener pair_reply_;
  std::vector<ResultListener> results_;
  std::vector<EventListener> events_;
  std::set<std::string, std::less<>> reported_;
};

}  // namespace lw::adapters::native
