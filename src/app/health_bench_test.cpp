#include "app/health_bench.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lw::app {
namespace {

namespace json = boost::json;

// A house: three Wi-Fi locks and a Zigbee coordinator on one router, two
// Zigbee locks behind it. The router loses power for 30 minutes on day 1
// (everything drops together); on day 2 a Zigbee lock's radio hangs for 3 hours.
constexpr std::string_view kHouse = R"(
seed = 7
packet_loss = 0.05
heartbeat_jitter = "10s"

[[site]]
id = "house"

[[network]]
id = "home-wifi"
site = "house"

[[bridge]]
id = "zb"
site = "house"
kind = "zigbee"
network = "home-wifi"

[[lock]]
id = "front"
site = "house"
network = "home-wifi"
battery_pct = 90

[[lock]]
id = "back"
site = "house"
network = "home-wifi"
battery_pct = 90

[[lock]]
id = "garage"
site = "house"
network = "home-wifi"
battery_pct = 90

[[lock]]
id = "porch"
site = "house"
transport = "zigbee"
bridge = "zb"
battery_pct = 90

[[lock]]
id = "shed"
site = "house"
transport = "zigbee"
bridge = "zb"
battery_pct = 90

[[fault]]
at = "1d"
kind = "router_power_outage"
target = "home-wifi"
duration = "30m"

[[fault]]
at = "2d"
kind = "firmware_bug"
target = "shed"
duration = "3h"
)";

class HealthBench : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lw-health-bench-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  json::object run(std::string_view scenario, const std::string& until) {
    const auto path = dir_ / "house.toml";
    std::ofstream(path) << scenario;
    HealthBenchOptions o;
    o.scenario = path.string();
    o.until = until;
    o.json = true;
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(run_bench_health(o, out, err), 0) << err.str();
    return json::parse(out.str()).as_object();
  }

  std::filesystem::path dir_;
};

TEST_F(HealthBench, OursDetectsInSecondsAndGroupsWhereTheBaselinesWaitHours) {
  const json::object r = run(kHouse, "3d");
  for (const char* key : {"heartbeat_s", "detect_p50_s", "detect_p99_s", "false_alarms_per_1000_lock_days",
                          "grouped_outage_share", "battery_mae_days_30", "battery_mae_days_14",
                          "battery_mae_days_7", "surprise_deaths", "baselines"}) {
    EXPECT_TRUE(r.contains(key)) << key;
  }
  // Six outages: five locks with the router, one hung radio.
  EXPECT_EQ(r.at("outages").as_int64(), 6);
  EXPECT_EQ(r.at("missed").as_int64(), 0);
  EXPECT_LT(r.at("detect_p50_s").as_double(), 60) << "Last Wills and the coordinator's own state";
  EXPECT_LT(r.at("detect_p99_s").as_double(), 2 * 3600)
      << "the hung Zigbee radio: a missed report and two probes";
  EXPECT_EQ(r.at("grouped_outage_share").as_double(), 1.0) << "the router's outage is one incident";
  EXPECT_EQ(r.at("false_alarms").as_int64(), 0);

  const json::object& z2m = r.at("baselines").at("Zigbee2MQTT (25 h)").as_object();
  EXPECT_EQ(z2m.at("missed").as_int64(), z2m.at("outages").as_int64()) << "no outage lasted 25 hours";
  EXPECT_TRUE(z2m.at("grouped_outage_share").is_null() || z2m.at("grouped_outage_share").as_double() == 0);
}

TEST_F(HealthBench, AScenarioThatDoesNotParseIsAClearError) {
  const auto path = dir_ / "bad.toml";
  std::ofstream(path) << "packet_loss = 0.9\n";
  HealthBenchOptions o;
  o.scenario = path.string();
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_bench_health(o, out, err), 1);
  EXPECT_NE(err.str().find("packet_loss: must be a number 0..0.5"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace lw::app
