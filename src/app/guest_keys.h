// GuestKeys: guest keys as the hub's API issues them (docs/api.md "Guest
// keys", docs/protocol.md section 10). A manager names the guest's phone key,
// the doors and the window; the hub checks them, audits the grant
// ("guest.issue") and signs it with its own key. The guest's phone keeps the
// grant; each lock verifies it by itself with the hub key enrolled on it and
// its own clock, so it opens while the lock (or the hub) is offline. The hub
// keeps no secret of the guest's: the phone's private key never leaves it.
//
// Threading: the hub's event loop.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "core/hub/hub.h"
#include "core/ports/random.h"
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
  /// Longest window of one grant.
  static constexpr Duration kMaxWindow = std::chrono::hours(24 * 366);

  GuestKeys(core::Hub& hub, core::Random& random, std::string key_id, const protocol::SigningKey& key,
            Verifies verifies)
      : hub_(hub), random_(random), key_id_(std::move(key_id)), key_(key), verifies_(std::move(verifies)) {}

  /// Errors name the field: invalid_argument ("guest_key: must be base64 of
  /// 32 bytes", "locks: must name 1..16 locks", "user: ...", "to_ms: must be
  /// after from_ms and now", "to_ms: at most 366 days after from_ms"),
  /// not_found (the site or a lock), failed_precondition (a lock behind a
  /// bridge: it cannot verify grants), unavailable (the audit record).
  Result<IssuedGuestKey> issue(GuestKeyRequest request, const std::string& actor);

 private:
  core::Hub& hub_;
  core::Random& random_;
  std::string key_id_;
  const protocol::SigningKey& key_;
  Verifies verifies_;
};

/// POST /api/v1/guest-keys.
void add_guest_key_routes(adapters::http::Router& router, GuestKeys& keys);

}  // namespace lw::app
