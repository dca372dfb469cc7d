#include "adapters/mqtt/reconnect_backoff.h"

#include <algorithm>

namespace lw::adapters::mqtt {

ReconnectBackoff::ReconnectBackoff(Duration min, Duration max) : min_(min), max_(max), nominal_(min) {}

Duration ReconnectBackoff::next(double jitter) {
  const double j = std::clamp(jitter, 0.0, 1.0);
  const Duration nominal = nominal_;
  const auto half = nominal.count() / 2;
  const auto spread = static_cast<Duration::rep>(static_cast<double>(nominal.count() - half) * j);
  nominal_ = std::min(nominal_ * 2, max_);
  return Duration{half + spread};
}

}  // namespace lw::adapters::mqtt
