// SystemClock: the live implementation of core::Clock (UTC wall time, ms).
// Threading: thread-safe (reads the system clock).
#pragma once

#include "core/ports/clock.h"

namespace lw::adapters {

class SystemClock final : public core::Clock {
 public:
  [[nodiscard]] Timestamp now() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  }
};

}  // namespace lw::adapters
