#include "sim/world/people.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "base/enum_names.h"

namespace lw::sim::world {
namespace {

constexpr std::int64_t kMsPerHour = 3'600'000;
constexpr std::int64_t kMsPerDay = 24 * kMsPerHour;

// Relative traffic by local hour. Home: leaving for work and school 07–09,
// coming back 17–20 (the shape of time-use surveys such as the US ATUS).
constexpr std::array<double, 24> kHomeWeights{0.2, 0.1, 0.05, 0.05, 0.05, 0.2, 1.0, 2.2, 1.8, 0.8, 0.6, 0.6,
                                              0.8, 0.7, 0.6,  0.9,  1.3,  2.0, 2.2, 1.6, 1.0, 0.7, 0.5, 0.3};
// Office: arrivals, lunch, departures.
constexpr std::array<double, 24> kOfficeWeights{0.01, 0.01, 0.01, 0.01, 0.01, 0.02, 0.2,  1.0,
                                                3.0,  2.0,  1.0,  1.0,  2.0,  2.0,  1.0,  1.0,
                                                1.5,  2.5,  1.0,  0.3,  0.1,  0.05, 0.02, 0.01};
constexpr double kOfficeWeekendFactor = 0.05;

// A guard against a profile whose rate is zero for long stretches.
constexpr int kMaxCandidates = 1'000'000;

constexpr EnumNames<DoorOperationKind, 4> kKindNames{{{
    {DoorOperationKind::pin_unlock, "pin_unlock"},
    {DoorOperationKind::phone_unlock, "phone_unlock"},
    {DoorOperationKind::manual, "manual"},
    {DoorOperationKind::wrong_pin, "wrong_pin"},
}}};

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

std::string_view to_string(DoorOperationKind kind) noexcept { return kKindNames.name(kind); }

core::OperationSource operation_source(DoorOperationKind kind) noexcept {
  switch (kind) {
    case DoorOperationKind::pin_unlock:
    case DoorOperationKind::wrong_pin: return core::OperationSource::keypad;
    case DoorOperationKind::phone_unlock: return core::OperationSource::phone;
    case DoorOperationKind::manual: return core::OperationSource::manual;
  }
  return core::OperationSource::unknown;
}

TrafficProfile::TrafficProfile(const std::array<double, 24>& weights, double per_day, double weekend_factor,
                               Duration utc_offset) noexcept
    : per_day_(std::max(per_day, 0.0)),
      weekend_factor_(std::max(weekend_factor, 0.0)),
      utc_offset_(utc_offset) {
  double total = 0;
  for (double w : weights) total += std::max(w, 0.0);
  for (std::size_t h = 0; h < 24; ++h) {
    per_hour_[h] = total > 0 ? per_day_ * std::max(weights[h], 0.0) / total : 0.0;
    peak_ = std::max(peak_, per_hour_[h] * std::max(1.0, weekend_factor_));
  }
}

TrafficProfile TrafficProfile::home(double per_day, Duration utc_offset) noexcept {
  return TrafficProfile(kHomeWeights, per_day, 1.0, utc_offset);
}

TrafficProfile TrafficProfile::office(double per_day, Duration utc_offset) noexcept {
  return TrafficProfile(kOfficeWeights, per_day, kOfficeWeekendFactor, utc_offset);
}

double TrafficProfile::rate_per_hour(Timestamp t) const noexcept {
  const std::int64_t local_ms = to_epoch_ms(t) + utc_offset_.count();
  const std::int64_t day = floor_div(local_ms, kMsPerDay);
  const auto hour = static_cast<std::size_t>(floor_div(local_ms - day * kMsPerDay, kMsPerHour));
  // 1970-01-01 was a Thursday: Monday = 0 .. Sunday = 6.
  const std::int64_t weekday = ((day + 3) % 7 + 7) % 7;
  const double rate = per_hour_[hour];
  return weekday >= 5 ? rate * weekend_factor_ : rate;
}

DoorTraffic::DoorTraffic(const TrafficProfile& profile, const OperationMix& mix) noexcept
    : profile_(profile) {
  const std::array<double, 4> shares{std::max(mix.pin_unlock, 0.0), std::max(mix.phone_unlock, 0.0),
                                     std::max(mix.manual, 0.0), std::max(mix.wrong_pin, 0.0)};
  double total = 0;
  for (double s : shares) total += s;
  double running = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    running += total > 0 ? shares[i] / total : (i == 0 ? 1.0 : 0.0);
    cumulative_[i] = running;
  }
  cumulative_[3] = 1.0;
}

std::optional<DoorOperation> DoorTraffic::next_arrival(Timestamp now, Rng& rng) const noexcept {
  const double peak = profile_.peak_rate_per_hour();
  if (!(peak > 0)) return std::nullopt;
  const double ms_per_candidate = static_cast<double>(kMsPerHour) / peak;
  Timestamp t = now;
  for (int i = 0; i < kMaxCandidates; ++i) {
    const double gap = std::ceil(rng.exponential() * ms_per_candidate);
    t += Duration{std::max<std::int64_t>(1, static_cast<std::int64_t>(gap))};
    if (rng.uniform() * peak < profile_.rate_per_hour(t)) {
      const double u = rng.uniform();
      std::size_t k = 0;
      while (k < 3 && u >= cumulative_[k]) ++k;
      return DoorOperation{t, static_cast<DoorOperationKind>(k)};
    }
  }
  return std::nullopt;
}

}  // namespace lw::sim::world
