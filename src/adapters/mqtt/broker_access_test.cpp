// Security anchor D14 against a real Mosquitto running the generated password
// and ACL files: a client without an account is refused, and an account's
// publishes outside its own topics never reach anyone.
#include "adapters/mqtt/broker_access.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/mqtt/mqtt_client.h"
#include "tests/support/mosquitto_broker.h"

namespace lw::adapters::mqtt {
namespace {

const core::LockAddress kFront{"home", "front-door"};
const core::LockAddress kBack{"home", "back-door"};

struct Heard {
  std::string topic;
  std::string payload;
};

class BrokerAccessTest : public ::testing::Test {
 protected:
  BrokerAccessTest()
      : access_(generate_broker_access("lw-hub", {kFront, kBack}, {}, {"zigbee2mqtt"}, false)),
        dir_(testing::make_temp_dir("broker-access")),
        files_(write(access_, dir_)),
        broker_(BrokerProcessOptions{.password_file = files_.password_file.string(),
                                     .acl_file = files_.acl_file.string()}) {}
  ~BrokerAccessTest() override { testing::remove_temp_dir_unless_failed(dir_); }

  static BrokerAccessFiles write(const BrokerAccess& access, const std::filesystem::path& dir) {
    auto files = write_broker_access(access, dir);
    if (!files) throw std::runtime_error(files.error().to_string());
    return *files;
  }

  struct Client {
    std::unique_ptr<MqttClient> mqtt;
    std::vector<Heard> heard;
    std::vector<std::string> refusals;
    [[nodiscard]] bool got(std::string_view topic, std::string_view payload) const {
      for (const Heard& h : heard) {
        if (h.topic == topic && h.payload == payload) return true;
      }
      return false;
    }
  };

  std::unique_ptr<Client> client(const std::string& name, std::optional<BrokerAccount> account,
                                 const std::vector<std::string>& filters) {
    auto c = std::make_unique<Client>();
    MqttClient::Options o{.host = testing::MosquittoBroker::host(),
                          .port = broker_.port(),
                          .client_id = name + "-" + std::to_string(::getpid()),
                          .keepalive = 5s,
                          .clean_session = true,
                          .reconnect_min = 100ms,
                          .reconnect_max = 400ms};
    if (account) {
      o.username = account->username;
      o.password = account->password;
    }
    c->mqtt = std::make_unique<MqttClient>(io_, std::move(o));
    Client* raw = c.get();
    c->mqtt->on_message([raw](std::string_view topic, std::string_view payload, bool) {
      raw->heard.push_back({std::string(topic), std::string(payload)});
    });
    c->mqtt->on_disconnected([raw](const std::string& reason) { raw->refusals.push_back(reason); });
    for (const std::string& f : filters) EXPECT_TRUE(c->mqtt->subscribe(f, Qos::at_least_once));
    c->mqtt->start();
    return c;
  }
  bool run_until(const std::function<bool()>& done, Duration timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.run_one_for(20ms);
    }
    return true;
  }
  void publish(Client& c, const std::string& topic, const std::string& payload) {
    EXPECT_TRUE(c.mqtt->publish(topic, payload, Qos::at_least_once)) << topic;
  }

  BrokerAccess access_;
  std::filesystem::path dir_;
  BrokerAccessFiles files_;
  testing::MosquittoBroker broker_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{io_.get_executor()};
};

TEST_F(BrokerAccessTest, TheFilesHoldNoPlainPasswordButTheCredentialsDo) {
  const std::string hashed = testing::read_text_file(files_.password_file);
  const std::string plain = testing::read_text_file(files_.credentials);
  for (const BrokerAccess::Lock& l : access_.locks) {
    EXPECT_EQ(hashed.find(l.account.password), std::string::npos);
    EXPECT_NE(hashed.find(l.account.username + ":$7$"), std::string::npos) << hashed;
    EXPECT_NE(plain.find(l.account.username + ":" + l.account.password), std::string::npos);
  }
  EXPECT_EQ(std::filesystem::status(files_.credentials).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  auto read = read_broker_credentials(files_.credentials.string());
  ASSERT_TRUE(read) << read.error().to_string();
  EXPECT_EQ(read->at(lock_username(kFront)), access_.locks[0].account.password);
}

TEST_F(BrokerAccessTest, AClientWithoutAnAccountOrWithAWrongPasswordIsRefused) {
  auto anonymous = client("anonymous", std::nullopt, {});
  auto wrong = client("wrong", BrokerAccount{lock_username(kFront), "not-the-password"}, {});
  auto right = client("right", access_.locks[0].account, {});
  ASSERT_TRUE(run_until([&] { return right->mqtt->connected(); })) << broker_.log();
  // Each has tried several times (back-off 100..400 ms) by now.
  run_until([] { return false; }, 1500ms);
  EXPECT_FALSE(anonymous->mqtt->connected());
  EXPECT_FALSE(wrong->mqtt->connected());
  // Mosquitto names no client it refused: one line per refusal, the start-up probe's included.
  const std::string log = broker_.log();
  int refused = 0;
  for (auto at = log.find("disconnected, not authorised"); at != std::string::npos;
       at = log.find("disconnected, not authorised", at + 1)) {
    ++refused;
  }
  EXPECT_GE(refused, 3) << log;
}

TEST_F(BrokerAccessTest, ALockPublishesOnlyItsOwnReportsAndReadsOnlyItsOwnCommands) {
  auto hub = client("hub", access_.hub, {"lw/v1/+/+/+", "zigbee2mqtt/#"});
  // The front door also tries to listen to the back door's commands.
  auto front =
      client("front", access_.locks[0].account, {"lw/v1/home/front-door/cmd", "lw/v1/home/back-door/cmd"});
  auto back = client("back", access_.locks[1].account, {"lw/v1/home/back-door/cmd"});
  auto bridge = client("bridge", access_.bridges[0].account, {"zigbee2mqtt/#"});
  ASSERT_TRUE(run_until([&] {
    return hub->mqtt->connected() && front->mqtt->connected() && back->mqtt->connected() &&
           bridge->mqtt->connected();
  })) << broker_.log();
  // Subscriptions are in place once each client's own allowed publish comes back through the hub.
  publish(*front, "lw/v1/home/front-door/status", "ready");
  publish(*back, "lw/v1/home/back-door/status", "ready");
  ASSERT_TRUE(run_until([&] {
    return hub->got("lw/v1/home/front-door/status", "ready") &&
           hub->got("lw/v1/home/back-door/status", "ready");
  }));

  // Forged by the front door: the back door's state, a command to the back
  // door, a Zigbee2MQTT report; forged by the bridge: a native lock's state.
  publish(*front, "lw/v1/home/back-door/state", "forged-state");
  publish(*front, "lw/v1/home/back-door/cmd", "forged-command");
  publish(*front, "lw/v1/home/front-door/cmd", "self-command");
  publish(*front, "zigbee2mqtt/Front", "forged-report");
  publish(*bridge, "lw/v1/home/front-door/state", "bridge-forged");
  // Then what each may send; one connection's packets are handled in order.
  publish(*front, "lw/v1/home/front-door/state", "genuine-state");
  publish(*bridge, "zigbee2mqtt/Front", "genuine-report");
  ASSERT_TRUE(run_until([&] {
    return hub->got("lw/v1/home/front-door/state", "genuine-state") &&
           hub->got("zigbee2mqtt/Front", "genuine-report");
  }));
  publish(*hub, "lw/v1/home/back-door/cmd", "hub-command");
  ASSERT_TRUE(run_until([&] { return back->got("lw/v1/home/back-door/cmd", "hub-command"); }));
  publish(*hub, "lw/v1/home/front-door/cmd", "hub-command");
  ASSERT_TRUE(run_until([&] { return front->got("lw/v1/home/front-door/cmd", "hub-command"); }));

  for (const auto* c : {hub.get(), front.get(), back.get(), bridge.get()}) {
    for (const Heard& h : c->heard) {
      EXPECT_EQ(h.payload.find("forged"), std::string::npos) << h.topic << " " << h.payload;
      EXPECT_NE(h.payload, "self-command") << "a lock may not command itself";
    }
  }
  for (const Heard& h : front->heard)
    EXPECT_NE(h.topic, "lw/v1/home/back-door/cmd") << "read another lock's command";
}

TEST(BrokerAccess, BadCredentialFilesNameTheLine) {
  const auto dir = testing::make_temp_dir("broker-credentials");
  const std::string path = (dir / "c.txt").string();
  std::ofstream(path) << "# accounts\nlw-hub:secret\nno-colon-here\n";
  auto r = read_broker_credentials(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(path + ":3: must be username:password"), std::string::npos)
      << r.error().message;
  std::ofstream(path) << "a:1\na:2\n";
  r = read_broker_credentials(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("user a is listed twice"), std::string::npos);
  testing::remove_temp_dir_unless_failed(dir);
}

}  // namespace
}  // namespace lw::adapters::mqtt
