// Guest keys (docs/protocol.md section 10): a grant the hub signs for a
// guest's phone, which the lock verifies by itself — with the keys enrolled
// on it and its own clock — so it works while the lock is offline.
//
// A grant names the guest's Ed25519 public key, the site and the locks it
// opens, and the window [not_before, not_after). The hub signs its body with
// its own key into an envelope (the same envelope as commands, docs/protocol.md
// 5.1: {"v":1,"key_id","body","sig"}); the phone keeps that text. At the door
// the lock gives a fresh challenge (16 random bytes), the phone signs
// guest_proof_message() with the guest's key, and the lock checks, in order:
// the envelope and the issuer (a hub key enrolled on it), the body, that it is
// for this lock, the window against its own clock, that the grant is not
// revoked, that the challenge is the current one and unused, and the proof.
// Holding the grant text alone opens nothing: it is the guest key's proof
// over a fresh challenge that does.
//
// Threading: pure functions over plain values; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "base/time.h"
#include "core/lock/messages.h"
#include "protocol/envelope.h"

namespace lw::protocol {

/// At most this many locks in one grant.
inline constexpr std::size_t kMaxGrantLocks = 16;
/// Bytes of a lock's challenge.
inline constexpr std::size_t kGuestChallengeBytes = 16;

struct GuestGrant {
  std::string id;  ///< "guest-<hex>": unique per grant (revocation names it)
  SiteId site;
  std::vector<LockId> locks;  ///< 1..kMaxGrantLocks locks of the site
  std::string user;           ///< who the guest is, as the lock's history shows it (an id)
  PublicKey guest_key;        ///< the guest's phone key
  Timestamp not_before{};     ///< first instant it opens
  Timestamp not_after{};      ///< first instant it no longer opens
  friend bool operator==(const GuestGrant&, const GuestGrant&) = default;
};

/// The body JSON the issuer signs:
/// {"v":1,"type":"guest_grant","id":...,"site":...,"locks":[...],"user":...,
///  "guest_key":"<base64>","not_before_ms":N,"not_after_ms":N}.
std::string encode_grant_body(const GuestGrant& grant);
/// Errors (invalid_argument) name the field: "grant.type: must be guest_grant",
/// "grant.locks: must be an array of 1..16 lock ids", "grant.guest_key: must
/// be base64 of 32 bytes", "grant.not_after_ms: must be after not_before_ms".
Result<GuestGrant> decode_grant_body(std::string_view body);
/// The grant as the guest's phone holds it: an envelope signed by `key` under `key_id`.
std::string sign_grant(const GuestGrant& grant, std::string_view key_id, const SigningKey& key);

/// A lock's fresh challenge: base64 of kGuestChallengeBytes from the OS's
/// random source (a real lock's hardware RNG).
std::string new_guest_challenge();

/// What the phone signs to answer a challenge at `lock`:
/// "lw-guest-v1\n<site>/<lock>\n<challenge base64>\n<grant id>".
std::string guest_proof_message(const core::LockAddress& lock, std::string_view challenge_base64,
                                std::string_view grant_id);
/// base64 of a signature, and back. Errors: "proof: must be base64 of 64 bytes".
std::string encode_signature(const Signature& sig);
Result<Signature> decode_signature(std::string_view base64);
/// True when `sig` is `key`'s signature of `message`.
bool verify_detached(std::string_view message, const Signature& sig, const PublicKey& key);

}  // namespace lw::protocol
