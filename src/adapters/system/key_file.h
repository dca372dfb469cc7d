// The hub's command-signing key on disk: `<dir>/hub.key` holds the base64
// Ed25519 secret key (mode 0600, never logged), `<dir>/hub.pub` the base64
// public key that locks enrol.
// Threading: blocking file I/O; call at start-up.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "protocol/envelope.h"

namespace lw::adapters {

/// Loads `<dir>/hub.key`, or creates it (and `hub.pub`) when absent; creates
/// `dir` if needed. Errors: unavailable (cannot create or write), corruption
/// (the file is not a key), permission_denied (the key file is readable by
/// others: chmod 600 it).
Result<protocol::KeyPair> load_or_create_key(const std::string& dir);

/// Writes `content` to `path` with permissions `mode` (e.g. 0600) through a
/// temporary file of this process, fsync, rename and a sync of the directory,
/// so a crash leaves the old file or the new one, never half of one.
/// Errors: unavailable ("<path>: cannot be written").
Result<void> write_file_atomically(const std::string& path, std::string_view content, unsigned mode);

/// Creates `path` holding `content` unless it exists — whole or not at all,
/// and exclusively: of processes creating it at once (the hub and
/// `lockwarden user` on a first start) exactly one gets true; the others get
/// false and must read the file that won. Errors: unavailable.
Result<bool> create_file_once(const std::string& path, std::string_view content, unsigned mode);

/// Reads a base64 public key from a file (first line). Errors: not_found,
/// invalid_argument naming the file.
Result<protocol::PublicKey> read_public_key_file(const std::string& path);

}  // namespace lw::adapters
