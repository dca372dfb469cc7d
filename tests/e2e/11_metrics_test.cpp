// Prometheus scrapes GET /metrics and sees the fleet and the commands.
#include <sstream>

#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

class Metrics : public HubE2E {
 protected:
  /// The body of GET /metrics, or "" when the hub does not answer 200.
  std::string scrape() {
    auto r = adapters::http::http_request("GET", url() + "/metrics", "", 2s, auth());
    if (!r || r->status != 200) return "";
    return r->body;
  }
  /// The value of the sample `series` (name and labels as written), or "".
  static std::string sample(const std::string& text, const std::string& series) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with(series + " ")) return line.substr(series.size() + 1);
    }
    return "";
  }
};

TEST_F(Metrics, ScrapeAfterALockRoundTripShowsOnlineLocksAndTheCommandsLatency) {
  start_hub();
  start_sim();
  ASSERT_TRUE(eventually(
      [&] {
        return lock_is("door-a", "connectivity", "online") && lock_is("door-b", "connectivity", "online");
      },
      10s))
      << logs();
  auto locked = cli({"lock", "door-a"});
  ASSERT_EQ(locked.exit_code, 0) << locked.output << logs();

  const std::string text = scrape();
  ASSERT_FALSE(text.empty()) << logs();
  EXPECT_EQ(sample(text, R"(lockwarden_locks{connectivity="online"})"), "2") << text;
  EXPECT_EQ(sample(text, R"(lockwarden_locks{connectivity="offline"})"), "0") << text;
  EXPECT_EQ(sample(text, R"(lockwarden_commands_total{outcome="succeeded"})"), "1") << text;
  EXPECT_EQ(sample(text, "lockwarden_command_latency_seconds_count"), "1") << text;
  EXPECT_EQ(sample(text, R"(lockwarden_command_latency_seconds_bucket{le="+Inf"})"), "1") << text;
  // A loopback round trip answers well within the 30 s bucket.
  EXPECT_EQ(sample(text, R"(lockwarden_command_latency_seconds_bucket{le="30"})"), "1") << text;
  EXPECT_GT(std::stod(sample(text, "lockwarden_command_latency_seconds_sum")), 0.0) << text;
  EXPECT_GT(std::stoull(sample(text, R"(lockwarden_messages_total{transport="wifi"})")), 0U) << text;
  EXPECT_EQ(sample(text, "lockwarden_incidents_open"), "0") << text;
  EXPECT_NE(text.find("# TYPE lockwarden_command_latency_seconds histogram\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace lw::e2e
