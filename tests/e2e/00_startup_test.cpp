// Start-up refuses bad configuration and scenario files with a message that
// names the file, line and key, and exits non-zero.
#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

class Startup : public HubE2E {};

TEST_F(Startup, BadConfigValueStopsTheHubNamingTheKey) {
  write_file(dir_ / "bad.toml", "[mqtt]\nport = 99999\n");
  auto r = testing::run_program({LW_BINARY, "serve", "--config", (dir_ / "bad.toml").string()}, 10s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("bad.toml:2:8: mqtt.port: must be an integer 1..65535"), std::string::npos)
      << r.output;
}

TEST_F(Startup, MisspelledConfigKeyStopsTheHub) {
  write_file(dir_ / "typo.toml", "[liveness]\nmissed_heartbeat = 3\n");
  auto r = testing::run_program({LW_BINARY, "serve", "--config", (dir_ / "typo.toml").string()}, 10s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("liveness.missed_heartbeat: unknown key"), std::string::npos) << r.output;
}

TEST_F(Startup, ScenarioNamingAnUnknownLockIsRefused) {
  std::string scenario(kTwoLocks);
  scenario += "\n[[fault]]\nat = \"1s\"\nlock = \"garag\"\nkind = \"power_loss\"\n";
  write_file(dir_ / "scenario.toml", scenario);
  auto r = testing::run_program({LW_BINARY, "sim", "--scenario", (dir_ / "scenario.toml").string(),
                                 "--virtual", "--until", "1h", "--trace", (dir_ / "trace.jsonl").string()},
                                10s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("fault[0].lock"), std::string::npos) << r.output;
}

TEST_F(Startup, SecondHubOnTheSamePortSaysWhy) {
  start_hub();
  auto r = testing::run_program({LW_BINARY, "serve", "--config", (dir_ / "hub.toml").string()}, 10s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find(std::to_string(http_port_)), std::string::npos) << r.output;
}

}  // namespace
}  // namespace lw::e2e
