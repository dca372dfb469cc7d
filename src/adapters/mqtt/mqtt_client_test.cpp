#include "adapters/mqtt/mqtt_client.h"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/free_port.h"
#include "tests/support/mosquitto_broker.h"

namespace lw::adapters::mqtt {
namespace {

struct Received {
  std::string topic;
  std::string payload;
  bool retained;
};

// "ok" or the error code's name, so that a surprise success fails the test
// instead of aborting it.
std::string outcome(const Result<void>& r) { return r ? "ok" : std::string(to_string(r.error().code)); }
std::string message_of(const Result<void>& r) { return r ? "ok" : r.error().message; }

// A client and everything its callbacks reported.
struct RecordingClient {
  RecordingClient(boost::asio::io_context& io, MqttClient::Options options) : client(io, std::move(options)) {
    client.on_message([this](std::string_view topic, std::string_view payload, bool retained) {
      messages.push_back({std::string(topic), std::string(payload), retained});
    });
    client.on_connected([this] { ++connects; });
    client.on_disconnected([this](const std::string& reason) { disconnects.push_back(reason); });
  }

  [[nodiscard]] bool received(std::string_view topic, std::string_view payload) const {
    for (const auto& m : messages) {
      if (m.topic == topic && m.payload == payload) return true;
    }
    return false;
  }
  [[nodiscard]] std::vector<Received> received_on(std::string_view topic) const {
    std::vector<Received> out;
    for (const auto& m : messages) {
      if (m.topic == topic) out.push_back(m);
    }
    return out;
  }

  MqttClient client;
  std::vector<Received> messages;
  int connects{0};
  std::vector<std::string> disconnects;
};

class MqttClientTest : public ::testing::Test {
 protected:
  // Runs the event loop until `done` holds or `timeout` passes.
  bool run_until(const std::function<bool()>& done, Duration timeout = 3s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.run_one_for(20ms);
    }
    return true;
  }

  [[nodiscard]] MqttClient::Options options(const std::string& client_id) const {
    return {.host = testing::MosquittoBroker::host(),
            .port = broker_.port(),
            .client_id = client_id + "-" + std::to_string(::getpid()),
            .keepalive = 5s,
            .clean_session = true,
            .reconnect_min = 50ms,
            .reconnect_max = 400ms};
  }

  std::unique_ptr<RecordingClient> connected_client(MqttClient::Options opts,
                                                    const std::vector<std::string>& filters = {}) {
    auto c = std::make_unique<RecordingClient>(io_, std::move(opts));
    for (const auto& f : filters) EXPECT_TRUE(c->client.subscribe(f, Qos::at_least_once).has_value());
    c->client.start();
    EXPECT_TRUE(run_until([&] { return c->client.connected(); })) << broker_.log();
    return c;
  }

  // The broker handles one connection's packets in order: once the client's
  // own probe on `topic` comes back, its subscriptions are in place.
  void await_subscribed(RecordingClient& c, const std::string& topic) {
    ASSERT_TRUE(c.client.publish(topic, "probe", Qos::at_least_once).has_value());
    ASSERT_TRUE(run_until([&] { return c.received(topic, "probe"); })) << broker_.log();
    c.messages.clear();
  }

  testing::MosquittoBroker broker_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
};

TEST_F(MqttClientTest, SubscriberReceivesQos0AndQos1MessagesWithTheirExactPayloads) {
  auto sub = connected_client(options("sub"), {"lw/rt/#"});
  auto pub = connected_client(options("pub"));
  await_subscribed(*sub, "lw/rt/probe");

  const std::string binary("\x00\x01state\xff", 8);
  ASSERT_TRUE(pub->client.publish("lw/rt/a", "zero", Qos::at_most_once).has_value());
  ASSERT_TRUE(pub->client.publish("lw/rt/b", binary, Qos::at_least_once).has_value());

  ASSERT_TRUE(run_until([&] { return sub->messages.size() >= 2; }));
  ASSERT_EQ(sub->messages.size(), 2U);
  EXPECT_EQ(sub->messages[0].topic, "lw/rt/a");
  EXPECT_EQ(sub->messages[0].payload, "zero");
  EXPECT_FALSE(sub->messages[0].retained);
  EXPECT_EQ(sub->messages[1].topic, "lw/rt/b");
  EXPECT_EQ(sub->messages[1].payload, binary);
  EXPECT_FALSE(sub->messages[1].retained);
}

TEST_F(MqttClientTest, BurstOfQos1MessagesArrivesCompleteAndInOrder) {
  auto sub = connected_client(options("sub"), {"lw/burst/#"});
  auto pub = connected_client(options("pub"));
  await_subscribed(*sub, "lw/burst/probe");
  constexpr int kCount = 500;
  const std::string filler(2000, 'x');

  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE(
        pub->client.publish("lw/burst/n", std::to_string(i) + filler, Qos::at_least_once).has_value());
  }

  ASSERT_TRUE(run_until([&] { return sub->messages.size() >= kCount; }, 10s)) << sub->messages.size();
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(sub->messages[i].payload, std::to_string(i) + filler);
}

TEST_F(MqttClientTest, PayloadLargerThanTheSocketBuffersArrivesIntact) {
  auto sub = connected_client(options("sub"), {"lw/big"});
  auto pub = connected_client(options("pub"));
  await_subscribed(*sub, "lw/big");
  std::string big(std::size_t{8} * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 % 251);

  ASSERT_TRUE(pub->client.publish("lw/big", big, Qos::at_least_once).has_value());

  // Well within the 5 s keep-alive, whose PINGREQ would also push the rest out.
  ASSERT_TRUE(run_until([&] { return !sub->messages.empty(); }, 3s));
  EXPECT_TRUE(sub->messages.front().payload == big);
}

TEST_F(MqttClientTest, IdleClientKeepsItsConnectionAliveWithPings) {
  std::ostringstream trace;
  auto logger =
      std::make_shared<spdlog::logger>("mqtt-trace", std::make_shared<spdlog::sinks::ostream_sink_st>(trace));
  logger->set_level(spdlog::level::trace);
  auto opts = options("idle");
  opts.logger = logger;
  auto idle = connected_client(opts);

  // keepalive is 5 s: libmosquitto pings after 5 s of silence.
  ASSERT_TRUE(run_until([&] { return trace.str().find("received PINGRESP") != std::string::npos; }, 7s))
      << trace.str();
  EXPECT_TRUE(idle->client.connected());
  EXPECT_TRUE(idle->disconnects.empty());
}

TEST_F(MqttClientTest, RetainedMessageReachesALaterSubscriberMarkedRetained) {
  auto pub = connected_client(options("pub"), {"lw/retain/state"});
  ASSERT_TRUE(pub->client.publish("lw/retain/state", "locked", Qos::at_least_once, true).has_value());
  // Once it comes back the broker has stored it; a live subscriber sees it as not retained.
  ASSERT_TRUE(run_until([&] { return pub->received("lw/retain/state", "locked"); }));
  EXPECT_FALSE(pub->messages.front().retained);

  auto late = connected_client(options("late"), {"lw/retain/#"});
  ASSERT_TRUE(run_until([&] { return !late->messages.empty(); }));
  EXPECT_EQ(late->messages.front().topic, "lw/retain/state");
  EXPECT_EQ(late->messages.front().payload, "locked");
  EXPECT_TRUE(late->messages.front().retained);
}

TEST_F(MqttClientTest, AbortedConnectionMakesTheBrokerPublishTheLastWill) {
  auto watcher = connected_client(options("watcher"), {"lw/will/#"});
  await_subscribed(*watcher, "lw/will/probe");
  auto opts = options("lock");
  opts.will =
      LastWill{.topic = "lw/will/lock", .payload = "offline", .qos = Qos::at_least_once, .retain = false};
  auto lock = connected_client(opts);

  lock->client.abort_connection();

  EXPECT_FALSE(lock->client.connected());
  ASSERT_TRUE(run_until([&] { return watcher->received("lw/will/lock", "offline"); }, 2s)) << broker_.log();
  EXPECT_EQ(outcome(lock->client.publish("lw/will/other", "x", Qos::at_most_once)), "unavailable");
  EXPECT_TRUE(lock->disconnects.empty());
}

TEST_F(MqttClientTest, StoppedClientLeavesNoLastWill) {
  auto watcher = connected_client(options("watcher"), {"lw/will/#"});
  await_subscribed(*watcher, "lw/will/probe");
  auto opts = options("lock");
  opts.will = LastWill{.topic = "lw/will/lock", .payload = "offline"};
  const std::string id = opts.client_id;
  auto lock = connected_client(opts);

  lock->client.stop();

  EXPECT_FALSE(lock->client.connected());
  // The broker logs the clean disconnect and publishes a will (if any) in the
  // same step; the watcher's next probe comes back after such a will would have.
  ASSERT_TRUE(run_until([&] { return broker_.log_contains("Client " + id + " disconnected."); }))
      << broker_.log();
  await_subscribed(*watcher, "lw/will/probe");
  EXPECT_TRUE(watcher->received_on("lw/will/lock").empty());
  EXPECT_FALSE(broker_.log_contains("Client " + id + " closed its connection."));
  EXPECT_TRUE(lock->disconnects.empty());
}

TEST_F(MqttClientTest, PublishWithoutAConnectionReturnsUnavailable) {
  auto opts = options("lonely");
  opts.port = testing::free_loopback_port();  // nothing listens there
  RecordingClient lonely(io_, opts);
  EXPECT_EQ(outcome(lonely.client.publish("lw/x", "1", Qos::at_least_once)), "unavailable");

  lonely.client.start();
  io_.run_for(300ms);  // several refused attempts
  EXPECT_FALSE(lonely.client.connected());
  EXPECT_EQ(outcome(lonely.client.publish("lw/x", "1", Qos::at_least_once)), "unavailable");
  EXPECT_EQ(lonely.connects, 0);

  auto stopped = connected_client(options("stopped"));
  stopped->client.stop();
  EXPECT_EQ(outcome(stopped->client.publish("lw/x", "1", Qos::at_most_once)), "unavailable");
}

TEST_F(MqttClientTest, MalformedTopicsAreRejectedNamingTheField) {
  auto c = connected_client(options("strict"));
  auto wildcard = c->client.publish("lw/+/state", "x", Qos::at_most_once);
  EXPECT_EQ(outcome(wildcard), "invalid_argument");
  EXPECT_NE(message_of(wildcard).find("topic"), std::string::npos);
  EXPECT_EQ(outcome(c->client.publish("", "x", Qos::at_most_once)), "invalid_argument");
  auto filter = c->client.subscribe("lw/#/state", Qos::at_least_once);
  EXPECT_EQ(outcome(filter), "invalid_argument");
  EXPECT_NE(message_of(filter).find("filter"), std::string::npos);
}

TEST_F(MqttClientTest, ClientReconnectsByItselfAfterTheBrokerRestartsAndItsSubscriptionsWorkAgain) {
  auto sub = connected_client(options("sub"), {"lw/restart/#"});
  auto pub = connected_client(options("pub"));
  await_subscribed(*sub, "lw/restart/probe");

  broker_.restart();

  ASSERT_TRUE(run_until([&] { return sub->connects == 2 && pub->connects == 2; })) << broker_.log();
  ASSERT_EQ(sub->disconnects.size(), 1U);
  EXPECT_FALSE(sub->disconnects.front().empty());
  // The restarted broker kept no session: only a resubscription delivers this.
  await_subscribed(*sub, "lw/restart/probe");
  ASSERT_TRUE(pub->client.publish("lw/restart/state", "unlocked", Qos::at_least_once).has_value());
  EXPECT_TRUE(run_until([&] { return sub->received("lw/restart/state", "unlocked"); }));
}

TEST_F(MqttClientTest, PersistentSessionReceivesQos1MessagesPublishedWhileItWasAway) {
  auto opts = options("hub");
  opts.clean_session = false;
  const std::string id = opts.client_id;
  auto hub = connected_client(opts, {"lw/persist/#"});
  await_subscribed(*hub, "lw/persist/probe");
  hub->client.stop();
  ASSERT_TRUE(run_until([&] { return broker_.log_contains("Client " + id + " disconnected."); }));

  auto lock = connected_client(options("lock"), {"lw/persist/#"});
  await_subscribed(*lock, "lw/persist/probe");
  ASSERT_TRUE(lock->client.publish("lw/persist/lock-1", "jammed", Qos::at_least_once).has_value());
  ASSERT_TRUE(run_until([&] { return lock->received("lw/persist/lock-1", "jammed"); }));

  hub->client.start();
  EXPECT_TRUE(run_until([&] { return hub->received("lw/persist/lock-1", "jammed"); })) << broker_.log();
}

TEST_F(MqttClientTest, CleanSessionMissesMessagesPublishedWhileItWasAway) {
  auto opts = options("viewer");
  const std::string id = opts.client_id;
  auto viewer = connected_client(opts, {"lw/clean/#"});
  await_subscribed(*viewer, "lw/clean/probe");
  viewer->client.stop();
  ASSERT_TRUE(run_until([&] { return broker_.log_contains("Client " + id + " disconnected."); }));

  auto lock = connected_client(options("lock"), {"lw/clean/#"});
  await_subscribed(*lock, "lw/clean/probe");
  ASSERT_TRUE(lock->client.publish("lw/clean/lock-1", "jammed", Qos::at_least_once).has_value());
  ASSERT_TRUE(run_until([&] { return lock->received("lw/clean/lock-1", "jammed"); }));

  viewer->client.start();
  ASSERT_TRUE(run_until([&] { return viewer->client.connected(); }));
  // Queued messages would arrive right after CONNACK, before this probe.
  await_subscribed(*viewer, "lw/clean/probe");
  EXPECT_TRUE(viewer->received_on("lw/clean/lock-1").empty());
}

TEST_F(MqttClientTest, InvalidOptionsAreReportedNamingTheField) {
  auto opts = options("x");
  opts.clean_session = false;
  opts.client_id.clear();
  EXPECT_NE(message_of(MqttClient::validate(opts)).find("client_id"), std::string::npos);
  opts = options("x");
  opts.keepalive = 2s;
  EXPECT_NE(message_of(MqttClient::validate(opts)).find("keepalive"), std::string::npos);
  opts = options("x");
  opts.will = LastWill{.topic = "lw/#", .payload = "offline"};
  EXPECT_NE(message_of(MqttClient::validate(opts)).find("will.topic"), std::string::npos);
  EXPECT_TRUE(MqttClient::validate(options("x")).has_value());
}

TEST_F(MqttClientTest, DestroyingTheClientInsideItsOwnCallbackIsSafe) {
  auto sub = std::make_unique<RecordingClient>(io_, options("sub"));
  ASSERT_TRUE(sub->client.subscribe("lw/destroy/#", Qos::at_least_once).has_value());
  bool destroyed = false;
  sub->client.on_message([&](std::string_view, std::string_view, bool) {
    sub.reset();
    destroyed = true;
  });
  sub->client.start();
  ASSERT_TRUE(run_until([&] { return sub->client.connected(); }));
  ASSERT_TRUE(sub->client.publish("lw/destroy/a", "1", Qos::at_least_once).has_value());
  ASSERT_TRUE(sub->client.publish("lw/destroy/b", "2", Qos::at_least_once).has_value());
  ASSERT_TRUE(run_until([&] { return destroyed; }));
  io_.run_for(100ms);  // stale handlers of the destroyed client run harmlessly
  EXPECT_EQ(sub, nullptr);
}

}  // namespace
}  // namespace lw::adapters::mqtt
