// RecordingDeviceLink: a DeviceLink that keeps every command it is asked to
// send and every probe, and can be told to fail (a broker that is down).
// Threading: single-threaded, like the Hub that uses it.
#pragma once

#include <vector>

#include "core/ports/device_link.h"

namespace lw::testing {

class RecordingDeviceLink final : public core::DeviceLink {
 public:
  Result<void> send_command(const core::Command& command) override {
    if (down_) return unavailable("broker not connected");
    sent_.push_back(command);
    return ok();
  }
  Result<void> probe(const core::Command& ping) override {
    if (no_probes_) return failed_precondition("this link cannot ask");
    pings_.push_back(ping);
    return ok();
  }
  void set_down(bool down) { down_ = down; }
  /// Probes are refused as a link with no way to ask refuses them.
  void refuse_probes() { no_probes_ = true; }
  [[nodiscard]] const std::vector<core::Command>& sent() const { return sent_; }
  /// The locks probed, in order.
  [[nodiscard]] std::vector<core::LockAddress> probed() const {
    std::vector<core::LockAddress> out;
    for (const core::Command& p : pings_) out.push_back(p.target);
    return out;
  }
  [[nodiscard]] const std::vector<core::Command>& pings() const { return pings_; }

 private:
  std::vector<core::Command> pings_;
  std::vector<core::Command> sent_;
  bool down_{false};
  bool no_probes_{false};
};

}  // namespace lw::testing
