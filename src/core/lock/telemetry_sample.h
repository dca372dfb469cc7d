// Telemetry history: the battery and radio readings the hub keeps of each lock
// for charts over days and months (GET /api/v1/locks/{id}/history), as one
// stored sample and as one point of a history read back. The Store port keeps
// the samples (docs/storage.md, table `telemetry`); the Hub decides which
// telemetry messages become samples.
//
// Threading: plain values.
#pragma once

#include <cstdint>
#include <optional>

#include "base/ids.h"
#include "base/time.h"

namespace lw::core {

/// One stored reading of a lock. Absent fields were not reported.
struct TelemetrySample {
  LockId lock;
  Timestamp t{};                     // hub clock when the telemetry arrived
  std::optional<int> battery_pct;    // 0..100
  std::optional<int> voltage_mv;     // battery pack voltage (Telemetry::battery_mv)
  std::optional<int> rssi_dbm;       // -120..0
  std::optional<int> lqi;            // Zigbee link quality 0..255 (not an RSSI)
  std::optional<int> temperature_c;  // -40..85, at the lock's board
};

/// One point of a history: the samples of one time bucket (or one sample, when
/// the range holds no more samples than points were asked for). Each value is
/// the mean over the samples that reported it, rounded to the nearest integer
/// (halves away from zero); absent when none did.
struct TelemetryPoint {
  Timestamp t{};   // mean time of the bucket's samples, rounded to the ms
  int samples{0};  // how many samples the point stands for, >= 1
  std::optional<int> battery_pct;
  std::optional<int> battery_min_pct;  // lowest battery_pct in the bucket
  std::optional<int> voltage_mv;
  std::optional<int> rssi_dbm;
  std::optional<int> lqi;
  std::optional<int> temperature_c;
};

/// The bucket width, in ms, that cuts [since, until] (both inclusive) into at
/// most `max_points` equal buckets starting at `since`: bucket i holds the
/// samples with since + i * width <= t < since + (i + 1) * width. Requires
/// since <= until and max_points >= 1.
///
/// Example: 7 days and 500 points give 1'209'601 ms (about 20 minutes).
constexpr std::int64_t history_bucket_ms(Timestamp since, Timestamp until, int max_points) noexcept {
  return (until - since).count() / max_points + 1;
}

}  // namespace lw::core
