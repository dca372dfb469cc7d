// CodeVault: the hub's keypad codes at rest — the `access_codes` and
// `code_sync` tables (docs/storage.md, "Schema version 6 (access codes)"),
// with the locks' `lock_settings` (schema version 15), of
// the hub's database file, and the key file that seals the PINs.
//
// A PIN is stored only sealed: crypto_secretbox (XSalsa20-Poly1305) under the
// 32-byte key in `<data_dir>/codes.key` (mode 0600, created on first use,
// outside the database), with a fresh random nonce per seal; the row holds
// the nonce and the ciphertext in base64. A copy of the database alone
// reveals no PIN. pin() opens one for as long as the caller needs it (to seal
// it to a lock); nothing here logs a PIN.
//
// The same key file holds, on its second line, the sites' code-key seed:
// site_code_key(site) derives each site's code key from it (BLAKE2b keyed
// with the seed over the site id), so the key a lock is given survives a
// restart without another file.
//
// Threading: not thread-safe; the hub's event loop uses it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_handle.h"
#include "adapters/sqlite/sqlite_store.h"
#include "core/codes/code_sync.h"
#include "core/lock/credentials.h"
#include "protocol/code_crypto.h"

namespace lw::adapters::sqlite {

/// A code as the hub keeps it (without its PIN).
struct StoredCode {
  std::string id;
  SiteId site;
  std::optional<LockId> lock;  ///< absent: every lock of the site
  std::uint16_t user{1};       ///< the lock's user number
  std::string name;            ///< the person, e.g. "Cleaner"
  int slot{1};
  core::CodeSchedule schedule{};
  Timestamp created_at{};
  Timestamp updated_at{};
};

class CodeVault {
 public:
  /// Opens the database at `db_path` (schema brought up to date, stamped
  /// `now`) and loads or creates the key file `key_path`. Errors: as
  /// SqliteStore::open; permission_denied (the key file is readable by
  /// others), corruption (the key file is not a codes key), unavailable.
  static Result<std::unique_ptr<CodeVault>> open(const std::string& db_path, const std::string& key_path,
                                                 Synchronous sync, Timestamp now);

  /// Stores `code` with `pin` sealed (replacing a code of the same id).
  /// Errors: invalid_argument ("pin: must be 4..10 digits"), store errors.
  Result<void> put(const StoredCode& code, std::string_view pin);
  /// Deletes the code and its sealed PIN; its sync rows stay until the locks
  /// confirm the slot empty (remove_sync). Errors: not_found.
  Result<void> remove(const std::string& id);
  Result<std::vector<StoredCode>> list();
  Result<std::optional<StoredCode>> find(const std::string& id);
  /// The code's PIN, opened. Errors: not_found, corruption (it does not open
  /// under this key file's key: the database was copied to another hub or altered).
  Result<std::string> pin(const std::string& id);
  /// The code key of `site` (stable across restarts).
  [[nodiscard]] protocol::CodeKey site_code_key(const SiteId& site) const;

  /// Saves one code-per-lock sync state (upsert).
  Result<void> save_sync(const core::SyncEntry& entry);
  Result<std::vector<core::SyncEntry>> load_sync();
  /// Forgets one code-per-lock sync state (the lock confirmed the slot empty).
  Result<void> remove_sync(const std::string& code_id, const core::LockAddress& lock);

  /// Saves what the hub keeps of one lock's settings (upsert).
  Result<void> save_settings(const core::SettingsEntry& entry);
  /// Errors: corruption naming the column of a row out of range.
  Result<std::vector<core::SettingsEntry>> load_settings();

 private:
  CodeVault(Connection db, const protocol::AtRestKey& key, const protocol::CodeKey& seed) noexcept
      : db_(std::move(db)), key_(key), seed_(seed) {}
  Connection db_;
  protocol::AtRestKey key_;
  protocol::CodeKey seed_;
};

}  // namespace lw::adapters::sqlite
