// WorldRunner: the world simulator in real time on a real broker — what
// `lockwarden sim` runs for a scenario with networks, bridges, phones,
// placement or catalogue faults (WorldEngine), and what `lockwarden demo` runs.
//
// One MQTT client (`lw-sim-world-<pid>`) publishes everything the world's
// devices say, at the moment they say it: native locks on their lw/v1 topics
// (status and state retained), Zigbee2MQTT and Z-Wave JS UI topics for bridged
// locks (availability, bridge state, info and devices, and node status
// retained), phone reports. A broken link's Last Will is published when the
// broker would deliver it. Commands the hub publishes on `lw/v1/+/+/cmd` reach
// the world's locks, and so do its requests to Zigbee locks on each
// Zigbee2MQTT bridge's `<base>/+/set` and `<base>/+/get`.
//
// Time: the world starts at the wall-clock time of the first connection and
// runs `speed` times faster than real time; the locks check a command's
// validity window against the wall clock (their clocks are synchronised).
// Each fault and each bridge or lock going offline is logged at info.
//
// Threading: every member function, and the destructor, must be called on the
// thread that runs the io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "adapters/mqtt/mqtt_client.h"
#include "adapters/system/system_clock.h"
#include "base/result.h"
#include "sim/scenario.h"
#include "sim/world_engine.h"

namespace lw::sim {

class WorldRunner final : public TraceSink, public LabelSink {
 public:
  /// `hub_public_key_b64`, when given, replaces the scenario's hub key.
  WorldRunner(boost::asio::io_context& io, Scenario scenario,
              std::optional<std::string> hub_public_key_b64 = std::nullopt, double speed = 1.0);
  ~WorldRunner() override;
  WorldRunner(const WorldRunner&) = delete;
  WorldRunner& operator=(const WorldRunner&) = delete;

  /// Connects to the broker; the world starts on the first connection.
  /// Errors: failed_precondition (no hub key; already started),
  /// invalid_argument (bad key, speed not > 0, broker settings refused).
  Result<void> start();
  /// Every connected native lock publishes status offline; the client
  /// disconnects cleanly. Idempotent.
  void stop();

  /// The world's counters so far (messages published, ...).
  [[nodiscard]] VirtualRunStats stats() const;

  // TraceSink, LabelSink: what the world says.
  void message(Timestamp ts, std::string_view topic, std::string_view payload, bool json) override;
  void label(const FaultLabel& label) override;
  void began(const FaultLabel& label) override;

 private:
  void begin();
  void tick();
  /// A /set or /get under a Zigbee2MQTT bridge's base topic, handed to the
  /// world; false when the topic is under no bridge's base topic.
  bool zigbee_request(std::string_view topic, std::string_view payload);
  [[nodiscard]] Timestamp world_time() const;

  boost::asio::io_context& io_;
  Scenario scenario_;
  std::optional<std::string> hub_key_override_;
  double speed_;
  adapters::SystemClock clock_;
  std::unique_ptr<adapters::mqtt::MqttClient> client_;
  std::unique_ptr<WorldEngine> world_;
  boost::asio::steady_timer timer_;
  protocol::PublicKey hub_key_{};
  Timestamp origin_{};  // the world's time when it began
  std::chrono::steady_clock::time_point origin_steady_{};
  bool started_{false};
  bool stopped_{false};
};

}  // namespace lw::sim
