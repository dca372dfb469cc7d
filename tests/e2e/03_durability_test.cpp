// Nothing the hub acknowledged is lost across a restart or a kill -9.
#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

class Durability : public HubE2E {};

TEST_F(Durability, StateSurvivesAHubKill) {
  start_hub();
  start_sim();
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
  ASSERT_EQ(cli({"lock", "door-a"}).exit_code, 0) << logs();
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "lock_state", "locked"); }, 2s));
  const std::string battery = field(lock("door-a"), "battery_pct");

  sim_->signal(SIGKILL);
  sim_->wait(5s);
  hub_->signal(SIGKILL);
  hub_->wait(5s);
  start_hub();
  auto a = lock("door-a");
  EXPECT_EQ(field(a, "lock_state"), "locked");
  EXPECT_EQ(field(a, "battery_pct"), battery);
  EXPECT_EQ(field(a, "name"), "Door A");
}

TEST_F(Durability, PendingUnlockSurvivesAHubKillAndCompletesWhenTheLockReturns) {
  start_hub();
  start_sim();
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
  // The lock goes away; an unlock is accepted (202) and stays pending.
  sim_->signal(SIGKILL);
  sim_->wait(5s);
  auto accepted = post("/api/v1/locks/door-a/unlock");
  ASSERT_EQ(accepted.status, 202);
  std::string id(accepted.body.at("action").at("id").as_string());
  // The hub dies right after acknowledging.
  hub_->signal(SIGKILL);
  hub_->wait(5s);
  start_hub();
  EXPECT_EQ(get("/api/v1/actions/" + id).at("action").at("status"), "pending");
  // The lock returns: the broker delivers the queued command, the lock obeys,
  // and the restarted hub records the result.
  start_sim();
  EXPECT_TRUE(
      eventually([&] { return get("/api/v1/actions/" + id).at("action").at("status") == "succeeded"; }, 15s))
      << logs();
  EXPECT_TRUE(eventually([&] { return lock_is("door-a", "lock_state", "unlocked"); }, 2s));
}

TEST_F(Durability, CommandThatCannotBeDeliveredInTimeExpiresWithAReason) {
  start_hub("[commands]\nttl = \"2s\"\n");
  start_sim();
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
  sim_->signal(SIGKILL);
  sim_->wait(5s);
  auto accepted = post("/api/v1/locks/door-a/lock");
  ASSERT_EQ(accepted.status, 202);
  std::string id(accepted.body.at("action").at("id").as_string());
  ASSERT_TRUE(
      eventually([&] { return get("/api/v1/actions/" + id).at("action").at("status") == "expired"; }, 5s));
  // When the lock comes back the queued command is refused as expired: the bolt does not move.
  start_sim();
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(field(lock("door-a"), "lock_state"), "unlocked");
  EXPECT_EQ(get("/api/v1/actions/" + id).at("action").at("status"), "expired");
}

}  // namespace
}  // namespace lw::e2e
