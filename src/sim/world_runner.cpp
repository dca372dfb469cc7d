#include "sim/world_runner.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <utility>

#include "adapters/mqtt/broker_access.h"
#include "protocol/codec.h"
#include "protocol/ecosystem/zigbee2mqtt.h"
#include "protocol/topics.h"

namespace lw::sim {
namespace {

using adapters::mqtt::MqttClient;
using adapters::mqtt::Qos;

constexpr auto kTick = std::chrono::milliseconds(100);

/// How a topic is published: the native protocol's table for lw/v1 topics;
/// for the bridges' topics, retained where Zigbee2MQTT and Z-Wave JS UI
/// retain (availability, bridge state and info, node and gateway status).
protocol::PublishTraits traits_of(std::string_view topic) {
  if (auto t = protocol::parse_topic(topic)) return protocol::publish_traits(t->channel);
  return {1, topic.ends_with("/availability") || topic.ends_with("/bridge/state") ||
                 topic.ends_with("/bridge/info") || topic.ends_with("/bridge/devices") ||
                 topic.ends_with("/status")};
}

}  // namespace

WorldRunner::WorldRunner(boost::asio::io_context& io, Scenario scenario,
                         std::optional<std::string> hub_public_key_b64, double speed)
    : io_(io),
      scenario_(std::move(scenario)),
      hub_key_override_(std::move(hub_public_key_b64)),
      speed_(speed),
      timer_(io) {}

WorldRunner::~WorldRunner() { stop(); }

Result<void> WorldRunner::start() {
  if (started_) return failed_precondition("the simulator is already started");
  if (!(speed_ > 0)) return invalid_argument("speed", "must be greater than 0");
  const std::string key_b64 = hub_key_override_.value_or(scenario_.hub.public_key);
  if (key_b64.empty()) {
    return failed_precondition(
        scenario_.file + ": no hub public key: set hub.public_key or hub.public_key_file, or pass the key");
  }
  auto key = protocol::decode_public_key(key_b64);
  if (!key) return invalid_argument("hub public key", "must be base64 of a 32-byte Ed25519 public key");
  hub_key_ = *key;

  MqttClient::Options options;
  options.host = scenario_.broker.host;
  options.port = scenario_.broker.port;
  options.tls_ca_file = scenario_.broker.tls_ca_file;
  options.client_id = "lw-sim-world-" + std::to_string(::getpid());
  if (!scenario_.broker.credentials_file.empty()) {
    constexpr std::string_view kUser = "lw-simulator";  // adapters/mqtt/broker_access.h
    auto credentials = adapters::mqtt::read_broker_credentials(scenario_.broker.credentials_file);
    if (!credentials)
      return Error{credentials.error().code, "broker.credentials_file: " + credentials.error().message};
    auto account = credentials->find(kUser);
    if (account == credentials->end()) {
      return invalid_argument("broker.credentials_file",
                              scenario_.broker.credentials_file + " has no account " + std::string(kUser));
    }
    options.username = std::string(kUser);
    options.password = account->second;
  }
  options.clean_session = true;
  if (auto valid = MqttClient::validate(options); !valid) return valid.error();
  client_ = std::make_unique<MqttClient>(io_, std::move(options));
  client_->on_connected([this] {
    if (!world_) begin();
  });
  client_->on_disconnected([](const std::string& reason) {
    spdlog::warn("sim: broker connection lost ({}); reconnecting", reason);
  });
  client_->on_message([this](std::string_view topic, std::string_view payload, bool /*retained*/) {
    if (!world_) return;
    if (zigbee_request(topic, payload)) return;
    auto t = protocol::parse_topic(topic);
    if (!t) return;
    if (t->channel == protocol::Channel::pair) {
      world_->advance_to(world_time());
      world_->pair(t->address, payload);
      return;
    }
    if (t->channel != protocol::Channel::cmd) return;
    world_->advance_to(world_time());
    world_->command(t->address, payload, clock_.now());
  });
  if (auto r = client_->subscribe("lw/v1/+/+/cmd", Qos::at_least_once); !r) return r.error();
  if (auto r = client_->subscribe("lw/v1/+/+/pair", Qos::at_least_once); !r) return r.error();
  // The hub's requests to Zigbee locks, through each Zigbee2MQTT bridge.
  for (const ScenarioBridge& b : scenario_.bridges) {
    if (b.kind != BridgeKind::zigbee) continue;
    for (const char* leaf : {"/+/set", "/+/get"}) {
      if (auto r = client_->subscribe(b.base_topic + leaf, Qos::at_least_once); !r) return r.error();
    }
  }
  started_ = true;
  client_->start();
  return ok();
}

void WorldRunner::begin() {
  origin_steady_ = std::chrono::steady_clock::now();
  origin_ = clock_.now();
  auto world = WorldEngine::create(scenario_, origin_, hub_key_, *this, *this);
  if (!world) {
    spdlog::error("sim: {}", world.error().message);
    return;
  }
  world_ = std::move(*world);
  spdlog::info("sim: {} locks of {} running at {}x real time", scenario_.locks.size(), scenario_.file,
               speed_);
  tick();
}

Timestamp WorldRunner::world_time() const {
  const auto elapsed = std::chrono::steady_clock::now() - origin_steady_;
  return origin_ + std::chrono::duration_cast<Duration>(elapsed * speed_);
}

bool WorldRunner::zigbee_request(std::string_view topic, std::string_view payload) {
  for (const ScenarioBridge& b : scenario_.bridges) {
    if (b.kind != BridgeKind::zigbee) continue;
    auto t = protocol::Z2mTopics(b.base_topic).classify(topic);
    if (!t) continue;
    if (t->kind != protocol::Z2mTopicKind::device_set && t->kind != protocol::Z2mTopicKind::device_get)
      return true;
    world_->advance_to(world_time());
    if (t->kind == protocol::Z2mTopicKind::device_set && t->subtopic.empty()) {
      world_->zigbee_set(b.base_topic, t->friendly_name, payload);
    } else if (t->kind == protocol::Z2mTopicKind::device_get) {
      world_->zigbee_get(b.base_topic, t->friendly_name, payload);
    }
    return true;
  }
  return false;
}

void WorldRunner::tick() {
  if (stopped_ || !world_) return;
  world_->advance_to(world_time());
  timer_.expires_after(kTick);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) tick();
  });
}

void WorldRunner::message(Timestamp /*ts*/, std::string_view topic, std::string_view payload, bool /*json*/) {
  if (!client_) return;
  const protocol::PublishTraits traits = traits_of(topic);
  if (auto r = client_->publish(topic, payload, static_cast<Qos>(traits.qos), traits.retained); !r) {
    spdlog::warn("sim: cannot publish on {}: {}", topic, r.error().message);
  }
  if (payload == protocol::kLastWillPayload || payload == R"({"state":"offline"})" ||
      payload == R"({"value":false})") {
    spdlog::info("sim: {} went offline", topic);
  }
}

void WorldRunner::label(const FaultLabel& label) {
  spdlog::info("sim: {} on {} ended ({})", label.kind, label.target,
               label.fix.empty() ? "still active" : label.fix);
}

void WorldRunner::began(const FaultLabel& label) {
  std::string devices;
  for (const auto& d : label.devices) devices += (devices.empty() ? "" : ", ") + d;
  spdlog::info("sim: {} strikes {} ({})", label.kind, label.target, devices);
}

void WorldRunner::stop() {
  if (stopped_) return;
  stopped_ = true;
  timer_.cancel();
  if (world_) world_->shutdown();
  if (client_) client_->stop();
}

VirtualRunStats WorldRunner::stats() const { return world_ ? world_->stats() : VirtualRunStats{}; }

}  // namespace lw::sim
