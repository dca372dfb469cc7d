#include "adapters/native/native_gateway.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "adapters/mqtt/mqtt_client.h"
#include "protocol/codec.h"
#include "protocol/topics.h"

namespace lw::adapters::native {

NativeGateway::NativeGateway(mqtt::MqttClient& client, const protocol::SigningKey& key)
    : client_(client), key_(key) {}

void NativeGateway::attach(core::Hub& hub) {
  hub_ = &hub;
  client_.on_message([this](std::string_view topic, std::string_view payload, bool /*retained*/) {
    handle(topic, payload);
  });
  (void)client_.subscribe(protocol::kHubSubscription, mqtt::Qos::at_least_once);
}

void NativeGateway::reject(const std::string& reason) {
  hub_->on_rejected(reason);
  if (reported_.insert(reason).second) {
    spdlog::warn("rejected a message: {} (further rejections for this reason are only counted)", reason);
  }
}

void NativeGateway::handle(std::string_view topic_text, std::string_view payload) {
  if (!hub_) return;
  auto topic = protocol::parse_topic(topic_text);
  if (!topic) return reject(topic.error().message);
  const core::LockAddress& from = topic->address;
  Result<void> applied;
  switch (topic->channel) {
    case protocol::Channel::cmd:  // our own commands, echoed by the broker
    case protocol::Channel::pair: return;
    case protocol::Channel::pair_reply:
      if (pair_reply_) pair_reply_(from, payload);
      return;
    case protocol::Channel::app: {  // a phone's companion app: evidence for the lock doctor
      auto v = protocol::decode_app_report(payload);
      if (!v) return reject(v.error().message);
      applied = hub_->on_app_report(from, *v);
      break;
    }
    case protocol::Channel::status: {
      auto v = protocol::decode_status(payload);
      if (!v) return reject(v.error().message);
      applied = hub_->on_status(from, *v);
      break;
    }
    case protocol::Channel::telemetry: {
      auto v = protocol::decode_telemetry(payload);
      if (!v) return reject(v.error().message);
      applied = hub_->on_telemetry(from, *v);
      break;
    }
    case protocol::Channel::state: {
      auto v = protocol::decode_state(payload);
      if (!v) return reject(v.error().message);
      applied = hub_->on_state(from, *v);
      break;
    }
    case protocol::Channel::event: {
      auto v = protocol::decode_event(payload);
      if (!v) return reject(v.error().message);
      applied = hub_->on_event(from, *v);
      if (applied) {
        for (const auto& listener : events_) listener(from, *v);
      }
      break;
    }
    case protocol::Channel::result: {
      auto v = protocol::decode_result(payload);
      if (!v) return reject(v.error().message);
      applied = hub_->on_command_result(from, *v);
      if (applied) {
        for (const auto& listener : results_) listener(from, *v);
      }
      break;
    }
  }
  if (!applied) {
    if (applied.error().code == ErrorCode::not_found) {
      reject(std::string(protocol::to_string(topic->channel)) + ": from an unknown or misplaced lock");
    } else {
      spdlog::error("could not apply a {} message from {}/{}: {}", protocol::to_string(topic->channel),
                    from.site, from.lock, applied.error().to_string());
    }
  }
}

Result<void> NativeGateway::send_pair(const core::LockAddress& lock, std::string_view payload) {
  return client_.publish(protocol::topic_for(lock, protocol::Channel::pair), std::string(payload),
                         mqtt::Qos::at_least_once, false);
}

Result<void> NativeGateway::relay_envelope(const core::LockAddress& lock, std::string_view envelope) {
  return client_.publish(protocol::topic_for(lock, protocol::Channel::cmd), std::string(envelope),
                         mqtt::Qos::at_least_once, false);
}

Result<void> NativeGateway::send_unpair(const protocol::UnpairCommand& unpair) {
  return client_.publish(protocol::topic_for(unpair.command.target, protocol::Channel::cmd),
                         protocol::seal_unpair(unpair, key_), mqtt::Qos::at_least_once, false);
}

Result<void> NativeGateway::send_command(const core::Command& command) {
  std::string envelope = protocol::seal_command(command, key_);
  return client_.publish(protocol::topic_for(command.target, protocol::Channel::cmd), envelope,
                         mqtt::Qos::at_least_once, false);
}

}  // namespace lw::adapters::native
