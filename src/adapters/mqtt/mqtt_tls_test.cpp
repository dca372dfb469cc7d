// MQTT over TLS against a real Mosquitto with a TLS listener whose certificate
// comes from a local CA (as `lockwarden demo --tls` runs it).
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "adapters/mqtt/broker_process.h"
#include "adapters/mqtt/mqtt_client.h"
#include "adapters/system/local_ca.h"
#include "tests/support/mosquitto_broker.h"

namespace lw::adapters::mqtt {
namespace {

class MqttTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::make_temp_dir("mqtt-tls");
    auto files = create_local_ca((dir_ / "tls").string());
    ASSERT_TRUE(files) << files.error().message;
    files_ = *files;
    BrokerProcessOptions o;
    o.tls_cert_file = files_.server_cert;
    o.tls_key_file = files_.server_key;
    broker_ = std::make_unique<BrokerProcess>(o);
    auto port = broker_->start(dir_ / "broker");
    ASSERT_TRUE(port) << port.error().message;
    ASSERT_NE(broker_->tls_port(), 0);
    ASSERT_NE(broker_->tls_port(), *port);
  }
  void TearDown() override {
    broker_.reset();
    testing::remove_temp_dir_unless_failed(dir_);
  }

  MqttClient::Options options(const std::string& id, const std::string& ca) {
    MqttClient::Options o;
    o.host = "localhost";
    o.port = broker_->tls_port();
    o.client_id = id + "-" + std::to_string(::getpid());
    o.keepalive = std::chrono::seconds{5};
    o.clean_session = true;
    o.tls_ca_file = ca;
    return o;
  }
  bool run_until(const std::function<bool()>& done, Duration timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.run_one_for(std::chrono::milliseconds{20});
    }
    return true;
  }

  std::filesystem::path dir_;
  LocalCaFiles files_;
  std::unique_ptr<BrokerProcess> broker_;
  boost::asio::io_context io_;
};

TEST_F(MqttTlsTest, AClientThatTrustsTheCaPublishesAndReceivesOverTls) {
  MqttClient client(io_, options("tls-ok", files_.ca_cert));
  std::vector<std::string> got;
  client.on_message([&](std::string_view, std::string_view payload, bool) { got.emplace_back(payload); });
  ASSERT_TRUE(client.subscribe("lw/tls/#", Qos::at_least_once));
  bool connected = false;
  client.on_connected([&] {
    connected = true;
    EXPECT_TRUE(client.publish("lw/tls/x", "over tls", Qos::at_least_once, false));
  });
  client.start();
  ASSERT_TRUE(run_until([&] { return !got.empty(); }, std::chrono::seconds{5}))
      << "connected: " << connected << "; broker log:\n"
      << testing::read_text_file(broker_->log_path());
  EXPECT_EQ(got.front(), "over tls");
  client.stop();
}

TEST_F(MqttTlsTest, AClientThatDoesNotTrustTheBrokersCertificateNeverConnects) {
  auto other = create_local_ca((dir_ / "other").string());
  ASSERT_TRUE(other);
  MqttClient client(io_, options("tls-untrusted", other->ca_cert));
  bool connected = false;
  std::vector<std::string> reasons;
  client.on_connected([&] { connected = true; });
  client.on_disconnected([&](const std::string& reason) { reasons.push_back(reason); });
  client.start();
  run_until([&] { return connected; }, std::chrono::seconds{3});
  EXPECT_FALSE(connected);
  client.stop();
}

TEST_F(MqttTlsTest, TlsFilesAreCheckedBeforeConnectingAndNamedInTheError) {
  auto o = options("tls-bad", (dir_ / "missing-ca.crt").string());
  auto r = MqttClient::validate(o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("tls_ca_file"), std::string::npos) << r.error().message;

  o = options("tls-bad", "");
  o.tls_cert_file = files_.server_cert;
  r = MqttClient::validate(o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("tls_cert_file: requires tls_ca_file"), std::string::npos)
      << r.error().message;

  o = options("tls-bad", files_.ca_cert);
  o.tls_key_file = files_.server_key;
  r = MqttClient::validate(o);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("tls_cert_file"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace lw::adapters::mqtt
