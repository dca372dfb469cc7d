// The hub notices within its configured bound when a lock goes away.
#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

class OfflineDetection : public HubE2E {};

TEST_F(OfflineDetection, KilledLockIsOfflineWithinTheBoundAndBackWhenRestarted) {
  start_hub();
  start_sim();
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();

  // The whole simulator process dies (kill -9): the broker publishes each lock's Last Will.
  auto killed_at = std::chrono::steady_clock::now();
  sim_->signal(SIGKILL);
  // Bound: 3 missed 1 s heartbeats + 0.5 s grace, as configured.
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "offline"); }, 3500ms)) << logs();
  auto took = std::chrono::steady_clock::now() - killed_at;
  std::cout << "[ measured ] offline detected "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms after kill -9\n";

  auto events = get("/api/v1/locks/door-a/events");
  EXPECT_EQ(events.at("events").as_array().at(0).at("kind"), "connectivity");
  EXPECT_EQ(events.at("events").as_array().at(0).at("detail"), "offline");

  start_sim();
  EXPECT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
}

TEST_F(OfflineDetection, LockWhoseRadioHangsIsOfflineAfterMissedHeartbeats) {
  start_hub();
  std::string scenario(kTwoLocks);
  scenario += "\n[[fault]]\nat = \"2s\"\nlock = \"door-b\"\nkind = \"silence\"\n";
  start_sim(scenario);
  ASSERT_TRUE(eventually([&] { return lock_is("door-b", "connectivity", "online"); }, 10s)) << logs();
  // Still connected to the broker (no Last Will), but silent: 3 x 1 s + 0.5 s.
  ASSERT_TRUE(eventually([&] { return lock_is("door-b", "connectivity", "offline"); }, 8s)) << logs();
  EXPECT_EQ(field(lock("door-a"), "connectivity"), "online");
}

}  // namespace
}  // namespace lw::e2e
