#include "adapters/sqlite/audit_table.h"

#include <filesystem>
#include <utility>

#include "adapters/sqlite/schema.h"
#include "adapters/sqlite/sqlite_store.h"

namespace lw::adapters::sqlite {
namespace {

constexpr Sql kJournalMode{"enable WAL", "PRAGMA journal_mode=WAL"};
constexpr Sql kHasTable{"inspect schema",
                        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'"};
constexpr Sql kLast{"read last audit record",
                    "SELECT seq, time_ms, actor, action, target, detail, outcome, prev_hash, hash "
                    "FROM audit_log ORDER BY seq DESC LIMIT 1"};
constexpr Sql kAll{"read audit log",
                   "SELECT seq, time_ms, actor, action, target, detail, outcome, prev_hash, hash "
                   "FROM audit_log ORDER BY seq"};
constexpr Sql kList{"list audit records",
                    "SELECT seq, time_ms, actor, action, target, detail, outcome, prev_hash, hash "
                    "FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2"};
constexpr Sql kInsert{"append audit record",
                      "INSERT INTO audit_log (seq, time_ms, actor, action, target, detail, outcome, "
                      "prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"};

Error about_file(const std::string& path, Error e) {
  e.message = "'" + path + "': " + e.message;
  return e;
}

core::AuditHash stored_hash(const std::string& hex) {
  auto h = core::hash_from_hex("hash", hex);
  if (h) return *h;
  core::AuditHash unreadable{};
  unreadable.fill(0xFF);
  return unreadable;
}

core::StoredAuditRecord read_row(const Query& q) {
  core::StoredAuditRecord r;
  r.seq = static_cast<std::uint64_t>(q.int64(0));
  r.entry.time = from_epoch_ms(q.int64(1));
  r.entry.actor = q.text(2);
  r.entry.action = q.text(3);
  r.entry.target = q.text(4);
  r.entry.detail = q.text(5);
  r.entry.outcome = q.text(6);
  r.prev = stored_hash(q.text(7));
  r.hash = stored_hash(q.text(8));
  return r;
}

Result<std::vector<core::StoredAuditRecord>> read_rows(Query& q) {
  std::vector<core::StoredAuditRecord> out;
  for (;;) {
    auto row = q.next();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(read_row(q));
  }
}

}  // namespace

Result<std::unique_ptr<AuditTable>> AuditTable::open(const std::string& path, Timestamp now) {
  auto db = Connection::open(path, SqliteStore::kBusyTimeoutMs);
  if (!db) return about_file(path, std::move(db).error());
  {
    auto q = db->query(kJournalMode);
    if (!q) return about_file(path, std::move(q).error());
    auto row = q->next();
    if (!row) return about_file(path, std::move(row).error());
    const std::string mode = *row ? q->text(0) : std::string();
    if (mode != "wal") {
      return about_file(
          path, failed_precondition("cannot enable the WAL journal (journal_mode is '" + mode + "')"));
    }
  }
  if (auto r = db->exec("PRAGMA synchronous=FULL", "set synchronous"); !r)
    return about_file(path, std::move(r).error());
  if (auto r = migrate(*db, now); !r) return about_file(path, std::move(r).error());
  return std::unique_ptr<AuditTable>(new AuditTable(std::move(*db), true));
}

Result<std::unique_ptr<AuditTable>> AuditTable::open_existing(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return not_found("'" + path + "': no such database file");
  auto db = Connection::open(path, SqliteStore::kBusyTimeoutMs);
  if (!db) return about_file(path, std::move(db).error());
  if (auto r = db->exec("PRAGMA query_only=ON", "set query_only"); !r)
    return about_file(path, std::move(r).error());
  if (auto version = read_schema_version(*db); !version) return about_file(path, std::move(version).error());
  bool has_table = false;
  {
    auto q = db->query(kHasTable);
    if (!q) return about_file(path, std::move(q).error());
    auto row = q->next();
    if (!row) return about_file(path, std::move(row).error());
    has_table = *row && q->int64(0) > 0;
  }
  // Verifying must not change the evidence: no migration, and no writes at all.
  return std::unique_ptr<AuditTable>(new AuditTable(std::move(*db), has_table));
}

Result<core::StoredAuditRecord> AuditTable::append(const core::AuditEntry& entry,
                                                   const core::AuditHead& after, const core::AuditMac& mac) {
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  auto tail = last();
  if (!tail) return tail.error();
  const std::uint64_t last_seq = *tail ? (*tail)->seq : 0;
  const bool same = last_seq == after.seq && (!*tail || (*tail)->hash == after.hash);
  if (!same) {
    return Error{ErrorCode::corruption, "the audit log changed under the hub: it wrote up to record " +
                                            std::to_string(after.seq) + ", the table now ends at record " +
                                            std::to_string(last_seq) +
                                            (last_seq == after.seq ? " with another hash" : "")};
  }
  core::StoredAuditRecord r;
  r.seq = after.seq + 1;
  r.entry = entry;
  r.prev = after.hash;
  r.hash = core::chain_hash(r.seq, r.entry, r.prev, mac);
  {
    auto q = db_.query(kInsert);
    if (!q) return q.error();
    q->bind(1, static_cast<std::int64_t>(r.seq))
        .bind(2, to_epoch_ms(entry.time))
        .bind(3, entry.actor)
        .bind(4, entry.action)
        .bind(5, entry.target)
        .bind(6, entry.detail)
        .bind(7, entry.outcome)
        .bind(8, core::to_hex(r.prev))
        .bind(9, core::to_hex(r.hash));
    if (auto done = q->finish(); !done) return done.error();
  }
  if (auto c = tx->commit(); !c) return c.error();
  return r;
}

Result<std::optional<core::StoredAuditRecord>> AuditTable::last() {
  if (!has_table_) return std::optional<core::StoredAuditRecord>{};
  auto q = db_.query(kLast);
  if (!q) return q.error();
  auto row = q->next();
  if (!row) return row.error();
  if (!*row) return std::optional<core::StoredAuditRecord>{};
  return std::optional<core::StoredAuditRecord>{read_row(*q)};
}

Result<std::vector<core::StoredAuditRecord>> AuditTable::read_all() {
  if (!has_table_) return std::vector<core::StoredAuditRecord>{};
  auto q = db_.query(kAll);
  if (!q) return q.error();
  return read_rows(*q);
}

Result<std::vector<core::AuditRecord>> AuditTable::list(std::uint64_t since_seq, int limit) {
  std::vector<core::AuditRecord> out;
  if (!has_table_) return out;
  auto q = db_.query(kList);
  if (!q) return q.error();
  q->bind(1, static_cast<std::int64_t>(since_seq)).bind(2, std::int64_t{limit});
  auto rows = read_rows(*q);
  if (!rows) return rows.error();
  for (core::StoredAuditRecord& r : *rows) {
    out.push_back({r.seq, std::move(r.entry), core::to_hex(r.hash)});
  }
  return out;
}

}  // namespace lw::adapters::sqlite
