// CommandStats: how the hub's remote commands ended and how long the locks
// took to answer, for the operator's metrics (GET /metrics). Counted since the
// hub started; nothing is stored.
//
// Latency is from the request (the action's created_at) to the lock's answer
// (completed_at). Only answered commands (succeeded or failed) have one: an
// expired command was never answered.
//
// Example:
//   CommandStats stats;
//   stats.finished(ActionStatus::succeeded, 180ms);
//   stats.count(ActionStatus::succeeded);   // 1
//   stats.latency().at_or_below(2);         // 1: 180 ms <= 250 ms
//
// Threading: plain value; one owner.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/time.h"
#include "core/lock/records.h"

namespace lw::core {

/// A latency histogram over fixed bounds (Prometheus-style `le` buckets).
class LatencyHistogram {
 public:
  /// Upper bounds of the buckets, inclusive: 50 ms .. 30 s.
  static constexpr std::array<Duration, 9> kBounds{50ms, 100ms, 250ms, 500ms, 1s, 2500ms, 5s, 10s, 30s};

  /// Counts one observation; a negative one (the hub's clock set back) counts as 0.
  void observe(Duration latency);

  /// Observations <= kBounds[i].
  [[nodiscard]] std::uint64_t at_or_below(std::size_t i) const;
  [[nodiscard]] std::uint64_t count() const { return count_; }
  /// The sum of every observation.
  [[nodiscard]] Duration sum() const { return sum_; }

 private:
  std::array<std::uint64_t, kBounds.size() + 1> in_bucket_{};  // the last: above every bound
  std::uint64_t count_{0};
  Duration sum_{0};
};

class CommandStats {
 public:
  /// A command left `pending` with `status` (succeeded, failed or expired);
  /// `latency` when the lock answered. A `pending` status is ignored.
  void finished(ActionStatus status, std::optional<Duration> latency);

  /// Commands that ended with `status` (0 for pending).
  [[nodiscard]] std::uint64_t count(ActionStatus status) const;
  [[nodiscard]] const LatencyHistogram& latency() const { return latency_; }

 private:
  std::uint64_t succeeded_{0};
  std::uint64_t failed_{0};
  std::uint64_t expired_{0};
  LatencyHistogram latency_;
};

}  // namespace lw::core
