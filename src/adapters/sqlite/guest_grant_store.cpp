#include "adapters/sqlite/guest_grant_store.h"

#include <utility>

namespace lw::adapters::sqlite {
namespace {

constexpr Sql kAddGrant{"save guest grant",
                        "INSERT INTO guest_grants (grant_id, site_id, user_name, guest_key, not_before_ms, "
                        "not_after_ms, issued_ms, issued_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"};
constexpr Sql kAddLock{
    "save guest grant lock",
    "INSERT INTO guest_grant_locks (grant_id, lock_id, revocation, detail, attempts, "
    "updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (grant_id, lock_id) DO UPDATE "
    "SET revocation = excluded.revocation, detail = excluded.detail, "
    "attempts = excluded.attempts, updated_ms = excluded.updated_ms"};
constexpr Sql kFind{"find guest grant",
                    "SELECT grant_id, site_id, user_name, guest_key, not_before_ms, not_after_ms, issued_ms, "
                    "issued_by, revoked_ms, revoked_by FROM guest_grants WHERE grant_id = ?1"};
constexpr Sql kList{"list guest grants",
                    "SELECT grant_id, site_id, user_name, guest_key, not_before_ms, not_after_ms, issued_ms, "
                    "issued_by, revoked_ms, revoked_by FROM guest_grants WHERE site_id = ?1 "
                    "ORDER BY issued_ms DESC, grant_id LIMIT ?2"};
constexpr Sql kPending{
    "list guest grants with pending revocations",
    "SELECT grant_id, site_id, user_name, guest_key, not_before_ms, not_after_ms, issued_ms, "
    "issued_by, revoked_ms, revoked_by FROM guest_grants WHERE grant_id IN (SELECT grant_id "
    "FROM guest_grant_locks WHERE revocation = 'pending') ORDER BY revoked_ms, grant_id"};
constexpr Sql kLocks{"load guest grant locks",
                     "SELECT lock_id, revocation, detail, attempts, updated_ms FROM guest_grant_locks "
                     "WHERE grant_id = ?1 ORDER BY lock_id"};
constexpr Sql kRevoke{"revoke guest grant",
                      "UPDATE guest_grants SET revoked_ms = ?2, revoked_by = ?3 "
                      "WHERE grant_id = ?1 AND revoked_ms IS NULL"};
constexpr Sql kRevokeLocks{"mark guest grant locks pending",
                           "UPDATE guest_grant_locks SET revocation = 'pending', updated_ms = ?2 "
                           "WHERE grant_id = ?1"};

std::optional<Revocation> parse_revocation(std::string_view s) {
  for (Revocation r :
       {Revocation::none, Revocation::pending, Revocation::revoked, Revocation::failed, Revocation::moot}) {
    if (to_string(r) == s) return r;
  }
  return std::nullopt;
}

StoredGrant read_grant(const Query& q) {
  StoredGrant g;
  g.id = q.text(0);
  g.site = q.text(1);
  g.user = q.text(2);
  g.guest_key = q.text(3);
  g.not_before = from_epoch_ms(q.int64(4));
  g.not_after = from_epoch_ms(q.int64(5));
  g.issued_at = from_epoch_ms(q.int64(6));
  g.issued_by = q.text(7);
  if (!q.is_null(8)) g.revoked_at = from_epoch_ms(q.int64(8));
  if (!q.is_null(9)) g.revoked_by = q.text(9);
  return g;
}

Result<std::vector<StoredGrant>> read_grants(Query& q) {
  std::vector<StoredGrant> out;
  for (;;) {
    auto row = q.next();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(read_grant(q));
  }
}

}  // namespace

std::string_view to_string(Revocation r) noexcept {
  switch (r) {
    case Revocation::none: return "none";
    case Revocation::pending: return "pending";
    case Revocation::revoked: return "revoked";
    case Revocation::failed: return "failed";
    case Revocation::moot: return "moot";
  }
  return "none";
}

Result<std::unique_ptr<GuestGrantStore>> GuestGrantStore::open(const std::string& path, Synchronous sync,
                                                               Timestamp now) {
  auto db = open_connection(path, sync, now);
  if (!db) return db.error();
  return std::unique_ptr<GuestGrantStore>(new GuestGrantStore(std::move(*db)));
}

Result<void> GuestGrantStore::add(const StoredGrant& g) {
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  {
    auto q = db_.query(kAddGrant);
    if (!q) return q.error();
    q->bind(1, g.id)
        .bind(2, g.site)
        .bind(3, g.user)
        .bind(4, g.guest_key)
        .bind(5, to_epoch_ms(g.not_before))
        .bind(6, to_epoch_ms(g.not_after))
        .bind(7, to_epoch_ms(g.issued_at))
        .bind(8, g.issued_by);
    if (auto r = q->finish(); !r) return r;
  }
  for (const GrantLock& l : g.locks) {
    if (auto r = set_lock(g.id, l); !r) return r;
  }
  return tx->commit();
}

Result<void> GuestGrantStore::read_locks(StoredGrant& g) {
  auto q = db_.query(kLocks);
  if (!q) return q.error();
  q->bind(1, g.id);
  for (;;) {
    auto row = q->next();
    if (!row) return row.error();
    if (!*row) return {};
    GrantLock l;
    l.lock = q->text(0);
    const std::string state = q->text(1);
    auto r = parse_revocation(state);
    if (!r) {
      return Error{ErrorCode::corruption,
                   "guest_grant_locks.revocation: unknown value '" + state + "' (grant '" + g.id + "')"};
    }
    l.revocation = *r;
    l.detail = q->text(2);
    l.attempts = static_cast<int>(q->int64(3));
    l.updated_at = from_epoch_ms(q->int64(4));
    g.locks.push_back(std::move(l));
  }
}

Result<std::optional<StoredGrant>> GuestGrantStore::find(const std::string& id) {
  std::optional<StoredGrant> out;
  {
    auto q = db_.query(kFind);
    if (!q) return q.error();
    q->bind(1, id);
    auto row = q->next();
    if (!row) return row.error();
    if (!*row) return out;
    out = read_grant(*q);
  }
  if (auto r = read_locks(*out); !r) return r.error();
  return out;
}

Result<std::vector<StoredGrant>> GuestGrantStore::with_locks(Result<std::vector<StoredGrant>> grants) {
  if (!grants) return grants;
  for (StoredGrant& g : *grants) {
    if (auto r = read_locks(g); !r) return r.error();
  }
  return grants;
}

Result<std::vector<StoredGrant>> GuestGrantStore::list(const SiteId& site, int limit) {
  auto q = db_.query(kList);
  if (!q) return q.error();
  q->bind(1, site).bind(2, static_cast<std::int64_t>(limit));
  return with_locks(read_grants(*q));
}

Result<std::vector<StoredGrant>> GuestGrantStore::pending() {
  auto q = db_.query(kPending);
  if (!q) return q.error();
  return with_locks(read_grants(*q));
}

Result<void> GuestGrantStore::revoke(const std::string& id, const std::string& by, Timestamp at) {
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  auto found = find(id);
  if (!found) return found.error();
  if (!*found) return not_found("guest key '" + id + "' not found");
  if ((*found)->revoked_at) return Error{ErrorCode::conflict, "guest key '" + id + "' is already revoked"};
  {
    auto q = db_.query(kRevoke);
    if (!q) return q.error();
    q->bind(1, id).bind(2, to_epoch_ms(at)).bind(3, by);
    if (auto r = q->finish(); !r) return r;
  }
  {
    auto q = db_.query(kRevokeLocks);
    if (!q) return q.error();
    q->bind(1, id).bind(2, to_epoch_ms(at));
    if (auto r = q->finish(); !r) return r;
  }
  return tx->commit();
}

Result<void> GuestGrantStore::set_lock(const std::string& id, const GrantLock& l) {
  auto q = db_.query(kAddLock);
  if (!q) return q.error();
  q->bind(1, id)
      .bind(2, l.lock)
      .bind(3, to_string(l.revocation))
      .bind(4, l.detail)
      .bind(5, static_cast<std::int64_t>(l.attempts))
      .bind(6, to_epoch_ms(l.updated_at));
  return q->finish();
}

}  // namespace lw::adapters::sqlite
