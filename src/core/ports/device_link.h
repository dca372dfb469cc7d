// Port: the way to a lock. The native adapter signs the command with the hub's
// key and publishes it (QoS 1) on the lock's command topic; a bridge's adapter
// (Zigbee2MQTT) or a third-party lock's (Nuki) speaks that lock's own API.
// Errors: `unavailable` when the broker is not connected (the action stays
// pending and expires if the link does not come back in time).
// Threading: called only from the owning event loop.
#pragma once

#include <string_view>

#include "base/result.h"
#include "core/lock/messages.h"

namespace lw::core {

class DeviceLink {
 public:
  virtual ~DeviceLink() = default;
  virtual Result<void> send_command(const Command& command) = 0;
  /// Asks a lock whose report is overdue whether it still hears: a native
  /// lock gets `ping` itself, signed (docs/protocol.md 5.6); a bridge's
  /// adapter asks in its own API (a Zigbee2MQTT /get, a Z-Wave ping) for
  /// `ping.target`. The answer arrives as an ordinary message. The default
  /// refuses (failed_precondition): a link with no way to ask, whose lock
  /// the Hub then stops probing.
  virtual Result<void> probe(const Command& ping) {
    (void)ping;
    return failed_precondition("this lock's link has no way to ask it for its state");
  }
  /// Restarts the software of the bridge `lock` is reached through (the
  /// lock doctor's power_cycle_hub, done by the hub while the bridge still
  /// answers): Zigbee2MQTT's bridge/request/restart. The default refuses
  /// (failed_precondition): a link whose bridge cannot be restarted from
  /// here, or a lock reached directly.
  virtual Result<void> restart_bridge(const LockAddress& lock) {
    (void)lock;
    return failed_precondition("this lock's bridge cannot be restarted by the hub");
  }
  /// Asks the bridge `lock` is reached through to install the firmware update
  /// it has for the lock (the lock doctor's update_firmware, done by the hub):
  /// Zigbee2MQTT's bridge/request/device/ota_update/update. How it went
  /// arrives later (Hub::on_update_result). The default refuses
  /// (failed_precondition).
  virtual Result<void> update_firmware(const LockAddress& lock) {
    (void)lock;
    return failed_precondition("this lock's firmware cannot be updated by the hub");
  }
  /// Delivers an envelope sealed by a user's own key, byte for byte, to
  /// `lock` (docs/protocol.md 5.5). The default refuses: only the native
  /// protocol carries end-to-end commands.
  virtual Result<void> relay_envelope(const LockAddress& lock, std::string_view envelope) {
    (void)lock;
    (void)envelope;
    return failed_precondition("this lock's link cannot carry end-to-end signed commands");
  }
};

}  // namespace lw::core
