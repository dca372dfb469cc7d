#include "adapters/sqlite/account_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "adapters/system/mac_key.h"
#include "tests/support/mosquitto_broker.h"

namespace lw::adapters::sqlite {
namespace {

using core::access::Role;

const Timestamp kT0 = from_epoch_ms(1'800'000'000'000);

class AccountStoreTest : public ::testing::Test {
 protected:
  AccountStoreTest() : dir_(lw::testing::make_temp_dir("accounts")) {}
  ~AccountStoreTest() override { lw::testing::remove_temp_dir_unless_failed(dir_); }
  std::unique_ptr<AccountStore> open(bool seal_unsealed = false) {
    auto key = load_or_create_mac_key((dir_ / "accounts.key").string());
    EXPECT_TRUE(key) << (key ? "" : key.error().message);
    if (!key) return nullptr;
    auto s = AccountStore::open(db(), Synchronous::full, kT0, key->mac, seal_unsealed || key->created);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return s ? std::move(*s) : nullptr;
  }
  [[nodiscard]] std::string db() const { return (dir_ / "lockwarden.db").string(); }
  /// Changes the file behind the store's back, as someone with the file but not the key could.
  void edit(const std::string& sql) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db().c_str(), &raw), SQLITE_OK);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << (message ? message : "");
    sqlite3_free(message);
    sqlite3_close(raw);
  }
  std::filesystem::path dir_;
};

TEST_F(AccountStoreTest, AccountsGrantsAndTokensSurviveReopening) {
  {
    auto store = open();
    auto id = store->add_user("ana", std::string("$argon2id$stand-in"), kT0);
    ASSERT_TRUE(id);
    ASSERT_TRUE(store->put_grant(*id, {"home", Role::member}));
    ASSERT_TRUE(store->put_grant(*id, {"home", Role::manager}));  // replaces
    ASSERT_TRUE(store->put_grant(*id, {"*", Role::guest}));
    ASSERT_TRUE(
        store->add_token({"abcd", *id, TokenKind::session, kT0, kT0 + std::chrono::hours(1), std::nullopt}));
  }
  auto store = open();
  auto ana = store->find_user("ana");
  ASSERT_TRUE(ana && *ana);
  EXPECT_EQ((*ana)->password_hash, "$argon2id$stand-in");
  EXPECT_EQ((*ana)->grants, (std::vector<core::access::Grant>{{"*", Role::guest}, {"home", Role::manager}}));
  auto token = store->find_token("abcd");
  ASSERT_TRUE(token && *token);
  EXPECT_EQ((*token)->user_id, (*ana)->id);
  EXPECT_EQ((*token)->expires_at, kT0 + std::chrono::hours(1));
  EXPECT_EQ((*token)->revoked_at, std::nullopt);
}

TEST_F(AccountStoreTest, ATakenNameIsAConflict) {
  auto store = open();
  ASSERT_TRUE(store->add_user("ana", std::nullopt, kT0));
  auto again = store->add_user("ana", std::nullopt, kT0);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
}

TEST_F(AccountStoreTest, RemovingAnAccountTakesItsGrantsAndTokensWithIt) {
  auto store = open();
  auto id = store->add_user("ana", std::nullopt, kT0);
  ASSERT_TRUE(store->put_grant(*id, {"home", Role::owner}));
  ASSERT_TRUE(store->add_token({"t1", *id, TokenKind::cli, kT0, std::nullopt, std::nullopt}));
  ASSERT_TRUE(store->remove_user(*id));
  EXPECT_FALSE(*store->find_user("ana"));
  EXPECT_FALSE(*store->find_token("t1"));
  // A new account with the same name does not inherit anything.
  auto again = store->add_user("ana", std::nullopt, kT0);
  EXPECT_TRUE((*store->find_user(*again))->grants.empty());
}

TEST_F(AccountStoreTest, RevokingMarksTokensOnceAndOnlyOfTheKindAsked) {
  auto store = open();
  auto id = store->add_user("ana", std::nullopt, kT0);
  ASSERT_TRUE(store->add_token({"s1", *id, TokenKind::session, kT0, std::nullopt, std::nullopt}));
  ASSERT_TRUE(store->add_token({"c1", *id, TokenKind::cli, kT0, std::nullopt, std::nullopt}));
  EXPECT_EQ(*store->revoke_tokens_of(*id, TokenKind::session, kT0), 1);
  EXPECT_TRUE((*store->find_token("s1"))->revoked_at);
  EXPECT_FALSE((*store->find_token("c1"))->revoked_at);
  EXPECT_TRUE(*store->revoke_token("c1", kT0));
  EXPECT_FALSE(*store->revoke_token("c1", kT0));
  EXPECT_EQ(*store->delete_dead_tokens(kT0 + std::chrono::seconds(1)), 2);
}

// Attack suite (I4): someone who can write the database file but not read
// <data_dir>/accounts.key tries to raise an account, forge a token, revive a
// revoked one or swap a password hash. Each edited row is ignored as if absent.
TEST_F(AccountStoreTest, RowsEditedInTheFileGrantNothingAndForgedTokensAreRefused) {
  std::int64_t ana = 0;
  std::int64_t admin = 0;
  {
    auto store = open();
    ana = *store->add_user("ana", std::string("$argon2id$ana"), kT0);
    admin = *store->add_user("admin", std::string("$argon2id$admin"), kT0);
    ASSERT_TRUE(store->put_grant(ana, {"home", Role::member}));
    ASSERT_TRUE(store->put_grant(admin, {"*", Role::owner}));
    ASSERT_TRUE(store->add_token({"live", ana, TokenKind::session, kT0, std::nullopt, std::nullopt}));
    ASSERT_TRUE(store->add_token({"gone", admin, TokenKind::cli, kT0, std::nullopt, std::nullopt}));
    ASSERT_TRUE(*store->revoke_token("gone", kT0));
  }
  // The honest state reads back.
  {
    auto store = open();
    ASSERT_TRUE(*store->find_token("live"));
    EXPECT_EQ((*store->find_user("ana"))->grants.size(), 1U);
  }
  const std::string a = std::to_string(ana);
  edit("UPDATE user_grants SET role = 'owner' WHERE user_id = " + a);
  edit("INSERT INTO user_grants (user_id, site, role) VALUES (" + a + ", 'office', 'owner')");
  edit("INSERT INTO api_tokens (hash, user_id, kind, created_at_ms) VALUES ('forged', " +
       std::to_string(admin) + ", 'cli', 0)");
  edit("UPDATE api_tokens SET revoked_at_ms = NULL WHERE hash = 'gone'");
  edit("UPDATE users SET password_hash = '$argon2id$mine' WHERE name = 'admin'");
  // Copying a valid MAC onto another row does not help: the MAC covers the row's content.
  edit("UPDATE api_tokens SET user_id = " + std::to_string(admin) + " WHERE hash = 'live'");

  auto store = open();
  auto raised = store->find_user("ana");
  ASSERT_TRUE(raised && *raised);
  EXPECT_TRUE((*raised)->grants.empty()) << "neither the edited nor the inserted grant counts";
  EXPECT_FALSE(*store->find_token("forged"));
  EXPECT_FALSE(*store->find_token("gone")) << "a revoked token stays dead";
  EXPECT_FALSE(*store->find_token("live")) << "a token moved to another account is refused";
  EXPECT_FALSE(*store->find_user("admin")) << "an account whose password hash was swapped cannot sign in";
  EXPECT_EQ(store->users()->size(), 1U);
}

TEST_F(AccountStoreTest, RowsFromBeforeTheKeyExistedAreSealedOnceAndOnlyThen) {
  {
    auto store = open();
    ASSERT_TRUE(store->add_user("ana", std::string("$argon2id$ana"), kT0));
  }
  // As a database from before schema version 9 looks: rows without MACs.
  edit("UPDATE users SET mac = ''");
  EXPECT_FALSE(*open()->find_user("ana")) << "with the key in place, a row without a MAC is an edit";
  std::filesystem::remove(dir_ / "accounts.key");  // the first start of a hub that never had one
  EXPECT_TRUE(*open()->find_user("ana"));
  EXPECT_TRUE(*open()->find_user("ana")) << "sealed for good";
}

}  // namespace
}  // namespace lw::adapters::sqlite
