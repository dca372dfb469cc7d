// Interference: things that raise the radio noise a lock's receiver (or its
// hub's) hears, on a daily schedule. A microwave oven leaks 2.4 GHz energy
// while it runs; a neighbour's network on the same channel adds a little
// noise and takes a share of the airtime all day.
//
// A source has a noise rise (dB above the receiver's floor), a busy fraction
// (share of the time the channel is taken: a microwave's magnetron runs on
// every other half-cycle of the mains, ~50 %; a busy neighbouring network
// 20–40 %), the band it covers, and daily windows in minutes of the UTC day.
// Outside its windows or its band it adds nothing.
//
// Figures: microwave ovens raise the 2.4 GHz noise 20–30 dB within a few
// metres (the oven leaks up to 5 mW/cm² at 5 cm under 21 CFR 1030.10; field
// surveys of Wi-Fi near ovens show 20–30 dB rises on channels 6–11); here
// 30 dB at 1 m, falling 20 dB per decade of distance and by the walls between.
//
// Example:
//   auto oven = InterferenceSource::microwave_oven(2.0);    // 07:30–07:35, 18:00–18:20 UTC
//   double rise = oven.noise_rise_db(now, 2440);            // 24 dB at 18:05, 0 at 12:00
//   double snr = snr_db(rssi, floor, rise);
//
// Threading: plain value; no call allocates.
#pragma once

#include <array>
#include <initializer_list>
#include <string_view>

#include "base/time.h"

namespace lw::sim::world {

enum class InterferenceKind { microwave_oven, neighbour_network, cordless_phone, other };
std::string_view to_string(InterferenceKind kind) noexcept;

/// Minutes of the UTC day, [from, to). from > to wraps past midnight
/// (e.g. 23:00–01:00 is {1380, 60}).
struct DailyWindow {
  int from_minute;
  int to_minute;
};

/// The minute of the UTC day of `t`, 0..1439 (also before 1970).
int minute_of_day(Timestamp t) noexcept;

/// Two noise rises over the same floor combined as powers, dB:
/// floor·(10^(a/10) + 10^(b/10) − 1). Two 3 dB rises make 4.8 dB.
double combine_noise_rise_db(double a_db, double b_db) noexcept;

class InterferenceSource {
 public:
  static constexpr int kMaxWindows = 8;

  /// `windows` empty: on all day. Windows past kMaxWindows are ignored; minutes
  /// are taken modulo 1440.
  InterferenceSource(InterferenceKind kind, double noise_rise_db, double busy_fraction,
                     std::initializer_list<DailyWindow> windows, double band_low_mhz = 2400,
                     double band_high_mhz = 2483.5) noexcept;

  /// A microwave oven `distance_m` away behind `walls_db` of walls, used at
  /// breakfast and dinner by default: 07:30–07:35 and 18:00–18:20 UTC.
  static InterferenceSource microwave_oven(double distance_m, double walls_db = 0,
                                           std::initializer_list<DailyWindow> windows = {
                                               {450, 455}, {1080, 1100}}) noexcept;
  /// A neighbour's Wi-Fi on the same channel: on all day, a small rise and a
  /// share of the airtime.
  static InterferenceSource neighbour_network(double noise_rise_db = 3, double busy_fraction = 0.3) noexcept;

  /// True inside one of the windows (always, with none).
  [[nodiscard]] bool active_at(Timestamp t) const noexcept;
  /// True when `freq_mhz` lies in the source's band.
  [[nodiscard]] bool affects(double freq_mhz) const noexcept;
  /// Noise rise at `t` for a receiver on `freq_mhz`, dB; 0 when off or out of band.
  [[nodiscard]] double noise_rise_db(Timestamp t, double freq_mhz) const noexcept;
  /// Share of the airtime taken at `t` on `freq_mhz`, 0..1; 0 when off or out of band.
  [[nodiscard]] double busy_fraction(Timestamp t, double freq_mhz) const noexcept;

  [[nodiscard]] InterferenceKind kind() const noexcept { return kind_; }
  /// The rise while on, dB.
  [[nodiscard]] double peak_rise_db() const noexcept { return rise_db_; }

 private:
  InterferenceKind kind_;
  double rise_db_;
  double busy_;
  double band_low_mhz_;
  double band_high_mhz_;
  std::array<DailyWindow, kMaxWindows> windows_{};
  int window_count_{0};
};

}  // namespace lw::sim::world
