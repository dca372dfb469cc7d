// PlainCodeEndpoint: the lock's end of the keypad-code protocol (docs/protocol.md
// section 8) for locks that take PINs in clear — Zigbee locks behind
// Zigbee2MQTT, Z-Wave locks behind Z-Wave JS. The hub's CodeService seals
// every PIN to a lock's box key and checks the lock's answers against keyed
// digests; a Zigbee or Z-Wave lock has neither, so the adapter that speaks
// for it holds this endpoint and answers in the lock's place:
//   - one X25519 box key pair per endpoint (per adapter, per process): the
//     hub pins its public key at the first read-back and seals PINs to it;
//     the adapter opens them only to write them to the lock;
//   - the site's code key, sealed to that box key (set_code_key), so the
//     read-backs carry the same keyed digests a native lock reports — when
//     the lock tells the PIN a slot holds (Z-Wave JS's userCode,
//     Zigbee2MQTT's users with expose_pin); otherwise a slot reads as
//     occupied without a digest, and only occupancy is checked.
// Such a lock knows no users apart from slots and no schedules: a slot's
// user is its number, its schedule `always` (AccessCodes accepts nothing
// else for them).
//
// What this changes for the PIN: it is sealed from the hub's vault to the
// adapter, in the same process; from there it travels as the bridge's
// protocol carries it (MQTT to Zigbee2MQTT, the WebSocket to zwave-js-server),
// protected by the broker's or the socket's access control and on the air by
// Zigbee's or Z-Wave S2's encryption. It is never logged.
//
// Threading: single-threaded; owned by the adapter's event loop.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "core/lock/credentials.h"
#include "core/lock/vocabulary.h"
#include "protocol/code_crypto.h"

namespace lw::adapters::codes {

/// One occupied slot as the lock reports it; `pin` when the lock tells it.
struct PlainSlot {
  int slot{1};
  std::optional<std::string> pin;
};

class PlainCodeEndpoint {
 public:
  /// A fresh box key pair from the OS's random source.
  PlainCodeEndpoint();
  PlainCodeEndpoint(const PlainCodeEndpoint&) = delete;
  PlainCodeEndpoint& operator=(const PlainCodeEndpoint&) = delete;
  ~PlainCodeEndpoint();

  /// The PIN of a set_code, opened. Errors: invalid_argument
  /// ("pin_sealed: does not open with this bridge's box key", "pin: must be
  /// 4..10 digits"), failed_precondition for what such a lock cannot hold
  /// ("schedule: ...", "user: ...").
  Result<std::string> open_pin(const core::CodeCommand& command) const;
  /// Keeps the site's code key a set_code_key carries for `lock`.
  /// Errors: invalid_argument ("key_sealed: does not open with this bridge's box key").
  Result<void> take_code_key(const LockId& lock, const core::CodeCommand& command);

  /// The answer to a code command: the box key, and the occupied slots of
  /// `held` from `from` on (at most `limit`; next_slot when more follow).
  core::CodeReadback readback(const LockId& lock, const std::vector<PlainSlot>& held, int from,
                              int limit = core::kSlotsPerReadback) const;

  [[nodiscard]] std::string box_key() const { return protocol::encode_box_key(keys_.public_key); }

 private:
  protocol::BoxKeyPair keys_;
  std::map<LockId, protocol::CodeKey> code_keys_;
};

}  // namespace lw::adapters::codes
