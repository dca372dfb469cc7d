#include "sim/sim_runner.h"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/mqtt/broker_access.h"
#include "adapters/mqtt/mqtt_client.h"
#include "adapters/system/system_clock.h"
#include "protocol/codec.h"
#include "protocol/envelope.h"
#include "protocol/topics.h"
#include "tests/support/mosquitto_broker.h"

namespace lw::sim {
namespace {

using adapters::mqtt::MqttClient;
using adapters::mqtt::Qos;

struct Seen {
  std::string topic;
  std::string payload;
  bool retained;
};

const protocol::KeyPair& hub_key() {
  static const protocol::KeyPair pair =
      *protocol::key_pair_from_text_seed("lockwarden-protocol-v1-test-key!");
  return pair;
}

/// Two locks of site "t" on a fast heartbeat; `extra` adds faults or traffic.
std::string scenario_text(int port, std::string_view extra = "") {
  return "[broker]\nport = " + std::to_string(port) + R"(
[hub]
key_id = "hub"

[[site]]
id = "t"

[[lock]]
id = "door-a"
site = "t"
name = "Door A"
heartbeat = "1s"
keepalive_s = 5
battery_pct = 80
lock_state = "unlocked"

[[lock]]
id = "door-b"
site = "t"
heartbeat = "1s"
keepalive_s = 5
)" + std::string(extra);
}

class SimRunnerTest : public ::testing::Test {
 protected:
  SimRunnerTest() : SimRunnerTest(false) {}
  /// `with_accounts`: the broker takes no anonymous client (broker_access.h);
  /// the observer signs in as the hub, each lock with its own account.
  explicit SimRunnerTest(bool with_accounts)
      : with_accounts_(with_accounts),
        access_(
            adapters::mqtt::generate_broker_access("hub", {{"t", "door-a"}, {"t", "door-b"}}, {}, {}, false)),
        access_dir_(testing::make_temp_dir("sim-access")),
        files_(with_accounts ? *adapters::mqtt::write_broker_access(access_, access_dir_)
                             : adapters::mqtt::BrokerAccessFiles{}),
        broker_(adapters::mqtt::BrokerProcessOptions{.password_file = files_.password_file.string(),
                                                     .acl_file = files_.acl_file.string()}) {
    MqttClient::Options options;
    options.host = testing::MosquittoBroker::host();
    options.port = broker_.port();
    options.client_id = "observer";
    options.keepalive = 5s;
    options.clean_session = true;
    if (with_accounts_) {
      options.username = access_.hub.username;
      options.password = access_.hub.password;
    }
    observer_ = std::make_unique<MqttClient>(io_, std::move(options));
    observer_->on_message([this](std::string_view topic, std::string_view payload, bool retained) {
      seen_.push_back({std::string(topic), std::string(payload), retained});
    });
    EXPECT_TRUE(observer_->subscribe("lw/v1/#", Qos::at_least_once));
    observer_->start();
    EXPECT_TRUE(run_until([&] { return observer_->connected(); })) << broker_.log();
  }
  ~SimRunnerTest() override { testing::remove_temp_dir_unless_failed(access_dir_); }

  bool run_until(const std::function<bool()>& done, Duration timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.run_one_for(20ms);
    }
    return true;
  }

  std::unique_ptr<SimRunner> start_runner(std::string_view extra = "") {
    auto scenario = parse_scenario(scenario_text(broker_.port(), extra), "test.toml");
    EXPECT_TRUE(scenario) << scenario.error().message;
    if (with_accounts_) scenario->broker.credentials_file = files_.credentials.string();
    auto runner =
        std::make_unique<SimRunner>(io_, *scenario, protocol::encode_public_key(hub_key().public_key));
    auto started = runner->start();
    EXPECT_TRUE(started) << started.error().message;
    return runner;
  }

  [[nodiscard]] std::vector<std::string> payloads_on(std::string_view topic) const {
    std::vector<std::string> out;
    for (const auto& m : seen_) {
      if (m.topic == topic) out.push_back(m.payload);
    }
    return out;
  }

  /// The status payloads of a lock that say `online`.
  [[nodiscard]] int statuses(std::string_view topic, bool online) const {
    int n = 0;
    for (const auto& p : payloads_on(topic)) {
      auto s = protocol::decode_status(p);
      if (s && s->online == online) ++n;
    }
    return n;
  }

  std::string send_command(core::LockAction action, std::uint64_t counter) {
    core::Command c;
    c.id = "act-" + std::to_string(counter);
    c.target = {"t", "door-a"};
    c.action = action;
    c.issued_at = adapters::SystemClock().now();
    c.expires_at = c.issued_at + 30s;
    c.key_id = "hub";
    c.counter = counter;
    EXPECT_TRUE(observer_->publish("lw/v1/t/door-a/cmd", protocol::seal_command(c, hub_key().secret),
                                   Qos::at_least_once));
    return c.id;
  }

  bool with_accounts_;
  adapters::mqtt::BrokerAccess access_;
  std::filesystem::path access_dir_;
  adapters::mqtt::BrokerAccessFiles files_;
  testing::MosquittoBroker broker_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
  std::unique_ptr<MqttClient> observer_;
  std::vector<Seen> seen_;
};

TEST_F(SimRunnerTest, LocksComeOnlineWithStateAndKeepSendingTelemetryEveryHeartbeat) {
  auto runner = start_runner();

  ASSERT_TRUE(run_until([&] { return payloads_on("lw/v1/t/door-a/telemetry").size() >= 3; }))
      << broker_.log();

  EXPECT_EQ(statuses("lw/v1/t/door-a/status", true), 1);
  EXPECT_EQ(statuses("lw/v1/t/door-b/status", true), 1);
  auto states = payloads_on("lw/v1/t/door-a/state");
  ASSERT_FALSE(states.empty());
  auto state = protocol::decode_state(states.front());
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->lock_state, core::LockState::unlocked);
  EXPECT_EQ(state->door_state, core::DoorState::closed);

  auto telemetry = protocol::decode_telemetry(payloads_on("lw/v1/t/door-a/telemetry").back());
  ASSERT_TRUE(telemetry) << telemetry.error().message;
  // The lock's gauge reads the voltage of a pack 80 % full: a naive gauge, as real locks have.
  ASSERT_TRUE(telemetry->battery_pct);
  EXPECT_GT(*telemetry->battery_pct, 50);
  EXPECT_LT(*telemetry->battery_pct, 90);
  EXPECT_EQ(telemetry->heartbeat, Duration{1s});
  EXPECT_EQ(telemetry->name, "Door A");
  EXPECT_EQ(telemetry->reboot_count, 0);
}

TEST_F(SimRunnerTest, SignedCommandIsAnsweredWithResultStateAndEvent) {
  auto runner = start_runner();
  ASSERT_TRUE(
      run_until([&] { return runner->connected("door-a") && !payloads_on("lw/v1/t/door-a/state").empty(); }));
  io_.run_for(200ms);  // let the lock's subscription settle

  const std::string id = send_command(core::LockAction::lock, 1);

  ASSERT_TRUE(run_until([&] { return !payloads_on("lw/v1/t/door-a/result").empty(); })) << broker_.log();
  auto result = protocol::decode_result(payloads_on("lw/v1/t/door-a/result").front());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->command_id, id);
  EXPECT_EQ(result->outcome, core::CommandOutcome::ok);
  EXPECT_EQ(result->lock_state, core::LockState::locked);

  ASSERT_TRUE(run_until([&] { return !payloads_on("lw/v1/t/door-a/event").empty(); }));
  auto event = protocol::decode_event(payloads_on("lw/v1/t/door-a/event").front());
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->operation, core::LockAction::lock);
  EXPECT_EQ(event->source, core::OperationSource::remote);
  auto state = protocol::decode_state(payloads_on("lw/v1/t/door-a/state").back());
  ASSERT_TRUE(state);
  EXPECT_EQ(state->lock_state, core::LockState::locked);
}

// Security anchor D14: with per-lock accounts and the generated ACL, a lock
// still signs in with its Last Will, reports, and hears the hub's commands.
class SimRunnerWithAccountsTest : public SimRunnerTest {
 protected:
  SimRunnerWithAccountsTest() : SimRunnerTest(true) {}
};

TEST_F(SimRunnerWithAccountsTest, EachLockSignsInWithItsOwnAccountAndIsCommandedThroughTheBrokersAcl) {
  auto runner = start_runner();
  ASSERT_TRUE(run_until([&] {
    return runner->connected("door-a") && runner->connected("door-b") &&
           !payloads_on("lw/v1/t/door-a/state").empty();
  })) << broker_.log();
  EXPECT_NE(broker_.log().find("u'lock.t.door-a'"), std::string::npos) << broker_.log();
  io_.run_for(200ms);
  const std::string id = send_command(core::LockAction::lock, 1);
  ASSERT_TRUE(run_until([&] { return !payloads_on("lw/v1/t/door-a/result").empty(); })) << broker_.log();
  auto result = protocol::decode_result(payloads_on("lw/v1/t/door-a/result").front());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->command_id, id);
  EXPECT_EQ(result->outcome, core::CommandOutcome::ok);
}

TEST_F(SimRunnerWithAccountsTest, ALockMissingFromTheCredentialsFileIsNamed) {
  const std::string partial = (access_dir_ / "partial.txt").string();
  std::ofstream(partial) << "lock.t.door-a:" << access_.locks[0].account.password << "\n";
  auto scenario = parse_scenario(scenario_text(broker_.port()), "test.toml");
  ASSERT_TRUE(scenario);
  scenario->broker.credentials_file = partial;
  SimRunner runner(io_, *scenario, protocol::encode_public_key(hub_key().public_key));
  auto started = runner.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().message.find("has no account lock.t.door-b for lock door-b"), std::string::npos)
      << started.error().message;
}

TEST_F(SimRunnerTest, PowerLossLeavesTheLastWillAndPowerRestoreRebootsTheLock) {
  auto runner = start_runner(R"(
[[fault]]
at = "1500ms"
lock = "door-b"
kind = "power_loss"

[[fault]]
at = "3s"
lock = "door-b"
kind = "power_restore"
)");

  ASSERT_TRUE(run_until([&] {
    for (const auto& p : payloads_on("lw/v1/t/door-b/status")) {
      if (p == protocol::kLastWillPayload) return true;
    }
    return false;
  })) << broker_.log();
  EXPECT_FALSE(runner->connected("door-b"));
  EXPECT_TRUE(runner->connected("door-a"));

  ASSERT_TRUE(run_until([&] { return statuses("lw/v1/t/door-b/status", true) == 2; })) << broker_.log();
  ASSERT_TRUE(run_until([&] {
    auto t = payloads_on("lw/v1/t/door-b/telemetry");
    if (t.empty()) return false;
    auto last = protocol::decode_telemetry(t.back());
    return last && last->reboot_count == 1;
  }));
  auto last = protocol::decode_telemetry(payloads_on("lw/v1/t/door-b/telemetry").back());
  EXPECT_EQ(last->boot_reason, core::BootReason::power_on);
  EXPECT_LE(last->uptime_s.value_or(99), 2);
}

TEST_F(SimRunnerTest, SilencedLockKeepsItsConnectionAndPublishesHeldEventsInOrderOnResume) {
  auto runner = start_runner(R"(
[[fault]]
at = "1s"
lock = "door-a"
kind = "silence"

[[traffic]]
lock = "door-a"
start = "1500ms"
every = "1s"
operation = "lock"
user = "alice"

[[fault]]
at = "3s"
lock = "door-a"
kind = "resume"
)");
  ASSERT_TRUE(run_until([&] { return runner->pending_events("door-a") == 2; })) << broker_.log();
  const std::size_t telemetry_before = payloads_on("lw/v1/t/door-a/telemetry").size();
  EXPECT_TRUE(runner->connected("door-a")) << "a hung radio keeps its MQTT connection";
  EXPECT_TRUE(payloads_on("lw/v1/t/door-a/event").empty());

  ASSERT_TRUE(run_until([&] { return payloads_on("lw/v1/t/door-a/event").size() >= 2; })) << broker_.log();
  auto events = payloads_on("lw/v1/t/door-a/event");
  auto first = protocol::decode_event(events[0]);
  auto second = protocol::decode_event(events[1]);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->seq + 1, second->seq);
  EXPECT_EQ(first->user, "alice");
  EXPECT_EQ(first->source, core::OperationSource::keypad);
  EXPECT_EQ(runner->pending_events("door-a"), 0U);
  EXPECT_GT(payloads_on("lw/v1/t/door-a/telemetry").size(), telemetry_before) << "telemetry resumes";
  EXPECT_EQ(statuses("lw/v1/t/door-a/status", false), 0) << "the broker never saw it go";
}

TEST_F(SimRunnerTest, StopSaysOfflineItselfInsteadOfLeavingTheLastWill) {
  auto runner = start_runner();
  ASSERT_TRUE(run_until([&] { return statuses("lw/v1/t/door-a/status", true) == 1; }));

  runner->stop();

  ASSERT_TRUE(run_until([&] { return statuses("lw/v1/t/door-a/status", false) == 1; })) << broker_.log();
  for (const auto& p : payloads_on("lw/v1/t/door-a/status")) EXPECT_NE(p, protocol::kLastWillPayload);
  EXPECT_FALSE(runner->connected("door-a"));
}

TEST(SimRunner, StartWithoutAHubKeyFailsSayingSo) {
  boost::asio::io_context io;
  auto scenario = parse_scenario(scenario_text(1883), "test.toml");
  ASSERT_TRUE(scenario) << scenario.error().message;
  SimRunner runner(io, *scenario);

  auto started = runner.start();

  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::failed_precondition);
  EXPECT_NE(started.error().message.find("no hub public key"), std::string::npos) << started.error().message;
}

TEST(SimRunner, StartWithAMalformedHubKeyFails) {
  boost::asio::io_context io;
  auto scenario = parse_scenario(scenario_text(1883), "test.toml");
  ASSERT_TRUE(scenario);
  SimRunner runner(io, *scenario, std::string("not-a-key"));

  auto started = runner.start();

  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace lw::sim
