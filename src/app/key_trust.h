// KeyTrust: the hub's side of pairing (docs/protocol.md 6.2) and of
// end-to-end commands (5.5).
//
// Pairing: start() runs protocol::PairingInitiator against a lock over MQTT
// (the lock's `pair` / `pair_reply` topics, through the NativeGateway). The
// exchange enrols either the hub's own key or a user's device key the caller
// names; on success the key is recorded in the LockKeyRegistry. Sessions live
// in memory: a restart abandons a pairing in flight (the lock's window then
// times out). A session without an answer fails after kReplyTimeout.
//
// Relaying: relay() checks a user-sealed envelope against the hub's policy —
// its key id is paired with that lock, the signature verifies under the
// registered public key, the body is addressed to that lock and its action is
// lock, unlock or unlatch — and hands it to Hub::relay_action unchanged.
//
// The code a caller passes is used for one exchange and never logged or stored.
//
// Threading: the hub's event loop.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/native/native_gateway.h"
#include "adapters/sqlite/lock_key_registry.h"
#include "core/hub/hub.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "protocol/envelope.h"
#include "protocol/pairing_exchange.h"

namespace lw::adapters::http {
class Router;
}

namespace lw::app {

struct PairingStatus {
  std::string id;  ///< the session id
  LockId lock;
  std::string key_id;
  bool hub_key{false};
  std::string kind{"pair"};      ///< pair, or unpair (the hub asked the lock to forget the key)
  std::string state{"pending"};  ///< pending, then paired or unpaired, or failed
  std::string outcome;           ///< the lock's outcome name, or "timeout", "unauthenticated"
  std::string detail;
  Timestamp started_at{};
  std::optional<Timestamp> finished_at;
};

class KeyTrust {
 public:
  static constexpr Duration kReplyTimeout{30s};

  /// `store` gives the counters of unpair commands, signed with the hub's key `hub_key_id`.
  KeyTrust(adapters::native::NativeGateway& gateway, adapters::sqlite::LockKeyRegistry& registry,
           core::Hub& hub, core::Store& store, core::Clock& clock, core::Random& random,
           std::string hub_key_id);

  /// Starts a pairing of `lock` with the label `code`, enrolling `enrolment`.
  /// Errors: not_found (no such lock), invalid_argument ("code: ...",
  /// "key_id: ..."), failed_precondition (not a native lock), unavailable
  /// (the broker is not connected).
  Result<PairingStatus> start(const LockId& lock, std::string_view code, protocol::Enrolment enrolment);
  /// Errors: not_found.
  Result<PairingStatus> find(const std::string& id) const;
  /// Asks `lock` to stop trusting `key_id` (docs/protocol.md 6.3), signed by
  /// the hub's key, which the lock must trust. The session (kind unpair) ends
  /// `unpaired` when the lock confirms, and the key leaves the registry; or
  /// `failed` with the lock's outcome (unknown_key: the hub's own key is not
  /// enrolled) or timeout. Audited as key.unpair. Errors: not_found (no such
  /// lock, or the key is not paired with it), failed_precondition (not a
  /// native lock), unavailable (the broker, or the audit log).
  Result<PairingStatus> unpair(const LockId& lock, const std::string& key_id, const std::string& actor);
  /// The keys the lock trusts, as the hub recorded their pairings. Errors: not_found, store errors.
  Result<std::vector<adapters::sqlite::PairedKey>> keys(const LockId& lock);
  /// The site of a session's lock (for the API's access rules), or nullopt.
  [[nodiscard]] std::optional<SiteId> site_of(const std::string& session_id) const;
  /// A lock's answer to a command: it ends an unpair session.
  void on_result(const core::LockAddress& from, const core::CommandResult& result);

  /// A message a lock published on its pair_reply topic.
  void on_reply(const core::LockAddress& from, std::string_view payload);
  /// Told of every pairing the lock confirmed (someone was at the door):
  /// `hub_key` when it enrolled a hub key (after a factory reset, say).
  using Paired = std::function<void(const core::LockAddress& lock, bool hub_key)>;
  void on_paired(Paired paired) { paired_ = std::move(paired); }
  /// Fails sessions that waited longer than kReplyTimeout.
  void tick();

  /// Relays a user-sealed envelope to `lock` (see the header comment).
  /// Errors: invalid_argument ("envelope...: ..."), permission_denied (the
  /// key is not paired with this lock, or the signature does not verify
  /// under its registered key), those of Hub::relay_action.
  Result<core::Action> relay(const LockId& lock, std::string_view envelope);

 private:
  struct Session {
    PairingStatus status;
    std::optional<protocol::PairingInitiator> initiator;  ///< pairing only
    std::string public_key;
    std::string actor;  ///< unpair: who asked, for the audit log
  };
  void finish(Session& s, std::string state, std::string outcome, std::string detail);
  Paired paired_;

  adapters::native::NativeGateway& gateway_;
  adapters::sqlite::LockKeyRegistry& registry_;
  core::Hub& hub_;
  core::Store& store_;
  core::Clock& clock_;
  core::Random& random_;
  std::string hub_key_id_;
  std::map<std::string, Session, std::less<>> sessions_;
};

/// POST /api/v1/locks/{id}/pair, GET /api/v1/pairings/{id}, GET
/// /api/v1/locks/{id}/keys, DELETE /api/v1/locks/{id}/keys/{key_id},
/// POST /api/v1/locks/{id}/actions (docs/api.md). `hub_key`: the hub's own
/// public key and key id, enrolled when the pair request names no key.
void add_key_trust_routes(adapters::http::Router& router, KeyTrust& trust, const std::string& hub_key_id,
                          protocol::PublicKey hub_key);

}  // namespace lw::app
