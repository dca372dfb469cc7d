// LinkRouter: the hub's one core::DeviceLink. It hands each command, and each
// probe, to the link that speaks the lock's protocol:
//   1. a link that claims the lock: the adapter that found it (Zigbee2MQTT,
//      Nuki) speaks for it;
//   2. else the link routed for the lock's transport (zigbee -> Zigbee2MQTT,
//      for a lock configured but not found on the bridge yet: it answers
//      unavailable, and the Hub retries until the action expires);
//   3. else the fallback, the native gateway.
// Commands only lockwarden's own firmware knows (Command::native_only:
// recalibrate, revoke_grant) go to the native gateway or nowhere.
//
// Threading: the owning event loop only, like the Hub.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "core/lock/vocabulary.h"
#include "core/ports/device_link.h"

namespace lw::adapters {

/// A DeviceLink that speaks for some locks (those its adapter found).
class ClaimingLink : public core::DeviceLink {
 public:
  [[nodiscard]] virtual bool speaks_for(const LockId& lock) const = 0;
};

class LinkRouter final : public core::DeviceLink {
 public:
  /// A lock's transport as the hub knows it; nullopt for an unknown lock.
  using TransportOf = std::function<std::optional<core::Transport>(const LockId&)>;

  /// `fallback` takes every lock no other link takes. It must outlive the router.
  explicit LinkRouter(core::DeviceLink& fallback) : fallback_(fallback) {}

  /// Asked first, in the order added. `link` must outlive the router.
  void claim_with(ClaimingLink& link) { claimers_.push_back(&link); }
  /// Locks of `transport` that nobody claims go to `link`.
  void route(core::Transport transport, core::DeviceLink& link) { by_transport_[transport] = &link; }
  void set_transport_of(TransportOf transport_of) { transport_of_ = std::move(transport_of); }

  Result<void> send_command(const core::Command& command) override;
  Result<void> probe(const core::Command& ping) override;
  Result<void> relay_envelope(const core::LockAddress& lock, std::string_view envelope) override;
  Result<void> restart_bridge(const core::LockAddress& lock) override;
  Result<void> update_firmware(const core::LockAddress& lock) override;

  /// The link that takes `lock` now.
  [[nodiscard]] core::DeviceLink& link_for(const LockId& lock) const;

 private:
  core::DeviceLink& fallback_;
  std::vector<ClaimingLink*> claimers_;
  std::map<core::Transport, core::DeviceLink*> by_transport_;
  TransportOf transport_of_;
};

}  // namespace lw::adapters
