// AuditTable: the `audit_log` table (docs/storage.md, "Schema version 5 (audit
// log)") of the hub's database file — rows of the hash-chained audit log. It
// only stores and reads rows; the chain rules are core/audit/audit_chain.h and
// the key and the signed head are adapters/audit/audit_trail.h.
//
// It opens its own connection to the file SqliteStore uses (WAL lets both work
// on it), always with synchronous=FULL: an appended record survives kill -9
// and power loss whatever [store].synchronous says.
//
// Threading: not thread-safe; one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_handle.h"
#include "core/audit/audit_chain.h"

namespace lw::adapters::sqlite {

class AuditTable {
 public:
  /// For the hub: opens (creating) the database at `path`, WAL, synchronous=FULL,
  /// and brings its schema up to date, stamping migrations with `now`.
  /// Errors: as SqliteStore::open.
  static Result<std::unique_ptr<AuditTable>> open(const std::string& path, Timestamp now);
  /// For `lockwarden audit`: opens an existing database without changing it
  /// (read-only). A file without the audit_log table reads as an empty log.
  /// Errors: not_found (no such file), corruption (not a SQLite file),
  /// failed_precondition (another program's database), unavailable.
  static Result<std::unique_ptr<AuditTable>> open_existing(const std::string& path);

  AuditTable(const AuditTable&) = delete;
  AuditTable& operator=(const AuditTable&) = delete;
  ~AuditTable() = default;

  // Errors for every call: unavailable (disk full, I/O error, locked past the
  // busy timeout: nothing was written), corruption, internal.

  /// Appends `entry` after `after` (the last record the writer knows) in one
  /// transaction: seq after.seq + 1, hash MAC(chain_input(seq, entry, after.hash)).
  /// Returns the row. Errors also: corruption when the table's last row is not
  /// `after` (rows were deleted or replaced behind the writer's back: nothing is
  /// written, so a deletion is never papered over by new records).
  Result<core::StoredAuditRecord> append(const core::AuditEntry& entry, const core::AuditHead& after,
                                         const core::AuditMac& mac);
  /// The row with the highest seq, if any.
  Result<std::optional<core::StoredAuditRecord>> last();
  /// Every row ordered by seq, as stored (a hash column that is not 64 hex
  /// digits reads as all ones, so it fails the chain check).
  Result<std::vector<core::StoredAuditRecord>> read_all();
  /// Up to `limit` rows with seq > since_seq, by seq.
  Result<std::vector<core::AuditRecord>> list(std::uint64_t since_seq, int limit);

 private:
  AuditTable(Connection db, bool has_table) noexcept : db_(std::move(db)), has_table_(has_table) {}

  Connection db_;
  bool has_table_{true};
};

}  // namespace lw::adapters::sqlite
