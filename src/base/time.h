// Time types. There is no now() here or anywhere in the core: the current time
// comes in through core::ports::Clock, so engines run on real or virtual time.
//
// Timestamp: milliseconds since the Unix epoch (UTC). Duration: milliseconds.
// Threading: plain values.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace lw {

using Duration = std::chrono::milliseconds;
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// Milliseconds since the epoch, as on the wire (`ts_ms`).
constexpr std::int64_t to_epoch_ms(Timestamp t) noexcept { return t.time_since_epoch().count(); }
constexpr Timestamp from_epoch_ms(std::int64_t ms) noexcept { return Timestamp{Duration{ms}}; }

/// The UTC day `t` falls on: whole days since 1970-01-01 (negative before).
constexpr std::int64_t utc_day(Timestamp t) noexcept {
  return std::chrono::floor<std::chrono::days>(t).time_since_epoch().count();
}
/// 00:00 UTC of day number `day`.
constexpr Timestamp utc_day_start(std::int64_t day) noexcept {
  return Timestamp{std::chrono::duration_cast<Duration>(std::chrono::days{day})};
}
/// The slot of `key` (a day or hour number, maybe negative) in a ring of `size` slots.
constexpr std::size_t ring_slot(std::int64_t key, std::int64_t size) noexcept {
  return static_cast<std::size_t>(((key % size) + size) % size);
}
/// The entry of `day` in a ring of daily aggregates (structs with an integer
/// `day` member, below any real day while unused): started afresh when its slot holds an older
/// day; nullptr when it holds a newer one (the day is older than the ring keeps).
template <class D, std::size_t N>
D* day_entry(std::array<D, N>& ring, std::int64_t day) {
  D& e = ring[ring_slot(day, static_cast<std::int64_t>(N))];
  if (e.day != day) {
    if (e.day > day) return nullptr;
    e = D{};
    e.day = static_cast<decltype(e.day)>(day);
  }
  return &e;
}
/// The entry of `day`, or nullptr when the ring does not hold it.
template <class D, std::size_t N>
const D* find_day_entry(const std::array<D, N>& ring, std::int64_t day) {
  const D& e = ring[ring_slot(day, static_cast<std::int64_t>(N))];
  return e.day == day ? &e : nullptr;
}
/// "2026-12-09": the UTC date of `t`.
std::string utc_date(Timestamp t);

using namespace std::chrono_literals;  // NOLINT(google-global-names-in-headers): 5s, 100ms everywhere

}  // namespace lw
