// RAII ownership of a SQLite connection and its prepared statements, and the
// one table that maps SQLite result codes to lw::ErrorCode (docs/storage.md).
//
// A Connection prepares each statement once, on first use, and keeps it for its
// own lifetime. A Query borrows one of those statements: it binds parameters
// (never SQL text built from data), steps it, reads columns, and on destruction
// resets it and clears its bindings, so no statement holds a read snapshot or a
// write lock past the call that used it.
//
// Example:
//   constexpr Sql kFindSite{"find site", "SELECT name FROM sites WHERE id = ?1"};
//   auto q = db.query(kFindSite);
//   if (!q) return q.error();
//   q->bind(1, site_id);
//   auto row = q->next();               // Result<bool>: true = a row is ready
//   if (!row) return row.error();
//   if (*row) name = q->text(0);
//
// Threading: a Connection and its Queries are used by one thread at a time; the
// connection is opened without SQLite's own mutex (SQLITE_OPEN_NOMUTEX).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace lw::adapters::sqlite {

/// One SQL statement with a short name for error messages. `text` must have
/// static storage duration (a literal): the statement cache is keyed by it.
struct Sql {
  std::string_view name;  // "append event"
  std::string_view text;  // exactly one statement; parameters ?1, ?2, ...
};

/// The Error for SQLite result code `rc` while doing `what`:
///   BUSY, LOCKED, FULL, IOERR, CANTOPEN, READONLY, PERM, PROTOCOL -> unavailable
///   CORRUPT, NOTADB                                               -> corruption
///   CONSTRAINT                                                    -> conflict
///   anything else                                                 -> internal
/// The message is "<what>: <SQLite's message>"; `db` (may be null) supplies it.
Error to_error(int rc, std::string_view what, sqlite3* db);

/// A prepared statement in use. Parameters are numbered from 1 (?1, ?2, ...),
/// columns from 0, as in SQLite.
class Query {
 public:
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;
  Query(Query&& other) noexcept;
  Query& operator=(Query&&) = delete;
  /// Resets the statement (ending its implicit transaction) and clears bindings.
  ~Query();

  // A failed bind is remembered and reported by the next next()/finish().
  Query& bind(int index, std::int64_t value);
  Query& bind(int index, std::string_view text);
  Query& bind_null(int index);
  template <typename T>
  Query& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  /// Steps once. true: a row is ready to read; false: the statement finished.
  /// Errors: see to_error.
  Result<bool> next();
  /// Steps until the statement finishes. For a write in autocommit mode this is
  /// the point where its transaction has committed (and, with synchronous=FULL,
  /// been fsync'ed). Errors: see to_error.
  Result<void> finish();

  [[nodiscard]] bool is_null(int column) const;
  [[nodiscard]] std::int64_t int64(int column) const;
  [[nodiscard]] std::string text(int column) const;

 private:
  friend class Connection;
  Query(sqlite3_stmt* stmt, sqlite3* db, std::string_view name) noexcept;
  void remember(int rc) noexcept;

  sqlite3_stmt* stmt_;
  sqlite3* db_;
  std::string_view name_;
  int bind_rc_{0};  // SQLITE_OK, or the first failed bind
};

/// An open database connection plus its cache of prepared statements.
class Connection {
 public:
  /// Opens the database file at `path`, creating an empty file if absent, with
  /// extended result codes and the given busy timeout. Errors: unavailable (the
  /// file or its directory cannot be opened or created), internal.
  static Result<Connection> open(const std::string& path, int busy_timeout_ms);

  /// Runs data-free SQL text (pragmas, schema, BEGIN/COMMIT); may hold several
  /// statements. Errors: see to_error.
  Result<void> exec(std::string_view sql, std::string_view what);
  /// The cached statement for `sql`, prepared on first use. Errors: internal
  /// (bad SQL, or the statement is already in use), corruption/unavailable (the
  /// schema cannot be read).
  Result<Query> query(const Sql& sql);

  [[nodiscard]] sqlite3* get() const noexcept { return db_.get(); }

 private:
  struct CloseDatabase {
    void operator()(sqlite3* db) const noexcept;
  };
  struct FinalizeStatement {
    void operator()(sqlite3_stmt* stmt) const noexcept;
  };
  explicit Connection(sqlite3* db) noexcept;

  // Declared first so it is destroyed last: statements are finalized before close.
  std::unique_ptr<sqlite3, CloseDatabase> db_;
  std::unordered_map<std::string_view, std::unique_ptr<sqlite3_stmt, FinalizeStatement>> statements_;
};

/// A write transaction (BEGIN IMMEDIATE: takes the write lock up front, so it
/// cannot fail half-way with BUSY). Rolled back on destruction unless committed.
class Transaction {
 public:
  /// Errors: unavailable (another writer held the lock past the busy timeout).
  static Result<Transaction> begin(Connection& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  /// Errors: see to_error; the transaction is rolled back then.
  Result<void> commit();

 private:
  explicit Transaction(Connection* db) noexcept : db_(db) {}
  Connection* db_;  // null once committed or rolled back
};

}  // namespace lw::adapters::sqlite
