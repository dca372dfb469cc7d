// Guest grants at rest: a revocation accepted before a restart is still
// pending after it (so it is still delivered), and a grant is revoked once.
#include "adapters/sqlite/guest_grant_store.h"

#include <gtest/gtest.h>

#include "tests/support/mosquitto_broker.h"

namespace lw::adapters::sqlite {
namespace {

const Timestamp kT0 = from_epoch_ms(1'767'225'600'000);

class GuestGrantStoreTest : public ::testing::Test {
 protected:
  GuestGrantStoreTest() : dir_(lw::testing::make_temp_dir("grants")) {}
  ~GuestGrantStoreTest() override { lw::testing::remove_temp_dir_unless_failed(dir_); }

  std::unique_ptr<GuestGrantStore> open() {
    auto s = GuestGrantStore::open(dir_ + "/lockwarden.db", Synchronous::full, kT0);
    EXPECT_TRUE(s) << (s ? "" : s.error().to_string());
    return s ? std::move(*s) : nullptr;
  }

  static StoredGrant grant(const std::string& id, Timestamp issued) {
    StoredGrant g;
    g.id = id;
    g.site = "home";
    g.user = "ana";
    g.guest_key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    g.not_before = issued;
    g.not_after = issued + std::chrono::hours(48);
    g.issued_at = issued;
    g.issued_by = "user:owner@cli";
    g.locks = {{"back-door", Revocation::none, {}, 0, issued},
               {"front-door", Revocation::none, {}, 0, issued}};
    return g;
  }

  std::string dir_;
};

TEST_F(GuestGrantStoreTest, ARevocationAcceptedBeforeARestartIsStillPendingAfterIt) {
  {
    auto store = open();
    ASSERT_TRUE(store->add(grant("guest-aaaa", kT0)));
    ASSERT_TRUE(store->add(grant("guest-bbbb", kT0 + 1s)));
    ASSERT_TRUE(store->revoke("guest-aaaa", "user:owner@cli", kT0 + 5s));
    ASSERT_TRUE(store->set_lock("guest-aaaa", {"back-door", Revocation::revoked, {}, 1, kT0 + 6s}));
  }
  auto store = open();
  auto pending = store->pending();
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1U);
  const StoredGrant& g = (*pending)[0];
  EXPECT_EQ(g.id, "guest-aaaa");
  ASSERT_TRUE(g.revoked_at);
  EXPECT_EQ(*g.revoked_at, kT0 + 5s);
  ASSERT_EQ(g.locks.size(), 2U);
  EXPECT_EQ(g.locks[0].revocation, Revocation::revoked);
  EXPECT_EQ(g.locks[1].lock, "front-door");
  EXPECT_EQ(g.locks[1].revocation, Revocation::pending);

  auto again = store->revoke("guest-aaaa", "user:owner@cli", kT0 + 9s);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_EQ(store->revoke("guest-none", "user:owner@cli", kT0).error().code, ErrorCode::not_found);

  auto listed = store->list("home", 10);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2U);
  EXPECT_EQ((*listed)[0].id, "guest-bbbb") << "newest first";
  EXPECT_FALSE((*listed)[0].revoked_at);
  EXPECT_TRUE(store->list("elsewhere", 10)->empty());
}

}  // namespace
}  // namespace lw::adapters::sqlite
