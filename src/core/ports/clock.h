// Port: the current time. The core never reads a wall clock; it asks this.
// Live code injects a system clock (src/adapters), tests and the simulator a
// manual or virtual one (ManualClock below).
// Threading: called only from the owning event loop.
#pragma once

#include "base/time.h"

namespace lw::core {

class Clock {
 public:
  virtual ~Clock() = default;
  [[nodiscard]] virtual Timestamp now() const = 0;
};

/// A clock that moves only when told to: for tests and virtual-time simulation.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start = from_epoch_ms(1'700'000'000'000)) : now_(start) {}
  [[nodiscard]] Timestamp now() const override { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(Timestamp t) { now_ = t; }

 private:
  Timestamp now_;
};

}  // namespace lw::core
