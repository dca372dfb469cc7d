// Revoking guest keys from the hub: a revocation waits for a lock that is
// away, survives a restart of the hub, is sent again until the lock answers,
// and stops mattering once the grant's window has passed.
#include "app/guest_keys.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/hub/hub.h"
#include "tests/support/memory_store.h"
#include "tests/support/mosquitto_broker.h"
#include "tests/support/recording_device_link.h"

namespace lw::app {
namespace {

using adapters::sqlite::Revocation;

const protocol::KeyPair kHubKey = *protocol::key_pair_from_text_seed("lockwarden-protocol-v1-test-key!");
const protocol::KeyPair kGuest = *protocol::key_pair_from_text_seed("guest-phone-key-for-tests-000001");

class GuestKeysTest : public ::testing::Test {
 protected:
  GuestKeysTest() : dir_(lw::testing::make_temp_dir("guest-keys")) {
    EXPECT_TRUE(hub_.load());
    core::SiteRecord home;
    home.id = "home";
    home.name = "Home";
    EXPECT_TRUE(hub_.add_site(home));
    for (const char* id : {"front", "back"}) {
      core::LockRecord lock;
      lock.id = id;
      lock.site = "home";
      lock.name = id;
      EXPECT_TRUE(hub_.add_lock(lock));
    }
    auto grants = adapters::sqlite::GuestGrantStore::open(dir_ + "/lockwarden.db",
                                                          adapters::sqlite::Synchronous::full, clock_.now());
    EXPECT_TRUE(grants);
    grants_ = std::move(*grants);
    restart();
  }
  ~GuestKeysTest() override { lw::testing::remove_temp_dir_unless_failed(dir_); }

  /// A new GuestKeys on the same database, as after a restart of the hub.
  void restart() {
    keys_.reset();
    keys_ = std::make_unique<GuestKeys>(
        GuestKeys::Ports{hub_, store_, *grants_, random_, [](const core::LockRecord&) { return true; },
                         [this](const core::Command& c) {
                           sent_.push_back(c);
                           return ok();
                         }},
        "hub", kHubKey.secret);
  }

  void hear(const std::string& lock) {
    core::Telemetry t;
    t.ts = clock_.now();
    t.battery_pct = 80;
    t.heartbeat = 10s;
    ASSERT_TRUE(hub_.on_telemetry({"home", lock}, t));
  }

  std::string issue(std::vector<LockId> locks, Duration window) {
    GuestKeyRequest r{"home",       std::move(locks),
                      "ana",        protocol::encode_public_key(kGuest.public_key),
                      std::nullopt, clock_.now() + window};
    auto issued = keys_->issue(r, "user:owner@test");
    EXPECT_TRUE(issued) << issued.error().message;
    return issued ? issued->grant.id : "";
  }

  Revocation state(const std::string& grant, const std::string& lock) {
    auto g = keys_->find(grant);
    EXPECT_TRUE(g);
    for (const auto& l : g->locks) {
      if (l.lock == lock) return l.revocation;
    }
    return Revocation::none;
  }

  void answer(const core::Command& c, core::CommandOutcome outcome) {
    core::CommandResult r;
    r.command_id = c.id;
    r.outcome = outcome;
    r.ts = clock_.now();
    keys_->on_result(c.target, r);
  }

  std::string dir_;
  core::ManualClock clock_;
  core::MemoryStore store_;
  lw::testing::RecordingDeviceLink link_;
  core::NullEventSink sink_;
  core::SeededRandom random_{42};
  core::Hub hub_{clock_, store_, link_, sink_, random_, core::HubOptions{}};
  std::unique_ptr<adapters::sqlite::GuestGrantStore> grants_;
  std::unique_ptr<GuestKeys> keys_;
  std::vector<core::Command> sent_;
};

TEST_F(GuestKeysTest, ARevocationWaitsForALockThatIsAwaySurvivesARestartAndIsSentAgainUntilAnswered) {
  hear("front");
  const std::string id = issue({"front", "back"}, std::chrono::hours(48));
  auto revoked = keys_->revoke(id, "user:owner@test");
  ASSERT_TRUE(revoked) << revoked.error().message;
  // front hears it at once; back was never heard: nothing goes to it.
  ASSERT_EQ(sent_.size(), 1U);
  EXPECT_EQ(sent_[0].target.lock, "front");
  ASSERT_TRUE(sent_[0].revoke_grant);
  EXPECT_EQ(sent_[0].revoke_grant->grant_id, id);
  EXPECT_EQ(sent_[0].key_id, "hub");
  answer(sent_[0], core::CommandOutcome::ok);
  EXPECT_EQ(state(id, "front"), Revocation::revoked);
  EXPECT_EQ(state(id, "back"), Revocation::pending);
  EXPECT_EQ(keys_->revoke(id, "user:owner@test").error().code, ErrorCode::conflict);

  // The hub restarts; back comes online afterwards and is told then.
  restart();
  sent_.clear();
  keys_->tick();
  EXPECT_TRUE(sent_.empty());
  hear("back");
  keys_->tick();
  ASSERT_EQ(sent_.size(), 1U);
  EXPECT_EQ(sent_[0].target.lock, "back");
  // No answer: the same revocation goes again after 30 s, as a new command with a higher counter.
  clock_.advance(10s);
  hear("back");
  keys_->tick();
  EXPECT_EQ(sent_.size(), 1U);
  clock_.advance(GuestKeys::kResend);
  hear("back");
  keys_->tick();
  ASSERT_EQ(sent_.size(), 2U);
  EXPECT_NE(sent_[1].id, sent_[0].id);
  EXPECT_GT(sent_[1].counter, sent_[0].counter);
  answer(sent_[0], core::CommandOutcome::ok);  // a late answer to the first one also settles it
  EXPECT_EQ(state(id, "back"), Revocation::revoked);
  auto g = keys_->find(id);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->locks[0].attempts + g->locks[1].attempts, 3);
}

TEST_F(GuestKeysTest, ALockThatRefusesIsFailedAndOneNeverBackBeforeTheWindowEndsIsMoot) {
  hear("front");
  const std::string id = issue({"front", "back"}, std::chrono::hours(1));
  ASSERT_TRUE(keys_->revoke(id, "user:owner@test"));
  ASSERT_EQ(sent_.size(), 1U);
  answer(sent_[0], core::CommandOutcome::refused);
  EXPECT_EQ(state(id, "front"), Revocation::failed);
  auto g = keys_->find(id);
  EXPECT_NE(g->locks[1].detail.find("refused"), std::string::npos) << g->locks[1].detail;
  clock_.advance(std::chrono::hours(1));
  keys_->tick();
  EXPECT_EQ(state(id, "back"), Revocation::moot);
}

}  // namespace
}  // namespace lw::app
