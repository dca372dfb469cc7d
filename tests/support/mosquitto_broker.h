// MosquittoBroker: a real Mosquitto (/usr/sbin/mosquitto) for tests, on a free
// loopback port, with its configuration and log in a fresh temporary
// directory. A thin wrapper over lw::adapters::mqtt::BrokerProcess, which also
// starts the broker of `lockwarden demo`, so the process handling exists once.
//
// The constructor starts the broker or throws std::runtime_error carrying the
// end of the broker's log (GoogleTest reports it as the test's failure). The
// destructor stops the broker (SIGTERM, SIGKILL after 3 s) and removes the
// directory, unless the test failed: then the directory is kept and its path
// printed so the log can be read. If the test process dies, the broker gets
// SIGTERM from the kernel (PR_SET_PDEATHSIG).
//
// The members are defined in this header so that every test binary links them
// from lw_adapters whatever the order of libraries on its link line.
//
// Example:
//   lw::testing::MosquittoBroker broker;
//   options.port = broker.port();
//   ...
//   broker.restart();  // same port: clients reconnect
//
// Threading: use from the test's thread only.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/mqtt/broker_process.h"

namespace lw::testing {

/// A new empty directory under the system temporary directory, named
/// "lw-<prefix>-XXXXXX". Throws std::runtime_error when it cannot be made.
std::filesystem::path make_temp_dir(std::string_view prefix);

/// Removes `dir` and its contents; if the running test has failed, keeps it
/// and prints its path instead.
void remove_temp_dir_unless_failed(const std::filesystem::path& dir);

/// The whole file; empty if it cannot be read.
std::string read_text_file(const std::filesystem::path& path);

class MosquittoBroker {
 public:
  MosquittoBroker() : MosquittoBroker(adapters::mqtt::BrokerProcessOptions{}) {}
  /// With these options (a password and an ACL file, say); `port` and the log stay the wrapper's.
  explicit MosquittoBroker(adapters::mqtt::BrokerProcessOptions options)
      : dir_(make_temp_dir("mosquitto")), process_(std::move(options)) {
    if (auto port = process_.start(dir_); !port) {
      throw std::runtime_error("MosquittoBroker: " + port.error().to_string());
    }
  }
  ~MosquittoBroker() {
    process_.stop();
    remove_temp_dir_unless_failed(dir_);
  }
  MosquittoBroker(const MosquittoBroker&) = delete;
  MosquittoBroker& operator=(const MosquittoBroker&) = delete;

  /// Where clients connect.
  [[nodiscard]] static std::string host() { return "127.0.0.1"; }
  [[nodiscard]] int port() const { return process_.port(); }
  /// 0 while stopped.
  [[nodiscard]] pid_t pid() const { return process_.pid(); }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

  /// Stops the broker and starts it again on the same port. Clients lose
  /// their connections, sessions and retained messages (no persistence).
  /// Throws std::runtime_error if it does not come back.
  void restart() {
    if (auto port = process_.restart(); !port) {
      throw std::runtime_error("MosquittoBroker::restart: " + port.error().to_string());
    }
  }

  /// Stops the broker (restart() brings it back on the same port).
  void stop() { process_.stop(); }

  /// The broker's log so far (connection messages included), e.g. to wait for
  /// "Client lock-1 disconnected." or to print on failure.
  [[nodiscard]] std::string log() const { return read_text_file(process_.log_path()); }
  [[nodiscard]] bool log_contains(std::string_view text) const {
    return log().find(text) != std::string::npos;
  }

 private:
  std::filesystem::path dir_;
  adapters::mqtt::BrokerProcess process_;
};

}  // namespace lw::testing
