// MqttClient: one MQTT 3.1.1 connection to a broker, on libmosquitto, driven
// entirely by a Boost.Asio io_context: no libmosquitto thread, and no blocking
// network call (resolving a host name is the one exception; use an IP literal
// to avoid it).
//
// Lifecycle: construct, set the callbacks, subscribe(), start(). The client
// connects in the background and, whenever a connection attempt fails or an
// established connection drops, tries again after a back-off (ReconnectBackoff:
// `reconnect_min` doubling up to `reconnect_max`, with jitter) until stop() or
// abort_connection(). On every connection it sends all remembered
// subscriptions again, so they survive a broker restart. With
// `clean_session = false` (the default) the broker also keeps the session
// while the client is away and delivers the QoS 1/2 messages queued for it on
// the next connection.
//
// How it is driven: libmosquitto opens the socket (mosquitto_connect_async, a
// non-blocking connect); the client watches it with a posix::stream_descriptor:
// readable -> mosquitto_loop_read; writable, only while libmosquitto has output
// queued -> mosquitto_loop_write; and a timer every 250 ms (at most keepalive/2)
// -> mosquitto_loop_misc, which sends the keep-alive PINGREQ and drops a
// connection whose broker stopped answering (or whose CONNACK did not arrive)
// within `keepalive`. libmosquitto owns the socket: the descriptor is only ever
// released, never closed, by the client; the socket number changes with every
// connection.
//
// Callbacks run on the io_context thread, from the client's own I/O handlers:
// never inside a libmosquitto call and never inside a call to a member
// function. They may call any member function and may destroy the client.
//
// Logging (spdlog, `logger` option or the default logger): connections,
// disconnections with their reason and back-off delays at info/warn;
// libmosquitto's own trace at trace level. Payloads are never logged.
//
// Threading: every member function, and the destructor, must be called on the
// one thread that runs the io_context.
//
// Example:
//   MqttClient client(io, {.host = "127.0.0.1", .port = 1883, .client_id = "hub"});
//   client.on_message([](std::string_view topic, std::string_view payload, bool retained) { ... });
//   if (auto r = client.subscribe("lw/+/state", Qos::at_least_once); !r) return r.error();
//   client.start();
//   io.run();
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "adapters/mqtt/reconnect_backoff.h"
#include "base/result.h"
#include "base/time.h"

struct mosquitto;

namespace spdlog {
class logger;
}  // namespace spdlog

namespace lw::adapters::mqtt {

/// MQTT quality of service.
enum class Qos : std::uint8_t {
  at_most_once = 0,   ///< QoS 0: fire and forget
  at_least_once = 1,  ///< QoS 1: acknowledged, may be duplicated
  exactly_once = 2,   ///< QoS 2
};

/// The message the broker publishes for the client when its connection ends
/// without a DISCONNECT (crash, network loss, keep-alive time-out).
struct LastWill {
  std::string topic{};
  std::string payload{};
  Qos qos{Qos::at_least_once};
  bool retain{false};
};

struct MqttClientOptions {
  /// Broker host name or IP literal.
  std::string host{"127.0.0.1"};
  /// Broker TCP port, 1..65535.
  int port{1883};
  /// MQTT client id (UTF-8, at most 65535 bytes). Required when
  /// clean_session is false: the broker finds the session by it.
  std::string client_id{};
  /// Keep-alive interval in seconds, 5..65535 (libmosquitto refuses shorter
  /// ones). The broker drops a silent client after 1.5 x keepalive and then
  /// publishes its Last Will; the client drops a silent broker after keepalive.
  std::chrono::seconds keepalive{30};
  /// false: the broker keeps subscriptions and queued QoS 1/2 messages while
  /// the client is disconnected.
  bool clean_session{false};
  std::optional<std::string> username{};
  /// Only together with a username.
  std::optional<std::string> password{};
  std::optional<LastWill> will{};
  /// TLS (1.2 or later) to the broker: a PEM file of the CA that signs the
  /// broker's certificate. Empty: plain MQTT. The broker's certificate must
  /// also name `host`.
  std::string tls_ca_file{};
  /// A client certificate and its key (PEM), for a broker that requires one;
  /// both or neither, and only with tls_ca_file.
  std::string tls_cert_file{};
  std::string tls_key_file{};
  /// Back-off between connection attempts: starts at reconnect_min, doubles
  /// up to reconnect_max; each delay is jittered into [d/2, d]. 0 < min <= max.
  Duration reconnect_min{250ms};
  Duration reconnect_max{10s};
  /// Where to log; null: spdlog's default logger at construction time.
  std::shared_ptr<spdlog::logger> logger{};
};

class MqttClient {
 public:
  using Options = MqttClientOptions;
  using MessageHandler = std::function<void(std::string_view topic, std::string_view payload, bool retained)>;
  using ConnectedHandler = std::function<void()>;
  using DisconnectedHandler = std::function<void(const std::string& reason)>;

  /// Checks options before construction.
  /// Errors: invalid_argument naming the field (host, port, client_id,
  /// keepalive, password, will.topic, will.payload, tls_ca_file, tls_cert_file,
  /// tls_key_file, reconnect_min,
  /// reconnect_max).
  static Result<void> validate(const Options& options);

  /// Does not connect yet (see start()). `options` must pass validate(): an
  /// invalid set is a broken invariant and aborts with the error.
  MqttClient(boost::asio::io_context& io, Options options);
  /// Cancels everything; if connected (or still writing stop()'s DISCONNECT)
  /// writes the DISCONNECT if the socket takes it at once, so normally no Last
  /// Will. Pending callbacks are dropped. Never blocks.
  ~MqttClient();
  MqttClient(const MqttClient&) = delete;
  MqttClient& operator=(const MqttClient&) = delete;
  MqttClient(MqttClient&&) = delete;
  MqttClient& operator=(MqttClient&&) = delete;

  /// Starts connecting in the background and keeps reconnecting, with
  /// back-off, until stop() or abort_connection(). A no-op when already
  /// started. May be called again after stop() or abort_connection().
  void start();

  /// Ends the connection cleanly: sends DISCONNECT (so the broker does not
  /// publish the Last Will) and lets libmosquitto close the socket once it is
  /// written; if that has not happened within 1 s the socket is closed anyway.
  /// No reconnection, no on_disconnected; messages received but not yet
  /// delivered are dropped. connected() is false on return.
  void stop();

  /// Simulates a crash: closes the TCP connection at once without DISCONNECT,
  /// so the broker publishes the Last Will, and stays stopped (start() again
  /// to "reboot"). Like a real crash it also forgets the client-side state of
  /// QoS 1/2 messages in flight. No on_disconnected.
  void abort_connection();

  /// Publishes `payload` (any bytes) on `topic`. Never blocks: the message is
  /// written when the socket allows. A QoS 1/2 message accepted here that the
  /// broker has not acknowledged when the connection drops is sent again by
  /// libmosquitto after the reconnection (so it may arrive twice).
  /// Errors: invalid_argument (topic empty, with wildcards or not UTF-8;
  /// payload over 256 MiB), unavailable (not connected right now: nothing is
  /// queued, the caller decides whether to retry), internal (libmosquitto
  /// failed unexpectedly).
  Result<void> publish(std::string_view topic, std::string_view payload, Qos qos, bool retain = false);

  /// Subscribes to `filter` (wildcards allowed) now if connected and again on
  /// every connection. Subscribing to a filter already subscribed changes its
  /// QoS. Matching messages go to on_message. Because every connection
  /// subscribes again, the broker also sends the matching retained messages
  /// again after each reconnection (with retained = true).
  /// Errors: invalid_argument (filter empty, malformed wildcards or not UTF-8).
  Result<void> subscribe(std::string_view filter, Qos qos);

  /// Every message received on a subscription. `retained` is true for a
  /// retained message delivered because of a (re)subscription.
  void on_message(MessageHandler handler) { on_message_ = std::move(handler); }
  /// After every successful connection (CONNACK accepted), once the
  /// subscriptions have been sent again.
  void on_connected(ConnectedHandler handler) { on_connected_ = std::move(handler); }
  /// When a connection that on_connected announced ends for any reason other
  /// than stop()/abort_connection()/destruction, with a human reason
  /// ("connection lost", "keep-alive time-out", ...). Reconnection is already
  /// scheduled when it runs.
  void on_disconnected(DisconnectedHandler handler) { on_disconnected_ = std::move(handler); }

  /// True from the broker's CONNACK until the connection is lost or stopped.
  [[nodiscard]] bool connected() const { return connected_; }

 private:
  struct Trampolines;
  friend struct Trampolines;

  struct ConnAckEvent {
    std::uint64_t connection;
    int rc;
    bool session_present;
  };
  struct ClosedEvent {
    std::uint64_t connection;
    std::string reason;
  };
  struct MessageEvent {
    std::string topic;
    std::string payload;
    bool retained;
  };
  using Event = std::variant<ConnAckEvent, ClosedEvent, MessageEvent>;

  void create_handle();
  void destroy_handle();
  void attempt_connect();
  void schedule_reconnect();
  void hard_close(std::string reason);
  void detach_socket();
  void update_io();
  void arm_read();
  void arm_write();
  void arm_misc_timer();
  void after_io();
  void post_drain();
  void drain_events();
  void handle(const ConnAckEvent& event);
  void handle(const ClosedEvent& event);
  void handle(const MessageEvent& event);
  [[nodiscard]] std::string endpoint() const;

  boost::asio::io_context& io_;
  Options options_;
  std::shared_ptr<spdlog::logger> log_;
  ::mosquitto* mosq_{nullptr};
  boost::asio::posix::stream_descriptor socket_;
  boost::asio::steady_timer misc_timer_;
  boost::asio::steady_timer reconnect_timer_;
  ReconnectBackoff backoff_;
  std::minstd_rand jitter_rng_;

  int fd_{-1};                            // the socket watched now, -1 when none
  std::uint64_t connection_seq_{0};       // +1 per connection attempt; stamps events and handlers
  std::uint64_t reported_connection_{0};  // the connection on_connected announced, 0 when none
  std::uint64_t closed_reported_{0};      // the last connection libmosquitto reported closed
  int last_connack_rc_{0};
  bool read_waiting_{false};
  bool write_waiting_{false};
  bool running_{false};
  bool stopping_{false};
  bool connected_{false};
  std::optional<std::chrono::steady_clock::time_point> stop_deadline_;

  std::vector<std::pair<std::string, Qos>> subscriptions_;
  std::deque<Event> events_;
  bool draining_{false};
  bool drain_posted_{false};
  std::shared_ptr<bool> alive_;

  MessageHandler on_message_;
  ConnectedHandler on_connected_;
  DisconnectedHandler on_disconnected_;
};

}  // namespace lw::adapters::mqtt
