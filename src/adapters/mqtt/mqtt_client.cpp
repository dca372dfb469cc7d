#include "adapters/mqtt/mqtt_client.h"

#include <mosquitto.h>
#include <netdb.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <system_error>

namespace lw::adapters::mqtt {
namespace {

// libmosquitto is polled this often for keep-alive (and the stop deadline).
constexpr Duration kMiscInterval = 250ms;
// stop() closes the socket itself if the DISCONNECT was not written by then.
constexpr Duration kStopTimeout = 1s;
// MQTT's largest remaining length is 268435455 bytes; topic and header come
// out of it, so payloads are capped a little lower.
constexpr std::size_t kMaxPayloadBytes = std::size_t{256} * 1024 * 1024;
constexpr std::size_t kMaxStringBytes = 65535;

void ensure_library_initialised() {
  // mosquitto_lib_init is not thread-safe and must run once per process.
  static const int rc = mosquitto_lib_init();
  (void)rc;
}

[[noreturn]] void die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "lw::adapters::mqtt::MqttClient: %s: %s\n", what, detail.c_str());
  std::abort();
}

bool valid_utf8(std::string_view s) {
  return s.size() <= kMaxStringBytes && s.find('\0') == std::string_view::npos &&
         mosquitto_validate_utf8(s.data(), static_cast<int>(s.size())) == MOSQ_ERR_SUCCESS;
}

Result<void> check_topic(std::string_view field, std::string_view topic) {
  if (topic.empty()) return invalid_argument(field, "must not be empty");
  if (!valid_utf8(topic)) return invalid_argument(field, "must be UTF-8 without NUL, at most 65535 bytes");
  if (mosquitto_pub_topic_check2(topic.data(), topic.size()) != MOSQ_ERR_SUCCESS) {
    return invalid_argument(field, "must not contain the wildcards + or #");
  }
  return ok();
}

Result<void> check_filter(std::string_view filter) {
  if (filter.empty()) return invalid_argument("filter", "must not be empty");
  if (!valid_utf8(filter))
    return invalid_argument("filter", "must be UTF-8 without NUL, at most 65535 bytes");
  if (mosquitto_sub_topic_check2(filter.data(), filter.size()) != MOSQ_ERR_SUCCESS) {
    return invalid_argument("filter", "+ must fill a whole level and # must be the last level");
  }
  return ok();
}

std::string errno_text(int err) {
  if (err == 0) return "connection error";
  return std::error_code(err, std::generic_category()).message();
}

std::string connect_error(int rc, int err) {
  if (rc == MOSQ_ERR_ERRNO) return errno_text(err);
  if (rc == MOSQ_ERR_EAI) return std::string("cannot resolve host: ") + ::gai_strerror(err);
  return mosquitto_strerror(rc);
}

std::string disconnect_reason(int rc, int err, int connack_rc) {
  switch (rc) {
    case MOSQ_ERR_SUCCESS: return "disconnected";
    case MOSQ_ERR_CONN_LOST: return "connection lost";
    case MOSQ_ERR_KEEPALIVE: return "keep-alive time-out";
    case MOSQ_ERR_ERRNO: return errno_text(err);
    case MOSQ_ERR_CONN_REFUSED:
      return std::string("refused by the broker: ") + mosquitto_connack_string(connack_rc);
    default: return mosquitto_strerror(rc);
  }
}

}  // namespace

// libmosquitto's callbacks run inside mosquitto_loop_*; they only record what
// happened. The client acts on it after the libmosquitto call has returned.
struct MqttClient::Trampolines {
  static void on_connect(::mosquitto* /*mosq*/, void* self, int rc, int flags) {
    auto* client = static_cast<MqttClient*>(self);
    client->last_connack_rc_ = rc;
    client->events_.emplace_back(ConnAckEvent{client->connection_seq_, rc, (flags & 1) != 0});
  }

  static void on_disconnect(::mosquitto* /*mosq*/, void* self, int rc) {
    const int err = errno;
    auto* client = static_cast<MqttClient*>(self);
    client->closed_reported_ = client->connection_seq_;
    client->events_.emplace_back(
        ClosedEvent{client->connection_seq_, disconnect_reason(rc, err, client->last_connack_rc_)});
  }

  static void on_message(::mosquitto* /*mosq*/, void* self, const mosquitto_message* message) {
    auto* client = static_cast<MqttClient*>(self);
    std::string payload;
    if (message->payload != nullptr && message->payloadlen > 0) {
      payload.assign(static_cast<const char*>(message->payload),
                     static_cast<std::size_t>(message->payloadlen));
    }
    client->events_.emplace_back(MessageEvent{message->topic, std::move(payload), message->retain});
  }

  static void on_log(::mosquitto* /*mosq*/, void* self, int /*level*/, const char* text) {
    auto* client = static_cast<MqttClient*>(self);
    client->log_->trace("mqtt {}: libmosquitto: {}", client->options_.client_id, text);
  }
};

namespace {

bool readable(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

Result<void> check_tls_files(const MqttClientOptions& options) {
  if (options.tls_ca_file.empty()) {
    if (!options.tls_cert_file.empty()) return invalid_argument("tls_cert_file", "requires tls_ca_file");
    if (!options.tls_key_file.empty()) return invalid_argument("tls_key_file", "requires tls_ca_file");
    return ok();
  }
  if (!readable(options.tls_ca_file)) {
    return invalid_argument("tls_ca_file", "'" + options.tls_ca_file + "' cannot be read");
  }
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return invalid_argument(options.tls_cert_file.empty() ? "tls_cert_file" : "tls_key_file",
                            "tls_cert_file and tls_key_file go together");
  }
  for (const auto& [field, path] : {std::pair{"tls_cert_file", &options.tls_cert_file},
                                    std::pair{"tls_key_file", &options.tls_key_file}}) {
    if (!path->empty() && !readable(*path)) return invalid_argument(field, "'" + *path + "' cannot be read");
  }
  return ok();
}

}  // namespace

Result<void> MqttClient::validate(const Options& options) {
  if (options.host.empty() || options.host.find('\0') != std::string::npos) {
    return invalid_argument("host", "must be a host name or IP address");
  }
  if (options.port < 1 || options.port > 65535) return invalid_argument("port", "must be 1..65535");
  if (!options.clean_session && options.client_id.empty()) {
    return invalid_argument("client_id", "required when clean_session is false");
  }
  if (!valid_utf8(options.client_id)) {
    return invalid_argument("client_id", "must be UTF-8 without NUL, at most 65535 bytes");
  }
  if (options.keepalive < std::chrono::seconds{5} || options.keepalive > std::chrono::seconds{65535}) {
    return invalid_argument("keepalive", "must be 5..65535 seconds");
  }
  if (options.username && !valid_utf8(*options.username)) {
    return invalid_argument("username", "must be UTF-8 without NUL, at most 65535 bytes");
  }
  if (options.password) {
    if (!options.username) return invalid_argument("password", "requires a username");
    if (options.password->size() > kMaxStringBytes || options.password->find('\0') != std::string::npos) {
      return invalid_argument("password", "must be at most 65535 bytes without NUL");
    }
  }
  if (options.will) {
    if (auto topic = check_topic("will.topic", options.will->topic); !topic) return topic;
    if (options.will->payload.size() > kMaxPayloadBytes) {
      return invalid_argument("will.payload", "must be at most 256 MiB");
    }
  }
  if (auto tls = check_tls_files(options); !tls) return tls;
  if (options.reconnect_min <= Duration::zero()) return invalid_argument("reconnect_min", "must be positive");
  if (options.reconnect_max < options.reconnect_min) {
    return invalid_argument("reconnect_max", "must not be less than reconnect_min");
  }
  return ok();
}

MqttClient::MqttClient(boost::asio::io_context& io, Options options)
    : io_(io),
      options_(std::move(options)),
      log_(options_.logger ? options_.logger : spdlog::default_logger()),
      socket_(io),
      misc_timer_(io),
      reconnect_timer_(io),
      backoff_(options_.reconnect_min, options_.reconnect_max),
      jitter_rng_(std::random_device{}()),
      alive_(std::make_shared<bool>(true)) {
  if (auto valid = validate(options_); !valid) die("invalid options", valid.error().to_string());
  ensure_library_initialised();
  create_handle();
}

MqttClient::~MqttClient() {
  *alive_ = false;
  const bool was_connected = connected_;
  const bool was_stopping = stopping_;
  detach_socket();
  reconnect_timer_.cancel();
  // Best effort, without waiting: the DISCONNECT (a new one, or the one a
  // stop() left queued) is written if the socket has room, and then
  // libmosquitto closes the socket itself.
  if (was_connected) {
    mosquitto_disconnect(mosq_);
  } else if (was_stopping) {
    mosquitto_loop_write(mosq_, 1);
  }
  destroy_handle();
}

void MqttClient::create_handle() {
  mosq_ = mosquitto_new(options_.client_id.empty() ? nullptr : options_.client_id.c_str(),
                        options_.clean_session, this);
  if (mosq_ == nullptr) die("mosquitto_new failed", errno_text(errno));
  mosquitto_connect_with_flags_callback_set(mosq_, &Trampolines::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &Trampolines::on_disconnect);
  mosquitto_message_callback_set(mosq_, &Trampolines::on_message);
  mosquitto_log_callback_set(mosq_, &Trampolines::on_log);
  // Small messages must leave at once: with Nagle's algorithm a command or its
  // result waits for the peer's delayed ACK (about 40 ms on Linux).
  mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
  int rc = MOSQ_ERR_SUCCESS;
  if (options_.username) {
    rc = mosquitto_username_pw_set(mosq_, options_.username->c_str(),
                                   options_.password ? options_.password->c_str() : nullptr);
  }
  if (rc == MOSQ_ERR_SUCCESS && options_.will) {
    const LastWill& will = *options_.will;
    rc = mosquitto_will_set(mosq_, will.topic.c_str(), static_cast<int>(will.payload.size()),
                            will.payload.data(), static_cast<int>(will.qos), will.retain);
  }
  if (rc == MOSQ_ERR_SUCCESS && !options_.tls_ca_file.empty()) {
    auto file_or_null = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
    rc = mosquitto_tls_set(mosq_, options_.tls_ca_file.c_str(), nullptr, file_or_null(options_.tls_cert_file),
                           file_or_null(options_.tls_key_file), nullptr);
    // Verify the broker's certificate and its name; TLS 1.2 or later.
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_tls_opts_set(mosq_, 1, "tlsv1.2", nullptr);
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_tls_insecure_set(mosq_, false);
  }
  if (rc != MOSQ_ERR_SUCCESS) die("cannot configure libmosquitto", mosquitto_strerror(rc));
}

void MqttClient::destroy_handle() {
  if (mosq_ == nullptr) return;
  mosquitto_destroy(mosq_);
  mosq_ = nullptr;
}

std::string MqttClient::endpoint() const { return options_.host + ":" + std::to_string(options_.port); }

void MqttClient::start() {
  if (running_) return;
  running_ = true;
  backoff_.reset();
  log_->info("mqtt {}: starting, broker {}", options_.client_id, endpoint());
  // While a stop() is still writing its DISCONNECT the old connection's end
  // schedules the reconnection (see handle(ClosedEvent)).
  if (fd_ < 0) attempt_connect();
  post_drain();
}

void MqttClient::stop() {
  reconnect_timer_.cancel();
  events_.clear();
  if (!running_) return;
  running_ = false;
  const bool was_connected = connected_;
  connected_ = false;
  reported_connection_ = 0;
  if (fd_ >= 0) {
    stopping_ = true;
    stop_deadline_ = std::chrono::steady_clock::now() + kStopTimeout;
    mosquitto_disconnect(mosq_);
    update_io();
  }
  log_->info("mqtt {}: stopped{}", options_.client_id, was_connected ? ", sent DISCONNECT" : "");
  post_drain();
}

void MqttClient::abort_connection() {
  reconnect_timer_.cancel();
  running_ = false;
  connected_ = false;
  reported_connection_ = 0;
  hard_close("connection aborted");
  events_.clear();
  log_->warn("mqtt {}: connection to {} aborted without DISCONNECT", options_.client_id, endpoint());
}

Result<void> MqttClient::publish(std::string_view topic, std::string_view payload, Qos qos, bool retain) {
  if (auto valid = check_topic("topic", topic); !valid) return valid;
  if (payload.size() > kMaxPayloadBytes) return invalid_argument("payload", "must be at most 256 MiB");
  if (!connected_) return unavailable("not connected to the MQTT broker at " + endpoint());
  const std::string topic_z(topic);
  const int rc = mosquitto_publish(mosq_, nullptr, topic_z.c_str(), static_cast<int>(payload.size()),
                                   payload.data(), static_cast<int>(qos), retain);
  update_io();
  post_drain();
  switch (rc) {
    case MOSQ_ERR_SUCCESS: return ok();
    case MOSQ_ERR_NO_CONN:
    case MOSQ_ERR_CONN_LOST:
    case MOSQ_ERR_ERRNO: return unavailable("connection to the MQTT broker at " + endpoint() + " lost");
    case MOSQ_ERR_PAYLOAD_SIZE:
    case MOSQ_ERR_OVERSIZE_PACKET: return invalid_argument("payload", "too large for the broker");
    default: return internal_error(std::string("mosquitto_publish: ") + mosquitto_strerror(rc));
  }
}

Result<void> MqttClient::subscribe(std::string_view filter, Qos qos) {
  if (auto valid = check_filter(filter); !valid) return valid;
  auto same = [filter](const auto& s) { return s.first == filter; };
  if (auto it = std::find_if(subscriptions_.begin(), subscriptions_.end(), same);
      it != subscriptions_.end()) {
    it->second = qos;
  } else {
    subscriptions_.emplace_back(std::string(filter), qos);
  }
  if (connected_) {
    const std::string filter_z(filter);
    const int rc = mosquitto_subscribe(mosq_, nullptr, filter_z.c_str(), static_cast<int>(qos));
    if (rc != MOSQ_ERR_SUCCESS) {
      log_->warn("mqtt {}: subscribing to {} failed ({}); it is sent again on the next connection",
                 options_.client_id, filter_z, mosquitto_strerror(rc));
    }
    update_io();
    post_drain();
  }
  return ok();
}

void MqttClient::attempt_connect() {
  ++connection_seq_;
  const int rc = mosquitto_connect_async(mosq_, options_.host.c_str(), options_.port,
                                         static_cast<int>(options_.keepalive.count()));
  const int err = errno;
  const int fd = mosquitto_socket(mosq_);
  if (rc != MOSQ_ERR_SUCCESS || fd < 0) {
    closed_reported_ = connection_seq_;  // reported right here rather than as an event
    if (fd >= 0) hard_close("connect failed");
    log_->info("mqtt {}: cannot connect to {}: {}", options_.client_id, endpoint(), connect_error(rc, err));
    schedule_reconnect();
    return;
  }
  boost::system::error_code ec;
  socket_.assign(fd, ec);
  if (ec) {
    hard_close("cannot watch the socket: " + ec.message());
    post_drain();
    return;
  }
  fd_ = fd;
  log_->debug("mqtt {}: connecting to {}", options_.client_id, endpoint());
  arm_misc_timer();
  update_io();
}

void MqttClient::schedule_reconnect() {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const Duration delay = backoff_.next(unit(jitter_rng_));
  log_->info("mqtt {}: reconnecting to {} in {} ms", options_.client_id, endpoint(), delay.count());
  reconnect_timer_.expires_after(delay);
  reconnect_timer_.async_wait(
      [this, alive = alive_, seq = connection_seq_](const boost::system::error_code& ec) {
        if (!*alive || ec || !running_ || fd_ >= 0 || seq != connection_seq_) return;
        attempt_connect();
      });
}

void MqttClient::hard_close(std::string reason) {
  const std::uint64_t seq = connection_seq_;
  const bool open = fd_ >= 0 || mosquitto_socket(mosq_) >= 0;
  detach_socket();
  // Destroying the handle closes the socket without sending anything; a new
  // handle with the same settings replaces it.
  destroy_handle();
  create_handle();
  connected_ = false;
  if (open && closed_reported_ != seq) {
    closed_reported_ = seq;
    events_.emplace_back(ClosedEvent{seq, std::move(reason)});
  }
}

void MqttClient::detach_socket() {
  // libmosquitto owns the socket (and may already have closed it): release,
  // never close.
  if (socket_.is_open()) (void)socket_.release();
  fd_ = -1;
  read_waiting_ = false;
  write_waiting_ = false;
  stopping_ = false;
  stop_deadline_.reset();
  misc_timer_.cancel();
}

void MqttClient::update_io() {
  if (fd_ >= 0 && mosquitto_socket(mosq_) != fd_) {
    const std::uint64_t seq = connection_seq_;
    detach_socket();
    connected_ = false;
    if (closed_reported_ != seq) {
      closed_reported_ = seq;
      events_.emplace_back(ClosedEvent{seq, "connection closed"});
    }
  }
  if (fd_ < 0) return;
  arm_read();
  if (mosquitto_want_write(mosq_)) arm_write();
}

void MqttClient::arm_read() {
  if (read_waiting_) return;
  read_waiting_ = true;
  socket_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                     [this, alive = alive_, seq = connection_seq_](const boost::system::error_code& ec) {
                       if (!*alive || seq != connection_seq_ || fd_ < 0) return;
                       read_waiting_ = false;
                       if (ec == boost::asio::error::operation_aborted) return;
                       if (ec) {
                         hard_close("socket error: " + ec.message());
                       } else {
                         mosquitto_loop_read(mosq_, 1);
                       }
                       after_io();
                     });
}

void MqttClient::arm_write() {
  if (write_waiting_) return;
  write_waiting_ = true;
  socket_.async_wait(boost::asio::posix::stream_descriptor::wait_write,
                     [this, alive = alive_, seq = connection_seq_](const boost::system::error_code& ec) {
                       if (!*alive || seq != connection_seq_ || fd_ < 0) return;
                       write_waiting_ = false;
                       if (ec == boost::asio::error::operation_aborted) return;
                       if (ec) {
                         hard_close("socket error: " + ec.message());
                       } else {
                         mosquitto_loop_write(mosq_, 1);
                       }
                       after_io();
                     });
}

void MqttClient::arm_misc_timer() {
  const auto half_keepalive = std::chrono::duration_cast<Duration>(options_.keepalive) / 2;
  misc_timer_.expires_after(std::min(kMiscInterval, half_keepalive));
  misc_timer_.async_wait([this, alive = alive_, seq = connection_seq_](const boost::system::error_code& ec) {
    if (!*alive || ec || seq != connection_seq_ || fd_ < 0) return;
    if (stop_deadline_ && std::chrono::steady_clock::now() >= *stop_deadline_) {
      log_->warn("mqtt {}: DISCONNECT not written within {} ms; closing the socket", options_.client_id,
                 kStopTimeout.count());
      hard_close("stopped");
    } else {
      mosquitto_loop_misc(mosq_);
      arm_misc_timer();
    }
    after_io();
  });
}

void MqttClient::after_io() {
  update_io();
  drain_events();
}

void MqttClient::post_drain() {
  if (events_.empty() || draining_ || drain_posted_) return;
  drain_posted_ = true;
  boost::asio::post(io_, [this, alive = alive_] {
    if (!*alive) return;
    drain_posted_ = false;
    drain_events();
  });
}

void MqttClient::drain_events() {
  if (draining_) return;  // a callback called a member function; the outer loop goes on
  draining_ = true;
  const std::shared_ptr<bool> alive = alive_;
  while (!events_.empty()) {
    const Event event = std::move(events_.front());
    events_.pop_front();
    std::visit([this](const auto& e) { handle(e); }, event);
    if (!*alive) return;  // a callback destroyed the client
  }
  draining_ = false;
}

// Each handle() calls the user's callback last, through a copy, so that the
// callback may destroy the client.
void MqttClient::handle(const ConnAckEvent& event) {
  if (event.rc != 0) {
    log_->warn("mqtt {}: broker {} refused the connection: {}", options_.client_id, endpoint(),
               mosquitto_connack_string(event.rc));
    return;  // libmosquitto closes the socket; the ClosedEvent follows
  }
  if (!running_ || stopping_ || event.connection != connection_seq_ || fd_ < 0) return;
  connected_ = true;
  reported_connection_ = event.connection;
  backoff_.reset();
  log_->info("mqtt {}: connected to {} ({} session)", options_.client_id, endpoint(),
             event.session_present ? "resumed" : "new");
  for (const auto& [filter, qos] : subscriptions_) {
    const int rc = mosquitto_subscribe(mosq_, nullptr, filter.c_str(), static_cast<int>(qos));
    if (rc != MOSQ_ERR_SUCCESS) {
      log_->warn("mqtt {}: subscribing to {} failed: {}", options_.client_id, filter, mosquitto_strerror(rc));
    }
  }
  update_io();
  if (!connected_ || !on_connected_) return;
  const ConnectedHandler handler = on_connected_;
  handler();
}

void MqttClient::handle(const ClosedEvent& event) {
  const bool was_reported = reported_connection_ != 0 && event.connection == reported_connection_;
  if (was_reported) reported_connection_ = 0;
  if (!running_) {
    log_->debug("mqtt {}: connection to {} closed: {}", options_.client_id, endpoint(), event.reason);
    return;
  }
  if (was_reported) {
    log_->warn("mqtt {}: disconnected from {}: {}", options_.client_id, endpoint(), event.reason);
  } else {
    log_->info("mqtt {}: could not connect to {}: {}", options_.client_id, endpoint(), event.reason);
  }
  if (event.connection == connection_seq_ && fd_ < 0) schedule_reconnect();
  if (!was_reported || !on_disconnected_) return;
  const DisconnectedHandler handler = on_disconnected_;
  handler(event.reason);
}

void MqttClient::handle(const MessageEvent& event) {
  if (!running_ || !on_message_) return;
  const MessageHandler handler = on_message_;
  handler(event.topic, event.payload, event.retained);
}

}  // namespace lw::adapters::mqtt
