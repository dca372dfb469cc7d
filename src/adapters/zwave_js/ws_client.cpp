#include "adapters/zwave_js/ws_client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <random>

#include "adapters/http/async_http_client.h"
#include "adapters/mqtt/reconnect_backoff.h"

namespace lw::adapters::zwave_js {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);

}  // namespace

Result<WsUrl> parse_ws_url(std::string_view url, std::string_view field) {
  constexpr std::string_view kScheme = "ws://";
  if (!url.starts_with(kScheme)) return invalid_argument(field, "must start with ws://");
  // The same authority and path as an http:// URL: only the scheme differs.
  auto http = http::parse_http_url("http://" + std::string(url.substr(kScheme.size())), field);
  if (!http) return http.error();
  return WsUrl{std::move(http->host), std::move(http->port), std::move(http->target)};
}

struct WsClient::State : std::enable_shared_from_this<WsClient::State> {
  State(net::io_context& io_context, Options o)
      : io(io_context), options(std::move(o)), backoff(options.min_backoff, options.max_backoff), wait(io) {}

  net::io_context& io;
  Options options;
  mqtt::ReconnectBackoff backoff;
  net::steady_timer wait;
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
  std::deque<std::string> outbox;
  bool writing{false};
  bool open{false};
  bool stopped{false};
  std::minstd_rand jitter{std::random_device{}()};
  std::function<void()> opened;
  std::function<void(std::string_view)> message;
  std::function<void(const std::string&)> closed;

  net::awaitable<void> run() {
    auto self = shared_from_this();
    while (!stopped) {
      std::string why = co_await connect_and_read();
      const bool was_open = open;
      open = false;
      outbox.clear();
      ws.reset();
      if (stopped) co_return;
      if (closed) closed(why);
      if (was_open) backoff.reset();
      wait.expires_after(backoff.next(std::uniform_real_distribution<double>(0, 1)(jitter)));
      (void)co_await wait.async_wait(kNoThrow);
    }
  }

  /// One connection, until it ends; why it ended.
  net::awaitable<std::string> connect_and_read() {
    tcp::resolver resolver(io);
    auto [rec, endpoints] = co_await resolver.async_resolve(options.url.host, options.url.port, kNoThrow);
    if (rec) co_return "cannot resolve " + options.url.host + ": " + rec.message();
    if (stopped) co_return "stopped";
    ws = std::make_unique<websocket::stream<beast::tcp_stream>>(io);
    beast::get_lowest_layer(*ws).expires_after(kHandshakeTimeout);
    auto [cec, peer] = co_await beast::get_lowest_layer(*ws).async_connect(endpoints, kNoThrow);
    if (cec) co_return "connect to " + options.url.host + ":" + options.url.port + ": " + cec.message();
    if (stopped) co_return "stopped";
    auto [hec] =
        co_await ws->async_handshake(options.url.host + ":" + options.url.port, options.url.target, kNoThrow);
    if (hec) co_return "WebSocket handshake: " + hec.message();
    beast::get_lowest_layer(*ws).expires_never();
    ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws->read_message_max(options.max_message_bytes);
    ws->text(true);
    open = true;
    if (opened) opened();
    beast::flat_buffer buffer;
    while (!stopped && ws) {
      auto [ec, n] = co_await ws->async_read(buffer, kNoThrow);
      if (ec)
        co_return ec == websocket::error::closed ? std::string("the server closed the connection")
                                                 : ec.message();
      if (message) {
        const auto data = buffer.cdata();
        message(std::string_view(static_cast<const char*>(data.data()), data.size()));
      }
      buffer.consume(buffer.size());
    }
    co_return "stopped";
  }

  net::awaitable<void> write() {
    auto self = shared_from_this();
    while (!outbox.empty() && open && ws) {
      std::string text = std::move(outbox.front());
      outbox.pop_front();
      auto [ec, n] = co_await ws->async_write(net::buffer(text), kNoThrow);
      if (ec) break;  // the read side sees the failure and reconnects
    }
    writing = false;
  }
};

WsClient::WsClient(boost::asio::io_context& io, Options options)
    : state_(std::make_shared<State>(io, std::move(options))) {}

WsClient::~WsClient() { stop(); }

void WsClient::on_open(std::function<void()> f) { state_->opened = std::move(f); }
void WsClient::on_message(std::function<void(std::string_view)> f) { state_->message = std::move(f); }
void WsClient::on_close(std::function<void(const std::string&)> f) { state_->closed = std::move(f); }

void WsClient::start() { net::co_spawn(state_->io, state_->run(), net::detached); }

void WsClient::stop() {
  State& s = *state_;
  if (s.stopped) return;
  s.stopped = true;
  s.opened = nullptr;
  s.message = nullptr;
  s.closed = nullptr;
  s.wait.cancel();
  if (s.ws) {
    beast::error_code ignored;
    beast::get_lowest_layer(*s.ws).socket().close(ignored);
  }
}

Result<void> WsClient::send(std::string_view text) {
  State& s = *state_;
  if (!s.open || !s.ws) return unavailable("the WebSocket is not open");
  s.outbox.emplace_back(text);
  if (!s.writing) {
    s.writing = true;
    net::co_spawn(s.io, s.write(), net::detached);
  }
  return ok();
}

bool WsClient::is_open() const { return state_->open; }

}  // namespace lw::adapters::zwave_js
