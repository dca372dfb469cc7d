// The audit log on disk: a real SQLite file, real libsodium keys, and an
// attacker who edits the file with the sqlite3 C API (as the sqlite3 shell
// would) or swaps the head file. Each edit is found and named; an untouched
// log verifies.
#include "adapters/audit/audit_trail.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "adapters/system/key_file.h"
#include "core/audit/audit_detail.h"

namespace lw::adapters::audit {
namespace {

constexpr Timestamp kT0 = from_epoch_ms(1'764'763'200'000);

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lw-audit-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// The attacker's view: another connection to the file, running SQL.
void tamper(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (message != nullptr ? message : "?");
  sqlite3_free(message);
  sqlite3_close(db);
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

class AuditTrailTest : public ::testing::Test {
 protected:
  AuditTrailTest() : paths_{dir_.path(), dir_.path() + "/lockwarden.db"} {
    auto keys = load_or_create_key(dir_.path());
    EXPECT_TRUE(keys);
    if (keys) keys_.emplace(std::move(*keys));
  }

  /// Opens the trail as the hub does at start and appends `n` command records.
  void write_records(int n) {
    auto trail = AuditTrail::open(paths_, *keys_, kT0);
    ASSERT_TRUE(trail) << trail.error().message;
    for (int i = 1; i <= n; ++i) {
      core::AuditEntry e{kT0 + std::chrono::seconds(i),
                         "api:127.0.0.1",
                         "command.request",
                         "lock:door-" + std::to_string(i),
                         core::audit_detail({{"action", "unlock"}}),
                         "accepted"};
      auto seq = (*trail)->append(e);
      ASSERT_TRUE(seq) << seq.error().message;
      EXPECT_EQ(*seq, static_cast<std::uint64_t>(i) + first_seq_offset_);
    }
  }

  void expect_problem(const std::string& problem, std::uint64_t first_bad, const std::string& words) {
    AuditCheck c = verify_audit(paths_);
    EXPECT_FALSE(c.intact());
    EXPECT_EQ(c.problem, problem) << c.message;
    EXPECT_EQ(c.first_bad, first_bad) << c.message;
    EXPECT_NE(c.message.find(words), std::string::npos) << c.message;
    // The hub refuses to start on it, naming the same thing.
    auto reopened = AuditTrail::open(paths_, *keys_, kT0 + std::chrono::hours(1));
    ASSERT_FALSE(reopened);
    EXPECT_EQ(reopened.error().code, ErrorCode::failed_precondition);
  }

  TempDir dir_;
  AuditPaths paths_;
  std::optional<protocol::KeyPair> keys_;
  std::uint64_t first_seq_offset_{0};
};

TEST_F(AuditTrailTest, UntouchedLogVerifies) {
  write_records(5);
  AuditCheck c = verify_audit(paths_);
  EXPECT_TRUE(c.intact()) << c.message;
  EXPECT_EQ(c.records, 5U);
  EXPECT_EQ(c.message, "audit: 5 records, chain intact, head signed by this hub");
}

TEST_F(AuditTrailTest, ReopenedLogContinuesTheChain) {
  write_records(3);
  first_seq_offset_ = 3;
  write_records(2);
  AuditCheck c = verify_audit(paths_);
  EXPECT_TRUE(c.intact()) << c.message;
  EXPECT_EQ(c.records, 5U);
}

TEST_F(AuditTrailTest, KeyFileIsPrivateAndOutsideTheDatabase) {
  write_records(1);
  struct stat st {};
  ASSERT_EQ(::stat(paths_.key_file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777U, 0600U);
  const std::string key = read_text(paths_.key_file());
  ASSERT_GT(key.size(), 40U);
  EXPECT_EQ(read_text(paths_.database).find(key.substr(0, 40)), std::string::npos);
}

TEST_F(AuditTrailTest, EditedDetailIsFound) {
  write_records(5);
  tamper(paths_.database, R"(UPDATE audit_log SET detail = '{"action":"lock"}' WHERE seq = 3)");
  expect_problem("edited", 3, "record 3 was edited");
}

TEST_F(AuditTrailTest, ChangedActorIsFound) {
  write_records(5);
  tamper(paths_.database, "UPDATE audit_log SET actor = 'hub' WHERE seq = 2");
  expect_problem("edited", 2, "record 2 was edited");
}

TEST_F(AuditTrailTest, EditedRowWithAnUnkeyedHashIsFound) {
  write_records(4);
  // Without audit.key the attacker can only guess: here, a plain hash of something.
  tamper(paths_.database,
         "UPDATE audit_log SET outcome = 'rejected', hash = '" + std::string(64, 'a') + "' WHERE seq = 4");
  expect_problem("edited", 4, "record 4 was edited");
}

TEST_F(AuditTrailTest, SwappedRecordsAreFound) {
  write_records(5);
  tamper(paths_.database,
         "UPDATE audit_log SET seq = 100 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 4; "
         "UPDATE audit_log SET seq = 4 WHERE seq = 100;");
  expect_problem("reordered", 2, "record 2 is out of order: it was written as record 4");
}

TEST_F(AuditTrailTest, DeletedMiddleRowIsFound) {
  write_records(5);
  tamper(paths_.database, "DELETE FROM audit_log WHERE seq = 3");
  expect_problem("missing", 3, "record 3 is missing: the log jumps from record 2 to record 4");
}

TEST_F(AuditTrailTest, DeletedLastRowsAreFound) {
  write_records(5);
  tamper(paths_.database, "DELETE FROM audit_log WHERE seq >= 4");
  expect_problem("truncated", 4, "records 4..5 were deleted (truncated tail)");
}

TEST_F(AuditTrailTest, DeletedEveryRowIsFound) {
  write_records(5);
  tamper(paths_.database, "DELETE FROM audit_log");
  expect_problem("truncated", 1, "every record was deleted");
}

TEST_F(AuditTrailTest, OlderCopyOfTheHeadIsFound) {
  write_records(3);
  const std::string older = read_text(paths_.head_file());
  first_seq_offset_ = 3;
  write_records(3);
  write_text(paths_.head_file(), older);
  AuditCheck c = verify_audit(paths_);
  EXPECT_EQ(c.problem, "stale_head") << c.message;
  EXPECT_EQ(c.first_bad, 4U);
  EXPECT_NE(c.message.find("an older copy of audit.head"), std::string::npos) << c.message;
  // Three records behind is no crash: the hub does not start.
  EXPECT_FALSE(AuditTrail::open(paths_, *keys_, kT0 + std::chrono::hours(1)));
}

TEST_F(AuditTrailTest, OlderHeadWithTheTailDeletedToMatchGoesUnnoticed) {
  // The limit of a local anchor: rolling back both the head file and the table
  // together leaves a consistent older log (docs/security.md). This test pins
  // that the verifier does not pretend otherwise.
  write_records(3);
  const std::string older = read_text(paths_.head_file());
  first_seq_offset_ = 3;
  write_records(2);
  write_text(paths_.head_file(), older);
  tamper(paths_.database, "DELETE FROM audit_log WHERE seq > 3");
  EXPECT_TRUE(verify_audit(paths_).intact());
}

TEST_F(AuditTrailTest, HeadSignedByAnotherKeyIsFound) {
  write_records(3);
  auto other = protocol::generate_key_pair();
  ASSERT_TRUE(other);
  // A forger who rewrote the table would also need a head for it.
  ASSERT_TRUE(write_head(paths_.head_file(), {1, {}}, other->secret));
  AuditCheck c = verify_audit(paths_);
  EXPECT_EQ(c.problem, "bad_head_signature") << c.message;
  EXPECT_FALSE(AuditTrail::open(paths_, *keys_, kT0 + std::chrono::hours(1)));
}

TEST_F(AuditTrailTest, EditedHeadIsFound) {
  write_records(3);
  std::string head = read_text(paths_.head_file());
  const auto at = head.find("\"seq\":3");
  ASSERT_NE(at, std::string::npos) << head;
  head.replace(at, 7, "\"seq\":2");
  write_text(paths_.head_file(), head);
  EXPECT_EQ(verify_audit(paths_).problem, "bad_head_signature");
}

TEST_F(AuditTrailTest, MissingKeyFileIsFound) {
  write_records(3);
  std::filesystem::remove(paths_.key_file());
  AuditCheck c = verify_audit(paths_);
  EXPECT_EQ(c.problem, "missing_key");
  EXPECT_NE(c.message.find("audit.key is missing"), std::string::npos) << c.message;
  auto reopened = AuditTrail::open(paths_, *keys_, kT0);
  ASSERT_FALSE(reopened);
  EXPECT_NE(reopened.error().message.find("audit.key is missing"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(paths_.key_file())) << "a new key would orphan the old records";
}

TEST_F(AuditTrailTest, MissingHeadFileIsFound) {
  write_records(2);
  std::filesystem::remove(paths_.head_file());
  EXPECT_EQ(verify_audit(paths_).problem, "missing_head");
  EXPECT_FALSE(AuditTrail::open(paths_, *keys_, kT0));
}

TEST_F(AuditTrailTest, CrashBeforeTheHeadUpdateIsRepairedAndRecorded) {
  write_records(3);
  const std::string before_last = read_text(paths_.head_file());
  first_seq_offset_ = 3;
  write_records(1);
  write_text(paths_.head_file(), before_last);  // as if killed between the commit and the rename
  EXPECT_EQ(verify_audit(paths_).problem, "stale_head");
  auto trail = AuditTrail::open(paths_, *keys_, kT0 + std::chrono::hours(1));
  ASSERT_TRUE(trail) << trail.error().message;
  auto records = (*trail)->list(0, 10);
  ASSERT_TRUE(records);
  ASSERT_EQ(records->size(), 5U);
  EXPECT_EQ(records->back().entry.action, "audit.head_behind");
  EXPECT_EQ(records->back().entry.detail, R"({"head_seq":"3","log_seq":"4"})");
  EXPECT_TRUE(verify_audit(paths_).intact());
}

TEST_F(AuditTrailTest, AppendRefusesWhenRowsWereDeletedUnderIt) {
  auto trail = AuditTrail::open(paths_, *keys_, kT0);
  ASSERT_TRUE(trail);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*trail)->append({kT0, "hub", "x", "t", "{}", "ok"}));
  tamper(paths_.database, "DELETE FROM audit_log WHERE seq = 3");
  auto appended = (*trail)->append({kT0, "hub", "y", "t", "{}", "ok"});
  ASSERT_FALSE(appended);
  EXPECT_EQ(appended.error().code, ErrorCode::corruption);
  EXPECT_NE(appended.error().message.find("changed under the hub"), std::string::npos);
  expect_problem("truncated", 3, "record 3 was deleted (truncated tail)");
}

TEST_F(AuditTrailTest, VerifyDoesNotChangeTheFiles) {
  write_records(2);
  const std::string head = read_text(paths_.head_file());
  tamper(paths_.database, "DELETE FROM audit_log WHERE seq = 2");
  (void)verify_audit(paths_);
  EXPECT_EQ(read_text(paths_.head_file()), head);
}

TEST_F(AuditTrailTest, MissingDatabaseIsUnreadable) {
  AuditCheck c = verify_audit({dir_.path(), dir_.path() + "/nothing.db"});
  EXPECT_EQ(c.problem, "unreadable");
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/nothing.db"));
}

}  // namespace
}  // namespace lw::adapters::audit
