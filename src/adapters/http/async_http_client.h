// AsyncHttpClient: one-shot HTTP/1.1 requests on the caller's io_context
// (Boost.Beast, a C++20 coroutine per request), for work that must not block
// the hub's event loop — webhook deliveries. http:// and https:// (TLS 1.2+,
// the certificate verified against the system's CAs or a given CA file, and
// the host name); one request per connection (`Connection: close`). Only the answer's status line and
// headers are read: callers here need the status and Retry-After, not the body.
//
// Each request has one deadline covering name resolution, connecting,
// sending and the answer's header.
//
// Example:
//   AsyncHttpClient client(io);
//   auto url = parse_http_url("http://127.0.0.1:9000/hook");
//   client.send({*url, "POST", {{"Content-Type", "application/json"}}, body, 10s},
//               [](Result<AsyncHttpClient::Answer> a) {
//                 if (!a) spdlog::warn("{}", a.error().message);  // "connection refused"
//               });
//
// Threading: construct, send(), stop() and destroy on the io_context's
// thread; `done` runs there too.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace lw::adapters::http {

namespace detail {
struct ClientState;  // the requests in flight, shared with their coroutines
}  // namespace detail

struct HttpUrl {
  std::string host;
  std::string port{"80"};   ///< 443 for https:// unless given
  std::string target{"/"};  ///< path and query, as written
  bool tls{false};          ///< https://
  /// "http://host:port", for messages: never the path, which may hold a token.
  [[nodiscard]] std::string origin() const {
    return std::string(tls ? "https://" : "http://") +
           (host.find(':') == std::string::npos ? host : "[" + host + "]") + ":" + port;
  }
};

/// Parses "http[s]://host[:port][/path?query]". Errors: invalid_argument
/// naming `field` — "must start with http:// or https://", "must name a
/// host", "port must be 1..65535", "must not hold credentials (user@host)".
Result<HttpUrl> parse_http_url(std::string_view url, std::string_view field = "url");

class AsyncHttpClient {
 public:
  struct Request {
    HttpUrl url;
    std::string method{"POST"};
    std::vector<std::pair<std::string, std::string>> headers;  ///< Host and Connection are set here
    std::string body;
    Duration timeout{10s};
    /// https://: a PEM file of the CA that signs the receiver's certificate;
    /// empty: the system's trusted CAs.
    std::string ca_file;
  };
  struct Answer {
    int status{0};
    std::optional<std::string> retry_after;  ///< the Retry-After header, as sent
  };
  /// The answer, or: unavailable ("connection refused", "cannot resolve
  /// host", a reset), deadline_exceeded ("no answer within 10000 ms").
  using Done = std::function<void(Result<Answer>)>;

  explicit AsyncHttpClient(boost::asio::io_context& io);
  ~AsyncHttpClient();
  AsyncHttpClient(const AsyncHttpClient&) = delete;
  AsyncHttpClient& operator=(const AsyncHttpClient&) = delete;

  /// Starts `request`; `done` runs once with its outcome, unless stop() came first.
  void send(Request request, Done done);

  /// Cancels every request in flight; their `done` never runs. Later send()s are dropped.
  void stop();

  [[nodiscard]] std::size_t in_flight() const;

 private:
  boost::asio::io_context& io_;
  std::shared_ptr<detail::ClientState> shared_;
};

}  // namespace lw::adapters::http
