#include "adapters/sqlite/code_vault.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <utility>

#include "adapters/system/key_file.h"

namespace lw::adapters::sqlite {
namespace {

constexpr Sql kPutCode{
    "store access code",
    "INSERT INTO access_codes (id, site_id, lock_id, user_id, user_name, slot, schedule_type, from_ms, "
    "to_ms, "
    "days, start_min, end_min, utc_offset_min, pin_nonce, pin_sealed, created_at_ms, updated_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) "
    "ON CONFLICT (id) DO UPDATE SET site_id = excluded.site_id, lock_id = excluded.lock_id, "
    "user_id = excluded.user_id, user_name = excluded.user_name, slot = excluded.slot, "
    "schedule_type = excluded.schedule_type, from_ms = excluded.from_ms, to_ms = excluded.to_ms, "
    "days = excluded.days, start_min = excluded.start_min, end_min = excluded.end_min, "
    "utc_offset_min = excluded.utc_offset_min, pin_nonce = excluded.pin_nonce, "
    "pin_sealed = excluded.pin_sealed, updated_at_ms = excluded.updated_at_ms"};
constexpr Sql kListCodes{
    "list access codes",
    "SELECT id, site_id, lock_id, user_id, user_name, slot, schedule_type, from_ms, to_ms, "
    "days, start_min, end_min, utc_offset_min, created_at_ms, updated_at_ms "
    "FROM access_codes ORDER BY site_id, id"};
constexpr Sql kFindCode{
    "find access code",
    "SELECT id, site_id, lock_id, user_id, user_name, slot, schedule_type, from_ms, to_ms, "
    "days, start_min, end_min, utc_offset_min, created_at_ms, updated_at_ms "
    "FROM access_codes WHERE id = ?1"};
constexpr Sql kFindPin{"read sealed PIN", "SELECT pin_nonce, pin_sealed FROM access_codes WHERE id = ?1"};
constexpr Sql kDeleteCode{"delete access code", "DELETE FROM access_codes WHERE id = ?1"};
constexpr Sql kDeleteSync{"delete code sync state",
                          "DELETE FROM code_sync WHERE code_id = ?1 AND site_id = ?2 AND lock_id = ?3"};
constexpr Sql kChanges{"count deleted access codes", "SELECT changes()"};
constexpr Sql kSaveSync{
    "save code sync state",
    "INSERT INTO code_sync (code_id, site_id, lock_id, slot, user_id, schedule_type, from_ms, to_ms, days, "
    "start_min, end_min, utc_offset_min, expected_digest, state, attempts, since_ms, reason, updated_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) "
    "ON CONFLICT (code_id, site_id, lock_id) DO UPDATE SET slot = excluded.slot, user_id = excluded.user_id, "
    "schedule_type = excluded.schedule_type, from_ms = excluded.from_ms, to_ms = excluded.to_ms, "
    "days = excluded.days, start_min = excluded.start_min, end_min = excluded.end_min, "
    "utc_offset_min = excluded.utc_offset_min, expected_digest = excluded.expected_digest, "
    "state = excluded.state, attempts = excluded.attempts, since_ms = excluded.since_ms, "
    "reason = excluded.reason, updated_at_ms = excluded.updated_at_ms"};
constexpr Sql kLoadSync{
    "load code sync states",
    "SELECT code_id, site_id, lock_id, slot, user_id, schedule_type, from_ms, to_ms, days, "
    "start_min, end_min, utc_offset_min, expected_digest, state, attempts, since_ms, reason, "
    "updated_at_ms FROM code_sync ORDER BY site_id, lock_id, code_id"};

constexpr Sql kSaveSettings{
    "save lock settings",
    "INSERT INTO lock_settings (site_id, lock_id, wrong_code_entry_limit, user_code_temporary_disable_s, "
    "auto_relock_s, sound_volume, from_hub, state, attempts, since_ms, reason, updated_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) "
    "ON CONFLICT (site_id, lock_id) DO UPDATE SET wrong_code_entry_limit = excluded.wrong_code_entry_limit, "
    "user_code_temporary_disable_s = excluded.user_code_temporary_disable_s, "
    "auto_relock_s = excluded.auto_relock_s, sound_volume = excluded.sound_volume, from_hub = "
    "excluded.from_hub, "
    "state = excluded.state, attempts = excluded.attempts, since_ms = excluded.since_ms, "
    "reason = excluded.reason, updated_at_ms = excluded.updated_at_ms"};
constexpr Sql kLoadSettings{
    "load lock settings",
    "SELECT site_id, lock_id, wrong_code_entry_limit, user_code_temporary_disable_s, auto_relock_s, "
    "sound_volume, from_hub, state, attempts, since_ms, reason, updated_at_ms FROM lock_settings "
    "ORDER BY site_id, lock_id"};

Error corrupt(std::string_view table, std::string_view column, const std::string& why,
              const std::string& id) {
  return Error{ErrorCode::corruption,
               std::string(table) + "." + std::string(column) + ": " + why + " (code '" + id + "')"};
}

/// Binds a schedule to 7 parameters from `first` on.
void bind_schedule(Query& q, int first, const core::CodeSchedule& s) {
  q.bind(first, core::to_string(s.kind))
      .bind(first + 1, to_epoch_ms(s.from))
      .bind(first + 2, to_epoch_ms(s.to))
      .bind(first + 3, std::int64_t{s.days})
      .bind(first + 4, std::int64_t{s.start_min})
      .bind(first + 5, std::int64_t{s.end_min})
      .bind(first + 6, std::int64_t{s.utc_offset_min});
}

Result<core::CodeSchedule> read_schedule(const Query& q, int first, std::string_view table,
                                         const std::string& id) {
  core::CodeSchedule s;
  const std::string type = q.text(first);
  auto kind = core::parse_code_schedule_kind(type);
  if (!kind) return corrupt(table, "schedule_type", "unknown value '" + type + "'", id);
  s.kind = *kind;
  s.from = from_epoch_ms(q.int64(first + 1));
  s.to = from_epoch_ms(q.int64(first + 2));
  const std::int64_t days = q.int64(first + 3);
  const std::int64_t start = q.int64(first + 4);
  const std::int64_t end = q.int64(first + 5);
  const std::int64_t offset = q.int64(first + 6);
  if (days < 0 || days > core::kAllDays || start < 0 || start > 1440 || end < 0 || end > 1440 ||
      offset < -840 || offset > 840) {
    return corrupt(table, "schedule", "out of range", id);
  }
  s.days = static_cast<std::uint8_t>(days);
  s.start_min = static_cast<int>(start);
  s.end_min = static_cast<int>(end);
  s.utc_offset_min = static_cast<int>(offset);
  if (auto valid = core::validate(s, std::string(table) + ".schedule"); !valid) {
    return corrupt(table, "schedule", valid.error().message, id);
  }
  return s;
}

Result<StoredCode> read_code(const Query& q) {
  StoredCode c;
  c.id = q.text(0);
  c.site = q.text(1);
  if (!q.is_null(2)) c.lock = q.text(2);
  const std::int64_t user = q.int64(3);
  if (user < 1 || user > 65535) return corrupt("access_codes", "user_id", "out of range", c.id);
  c.user = static_cast<std::uint16_t>(user);
  c.name = q.text(4);
  const std::int64_t slot = q.int64(5);
  if (slot < 1 || slot > core::kMaxCodeSlots) return corrupt("access_codes", "slot", "out of range", c.id);
  c.slot = static_cast<int>(slot);
  auto schedule = read_schedule(q, 6, "access_codes", c.id);
  if (!schedule) return schedule.error();
  c.schedule = *schedule;
  c.created_at = from_epoch_ms(q.int64(13));
  c.updated_at = from_epoch_ms(q.int64(14));
  return c;
}

/// The key file: line 1 the secretbox key, line 2 the site code-key seed, base64.
Result<std::pair<protocol::AtRestKey, protocol::CodeKey>> load_keys(const std::string& path) {
  protocol::AtRestKey key;
  protocol::CodeKey seed;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return not_found(path + ": missing");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Error{ErrorCode::permission_denied, path + ": readable by others; run chmod 600 " + path};
  }
  std::ifstream in(path);
  std::string first;
  std::string second;
  if (!in || !std::getline(in, first) || !std::getline(in, second)) {
    return Error{ErrorCode::corruption, path + ": not a codes key file"};
  }
  const bool good = protocol::decode_secret(first, key.bytes.data(), key.bytes.size(), "codes.key") &&
                    protocol::decode_secret(second, seed.bytes.data(), seed.bytes.size(), "codes.key");
  protocol::wipe(first);
  protocol::wipe(second);
  if (!good) return Error{ErrorCode::corruption, path + ": not a codes key file"};
  return std::pair{key, seed};
}

Result<std::pair<protocol::AtRestKey, protocol::CodeKey>> load_or_create_keys(const std::string& path) {
  auto loaded = load_keys(path);
  if (loaded || loaded.error().code != ErrorCode::not_found) return loaded;
  protocol::AtRestKey key = protocol::generate_at_rest_key();
  protocol::CodeKey seed = protocol::generate_code_key();
  std::string content = protocol::encode_secret(key.bytes.data(), key.bytes.size()) + "\n" +
                        protocol::encode_secret(seed.bytes.data(), seed.bytes.size()) + "\n";
  auto won = adapters::create_file_once(path, content, 0600);
  protocol::wipe(content);
  if (!won) return won.error();
  if (!*won) return load_keys(path);  // another process created it first: its keys stand
  return std::pair{key, seed};
}

}  // namespace

Result<std::unique_ptr<CodeVault>> CodeVault::open(const std::string& db_path, const std::string& key_path,
                                                   Synchronous sync, Timestamp now) {
  auto keys = load_or_create_keys(key_path);
  if (!keys) return keys.error();
  auto db = open_connection(db_path, sync, now);
  if (!db) return db.error();
  return std::unique_ptr<CodeVault>(new CodeVault(std::move(*db), keys->first, keys->second));
}

Result<void> CodeVault::put(const StoredCode& code, std::string_view pin) {
  if (!core::valid_pin(pin)) return invalid_argument("pin", "must be 4..10 digits");
  const protocol::SealedAtRest sealed = protocol::seal_at_rest(pin, key_);
  auto q = db_.query(kPutCode);
  if (!q) return q.error();
  q->bind(1, code.id)
      .bind(2, code.site)
      .bind(3, code.lock)
      .bind(4, std::int64_t{code.user})
      .bind(5, code.name);
  q->bind(6, std::int64_t{code.slot});
  bind_schedule(*q, 7, code.schedule);
  q->bind(14, protocol::encode_secret(reinterpret_cast<const unsigned char*>(sealed.nonce.data()),
                                      sealed.nonce.size()))
      .bind(15, protocol::encode_secret(reinterpret_cast<const unsigned char*>(sealed.ciphertext.data()),
                                        sealed.ciphertext.size()))
      .bind(16, to_epoch_ms(code.created_at))
      .bind(17, to_epoch_ms(code.updated_at));
  return q->finish();
}

Result<void> CodeVault::remove(const std::string& id) {
  auto tx = Transaction::begin(db_);
  if (!tx) return tx.error();
  {
    auto q = db_.query(kDeleteCode);
    if (!q) return q.error();
    if (auto r = q->bind(1, id).finish(); !r) return r;
  }
  {
    auto q = db_.query(kChanges);
    if (!q) return q.error();
    auto row = q->next();
    if (!row) return row.error();
    if (!*row || q->int64(0) == 0) return not_found("access code '" + id + "' does not exist");
  }
  return tx->commit();
}

Result<std::vector<StoredCode>> CodeVault::list() {
  auto q = db_.query(kListCodes);
  if (!q) return q.error();
  std::vector<StoredCode> out;
  while (true) {
    auto row = q->next();
    if (!row) return row.error();
    if (!*row) break;
    auto code = read_code(*q);
    if (!code) return code.error();
    out.push_back(std::move(*code));
  }
  return out;
}

Result<std::optional<StoredCode>> CodeVault::find(const std::string& id) {
  auto q = db_.query(kFindCode);
  if (!q) return q.error();
  q->bind(1, id);
  auto row = q->next();
  if (!row) return row.error();
  if (!*row) return std::optional<StoredCode>{};
  auto code = read_code(*q);
  if (!code) return code.error();
  return std::optional<StoredCode>{std::move(*code)};
}

Result<std::string> CodeVault::pin(const std::string& id) {
  auto q = db_.query(kFindPin);
  if (!q) return q.error();
  q->bind(1, id);
  auto row = q->next();
  if (!row) return row.error();
  if (!*row) return not_found("access code '" + id + "' does not exist");
  protocol::SealedAtRest sealed;
  const std::string nonce = q->text(0);
  const std::string cipher = q->text(1);
  sealed.nonce.assign(protocol::kAtRestNonceBytes, '\0');
  // The ciphertext of a PIN is its 4..10 digits plus the 16-byte MAC.
  std::string raw(64, '\0');
  std::size_t size = 0;
  if (!protocol::decode_secret(nonce, reinterpret_cast<unsigned char*>(sealed.nonce.data()),
                               sealed.nonce.size(), "pin_nonce") ||
      sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), cipher.data(),
                        cipher.size(), nullptr, &size, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return corrupt("access_codes", "pin_sealed", "not base64", id);
  }
  raw.resize(size);
  sealed.ciphertext = std::move(raw);
  auto opened = protocol::open_at_rest(sealed, key_);
  if (!opened) {
    return Error{ErrorCode::corruption,
                 "access_codes.pin_sealed: does not open with this hub's codes.key (code '" + id + "')"};
  }
  return opened;
}

protocol::CodeKey CodeVault::site_code_key(const SiteId& site) const {
  protocol::CodeKey key;
  crypto_generichash(key.bytes.data(), key.bytes.size(), reinterpret_cast<const unsigned char*>(site.data()),
                     site.size(), seed_.bytes.data(), seed_.bytes.size());
  return key;
}

Result<void> CodeVault::save_sync(const core::SyncEntry& e) {
  auto q = db_.query(kSaveSync);
  if (!q) return q.error();
  q->bind(1, e.target.code_id)
      .bind(2, e.target.lock.site)
      .bind(3, e.target.lock.lock)
      .bind(4, std::int64_t{e.target.slot})
      .bind(5, std::int64_t{e.target.user});
  bind_schedule(*q, 6, e.target.schedule);
  q->bind(13, e.target.expected_digest)
      .bind(14, core::to_string(e.state))
      .bind(15, std::int64_t{e.attempts})
      .bind(16, to_epoch_ms(e.since))
      .bind(17, e.reason)
      .bind(18, to_epoch_ms(e.updated_at));
  return q->finish();
}

Result<std::vector<core::SyncEntry>> CodeVault::load_sync() {
  auto q = db_.query(kLoadSync);
  if (!q) return q.error();
  std::vector<core::SyncEntry> out;
  while (true) {
    auto row = q->next();
    if (!row) return row.error();
    if (!*row) break;
    core::SyncEntry e;
    e.target.code_id = q->text(0);
    e.target.lock = core::LockAddress{q->text(1), q->text(2)};
    const std::int64_t slot = q->int64(3);
    const std::int64_t user = q->int64(4);
    if (slot < 1 || slot > core::kMaxCodeSlots || user < 1 || user > 65535) {
      return corrupt("code_sync", "slot", "slot or user out of range", e.target.code_id);
    }
    e.target.slot = static_cast<int>(slot);
    e.target.user = static_cast<std::uint16_t>(user);
    auto schedule = read_schedule(*q, 5, "code_sync", e.target.code_id);
    if (!schedule) return schedule.error();
    e.target.schedule = *schedule;
    e.target.expected_digest = q->text(12);
    const std::string state = q->text(13);
    auto parsed = core::parse_sync_state(state);
    if (!parsed) return corrupt("code_sync", "state", "unknown value '" + state + "'", e.target.code_id);
    e.state = *parsed;
    const std::int64_t attempts = q->int64(14);
    if (attempts < 0 || attempts > std::numeric_limits<int>::max()) {
      return corrupt("code_sync", "attempts", "out of range", e.target.code_id);
    }
    e.attempts = static_cast<int>(attempts);
    e.since = from_epoch_ms(q->int64(15));
    e.reason = q->text(16);
    e.updated_at = from_epoch_ms(q->int64(17));
    out.push_back(std::move(e));
  }
  return out;
}

Result<void> CodeVault::remove_sync(const std::string& code_id, const core::LockAddress& lock) {
  auto q = db_.query(kDeleteSync);
  if (!q) return q.error();
  return q->bind(1, code_id).bind(2, lock.site).bind(3, lock.lock).finish();
}

Result<void> CodeVault::save_settings(const core::SettingsEntry& e) {
  auto q = db_.query(kSaveSettings);
  if (!q) return q.error();
  auto wide = [](const std::optional<int>& v) -> std::optional<std::int64_t> {
    if (!v) return std::nullopt;
    return std::int64_t{*v};
  };
  std::optional<std::string_view> volume;
  if (e.settings.sound_volume) volume = core::to_string(*e.settings.sound_volume);
  return q->bind(1, e.lock.site)
      .bind(2, e.lock.lock)
      .bind(3, wide(e.settings.wrong_code_entry_limit))
      .bind(4, wide(e.settings.user_code_temporary_disable_s))
      .bind(5, wide(e.settings.auto_relock_s))
      .bind(6, volume)
      .bind(7, std::int64_t{e.from_hub ? 1 : 0})
      .bind(8, core::to_string(e.state))
      .bind(9, std::int64_t{e.attempts})
      .bind(10, to_epoch_ms(e.since))
      .bind(11, e.reason)
      .bind(12, to_epoch_ms(e.updated_at))
      .finish();
}

Result<std::vector<core::SettingsEntry>> CodeVault::load_settings() {
  auto q = db_.query(kLoadSettings);
  if (!q) return q.error();
  std::vector<core::SettingsEntry> out;
  while (true) {
    auto row = q->next();
    if (!row) return row.error();
    if (!*row) break;
    core::SettingsEntry e;
    e.lock = core::LockAddress{q->text(0), q->text(1)};
    const std::string who = e.lock.site + "/" + e.lock.lock;
    auto fail = [&](std::string_view column, const std::string& why) {
      std::string message = "lock_settings.";
      message.append(column).append(": ").append(why).append(" (lock '").append(who).append("')");
      return Error{ErrorCode::corruption, std::move(message)};
    };
    auto number = [&](int column) -> std::optional<int> {
      if (q->is_null(column)) return std::nullopt;
      // Clamped into int: a value out of the setting's range is for validate() to name.
      return static_cast<int>(std::clamp<std::int64_t>(q->int64(column), -1, 1'000'000));
    };
    e.settings.wrong_code_entry_limit = number(2);
    e.settings.user_code_temporary_disable_s = number(3);
    e.settings.auto_relock_s = number(4);
    if (!q->is_null(5)) {
      const std::string volume = q->text(5);
      e.settings.sound_volume = core::parse_sound_volume(volume);
      if (!e.settings.sound_volume) return fail("sound_volume", "unknown value '" + volume + "'");
    }
    if (auto valid = core::validate(e.settings, "lock_settings"); !valid) {
      std::string why = valid.error().message;  // "lock_settings.<column>: ..." or "lock_settings: ..."
      const auto colon = why.find(": ");
      const std::string column = why.starts_with("lock_settings.") && colon != std::string::npos
                                     ? why.substr(14, colon - 14)
                                     : std::string("settings");
      return fail(column, colon == std::string::npos ? why : why.substr(colon + 2));
    }
    e.from_hub = q->int64(6) != 0;
    const std::string state = q->text(7);
    auto parsed = core::parse_sync_state(state);
    if (!parsed || *parsed == core::SyncState::removing || *parsed == core::SyncState::removed)
      return fail("state", "unknown value '" + state + "'");
    e.state = *parsed;
    const std::int64_t attempts = q->int64(8);
    if (attempts < 0 || attempts > std::numeric_limits<int>::max()) return fail("attempts", "out of range");
    e.attempts = static_cast<int>(attempts);
    e.since = from_epoch_ms(q->int64(9));
    e.reason = q->text(10);
    e.updated_at = from_epoch_ms(q->int64(11));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace lw::adapters::sqlite
