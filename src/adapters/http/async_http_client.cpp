#include "adapters/http/async_http_client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <map>
#include <set>

#include "base/version.h"

namespace lw::adapters::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

}  // namespace

Result<HttpUrl> parse_http_url(std::string_view url, std::string_view field) {
  HttpUrl u;
  std::string_view rest;
  if (url.starts_with("https://")) {
    u.tls = true;
    u.port = "443";
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return invalid_argument(field, "must start with http:// or https://");
  }
  const auto slash = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    u.target = std::string(rest.substr(slash));
    if (u.target.front() == '?') u.target.insert(0, "/");
  }
  if (authority.find('@') != std::string_view::npos) {
    return invalid_argument(field, "must not hold credentials (user@host)");
  }
  std::string_view host = authority;
  if (authority.starts_with('[')) {  // [IPv6]:port
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return invalid_argument(field, "has an unclosed '[' in its host");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid_argument(field, "must have ':port' after ']'");
      u.port = std::string(after.substr(1));
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    u.port = std::string(authority.substr(colon + 1));
  }
  int port = 0;
  auto [ptr, ec] = std::from_chars(u.port.data(), u.port.data() + u.port.size(), port);
  if (ec != std::errc{} || ptr != u.port.data() + u.port.size() || port < 1 || port > 65535) {
    return invalid_argument(field, "port must be 1..65535");
  }
  if (host.empty()) return invalid_argument(field, "must name a host");
  u.host = std::string(host);
  return u;
}

namespace detail {

/// One request: its resolver, connection and deadline.
struct RequestOp {
  RequestOp(net::io_context& io, net::ssl::context* tls) : resolver(io), deadline(io) {
    if (tls != nullptr) {
      secure.emplace(io, *tls);
    } else {
      plain.emplace(io);
    }
  }
  /// The TCP connection (under TLS for https://).
  beast::tcp_stream& tcp() { return secure ? secure->next_layer() : *plain; }
  /// Stops what runs now, and every later step (exchange checks `cancelled`).
  void cancel() {
    cancelled = true;
    resolver.cancel();
    tcp().cancel();
    deadline.cancel();
  }
  tcp::resolver resolver;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  net::steady_timer deadline;
  bool timed_out{false};
  bool cancelled{false};
  Result<AsyncHttpClient::Answer> result{unavailable("not sent")};
};

struct ClientState {
  std::set<std::shared_ptr<RequestOp>> active;
  bool stopped{false};
  /// TLS client contexts by CA file ("": the system's trusted CAs), made on first use.
  std::map<std::string, std::unique_ptr<net::ssl::context>> tls;
};

}  // namespace detail

namespace {

using detail::ClientState;
using detail::RequestOp;

/// A TLS client context that verifies the peer against `ca_file` (a PEM
/// file) or, when empty, the system's trusted CAs. Errors: invalid_argument
/// ("ca_file: cannot load ...").
Result<net::ssl::context*> tls_context(ClientState& state, const std::string& ca_file) {
  auto& slot = state.tls[ca_file];
  if (slot) return slot.get();
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
  context->set_options(net::ssl::context::no_sslv2 | net::ssl::context::no_sslv3 |
                       net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
  context->set_verify_mode(net::ssl::verify_peer);
  beast::error_code ec;
  if (ca_file.empty()) {
    context->set_default_verify_paths(ec);
  } else {
    context->load_verify_file(ca_file, ec);
  }
  if (ec) {
    state.tls.erase(ca_file);
    return invalid_argument("ca_file", "cannot load '" + ca_file + "': " + ec.message());
  }
  slot = std::move(context);
  return slot.get();
}

/// Sends `req` on `stream` and reads the answer's header into op->result.
template <typename Stream>
net::awaitable<void> talk(std::shared_ptr<RequestOp> op, Stream& stream, const HttpUrl& u,
                          bhttp::request<bhttp::string_body> req) {
  auto [wec, written] = co_await bhttp::async_write(stream, req, kNoThrow);
  (void)written;
  if (wec || op->cancelled) {
    op->result = unavailable("sending to " + u.origin() + " failed: " + wec.message());
    co_return;
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::empty_body> parser;
  auto [rdec, read] = co_await bhttp::async_read_header(stream, buffer, parser, kNoThrow);
  (void)read;
  if (rdec) {
    op->result = unavailable("reading the answer of " + u.origin() + " failed: " + rdec.message());
    co_return;
  }
  AsyncHttpClient::Answer answer;
  answer.status = static_cast<int>(parser.get().result_int());
  if (auto it = parser.get().find(bhttp::field::retry_after); it != parser.get().end()) {
    answer.retry_after = std::string(it->value());
  }
  beast::error_code ignored;
  op->tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
  op->result = std::move(answer);
}

/// Connects to `endpoints` (with a TLS handshake for https://, the
/// certificate checked against the host name), sends `request` and reads its
/// answer's header into op->result; `op` keeps the connection alive
/// meanwhile. (Name resolution is done before, with a callback:
/// clang-analyzer misreads a co_await on async_resolve.)
net::awaitable<void> exchange(std::shared_ptr<RequestOp> op, AsyncHttpClient::Request request,
                              tcp::resolver::results_type endpoints) {
  const HttpUrl& u = request.url;
  auto [cec, peer] = co_await op->tcp().async_connect(endpoints, kNoThrow);
  (void)peer;
  if (cec || op->cancelled) {
    op->result = unavailable("cannot connect to " + u.origin() + ": " + cec.message());
    co_return;
  }
  if (op->secure) {
    op->secure->set_verify_callback(net::ssl::host_name_verification(u.host));
    if (!SSL_set_tlsext_host_name(op->secure->native_handle(), u.host.c_str())) {
      op->result = unavailable("TLS with " + u.origin() + ": cannot set the server name");
      co_return;
    }
    auto [hec] = co_await op->secure->async_handshake(net::ssl::stream_base::client, kNoThrow);
    if (hec || op->cancelled) {
      op->result = unavailable("TLS with " + u.origin() + " failed: " + hec.message());
      co_return;
    }
  }
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(request.method), u.target, 11};
  const std::string host = u.host.find(':') == std::string::npos ? u.host : "[" + u.host + "]";
  req.set(bhttp::field::host, u.port == (u.tls ? "443" : "80") ? host : host + ":" + u.port);
  req.set(bhttp::field::user_agent, "lockwarden/" + std::string(kVersion));
  req.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.body() = std::move(request.body);
  req.prepare_payload();
  if (op->secure) {
    co_await talk(op, *op->secure, u, std::move(req));
  } else {
    co_await talk(op, *op->plain, u, std::move(req));
  }
}

/// Hands op->result (or the time-out) to `done`, unless the client stopped.
void finish(const std::shared_ptr<RequestOp>& op, const std::shared_ptr<ClientState>& state,
            const AsyncHttpClient::Done& done, const std::string& origin, Duration timeout) {
  op->deadline.cancel();
  state->active.erase(op);
  if (state->stopped) return;
  if (op->timed_out) {
    op->result = Error{ErrorCode::deadline_exceeded,
                       "no answer from " + origin + " within " + std::to_string(timeout.count()) + " ms"};
  }
  done(std::move(op->result));
}

}  // namespace

AsyncHttpClient::AsyncHttpClient(net::io_context& io) : io_(io), shared_(std::make_shared<ClientState>()) {}

AsyncHttpClient::~AsyncHttpClient() { stop(); }

std::size_t AsyncHttpClient::in_flight() const { return shared_->active.size(); }

void AsyncHttpClient::stop() {
  shared_->stopped = true;
  for (const auto& op : shared_->active) op->cancel();
}

void AsyncHttpClient::send(Request request, Done done) {
  if (shared_->stopped) return;
  if (bhttp::string_to_verb(request.method) == bhttp::verb::unknown) {
    auto shared = shared_;
    net::post(io_, [shared, done = std::move(done)] {
      if (!shared->stopped) done(invalid_argument("method", "unknown HTTP method"));
    });
    return;
  }
  net::ssl::context* tls = nullptr;
  if (request.url.tls) {
    auto context = tls_context(*shared_, request.ca_file);
    if (!context) {
      auto shared = shared_;
      net::post(io_, [shared, done = std::move(done), error = context.error()] {
        if (!shared->stopped) done(error);
      });
      return;
    }
    tls = *context;
  }
  auto op = std::make_shared<RequestOp>(io_, tls);
  shared_->active.insert(op);
  op->deadline.expires_after(request.timeout);
  op->deadline.async_wait([weak = std::weak_ptr<RequestOp>(op)](const beast::error_code& ec) {
    auto o = weak.lock();
    if (ec || !o) return;
    o->timed_out = true;
    o->resolver.cancel();
    o->tcp().cancel();
  });
  const std::string host = request.url.host;
  const std::string port = request.url.port;
  op->resolver.async_resolve(
      host, port,
      [io = &io_, op, state = shared_, request = std::move(request), done = std::move(done)](
          const beast::error_code& ec, tcp::resolver::results_type endpoints) mutable {
        const std::string origin = request.url.origin();
        const Duration timeout = request.timeout;
        if (ec || state->stopped) {
          op->result = unavailable("cannot resolve " + request.url.host + ": " + ec.message());
          finish(op, state, done, origin, timeout);
          return;
        }
        net::co_spawn(
            *io, exchange(op, std::move(request), std::move(endpoints)),
            [op, state, done = std::move(done), origin, timeout](const std::exception_ptr& failure) {
              if (failure) op->result = internal_error("the request to " + origin + " threw");
              finish(op, state, done, origin, timeout);
            });
      });
}

}  // namespace lw::adapters::http
