#include "adapters/sqlite/account_store.h"

#include <spdlog/spdlog.h>

#include <tuple>
#include <utility>

#include "adapters/sqlite/schema.h"

namespace lw::adapters::sqlite {
namespace {

using core::access::Grant;
using core::access::Role;

constexpr Sql kJournalMode{"enable WAL", "PRAGMA journal_mode=WAL"};
constexpr Sql kAddUser{"add user",
                       "INSERT INTO users (name, password_hash, created_at_ms) VALUES (?1, ?2, ?3)"};
constexpr Sql kSetUserMac{"seal user", "UPDATE users SET mac = ?2 WHERE id = ?1"};
constexpr Sql kLastId{"last user id", "SELECT last_insert_rowid()"};
constexpr Sql kFindByName{"find user",
                          "SELECT id, name, password_hash, created_at_ms, mac FROM users WHERE name = ?1"};
constexpr Sql kFindById{"find user by id",
                        "SELECT id, name, password_hash, created_at_ms, mac FROM users WHERE id = ?1"};
constexpr Sql kAllUsers{"list users",
                        "SELECT id, name, password_hash, created_at_ms, mac FROM users ORDER BY name"};
constexpr Sql kCountUsers{"count users", "SELECT count(*) FROM users"};
constexpr Sql kSetPassword{"set password", "UPDATE users SET password_hash = ?2, mac = ?3 WHERE id = ?1"};
constexpr Sql kRemoveUser{"remove user", "DELETE FROM users WHERE id = ?1"};
constexpr Sql kRemoveUserGrants{"remove user grants", "DELETE FROM user_grants WHERE user_id = ?1"};
constexpr Sql kRemoveUserTokens{"remove user tokens", "DELETE FROM api_tokens WHERE user_id = ?1"};
constexpr Sql kGrantsOf{"read grants",
                        "SELECT site, role, mac FROM user_grants WHERE user_id = ?1 ORDER BY site"};
constexpr Sql kPutGrant{"put grant",
                        "INSERT INTO user_grants (user_id, site, role, mac) VALUES (?1, ?2, ?3, ?4) "
                        "ON CONFLICT (user_id, site) DO UPDATE SET role = excluded.role, mac = excluded.mac"};
constexpr Sql kRemoveGrant{"remove grant", "DELETE FROM user_grants WHERE user_id = ?1 AND site = ?2"};
constexpr Sql kChanges{"count changes", "SELECT changes()"};
constexpr Sql kAddToken{
    "add token",
    "INSERT INTO api_tokens (hash, user_id, kind, created_at_ms, expires_at_ms, revoked_at_ms, mac) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"};
constexpr Sql kFindToken{
    "find token",
    "SELECT hash, user_id, kind, created_at_ms, expires_at_ms, revoked_at_ms, mac FROM api_tokens "
    "WHERE hash = ?1"};
constexpr Sql kLiveTokensOf{
    "live tokens of user",
    "SELECT hash, user_id, kind, created_at_ms, expires_at_ms, revoked_at_ms, mac FROM api_tokens "
    "WHERE user_id = ?1 AND revoked_at_ms IS NULL AND (?2 IS NULL OR kind = ?2)"};
constexpr Sql kSetRevoked{"revoke token",
                          "UPDATE api_tokens SET revoked_at_ms = ?2, mac = ?3 WHERE hash = ?1"};
constexpr Sql kUnsealedUsers{"unsealed users",
                             "SELECT id, name, password_hash, created_at_ms FROM users WHERE mac = ''"};
constexpr Sql kUnsealedGrants{"unsealed grants",
                              "SELECT user_id, site, role FROM user_grants WHERE mac = ''"};
constexpr Sql kSealGrant{"seal grant", "UPDATE user_grants SET mac = ?3 WHERE user_id = ?1 AND site = ?2"};
constexpr Sql kUnsealedTokens{
    "unsealed tokens",
    "SELECT hash, user_id, kind, created_at_ms, expires_at_ms, revoked_at_ms FROM api_tokens WHERE mac = ''"};
constexpr Sql kSealToken{"seal token", "UPDATE api_tokens SET mac = ?2 WHERE hash = ?1"};
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

std::string opt_ms(const std::optional<Timestamp>& t) { return t ? std::to_string(to_epoch_ms(*t)) : "-"; }

// What each row's MAC covers: every column but the MAC, under the table's name.
std::string user_text(std::int64_t id, const std::string& name, const std::optional<std::string>& hash,
                      Timestamp created) {
  return "users\n" + std::to_string(id) + "\n" + name + "\n" + (hash ? "1" + *hash : "0") + "\n" +
         std::to_string(to_epoch_ms(created));
}
std::string grant_text(std::int64_t user_id, const std::string& site, std::string_view role) {
  return "user_grants\n" + std::to_string(user_id) + "\n" + site + "\n" + std::string(role);
}
std::string token_text(const TokenRecord& t) {
  return "api_tokens\n" + t.hash + "\n" + std::to_string(t.user_id) + "\n" + std::string(kind_name(t.kind)) +
         "\n" + std::to_string(to_epoch_ms(t.created_at)) + "\n" + opt_ms(t.expires_at) + "\n" +
         opt_ms(t.revoked_at);
}

/// Reads a token row (columns hash, user_id, kind, created, expires, revoked).
Result<TokenRecord> token_row(const Query& q) {
  TokenRecord t;
  t.hash = q.text(0);
  t.user_id = q.int64(1);
  const std::string kind = q.text(2);
  if (kind != "cli" && kind != "session") {
    return Error{ErrorCode::corruption, "api_tokens.kind: unknown value '" + kind + "'"};
  }
  t.kind = kind == "cli" ? TokenKind::cli : TokenKind::session;
  t.created_at = from_epoch_ms(q.int64(3));
  t.expires_at = optional_time(q, 4);
  t.revoked_at = optional_time(q, 5);
  return t;
}

}  // namespace

Result<std::unique_ptr<AccountStore>> AccountStore::open(const std::string& path, Synchronous sync,
                                                         Timestamp now, RowMac mac, bool seal_unsealed) {
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
  std::unique_ptr<AccountStore> store(new AccountStore(std::move(*db), std::move(mac)));
  if (seal_unsealed) {
    if (auto r = store->seal_unsealed(); !r) return about_file(path, std::move(r).error());
  }
  return store;
}

Result<void> AccountStore::seal_unsealed() {
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  std::vector<std::pair<std::int64_t, std::string>> users;
  {
    auto q = db_.query(kUnsealedUsers);
    if (!q) return q.error();
    for (;;) {
      auto row = q->next();
      if (!row) return row.error();
      if (!*row) break;
      std::optional<std::string> hash;
      if (!q->is_null(2)) hash = q->text(2);
      users.emplace_back(q->int64(0),
                         mac_(user_text(q->int64(0), q->text(1), hash, from_epoch_ms(q->int64(3)))));
    }
  }
  for (const auto& [id, m] : users) {
    auto q = db_.query(kSetUserMac);
    if (!q) return q.error();
    if (auto r = q->bind(1, id).bind(2, m).finish(); !r) return r;
  }
  std::vector<std::tuple<std::int64_t, std::string, std::string>> grants;
  {
    auto q = db_.query(kUnsealedGrants);
    if (!q) return q.error();
    for (;;) {
      auto row = q->next();
      if (!row) return row.error();
      if (!*row) break;
      grants.emplace_back(q->int64(0), q->text(1), mac_(grant_text(q->int64(0), q->text(1), q->text(2))));
    }
  }
  for (const auto& [id, site, m] : grants) {
    auto q = db_.query(kSealGrant);
    if (!q) return q.error();
    if (auto r = q->bind(1, id).bind(2, site).bind(3, m).finish(); !r) return r;
  }
  std::vector<std::pair<std::string, std::string>> tokens;
  {
    auto q = db_.query(kUnsealedTokens);
    if (!q) return q.error();
    for (;;) {
      auto row = q->next();
      if (!row) return row.error();
      if (!*row) break;
      auto t = token_row(*q);
      if (!t) return t.error();
      tokens.emplace_back(t->hash, mac_(token_text(*t)));
    }
  }
  for (const auto& [hash, m] : tokens) {
    auto q = db_.query(kSealToken);
    if (!q) return q.error();
    if (auto r = q->bind(1, hash).bind(2, m).finish(); !r) return r;
  }
  return tx->commit();
}

bool AccountStore::intact(std::string_view what, const std::string& text, const std::string& stored) {
  if (!stored.empty() && mac_(text) == stored) return true;
  spdlog::error(
      "account store: a {} row fails its integrity check and is ignored (changed outside lockwarden?)", what);
  return false;
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
  {
    auto q = db_.query(kSetUserMac);
    if (!q) return q.error();
    if (auto r = q->bind(1, id).bind(2, mac_(user_text(id, name, password_hash, now))).finish(); !r)
      return r.error();
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
  if (!intact("users", user_text(a.id, a.name, a.password_hash, a.created_at), q.text(4))) {
    a.id = 0;  // the caller skips it
  }
  return std::optional<Account>{std::move(a)};
}

Result<std::vector<Grant>> AccountStore::grants_of(std::int64_t id) {
  auto q = db_.query(kGrantsOf);
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
    if (!intact("user_grants", grant_text(id, q->text(0), role_text), q->text(2))) continue;
    out.push_back({q->text(0), *role});
  }
  return out;
}

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
  if (account && account->id == 0) account.reset();  // failed its integrity check
  if (!account) return account;
  auto grants = grants_of(account->id);
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
  if (account && account->id == 0) account.reset();  // failed its integrity check
  if (!account) return account;
  auto grants = grants_of(account->id);
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
      if ((*a)->id != 0) out.push_back(std::move(**a));
    }
  }
  for (Account& a : out) {
    auto grants = grants_of(a.id);
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
  auto account = find_user(id);
  if (!account) return account.error();
  if (!*account) return not_found("user " + std::to_string(id) + " not found");
  auto q = db_.query(kSetPassword);
  if (!q) return q.error();
  q->bind(1, id)
      .bind(2, password_hash)
      .bind(3, mac_(user_text(id, (*account)->name, password_hash, (*account)->created_at)));
  return q->finish();
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
  const std::string_view role = core::access::to_string(grant.role);
  q->bind(1, id).bind(2, grant.site).bind(3, role).bind(4, mac_(grant_text(id, grant.site, role)));
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
      .bind(6, t.revoked_at ? std::optional<std::int64_t>{to_epoch_ms(*t.revoked_at)} : std::nullopt)
      .bind(7, mac_(token_text(t)));
  return q->finish();
}

Result<std::optional<TokenRecord>> AccountStore::find_token(const std::string& hash) {
  auto q = db_.query(kFindToken);
  if (!q) return q.error();
  q->bind(1, hash);
  auto row = q->next();
  if (!row) return row.error();
  if (!*row) return std::optional<TokenRecord>{};
  auto t = token_row(*q);
  if (!t) return t.error();
  if (!intact("api_tokens", token_text(*t), q->text(6))) return std::optional<TokenRecord>{};
  return std::optional<TokenRecord>{std::move(*t)};
}

Result<void> AccountStore::mark_revoked(TokenRecord t, Timestamp now) {
  t.revoked_at = now;
  auto q = db_.query(kSetRevoked);
  if (!q) return q.error();
  return q->bind(1, t.hash).bind(2, to_epoch_ms(now)).bind(3, mac_(token_text(t))).finish();
}

Result<bool> AccountStore::revoke_token(const std::string& hash, Timestamp now) {
  auto t = find_token(hash);
  if (!t) return t.error();
  if (!*t || (*t)->revoked_at) return false;
  if (auto r = mark_revoked(**t, now); !r) return r.error();
  return true;
}

Result<std::int64_t> AccountStore::revoke_tokens_of(std::int64_t user_id, std::optional<TokenKind> kind,
                                                    Timestamp now) {
  std::vector<TokenRecord> live;
  {
    auto q = db_.query(kLiveTokensOf);
    if (!q) return q.error();
    q->bind(1, user_id);
    if (kind) {
      q->bind(2, kind_name(*kind));
    } else {
      q->bind_null(2);
    }
    for (;;) {
      auto row = q->next();
      if (!row) return row.error();
      if (!*row) break;
      auto t = token_row(*q);
      if (!t) return t.error();
      live.push_back(std::move(*t));
    }
  }
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  for (const TokenRecord& t : live) {
    if (auto r = mark_revoked(t, now); !r) return r.error();
  }
  if (auto r = tx->commit(); !r) return r.error();
  return static_cast<std::int64_t>(live.size());
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
