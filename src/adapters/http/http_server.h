// HttpServer: the HTTP/1.1 server of the hub (Boost.Beast), one C++20 coroutine
// session per connection on the caller's io_context. It reads a request, checks
// its limits, asks the Router for a Response and writes it; everything about
// URLs and JSON lives in the router and its handlers.
//
// Limits and the answers they give (JSON error bodies like every endpoint):
// - a request whose body is larger than `max_body_bytes` gets 413, its header
//   block larger than `max_header_bytes` 431, a malformed request 400; the
//   connection then closes (after draining what the client is still sending,
//   so that it reads the answer rather than a reset);
// - a request (header and body) must arrive within `read_timeout` of the
//   previous response (or of connecting); otherwise the connection closes
//   without an answer. A response must be written within `write_timeout`.
// - keep-alive: HTTP/1.1 connections stay open for the next request unless the
//   client sends `Connection: close` or `keep_alive` is false.
// Streamed responses (Response::stream) are sent chunked, at most
// `max_stream_queue_bytes` waiting for a slow client; the connection closes
// when the stream ends.
//
// Shutdown is two-stage. stop(): the acceptor closes (new connections are
// refused), idle connections close at once, a connection that is writing a
// response finishes it and then closes, streams end. Whatever is still open
// `shutdown_grace` later is closed hard. After that the server holds no work on
// the io_context, so io_context::run() returns once the rest of the program is idle.
//
// Example:
//   Router router;
//   add_api_routes(router, hub);
//   HttpServer server(io, router, {.address = "127.0.0.1", .port = 0});
//   if (auto r = server.start(); !r) return r.error();
//   spdlog::info("listening on {}", server.port());
//
// Threading: construct, start(), stop() and destroy on the io_context's thread
// (or before it runs). The router must outlive the server; the handlers run on
// the io_context thread, one at a time, so they may use the core without locks.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "adapters/http/router.h"
#include "base/result.h"
#include "base/time.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace lw::adapters::http {

class HttpServer {
 public:
  struct Options {
    std::string address{"127.0.0.1"};  ///< IPv4 or IPv6 literal to listen on
    unsigned short port{0};            ///< 0: an ephemeral port; port() tells which
    std::size_t max_body_bytes{std::size_t{64} * 1024};
    std::size_t max_header_bytes{std::size_t{16} * 1024};
    Duration read_timeout{30s};   ///< to receive one whole request, and idle time between requests
    Duration write_timeout{30s};  ///< to send one response (or one stream chunk)
    bool keep_alive{true};        ///< false: close after every response
    std::size_t max_stream_queue_bytes{std::size_t{1024} * 1024};
    Duration shutdown_grace{5s};  ///< how long stop() lets busy connections finish
    /// HTTPS: a PEM certificate chain (the server's first) and its PEM private
    /// key. Both empty: plain HTTP. TLS 1.2 or 1.3; a client that does not
    /// complete the handshake within read_timeout is dropped without an answer.
    std::string tls_cert_file{};
    std::string tls_key_file{};
  };

  HttpServer(boost::asio::io_context& io, Router& router, Options options);
  /// Stops, as stop() does, if still running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and listens, then accepts in the background. Errors: invalid_argument
  /// ("address: ...") for an address that is not an IP literal, ("tls_cert: ...",
  /// "tls_key: ...") for a certificate or key that is missing, unreadable or not
  /// a pair; unavailable when
  /// the port cannot be bound ("bind 127.0.0.1:8080: Address already in use");
  /// failed_precondition when already started.
  Result<void> start();

  /// Two-stage shutdown (see above). Idempotent; the server cannot start again.
  void stop();

  /// The bound port (the ephemeral one when Options::port was 0); 0 before start().
  [[nodiscard]] unsigned short port() const;

  /// Connections open right now.
  [[nodiscard]] std::size_t connection_count() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace lw::adapters::http
