// MqttPeer: a plain MQTT client for black-box tests that play a device which
// speaks its own API (a Nuki lock): it connects with an optional Last Will,
// publishes, answers what it receives, and can drop its connection without
// a goodbye so the broker delivers the Last Will. It runs lw's MqttClient on
// an io_context thread of its own; every call blocks until that thread did it.
//
// Threading: call from the test's thread; `Responder` runs on the peer's thread.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "adapters/mqtt/mqtt_client.h"

namespace lw::e2e {

class MqttPeer {
 public:
  using Message = std::pair<std::string, std::string>;
  /// What to publish (not retained) in answer to a message received.
  using Responder = std::function<std::vector<Message>(const std::string& topic, const std::string& payload)>;

  MqttPeer(int port, std::string client_id, std::optional<adapters::mqtt::LastWill> will,
           std::vector<std::string> subscriptions, Responder responder)
      : work_(io_.get_executor()), responder_(std::move(responder)) {
    thread_ = std::thread([this] { io_.run(); });
    run([&] {
      adapters::mqtt::MqttClient::Options o;
      o.port = port;
      o.client_id = std::move(client_id);
      o.keepalive = std::chrono::seconds(5);
      o.clean_session = true;
      o.will = std::move(will);
      client_ = std::make_unique<adapters::mqtt::MqttClient>(io_, std::move(o));
      client_->on_connected([this] { connected_ = true; });
      client_->on_message([this](std::string_view topic, std::string_view payload, bool /*retained*/) {
        for (const auto& [t, p] : responder_(std::string(topic), std::string(payload))) {
          (void)client_->publish(t, p, adapters::mqtt::Qos::at_least_once, false);
        }
      });
      for (const std::string& s : subscriptions)
        (void)client_->subscribe(s, adapters::mqtt::Qos::at_least_once);
      client_->start();
      return true;
    });
  }
  ~MqttPeer() {
    run([&] {
      client_.reset();  // a clean DISCONNECT when still connected
      return true;
    });
    work_.reset();
    io_.stop();
    thread_.join();
  }
  MqttPeer(const MqttPeer&) = delete;
  MqttPeer& operator=(const MqttPeer&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }

  /// QoS 1. false when the peer is not connected.
  bool publish(const std::string& topic, const std::string& payload, bool retain) {
    return run([&] {
      return client_->publish(topic, payload, adapters::mqtt::Qos::at_least_once, retain).has_value();
    });
  }

  /// Closes the connection without DISCONNECT: the broker publishes the Last Will.
  void kill() {
    run([&] {
      client_->abort_connection();
      connected_ = false;
      return true;
    });
  }

 private:
  template <typename F>
  bool run(F f) {
    std::packaged_task<bool()> task(std::move(f));
    auto done = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return done.get();
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  std::unique_ptr<adapters::mqtt::MqttClient> client_;
  Responder responder_;
  std::atomic<bool> connected_{false};
};

}  // namespace lw::e2e
