// free_loopback_port(): a TCP port on 127.0.0.1 that nothing listens on right
// now, for tests that start servers (another process may still take it before
// the test binds it). Wraps lw::adapters::mqtt::pick_free_port.
// Defined in this header so that it links from lw_adapters whatever the order
// of libraries on a test binary's link line.
// Threading: any thread.
#pragma once

#include <stdexcept>

#include "adapters/mqtt/broker_process.h"

namespace lw::testing {

/// Throws std::runtime_error if no socket can be bound.
inline int free_loopback_port() {
  auto port = adapters::mqtt::pick_free_port("127.0.0.1");
  if (!port) throw std::runtime_error("free_loopback_port: " + port.error().to_string());
  return *port;
}

}  // namespace lw::testing
