// Door traffic: when people operate a lock, and how. Operations arrive as a
// Poisson process whose rate follows the hour of the day (a home is busy when
// people leave in the morning and come back in the evening; an office from
// 8 to 18 on weekdays). Arrival times are drawn by thinning (Lewis & Shedler,
// 1979): candidates come at the peak rate and each is kept with probability
// rate(t) / peak, which is exact for any rate profile.
//
// Each operation has a kind: a PIN unlock at the keypad, a phone unlock from
// the companion app, a manual turn of the thumb-turn or key, or (rarely) a
// wrong PIN.
//
// Example:
//   DoorTraffic traffic(TrafficProfile::home(8));
//   Rng rng(derive_seed(seed, "front-door/traffic"));
//   auto op = traffic.next_arrival(now, rng);   // op->at > now, op->kind
//
// Threading: plain values; next_arrival does not allocate.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "base/time.h"
#include "core/lock/vocabulary.h"
#include "sim/world/rng.h"

namespace lw::sim::world {

enum class DoorOperationKind { pin_unlock, phone_unlock, manual, wrong_pin };
std::string_view to_string(DoorOperationKind kind) noexcept;
/// The Matter OperationSource a lock reports for it (a wrong PIN comes from the keypad).
core::OperationSource operation_source(DoorOperationKind kind) noexcept;

/// How often a lock is operated, by local hour of the day.
class TrafficProfile {
 public:
  /// `weights`: relative traffic in each local hour 0..23, scaled so that a
  /// weekday has `per_day` operations; Saturdays and Sundays have
  /// `weekend_factor` times as many. Local time is UTC + `utc_offset`.
  /// Negative weights count as 0.
  TrafficProfile(const std::array<double, 24>& weights, double per_day, double weekend_factor = 1.0,
                 Duration utc_offset = Duration::zero()) noexcept;

  /// A household: peaks 07–09 and 17–20, quiet at night, the same at weekends.
  static TrafficProfile home(double per_day, Duration utc_offset = Duration::zero()) noexcept;
  /// An office door: arrivals 08–10, lunch 12–14, departures 17–18; near
  /// nothing at night; 5 % of the weekday traffic at weekends.
  static TrafficProfile office(double per_day, Duration utc_offset = Duration::zero()) noexcept;

  /// Operations per hour expected at `t`.
  [[nodiscard]] double rate_per_hour(Timestamp t) const noexcept;
  /// The highest rate of any hour, per hour.
  [[nodiscard]] double peak_rate_per_hour() const noexcept { return peak_; }
  /// Operations expected in a whole weekday.
  [[nodiscard]] double per_weekday() const noexcept { return per_day_; }

 private:
  std::array<double, 24> per_hour_{};  // weekday rate in each local hour
  double per_day_;
  double weekend_factor_;
  Duration utc_offset_;
  double peak_{0};
};

/// Shares of each kind of operation; they need not sum to 1 (they are
/// normalised). Defaults: PIN 45 %, phone 25 %, manual 28 %, wrong PIN 2 %.
struct OperationMix {
  double pin_unlock{0.45};
  double phone_unlock{0.25};
  double manual{0.28};
  double wrong_pin{0.02};
};

struct DoorOperation {
  Timestamp at;
  DoorOperationKind kind;
};

class DoorTraffic {
 public:
  explicit DoorTraffic(const TrafficProfile& profile, const OperationMix& mix = {}) noexcept;

  /// The first operation after `now` (strictly later, millisecond resolution)
  /// and its kind, drawn from `rng`. nullopt when the profile has no traffic
  /// at all.
  [[nodiscard]] std::optional<DoorOperation> next_arrival(Timestamp now, Rng& rng) const noexcept;

  [[nodiscard]] const TrafficProfile& profile() const noexcept { return profile_; }

 private:
  TrafficProfile profile_;
  std::array<double, 4> cumulative_{};  // normalised cumulative shares, in DoorOperationKind order
};

}  // namespace lw::sim::world
