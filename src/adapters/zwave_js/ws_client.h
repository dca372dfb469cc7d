// WsClient: one WebSocket connection (RFC 6455, text messages) to a server on
// the caller's io_context, kept open: when it closes or cannot open, it tries
// again after an exponential back-off with jitter (1 s .. 10 s). Boost.Beast,
// a C++20 coroutine per connection. Plain ws:// only: zwave-js-server serves
// plain WebSocket, normally on loopback or the hub's own LAN.
//
// Example:
//   WsClient ws(io, {"127.0.0.1", "3000"});
//   ws.on_message([](std::string_view text) { adapter.handle(text); });
//   ws.start();
//   ws.send(R"({"messageId":"1","command":"start_listening"})");
//
// Threading: construct, start(), send(), stop() and destroy on the
// io_context's thread; the callbacks run there too.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"

namespace lw::adapters::zwave_js {

/// "ws://host[:port][/path]" split for WsClient. Errors: invalid_argument
/// naming `field` ("zwave_js.url: must start with ws://").
struct WsUrl {
  std::string host;
  std::string port{"80"};
  std::string target{"/"};
};
Result<WsUrl> parse_ws_url(std::string_view url, std::string_view field);

class WsClient {
 public:
  struct Options {
    WsUrl url;
    Duration min_backoff{std::chrono::seconds(1)};
    Duration max_backoff{std::chrono::seconds(10)};
    std::size_t max_message_bytes{16u << 20};
  };

  WsClient(boost::asio::io_context& io, Options options);
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  /// The handshake completed.
  void on_open(std::function<void()> f);
  /// One text message.
  void on_message(std::function<void(std::string_view)> f);
  /// The connection closed, or an attempt failed; `why` in words.
  void on_close(std::function<void(const std::string& why)> f);

  void start();
  /// Closes the connection and stops trying. Callbacks do not run afterwards.
  void stop();

  /// Queues one text message. Errors: unavailable when not open.
  Result<void> send(std::string_view text);
  [[nodiscard]] bool is_open() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace lw::adapters::zwave_js
