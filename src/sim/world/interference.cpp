#include "sim/world/interference.h"

#include <algorithm>
#include <cmath>

#include "base/enum_names.h"

namespace lw::sim::world {
namespace {

constexpr int kMinutesPerDay = 24 * 60;
constexpr std::int64_t kMsPerMinute = 60'000;

// A microwave oven's rise at 1 m with no wall between, dB.
constexpr double kMicrowaveRiseAt1mDb = 30;

constexpr EnumNames<InterferenceKind, 4> kKindNames{{{
    {InterferenceKind::microwave_oven, "microwave_oven"},
    {InterferenceKind::neighbour_network, "neighbour_network"},
    {InterferenceKind::cordless_phone, "cordless_phone"},
    {InterferenceKind::other, "other"},
}}};

int wrap_minute(int m) noexcept { return ((m % kMinutesPerDay) + kMinutesPerDay) % kMinutesPerDay; }

}  // namespace

std::string_view to_string(InterferenceKind kind) noexcept { return kKindNames.name(kind); }

int minute_of_day(Timestamp t) noexcept {
  const std::int64_t minutes = to_epoch_ms(t) / kMsPerMinute - (to_epoch_ms(t) % kMsPerMinute < 0 ? 1 : 0);
  return static_cast<int>(((minutes % kMinutesPerDay) + kMinutesPerDay) % kMinutesPerDay);
}

double combine_noise_rise_db(double a_db, double b_db) noexcept {
  if (a_db <= 0) return std::max(b_db, 0.0);
  if (b_db <= 0) return a_db;
  return 10 * std::log10(std::pow(10.0, a_db / 10) + std::pow(10.0, b_db / 10) - 1);
}

InterferenceSource::InterferenceSource(InterferenceKind kind, double noise_rise_db, double busy_fraction,
                                       std::initializer_list<DailyWindow> windows, double band_low_mhz,
                                       double band_high_mhz) noexcept
    : kind_(kind),
      rise_db_(std::max(noise_rise_db, 0.0)),
      busy_(std::clamp(busy_fraction, 0.0, 1.0)),
      band_low_mhz_(band_low_mhz),
      band_high_mhz_(band_high_mhz) {
  for (const DailyWindow& w : windows) {
    if (window_count_ == kMaxWindows) break;
    windows_[static_cast<std::size_t>(window_count_++)] = {wrap_minute(w.from_minute),
                                                           wrap_minute(w.to_minute)};
  }
}

InterferenceSource InterferenceSource::microwave_oven(double distance_m, double walls_db,
                                                      std::initializer_list<DailyWindow> windows) noexcept {
  const double rise = kMicrowaveRiseAt1mDb - 20 * std::log10(std::max(distance_m, 1.0)) - walls_db;
  return InterferenceSource(InterferenceKind::microwave_oven, rise, 0.5, windows, 2400, 2500);
}

InterferenceSource InterferenceSource::neighbour_network(double noise_rise_db,
                                                         double busy_fraction) noexcept {
  return InterferenceSource(InterferenceKind::neighbour_network, noise_rise_db, busy_fraction, {}, 2400,
                            2483.5);
}

bool InterferenceSource::active_at(Timestamp t) const noexcept {
  if (window_count_ == 0) return true;
  const int m = minute_of_day(t);
  for (int i = 0; i < window_count_; ++i) {
    const DailyWindow& w = windows_[static_cast<std::size_t>(i)];
    const bool inside = w.from_minute <= w.to_minute ? (m >= w.from_minute && m < w.to_minute)
                                                     : (m >= w.from_minute || m < w.to_minute);
    if (inside) return true;
  }
  return false;
}

bool InterferenceSource::affects(double freq_mhz) const noexcept {
  return freq_mhz >= band_low_mhz_ && freq_mhz <= band_high_mhz_;
}

double InterferenceSource::noise_rise_db(Timestamp t, double freq_mhz) const noexcept {
  return affects(freq_mhz) && active_at(t) ? rise_db_ : 0.0;
}

double InterferenceSource::busy_fraction(Timestamp t, double freq_mhz) const noexcept {
  return affects(freq_mhz) && active_at(t) ? busy_ : 0.0;
}

}  // namespace lw::sim::world
