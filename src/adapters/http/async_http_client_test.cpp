#include "adapters/http/async_http_client.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <optional>

namespace lw::adapters::http {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

TEST(ParseHttpUrl, SplitsHostPortAndTarget) {
  auto u = parse_http_url("http://hooks.lan:9000/in/lockwarden?token=abc");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->host, "hooks.lan");
  EXPECT_EQ(u->port, "9000");
  EXPECT_EQ(u->target, "/in/lockwarden?token=abc");
  EXPECT_EQ(u->origin(), "http://hooks.lan:9000");

  auto plain = parse_http_url("http://hooks.lan");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->port, "80");
  EXPECT_EQ(plain->target, "/");
  auto query = parse_http_url("http://hooks.lan?x=1");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->target, "/?x=1");
  auto v6 = parse_http_url("http://[::1]:8123/hook");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->origin(), "http://[::1]:8123");
  auto secure = parse_http_url("https://hooks.example.com/in");
  ASSERT_TRUE(secure) << secure.error().message;
  EXPECT_TRUE(secure->tls);
  EXPECT_EQ(secure->port, "443");
  EXPECT_EQ(secure->origin(), "https://hooks.example.com:443");
}

TEST(ParseHttpUrl, RefusalsNameTheField) {
  EXPECT_EQ(parse_http_url("ftp://x/", "webhook[0].url").error().message,
            "webhook[0].url: must start with http:// or https://");
  EXPECT_EQ(parse_http_url("http://:80/").error().message, "url: must name a host");
  EXPECT_EQ(parse_http_url("http://x:0/").error().message, "url: port must be 1..65535");
  EXPECT_EQ(parse_http_url("http://x:http/").error().message, "url: port must be 1..65535");
  EXPECT_EQ(parse_http_url("http://user:pw@x/").error().message,
            "url: must not hold credentials (user@host)");
}

/// A server on a loopback port of the test's io_context that reads one
/// request's header and answers `reply` (nothing at all when empty).
class OneShotServer {
 public:
  OneShotServer(net::io_context& io, std::string reply)
      : acceptor_(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)),
        socket_(io),
        reply_(std::move(reply)) {
    acceptor_.async_accept(socket_, [this](const boost::system::error_code& ec) {
      if (ec) return;
      net::async_read_until(socket_, net::dynamic_buffer(request_), "\r\n\r\n",
                            [this](const boost::system::error_code& rec, std::size_t) {
                              if (rec || reply_.empty()) return;
                              net::async_write(socket_, net::buffer(reply_),
                                               [](const boost::system::error_code&, std::size_t) {});
                            });
    });
  }
  [[nodiscard]] HttpUrl url() const {
    return {"127.0.0.1", std::to_string(acceptor_.local_endpoint().port()), "/hook?x=1", false};
  }
  [[nodiscard]] const std::string& request() const { return request_; }

 private:
  tcp::acceptor acceptor_;
  tcp::socket socket_;
  std::string reply_;
  std::string request_;
};

struct Outcome {
  std::optional<Result<AsyncHttpClient::Answer>> result;
};

TEST(AsyncHttpClient, PostsTheBodyWithItsHeadersAndReadsStatusAndRetryAfter) {
  net::io_context io;
  OneShotServer server(io, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n");
  AsyncHttpClient client(io);
  Outcome out;
  client.send({server.url(), "POST", {{"X-Test", "yes"}}, R"({"a":1})", 5s, ""},
              [&](Result<AsyncHttpClient::Answer> a) { out.result = std::move(a); });
  io.run_for(5s);
  ASSERT_TRUE(out.result);
  ASSERT_TRUE(*out.result) << out.result->error().message;
  EXPECT_EQ((*out.result)->status, 503);
  EXPECT_EQ((*out.result)->retry_after, "7");
  EXPECT_TRUE(server.request().starts_with("POST /hook?x=1 HTTP/1.1\r\n")) << server.request();
  EXPECT_NE(server.request().find("X-Test: yes\r\n"), std::string::npos) << server.request();
  EXPECT_NE(server.request().find("Connection: close\r\n"), std::string::npos) << server.request();
  EXPECT_EQ(client.in_flight(), 0U);
}

TEST(AsyncHttpClient, ClosedPortIsUnavailable) {
  net::io_context io;
  HttpUrl url;
  {
    tcp::acceptor probe(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    url = {"127.0.0.1", std::to_string(probe.local_endpoint().port()), "/", false};
  }
  AsyncHttpClient client(io);
  Outcome out;
  client.send({url, "POST", {}, "{}", 5s, ""},
              [&](Result<AsyncHttpClient::Answer> a) { out.result = std::move(a); });
  io.run_for(5s);
  ASSERT_TRUE(out.result);
  ASSERT_FALSE(*out.result);
  EXPECT_EQ(out.result->error().code, ErrorCode::unavailable);
  EXPECT_NE(out.result->error().message.find("cannot connect to http://127.0.0.1:"), std::string::npos)
      << out.result->error().message;
}

TEST(AsyncHttpClient, SilentReceiverTimesOut) {
  net::io_context io;
  OneShotServer server(io, "");
  AsyncHttpClient client(io);
  Outcome out;
  client.send({server.url(), "POST", {}, "{}", 200ms, ""},
              [&](Result<AsyncHttpClient::Answer> a) { out.result = std::move(a); });
  io.run_for(5s);
  ASSERT_TRUE(out.result);
  ASSERT_FALSE(*out.result);
  EXPECT_EQ(out.result->error().code, ErrorCode::deadline_exceeded);
  EXPECT_NE(out.result->error().message.find("within 200 ms"), std::string::npos)
      << out.result->error().message;
}

TEST(AsyncHttpClient, StopCancelsWhatIsInFlightWithoutCallingBack) {
  net::io_context io;
  OneShotServer server(io, "");
  AsyncHttpClient client(io);
  bool called = false;
  client.send({server.url(), "POST", {}, "{}", 30s, ""},
              [&](const Result<AsyncHttpClient::Answer>&) { called = true; });
  io.run_for(100ms);
  client.stop();
  io.run_for(200ms);
  EXPECT_FALSE(called);
  EXPECT_EQ(client.in_flight(), 0U);
}

}  // namespace
}  // namespace lw::adapters::http
