// GuestKeys: guest keys as the hub's API issues them (docs/api.md "Guest
// keys", docs/protocol.md section 10). A manager names the guest's phone key,
// the doors and the window; the hub checks them, audits the grant
// ("guest.issue") and signs it with its own key. The guest's phone keeps the
// grant; each lock verifies it by itself with the hub key enrolled on it and
// its own clock, so it opens while the lock (or the hub) is offline. The hub
// keeps no secret of the guest's: the phone's private key never leaves it.
//
// Every grant is recorded (adapters/sqlite/guest_grant_store.h) so it can be
// listed and revoked. A revocation (docs/protocol.md 10.3, audited as
// "guest.revoke") is a hub-signed `revoke_grant` command to each of the
// grant's locks, kept per lock as pending until the lock answers: it is sent
// while the lock is online (or suspect), again every kResend until then and
// at once when it comes back after dropping off, so a lock that was offline
// learns it when it returns, after a restart of the hub too.
// Once the grant's window has passed undelivered the revocation is moot.
//
// Threading: the hub's event loop.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "adapters/sqlite/guest_grant_store.h"
#include "base/result.h"
#include "core/hub/hub.h"
#include "core/ports/random.h"
#include "core/ports/store.h"
#include "protocol/guest_grant.h"

namespace lw::adapters::http {
class Router;
}

namespace lw::app {

/// A grant to issue: absent from = now.
struct GuestKeyRequest {
  SiteId site;
  std::vector<LockId> locks;
  std::string user;
  std::string guest_key;  ///< base64 of the phone's Ed25519 public key
  std::optional<Timestamp> from;
  Timestamp to{};
};

struct IssuedGuestKey {
  protocol::GuestGrant grant;
  std::string signed_grant;  ///< what the guest's phone keeps
};

class GuestKeys {
 public:
  /// Whether a lock verifies lockwarden grants (native locks only).
  using Verifies = std::function<bool(const core::LockRecord&)>;
  /// Publishes a signed command to a native lock.
  using Send = std::function<Result<void>(const core::Command&)>;
  /// Longest window of one grant.
  static constexpr Duration kMaxWindow = std::chrono::hours(24 * 366);
  /// A revocation unanswered this long is sent again (a new command: the old one has expired).
  static constexpr Duration kResend{30s};
  /// How many of a revocation's latest commands an answer is matched against.
  static constexpr std::size_t kRemembered = 4;

  struct Ports {
    core::Hub& hub;
    core::Store& store;  ///< the hub key's command counters
    adapters::sqlite::GuestGrantStore& grants;
    core::Random& random;
    Verifies verifies;
    Send send;
  };
  /// Loads the revocations still pending (a restart delivers them).
  GuestKeys(Ports ports, std::string key_id, const protocol::SigningKey& key);

  /// Errors name the field: invalid_argument ("guest_key: must be base64 of
  /// 32 bytes", "locks: must name 1..16 locks", "user: ...", "to_ms: must be
  /// after from_ms and now", "to_ms: at most 366 days after from_ms"),
  /// not_found (the site or a lock), failed_precondition (a lock behind a
  /// bridge: it cannot verify grants), unavailable (the audit record).
  Result<IssuedGuestKey> issue(GuestKeyRequest request, const std::string& actor);
  /// The grants of a site, newest first. Errors: store errors.
  Result<std::vector<adapters::sqlite::StoredGrant>> list(const SiteId& site);
  /// Errors: not_found, store errors.
  Result<adapters::sqlite::StoredGrant> find(const std::string& id);
  /// Revokes a grant: every lock of it is sent the revocation now if it is
  /// reachable, later if not. Errors: not_found, conflict (already revoked),
  /// unavailable (the store or the audit record).
  Result<adapters::sqlite::StoredGrant> revoke(const std::string& id, const std::string& actor);
  /// A lock's answer to a command: it settles a revocation.
  void on_result(const core::LockAddress& from, const core::CommandResult& result);
  /// Sends pending revocations to locks that can hear them; settles moot ones.
  void tick();
  [[nodiscard]] Timestamp now() const { return hub_.now(); }
  /// The site of a grant (for the API's access rules), or nullopt.
  [[nodiscard]] std::optional<SiteId> site_of(const std::string& id);

 private:
  /// One lock's pending revocation.
  struct Pending {
    std::string grant;
    LockId lock;
    SiteId site;
    Timestamp not_after{};
    int attempts{0};
    std::optional<Timestamp> sent_at;
    std::vector<ActionId> commands;  ///< the last few commands sent: an answer to any of them settles it
    bool missed{false};  ///< the lock stopped hearing after the last send: send again when it is back
  };
  void deliver(Pending& p, Timestamp now);
  /// Records a lock's final revocation state, audits it and forgets it.
  void settle(const Pending& p, adapters::sqlite::Revocation state, const std::string& detail);

  core::Hub& hub_;
  core::Store& store_;
  adapters::sqlite::GuestGrantStore& grants_;
  core::Random& random_;
  Verifies verifies_;
  Send send_;
  std::string key_id_;
  const protocol::SigningKey& key_;
  std::vector<Pending> pending_;
};

/// POST /api/v1/guest-keys, GET /api/v1/guest-keys?site=, GET and DELETE /api/v1/guest-keys/{id}.
void add_guest_key_routes(adapters::http::Router& router, GuestKeys& keys);

}  // namespace lw::app
