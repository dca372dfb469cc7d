#include "adapters/sqlite/account_store.h"

#include <utility>

#include "adapters/sqlite/schema.h"

namespace lw::adapters::sqlite {
namespace {

using core::access::Grant;
using core::access::Role;

constexpr Sql kJournalMode{"enable WAL", "PRAGMA journal_mode=WAL"};
constexpr Sql kAddUser{"add user",
                       "INSERT INTO users (name, password_hash, created_at_ms) VALUES (?1, ?2, ?3)"};
constexpr Sql kLastId{"last user id", "SELECT last_insert_rowid()"};
constexpr Sql kFindByName{"find user",
                          "SELECT id, name, password_hash, created_at_ms FROM users WHERE name = ?1"};
constexpr Sql kFindById{"find user by id",
                        "SELECT id, name, password_hash, created_at_ms FROM users WHERE id = ?1"};
constexpr Sql kAllUsers{"list users",
                        "SELECT id, name, password_hash, created_at_ms FROM users ORDER BY name"};
constexpr Sql kCountUsers{"count users", "SELECT count(*) FROM users"};
constexpr Sql kSetPassword{"set password", "UPDATE users SET password_hash = ?2 WHERE id = ?1"};
constexpr Sql kRemoveUser{"remove user", "DELETE FROM users WHERE id = ?1"};
constexpr Sql kRemoveUserGrants{"remove user grants", "DELETE FROM user_grants WHERE user_id = ?1"};
constexpr Sql kRemoveUserTokens{"remove user tokens", "DELETE FROM api_tokens WHERE user_id = ?1"};
constexpr Sql kGrantsOf{"read grants", "SELECT site, role FROM user_grants WHERE user_id = ?1 ORDER BY site"};
constexpr Sql kPutGrant{"put grant",
                        "INSERT INTO user_grants (user_id, site, role) VALUES (?1, ?2, ?3) "
                        "ON CONFLICT (user_id, site) DO UPDATE SET role = excluded.role"};
constexpr Sql kRemoveGrant{"remove grant", "DELETE FROM user_grants WHERE user_id = ?1 AND site = ?2"};
constexpr Sql kChanges{"count changes", "SELECT changes()"};
constexpr Sql kAddToken{
    "add token",
    "INSERT INTO api_tokens (hash, user_id, kind, created_at_ms, expires_at_ms, revoked_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"};
constexpr Sql kFindToken{
    "find token",
    "SELECT hash, user_id, kind, created_at_ms, expires_at_ms, revoked_at_ms FROM api_tokens "
    "WHERE hash = ?1"};
constexpr Sql kRevokeToken{
    "revoke token", "UPDATE api_tokens SET revoked_at_ms = ?2 WHERE hash = ?1 AND revoked_at_ms IS NULL"};
constexpr Sql kRevokeTokensOf{
    "revoke tokens of user",
    "UPDATE api_tokens SET revoked_at_ms = ?2 WHERE user_id = ?1 AND revoked_at_ms IS NULL "
    "AND (?3 IS NULL OR kind = ?3)"};
constexpr Sql kDeleteDeadTokens{"delete dead tokens",
                                "DELETE FROM api_tokens WHERE revoked_at_ms < ?1 OR expires_at_ms < ?1"};

Error about_file(const std::string& path, Error e) {
  e.message = "'" + path + "': " + e.message;
  return e;
}

std::string_view kind_name(TokenKind k) { return k == TokenKind::cli ? "cli" : "session"; }

Result<std::int64_t> changes(Connection& db) {
  auto q = db.query(kChanges);
  if (!q) return q.error();
  auto row = q->next();
  if (!row) return row.error();
  return *row ? q->int64(0) : 0;
}

std::optional<Timestamp> optional_time(const Query& q, int column) {
  if (q.is_null(column)) return std::nullopt;
  return from_epoch_ms(q.int64(column));
}

}  // namespace

Result<std::unique_ptr<AccountStore>> AccountStore::open(const std::string& path, Synchronous sync,
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
  return std::unique_ptr<AccountStore>(new AccountStore(std::move(*db)));
}

Result<std::int64_t> AccountStore::add_user(const std::string& name,
                                            const std::optional<std::string>& password_hash, Timestamp now) {
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  {
    auto q = db_.query(kAddUser);
    if (!q) return q.error();
    q->bind(1, name).bind(2, password_hash).bind(3, to_epoch_ms(now));
    if (auto r = q->finish(); !r) {
      if (r.error().code == ErrorCode::conflict)
        return Error{ErrorCode::conflict, "user '" + name + "' exists"};
      return r.error();
    }
  }
  std::int64_t id = 0;
  {
    auto q = db_.query(kLastId);
    if (!q) return q.error();
    auto row = q->next();
    if (!row) return row.error();
    id = q->int64(0);
  }
  if (auto r = tx->commit(); !r) return r.error();
  return id;
}

Result<std::optional<Account>> AccountStore::read_account(Query& q) {
  auto row = q.next();
  if (!row) return row.error();
  if (!*row) return std::optional<Account>{};
  Account a;
  a.id = q.int64(0);
  a.name = q.text(1);
  if (!q.is_null(2)) a.password_hash = q.text(2);
  a.created_at = from_epoch_ms(q.int64(3));
  return std::optional<Account>{std::move(a)};
}

namespace {
Result<std::vector<Grant>> grants_of(Connection& db, std::int64_t id) {
  auto q = db.query(kGrantsOf);
  if (!q) return q.error();
  q->bind(1, id);
  std::vector<Grant> out;
  for (;;) {
    auto row = q->next();
    if (!row) return row.error();
    if (!*row) break;
    const std::string role_text = q->text(1);
    auto role = core::access::parse_role(role_text);
    if (!role) {
      return Error{ErrorCode::corruption,
                   "user_grants.role: unknown value '" + role_text + "' (user " + std::to_string(id) + ")"};
    }
    out.push_back({q->text(0), *role});
  }
  return out;
}
}  // namespace

Result<std::optional<Account>> AccountStore::find_user(const std::string& name) {
  std::optional<Account> account;
  {
    auto q = db_.query(kFindByName);
    if (!q) return q.error();
    q->bind(1, name);
    auto a = read_account(*q);
    if (!a) return a.error();
    account = std::move(*a);
  }
  if (!account) return account;
  auto grants = grants_of(db_, account->id);
  if (!grants) return grants.error();
  account->grants = std::move(*grants);
  return account;
}

Result<std::optional<Account>> AccountStore::find_user(std::int64_t id) {
  std::optional<Account> account;
  {
    auto q = db_.query(kFindById);
    if (!q) return q.error();
    q->bind(1, id);
    auto a = read_account(*q);
    if (!a) return a.error();
    account = std::move(*a);
  }
  if (!account) return account;
  auto grants = grants_of(db_, account->id);
  if (!grants) return grants.error();
  account->grants = std::move(*grants);
  return account;
}

Result<std::vector<Account>> AccountStore::users() {
  std::vector<Account> out;
  {
    auto q = db_.query(kAllUsers);
    if (!q) return q.error();
    for (;;) {
      auto a = read_account(*q);
      if (!a) return a.error();
      if (!*a) break;
      out.push_back(std::move(**a));
    }
  }
  for (Account& a : out) {
    auto grants = grants_of(db_, a.id);
    if (!grants) return grants.error();
    a.grants = std::move(*grants);
  }
  return out;
}

Result<std::int64_t> AccountStore::count_users() {
  auto q = db_.query(kCountUsers);
  if (!q) return q.error();
  auto row = q->next();
  if (!row) return row.error();
  return q->int64(0);
}

Result<void> AccountStore::set_password(std::int64_t id, const std::string& password_hash) {
  {
    auto q = db_.query(kSetPassword);
    if (!q) return q.error();
    q->bind(1, id).bind(2, password_hash);
    if (auto r = q->finish(); !r) return r;
  }
  auto n = changes(db_);
  if (!n) return n.error();
  if (*n == 0) return not_found("user " + std::to_string(id) + " not found");
  return ok();
}

Result<void> AccountStore::remove_user(std::int64_t id) {
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  for (const Sql* sql : {&kRemoveUserGrants, &kRemoveUserTokens, &kRemoveUser}) {
    auto q = db_.query(*sql);
    if (!q) return q.error();
    q->bind(1, id);
    if (auto r = q->finish(); !r) return r;
  }
  auto n = changes(db_);
  if (!n) return n.error();
  if (*n == 0) return not_found("user " + std::to_string(id) + " not found");
  return tx->commit();
}

Result<void> AccountStore::put_grant(std::int64_t id, const Grant& grant) {
  auto q = db_.query(kPutGrant);
  if (!q) return q.error();
  q->bind(1, id).bind(2, grant.site).bind(3, core::access::to_string(grant.role));
  return q->finish();
}

Result<bool> AccountStore::remove_grant(std::int64_t id, const std::string& site) {
  {
    auto q = db_.query(kRemoveGrant);
    if (!q) return q.error();
    q->bind(1, id).bind(2, site);
    if (auto r = q->finish(); !r) return r.error();
  }
  auto n = changes(db_);
  if (!n) return n.error();
  return *n > 0;
}

Result<void> AccountStore::add_token(const TokenRecord& t) {
  auto q = db_.query(kAddToken);
  if (!q) return q.error();
  q->bind(1, t.hash)
      .bind(2, t.user_id)
      .bind(3, kind_name(t.kind))
      .bind(4, to_epoch_ms(t.created_at))
      .bind(5, t.expires_at ? std::optional<std::int64_t>{to_epoch_ms(*t.expires_at)} : std::nullopt)
      .bind(6, t.revoked_at ? std::optional<std::int64_t>{to_epoch_ms(*t.revoked_at)} : std::nullopt);
  return q->finish();
}

Result<std::optional<TokenRecord>> AccountStore::find_token(const std::string& hash) {
  auto q = db_.query(kFindToken);
  if (!q) return q.error();
  q->bind(1, hash);
  auto row = q->next();
  if (!row) return row.error();
  if (!*row) return std::optional<TokenRecord>{};
  TokenRecord t;
  t.hash = q->text(0);
  t.user_id = q->int64(1);
  const std::string kind = q->text(2);
  if (kind != "cli" && kind != "session") {
    return Error{ErrorCode::corruption, "api_tokens.kind: unknown value '" + kind + "'"};
  }
  t.kind = kind == "cli" ? TokenKind::cli : TokenKind::session;
  t.created_at = from_epoch_ms(q->int64(3));
  t.expires_at = optional_time(*q, 4);
  t.revoked_at = optional_time(*q, 5);
  return std::optional<TokenRecord>{std::move(t)};
}

Result<bool> AccountStore::revoke_token(const std::string& hash, Timestamp now) {
  {
    auto q = db_.query(kRevokeToken);
    if (!q) return q.error();
    q->bind(1, hash).bind(2, to_epoch_ms(now));
    if (auto r = q->finish(); !r) return r.error();
  }
  auto n = changes(db_);
  if (!n) return n.error();
  return *n > 0;
}

Result<std::int64_t> AccountStore::revoke_tokens_of(std::int64_t user_id, std::optional<TokenKind> kind,
                                                    Timestamp now) {
  {
    auto q = db_.query(kRevokeTokensOf);
    if (!q) return q.error();
    q->bind(1, user_id).bind(2, to_epoch_ms(now));
    if (kind) {
      q->bind(3, kind_name(*kind));
    } else {
      q->bind_null(3);
    }
    if (auto r = q->finish(); !r) return r.error();
  }
  return changes(db_);
}

Result<std::int64_t> AccountStore::delete_dead_tokens(Timestamp before) {
  {
    auto q = db_.query(kDeleteDeadTokens);
    if (!q) return q.error();
    q->bind(1, to_epoch_ms(before));
    if (auto r = q->finish(); !r) return r.error();
  }
  return changes(db_);
}

}  // namespace lw::adapters::sqlite
