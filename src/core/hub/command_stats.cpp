#include "core/hub/command_stats.h"

#include <algorithm>

namespace lw::core {

void LatencyHistogram::observe(Duration latency) {
  latency = std::max(latency, Duration{0});
  std::size_t bucket = 0;
  while (bucket < kBounds.size() && latency > kBounds[bucket]) ++bucket;
  ++in_bucket_[bucket];
  ++count_;
  sum_ += latency;
}

std::uint64_t LatencyHistogram::at_or_below(std::size_t i) const {
  std::uint64_t total = 0;
  for (std::size_t b = 0; b <= i && b < kBounds.size(); ++b) total += in_bucket_[b];
  return total;
}

void CommandStats::finished(ActionStatus status, std::optional<Duration> latency) {
  switch (status) {
    case ActionStatus::pending: return;
    case ActionStatus::succeeded: ++succeeded_; break;
    case ActionStatus::failed: ++failed_; break;
    case ActionStatus::expired: ++expired_; break;
  }
  if (latency) latency_.observe(*latency);
}

std::uint64_t CommandStats::count(ActionStatus status) const {
  switch (status) {
    case ActionStatus::pending: return 0;
    case ActionStatus::succeeded: return succeeded_;
    case ActionStatus::failed: return failed_;
    case ActionStatus::expired: return expired_;
  }
  return 0;
}

}  // namespace lw::core
