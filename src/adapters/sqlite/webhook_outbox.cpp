#include "adapters/sqlite/webhook_outbox.h"

#include <limits>
#include <utility>

#include "adapters/sqlite/schema.h"

namespace lw::adapters::sqlite {
namespace {

using core::WebhookDelivery;

constexpr Sql kJournalMode{"enable WAL", "PRAGMA journal_mode=WAL"};

constexpr Sql kInsert{
    "add webhook delivery",
    "INSERT INTO webhook_deliveries (id, url, event_type, body, status, attempts, created_at_ms, "
    "next_attempt_ms, last_attempt_ms, last_status, last_error, done_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"};
constexpr Sql kSave{
    "save webhook delivery",
    "INSERT INTO webhook_deliveries (id, url, event_type, body, status, attempts, created_at_ms, "
    "next_attempt_ms, last_attempt_ms, last_status, last_error, done_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT (id) DO UPDATE SET url = excluded.url, event_type = excluded.event_type, "
    "body = excluded.body, status = excluded.status, attempts = excluded.attempts, "
    "created_at_ms = excluded.created_at_ms, next_attempt_ms = excluded.next_attempt_ms, "
    "last_attempt_ms = excluded.last_attempt_ms, last_status = excluded.last_status, "
    "last_error = excluded.last_error, done_at_ms = excluded.done_at_ms"};
constexpr Sql kLoadPending{
    "load pending webhook deliveries",
    "SELECT id, url, event_type, body, status, attempts, created_at_ms, next_attempt_ms, last_attempt_ms, "
    "last_status, last_error, done_at_ms FROM webhook_deliveries WHERE status = 'pending' "
    "ORDER BY created_at_ms, id"};
constexpr Sql kFind{
    "find webhook delivery",
    "SELECT id, url, event_type, body, status, attempts, created_at_ms, next_attempt_ms, "
    "last_attempt_ms, last_status, last_error, done_at_ms FROM webhook_deliveries WHERE id = ?1"};
constexpr Sql kDeleteFinished{"delete finished webhook deliveries",
                              "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND done_at_ms < ?1"};
constexpr Sql kChanges{"count deleted webhook deliveries", "SELECT changes()"};

Error about_file(const std::string& path, Error e) {
  e.message = "'" + path + "': " + e.message;
  return e;
}

Error corrupt(std::string_view column, const std::string& why, const std::string& id) {
  return Error{ErrorCode::corruption,
               "webhook_deliveries." + std::string(column) + ": " + why + " (delivery '" + id + "')"};
}

std::optional<std::int64_t> epoch_ms(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return to_epoch_ms(*t);
}

void bind_all(Query& q, const WebhookDelivery& d) {
  q.bind(1, d.id)
      .bind(2, d.url)
      .bind(3, core::to_string(d.event_type))
      .bind(4, d.body)
      .bind(5, core::to_string(d.status))
      .bind(6, std::int64_t{d.attempts})
      .bind(7, to_epoch_ms(d.created_at))
      .bind(8, to_epoch_ms(d.next_attempt_at))
      .bind(9, epoch_ms(d.last_attempt_at))
      .bind(10, d.last_status ? std::optional<std::int64_t>{*d.last_status} : std::nullopt)
      .bind(11, d.last_error)
      .bind(12, epoch_ms(d.done_at));
}

/// One row (columns in table order), checked against its domain types.
Result<WebhookDelivery> read_row(const Query& q) {
  WebhookDelivery d;
  d.id = q.text(0);
  d.url = q.text(1);
  const std::string type = q.text(2);
  auto event_type = core::parse_webhook_event_type(type);
  if (!event_type) return corrupt("event_type", "unknown value '" + type + "'", d.id);
  d.event_type = *event_type;
  d.body = q.text(3);
  const std::string status = q.text(4);
  auto parsed = core::parse_delivery_status(status);
  if (!parsed) return corrupt("status", "unknown value '" + status + "'", d.id);
  d.status = *parsed;
  const std::int64_t attempts = q.int64(5);
  if (attempts < 0 || attempts > std::numeric_limits<int>::max()) {
    return corrupt("attempts", std::to_string(attempts) + " is out of range", d.id);
  }
  d.attempts = static_cast<int>(attempts);
  d.created_at = from_epoch_ms(q.int64(6));
  d.next_attempt_at = from_epoch_ms(q.int64(7));
  if (!q.is_null(8)) d.last_attempt_at = from_epoch_ms(q.int64(8));
  if (!q.is_null(9)) {
    const std::int64_t s = q.int64(9);
    if (s < 0 || s > 999) return corrupt("last_status", std::to_string(s) + " is not an HTTP status", d.id);
    d.last_status = static_cast<int>(s);
  }
  d.last_error = q.text(10);
  if (!q.is_null(11)) d.done_at = from_epoch_ms(q.int64(11));
  return d;
}

}  // namespace

Result<std::unique_ptr<WebhookOutbox>> WebhookOutbox::open(const std::string& path, Synchronous sync,
                                                           Timestamp now) {
  auto db = Connection::open(path, SqliteStore::kBusyTimeoutMs);
  if (!db) return about_file(path, std::move(db).error());
  if (auto version = read_schema_version(*db); !version) return about_file(path, std::move(version).error());
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
  const char* synchronous =
      sync == Synchronous::full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  if (auto r = db->exec(synchronous, "set synchronous"); !r) return about_file(path, std::move(r).error());
  if (auto r = migrate(*db, now); !r) return about_file(path, std::move(r).error());
  return std::unique_ptr<WebhookOutbox>(new WebhookOutbox(std::move(*db)));
}

Result<void> WebhookOutbox::add(const std::vector<WebhookDelivery>& deliveries) {
  if (deliveries.empty()) return ok();
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  for (const WebhookDelivery& d : deliveries) {
    auto q = db_.query(kInsert);
    if (!q) return q.error();
    bind_all(*q, d);
    if (auto r = q->finish(); !r) return r;
  }
  return tx->commit();
}

Result<void> WebhookOutbox::save(const WebhookDelivery& delivery) {
  auto q = db_.query(kSave);
  if (!q) return q.error();
  bind_all(*q, delivery);
  return q->finish();
}

Result<std::vector<WebhookDelivery>> WebhookOutbox::load_pending() {
  auto q = db_.query(kLoadPending);
  if (!q) return q.error();
  std::vector<WebhookDelivery> out;
  for (;;) {
    auto row = q->next();
    if (!row) return row.error();
    if (!*row) return out;
    auto d = read_row(*q);
    if (!d) return d.error();
    out.push_back(std::move(*d));
  }
}

Result<std::optional<WebhookDelivery>> WebhookOutbox::find(const std::string& id) {
  auto q = db_.query(kFind);
  if (!q) return q.error();
  q->bind(1, id);
  auto row = q->next();
  if (!row) return row.error();
  if (!*row) return std::optional<WebhookDelivery>{};
  auto d = read_row(*q);
  if (!d) return d.error();
  return std::optional<WebhookDelivery>{std::move(*d)};
}

Result<std::int64_t> WebhookOutbox::delete_finished_before(Timestamp before) {
  {
    auto q = db_.query(kDeleteFinished);
    if (!q) return q.error();
    q->bind(1, to_epoch_ms(before));
    if (auto r = q->finish(); !r) return r.error();
  }
  auto q = db_.query(kChanges);
  if (!q) return q.error();
  auto row = q->next();
  if (!row) return row.error();
  return *row ? q->int64(0) : 0;
}

}  // namespace lw::adapters::sqlite
