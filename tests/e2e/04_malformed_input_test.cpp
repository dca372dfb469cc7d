// Garbage on the wire is counted and dropped; the hub keeps serving.
#include <boost/asio/io_context.hpp>

#include "adapters/mqtt/mqtt_client.h"
#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

class MalformedInput : public HubE2E {
 protected:
  /// Publishes raw payloads as a misbehaving device would.
  void publish_raw(const std::vector<std::pair<std::string, std::string>>& messages) {
    boost::asio::io_context io;
    adapters::mqtt::MqttClient::Options options;
    options.port = broker_.port();
    options.client_id = "e2e-rogue";
    options.clean_session = true;
    adapters::mqtt::MqttClient client(io, options);
    client.start();
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!client.connected() && std::chrono::steady_clock::now() < deadline) io.run_for(20ms);
    ASSERT_TRUE(client.connected());
    for (const auto& [topic, payload] : messages) {
      ASSERT_TRUE(client.publish(topic, payload, adapters::mqtt::Qos::at_least_once, false));
    }
    io.run_for(300ms);
    client.stop();
    io.run_for(100ms);
  }

  std::uint64_t rejected(const std::string& reason) {
    auto stats = get("/api/v1/stats");
    if (!stats.is_object()) return 0;
    const auto* r = stats.at("rejected").as_object().if_contains(reason);
    return r ? r->to_number<std::uint64_t>() : 0;
  }
};

TEST_F(MalformedInput, MalformedPayloadsAreCountedByReasonAndIgnored) {
  start_hub();
  start_sim();
  ASSERT_TRUE(eventually([&] { return lock_is("door-a", "connectivity", "online"); }, 10s)) << logs();
  const std::string battery_before = field(lock("door-a"), "battery_pct");

  publish_raw({
      {"lw/v1/e2e/door-a/telemetry", "not json at all"},
      {"lw/v1/e2e/door-a/telemetry", R"({"v":1,"ts_ms":1700000000000,"battery_pct":250})"},
      {"lw/v1/e2e/door-a/telemetry", R"({"v":1,"ts_ms":1700000000000,"battery_pct":250})"},
      {"lw/v1/e2e/door-a/state", R"({"v":1,"ts_ms":1700000000000,"lock_state":"exploded"})"},
      {"lw/v1/e2e/door-a/event", R"({"v":1,"ts_ms":1700000000000,"type":"lock_operation"})"},
      {"lw/v1/e2e/bad.id/status", R"({"v":1,"status":"online"})"},
  });
  ASSERT_TRUE(
      eventually([&] { return rejected("telemetry.battery_pct: must be an integer 0..100") == 2; }, 3s))
      << json::serialize(get("/api/v1/stats"));
  EXPECT_EQ(rejected("payload: not valid JSON"), 1U);
  EXPECT_EQ(rejected("event.seq: missing"), 1U);
  EXPECT_GE(get("/api/v1/stats").at("rejected").as_object().size(), 4U);

  // Nothing of it reached the lock record, and the hub still serves and hears the lock.
  auto a = lock("door-a");
  EXPECT_EQ(field(a, "battery_pct"), battery_before);
  EXPECT_NE(field(a, "battery_pct"), "250");
  EXPECT_NE(field(a, "lock_state"), "exploded");
  EXPECT_EQ(field(a, "connectivity"), "online");
  EXPECT_EQ(cli({"lock", "door-a"}).exit_code, 0) << logs();
  EXPECT_TRUE(hub_->running());
}

}  // namespace
}  // namespace lw::e2e
