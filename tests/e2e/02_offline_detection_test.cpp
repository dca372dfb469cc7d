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
  // The broker publishes the Last Will within 1.5 keep-alives (1 s here).
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "offline"); }, 3500ms)) << logs();
  auto took = std::chrono::steady_clock::now() - killed_at;
  std::cout << "[ measured ] offline detected "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms after kill -9\n";

  // Its history says why, and that both locks dropped together: one incident.
  auto events = get("/api/v1/locks/door-a/events");
  std::string connectivity;
  std::string incident;
  for (const auto& e : events.at("events").as_array()) {
    const std::string kind(e.at("kind").as_string());
    const std::string detail(e.at("detail").as_string());
    if (kind == "connectivity" && connectivity.empty()) connectivity = detail;
    if (kind == "health" && incident.empty()) incident = detail;
  }
  EXPECT_EQ(connectivity, "offline: Last Will");
  EXPECT_NE(incident.find("2 locks"), std::string::npos) << incident;

  start_sim();
  EXPECT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
}

TEST_F(OfflineDetection, LockWhoseRadioHangsIsOfflineAfterMissedHeartbeats) {
  start_hub();
  std::string scenario(kTwoLocks);
  scenario += "\n[[fault]]\nat = \"2s\"\nlock = \"door-b\"\nkind = \"silence\"\n";
  start_sim(scenario);
  ASSERT_TRUE(eventually([&] { return lock_is("door-b", "connectivity", "online"); }, 10s)) << logs();
  // Still connected to the broker (no Last Will), but silent: a few missed 1 s reports.
  ASSERT_TRUE(eventually([&] { return lock_is("door-b", "connectivity", "offline"); }, 8s)) << logs();
  EXPECT_EQ(field(lock("door-a"), "connectivity"), "online");
}

}  // namespace
}  // namespace lw::e2e
