// LockKeyRegistry: the keys each lock was paired with, as the hub saw the
// pairings succeed (docs/protocol.md 6.2), in the `lock_keys` table
// (docs/storage.md, schema version 5) of the hub's database file. The hub's
// policy for relayed end-to-end commands (docs/protocol.md 5.5) reads it: a
// user's envelope is relayed only when its key id is registered for that lock
// and its signature verifies under the registered public key. The lock checks
// again on its own; this table is policy, not the lock's trust.
//
// Only public keys are stored. Opens its own connection to the file SqliteStore
// uses (WAL); a write that returned success survives kill -9.
//
// Threading: not thread-safe; the hub's event loop uses it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_handle.h"
#include "adapters/sqlite/sqlite_store.h"
#include "base/ids.h"
#include "base/time.h"

namespace lw::adapters::sqlite {

struct PairedKey {
  LockId lock;
  std::string key_id;
  std::string public_key;  ///< base64 of the 32-byte Ed25519 public key
  bool hub{false};         ///< the hub's own key (else a user's device key)
  Timestamp paired_at{};
};

class LockKeyRegistry {
 public:
  /// Opens the database at `path` and brings its schema up to date. Errors: as SqliteStore::open.
  static Result<std::unique_ptr<LockKeyRegistry>> open(const std::string& path, Synchronous sync,
                                                       Timestamp now);

  LockKeyRegistry(const LockKeyRegistry&) = delete;
  LockKeyRegistry& operator=(const LockKeyRegistry&) = delete;
  ~LockKeyRegistry() = default;

  // Errors for every call: unavailable (I/O, locked past the busy timeout),
  // corruption (a stored role this code cannot read), internal.

  /// Records (or replaces) a key paired with a lock.
  Result<void> put(const PairedKey& key);
  /// Forgets a key of a lock (unpaired); no effect when unknown.
  Result<void> remove(const LockId& lock, const std::string& key_id);
  Result<std::optional<PairedKey>> find(const LockId& lock, const std::string& key_id);
  /// The keys of one lock, by key id.
  Result<std::vector<PairedKey>> list(const LockId& lock);

 private:
  explicit LockKeyRegistry(Connection db) noexcept : db_(std::move(db)) {}
  Connection db_;
};

}  // namespace lw::adapters::sqlite
