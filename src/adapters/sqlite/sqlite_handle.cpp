#include "adapters/sqlite/sqlite_handle.h"

#include <sqlite3.h>

#include <climits>
#include <utility>

namespace lw::adapters::sqlite {

Error to_error(int rc, std::string_view what, sqlite3* db) {
  ErrorCode code = ErrorCode::internal;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL: code = ErrorCode::unavailable; break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: code = ErrorCode::corruption; break;
    case SQLITE_CONSTRAINT: code = ErrorCode::conflict; break;
    default: break;
  }
  // sqlite3_errmsg describes the connection's most recent failure; only trust
  // it when that failure is this one.
  const char* detail =
      (db != nullptr && sqlite3_extended_errcode(db) == rc) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message(what);
  message += ": ";
  message += detail;
  return Error{code, std::move(message)};
}

// --- Query ---

Query::Query(sqlite3_stmt* stmt, sqlite3* db, std::string_view name) noexcept
    : stmt_(stmt), db_(db), name_(name) {}

Query::Query(Query&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      db_(other.db_),
      name_(other.name_),
      bind_rc_(other.bind_rc_) {}

Query::~Query() {
  if (stmt_ == nullptr) return;
  sqlite3_reset(stmt_);  // returns the last step's error, already reported
  sqlite3_clear_bindings(stmt_);
}

void Query::remember(int rc) noexcept {
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Query& Query::bind(int index, std::int64_t value) {
  remember(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Query& Query::bind(int index, std::string_view text) {
  if (text.size() > static_cast<std::size_t>(INT_MAX)) {
    remember(SQLITE_TOOBIG);
    return *this;
  }
  remember(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
  return *this;
}

Query& Query::bind_null(int index) {
  remember(sqlite3_bind_null(stmt_, index));
  return *this;
}

Result<bool> Query::next() {
  if (bind_rc_ != SQLITE_OK) return to_error(bind_rc_, name_, db_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return to_error(rc, name_, db_);
}

Result<void> Query::finish() {
  for (;;) {
    auto row = next();
    if (!row) return row.error();
    if (!*row) return ok();
  }
}

bool Query::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

std::int64_t Query::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Query::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (data == nullptr) return {};
  return {data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))};
}

// --- Connection ---

void Connection::CloseDatabase::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

void Connection::FinalizeStatement::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

Connection::Connection(sqlite3* db) noexcept : db_(db) {}

Result<Connection> Connection::open(const std::string& path, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  // Even a failed open usually allocates a handle; owning it at once frees it.
  Connection connection(raw);
  if (rc != SQLITE_OK) return to_error(rc, "open", raw);
  if (raw == nullptr) return internal_error("open: out of memory");
  sqlite3_extended_result_codes(raw, 1);
  rc = sqlite3_busy_timeout(raw, busy_timeout_ms);
  if (rc != SQLITE_OK) return to_error(rc, "set busy timeout", raw);
  return connection;
}

Result<void> Connection::exec(std::string_view sql, std::string_view what) {
  std::string text(sql);  // sqlite3_exec needs a terminated string
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return to_error(rc, what, db_.get());
  return ok();
}

Result<Query> Connection::query(const Sql& sql) {
  auto it = statements_.find(sql.text);
  if (it == statements_.end()) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql.text.data(), static_cast<int>(sql.text.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    std::unique_ptr<sqlite3_stmt, FinalizeStatement> stmt(raw);
    if (rc != SQLITE_OK) return to_error(rc, std::string("prepare ") + std::string(sql.name), db_.get());
    if (stmt == nullptr || tail != sql.text.data() + sql.text.size()) {
      return internal_error("prepare " + std::string(sql.name) + ": must be exactly one statement");
    }
    it = statements_.emplace(sql.text, std::move(stmt)).first;
  }
  sqlite3_stmt* stmt = it->second.get();
  if (sqlite3_stmt_busy(stmt) != 0) {
    return internal_error(std::string(sql.name) + ": statement is already in use");
  }
  return Query(stmt, db_.get(), sql.name);
}

// --- Transaction ---

Result<Transaction> Transaction::begin(Connection& db) {
  if (auto r = db.exec("BEGIN IMMEDIATE", "begin transaction"); !r) return r.error();
  return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->exec("ROLLBACK", "roll back transaction");
}

Result<void> Transaction::commit() {
  Connection* db = std::exchange(db_, nullptr);
  if (db == nullptr) return internal_error("commit: transaction already finished");
  auto r = db->exec("COMMIT", "commit transaction");
  if (!r) {
    // A failed COMMIT may leave the transaction open; end it so the connection stays usable.
    if (sqlite3_get_autocommit(db->get()) == 0) (void)db->exec("ROLLBACK", "roll back transaction");
    return r.error();
  }
  return ok();
}

}  // namespace lw::adapters::sqlite
