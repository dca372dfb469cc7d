#include "adapters/http/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace lw::adapters::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

struct Url {
  std::string host;
  std::string port{"80"};
  std::string target{"/"};
  [[nodiscard]] std::string origin() const { return "http://" + host + ":" + port; }
};

Result<Url> parse_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) return invalid_argument("url", "must start with http://");
  std::string_view rest = url.substr(kScheme.size());
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  Url u;
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

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (beast::iequals(n, name)) return v;
  }
  return {};
}

Result<HttpResponse> http_request(std::string_view method, std::string_view url, std::string_view body,
                                  Duration timeout) {
  return http_request(method, url, body, timeout, {});
}

Result<HttpResponse> http_request(std::string_view method, std::string_view url, std::string_view body,
                                  Duration timeout, const HttpHeaders& headers) {
  auto parsed = parse_url(url);
  if (!parsed) return parsed.error();
  const Url& u = *parsed;
  auto verb = bhttp::string_to_verb(method);
  if (verb == bhttp::verb::unknown) return invalid_argument("method", "unknown HTTP method");

  boost::asio::io_context io;
  beast::tcp_stream stream(io);
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

  stream.expires_after(timeout);
  stream.async_connect(endpoints, [&](const beast::error_code& e, const tcp::endpoint&) {
    if (e) {
      result = e;
      return;
    }
    connected = true;
    bhttp::async_write(stream, req, [&](const beast::error_code& we, std::size_t) {
      if (we) {
        result = we;
        return;
      }
      bhttp::async_read(stream, buffer, parser,
                        [&](const beast::error_code& re, std::size_t) { result = re; });
    });
  });
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
