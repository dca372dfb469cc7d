// MqttRecorder: a plain MQTT client for tests that subscribes to some filters
// and keeps every message it receives (and the last payload per topic), as a
// Home Assistant or any other subscriber would see them. It can also publish.
// It runs on the caller's io_context: the test drives it (run_until).
//
// Defined in this header, like mosquitto_broker.h, so that every test binary
// links MqttClient from lw_adapters whatever the order of its libraries.
//
// Example:
//   boost::asio::io_context io;
//   MqttRecorder ha(io, broker.port(), "ha", {"homeassistant/#"});
//   ASSERT_TRUE(ha.run_until([&] { return ha.last("homeassistant/lock/x/config").has_value(); }, 5s));
//
// Threading: the io_context's thread (the test's).
#pragma once

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/mqtt/mqtt_client.h"

namespace lw::testing {

class MqttRecorder {
 public:
  struct Received {
    std::string topic;
    std::string payload;
    bool retained{false};
  };

  /// Connects (clean session) and subscribes to `filters` at QoS 1.
  MqttRecorder(boost::asio::io_context& io, int port, const std::string& client_id,
               const std::vector<std::string>& filters)
      : io_(io), client_(io, options(port, client_id)) {
    client_.on_message([this](std::string_view topic, std::string_view payload, bool retained) {
      messages_.push_back({std::string(topic), std::string(payload), retained});
      last_[std::string(topic)] = std::string(payload);
    });
    for (const auto& f : filters) (void)client_.subscribe(f, adapters::mqtt::Qos::at_least_once);
    client_.start();
  }
  ~MqttRecorder() { client_.stop(); }
  MqttRecorder(const MqttRecorder&) = delete;
  MqttRecorder& operator=(const MqttRecorder&) = delete;

  /// Runs `io` until `done` holds or `timeout` passes; returns done().
  bool run_until(const std::function<bool()>& done, Duration timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.run_for(std::chrono::milliseconds(10));
    }
    return true;
  }
  bool wait_connected(Duration timeout = std::chrono::seconds(5)) {
    return run_until([this] { return client_.connected(); }, timeout);
  }

  /// The last payload received on `topic` (an empty one included), if any.
  [[nodiscard]] std::optional<std::string> last(std::string_view topic) const {
    auto it = last_.find(std::string(topic));
    if (it == last_.end()) return std::nullopt;
    return it->second;
  }
  [[nodiscard]] bool last_is(std::string_view topic, std::string_view payload) const {
    auto l = last(topic);
    return l && *l == payload;
  }
  /// Every message on `topic`, oldest first.
  [[nodiscard]] std::vector<Received> on(std::string_view topic) const {
    std::vector<Received> out;
    for (const auto& m : messages_) {
      if (m.topic == topic) out.push_back(m);
    }
    return out;
  }
  [[nodiscard]] const std::vector<Received>& messages() const { return messages_; }
  void clear() {
    messages_.clear();
    last_.clear();
  }

  Result<void> publish(std::string_view topic, std::string_view payload, bool retain = false) {
    return client_.publish(topic, payload, adapters::mqtt::Qos::at_least_once, retain);
  }
  [[nodiscard]] bool connected() const { return client_.connected(); }

 private:
  static adapters::mqtt::MqttClient::Options options(int port, const std::string& client_id) {
    adapters::mqtt::MqttClient::Options o;
    o.host = "127.0.0.1";
    o.port = port;
    o.client_id = client_id + "-" + std::to_string(::getpid());
    o.keepalive = std::chrono::seconds(5);
    o.clean_session = true;
    return o;
  }

  boost::asio::io_context& io_;
  adapters::mqtt::MqttClient client_;
  std::vector<Received> messages_;
  std::map<std::string, std::string> last_;
};

}  // namespace lw::testing
