#include "adapters/sqlite/sqlite_store.h"

#include <chrono>
#include <limits>
#include <utility>

#include "adapters/sqlite/schema.h"

namespace lw::adapters::sqlite {
namespace {

using core::Action;
using core::EventRecord;
using core::HubRecord;
using core::LockRecord;
using core::SiteRecord;

// --- statements (docs/storage.md) ---

constexpr Sql kJournalMode{"enable WAL", "PRAGMA journal_mode=WAL"};

constexpr Sql kUpsertHub{"upsert hub",
                         "INSERT INTO hubs (id, version, started_at_ms, public_key) VALUES (?1, ?2, ?3, ?4) "
                         "ON CONFLICT (id) DO UPDATE SET version = excluded.version, "
                         "started_at_ms = excluded.started_at_ms, public_key = excluded.public_key"};
constexpr Sql kLoadHubs{"load hubs", "SELECT id, version, started_at_ms, public_key FROM hubs ORDER BY id"};

constexpr Sql kUpsertSite{"upsert site",
                          "INSERT INTO sites (id, name) VALUES (?1, ?2) "
                          "ON CONFLICT (id) DO UPDATE SET name = excluded.name"};
constexpr Sql kLoadSites{"load sites", "SELECT id, name FROM sites ORDER BY id"};

constexpr Sql kUpsertLock{
    "upsert lock",
    "INSERT INTO locks (id, site_id, name, transport, lock_state, door_state, battery_pct, battery_mv, "
    "rssi_dbm, firmware, uptime_s, reboot_count, boot_reason, heartbeat_ms, link_up, connectivity, "
    "last_seen_ms, connectivity_since_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) "
    "ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, name = excluded.name, "
    "transport = excluded.transport, lock_state = excluded.lock_state, door_state = excluded.door_state, "
    "battery_pct = excluded.battery_pct, battery_mv = excluded.battery_mv, rssi_dbm = excluded.rssi_dbm, "
    "firmware = excluded.firmware, uptime_s = excluded.uptime_s, reboot_count = excluded.reboot_count, "
    "boot_reason = excluded.boot_reason, heartbeat_ms = excluded.heartbeat_ms, link_up = excluded.link_up, "
    "connectivity = excluded.connectivity, last_seen_ms = excluded.last_seen_ms, "
    "connectivity_since_ms = excluded.connectivity_since_ms"};
constexpr Sql kLoadLocks{
    "load locks",
    "SELECT id, site_id, name, transport, lock_state, door_state, battery_pct, battery_mv, rssi_dbm, "
    "firmware, uptime_s, reboot_count, boot_reason, heartbeat_ms, link_up, connectivity, last_seen_ms, "
    "connectivity_since_ms FROM locks ORDER BY id"};

constexpr Sql kAppendEvent{
    "append event",
    "INSERT INTO events (lock_id, ts_ms, kind, device_seq, operation, source, user, detail) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
    "ON CONFLICT (lock_id, device_seq) DO NOTHING RETURNING id"};
constexpr Sql kListEventsNewest{
    "list events",
    "SELECT id, lock_id, ts_ms, kind, device_seq, operation, source, user, detail FROM events "
    "WHERE lock_id = ?1 ORDER BY id DESC LIMIT ?2"};
constexpr Sql kListEventsBefore{
    "list events",
    "SELECT id, lock_id, ts_ms, kind, device_seq, operation, source, user, detail FROM events "
    "WHERE lock_id = ?1 AND id < ?3 ORDER BY id DESC LIMIT ?2"};

constexpr Sql kSaveAction{
    "save action",
    "INSERT INTO actions (id, lock_id, site_id, action, status, reason, detail, created_at_ms, "
    "expires_at_ms, completed_at_ms, counter, key_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT (id) DO UPDATE SET lock_id = excluded.lock_id, site_id = excluded.site_id, "
    "action = excluded.action, status = excluded.status, reason = excluded.reason, "
    "detail = excluded.detail, created_at_ms = excluded.created_at_ms, "
    "expires_at_ms = excluded.expires_at_ms, completed_at_ms = excluded.completed_at_ms, "
    "counter = excluded.counter, key_id = excluded.key_id"};
constexpr Sql kFindAction{
    "find action",
    "SELECT id, lock_id, site_id, action, status, reason, detail, created_at_ms, expires_at_ms, "
    "completed_at_ms, counter, key_id FROM actions WHERE id = ?1"};
constexpr Sql kLoadActionsByStatus{
    "load pending actions",
    "SELECT id, lock_id, site_id, action, status, reason, detail, created_at_ms, expires_at_ms, "
    "completed_at_ms, counter, key_id FROM actions WHERE status = ?1 ORDER BY created_at_ms, id"};

constexpr Sql kAppendSample{
    "append telemetry sample",
    "INSERT OR REPLACE INTO telemetry (lock_id, t_ms, battery_pct, voltage_mv, rssi_dbm, lqi, temperature_c) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"};
constexpr Sql kCountSamples{"count telemetry samples",
                            "SELECT COUNT(*) FROM telemetry WHERE lock_id = ?1 AND t_ms BETWEEN ?2 AND ?3"};
// One row per bucket of ?4 ms from ?2: mean time (as an offset from ?2, so the
// sum stays exact), count, means rounded half away from zero, lowest battery.
constexpr Sql kListSamples{
    "list telemetry samples",
    "SELECT ?2 + CAST(ROUND(AVG(t_ms - ?2)) AS INTEGER), COUNT(*), "
    "CAST(ROUND(AVG(battery_pct)) AS INTEGER), MIN(battery_pct), CAST(ROUND(AVG(voltage_mv)) AS INTEGER), "
    "CAST(ROUND(AVG(rssi_dbm)) AS INTEGER), CAST(ROUND(AVG(lqi)) AS INTEGER), "
    "CAST(ROUND(AVG(temperature_c)) AS INTEGER) "
    "FROM telemetry WHERE lock_id = ?1 AND t_ms BETWEEN ?2 AND ?3 "
    "GROUP BY (t_ms - ?2) / ?4 ORDER BY MIN(t_ms)"};
// Retention walks the primary key lock by lock, so each delete is a range at
// the start of one lock's rows instead of a scan of the whole table.
constexpr Sql kNextSampleLock{"find telemetry lock",
                              "SELECT lock_id FROM telemetry WHERE lock_id > ?1 ORDER BY lock_id LIMIT 1"};
constexpr Sql kDeleteOldSamples{"delete old telemetry samples",
                                "DELETE FROM telemetry WHERE lock_id = ?1 AND t_ms < ?2"};
constexpr Sql kChanges{"count deleted telemetry samples", "SELECT changes()"};

constexpr Sql kNextCounter{"next command counter",
                           "INSERT INTO command_counters (key_id, value) VALUES (?1, 1) "
                           "ON CONFLICT (key_id) DO UPDATE SET value = value + 1 RETURNING value"};

constexpr Sql kKeepLesson{
    "keep doctor lesson",
    "INSERT INTO doctor_lessons (at_ms, transport, cause, answers, lock_id, case_opened_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT (lock_id, case_opened_ms) WHERE case_opened_ms <> 0 DO UPDATE SET "
    "at_ms = excluded.at_ms, transport = excluded.transport, cause = excluded.cause, answers = "
    "excluded.answers"};
constexpr Sql kLoadLessons{
    "load doctor lessons",
    "SELECT at_ms, transport, cause, answers, lock_id, case_opened_ms FROM doctor_lessons ORDER BY id"};

constexpr int kMaxEventPage = 1000;

Error corruption(std::string message) { return Error{ErrorCode::corruption, std::move(message)}; }

/// Unsigned 64-bit values are stored as the signed INTEGER with the same bits.
std::int64_t to_column(std::uint64_t v) noexcept { return static_cast<std::int64_t>(v); }
std::uint64_t from_column(std::int64_t v) noexcept { return static_cast<std::uint64_t>(v); }

std::optional<std::int64_t> epoch_ms(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return to_epoch_ms(*t);
}
template <typename Enum>
std::optional<std::string_view> name_of(const std::optional<Enum>& v) {
  if (!v) return std::nullopt;
  return to_string(*v);
}

/// Reads the columns of one result row, checking every value against its
/// domain type. The first bad value is kept and reported by status(), as
/// "<table>.<column>: <why> (<row>)".
class RowReader {
 public:
  RowReader(const Query& q, std::string_view table) : q_(q), table_(table) {}

  /// Names the row in messages ("lock 'front'"); call once its key is read.
  void set_row(std::string row) { row_ = std::move(row); }

  [[nodiscard]] std::string text(int col) const { return q_.text(col); }
  [[nodiscard]] std::int64_t int64(int col) const { return q_.int64(col); }
  [[nodiscard]] std::optional<std::string> optional_text(int col) const {
    if (q_.is_null(col)) return std::nullopt;
    return q_.text(col);
  }
  [[nodiscard]] std::optional<std::int64_t> optional_int64(int col) const {
    if (q_.is_null(col)) return std::nullopt;
    return q_.int64(col);
  }
  std::optional<Timestamp> optional_time(int col) const {
    if (q_.is_null(col)) return std::nullopt;
    return from_epoch_ms(q_.int64(col));
  }

  std::optional<int> optional_int(int col, std::string_view column) {
    if (q_.is_null(col)) return std::nullopt;
    std::int64_t v = q_.int64(col);
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
      fail(column, std::to_string(v) + " is out of range");
      return std::nullopt;
    }
    return static_cast<int>(v);
  }

  bool boolean(int col, std::string_view column) {
    std::int64_t v = q_.int64(col);
    if (v != 0 && v != 1) fail(column, std::to_string(v) + " is not 0 or 1");
    return v == 1;
  }

  /// An enum stored by its wire name; an unknown name is corruption.
  template <typename Enum, typename Parse>
  Enum name(int col, std::string_view column, Parse parse, Enum fallback) {
    std::string stored = q_.text(col);
    std::optional<Enum> v = parse(stored);
    if (!v) {
      fail(column, "unknown value '" + stored + "'");
      return fallback;
    }
    return *v;
  }
  template <typename Enum, typename Parse>
  std::optional<Enum> optional_name(int col, std::string_view column, Parse parse) {
    if (q_.is_null(col)) return std::nullopt;
    std::string stored = q_.text(col);
    std::optional<Enum> v = parse(stored);
    if (!v) fail(column, "unknown value '" + stored + "'");
    return v;
  }

  [[nodiscard]] Result<void> status() const {
    if (error_) return *error_;
    return ok();
  }

 private:
  void fail(std::string_view column, const std::string& why) {
    if (error_) return;
    std::string m(table_);
    m += '.';
    m += column;
    m += ": ";
    m += why;
    if (!row_.empty()) m += " (" + row_ + ")";
    error_ = corruption(std::move(m));
  }

  const Query& q_;
  std::string_view table_;
  std::string row_;
  std::optional<Error> error_;
};

Result<LockRecord> read_lock(const Query& q) {
  RowReader r(q, "locks");
  LockRecord l;
  l.id = r.text(0);
  r.set_row("lock '" + l.id + "'");
  l.site = r.text(1);
  l.name = r.text(2);
  l.transport = r.name(3, "transport", core::parse_transport, core::Transport::wifi);
  l.lock_state = r.name(4, "lock_state", core::parse_lock_state, core::LockState::unknown);
  l.door_state = r.name(5, "door_state", core::parse_door_state, core::DoorState::unknown);
  l.battery_pct = r.optional_int(6, "battery_pct");
  l.battery_mv = r.optional_int(7, "battery_mv");
  l.rssi_dbm = r.optional_int(8, "rssi_dbm");
  l.firmware = r.text(9);
  l.uptime_s = r.optional_int64(10);
  l.reboot_count = r.optional_int(11, "reboot_count");
  l.boot_reason = r.name(12, "boot_reason", core::parse_boot_reason, core::BootReason::unknown);
  l.heartbeat = Duration{r.int64(13)};
  l.link_up = r.boolean(14, "link_up");
  l.connectivity = r.name(15, "connectivity", core::parse_connectivity, core::Connectivity::unknown);
  l.last_seen = r.optional_time(16);
  l.connectivity_since = r.optional_time(17);
  if (auto s = r.status(); !s) return s.error();
  return l;
}

Result<EventRecord> read_event(const Query& q) {
  RowReader r(q, "events");
  EventRecord e;
  e.id = r.int64(0);
  r.set_row("event " + std::to_string(e.id));
  e.lock = r.text(1);
  e.ts = from_epoch_ms(r.int64(2));
  e.kind = r.name(3, "kind", core::parse_event_kind, core::EventKind::lock_operation);
  if (auto seq = r.optional_int64(4)) e.device_seq = from_column(*seq);
  e.operation = r.optional_name<core::LockAction>(5, "operation", core::parse_lock_action);
  e.source = r.optional_name<core::OperationSource>(6, "source", core::parse_operation_source);
  e.user = r.optional_text(7);
  e.detail = r.text(8);
  if (auto s = r.status(); !s) return s.error();
  return e;
}

Result<Action> read_action(const Query& q) {
  RowReader r(q, "actions");
  Action a;
  a.id = r.text(0);
  r.set_row("action '" + a.id + "'");
  a.lock = r.text(1);
  a.site = r.text(2);
  a.action = r.name(3, "action", core::parse_lock_action, core::LockAction::lock);
  a.status = r.name(4, "status", core::parse_action_status, core::ActionStatus::pending);
  a.reason = r.text(5);
  a.detail = r.text(6);
  a.created_at = from_epoch_ms(r.int64(7));
  a.expires_at = from_epoch_ms(r.int64(8));
  a.completed_at = r.optional_time(9);
  a.counter = from_column(r.int64(10));
  a.key_id = r.text(11);
  if (auto s = r.status(); !s) return s.error();
  return a;
}

Result<core::TelemetryPoint> read_point(const Query& q, const LockId& lock) {
  RowReader r(q, "telemetry");
  r.set_row("lock '" + lock + "'");
  core::TelemetryPoint p;
  p.t = from_epoch_ms(r.int64(0));
  p.samples = static_cast<int>(r.int64(1));
  p.battery_pct = r.optional_int(2, "battery_pct");
  p.battery_min_pct = r.optional_int(3, "battery_pct");
  p.voltage_mv = r.optional_int(4, "voltage_mv");
  p.rssi_dbm = r.optional_int(5, "rssi_dbm");
  p.lqi = r.optional_int(6, "lqi");
  p.temperature_c = r.optional_int(7, "temperature_c");
  if (auto s = r.status(); !s) return s.error();
  return p;
}

/// The first column of the first row of `q`, an integer.
Result<std::int64_t> single_integer(Query& q) {
  auto row = q.next();
  if (!row) return row.error();
  if (!*row) return internal_error("a query that always answers returned no row");
  return q.int64(0);
}

/// Runs `q` to the end, reading each row with `read`.
template <typename T, typename Read>
Result<std::vector<T>> read_all(Query& q, Read read) {
  std::vector<T> out;
  for (;;) {
    auto row = q.next();
    if (!row) return row.error();
    if (!*row) return out;
    auto value = read(q);
    if (!value) return value.error();
    out.push_back(std::move(*value));
  }
}

/// Prefixes an error from opening with the file's path.
Error about_file(const std::string& path, Error e) {
  e.message = "'" + path + "': " + e.message;
  return e;
}

}  // namespace

std::string_view to_string(Synchronous sync) noexcept {
  switch (sync) {
    case Synchronous::full: return "full";
    case Synchronous::normal: return "normal";
  }
  return "full";
}

std::optional<Synchronous> parse_synchronous(std::string_view text) noexcept {
  if (text == "full") return Synchronous::full;
  if (text == "normal") return Synchronous::normal;
  return std::nullopt;
}

SqliteStore::SqliteStore(Connection db, std::string path) noexcept
    : db_(std::move(db)), path_(std::move(path)) {}

Result<Connection> open_connection(const std::string& path, Synchronous sync, Timestamp now) {
  auto db = Connection::open(path, SqliteStore::kBusyTimeoutMs);
  if (!db) return about_file(path, std::move(db).error());
  // Only reads: a file that is not a database, is newer or is another
  // program's is refused before anything (even the journal mode) is changed.
  if (auto version = read_schema_version(*db); !version) return about_file(path, std::move(version).error());
  {
    auto q = db->query(kJournalMode);
    if (!q) return about_file(path, std::move(q).error());
    auto row = q->next();
    if (!row) return about_file(path, std::move(row).error());
    std::string mode = *row ? q->text(0) : std::string();
    if (mode != "wal") {
      return about_file(
          path, failed_precondition("cannot enable the WAL journal (journal_mode is '" + mode + "')"));
    }
  }
  const char* synchronous =
      sync == Synchronous::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  if (auto r = db->exec(synchronous, "set synchronous"); !r) return about_file(path, std::move(r).error());
  if (auto r = migrate(*db, now); !r) return about_file(path, std::move(r).error());
  return std::move(*db);
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, Synchronous sync) {
  auto db =
      open_connection(path, sync, std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now()));
  if (!db) return db.error();
  if (auto r = db->exec("PRAGMA foreign_keys=ON", "enable foreign keys"); !r) {
    return about_file(path, std::move(r).error());
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db), path));
}

Result<void> SqliteStore::upsert_hub(const HubRecord& hub) {
  auto q = db_.query(kUpsertHub);
  if (!q) return q.error();
  q->bind(1, hub.id).bind(2, hub.version).bind(3, to_epoch_ms(hub.started_at)).bind(4, hub.public_key);
  return q->finish();
}

Result<std::vector<HubRecord>> SqliteStore::load_hubs() {
  auto q = db_.query(kLoadHubs);
  if (!q) return q.error();
  return read_all<HubRecord>(*q, [](const Query& row) -> Result<HubRecord> {
    return HubRecord{row.text(0), row.text(1), from_epoch_ms(row.int64(2)), row.text(3)};
  });
}

Result<void> SqliteStore::upsert_site(const SiteRecord& site) {
  auto q = db_.query(kUpsertSite);
  if (!q) return q.error();
  q->bind(1, site.id).bind(2, site.name);
  return q->finish();
}

Result<std::vector<SiteRecord>> SqliteStore::load_sites() {
  auto q = db_.query(kLoadSites);
  if (!q) return q.error();
  return read_all<SiteRecord>(*q, [](const Query& row) -> Result<SiteRecord> {
    return SiteRecord{row.text(0), row.text(1)};
  });
}

Result<void> SqliteStore::upsert_lock(const LockRecord& lock) {
  auto q = db_.query(kUpsertLock);
  if (!q) return q.error();
  q->bind(1, lock.id)
      .bind(2, lock.site)
      .bind(3, lock.name)
      .bind(4, to_string(lock.transport))
      .bind(5, to_string(lock.lock_state))
      .bind(6, to_string(lock.door_state))
      .bind(7, lock.battery_pct)
      .bind(8, lock.battery_mv)
      .bind(9, lock.rssi_dbm)
      .bind(10, lock.firmware)
      .bind(11, lock.uptime_s)
      .bind(12, lock.reboot_count)
      .bind(13, to_string(lock.boot_reason))
      .bind(14, std::int64_t{lock.heartbeat.count()})
      .bind(15, std::int64_t{lock.link_up ? 1 : 0})
      .bind(16, to_string(lock.connectivity))
      .bind(17, epoch_ms(lock.last_seen))
      .bind(18, epoch_ms(lock.connectivity_since));
  return q->finish();
}

Result<std::vector<LockRecord>> SqliteStore::load_locks() {
  auto q = db_.query(kLoadLocks);
  if (!q) return q.error();
  return read_all<LockRecord>(*q, read_lock);
}

Result<std::optional<std::int64_t>> SqliteStore::append_event(const EventRecord& event) {
  auto q = db_.query(kAppendEvent);
  if (!q) return q.error();
  std::optional<std::int64_t> seq;
  if (event.device_seq) seq = to_column(*event.device_seq);
  q->bind(1, event.lock)
      .bind(2, to_epoch_ms(event.ts))
      .bind(3, to_string(event.kind))
      .bind(4, seq)
      .bind(5, name_of(event.operation))
      .bind(6, name_of(event.source))
      .bind(7, event.user)
      .bind(8, event.detail);
  auto row = q->next();
  if (!row) return row.error();
  std::optional<std::int64_t> id;
  if (*row) id = q->int64(0);  // no row: an event with this (lock, device_seq) is already stored
  // Step to the end: the insert is committed only then.
  if (auto r = q->finish(); !r) return r.error();
  return id;
}

Result<core::EventPage> SqliteStore::list_events(const LockId& lock, int limit,
                                                 std::optional<std::int64_t> before) {
  if (limit < 1 || limit > kMaxEventPage) return invalid_argument("limit", "must be 1..1000");
  auto q = db_.query(before ? kListEventsBefore : kListEventsNewest);
  if (!q) return q.error();
  // One row more than asked tells whether another page follows.
  q->bind(1, lock).bind(2, std::int64_t{limit} + 1);
  if (before) q->bind(3, *before);
  auto events = read_all<EventRecord>(*q, read_event);
  if (!events) return events.error();
  core::EventPage page;
  page.events = std::move(*events);
  if (page.events.size() > static_cast<std::size_t>(limit)) {
    page.events.resize(static_cast<std::size_t>(limit));
    page.next_before = page.events.back().id;
  }
  return page;
}

Result<void> SqliteStore::save_action(const Action& action) {
  auto q = db_.query(kSaveAction);
  if (!q) return q.error();
  q->bind(1, action.id)
      .bind(2, action.lock)
      .bind(3, action.site)
      .bind(4, to_string(action.action))
      .bind(5, to_string(action.status))
      .bind(6, action.reason)
      .bind(7, action.detail)
      .bind(8, to_epoch_ms(action.created_at))
      .bind(9, to_epoch_ms(action.expires_at))
      .bind(10, epoch_ms(action.completed_at))
      .bind(11, to_column(action.counter))
      .bind(12, action.key_id);
  return q->finish();
}

Result<std::optional<Action>> SqliteStore::find_action(const ActionId& id) {
  auto q = db_.query(kFindAction);
  if (!q) return q.error();
  q->bind(1, id);
  auto found = read_all<Action>(*q, read_action);
  if (!found) return found.error();
  if (found->empty()) return std::optional<Action>{};
  return std::optional<Action>{std::move(found->front())};
}

Result<std::vector<Action>> SqliteStore::load_pending_actions() {
  auto q = db_.query(kLoadActionsByStatus);
  if (!q) return q.error();
  q->bind(1, to_string(core::ActionStatus::pending));
  return read_all<Action>(*q, read_action);
}

Result<void> SqliteStore::append_sample(const core::TelemetrySample& sample) {
  auto q = db_.query(kAppendSample);
  if (!q) return q.error();
  q->bind(1, sample.lock)
      .bind(2, to_epoch_ms(sample.t))
      .bind(3, sample.battery_pct)
      .bind(4, sample.voltage_mv)
      .bind(5, sample.rssi_dbm)
      .bind(6, sample.lqi)
      .bind(7, sample.temperature_c);
  return q->finish();
}

Result<std::vector<core::TelemetryPoint>> SqliteStore::list_samples(const LockId& lock, Timestamp since,
                                                                    Timestamp until, int max_points) {
  if (max_points < 1) return invalid_argument("max_points", "must be at least 1");
  if (until < since) return invalid_argument("until", "must not be before since");
  std::int64_t count = 0;
  {
    auto q = db_.query(kCountSamples);
    if (!q) return q.error();
    q->bind(1, lock).bind(2, to_epoch_ms(since)).bind(3, to_epoch_ms(until));
    auto n = single_integer(*q);
    if (!n) return n.error();
    count = *n;
  }
  // Buckets of 1 ms are the samples themselves: (lock_id, t_ms) is the key.
  const std::int64_t width = count <= max_points ? 1 : core::history_bucket_ms(since, until, max_points);
  auto q = db_.query(kListSamples);
  if (!q) return q.error();
  q->bind(1, lock).bind(2, to_epoch_ms(since)).bind(3, to_epoch_ms(until)).bind(4, width);
  return read_all<core::TelemetryPoint>(*q, [&lock](const Query& row) { return read_point(row, lock); });
}

Result<std::int64_t> SqliteStore::delete_samples_before(Timestamp before) {
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  std::int64_t deleted = 0;
  std::string lock;  // "" sorts before every lock id
  for (;;) {
    {
      auto q = db_.query(kNextSampleLock);
      if (!q) return q.error();
      q->bind(1, lock);
      auto row = q->next();
      if (!row) return row.error();
      if (!*row) break;
      lock = q->text(0);
    }
    {
      auto q = db_.query(kDeleteOldSamples);
      if (!q) return q.error();
      q->bind(1, lock).bind(2, to_epoch_ms(before));
      if (auto r = q->finish(); !r) return r.error();
    }
    auto q = db_.query(kChanges);
    if (!q) return q.error();
    auto n = single_integer(*q);
    if (!n) return n.error();
    deleted += *n;
  }
  if (auto r = tx->commit(); !r) return r.error();
  return deleted;
}

Result<std::uint64_t> SqliteStore::next_command_counter(const std::string& key_id) {
  auto q = db_.query(kNextCounter);
  if (!q) return q.error();
  q->bind(1, key_id);
  auto row = q->next();
  if (!row) return row.error();
  if (!*row) return internal_error("next command counter: no value returned");
  std::uint64_t value = from_column(q->int64(0));
  // Step to the end: the increment is committed only then, and only a committed value may be used.
  if (auto r = q->finish(); !r) return r.error();
  return value;
}

Result<void> SqliteStore::keep_lesson(const core::Lesson& lesson) {
  auto q = db_.query(kKeepLesson);
  if (!q) return q.error();
  q->bind(1, to_epoch_ms(lesson.at))
      .bind(2, std::string(core::to_string(lesson.transport)))
      .bind(3, std::string(core::to_string(lesson.cause)))
      .bind(4, core::encode_answers(lesson.clues))
      .bind(5, lesson.lock)
      .bind(6, to_epoch_ms(lesson.case_opened));
  return q->finish();
}

Result<std::vector<core::Lesson>> SqliteStore::load_lessons() {
  auto q = db_.query(kLoadLessons);
  if (!q) return q.error();
  std::vector<core::Lesson> out;
  for (;;) {
    auto row = q->next();
    if (!row) return row.error();
    if (!*row) break;
    // A row this version cannot read (a cause or transport it does not know) teaches nothing.
    const auto transport = core::parse_transport(q->text(1));
    const auto cause = core::parse_cause(q->text(2));
    auto clues = core::parse_answers(q->text(3));
    if (!transport || !cause || !clues) continue;
    out.push_back(core::Lesson{from_epoch_ms(q->int64(0)), *transport, *cause, *clues, q->text(4),
                               from_epoch_ms(q->int64(5))});
  }
  return out;
}

}  // namespace lw::adapters::sqlite
