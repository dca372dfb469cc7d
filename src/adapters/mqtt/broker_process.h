// BrokerProcess: a private Mosquitto broker run as a child process, for
// `lockwarden demo` and for tests (tests/support/mosquitto_broker.h wraps it).
//
// start(dir) writes `dir/mosquitto.conf` (one listener on the loopback
// address, anonymous access unless a password and an ACL file are given, no
// persistence), starts the broker with its log
// in `dir/mosquitto.log` (the broker's own stdout/stderr go there too) and
// returns once the broker answers an MQTT CONNECT on its port (a bare TCP
// accept could come from another process holding the port; the probe shows up
// in the log as client "lw-broker-probe", refused when anonymous clients are). With port 0 in the options a
// free port is picked (bind to port 0, read it, close it); if another process
// takes it before the broker binds, another one is tried. restart() keeps the
// port, so clients can reconnect to the same address.
//
// The child is asked to receive SIGTERM when the thread that started it exits
// (PR_SET_PDEATHSIG), so a crashed parent leaves no broker behind; the
// destructor stops it. Child file descriptors other than 0..2 are closed.
//
// Blocking: start() waits up to `startup_timeout` and stop() up to
// `stop_timeout` (then SIGKILL). Both are meant for start-up and shutdown, not
// for a running event loop.
// Threading: not thread-safe; use one instance from one thread, and keep that
// thread alive while the broker should run (see PR_SET_PDEATHSIG above).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "base/result.h"
#include "base/time.h"

namespace lw::adapters::mqtt {

struct BrokerProcessOptions {
  /// The broker executable (Debian's mosquitto package installs it here).
  std::string executable{"/usr/sbin/mosquitto"};
  /// The only address the listener binds to.
  std::string bind_address{"127.0.0.1"};
  /// 0: pick a free port on `bind_address`. Otherwise 1..65535.
  int port{0};
  /// A second listener that speaks only TLS (1.2 or later) on `bind_address`,
  /// with this PEM certificate and key (e.g. from `lockwarden tls init`); both
  /// empty: none. The plain listener stays, on `bind_address` only, for the
  /// readiness probe and local tools.
  std::string tls_cert_file{};
  std::string tls_key_file{};
  /// The TLS listener's port; 0: a free one (tls_port() tells which).
  int tls_port{0};
  /// Both set (write_broker_access makes them): no anonymous clients, and
  /// each account only on its topics. Both empty: anyone may do anything.
  std::string password_file{};
  std::string acl_file{};
  /// How long start() waits for the broker to answer.
  Duration startup_timeout{5s};
  /// How long stop() waits after SIGTERM before it sends SIGKILL.
  Duration stop_timeout{3s};
};

/// A free TCP port on `address` right now: bind to port 0, read the port the
/// kernel chose, close. Another process may take it before the caller binds.
/// Errors: invalid_argument (address is not an IPv4 literal), unavailable
/// (socket calls failed).
Result<int> pick_free_port(const std::string& address = "127.0.0.1");

class BrokerProcess {
 public:
  explicit BrokerProcess(BrokerProcessOptions options = {});
  ~BrokerProcess();
  BrokerProcess(const BrokerProcess&) = delete;
  BrokerProcess& operator=(const BrokerProcess&) = delete;

  /// Starts the broker with its configuration and log in `dir` (created if
  /// missing) and returns the port it listens on.
  /// Errors: invalid_argument (bad options), failed_precondition (already
  /// running), unavailable (the directory cannot be written, the executable
  /// cannot be started, the broker exited or did not answer within
  /// `startup_timeout`; the message quotes the end of its log).
  Result<int> start(const std::filesystem::path& dir);

  /// Stops the broker and starts it again on the same port and directory.
  /// Errors: failed_precondition (never started), otherwise as start().
  Result<int> restart();

  /// SIGTERM, wait up to `stop_timeout`, then SIGKILL; reaps the child. A
  /// no-op when not running. The directory and log stay.
  void stop();

  /// True while the child runs (reaps it if it has exited on its own).
  [[nodiscard]] bool running();

  /// The listening port; 0 before the first successful start().
  [[nodiscard]] int port() const { return port_; }
  /// The TLS listener's port; 0 without one or before start().
  [[nodiscard]] int tls_port() const { return tls_port_; }
  /// The child's pid; 0 when not running.
  [[nodiscard]] pid_t pid() const { return pid_; }
  /// `dir/mosquitto.log`; empty before the first start().
  [[nodiscard]] const std::filesystem::path& log_path() const { return log_path_; }

 private:
  Result<void> write_config(int port);
  Result<void> spawn();
  Result<void> wait_until_accepting(int port);

  BrokerProcessOptions options_;
  std::filesystem::path dir_;
  std::filesystem::path config_path_;
  std::filesystem::path log_path_;
  int port_{0};
  int tls_port_{0};
  pid_t pid_{0};
};

}  // namespace lw::adapters::mqtt
