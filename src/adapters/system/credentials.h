// The secrets of API authentication, with libsodium (docs/api.md,
// "Authentication"):
// - passwords hashed with Argon2id (crypto_pwhash_str) at the "interactive"
//   limits: 2 passes over 64 MiB, about 0.1 s on a small ARM board or a
//   laptop. That is libsodium's recommendation for online logins, and the
//   rate limit on sign-ins, not the hash cost, is what stops online guessing;
//   the cost guards a stolen database. A hash made with other limits still
//   verifies (the string carries its parameters).
// - API tokens: 32 random bytes, "lwt_" + base64url without padding, shown
//   once; stored only as their BLAKE2b-256 hash (hex). A token is a random
//   value, not a password, so a fast hash is right for it.
// - generated passwords: 20 characters of an unambiguous alphabet (~100 bits).
//
// Nothing here logs. Threading: any thread (libsodium is initialised once).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace lw::adapters {

/// The Argon2id string of `password`. Errors: internal (out of memory).
Result<std::string> hash_password(std::string_view password);

/// Whether `password` matches `hash`; false for a malformed hash. Takes the
/// hash's time either way.
[[nodiscard]] bool verify_password(std::string_view hash, std::string_view password);

/// Runs one verification against a fixed hash and throws the answer away: what
/// a sign-in for an unknown user costs, so timing does not tell which names exist.
void verify_password_against_nothing(std::string_view password);

/// A fresh token: "lwt_" + 43 base64url characters (32 random bytes).
[[nodiscard]] std::string new_token();

/// The lower-case hex BLAKE2b-256 of `token`, as stored.
[[nodiscard]] std::string token_hash(std::string_view token);

/// A fresh random password of 20 characters.
[[nodiscard]] std::string new_password();

/// Writes `text` and a newline to `path` with mode 0600 (replacing the file
/// whole). Errors: unavailable naming the path.
Result<void> write_secret_file(const std::string& path, std::string_view text);

/// The first line of `path`, trimmed. Errors: not_found naming the path;
/// permission_denied when others may read it (chmod 600 it).
Result<std::string> read_secret_file(const std::string& path);

}  // namespace lw::adapters
