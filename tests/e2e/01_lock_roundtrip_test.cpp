// A user locks and unlocks a lock with the CLI; the lock really moves.
#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

class LockRoundTrip : public HubE2E {};

TEST_F(LockRoundTrip, SimulatedLocksComeOnlineAndStatusListsThem) {
  start_hub();
  start_sim();
  ASSERT_TRUE(eventually(
      [&] {
        return lock_is("door-a", "connectivity", "online") && lock_is("door-b", "connectivity", "online");
      },
      10s))
      << logs();
  auto status = cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.output;
  auto parsed = json::parse(status.output);
  const auto& locks = parsed.at("locks").as_array();
  ASSERT_EQ(locks.size(), 2U);
  EXPECT_EQ(locks[0].at("id").as_string(), "door-a");
  EXPECT_EQ(locks[0].at("site").as_string(), "e2e");
  EXPECT_EQ(locks[0].at("connectivity").as_string(), "online");
  // door-a's pack is fuller than door-b's (80 % and 60 % in the scenario); the gauge reads volts.
  EXPECT_GT(locks[0].at("battery_pct").as_int64(), locks[1].at("battery_pct").as_int64());
  EXPECT_EQ(locks[0].at("rssi_dbm").as_int64(), -55);
  EXPECT_EQ(locks[0].at("lock_state").as_string(), "unlocked");

  auto table = cli({"status"});
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("Door A"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("2 locks, 2 online"), std::string::npos) << table.output;
}

TEST_F(LockRoundTrip, LockThenUnlockMovesTheBoltAndIsRecorded) {
  start_hub();
  start_sim();
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();

  auto locked = cli({"lock", "door-a"});
  ASSERT_EQ(locked.exit_code, 0) << locked.output << logs();
  EXPECT_NE(locked.output.find("door-a: lock done"), std::string::npos) << locked.output;
  EXPECT_TRUE(eventually([&] { return lock_is("door-a", "lock_state", "locked"); }, 2s));

  auto unlocked = cli({"unlock", "door-a", "--json"});
  ASSERT_EQ(unlocked.exit_code, 0) << unlocked.output;
  auto action = json::parse(unlocked.output).at("action");
  EXPECT_EQ(action.at("status").as_string(), "succeeded");
  EXPECT_TRUE(eventually([&] { return lock_is("door-a", "lock_state", "unlocked"); }, 2s));

  auto events = cli({"events", "door-a", "--json"});
  ASSERT_EQ(events.exit_code, 0) << events.output;
  int remote_operations = 0;
  auto history = json::parse(events.output);
  for (const auto& e : history.at("events").as_array()) {
    if (e.at("kind") == "lock_operation" && e.at("source") == "remote") ++remote_operations;
  }
  EXPECT_EQ(remote_operations, 2) << events.output;
}

TEST_F(LockRoundTrip, UnknownLockIsAClearErrorWithNonZeroExit) {
  start_hub();
  auto r = cli({"unlock", "no-such-door"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("lock 'no-such-door' not found"), std::string::npos) << r.output;
}

TEST_F(LockRoundTrip, UnreachableHubIsAClearErrorWithNonZeroExit) {
  auto r = cli({"status"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.output.find("cannot reach the hub at " + url()), std::string::npos) << r.output;
}

}  // namespace
}  // namespace lw::e2e
