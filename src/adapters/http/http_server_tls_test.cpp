// HTTPS: the hub's API over TLS with a certificate from a local CA, as
// `lockwarden tls init` makes, reached by the CLI's client.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <future>
#include <optional>
#include <thread>

#include "adapters/http/async_http_client.h"
#include "adapters/http/http_client.h"
#include "adapters/http/http_server.h"
#include "adapters/system/local_ca.h"

namespace lw::adapters::http {
namespace {

namespace fs = std::filesystem;

class HttpsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lw-https-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto files = create_local_ca((dir_ / "tls").string());
    ASSERT_TRUE(files) << files.error().message;
    files_ = *files;
    router_.get("/api/v1/ping", [](const Request&) {
      return json_response(200, boost::json::value{{"ok", true}});
    });
    router_.post("/hook", [this](const Request& r) {
      received_ = r.body;
      return json_response(202, boost::json::value{{"ok", true}});
    });
  }
  void TearDown() override {
    if (server_) {
      boost::asio::post(io_, [this] { server_->stop(); });
    }
    work_.reset();
    if (thread_.joinable()) thread_.join();
    server_.reset();
    fs::remove_all(dir_);
  }

  Result<void> start(HttpServer::Options options) {
    server_ = std::make_unique<HttpServer>(io_, router_, std::move(options));
    auto r = server_->start();
    if (r) thread_ = std::thread([this] { io_.run(); });
    return r;
  }
  HttpServer::Options tls_options() {
    HttpServer::Options o;
    o.tls_cert_file = files_.server_cert;
    o.tls_key_file = files_.server_key;
    o.read_timeout = 2s;
    return o;
  }
  std::string url(std::string_view scheme, std::string_view host) {
    return std::string(scheme) + "://" + std::string(host) + ":" + std::to_string(server_->port()) +
           "/api/v1/ping";
  }

  /// POSTs `body` to /hook with the webhook client; its outcome.
  Result<AsyncHttpClient::Answer> post_hook(std::string_view host, const std::string& ca_file) {
    boost::asio::io_context client_io;
    AsyncHttpClient client(client_io);
    std::optional<Result<AsyncHttpClient::Answer>> out;
    HttpUrl u{std::string(host), std::to_string(server_->port()), "/hook", true};
    AsyncHttpClient::Request req{
        u, "POST", {{"Content-Type", "application/json"}}, R"({"type":"lock.online"})", 5s, ca_file};
    client.send(std::move(req), [&](Result<AsyncHttpClient::Answer> a) { out = std::move(a); });
    client_io.run_for(10s);
    if (!out) return internal_error("no outcome");
    return *out;
  }

  fs::path dir_;
  LocalCaFiles files_;
  std::string received_;  // written on the server's thread, read after the exchange
  Router router_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      boost::asio::make_work_guard(io_)};
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(HttpsServerTest, AClientThatTrustsTheCaGetsItsAnswerOverTls) {
  ASSERT_TRUE(start(tls_options()));
  for (std::string_view host : {"localhost", "127.0.0.1"}) {
    auto r = http_request("GET", url("https", host), "", 5s, {}, {files_.ca_cert});
    ASSERT_TRUE(r) << host << ": " << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->body.find("\"ok\":true"), std::string::npos);
  }
}

TEST_F(HttpsServerTest, WebhookClientDeliversOverTlsOnlyToAReceiverItsCaSignedForThatName) {
  ASSERT_TRUE(start(tls_options()));
  auto delivered = post_hook("localhost", files_.ca_cert);
  ASSERT_TRUE(delivered) << delivered.error().message;
  EXPECT_EQ(delivered->status, 202);
  EXPECT_EQ(received_, R"({"type":"lock.online"})");

  auto other = create_local_ca((dir_ / "other").string());
  ASSERT_TRUE(other) << other.error().message;
  for (const std::string& ca : {other->ca_cert, std::string()}) {  // another CA; the system's CAs
    auto refused = post_hook("localhost", ca);
    ASSERT_FALSE(refused) << "delivered while trusting '" << ca << "'";
    EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
    EXPECT_NE(refused.error().message.find("TLS with https://localhost:"), std::string::npos)
        << refused.error().message;
    EXPECT_NE(refused.error().message.find("certificate verify failed"), std::string::npos)
        << refused.error().message;
  }
  auto missing = post_hook("localhost", (dir_ / "nope.crt").string());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("ca_file: cannot load"), std::string::npos)
      << missing.error().message;
}

TEST_F(HttpsServerTest, AClientThatDoesNotTrustTheCaRefusesTheServer) {
  ASSERT_TRUE(start(tls_options()));
  auto other = create_local_ca((dir_ / "other").string());
  ASSERT_TRUE(other) << other.error().message;
  for (const std::string& ca : {other->ca_cert, std::string()}) {  // another CA; the system's CAs
    auto r = http_request("GET", url("https", "localhost"), "", 5s, {}, {ca});
    ASSERT_FALSE(r) << "trusted with ca '" << ca << "'";
    EXPECT_NE(r.error().message.find("certificate verify failed"), std::string::npos) << r.error().message;
  }
}

TEST_F(HttpsServerTest, ACertificateForAnotherNameIsRefused) {
  fs::remove_all(dir_ / "tls");
  auto only_ip = create_local_ca((dir_ / "tls").string(), {"127.0.0.1"});
  ASSERT_TRUE(only_ip) << only_ip.error().message;
  files_ = *only_ip;
  ASSERT_TRUE(start(tls_options()));
  EXPECT_TRUE(http_request("GET", url("https", "127.0.0.1"), "", 5s, {}, {files_.ca_cert}));
  auto r = http_request("GET", url("https", "localhost"), "", 5s, {}, {files_.ca_cert});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("certificate verify failed"), std::string::npos) << r.error().message;
}

TEST_F(HttpsServerTest, PlainHttpToTheTlsPortGetsNoAnswer) {
  ASSERT_TRUE(start(tls_options()));
  auto r = http_request("GET", url("http", "127.0.0.1"), "", 5s);
  EXPECT_FALSE(r && r->status == 200);
}

TEST_F(HttpsServerTest, AMissingOrMismatchedCertificateStopsStartUpNamingTheField) {
  auto options = tls_options();
  options.tls_cert_file = (dir_ / "nope.crt").string();
  auto r = start(options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(r.error().message.find("tls_cert"), std::string::npos) << r.error().message;

  auto other = create_local_ca((dir_ / "other").string());
  ASSERT_TRUE(other);
  options = tls_options();
  options.tls_key_file = other->server_key;  // the key of another certificate
  r = start(options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("tls_key"), std::string::npos) << r.error().message;

  options = tls_options();
  options.tls_key_file.clear();
  r = start(options);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("tls_key: is required"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace lw::adapters::http
