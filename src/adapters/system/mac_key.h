// A 32-byte MAC key in a file of its own (base64, mode 0600), for integrity
// checks of rows in the hub's database (`<data_dir>/accounts.key`): a copy or
// an edit of the database alone cannot forge a MAC.
//
// Example:
//   auto key = load_or_create_mac_key(data_dir + "/accounts.key");
//   std::string tag = key->mac("users\n1\nadmin...");   // 64 hex digits
//
// Threading: the returned function may be called from any one thread at a time.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lw::adapters {

/// Keyed BLAKE2b-256 of a text, in lower-case hex.
using MacFunction = std::function<std::string(std::string_view text)>;

struct MacKey {
  MacFunction mac;
  bool created{false};  ///< the file did not exist: rows written before have no MAC yet
};

/// Reads the key at `path`, or creates it (random) when the file does not
/// exist. Errors: permission_denied (readable by group or others: chmod 600),
/// corruption (not base64 of 32 bytes), unavailable (cannot be read or written).
Result<MacKey> load_or_create_mac_key(const std::string& path);

}  // namespace lw::adapters
