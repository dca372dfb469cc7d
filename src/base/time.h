// Time types. There is no now() here or anywhere in the core: the current time
// comes in through core::ports::Clock, so engines run on real or virtual time.
//
// Timestamp: milliseconds since the Unix epoch (UTC). Duration: milliseconds.
// Threading: plain values.
#pragma once

#include <chrono>
#include <cstdint>

namespace lw {

using Duration = std::chrono::milliseconds;
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// Milliseconds since the epoch, as on the wire (`ts_ms`).
constexpr std::int64_t to_epoch_ms(Timestamp t) noexcept { return t.time_since_epoch().count(); }
constexpr Timestamp from_epoch_ms(std::int64_t ms) noexcept { return Timestamp{Duration{ms}}; }

using namespace std::chrono_literals;  // NOLINT(google-global-names-in-headers): 5s, 100ms everywhere

}  // namespace lw
