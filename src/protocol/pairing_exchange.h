// Physical-presence pairing over the air (docs/protocol.md, section 6.2): an
// X25519 key exchange between a controller (the hub, a phone, the CLI) and a
// lock whose pairing window is open, bound to the code printed on the lock's
// label. Both sides derive their keys from the X25519 shared secret, the
// transcript (lock address, session id, both exchange keys) AND the code; the
// controller proves it first (its confirmation MAC), then delivers the
// Ed25519 key to enrol sealed under a key only the two ends hold; the lock
// answers with its own confirmation MAC. A relay that substitutes its own
// exchange keys, or a wrong code, fails the lock's check of the controller's
// MAC; a fake lock fails the controller's check of the lock's MAC.
//
// This file holds the wire messages of the `pair` channel, the key
// derivation both ends share, and the controller's side (PairingInitiator).
// The lock's side is firmware::Pairing.
//
// Secrets (the code, X25519 secrets, derived keys) are wiped on destruction
// and never appear in error messages.
//
// Threading: plain values; safe from any thread (libsodium is initialised on
// first use).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/result.h"
#include "core/lock/messages.h"
#include "protocol/envelope.h"

namespace lw::protocol {

inline constexpr std::size_t kExchangeKeyBytes = 32;  // crypto_scalarmult_BYTES
inline constexpr std::size_t kPairingMacBytes = 32;   // crypto_auth_BYTES
/// The shortest label code a lock accepts for pairing over the air: 16
/// characters of a 32-symbol alphabet carry 80 bits, out of reach of the
/// offline search one recorded exchange allows (docs/protocol.md 6.2).
inline constexpr std::size_t kMinAirPairingCodeBytes = 16;

/// An X25519 public key of one pairing session.
struct ExchangeKey {
  std::array<unsigned char, kExchangeKeyBytes> bytes{};
  friend bool operator==(const ExchangeKey&, const ExchangeKey&) = default;
};
using PairingMac = std::array<unsigned char, kPairingMacBytes>;

/// A fresh X25519 key pair for one session; the secret is wiped on destruction.
class ExchangeSecret {
 public:
  /// Errors: internal (libsodium could not be initialised).
  static Result<ExchangeSecret> generate();
  ExchangeSecret(const ExchangeSecret&) = default;
  ExchangeSecret& operator=(const ExchangeSecret&) = default;
  ~ExchangeSecret();
  [[nodiscard]] const ExchangeKey& public_key() const { return public_; }

 private:
  ExchangeSecret() = default;
  friend class PairingKeys;
  std::array<unsigned char, 32> secret_{};
  ExchangeKey public_;
};

/// What both ends bind the session to.
struct PairingTranscript {
  core::LockAddress lock;
  std::string session;  ///< an id chosen by the controller
  ExchangeKey controller_key;
  ExchangeKey lock_key;
};

/// The keys of one session: two confirmation keys and one sealing key.
class PairingKeys {
 public:
  /// Derives the session keys from X25519(own, peer), the transcript and the
  /// label code. Errors: invalid_argument ("pair.key: not a usable X25519
  /// key") when the shared secret is all zeros (a low-order peer key).
  static Result<PairingKeys> derive(const ExchangeSecret& own, const ExchangeKey& peer,
                                    const PairingTranscript& transcript, std::string_view code);
  PairingKeys(const PairingKeys&) = default;
  PairingKeys& operator=(const PairingKeys&) = default;
  ~PairingKeys();

  /// The controller's confirmation: it knows the code and its exchange secret.
  [[nodiscard]] PairingMac controller_mac() const;
  /// The lock's confirmation, sent only after it checked the controller's.
  [[nodiscard]] PairingMac lock_mac() const;
  [[nodiscard]] bool check_controller_mac(const PairingMac& mac) const;
  [[nodiscard]] bool check_lock_mac(const PairingMac& mac) const;
  /// Seals `plain` for the other end (base64 of nonce || ciphertext).
  [[nodiscard]] std::string seal(std::string_view plain) const;
  /// Opens what seal() produced; nullopt when it was not sealed with these keys.
  [[nodiscard]] std::optional<std::string> open(std::string_view sealed) const;

 private:
  PairingKeys() = default;
  std::array<unsigned char, 32> transcript_hash_{};
  std::array<unsigned char, 32> controller_confirm_{};
  std::array<unsigned char, 32> lock_confirm_{};
  std::array<unsigned char, 32> seal_{};
};

// --- the messages of the pair channel (controller <-> lock) ---

/// controller → lock: opens a session.
struct PairHello {
  std::string session;
  ExchangeKey controller_key;
};
/// lock → controller: the lock's exchange key for the session.
struct PairChallenge {
  std::string session;
  ExchangeKey lock_key;
};
/// controller → lock: the controller's confirmation and the sealed enrolment.
struct PairConfirm {
  std::string session;
  PairingMac mac{};
  std::string enrolment;  ///< PairingKeys::seal of encode_enrolment
};
/// lock → controller: how it ended. `mac` and `key_id` only when paired.
struct PairDone {
  std::string session;
  std::string outcome;  ///< firmware::PairingOutcome's name
  std::optional<PairingMac> mac;
  std::optional<std::string> key_id;
};
using PairMessage = std::variant<PairHello, PairChallenge, PairConfirm, PairDone>;

std::string encode_pair_message(const PairMessage& message);
/// Errors (invalid_argument) name the field: "pair.type: must be one of hello,
/// challenge, confirm, done", "pair.session: ...", "pair.key: must be base64 of
/// 32 bytes", "pair.mac: must be base64 of 32 bytes", "pair.enrolment: ...".
Result<PairMessage> decode_pair_message(std::string_view payload);

/// The key a controller asks the lock to trust: delivered only sealed.
struct Enrolment {
  std::string key_id;
  PublicKey key;
  bool hub{false};  ///< the hub's own key (refused for unlocks in end-to-end-only mode)
};
std::string encode_enrolment(const Enrolment& enrolment);
/// Errors: invalid_argument ("enrolment.key_id: ...", "enrolment.key: ...").
Result<Enrolment> decode_enrolment(std::string_view json);

/// The controller's side of one pairing session.
class PairingInitiator {
 public:
  /// A session with `lock` whose label shows `code`, to enrol `enrolment`.
  /// Errors: invalid_argument ("session: ...", "code: must be at least 16
  /// characters"), internal.
  static Result<PairingInitiator> start(core::LockAddress lock, std::string session, std::string_view code,
                                        Enrolment enrolment);
  PairingInitiator(const PairingInitiator&) = default;
  PairingInitiator& operator=(const PairingInitiator&) = default;
  ~PairingInitiator();

  /// The payload that opens the session.
  [[nodiscard]] std::string hello() const;
  /// The lock's challenge → the confirm payload. Errors: invalid_argument
  /// (another session, an unusable lock key).
  Result<std::string> on_challenge(const PairChallenge& challenge);
  /// The lock's final answer. Ok only when the lock says paired AND its
  /// confirmation verifies. Errors: permission_denied ("lock refused
  /// pairing: <outcome>"), unauthenticated ("the lock's confirmation does
  /// not verify: the code is wrong or someone relayed the exchange"),
  /// failed_precondition (done before challenge), invalid_argument (another session).
  Result<void> on_done(const PairDone& done) const;

  [[nodiscard]] const std::string& session() const { return session_; }

 private:
  PairingInitiator(core::LockAddress lock, std::string session, const ExchangeSecret& secret,
                   Enrolment enrolment);

  core::LockAddress lock_;
  std::string session_;
  std::array<char, 64> code_{};
  std::size_t code_size_{0};
  ExchangeSecret secret_;
  Enrolment enrolment_;
  std::optional<PairingKeys> keys_;
};

}  // namespace lw::protocol
