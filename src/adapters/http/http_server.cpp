#include "adapters/http/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <deque>
#include <exception>
#include <set>
#include <utility>

namespace lw::adapters::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);
/// After an error answer, how long and how much of the client's unread request is drained.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;
/// Handlers that hold the loop longer than this are logged (house rule).
constexpr auto kSlowHandler = std::chrono::milliseconds(20);

bool is_http_protocol_error(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

std::string endpoint_text(const std::string& address, unsigned short port) {
  bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

/// The session's end of a streamed body. `signal_` is the session's wake-up
/// timer; the sink only cancels it, and forgets it when the session ends, so a
/// producer that keeps the sink longer never touches a dead timer.
class SessionSink final : public StreamSink {
 public:
  explicit SessionSink(std::size_t limit) : limit_(limit) {}

  bool write(std::string chunk) override {
    if (!open_) return false;
    if (chunk.empty()) return true;  // an empty chunk would end a chunked body
    if (queued_bytes_ + chunk.size() > limit_) {
      spdlog::warn("http: closing a stream whose client reads too slowly ({} bytes waiting)", queued_bytes_);
      abort();
      return false;
    }
    queued_bytes_ += chunk.size();
    queue_.push_back(std::move(chunk));
    wake();
    return true;
  }
  void close() override {
    if (!open_) return;
    open_ = false;
    wake();
  }
  [[nodiscard]] bool is_open() const override { return open_; }

  /// The client is gone or too slow: nothing more is sent, not even the last chunk.
  void abort() {
    open_ = false;
    aborted_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    wake();
  }
  void attach(net::steady_timer* signal) { signal_ = signal; }
  void detach() {
    signal_ = nullptr;
    open_ = false;
    queue_.clear();
    queued_bytes_ = 0;
  }
  [[nodiscard]] bool aborted() const { return aborted_; }
  [[nodiscard]] bool has_chunk() const { return !queue_.empty(); }
  std::string pop() {
    std::string chunk = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= chunk.size();
    return chunk;
  }

 private:
  void wake() {
    if (signal_) signal_->cancel();
  }

  std::size_t limit_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_{0};
  bool open_{true};
  bool aborted_{false};
  net::steady_timer* signal_{nullptr};
};

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}

  beast::tcp_stream stream;
  bool reading{false};  // waiting for (more of) a request, or draining: safe to close at once
  std::shared_ptr<SessionSink> sink;
};

Result<Request> to_request(bhttp::request<bhttp::string_body>& req) {
  Request r;
  r.method = std::string(req.method_string());
  if (auto t = parse_target(req.target(), r); !t) return t.error();
  for (const auto& field : req) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto [it, inserted] = r.headers.emplace(name, std::string(field.value()));
    if (!inserted) {
      it->second += ", ";
      it->second += field.value();
    }
  }
  r.body = std::move(req.body());
  return r;
}

template <typename Message>
void set_common_fields(Message& res, const Response& response) {
  res.set(bhttp::field::server, "lockwarden");
  if (!response.content_type.empty()) res.set(bhttp::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) res.insert(name, value);
}

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(net::io_context& io_context, Router& r, Options o)
      : io(io_context), router(r), options(std::move(o)), acceptor(io_context), grace_timer(io_context) {}

  net::io_context& io;
  Router& router;  // used only while not stopping
  Options options;
  tcp::acceptor acceptor;
  net::steady_timer grace_timer;
  std::set<std::shared_ptr<Connection>> connections;
  bool started{false};
  bool stopping{false};
  unsigned short port{0};

  // Static, with the owner as a parameter: the coroutine frame keeps the Impl
  // alive from its creation, even if the HttpServer goes away before it first runs.
  static net::awaitable<void> accept_loop(std::shared_ptr<Impl> self);
  static net::awaitable<void> session(std::shared_ptr<Impl> self, std::shared_ptr<Connection> conn);
  net::awaitable<void> serve(Connection& conn);
  net::awaitable<bool> write_response(Connection& conn, Response response, unsigned version, bool keep_alive,
                                      bool head_only);
  net::awaitable<void> write_stream(Connection& conn, Response response, unsigned version, bool head_only);
  net::awaitable<void> linger(Connection& conn);
  void finish(const std::shared_ptr<Connection>& conn);
  void stop();
};

net::awaitable<void> HttpServer::Impl::accept_loop(std::shared_ptr<Impl> self) {
  while (!self->stopping) {
    auto [ec, socket] = co_await self->acceptor.async_accept(kNoThrow);
    if (self->stopping) break;
    if (ec) {
      if (ec == net::error::operation_aborted) break;
      // Out of descriptors, or a connection reset before it was accepted: wait a little, go on.
      spdlog::warn("http: accept failed: {}", ec.message());
      net::steady_timer pause(self->io, std::chrono::milliseconds(100));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto conn = std::make_shared<Connection>(std::move(socket));
    self->connections.insert(conn);
    net::co_spawn(self->io, session(self, conn), [](const std::exception_ptr&) {});
  }
}

net::awaitable<void> HttpServer::Impl::session(std::shared_ptr<Impl> self, std::shared_ptr<Connection> conn) {
  try {
    co_await self->serve(*conn);
  } catch (const std::exception& e) {
    spdlog::error("http: session failed: {}", e.what());
  }
  self->finish(conn);
}

void HttpServer::Impl::finish(const std::shared_ptr<Connection>& conn) {
  if (conn->sink) conn->sink->detach();
  beast::error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  conn->stream.close();
  connections.erase(conn);
  if (stopping && connections.empty()) grace_timer.cancel();
}

net::awaitable<void> HttpServer::Impl::serve(Connection& conn) {
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    conn.stream.expires_after(options.read_timeout);
    conn.reading = true;
    auto [ec, n] = co_await bhttp::async_read_header(conn.stream, buffer, parser, kNoThrow);
    if (!ec && !stopping && beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      // The body is within the limit (a larger Content-Length already failed above): ask for it.
      conn.reading = false;
      bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
      auto [wec, wn] = co_await bhttp::async_write(conn.stream, go_on, kNoThrow);
      ec = wec;
      conn.reading = true;
    }
    if (!ec && !stopping && !parser.is_done()) {
      auto [rec, rn] = co_await bhttp::async_read(conn.stream, buffer, parser, kNoThrow);
      ec = rec;
    }
    conn.reading = false;
    if (stopping) co_return;
    if (ec) {
      if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
          !is_http_protocol_error(ec)) {
        // The client left, timed out (beast::error::timeout), or the socket failed: nothing to answer.
        co_return;
      }
      Response answer;
      if (ec == bhttp::error::body_limit) {
        answer = error_response(413, "payload_too_large",
                                "request body exceeds " + std::to_string(options.max_body_bytes) + " bytes");
      } else if (ec == bhttp::error::header_limit) {
        answer =
            error_response(431, "header_too_large",
                           "request header exceeds " + std::to_string(options.max_header_bytes) + " bytes");
      } else {
        answer = error_response(400, "invalid_argument", "malformed HTTP request: " + ec.message());
      }
      unsigned version = parser.is_header_done() ? parser.get().version() : 11;
      if (co_await write_response(conn, std::move(answer), version, false, false)) co_await linger(conn);
      co_return;
    }

    auto message = parser.release();
    const bool head_only = message.method() == bhttp::verb::head;
    const unsigned version = message.version();
    bool keep_alive = message.keep_alive() && options.keep_alive;
    auto request = to_request(message);
    Response response;
    if (request) {
      boost::system::error_code peer_ec;
      auto peer = conn.stream.socket().remote_endpoint(peer_ec);
      if (!peer_ec) request->remote_address = peer.address().to_string();
      auto started_at = std::chrono::steady_clock::now();
      response = router.dispatch(std::move(*request));
      auto took = std::chrono::steady_clock::now() - started_at;
      if (took > kSlowHandler) {
        spdlog::warn("http: {} {} held the loop for {} ms", message.method_string(), message.target(),
                     std::chrono::duration_cast<std::chrono::milliseconds>(took).count());
      }
    } else {
      response = error_response(request.error());
      keep_alive = false;
    }
    if (response.stream) {
      co_await write_stream(conn, std::move(response), version, head_only);
      co_return;
    }
    bool written =
        co_await write_response(conn, std::move(response), version, keep_alive && !stopping, head_only);
    if (!written || !keep_alive || stopping) co_return;
  }
}

net::awaitable<bool> HttpServer::Impl::write_response(Connection& conn, Response response, unsigned version,
                                                      bool keep_alive, bool head_only) {
  auto status = static_cast<bhttp::status>(response.status);
  conn.stream.expires_after(options.write_timeout);
  beast::error_code ec;
  if (head_only) {
    bhttp::response<bhttp::empty_body> res{status, version};
    set_common_fields(res, response);
    res.content_length(response.body.size());
    res.keep_alive(keep_alive);
    std::tie(ec, std::ignore) = co_await bhttp::async_write(conn.stream, res, kNoThrow);
  } else {
    bhttp::response<bhttp::string_body> res{status, version};
    set_common_fields(res, response);
    res.body() = std::move(response.body);
    res.prepare_payload();
    res.keep_alive(keep_alive);
    std::tie(ec, std::ignore) = co_await bhttp::async_write(conn.stream, res, kNoThrow);
  }
  if (ec) spdlog::debug("http: writing a response failed: {}", ec.message());
  co_return !ec;
}

net::awaitable<void> HttpServer::Impl::write_stream(Connection& conn, Response response, unsigned version,
                                                    bool head_only) {
  // HTTP/1.0 has no chunked coding: the body then simply ends when the connection closes.
  const bool chunked = version >= 11;
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(response.status), version};
  set_common_fields(res, response);
  res.set(bhttp::field::cache_control, "no-cache");
  res.keep_alive(false);
  if (chunked) res.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> serializer{res};
  conn.stream.expires_after(options.write_timeout);
  auto [hec, hn] = co_await bhttp::async_write_header(conn.stream, serializer, kNoThrow);
  if (hec || head_only || stopping) co_return;

  auto sink = std::make_shared<SessionSink>(options.max_stream_queue_bytes);
  net::steady_timer signal(io);
  sink->attach(&signal);
  conn.sink = sink;
  // A streaming client sends nothing more; anything readable (EOF, a reset) means it has gone.
  conn.stream.socket().async_wait(tcp::socket::wait_read, [weak = std::weak_ptr<SessionSink>(sink)](auto ec) {
    if (ec) return;
    if (auto s = weak.lock()) s->abort();
  });
  response.stream(sink);

  for (;;) {
    if (sink->has_chunk()) {
      std::string chunk = sink->pop();
      conn.stream.expires_after(options.write_timeout);
      beast::error_code ec;
      if (chunked) {
        std::tie(ec, std::ignore) =
            co_await net::async_write(conn.stream, bhttp::make_chunk(net::buffer(chunk)), kNoThrow);
      } else {
        std::tie(ec, std::ignore) = co_await net::async_write(conn.stream, net::buffer(chunk), kNoThrow);
      }
      if (ec) break;
      continue;
    }
    if (!sink->is_open()) {
      if (chunked && !sink->aborted()) {
        conn.stream.expires_after(options.write_timeout);
        co_await net::async_write(conn.stream, bhttp::make_chunk_last(), kNoThrow);
      }
      break;
    }
    signal.expires_at(net::steady_timer::time_point::max());
    co_await signal.async_wait(kNoThrow);  // cancelled by write(), close() and abort()
  }
  sink->detach();
}

net::awaitable<void> HttpServer::Impl::linger(Connection& conn) {
  beast::error_code ignored;
  conn.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  conn.stream.expires_after(kLingerTime);
  conn.reading = true;
  std::array<char, 16 * 1024> scratch{};
  std::size_t drained = 0;
  while (drained < kLingerBytes && !stopping) {
    auto [ec, n] = co_await conn.stream.async_read_some(net::buffer(scratch), kNoThrow);
    if (ec) break;
    drained += n;
  }
  conn.reading = false;
}

void HttpServer::Impl::stop() {
  if (stopping) return;
  stopping = true;
  beast::error_code ignored;
  acceptor.close(ignored);
  for (const auto& conn : connections) {
    if (conn->sink) {
      conn->sink->close();
    } else if (conn->reading) {
      conn->stream.close();
    }
    // A connection that is writing a response finishes it, then sees `stopping`.
  }
  if (connections.empty()) return;
  grace_timer.expires_after(options.shutdown_grace);
  grace_timer.async_wait([self = shared_from_this()](const beast::error_code& ec) {
    if (ec) return;
    if (!self->connections.empty()) {
      spdlog::warn("http: closing {} connections still busy after the shutdown grace",
                   self->connections.size());
    }
    for (const auto& conn : self->connections) conn->stream.close();
  });
}

HttpServer::HttpServer(net::io_context& io, Router& router, Options options)
    : impl_(std::make_shared<Impl>(io, router, std::move(options))) {}

HttpServer::~HttpServer() { impl_->stop(); }

Result<void> HttpServer::start() {
  Impl& s = *impl_;
  if (s.started) return failed_precondition("the HTTP server was already started");
  if (s.stopping) return failed_precondition("the HTTP server was stopped");
  beast::error_code ec;
  auto address = net::ip::make_address(s.options.address, ec);
  if (ec) return invalid_argument("address", "'" + s.options.address + "' is not an IP address");
  tcp::endpoint endpoint(address, s.options.port);
  auto fail = [&](std::string_view step) {
    beast::error_code ignored;
    s.acceptor.close(ignored);
    return unavailable("cannot listen on " + endpoint_text(s.options.address, s.options.port) + ": " +
                       std::string(step) + ": " + ec.message());
  };
  if (s.acceptor.open(endpoint.protocol(), ec)) return fail("socket");
  if (s.acceptor.set_option(tcp::acceptor::reuse_address(true), ec)) return fail("SO_REUSEADDR");
  if (s.acceptor.bind(endpoint, ec)) return fail("bind");
  if (s.acceptor.listen(net::socket_base::max_listen_connections, ec)) return fail("listen");
  s.port = s.acceptor.local_endpoint(ec).port();
  s.started = true;
  net::co_spawn(s.io, Impl::accept_loop(impl_), [](const std::exception_ptr& e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("http: the accept loop failed: {}", ex.what());
    }
  });
  spdlog::debug("http: listening on {}", endpoint_text(s.options.address, s.port));
  return ok();
}

void HttpServer::stop() { impl_->stop(); }

unsigned short HttpServer::port() const { return impl_->port; }

std::size_t HttpServer::connection_count() const { return impl_->connections.size(); }

}  // namespace lw::adapters::http
