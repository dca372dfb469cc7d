// The cryptography of keypad codes (docs/protocol.md, section 8.4), on
// libsodium:
//   - A lock holds an X25519 key pair (BoxKeyPair). The hub seals a PIN, and
//     the site's code key, to the lock's public key with crypto_box_seal; only
//     that lock can open it, so neither the broker nor a log ever sees the
//     digits. The signed envelope around the sealed bytes says who sent them.
//   - The site's code key (32 bytes, the hub's secret, given to each lock of
//     the site sealed) keys two BLAKE2b digests: code_digest over (slot, user,
//     PIN), which a lock reports for each slot so the hub can tell whether the
//     lock holds the PIN it wrote, and wrong_code_digest over a wrong PIN,
//     which lets the hub see the same wrong PIN tried at several doors. A
//     4-digit PIN has only 10,000 values; without the key the digests cannot
//     be searched.
//   - PINs at rest in the hub are sealed with crypto_secretbox under a key file
//     (AtRestKey); the database holds only the nonce and the ciphertext.
//
// Secret material lives in SecretBytes-like arrays wiped on destruction;
// nothing here logs or prints a secret.
//
// Threading: pure functions over plain values; safe from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lw::protocol {

inline constexpr std::size_t kBoxKeyBytes = 32;     // crypto_box_PUBLICKEYBYTES / SECRETKEYBYTES
inline constexpr std::size_t kCodeKeyBytes = 32;    // the site's code key
inline constexpr std::size_t kDigestBytes = 16;     // BLAKE2b output of the digests
inline constexpr std::size_t kAtRestKeyBytes = 32;  // crypto_secretbox_KEYBYTES
inline constexpr std::size_t kAtRestNonceBytes = 24;

/// A fixed-size secret that wipes itself (sodium_memzero) when destroyed.
template <std::size_t N>
struct SecretArray {
  std::array<unsigned char, N> bytes{};
  SecretArray() = default;
  SecretArray(const SecretArray&) = default;
  SecretArray& operator=(const SecretArray&) = default;
  ~SecretArray();
  friend bool operator==(const SecretArray&, const SecretArray&) = default;
};

using BoxPublicKey = std::array<unsigned char, kBoxKeyBytes>;
using CodeKey = SecretArray<kCodeKeyBytes>;
using AtRestKey = SecretArray<kAtRestKeyBytes>;

/// A lock's X25519 key pair.
struct BoxKeyPair {
  BoxPublicKey public_key{};
  SecretArray<kBoxKeyBytes> secret;
};

/// The pair a 32-byte seed determines (crypto_box_seed_keypair). A real lock
/// seeds it from its hardware RNG; the simulator from its seeded source.
BoxKeyPair box_key_pair_from_seed(const std::array<unsigned char, 32>& seed);
/// A fresh random code key or at-rest key (the OS CSPRNG).
CodeKey generate_code_key();
AtRestKey generate_at_rest_key();

std::string encode_box_key(const BoxPublicKey& key);
/// Errors (invalid_argument): "box_key: must be base64 of 32 bytes".
Result<BoxPublicKey> decode_box_key(std::string_view base64);

/// base64 of crypto_box_seal(plaintext) to `to`.
std::string seal_to(std::string_view plaintext, const BoxPublicKey& to);
/// Opens a sealed box addressed to `keys` into `out` (which it overwrites).
/// False when it is not base64, not for this key, or was altered.
bool open_sealed(std::string_view base64, const BoxKeyPair& keys, std::string& out);

/// base64 of BLAKE2b-128 keyed with `key` over "lw-code-v1", slot, user and the PIN.
std::string code_digest(const CodeKey& key, int slot, std::uint16_t user, std::string_view pin);
/// base64 of BLAKE2b-128 keyed with `key` over "lw-wrong-code-v1" and the PIN.
std::string wrong_code_digest(const CodeKey& key, std::string_view pin);

/// A secret sealed at rest: crypto_secretbox_easy under an AtRestKey.
struct SealedAtRest {
  std::string nonce;       ///< 24 bytes, random per seal
  std::string ciphertext;  ///< the MAC and the encrypted bytes
};
SealedAtRest seal_at_rest(std::string_view plaintext, const AtRestKey& key);
/// Errors: corruption ("sealed secret does not open: wrong key or altered").
Result<std::string> open_at_rest(const SealedAtRest& sealed, const AtRestKey& key);

/// Key files (the hub's codes.key): base64 of the 32 bytes.
std::string encode_secret(const unsigned char* bytes, std::size_t size);
/// Errors (invalid_argument): "<what>: must be base64 of <size> bytes".
Result<void> decode_secret(std::string_view base64, unsigned char* out, std::size_t size,
                           std::string_view what);

/// Wipes `s`'s bytes, then clears it.
void wipe(std::string& s);

}  // namespace lw::protocol
