// AccountStore: the API's accounts, their role grants per site and their
// tokens: the `users`, `user_grants` and `api_tokens` tables (docs/storage.md,
// schema version 7) of the hub's database file.
//
// Passwords are stored only as Argon2id strings (crypto_pwhash_str) and tokens
// only as their BLAKE2b hash; neither secret is ever written here. Every row
// carries a MAC under a key outside the database (RowMac): a row added or
// changed by editing the file (an owner grant, a token, a password hash, an
// un-revoked token) fails its check and is ignored as if absent, and the
// failure is logged. It opens
// its own connection to the file SqliteStore uses (WAL), so the `lockwarden
// user` commands can change accounts while the hub runs: the hub reads
// accounts, grants and tokens on every request and sees changes at once.
//
// Example:
//   auto accounts = AccountStore::open(config.store_path(), Synchronous::full, now, mac);
//   auto id = (*accounts)->add_user("ana", hash, now);
//   (*accounts)->put_grant(*id, {"home", core::access::Role::member});
//
// Threading: not thread-safe; one thread uses it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/sqlite/sqlite_handle.h"
#include "adapters/sqlite/sqlite_store.h"
#include "core/access/policy.h"

namespace lw::adapters::sqlite {

struct Account {
  std::int64_t id{0};
  std::string name;
  std::optional<std::string> password_hash;  ///< Argon2id string; none: cannot sign in with a password
  Timestamp created_at{};
  std::vector<core::access::Grant> grants;  ///< by site
};

/// What kind of token: a browser or script session from POST /auth/login, or
/// a long-lived token issued for the CLI (`<data_dir>/cli-token`, `user token`).
enum class TokenKind { session, cli };

struct TokenRecord {
  std::string hash;  ///< lower-case hex BLAKE2b-256 of the token
  std::int64_t user_id{0};
  TokenKind kind{TokenKind::session};
  Timestamp created_at{};
  std::optional<Timestamp> expires_at;  ///< none: until revoked
  std::optional<Timestamp> revoked_at;
};

class AccountStore {
 public:
  /// The keyed MAC of a row's text (e.g. keyed BLAKE2b, in hex), with a key
  /// kept outside the database (`<data_dir>/accounts.key`).
  using RowMac = std::function<std::string(std::string_view text)>;

  /// Opens the database at `path` and brings its schema up to date. With
  /// `seal_unsealed` (only when the MAC key was just created: a database from
  /// before schema version 9, or a new one) rows without a MAC get one;
  /// otherwise such a row is an edit and is ignored. Errors: as SqliteStore::open.
  static Result<std::unique_ptr<AccountStore>> open(const std::string& path, Synchronous sync, Timestamp now,
                                                    RowMac mac, bool seal_unsealed);

  AccountStore(const AccountStore&) = delete;
  AccountStore& operator=(const AccountStore&) = delete;
  ~AccountStore() = default;

  // Errors for every call: unavailable (disk, lock past the busy timeout),
  // corruption (a stored role this code cannot read), internal.

  /// A new account; its id. conflict: the name is taken.
  Result<std::int64_t> add_user(const std::string& name, const std::optional<std::string>& password_hash,
                                Timestamp now);
  Result<std::optional<Account>> find_user(const std::string& name);
  Result<std::optional<Account>> find_user(std::int64_t id);
  /// Every account, by name.
  Result<std::vector<Account>> users();
  Result<std::int64_t> count_users();
  /// not_found: no such account.
  Result<void> set_password(std::int64_t id, const std::string& password_hash);
  /// Removes the account, its grants and its tokens, all or none. not_found: no such account.
  Result<void> remove_user(std::int64_t id);

  /// Gives `grant`, replacing the account's grant on that site.
  Result<void> put_grant(std::int64_t id, const core::access::Grant& grant);
  /// Takes away the account's grant on `site`; false when it had none.
  Result<bool> remove_grant(std::int64_t id, const std::string& site);

  Result<void> add_token(const TokenRecord& token);
  Result<std::optional<TokenRecord>> find_token(const std::string& hash);
  /// Marks the token revoked at `now`; false when unknown or already revoked.
  Result<bool> revoke_token(const std::string& hash, Timestamp now);
  /// Revokes every live token of the account (of `kind` when given); how many.
  Result<std::int64_t> revoke_tokens_of(std::int64_t user_id, std::optional<TokenKind> kind, Timestamp now);
  /// Deletes tokens that expired or were revoked before `before`; how many.
  Result<std::int64_t> delete_dead_tokens(Timestamp before);

 private:
  AccountStore(Connection db, RowMac mac) noexcept : db_(std::move(db)), mac_(std::move(mac)) {}
  Result<std::optional<Account>> read_account(Query& q);
  Result<std::vector<core::access::Grant>> grants_of(std::int64_t id);
  Result<void> mark_revoked(TokenRecord t, Timestamp now);
  Result<void> seal_unsealed();
  /// Whether `stored` is the MAC of `text`; logs the row kind (never its content) when not.
  bool intact(std::string_view what, const std::string& text, const std::string& stored);

  Connection db_;
  RowMac mac_;
};

}  // namespace lw::adapters::sqlite
