#include "adapters/sqlite/schema.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace lw::adapters::sqlite {
namespace {

// docs/storage.md, "Tables (schema version 1)".
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE sites (
  id   TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL
) STRICT;

CREATE TABLE locks (
  id                    TEXT PRIMARY KEY NOT NULL,
  site_id               TEXT NOT NULL,
  name                  TEXT NOT NULL,
  transport             TEXT NOT NULL,
  lock_state            TEXT NOT NULL,
  door_state            TEXT NOT NULL,
  battery_pct           INTEGER,
  battery_mv            INTEGER,
  rssi_dbm              INTEGER,
  firmware              TEXT NOT NULL,
  uptime_s              INTEGER,
  reboot_count          INTEGER,
  boot_reason           TEXT NOT NULL,
  heartbeat_ms          INTEGER NOT NULL,
  link_up               INTEGER NOT NULL CHECK (link_up IN (0, 1)),
  connectivity          TEXT NOT NULL,
  last_seen_ms          INTEGER,
  connectivity_since_ms INTEGER
) STRICT;

CREATE TABLE events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  lock_id    TEXT NOT NULL,
  ts_ms      INTEGER NOT NULL,
  kind       TEXT NOT NULL,
  device_seq INTEGER,
  operation  TEXT,
  source     TEXT,
  user       TEXT,
  detail     TEXT NOT NULL,
  UNIQUE (lock_id, device_seq)
) STRICT;
CREATE INDEX events_by_lock ON events (lock_id, id);

CREATE TABLE actions (
  id              TEXT PRIMARY KEY NOT NULL,
  lock_id         TEXT NOT NULL,
  site_id         TEXT NOT NULL,
  action          TEXT NOT NULL,
  status          TEXT NOT NULL,
  reason          TEXT NOT NULL,
  detail          TEXT NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  expires_at_ms   INTEGER NOT NULL,
  completed_at_ms INTEGER,
  counter         INTEGER NOT NULL,
  key_id          TEXT NOT NULL
) STRICT;
CREATE INDEX actions_by_status ON actions (status);

CREATE TABLE command_counters (
  key_id TEXT PRIMARY KEY NOT NULL,
  value  INTEGER NOT NULL
) STRICT;
)sql";

// docs/storage.md, "Schema version 2".
constexpr std::string_view kVersion2 = R"sql(
CREATE TABLE hubs (
  id            TEXT PRIMARY KEY NOT NULL,
  version       TEXT NOT NULL,
  started_at_ms INTEGER NOT NULL,
  public_key    TEXT NOT NULL
) STRICT;
)sql";

// docs/storage.md, "Schema version 3". Clustered by (lock_id, t_ms): a lock's
// range is one contiguous read, and there is no separate index to store.
constexpr std::string_view kVersion3 = R"sql(
CREATE TABLE telemetry (
  lock_id       TEXT NOT NULL,
  t_ms          INTEGER NOT NULL,
  battery_pct   INTEGER,
  voltage_mv    INTEGER,
  rssi_dbm      INTEGER,
  lqi           INTEGER,
  temperature_c INTEGER,
  PRIMARY KEY (lock_id, t_ms)
) STRICT, WITHOUT ROWID;
)sql";

// docs/storage.md, "Schema version 4": the webhook outbox. A delivery is
// stored before its first attempt; the due ones are read by status and time.
constexpr std::string_view kVersion4 = R"sql(
CREATE TABLE webhook_deliveries (
  id              TEXT PRIMARY KEY NOT NULL,
  url             TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  body            TEXT NOT NULL,
  status          TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL,
  last_attempt_ms INTEGER,
  last_status     INTEGER,
  last_error      TEXT NOT NULL,
  done_at_ms      INTEGER
) STRICT;
CREATE INDEX webhook_deliveries_by_status ON webhook_deliveries (status, next_attempt_ms);
)sql";

// docs/storage.md, "Schema version 5 (audit log)": the hash-chained audit
// log. Rows are only ever inserted; seq is the chain position.
constexpr std::string_view kVersion5 = R"sql(
CREATE TABLE audit_log (
  seq       INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 1),
  time_ms   INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,
  detail    TEXT NOT NULL,
  outcome   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
) STRICT;
)sql";

// docs/storage.md, "Schema version 6 (access codes)": keypad codes with
// their PINs sealed (the key is in codes.key, outside the database), and the
// sync state of each code on each lock.
constexpr std::string_view kVersion6 = R"sql(
CREATE TABLE access_codes (
  id             TEXT PRIMARY KEY NOT NULL,
  site_id        TEXT NOT NULL,
  lock_id        TEXT,
  user_id        INTEGER NOT NULL,
  user_name      TEXT NOT NULL,
  slot           INTEGER NOT NULL,
  schedule_type  TEXT NOT NULL,
  from_ms        INTEGER NOT NULL,
  to_ms          INTEGER NOT NULL,
  days           INTEGER NOT NULL,
  start_min      INTEGER NOT NULL,
  end_min        INTEGER NOT NULL,
  utc_offset_min INTEGER NOT NULL,
  pin_nonce      TEXT NOT NULL,
  pin_sealed     TEXT NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL
) STRICT;
CREATE TABLE code_sync (
  code_id         TEXT NOT NULL,
  site_id         TEXT NOT NULL,
  lock_id         TEXT NOT NULL,
  slot            INTEGER NOT NULL,
  user_id         INTEGER NOT NULL,
  schedule_type   TEXT NOT NULL,
  from_ms         INTEGER NOT NULL,
  to_ms           INTEGER NOT NULL,
  days            INTEGER NOT NULL,
  start_min       INTEGER NOT NULL,
  end_min         INTEGER NOT NULL,
  utc_offset_min  INTEGER NOT NULL,
  expected_digest TEXT NOT NULL,
  state           TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  since_ms        INTEGER NOT NULL,
  reason          TEXT NOT NULL,
  updated_at_ms   INTEGER NOT NULL,
  PRIMARY KEY (code_id, site_id, lock_id)
) STRICT;
)sql";

// docs/storage.md, "Schema version 7 (API accounts)": accounts, their role
// grants per site, and API tokens, stored only as a hash.
constexpr std::string_view kVersion7 = R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  password_hash TEXT,
  created_at_ms INTEGER NOT NULL
) STRICT;
CREATE TABLE user_grants (
  user_id INTEGER NOT NULL,
  site    TEXT NOT NULL,
  role    TEXT NOT NULL,
  PRIMARY KEY (user_id, site)
) STRICT;
CREATE TABLE api_tokens (
  hash          TEXT PRIMARY KEY NOT NULL,
  user_id       INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER,
  revoked_at_ms INTEGER
) STRICT;
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);
)sql";

// docs/storage.md, "Schema version 8 (paired keys)": which keys each lock
// was paired with, for the hub's policy on relayed end-to-end commands.
constexpr std::string_view kVersion8 = R"sql(
CREATE TABLE lock_keys (
  lock_id       TEXT NOT NULL,
  key_id        TEXT NOT NULL,
  public_key    TEXT NOT NULL,
  role          TEXT NOT NULL,
  paired_at_ms  INTEGER NOT NULL,
  PRIMARY KEY (lock_id, key_id)
) STRICT, WITHOUT ROWID;
)sql";

// docs/storage.md, "Schema version 9 (account row MACs)": every account, grant
// and token row carries a MAC under <data_dir>/accounts.key.
constexpr std::string_view kVersion9 = R"sql(
ALTER TABLE users ADD COLUMN mac TEXT NOT NULL DEFAULT '';
ALTER TABLE user_grants ADD COLUMN mac TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN mac TEXT NOT NULL DEFAULT '';
)sql";

// docs/storage.md, "Schema version 10 (guest grants)": every guest grant the
// hub issued and, per lock, the delivery of its revocation.
constexpr std::string_view kVersion10 = R"sql(
CREATE TABLE guest_grants (
  grant_id       TEXT PRIMARY KEY,
  site_id        TEXT NOT NULL,
  user_name      TEXT NOT NULL,
  guest_key      TEXT NOT NULL,
  not_before_ms  INTEGER NOT NULL,
  not_after_ms   INTEGER NOT NULL,
  issued_ms      INTEGER NOT NULL,
  issued_by      TEXT NOT NULL,
  revoked_ms     INTEGER,
  revoked_by     TEXT
) STRICT;
CREATE INDEX guest_grants_by_site ON guest_grants (site_id, issued_ms);
CREATE TABLE guest_grant_locks (
  grant_id       TEXT NOT NULL,
  lock_id        TEXT NOT NULL,
  revocation     TEXT NOT NULL DEFAULT 'none',
  detail         TEXT NOT NULL DEFAULT '',
  attempts       INTEGER NOT NULL DEFAULT 0,
  updated_ms     INTEGER NOT NULL,
  PRIMARY KEY (grant_id, lock_id)
) STRICT, WITHOUT ROWID;
)sql";

// docs/storage.md, "Schema version 11 (doctor lessons)": each confirmed cause
// of a doctor case with the answers it was ranked on, learnt again at start.
constexpr std::string_view kVersion11 = R"sql(
CREATE TABLE doctor_lessons (
  id             INTEGER PRIMARY KEY,
  at_ms          INTEGER NOT NULL,
  transport      TEXT NOT NULL,
  cause          TEXT NOT NULL,
  answers        TEXT NOT NULL
) STRICT;
)sql";

// docs/storage.md, "Schema version 12 (the lock of a lesson)": each lesson
// names its lock, so a restarted hub knows each lock's own record again.
constexpr std::string_view kVersion12 = R"sql(
ALTER TABLE doctor_lessons ADD COLUMN lock_id TEXT NOT NULL DEFAULT '';
)sql";

// docs/storage.md, "Schema version 13 (one lesson per case)": the opening
// of the case a lesson came from; a corrected cause replaces its lesson.
constexpr std::string_view kVersion13 = R"sql(
ALTER TABLE doctor_lessons ADD COLUMN case_opened_ms INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX doctor_lessons_by_case ON doctor_lessons (lock_id, case_opened_ms)
  WHERE case_opened_ms <> 0;
)sql";

// docs/storage.md, "Schema version 14 (lock settings)": the settings the hub
// keeps for each lock, to hold it to them and to write them back after a reset.
constexpr std::string_view kVersion14 = R"sql(
CREATE TABLE lock_settings (
  site_id                       TEXT NOT NULL,
  lock_id                       TEXT NOT NULL,
  wrong_code_entry_limit        INTEGER NOT NULL,
  user_code_temporary_disable_s INTEGER NOT NULL,
  from_hub                      INTEGER NOT NULL,
  state                         TEXT NOT NULL,
  attempts                      INTEGER NOT NULL,
  since_ms                      INTEGER NOT NULL,
  reason                        TEXT NOT NULL,
  updated_at_ms                 INTEGER NOT NULL,
  PRIMARY KEY (site_id, lock_id)
) STRICT;
)sql";

// docs/storage.md, "Schema version 15 (every lock's settings)": a bridged
// lock's auto-relock time and sound volume beside a native lock's keypad
// settings; each column is NULL for a lock that has no such setting.
constexpr std::string_view kVersion15 = R"sql(
CREATE TABLE lock_settings_15 (
  site_id                       TEXT NOT NULL,
  lock_id                       TEXT NOT NULL,
  wrong_code_entry_limit        INTEGER,
  user_code_temporary_disable_s INTEGER,
  auto_relock_s                 INTEGER,
  sound_volume                  TEXT,
  from_hub                      INTEGER NOT NULL,
  state                         TEXT NOT NULL,
  attempts                      INTEGER NOT NULL,
  since_ms                      INTEGER NOT NULL,
  reason                        TEXT NOT NULL,
  updated_at_ms                 INTEGER NOT NULL,
  PRIMARY KEY (site_id, lock_id)
) STRICT;
INSERT INTO lock_settings_15 (site_id, lock_id, wrong_code_entry_limit, user_code_temporary_disable_s,
                              from_hub, state, attempts, since_ms, reason, updated_at_ms)
  SELECT site_id, lock_id, wrong_code_entry_limit, user_code_temporary_disable_s,
         from_hub, state, attempts, since_ms, reason, updated_at_ms FROM lock_settings;
DROP TABLE lock_settings;
ALTER TABLE lock_settings_15 RENAME TO lock_settings;
)sql";

constexpr std::array<Migration, 15> kMigrations{{
    {1, "sites, locks, events, actions, command_counters", kVersion1},
    {2, "hubs", kVersion2},
    {3, "telemetry", kVersion3},
    {4, "webhook_deliveries", kVersion4},
    {5, "audit_log", kVersion5},
    {6, "access_codes, code_sync", kVersion6},
    {7, "users, user_grants, api_tokens", kVersion7},
    {8, "lock_keys", kVersion8},
    {9, "account row MACs", kVersion9},
    {10, "guest_grants, guest_grant_locks", kVersion10},
    {11, "doctor_lessons", kVersion11},
    {12, "doctor_lessons.lock_id", kVersion12},
    {13, "doctor_lessons.case_opened_ms", kVersion13},
    {14, "lock_settings", kVersion14},
    {15, "lock_settings: auto_relock_s, sound_volume; every setting optional", kVersion15},
}};

constexpr bool numbered_from_one(const auto& steps) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].version != static_cast<int>(i) + 1) return false;
  }
  return true;
}
static_assert(numbered_from_one(kMigrations), "migrations are numbered 1, 2, 3, ... in order");

// Its shape never changes: every version of the code must be able to read it.
constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " applied_at_ms INTEGER NOT NULL"
    ") STRICT";

constexpr Sql kHasMigrationsTable{
    "inspect schema",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"};
constexpr Sql kCountForeignTables{
    "inspect schema",
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations' "
    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"};
constexpr Sql kReadVersion{"read schema version",
                           "SELECT COALESCE(MAX(version), 0), COUNT(*) FROM schema_migrations"};
constexpr Sql kRecordMigration{"record migration",
                               "INSERT INTO schema_migrations (version, applied_at_ms) VALUES (?1, ?2)"};

Error corruption(std::string message) { return Error{ErrorCode::corruption, std::move(message)}; }

Result<std::int64_t> single_integer(Connection& db, const Sql& sql) {
  auto q = db.query(sql);
  if (!q) return q.error();
  auto row = q->next();
  if (!row) return row.error();
  if (!*row) return internal_error(std::string(sql.name) + ": no row");
  return q->int64(0);
}

}  // namespace

std::span<const Migration> migrations() noexcept { return kMigrations; }

int schema_version() noexcept { return kMigrations.back().version; }

Result<int> read_schema_version(Connection& db) {
  auto has_table = single_integer(db, kHasMigrationsTable);
  if (!has_table) return has_table.error();
  if (*has_table == 0) {
    auto foreign = single_integer(db, kCountForeignTables);
    if (!foreign) return foreign.error();
    if (*foreign > 0) {
      return failed_precondition(
          "the file is a SQLite database of another program (it has tables but no lockwarden schema)");
    }
    return 0;
  }
  auto q = db.query(kReadVersion);
  if (!q) return q.error();
  auto row = q->next();
  if (!row) return row.error();
  if (!*row) return internal_error("read schema version: no row");
  const std::int64_t max = q->int64(0);
  const std::int64_t count = q->int64(1);
  const int latest = schema_version();
  if (max > latest) {
    return failed_precondition("database schema version " + std::to_string(max) +
                               " was written by a newer lockwarden; this one knows up to version " +
                               std::to_string(latest));
  }
  if (max < 0 || count != max) {
    return corruption("schema_migrations: versions 1.." + std::to_string(max) + " expected, found " +
                      std::to_string(count) + " rows");
  }
  return static_cast<int>(max);
}

Result<int> migrate(Connection& db, Timestamp now) {
  std::optional<int> before;
  for (;;) {
    // Read again inside the write lock: another process may have migrated meanwhile.
    auto tx = Transaction::begin(db);
    if (!tx) return tx.error();
    auto current = read_schema_version(db);
    if (!current) return current.error();
    if (!before) before = *current;
    if (*current == schema_version()) {
      if (auto r = tx->commit(); !r) return r.error();
      return *before;
    }
    if (auto r = db.exec(kCreateMigrationsTable, "create schema_migrations"); !r) return r.error();
    const Migration& step = kMigrations[static_cast<std::size_t>(*current)];
    const std::string what =
        "migration " + std::to_string(step.version) + " (" + std::string(step.summary) + ")";
    if (auto r = db.exec(step.sql, what); !r) return r.error();
    {
      auto q = db.query(kRecordMigration);
      if (!q) return q.error();
      q->bind(1, std::int64_t{step.version}).bind(2, to_epoch_ms(now));
      if (auto r = q->finish(); !r) return r.error();
    }
    if (auto r = tx->commit(); !r) return r.error();
  }
}

}  // namespace lw::adapters::sqlite
