// BridgeLog: what a bridge's own log says about a device's radio, as the lock
// doctor's evidence (EvidenceBook::bridge_log). Zigbee2MQTT's failure lines
// name the stack's MAC status; protocol/ecosystem reads them into this.
// Threading: a plain value.
#pragma once

namespace lw::core {

/// What the Zigbee bridge's log says about a device (MAC status of a failure).
enum class BridgeLog { no_route, channel_busy };

}  // namespace lw::core
