// What only the SQLite store does: a file that outlives the process — schema
// migrations, reopening, refusing files it must not touch, reading back
// damaged values, and durability across kill -9. Behaviour shared with
// MemoryStore is in store_contract_test.cpp.
#include "adapters/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "adapters/sqlite/schema.h"

namespace lw::adapters::sqlite {
namespace {

using core::Action;
using core::ActionStatus;
using core::EventRecord;
using core::LockRecord;

constexpr Timestamp kT0 = from_epoch_ms(1'700'000'000'000);

/// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lw-sqlite-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// Another connection to the same file, as the sqlite3 shell would be: for
/// inspecting and tampering with what the store wrote.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK)
      ADD_FAILURE() << "open " << path << ": " << sqlite3_errmsg(db_);
  }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;
  ~RawDatabase() { sqlite3_close(db_); }

  void exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << (message ? message : "?");
    }
    sqlite3_free(message);
  }
  /// The first column of the first row, as text ("" when there is no row).
  std::string value(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
      return {};
    }
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_{nullptr};
};

std::unique_ptr<SqliteStore> open_or_fail(const std::string& path, Synchronous sync = Synchronous::full) {
  auto store = SqliteStore::open(path, sync);
  if (!store) {
    ADD_FAILURE() << store.error().to_string();
    return nullptr;
  }
  return std::move(*store);
}

LockRecord reported_lock() {
  LockRecord l;
  l.id = "front";
  l.site = "home";
  l.name = "Front door";
  l.lock_state = core::LockState::locked;
  l.door_state = core::DoorState::closed;
  l.battery_pct = 64;
  l.firmware = "1.2.0";
  l.heartbeat = 10s;
  l.link_up = true;
  l.connectivity = core::Connectivity::online;
  l.last_seen = kT0;
  return l;
}

Action pending_unlock(const std::string& id, std::uint64_t counter) {
  Action a;
  a.id = id;
  a.lock = "front";
  a.site = "home";
  a.action = core::LockAction::unlock;
  a.status = ActionStatus::pending;
  a.created_at = kT0;
  a.expires_at = kT0 + 30s;
  a.counter = counter;
  a.key_id = "hub";
  return a;
}

EventRecord keypad_unlock(std::uint64_t seq) {
  EventRecord e;
  e.lock = "front";
  e.ts = kT0;
  e.kind = core::EventKind::lock_operation;
  e.device_seq = seq;
  e.operation = core::LockAction::unlock;
  e.source = core::OperationSource::keypad;
  e.user = "alice";
  return e;
}

core::TelemetrySample battery_reading(Timestamp t, int battery_pct) {
  core::TelemetrySample s;
  s.lock = "front";
  s.t = t;
  s.battery_pct = battery_pct;
  return s;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// --- schema and migrations ---

TEST(SqliteStoreSchema, NewFileGetsEveryMigrationAndTheWalJournal) {
  TempDir dir;
  const std::string path = dir.file("hub.db");
  ASSERT_NE(open_or_fail(path), nullptr);

  RawDatabase raw(path);
  EXPECT_EQ(raw.value("SELECT COUNT(*) FROM schema_migrations"), std::to_string(schema_version()));
  EXPECT_EQ(raw.value("SELECT MAX(version) FROM schema_migrations"), std::to_string(schema_version()));
  EXPECT_GT(std::stoll(raw.value("SELECT MIN(applied_at_ms) FROM schema_migrations")),
            1'600'000'000'000LL);  // a real wall-clock time, in ms
  EXPECT_EQ(raw.value("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                      "('hubs', 'sites', 'locks', 'events', 'actions', 'command_counters', 'telemetry')"),
            "7");
  EXPECT_EQ(raw.value("PRAGMA journal_mode"), "wal");
}

TEST(SqliteStoreSchema, VersionOneFileIsUpgradedInPlaceKeepingItsData) {
  TempDir dir;
  const std::string path = dir.file("hub.db");
  {
    // A database as the first release left it: only migration 1, with a site in it.
    RawDatabase raw(path);
    raw.exec(std::string(migrations()[0].sql));
    raw.exec(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL) "
        "STRICT");
    raw.exec("INSERT INTO schema_migrations (version, applied_at_ms) VALUES (1, 0)");
    raw.exec("INSERT INTO sites (id, name) VALUES ('home', 'Our house')");
  }
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(RawDatabase(path).value("SELECT MAX(version) FROM schema_migrations"),
            std::to_string(schema_version()));
  auto sites = store->load_sites();
  ASSERT_TRUE(sites);
  ASSERT_EQ(sites->size(), 1U);
  EXPECT_EQ((*sites)[0].name, "Our house");
  ASSERT_TRUE(store->upsert_hub({"hub-1", "0.1.0", kT0, "cHVibGlj"}));
  auto hubs = store->load_hubs();
  ASSERT_TRUE(hubs);
  ASSERT_EQ(hubs->size(), 1U);
  EXPECT_EQ((*hubs)[0].started_at, kT0);
  EXPECT_EQ((*hubs)[0].public_key, "cHVibGlj");
}

TEST(SqliteStoreSchema, ReopeningAnUpToDateFileAppliesNothing) {
  TempDir dir;
  const std::string path = dir.file("hub.db");
  ASSERT_NE(open_or_fail(path), nullptr);
  std::string first_applied =
      RawDatabase(path).value("SELECT group_concat(applied_at_ms) FROM schema_migrations");
  ASSERT_NE(open_or_fail(path), nullptr);
  EXPECT_EQ(RawDatabase(path).value("SELECT group_concat(applied_at_ms) FROM schema_migrations"),
            first_applied);
}

TEST(SqliteStoreSchema, FileWithANewerSchemaRefusesToOpenAndIsLeftAlone) {
  TempDir dir;
  const std::string path = dir.file("hub.db");
  ASSERT_NE(open_or_fail(path), nullptr);
  const int future = schema_version() + 1;
  RawDatabase(path).exec("INSERT INTO schema_migrations (version, applied_at_ms) VALUES (" +
                         std::to_string(future) + ", 0)");

  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::failed_precondition);
  EXPECT_NE(store.error().message.find("schema version " + std::to_string(future)), std::string::npos)
      << store.error().message;
  EXPECT_NE(store.error().message.find("newer lockwarden"), std::string::npos) << store.error().message;
  EXPECT_EQ(RawDatabase(path).value("SELECT MAX(version) FROM schema_migrations"), std::to_string(future));
}

TEST(SqliteStoreSchema, FileThatIsNotADatabaseRefusesToOpenWithCorruptionAndIsLeftAlone) {
  TempDir dir;
  const std::string path = dir.file("hub.db");
  std::string garbage;
  for (int i = 0; i < 200; ++i) garbage += "this is a shopping list, not a database\n";
  {
    std::ofstream out(path, std::ios::binary);
    out << garbage;
  }
  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::corruption) << store.error().to_string();
  EXPECT_NE(store.error().message.find(path), std::string::npos) << store.error().message;
  EXPECT_EQ(file_bytes(path), garbage);
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST(SqliteStoreSchema, AnotherProgramsDatabaseRefusesToOpenAndIsLeftAlone) {
  TempDir dir;
  const std::string path = dir.file("recipes.db");
  RawDatabase(path).exec("CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('bread')");

  auto store = SqliteStore::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::failed_precondition);
  EXPECT_NE(store.error().message.find("another program"), std::string::npos) << store.error().message;
  RawDatabase raw(path);
  EXPECT_EQ(raw.value("SELECT group_concat(name) FROM sqlite_master WHERE type = 'table'"), "recipes");
  EXPECT_EQ(raw.value("PRAGMA journal_mode"), "delete");
}

TEST(SqliteStoreOpen, FileInAMissingDirectoryIsUnavailable) {
  TempDir dir;
  auto store = SqliteStore::open(dir.file("no-such-dir/hub.db"));
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::unavailable) << store.error().to_string();
}

TEST(SqliteStoreOpen, SynchronousSettingIsReadByItsConfigurationName) {
  EXPECT_EQ(parse_synchronous("full"), Synchronous::full);
  EXPECT_EQ(parse_synchronous("normal"), Synchronous::normal);
  EXPECT_EQ(parse_synchronous("off"), std::nullopt);
  EXPECT_EQ(parse_synchronous("FULL"), std::nullopt);
  EXPECT_EQ(to_string(Synchronous::normal), "normal");
}

// --- reopening ---

TEST(SqliteStoreReopen, EverythingWrittenIsThereAfterReopening) {
  TempDir dir;
  const std::string path = dir.file("hub.db");
  std::int64_t event_id = 0;
  {
    auto store = open_or_fail(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->upsert_site({"home", "Our house"}));
    ASSERT_TRUE(store->upsert_lock(reported_lock()));
    auto id = store->append_event(keypad_unlock(3));
    ASSERT_TRUE(id && *id);
    event_id = **id;
    ASSERT_TRUE(store->save_action(pending_unlock("a1", 7)));
    Action done = pending_unlock("a0", 6);
    done.status = ActionStatus::succeeded;
    done.completed_at = kT0 + 1s;
    ASSERT_TRUE(store->save_action(done));
    for (int i = 0; i < 7; ++i) ASSERT_TRUE(store->next_command_counter("hub"));
    ASSERT_TRUE(store->append_sample(battery_reading(kT0, 64)));
  }

  auto store = open_or_fail(path, Synchronous::normal);
  ASSERT_NE(store, nullptr);
  auto sites = store->load_sites();
  auto locks = store->load_locks();
  auto page = store->list_events("front", 10, std::nullopt);
  auto pending = store->load_pending_actions();
  auto done = store->find_action("a0");
  auto counter = store->next_command_counter("hub");
  auto samples = store->list_samples("front", kT0, kT0 + 1h, 10);
  ASSERT_TRUE(sites && locks && page && pending && done && counter && samples);
  ASSERT_EQ(sites->size(), 1U);
  EXPECT_EQ((*sites)[0].name, "Our house");
  ASSERT_EQ(locks->size(), 1U);
  EXPECT_EQ((*locks)[0].lock_state, core::LockState::locked);
  EXPECT_EQ((*locks)[0].battery_pct, 64);
  EXPECT_EQ((*locks)[0].last_seen, kT0);
  ASSERT_EQ(page->events.size(), 1U);
  EXPECT_EQ(page->events[0].id, event_id);
  EXPECT_EQ(page->events[0].user, "alice");
  ASSERT_EQ(pending->size(), 1U);
  EXPECT_EQ((*pending)[0].id, "a1");
  EXPECT_EQ((*pending)[0].counter, 7U);
  ASSERT_TRUE(*done);
  EXPECT_EQ((*done)->status, ActionStatus::succeeded);
  EXPECT_EQ(*counter, 8U);
  ASSERT_EQ(samples->size(), 1U);
  EXPECT_EQ((*samples)[0].battery_pct, 64);
}

TEST(SqliteStoreReopen, CommandCounterKeepsIncreasingAcrossReopens) {
  TempDir dir;
  const std::string path = dir.file("hub.db");
  std::uint64_t last = 0;
  for (int run = 0; run < 3; ++run) {
    auto store = open_or_fail(path, run % 2 == 0 ? Synchronous::full : Synchronous::normal);
    ASSERT_NE(store, nullptr);
    for (int i = 0; i < 4; ++i) {
      auto c = store->next_command_counter("hub");
      ASSERT_TRUE(c) << c.error().to_string();
      EXPECT_GT(*c, last) << "run " << run;
      last = *c;
    }
  }
  EXPECT_EQ(last, 12U);
}

TEST(SqliteStoreReopen, DeviceEventRedeliveredAfterARestartIsStillIgnored) {
  TempDir dir;
  const std::string path = dir.file("hub.db");
  {
    auto store = open_or_fail(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->append_event(keypad_unlock(9)));
  }
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  auto again = store->append_event(keypad_unlock(9));
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

// --- damaged values ---

struct DamagedColumn {
  const char* name;      // test name suffix
  const char* tamper;    // SQL run on the file
  const char* expected;  // the start of the corruption message
};

class SqliteStoreDamage : public ::testing::TestWithParam<DamagedColumn> {};

TEST_P(SqliteStoreDamage, ValueThisCodeCannotReadIsCorruptionNamingColumnAndRow) {
  TempDir dir;
  const std::string path = dir.file("hub.db");
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->upsert_lock(reported_lock()));
  auto id = store->append_event(keypad_unlock(1));
  ASSERT_TRUE(id && *id);
  ASSERT_TRUE(store->save_action(pending_unlock("a1", 1)));
  RawDatabase(path).exec(GetParam().tamper);

  auto locks = store->load_locks();
  auto events = store->list_events("front", 10, std::nullopt);
  auto actions = store->load_pending_actions();
  Error error;
  if (!locks) error = locks.error();
  if (!events) error = events.error();
  if (!actions) error = actions.error();
  EXPECT_EQ(error.code, ErrorCode::corruption) << error.to_string();
  EXPECT_EQ(error.message.rfind(GetParam().expected, 0), 0U) << error.message;
}

INSTANTIATE_TEST_SUITE_P(
    EnumsAndRanges, SqliteStoreDamage,
    ::testing::Values(DamagedColumn{"UnknownLockState", "UPDATE locks SET lock_state = 'sideways'",
                                    "locks.lock_state: unknown value 'sideways' (lock 'front')"},
                      DamagedColumn{"WrongCaseConnectivity", "UPDATE locks SET connectivity = 'Online'",
                                    "locks.connectivity: unknown value 'Online'"},
                      DamagedColumn{"BatteryPercentBeyondInt", "UPDATE locks SET battery_pct = 1099511627776",
                                    "locks.battery_pct: 1099511627776 is out of range (lock 'front')"},
                      DamagedColumn{"UnknownEventSource", "UPDATE events SET source = 'telepathy'",
                                    "events.source: unknown value 'telepathy' (event "},
                      DamagedColumn{"EmptyEventKind", "UPDATE events SET kind = ''",
                                    "events.kind: unknown value ''"},
                      DamagedColumn{"UnknownActionVerb", "UPDATE actions SET action = 'open_sesame'",
                                    "actions.action: unknown value 'open_sesame' (action 'a1')"}),
    [](const ::testing::TestParamInfo<DamagedColumn>& info) { return std::string(info.param.name); });

TEST(SqliteStoreDamageStatus, ActionWithAnUnknownStatusIsCorruptionWhenFound) {
  TempDir dir;
  const std::string path = dir.file("hub.db");
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->save_action(pending_unlock("a1", 1)));
  RawDatabase(path).exec("UPDATE actions SET status = 'maybe'");
  auto found = store->find_action("a1");
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, ErrorCode::corruption);
  EXPECT_EQ(found.error().message, "actions.status: unknown value 'maybe' (action 'a1')");
}

TEST(SqliteStoreDamageTelemetry, ReadingBeyondAnIntIsCorruptionNamingColumnAndLock) {
  TempDir dir;
  const std::string path = dir.file("hub.db");
  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->append_sample(battery_reading(kT0, 64)));
  RawDatabase(path).exec("UPDATE telemetry SET voltage_mv = 1099511627776");
  auto points = store->list_samples("front", kT0, kT0, 10);
  ASSERT_FALSE(points);
  EXPECT_EQ(points.error().code, ErrorCode::corruption);
  EXPECT_EQ(points.error().message, "telemetry.voltage_mv: 1099511627776 is out of range (lock 'front')");
}

// --- telemetry retention ---

TEST(SqliteStoreTelemetry, TableIsItsKeyAndRetentionDeletesOnlyOlderRowsOfEachLock) {
  TempDir dir;
  const std::string path = dir.file("hub.db");
  auto store = open_or_fail(path, Synchronous::normal);
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 2000; ++i) {
    core::TelemetrySample s = battery_reading(kT0 + std::chrono::minutes(i), 90);
    s.lock = i % 2 == 0 ? "front" : "back";
    ASSERT_TRUE(store->append_sample(s));
  }
  RawDatabase raw(path);
  // Compact: the primary key (lock_id, t_ms) is the table, with no rowid table beside a second index.
  EXPECT_EQ(raw.value("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'telemetry'"),
            "0");
  EXPECT_EQ(raw.value("SELECT group_concat(origin) FROM pragma_index_list('telemetry')"), "pk");
  auto deleted = store->delete_samples_before(kT0 + std::chrono::minutes(1000));
  ASSERT_TRUE(deleted) << deleted.error().to_string();
  EXPECT_EQ(*deleted, 1000);
  EXPECT_EQ(raw.value("SELECT COUNT(*) FROM telemetry"), "1000");
  EXPECT_EQ(raw.value("SELECT MIN(t_ms) FROM telemetry"), std::to_string(to_epoch_ms(kT0) + 1000LL * 60'000));
}

// --- durability ---

/// Reads exactly `n` bytes from `fd`, waiting at most `timeout_ms` in total.
bool read_exactly(int fd, void* out, std::size_t n, int timeout_ms) {
  auto* p = static_cast<char*>(out);
  while (n > 0) {
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, timeout_ms) <= 0) return false;
    ssize_t got = read(fd, p, n);
    if (got <= 0) return false;
    p += got;
    n -= static_cast<std::size_t>(got);
  }
  return true;
}

// The child writes, says "done" only after every call returned success, and is
// then killed without any chance to close, checkpoint or flush anything.
[[noreturn]] void write_then_wait_for_the_kill(const std::string& path, int report_fd) {
  std::uint64_t counter = 0;
  auto store = SqliteStore::open(path);
  bool ok = store && (*store)->upsert_site({"home", "Home"}) && (*store)->upsert_lock(reported_lock());
  if (ok) {
    auto c = (*store)->next_command_counter("hub");
    ok = c.has_value();
    if (ok) counter = *c;
  }
  ok = ok && (*store)->save_action(pending_unlock("a-before-kill", counter));
  if (ok) {
    auto id = (*store)->append_event(keypad_unlock(77));
    ok = id && *id;
  }
  if (ok) (void)!write(report_fd, &counter, sizeof counter);
  for (;;) pause();
}

TEST(SqliteStoreDurability, WritesThatReturnedSuccessSurviveKill9) {
  TempDir dir;
  const std::string path = dir.file("hub.db");
  std::array<int, 2> pipe_fds{};
  ASSERT_EQ(pipe(pipe_fds.data()), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    write_then_wait_for_the_kill(path, pipe_fds[1]);
  }
  close(pipe_fds[1]);
  std::uint64_t child_counter = 0;
  bool reported = read_exactly(pipe_fds[0], &child_counter, sizeof child_counter, 30'000);
  close(pipe_fds[0]);
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(reported) << "the child did not report its writes";
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  // The writes were still only in the write-ahead log when the process died.
  EXPECT_GT(std::filesystem::file_size(path + "-wal"), 0U);

  auto store = open_or_fail(path);
  ASSERT_NE(store, nullptr);
  auto action = store->find_action("a-before-kill");
  ASSERT_TRUE(action) << action.error().to_string();
  ASSERT_TRUE(*action) << "the acknowledged action was lost";
  EXPECT_EQ((*action)->status, ActionStatus::pending);
  EXPECT_EQ((*action)->counter, child_counter);
  auto page = store->list_events("front", 10, std::nullopt);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->events.size(), 1U) << "the acknowledged event was lost";
  EXPECT_EQ(page->events[0].device_seq, 77U);
  auto counter = store->next_command_counter("hub");
  ASSERT_TRUE(counter);
  EXPECT_GT(*counter, child_counter);
}

}  // namespace
}  // namespace lw::adapters::sqlite
