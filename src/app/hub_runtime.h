// HubRuntime: the composition root of the hub. Builds the ports (SQLite store,
// system clock, CSPRNG), the core Hub, the MQTT client with the native
// gateway, and the HTTP API, and drives the periodic tick — all on one
// io_context. Used by `serve` and `demo`.
//
// Shutdown is two-stage: stop() stops accepting HTTP connections, cancels the
// tick and disconnects from the broker cleanly; the io_context then runs out of
// work and returns.
// Threading: create, start and stop on the io_context's thread (or before it runs).
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "app/config.h"
#include "base/result.h"

namespace lw::app {

class HubRuntime {
 public:
  /// Opens the store (running migrations), loads or creates the hub's signing
  /// key in data_dir, and registers configured sites and locks. Errors name the
  /// failing part ("store /x/lockwarden.db: ...").
  static Result<std::unique_ptr<HubRuntime>> create(boost::asio::io_context& io, const HubConfig& config);
  ~HubRuntime();
  HubRuntime(const HubRuntime&) = delete;
  HubRuntime& operator=(const HubRuntime&) = delete;

  /// Starts listening for HTTP and connecting to the broker (with back-off).
  /// Errors: the HTTP port cannot be bound.
  Result<void> start();
  void stop();

  [[nodiscard]] int http_port() const;
  /// The base64 Ed25519 public key locks must enrol to accept this hub's commands.
  [[nodiscard]] std::string public_key() const;

 private:
  struct Parts;
  explicit HubRuntime(std::unique_ptr<Parts> parts);
  void schedule_tick();
  std::unique_ptr<Parts> parts_;
};

}  // namespace lw::app
