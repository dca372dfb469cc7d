// Signed command envelopes of the native lock protocol v1 (docs/protocol.md,
// section 5) and the Ed25519 keys that sign them (libsodium).
//
// The hub seals a core::Command: the body is serialised to JSON once, those
// exact bytes are signed, and the envelope carries them as a JSON string with
// the detached signature. The lock opens the envelope, verifies the signature
// over the body bytes and only then decodes the body (the order is enforced in
// firmware::CommandVerifier).
//
// Secret keys never leave SigningKey except through encode_secret_key (for the
// key file); SigningKey has no to_string or stream operator, prints as
// "SigningKey(redacted)" in test failures, and wipes its bytes on destruction.
// This header does not include sodium.h.
//
// Threading: pure functions over plain values; safe from any thread (libsodium
// is initialised once, thread-safely, on first use).
#pragma once

#include <array>
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "core/lock/messages.h"

namespace lw::protocol {

inline constexpr std::size_t kPublicKeyBytes = 32;  // crypto_sign_PUBLICKEYBYTES
inline constexpr std::size_t kSecretKeyBytes = 64;  // crypto_sign_SECRETKEYBYTES: seed || public key
inline constexpr std::size_t kSeedBytes = 32;       // crypto_sign_SEEDBYTES
inline constexpr std::size_t kSignatureBytes = 64;  // crypto_sign_BYTES

using Signature = std::array<unsigned char, kSignatureBytes>;
using Seed = std::array<unsigned char, kSeedBytes>;

/// An Ed25519 public key: what a lock enrols.
struct PublicKey {
  std::array<unsigned char, kPublicKeyBytes> bytes{};
  friend bool operator==(const PublicKey&, const PublicKey&) = default;
};

struct KeyPair;
class SigningKey;

/// A fresh random key pair (the OS CSPRNG). Errors: internal (libsodium could
/// not be initialised).
Result<KeyPair> generate_key_pair();
/// The pair a 32-byte seed determines: for test vectors and reproducible
/// simulations, never for a real hub. Errors: internal, as above.
Result<KeyPair> key_pair_from_seed(const Seed& seed);
/// The same from a seed written as 32 characters, e.g. the protocol's test seed
/// "lockwarden-protocol-v1-test-key!". Errors: invalid_argument ("seed: must be
/// 32 bytes"), internal.
Result<KeyPair> key_pair_from_text_seed(std::string_view seed);
/// A secret key from its base64 form (encode_secret_key). Errors
/// (invalid_argument), which never contain any of the input:
///   "secret_key: must be base64 of 64 bytes"
///   "secret_key: the public half does not match the seed"   (a damaged key)
Result<SigningKey> decode_secret_key(std::string_view base64);
/// The 64-byte secret key in base64, for the hub's key file only.
std::string encode_secret_key(const SigningKey& key);

/// An Ed25519 secret key. Obtained only from generate_key_pair,
/// key_pair_from_seed or decode_secret_key.
class SigningKey {
 public:
  SigningKey(const SigningKey& other) = default;
  SigningKey& operator=(const SigningKey& other) = default;
  ~SigningKey();

  [[nodiscard]] PublicKey public_key() const;
  /// The detached Ed25519 signature of `message`'s bytes.
  [[nodiscard]] Signature sign(std::string_view message) const;

 private:
  SigningKey() = default;
  friend Result<KeyPair> generate_key_pair();
  friend Result<KeyPair> key_pair_from_seed(const Seed& seed);
  /// The same from a seed written as 32 characters, e.g. the protocol's test seed
  /// "lockwarden-protocol-v1-test-key!". Errors: invalid_argument ("seed: must be
  /// 32 bytes"), internal.
  Result<KeyPair> key_pair_from_text_seed(std::string_view seed);
  friend Result<SigningKey> decode_secret_key(std::string_view base64);
  friend std::string encode_secret_key(const SigningKey& key);

  std::array<unsigned char, kSecretKeyBytes> bytes_{};
};

/// Keeps secret bytes out of GoogleTest failure messages (the name is the one
/// GoogleTest looks up).
void PrintTo(const SigningKey& key, std::ostream* os);  // NOLINT(readability-identifier-naming)

struct KeyPair {
  SigningKey secret;
  PublicKey public_key;
};

/// Base64 (RFC 4648 standard alphabet, padded; sodium_base64_VARIANT_ORIGINAL).
std::string encode_public_key(const PublicKey& key);
/// Errors (invalid_argument): "public_key: must be base64 of 32 bytes".
Result<PublicKey> decode_public_key(std::string_view base64);

/// The command as a signed envelope payload, ready to publish on the lock's
/// `cmd` topic. The envelope's key_id is `command.key_id`; the command's ids
/// must be valid (decode_command_body would reject them otherwise).
std::string seal_command(const core::Command& command, const SigningKey& key);

/// An envelope around arbitrary body bytes, signed by `key` and labelled
/// `key_id`. seal_command is seal_body(command.key_id,
/// encode_command_body(command), key); this form lets a tool or a test sign
/// exactly the bytes it chooses.
std::string seal_body(std::string_view key_id, std::string_view body, const SigningKey& key);

/// The parts of an envelope, before anything is trusted.
struct OpenedEnvelope {
  std::string key_id;
  std::string body;  // the exact signed bytes
  Signature sig{};
};

/// Parses the envelope. Errors (invalid_argument): "payload: ..." (see codec.h),
/// "cmd.v: ...", "cmd.key_id: ...", "cmd.body: missing" / "must be a non-empty
/// string", "cmd.sig: must be base64 of 64 bytes".
Result<OpenedEnvelope> open_envelope(std::string_view payload);

/// True when `envelope.sig` is a valid signature of `envelope.body` under `key`.
bool verify_signature(const OpenedEnvelope& envelope, const PublicKey& key);

/// Decodes the command body (docs/protocol.md, 5.2). Call only on a body whose
/// signature verified. Errors (invalid_argument) name the field: "cmd.body: not
/// valid JSON", "cmd.body.counter: must be an integer 1..18446744073709551615",
/// "cmd.body.expires_ms: must not be before issued_ms", ...
Result<core::Command> decode_command_body(std::string_view body);

/// The body's `id` if it has a valid one, read WITHOUT authentication: only to
/// echo as `cmd_id` in a result for a command that failed its checks.
std::optional<std::string> peek_command_id(std::string_view body);

/// The body JSON that seal_command signs, exposed for test vectors.
std::string encode_command_body(const core::Command& command);

}  // namespace lw::protocol
