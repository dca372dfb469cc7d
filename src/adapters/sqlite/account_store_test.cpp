#include "adapters/sqlite/account_store.h"

#include <gtest/gtest.h>

#include "tests/support/mosquitto_broker.h"

namespace lw::adapters::sqlite {
namespace {

using core::access::Role;

const Timestamp kT0 = from_epoch_ms(1'800'000'000'000);

class AccountStoreTest : public ::testing::Test {
 protected:
  AccountStoreTest() : dir_(lw::testing::make_temp_dir("accounts")) {}
  ~AccountStoreTest() override { lw::testing::remove_temp_dir_unless_failed(dir_); }
  std::unique_ptr<AccountStore> open() {
    auto s = AccountStore::open((dir_ / "lockwarden.db").string(), Synchronous::full, kT0);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return s ? std::move(*s) : nullptr;
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

}  // namespace
}  // namespace lw::adapters::sqlite
