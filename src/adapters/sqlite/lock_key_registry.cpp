#include "adapters/sqlite/lock_key_registry.h"

#include <utility>

namespace lw::adapters::sqlite {
namespace {

constexpr Sql kPut{
    "save paired key",
    "INSERT INTO lock_keys (lock_id, key_id, public_key, role, paired_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (lock_id, key_id) DO UPDATE SET "
    "public_key = excluded.public_key, role = excluded.role, paired_at_ms = excluded.paired_at_ms"};
constexpr Sql kRemove{"remove paired key", "DELETE FROM lock_keys WHERE lock_id = ?1 AND key_id = ?2"};
constexpr Sql kFind{"find paired key",
                    "SELECT lock_id, key_id, public_key, role, paired_at_ms FROM lock_keys "
                    "WHERE lock_id = ?1 AND key_id = ?2"};
constexpr Sql kList{"list paired keys",
                    "SELECT lock_id, key_id, public_key, role, paired_at_ms FROM lock_keys "
                    "WHERE lock_id = ?1 ORDER BY key_id"};

Result<PairedKey> read_row(const Query& q) {
  PairedKey k;
  k.lock = q.text(0);
  k.key_id = q.text(1);
  k.public_key = q.text(2);
  const std::string role = q.text(3);
  if (role != "hub" && role != "user") {
    return Error{ErrorCode::corruption,
                 "lock_keys.role: unknown value '" + role + "' (key '" + k.key_id + "')"};
  }
  k.hub = role == "hub";
  k.paired_at = from_epoch_ms(q.int64(4));
  return k;
}

}  // namespace

Result<std::unique_ptr<LockKeyRegistry>> LockKeyRegistry::open(const std::string& path, Synchronous sync,
                                                               Timestamp now) {
  auto db = open_connection(path, sync, now);
  if (!db) return db.error();
  return std::unique_ptr<LockKeyRegistry>(new LockKeyRegistry(std::move(*db)));
}

Result<void> LockKeyRegistry::put(const PairedKey& key) {
  auto q = db_.query(kPut);
  if (!q) return q.error();
  q->bind(1, key.lock)
      .bind(2, key.key_id)
      .bind(3, key.public_key)
      .bind(4, std::string_view(key.hub ? "hub" : "user"))
      .bind(5, to_epoch_ms(key.paired_at));
  return q->finish();
}

Result<void> LockKeyRegistry::remove(const LockId& lock, const std::string& key_id) {
  auto q = db_.query(kRemove);
  if (!q) return q.error();
  q->bind(1, lock).bind(2, key_id);
  return q->finish();
}

Result<std::optional<PairedKey>> LockKeyRegistry::find(const LockId& lock, const std::string& key_id) {
  auto q = db_.query(kFind);
  if (!q) return q.error();
  q->bind(1, lock).bind(2, key_id);
  auto row = q->next();
  if (!row) return row.error();
  if (!*row) return std::optional<PairedKey>{};
  auto k = read_row(*q);
  if (!k) return k.error();
  return std::optional<PairedKey>{std::move(*k)};
}

Result<std::vector<PairedKey>> LockKeyRegistry::list(const LockId& lock) {
  auto q = db_.query(kList);
  if (!q) return q.error();
  q->bind(1, lock);
  std::vector<PairedKey> out;
  for (;;) {
    auto row = q->next();
    if (!row) return row.error();
    if (!*row) return out;
    auto k = read_row(*q);
    if (!k) return k.error();
    out.push_back(std::move(*k));
  }
}

}  // namespace lw::adapters::sqlite
