// ReconnectBackoff: the delays between reconnection attempts to the broker.
//
// Exponential back-off with "equal jitter": the nominal delay starts at `min`
// and doubles after every attempt up to `max`; the delay actually used is a
// point in [nominal/2, nominal] chosen by the caller's jitter value, so that a
// fleet of clients that lost the broker together do not reconnect in lockstep.
// A successful connection calls reset().
//
// Example (min 250 ms, max 10 s, jitter 1.0 every time):
//   250 ms, 500 ms, 1 s, 2 s, 4 s, 8 s, 10 s, 10 s, ...
//
// Threading: a plain value; no shared state.
#pragma once

#include "base/time.h"

namespace lw::adapters::mqtt {

class ReconnectBackoff {
 public:
  /// Requires 0 < min <= max (checked by the owner's option validation).
  ReconnectBackoff(Duration min, Duration max);

  /// The delay before the next attempt, in milliseconds. `jitter` in [0, 1]
  /// (clamped) picks the point in [nominal/2, nominal]; then the nominal delay
  /// doubles, capped at `max`.
  Duration next(double jitter);

  /// Back to `min`: call after a connection succeeded.
  void reset() { nominal_ = min_; }

  /// The nominal delay the next call to next() starts from.
  [[nodiscard]] Duration nominal() const { return nominal_; }

 private:
  Duration min_;
  Duration max_;
  Duration nominal_;
};

}  // namespace lw::adapters::mqtt
