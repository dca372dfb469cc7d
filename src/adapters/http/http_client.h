// A small synchronous HTTP/1.1 client for the CLI (`lockwarden status`, `lock`,
// ...) and black-box tests. One request per connection, over HTTP or HTTPS
// (the hub's certificate is verified against a CA file or the system's CAs,
// and must name the host of the URL).
//
// Example:
//   auto r = http_request("GET", "http://127.0.0.1:8080/api/v1/locks", "", 5s);
//   if (!r) { std::cerr << r.error().message; }  // "cannot reach the hub at http://127.0.0.1:8080:
//   Connection refused"
//
// Threading: blocking; call from any thread that does not run the hub's io_context.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace lw::adapters::http {

struct ClientTls {
  /// PEM file of the CA(s) that sign the hub's certificate (e.g. the one
  /// `lockwarden tls init` made); empty: the system's trusted CAs.
  std::string ca_file;
};

struct HttpResponse {
  int status{0};
  std::string body;
  /// Header fields as received (names as sent), e.g. {"Retry-After", "2"}.
  std::vector<std::pair<std::string, std::string>> headers;

  /// The first header named `name` (any case), or "" when absent.
  [[nodiscard]] std::string header(std::string_view name) const;
};

/// Extra request header fields, e.g. {{"Authorization", "Bearer lwt_..."}}.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

/// Sends `method` to `url` ("http[s]://host:port/path?query") with `body` (sent as
/// application/json when not empty) and waits up to `timeout` for the whole
/// answer. Any HTTP status is a success here; the caller reads `status`.
/// Errors: invalid_argument ("url: ...") for a URL that is not http[s]://host[:port]/path,
/// ("ca_file: ...") for a CA file that cannot be read; unavailable ("cannot reach
/// the hub at http://host:port: <reason>") when the connection fails, also when
/// the hub's certificate is not trusted ("... certificate verify failed");
/// deadline_exceeded when the answer does not come in time.
Result<HttpResponse> http_request(std::string_view method, std::string_view url, std::string_view body,
                                  Duration timeout, const HttpHeaders& headers = {},
                                  const ClientTls& tls = {});

}  // namespace lw::adapters::http
