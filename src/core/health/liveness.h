// Liveness: decides a lock's Connectivity from what the hub has heard. Kept
// behind an interface so the health engine can replace the simple policy.
// Threading: called only from the owning event loop.
#pragma once

#include "base/time.h"
#include "core/lock/records.h"
#include "core/lock/vocabulary.h"

namespace lw::core {

class LivenessPolicy {
 public:
  virtual ~LivenessPolicy() = default;
  /// The connectivity `lock` has at `now`, given its record.
  [[nodiscard]] virtual Connectivity evaluate(const LockRecord& lock, Timestamp now) const = 0;
};

/// The foundation's policy: offline as soon as the status topic says so (the
/// lock's own "offline" or its MQTT Last Will), or when nothing was heard for
/// `missed_heartbeats` heartbeat intervals plus `grace`.
class HeartbeatLiveness final : public LivenessPolicy {
 public:
  HeartbeatLiveness(int missed_heartbeats, Duration grace) : missed_(missed_heartbeats), grace_(grace) {}
  [[nodiscard]] Connectivity evaluate(const LockRecord& lock, Timestamp now) const override;
  /// Longest silence tolerated for this lock.
  [[nodiscard]] Duration silence_bound(const LockRecord& lock) const {
    return lock.heartbeat * missed_ + grace_;
  }

 private:
  int missed_;
  Duration grace_;
};

}  // namespace lw::core
