// SqliteStore: the core's Store port on one SQLite database file — sites, locks,
// actions, the event history, the telemetry history and the durable command
// counters. Tables, columns,
// encodings and the migration policy are in docs/storage.md.
//
// Durability: the file is in WAL mode; each write is one statement committed
// before the call returns, so a write that returned success survives kill -9
// (and power loss with Synchronous::full). Prepared statements are cached for
// the life of the store; all data is bound, never formatted into SQL.
//
// Example:
//   auto store = lw::adapters::sqlite::SqliteStore::open("/var/lib/lockwarden/lockwarden.db");
//   if (!store) return store.error();   // e.g. "failed_precondition: database schema version 3 ..."
//   core::Hub hub{clock, **store, link, sink, random, liveness, options};
//
// Threading: not thread-safe. Use from one thread at a time (the owning event
// loop, or a worker it hands calls to); never share across a fork().
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/sqlite/sqlite_handle.h"
#include "core/ports/store.h"

namespace lw::adapters::sqlite {

/// SQLite's `synchronous` setting in WAL mode (docs/configuration.md, [store]).
enum class Synchronous {
  full,    ///< fsync the WAL at every commit: acknowledged writes survive power loss
  normal,  ///< fsync at checkpoints only: acknowledged writes survive kill -9, not always power loss
};
/// "full" or "normal".
std::string_view to_string(Synchronous sync) noexcept;
/// Parses "full" / "normal"; nullopt for anything else.
std::optional<Synchronous> parse_synchronous(std::string_view text) noexcept;

/// Opens a connection to the store's file at `path` (creating it if absent)
/// as every table of the hub uses it: WAL, `sync`, the busy timeout, and the
/// schema brought up to date (migrations stamped with `now`). A file that is
/// not a database, is newer or is another program's is refused before
/// anything is changed. Errors (prefixed with the path): as SqliteStore::open.
Result<Connection> open_connection(const std::string& path, Synchronous sync, Timestamp now);

class SqliteStore final : public core::Store {
 public:
  /// How long a call waits for another process's write lock before failing
  /// with unavailable.
  static constexpr int kBusyTimeoutMs = 5000;

  /// Opens the database at `path` (creating it if absent), enables WAL,
  /// `synchronous`, foreign keys and the busy timeout, and applies missing
  /// schema migrations. Errors:
  ///   unavailable          the file or its directory cannot be opened, created
  ///                        or written, or another process holds the write lock
  ///   corruption           the file is not a SQLite database, or is damaged
  ///   failed_precondition  the file's schema is newer than this code knows, it
  ///                        belongs to another program, or WAL cannot be enabled
  ///   internal             an unexpected SQLite failure
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                   Synchronous sync = Synchronous::full);

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  ~SqliteStore() override = default;

  // core::Store. Errors for every call: unavailable (disk full, I/O error,
  // database locked past the busy timeout: nothing was written), corruption
  // (a stored value this code cannot read; the message names table.column and
  // the row), internal. list_events also: invalid_argument ("limit: must be
  // 1..1000"); list_samples: invalid_argument (max_points, until).
  Result<void> upsert_hub(const core::HubRecord& hub) override;
  Result<std::vector<core::HubRecord>> load_hubs() override;  // by id
  Result<void> upsert_site(const core::SiteRecord& site) override;
  Result<std::vector<core::SiteRecord>> load_sites() override;  // by id
  Result<void> upsert_lock(const core::LockRecord& lock) override;
  Result<std::vector<core::LockRecord>> load_locks() override;  // by id
  Result<std::optional<std::int64_t>> append_event(const core::EventRecord& event) override;
  Result<core::EventPage> list_events(const LockId& lock, int limit,
                                      std::optional<std::int64_t> before) override;
  Result<void> save_action(const core::Action& action) override;
  Result<std::optional<core::Action>> find_action(const ActionId& id) override;
  Result<std::vector<core::Action>> load_pending_actions() override;  // by created_at, then id
  Result<void> append_sample(const core::TelemetrySample& sample) override;
  Result<std::vector<core::TelemetryPoint>> list_samples(const LockId& lock, Timestamp since, Timestamp until,
                                                         int max_points) override;
  /// One transaction; deletes lock by lock along the primary key.
  Result<std::int64_t> delete_samples_before(Timestamp before) override;
  Result<std::uint64_t> next_command_counter(const std::string& key_id) override;
  Result<void> keep_lesson(const core::Lesson& lesson) override;
  Result<std::vector<core::Lesson>> load_lessons() override;

  /// The file this store was opened on.
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  SqliteStore(Connection db, std::string path) noexcept;

  Connection db_;
  std::string path_;
};

}  // namespace lw::adapters::sqlite
