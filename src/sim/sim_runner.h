// SimRunner: brings a scenario's locks to life on a real MQTT broker — what
// `lockwarden sim --scenario FILE` and `lockwarden demo` run.
//
// Each lock is a DeviceModel with its own MqttClient (client id
// `lw-sim-<lock id>`, persistent session, the lock's keep-alive, Last Will
// `{"v":1,"status":"offline"}` retained at QoS 1 on its status topic), speaking
// the native protocol (docs/protocol.md) through protocol::topic_for and the
// protocol encoders:
//   - on every connection: status online (retained), state (retained),
//     telemetry, then the events it could not send before, in order;
//   - telemetry every heartbeat (a steady timer, restarted on connection);
//   - a command on its cmd topic (subscribed at QoS 1) goes through the model;
//     the result (QoS 1), the state (retained) and the events (QoS 1) go out;
//   - faults and traffic run on the scenario's timeline (docs/scenarios.md).
// Events produced while a lock cannot publish (no connection, hung radio) are
// kept, up to kMaxPendingEvents per lock, and published in order once it can.
//
// Time: the models see the wall clock (commands carry the hub's wall-clock
// validity window). `speed` divides every scenario interval — heartbeats, fault
// times, traffic — in real time; 1 is real time. Keep-alives are not scaled.
//
// Logging: spdlog's default logger; each fault and each person at a door at
// info, so a demo viewer can follow the timeline.
//
// Threading: every member function, and the destructor, must be called on the
// thread that runs the io_context; all work happens in its handlers.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/mqtt/mqtt_client.h"
#include "adapters/system/system_clock.h"
#include "base/result.h"
#include "protocol/topics.h"
#include "sim/device_model.h"
#include "sim/scenario.h"

namespace lw::sim {

class SimRunner {
 public:
  /// Events kept per lock while it cannot publish; beyond that the oldest go.
  static constexpr std::size_t kMaxPendingEvents = 1000;

  /// `hub_public_key_b64`, when given, replaces the scenario's hub.public_key
  /// (base64 of the hub's Ed25519 public key). `speed` > 0: how many times
  /// faster than real time the scenario runs.
  SimRunner(boost::asio::io_context& io, Scenario scenario,
            std::optional<std::string> hub_public_key_b64 = std::nullopt, double speed = 1.0);
  /// Calls stop().
  ~SimRunner();
  SimRunner(const SimRunner&) = delete;
  SimRunner& operator=(const SimRunner&) = delete;

  /// Builds the locks, starts connecting them and starts the timeline; returns
  /// at once (the work happens as the io_context runs). Errors:
  /// failed_precondition (no hub key in the scenario or the override; already
  /// started), invalid_argument (the hub key is not base64 of 32 bytes; speed
  /// is not > 0; the broker settings are refused by the MQTT client).
  Result<void> start();

  /// Ends the run: every connected lock publishes status offline and
  /// disconnects cleanly (so no Last Will); timers are cancelled. Idempotent.
  void stop();

  /// The device model of `lock_id`, for inspection; null when unknown or not started.
  [[nodiscard]] const DeviceModel* device(std::string_view lock_id) const;
  /// True while `lock_id` has an MQTT connection.
  [[nodiscard]] bool connected(std::string_view lock_id) const;
  /// Events `lock_id` holds back until it can publish.
  [[nodiscard]] std::size_t pending_events(std::string_view lock_id) const;

 private:
  struct Device {
    Device(boost::asio::io_context& io, std::unique_ptr<DeviceModel> m);
    std::unique_ptr<DeviceModel> model;
    std::unique_ptr<adapters::mqtt::MqttClient> client;
    boost::asio::steady_timer heartbeat_timer;
    std::deque<core::DeviceEvent> pending_events;
  };

  using SteadyDuration = std::chrono::steady_clock::duration;

  [[nodiscard]] SteadyDuration scaled(Duration d) const;
  Device* find(std::string_view lock_id);
  [[nodiscard]] const Device* find(std::string_view lock_id) const;

  void on_connected(Device& device);
  void on_message(Device& device, std::string_view topic, std::string_view payload);
  void arm_heartbeat(Device& device);
  void schedule_faults();
  void schedule_traffic();
  void arm_traffic(std::size_t index);
  void apply_fault(const ScenarioFault& fault);
  void run_traffic(const ScenarioTraffic& traffic);
  /// Publishes what the device produced, or keeps its events when it cannot.
  void emit(Device& device, DeviceOutput out);
  void flush_events(Device& device);
  Result<void> publish(Device& device, protocol::Channel channel, const std::string& payload);

  boost::asio::io_context& io_;
  Scenario scenario_;
  std::optional<std::string> hub_key_override_;
  double speed_;
  adapters::SystemClock clock_;
  std::vector<std::unique_ptr<Device>> devices_;
  std::vector<std::unique_ptr<boost::asio::steady_timer>> fault_timers_;    // one per scenario fault
  std::vector<std::unique_ptr<boost::asio::steady_timer>> traffic_timers_;  // one per scenario traffic entry
  std::chrono::steady_clock::time_point started_at_{};
  bool started_{false};
  bool stopped_{false};
};

}  // namespace lw::sim
