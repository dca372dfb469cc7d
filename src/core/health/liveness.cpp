#include "core/health/liveness.h"

namespace lw::core {

Connectivity HeartbeatLiveness::evaluate(const LockRecord& lock, Timestamp now) const {
  if (!lock.last_seen) return Connectivity::unknown;
  if (!lock.link_up) return Connectivity::offline;
  if (now - *lock.last_seen > silence_bound(lock)) return Connectivity::offline;
  return Connectivity::online;
}

}  // namespace lw::core
