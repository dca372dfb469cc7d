#include "adapters/http/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

namespace lw::adapters::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct Url {
  bool https{false};
  std::string host;
  std::string port{"80"};
  std::string target{"/"};
  [[nodiscard]] std::string origin() const { return (https ? "https://" : "http://") + host + ":" + port; }
};

Result<Url> parse_url(std::string_view url) {
  constexpr std::string_view kHttp = "http://";
  constexpr std::string_view kHttps = "https://";
  Url u;
  std::string_view rest;
  if (url.starts_with(kHttp)) {
    rest = url.substr(kHttp.size());
  } else if (url.starts_with(kHttps)) {
    u.https = true;
    u.port = "443";
    rest = url.substr(kHttps.size());
  } else {
    return invalid_argument("url", "must start with http:// or https://");
  }
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) u.target = std::string(rest.substr(slash));
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    u.host = std::string(authority.substr(0, colon));
    u.port = std::string(authority.substr(colon + 1));
    if (u.port.empty() || u.port.find_first_not_of("0123456789") != std::string::npos) {
      return invalid_argument("url", "port must be a number");
    }
  } else {
    u.host = std::string(authority);
  }
  if (u.host.empty()) return invalid_argument("url", "must name a host");
  return u;
}

/// Connects (and for https: handshakes, verifying the hub's certificate and
/// name), sends `req` and reads the answer into `parser`; the first error lands
/// in `result`, and `connected` tells whether the TCP connection was made.
template <class Stream>
void exchange(Stream& stream, const tcp::resolver::results_type& endpoints,
              bhttp::request<bhttp::string_body>& req, beast::flat_buffer& buffer,
              bhttp::response_parser<bhttp::string_body>& parser, bool& connected,
              beast::error_code& result) {
  // The handlers outlive this call: they capture only what the caller keeps alive.
  auto send = [&stream, &req, &buffer, &parser, &result] {
    bhttp::async_write(
        stream, req, [&stream, &buffer, &parser, &result](const beast::error_code& we, std::size_t) {
          if (we) {
            result = we;
            return;
          }
          bhttp::async_read(stream, buffer, parser,
                            [&result](const beast::error_code& re, std::size_t) { result = re; });
        });
  };
  beast::get_lowest_layer(stream).async_connect(
      endpoints, [&stream, &connected, &result, send](const beast::error_code& e, const tcp::endpoint&) {
        if (e) {
          result = e;
          return;
        }
        connected = true;
        if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
          send();
        } else {
          stream.async_handshake(boost::asio::ssl::stream_base::client,
                                 [&result, send](const beast::error_code& he) {
                                   if (he) {
                                     result = he;
                                     return;
                                   }
                                   send();
                                 });
        }
      });
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (beast::iequals(n, name)) return v;
  }
  return {};
}

Result<HttpResponse> http_request(std::string_view method, std::string_view url, std::string_view body,
                                  Duration timeout, const HttpHeaders& headers, const ClientTls& tls) {
  auto parsed = parse_url(url);
  if (!parsed) return parsed.error();
  const Url& u = *parsed;
  auto verb = bhttp::string_to_verb(method);
  if (verb == bhttp::verb::unknown) return invalid_argument("method", "unknown HTTP method");

  boost::asio::io_context io;
  tcp::resolver resolver(io);
  beast::error_code ec;
  auto endpoints = resolver.resolve(u.host, u.port, ec);
  if (ec) return unavailable("cannot reach the hub at " + u.origin() + ": " + ec.message());

  bhttp::request<bhttp::string_body> req{verb, u.target, 11};
  req.set(bhttp::field::host, u.host);
  req.set(bhttp::field::user_agent, "lockwarden-cli");
  req.set(bhttp::field::connection, "close");
  if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::string(body);
  req.prepare_payload();

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::uint64_t{64} * 1024 * 1024);
  bool connected = false;
  beast::error_code result;

  std::optional<boost::asio::ssl::context> context;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  std::optional<beast::tcp_stream> plain;
  if (u.https) {
    context.emplace(boost::asio::ssl::context::tls_client);
    context->set_options(boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                         boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
    context->set_verify_mode(boost::asio::ssl::verify_peer);
    if (tls.ca_file.empty()) {
      context->set_default_verify_paths(ec);
    } else {
      context->load_verify_file(tls.ca_file, ec);
    }
    if (ec) return invalid_argument("ca_file", "cannot load '" + tls.ca_file + "': " + ec.message());
    secure.emplace(io, *context);
    // The certificate must name the host we asked for (DNS name or IP address).
    secure->set_verify_callback(boost::asio::ssl::host_name_verification(u.host));
    if (!SSL_set_tlsext_host_name(secure->native_handle(), u.host.c_str())) {
      return invalid_argument("url", "the host name '" + u.host + "' cannot be sent in TLS");
    }
    beast::get_lowest_layer(*secure).expires_after(timeout);
    exchange(*secure, endpoints, req, buffer, parser, connected, result);
  } else {
    plain.emplace(io);
    plain->expires_after(timeout);
    exchange(*plain, endpoints, req, buffer, parser, connected, result);
  }
  io.run();

  if (result == beast::error::timeout) {
    return Error{ErrorCode::deadline_exceeded, "the hub at " + u.origin() + " did not answer within " +
                                                   std::to_string(timeout.count()) + " ms"};
  }
  if (result) {
    if (!connected) return unavailable("cannot reach the hub at " + u.origin() + ": " + result.message());
    return unavailable("the connection to the hub at " + u.origin() + " failed: " + result.message());
  }
  HttpResponse out;
  out.status = static_cast<int>(parser.get().result_int());
  out.body = std::move(parser.get().body());
  for (const auto& field : parser.get()) out.headers.emplace_back(field.name_string(), field.value());
  return out;
}

}  // namespace lw::adapters::http
