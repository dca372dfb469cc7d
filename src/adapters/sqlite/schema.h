// The store's schema as an ordered list of migrations, and the procedure that
// brings a database file up to date at open. Every table and column, and the
// migration policy (append-only steps, no downgrades), is in docs/storage.md.
//
// Threading: uses the given connection only; one thread at a time.
#pragma once

#include <span>
#include <string_view>

#include "adapters/sqlite/sqlite_handle.h"
#include "base/result.h"
#include "base/time.h"

namespace lw::adapters::sqlite {

/// One schema change: data-free SQL applied in one transaction with the insert
/// of its schema_migrations row. Released steps are never edited.
struct Migration {
  int version;               // 1, 2, 3, ... with no gaps
  std::string_view summary;  // what it changes, for messages
  std::string_view sql;
};

/// Every migration this code knows, in order.
std::span<const Migration> migrations() noexcept;

/// The schema version this code writes: the last migration's number.
int schema_version() noexcept;

/// The file's schema version (0 for a new, empty file), only reading. Errors:
/// failed_precondition (the version is newer than this code knows, or the file
/// is another program's SQLite database), corruption (not a SQLite file, or
/// schema_migrations has gaps), unavailable, internal.
Result<int> read_schema_version(Connection& db);

/// Brings the database up to schema_version(), applying each missing step in
/// its own BEGIN IMMEDIATE transaction stamped with `now`. Returns the version
/// the file had before. Errors: those of read_schema_version, and unavailable
/// (locked or unwritable).
Result<int> migrate(Connection& db, Timestamp now);

}  // namespace lw::adapters::sqlite
