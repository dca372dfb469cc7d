// GuestGrantStore: every guest grant the hub issued (docs/protocol.md section
// 10) and, per lock of each grant, the delivery of its revocation, in the
// `guest_grants` and `guest_grant_locks` tables (docs/storage.md, schema
// version 10) of the hub's database file. The grant's signed text is not
// kept: the guest's phone holds it, and a grant is named by its id.
//
// Opens its own connection to the file SqliteStore uses (WAL); a write that
// returned success survives kill -9, so a revocation accepted before a crash
// is still delivered after the restart.
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

/// A revocation's delivery to one lock.
enum class Revocation {
  none,     ///< the grant is not revoked
  pending,  ///< revoked; the lock has not confirmed yet
  revoked,  ///< the lock confirmed: it refuses the grant
  failed,   ///< the lock refused the revocation (detail says why)
  moot,     ///< the grant's window passed before the lock confirmed: it opens nothing anyway
};
std::string_view to_string(Revocation r) noexcept;

struct GrantLock {
  LockId lock;
  Revocation revocation{Revocation::none};
  std::string detail;  ///< the lock's words, for failed
  int attempts{0};     ///< revocation commands sent
  Timestamp updated_at{};
};

struct StoredGrant {
  std::string id;
  SiteId site;
  std::string user;
  std::string guest_key;  ///< base64 of the guest's public key
  Timestamp not_before{};
  Timestamp not_after{};
  Timestamp issued_at{};
  std::string issued_by;
  std::optional<Timestamp> revoked_at;
  std::string revoked_by;
  std::vector<GrantLock> locks;  ///< by lock id
};

class GuestGrantStore {
 public:
  /// Opens the database at `path` and brings its schema up to date. Errors: as SqliteStore::open.
  static Result<std::unique_ptr<GuestGrantStore>> open(const std::string& path, Synchronous sync,
                                                       Timestamp now);

  GuestGrantStore(const GuestGrantStore&) = delete;
  GuestGrantStore& operator=(const GuestGrantStore&) = delete;
  ~GuestGrantStore() = default;

  // Errors for every call: unavailable (I/O, locked past the busy timeout),
  // corruption (a stored state this code cannot read), internal.

  /// Records a newly issued grant with its locks (one transaction).
  Result<void> add(const StoredGrant& grant);
  Result<std::optional<StoredGrant>> find(const std::string& id);
  /// The grants of a site, newest first; at most `limit`.
  Result<std::vector<StoredGrant>> list(const SiteId& site, int limit);
  /// Marks the grant revoked and each of its locks `pending` (one
  /// transaction). Errors also: not_found; conflict (already revoked).
  Result<void> revoke(const std::string& id, const std::string& by, Timestamp at);
  /// Records the delivery state of one lock's revocation.
  Result<void> set_lock(const std::string& id, const GrantLock& lock);
  /// Every grant with a lock still `pending`.
  Result<std::vector<StoredGrant>> pending();

 private:
  explicit GuestGrantStore(Connection db) noexcept : db_(std::move(db)) {}
  Result<void> read_locks(StoredGrant& grant);
  /// `grants` (read to the end of their query) with their locks.
  Result<std::vector<StoredGrant>> with_locks(Result<std::vector<StoredGrant>> grants);
  Connection db_;
};

}  // namespace lw::adapters::sqlite
