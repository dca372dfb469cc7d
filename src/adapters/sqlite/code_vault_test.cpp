// Keypad codes at rest: PINs sealed under codes.key, never in the database
// file; codes and their sync states survive a restart.
#include "adapters/sqlite/code_vault.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/mosquitto_broker.h"

namespace lw::adapters::sqlite {
namespace {

const Timestamp kT0 = from_epoch_ms(1'767'225'600'000);

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

class CodeVaultTest : public ::testing::Test {
 protected:
  CodeVaultTest() : dir_(lw::testing::make_temp_dir("codes")) {}
  ~CodeVaultTest() override { lw::testing::remove_temp_dir_unless_failed(dir_); }

  std::unique_ptr<CodeVault> open() {
    auto v = CodeVault::open(db(), key(), Synchronous::full, kT0);
    EXPECT_TRUE(v) << (v ? "" : v.error().to_string());
    return v ? std::move(*v) : nullptr;
  }
  std::string db() const { return dir_ + "/lockwarden.db"; }
  std::string key() const { return dir_ + "/codes.key"; }

  static StoredCode cleaner() {
    StoredCode c;
    c.id = "cleaner";
    c.site = "home";
    c.lock = "front-door";
    c.user = 12;
    c.name = "Cleaner";
    c.slot = 3;
    c.schedule = core::CodeSchedule::weekly(0x10, 22 * 60, 6 * 60, 60);
    c.created_at = kT0;
    c.updated_at = kT0;
    return c;
  }

  std::string dir_;
};

TEST_F(CodeVaultTest, PinIsSealedAtRestAndNeverInTheDatabaseFile) {
  auto vault = open();
  ASSERT_TRUE(vault);
  ASSERT_TRUE(vault->put(cleaner(), "48291637"));
  auto pin = vault->pin("cleaner");
  ASSERT_TRUE(pin);
  EXPECT_EQ(*pin, "48291637");
  vault.reset();
  for (const std::string& file : {db(), db() + "-wal"}) {
    EXPECT_EQ(file_bytes(file).find("48291637"), std::string::npos) << file;
  }
  struct stat st {};
  ASSERT_EQ(::stat(key().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777U, 0600U);
}

TEST_F(CodeVaultTest, CodesAndSyncStatesSurviveARestart) {
  {
    auto vault = open();
    ASSERT_TRUE(vault->put(cleaner(), "482916"));
    core::SyncEntry e;
    e.target.code_id = "cleaner";
    e.target.lock = {"home", "front-door"};
    e.target.slot = 3;
    e.target.user = 12;
    e.target.schedule = cleaner().schedule;
    e.target.expected_digest = "digest";
    e.state = core::SyncState::failed;
    e.attempts = 4;
    e.since = kT0;
    e.reason = "the lock refused it: pin: already in use";
    e.updated_at = kT0 + 1s;
    ASSERT_TRUE(vault->save_sync(e));
  }
  auto vault = open();
  auto codes = vault->list();
  ASSERT_TRUE(codes);
  ASSERT_EQ(codes->size(), 1U);
  EXPECT_EQ(codes->front().schedule, cleaner().schedule);
  EXPECT_EQ(codes->front().lock, "front-door");
  EXPECT_EQ(*vault->pin("cleaner"), "482916");
  auto sync = vault->load_sync();
  ASSERT_TRUE(sync);
  ASSERT_EQ(sync->size(), 1U);
  EXPECT_EQ(sync->front().state, core::SyncState::failed);
  EXPECT_EQ(sync->front().attempts, 4);
  EXPECT_EQ(sync->front().reason, "the lock refused it: pin: already in use");
  EXPECT_EQ(sync->front().target.schedule, cleaner().schedule);
  // The site's code key is the same after the restart (the locks keep theirs).
  auto again = open();
  EXPECT_EQ(vault->site_code_key("home"), again->site_code_key("home"));
  EXPECT_NE(vault->site_code_key("home"), again->site_code_key("office"));
  ASSERT_TRUE(vault->remove("cleaner"));
  EXPECT_EQ(vault->pin("cleaner").error().code, ErrorCode::not_found) << "the PIN goes with the code";
  ASSERT_EQ(vault->load_sync()->size(), 1U) << "kept until the lock confirms the slot empty";
  ASSERT_TRUE(vault->remove_sync("cleaner", sync->front().target.lock));
  EXPECT_TRUE(vault->load_sync()->empty());
  EXPECT_EQ(vault->remove("cleaner").error().code, ErrorCode::not_found);
}

TEST_F(CodeVaultTest, ALocksSettingsSurviveARestartAndADamagedRowIsNamed) {
  core::SettingsEntry e;
  e.lock = {"home", "front-door"};
  e.settings = core::LockSettings::keypad(3, 120);
  e.from_hub = true;
  e.state = core::SyncState::pending;
  e.attempts = 2;
  e.since = kT0;
  e.reason = "written back after the lock was reset and paired again";
  e.updated_at = kT0 + 1s;
  {
    auto vault = open();
    ASSERT_TRUE(vault->save_settings(e));
    e.attempts = 3;  // saved again: one row per lock
    ASSERT_TRUE(vault->save_settings(e));
  }
  auto vault = open();
  auto kept = vault->load_settings();
  ASSERT_TRUE(kept) << kept.error().to_string();
  ASSERT_EQ(kept->size(), 1U);
  EXPECT_EQ(kept->front(), e);
  core::SettingsEntry bridged = e;  // a Zigbee lock's: no keypad settings
  bridged.lock = {"home", "garage"};
  bridged.settings = {std::nullopt, std::nullopt, 45, core::SoundVolume::silent};
  ASSERT_TRUE(vault->save_settings(bridged));
  vault.reset();
  kept = open()->load_settings();
  ASSERT_TRUE(kept) << kept.error().to_string();
  ASSERT_EQ(kept->size(), 2U);
  EXPECT_EQ(kept->back(), bridged) << "by lock: front-door, then garage";

  {
    auto db_handle = Connection::open(db(), 1000);
    ASSERT_TRUE(db_handle);
    ASSERT_TRUE(db_handle->exec(
        "UPDATE lock_settings SET wrong_code_entry_limit = 0 WHERE lock_id = 'front-door'", "damage a row"));
  }
  auto damaged = open()->load_settings();
  ASSERT_FALSE(damaged);
  EXPECT_EQ(damaged.error().code, ErrorCode::corruption);
  EXPECT_EQ(damaged.error().message,
            "lock_settings.wrong_code_entry_limit: must be an integer 1..255 (lock 'home/front-door')");
}

TEST_F(CodeVaultTest, AnotherKeyFileCannotOpenThePinsAndAGroupReadableOneIsRefused) {
  {
    auto vault = open();
    ASSERT_TRUE(vault->put(cleaner(), "482916"));
  }
  std::filesystem::remove(key());
  auto vault = open();  // a new key file: the stored PIN no longer opens
  auto pin = vault->pin("cleaner");
  ASSERT_FALSE(pin);
  EXPECT_EQ(pin.error().code, ErrorCode::corruption);
  EXPECT_EQ(pin.error().message.find("482916"), std::string::npos);
  ::chmod(key().c_str(), 0640);
  auto refused = CodeVault::open(db(), key(), Synchronous::full, kT0);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::permission_denied);
  EXPECT_EQ(vault->put(cleaner(), "12a4").error().message, "pin: must be 4..10 digits");
}

}  // namespace
}  // namespace lw::adapters::sqlite
