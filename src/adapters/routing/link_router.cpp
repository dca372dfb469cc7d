#include "adapters/routing/link_router.h"

namespace lw::adapters {

core::DeviceLink& LinkRouter::link_for(const LockId& lock) const {
  for (ClaimingLink* link : claimers_) {
    if (link->speaks_for(lock)) return *link;
  }
  if (transport_of_) {
    if (auto t = transport_of_(lock)) {
      if (auto it = by_transport_.find(*t); it != by_transport_.end()) return *it->second;
    }
  }
  return fallback_;
}

Result<void> LinkRouter::send_command(const core::Command& command) {
  core::DeviceLink& link = link_for(command.target.lock);
  // A bridge would read a command it has no word for as the bolt action it defaults to.
  if (command.native_only() && &link != &fallback_) {
    return invalid_argument(
        "command", "lock " + command.target.lock + " speaks through a bridge, which has no such command");
  }
  return link.send_command(command);
}

Result<void> LinkRouter::probe(const core::Command& ping) { return link_for(ping.target.lock).probe(ping); }

Result<void> LinkRouter::restart_bridge(const core::LockAddress& lock) {
  return link_for(lock.lock).restart_bridge(lock);
}

Result<void> LinkRouter::update_firmware(const core::LockAddress& lock) {
  return link_for(lock.lock).update_firmware(lock);
}

Result<void> LinkRouter::relay_envelope(const core::LockAddress& lock, std::string_view envelope) {
  return link_for(lock.lock).relay_envelope(lock, envelope);
}

}  // namespace lw::adapters
