// A user's device key on disk (the CLI's key file, docs/protocol.md 5.5): one
// JSON object {"v":1,"key_id","secret_key","public_key","counter"}, mode 0600.
// `counter` is the last command counter this key signed: next_counter()
// raises it and writes the file durably (temporary file, fsync, rename)
// BEFORE the caller signs, so a counter is never used twice even if the
// process dies mid-command.
//
// Threading: blocking file I/O; one process at a time per file.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "protocol/envelope.h"

namespace lw::adapters {

/// $XDG_CONFIG_HOME/lockwarden/device.key, else $HOME/.config/lockwarden/device.key.
std::string default_device_key_path();

struct DeviceKey {
  std::string key_id;
  protocol::KeyPair keys;
  std::uint64_t counter{0};
};

/// Creates a fresh key named `key_id` at `path` (directories 0700, the file
/// 0600). Errors: invalid_argument ("key_id: ..."), conflict (the file
/// exists: a key is never overwritten), unavailable (cannot write).
Result<DeviceKey> create_device_key(const std::string& path, const std::string& key_id);

/// Reads the key file. Errors: not_found, permission_denied (readable by
/// others: chmod 600 it), corruption ("<path>: <field>: ...").
Result<DeviceKey> load_device_key(const std::string& path);

/// Raises the stored counter by one, durably, and returns it.
/// Errors: unavailable (cannot write), those of load_device_key.
Result<std::uint64_t> next_counter(const std::string& path, DeviceKey& key);

}  // namespace lw::adapters
