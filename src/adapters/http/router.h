// Router: maps (method, path pattern) to a handler that turns a Request into a
// Response. The session code (http_server) knows nothing about the API: the REST
// routes, static files, metrics and event streams are all registered here.
//
// Patterns are absolute paths whose segments are literals, `{name}` (one whole
// segment, percent-decoded, bound to request.params["name"]) or, as the last
// segment only, `{*name}` (the rest of the path, possibly empty, segments still
// separated by '/'). When several patterns match, the most specific wins:
// segment by segment, a literal beats `{name}`, which beats `{*name}`.
//
// A request whose path matches no pattern gets 404 (or goes to the fallback
// handler, when one is set); one whose path matches but not with its method
// gets 405 with an Allow header. A GET route also answers HEAD (the session
// sends the headers without the body).
//
// Example:
//   Router router;
//   router.get("/api/v1/locks/{id}", [&](const Request& r) {
//     return json_response(200, lock_json(r.params.at("id")));
//   });
//   Response res = router.dispatch(request);
//
// Threading: add routes before the server starts; dispatch() and the handlers
// run on the io_context thread that owns the core.
#pragma once

#include <boost/json/fwd.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "core/access/policy.h"

namespace lw::adapters::http {

/// An HTTP request as a handler sees it: already read in full and size-checked.
struct Request {
  std::string method;  ///< "GET", "POST", ... as sent (methods are case-sensitive)
  std::string path;    ///< raw path of the target, without the query ("/api/v1/locks/a%2Db")
  /// Query parameters, percent-decoded ('+' is a space); the first of repeated names wins.
  std::map<std::string, std::string, std::less<>> query;
  /// Header fields with lower-case names; repeated fields are joined with ", ".
  std::map<std::string, std::string, std::less<>> headers;
  std::string body;
  /// Values of the pattern's `{name}` segments, percent-decoded; filled by Router::dispatch.
  std::map<std::string, std::string, std::less<>> params;
  /// The client's IP address as text ("127.0.0.1"); empty when unknown.
  std::string remote_address;
  /// The authenticated caller, set by the router's guard (null: nobody signed
  /// in, or no guard); handlers filter lists with core::access::allowed().
  std::shared_ptr<const core::access::Principal> caller;
  /// The stored hash of the token the caller presented (for sign-out).
  std::string credential_hash;

  /// The query parameter `name`, or nullopt when absent.
  [[nodiscard]] std::optional<std::string_view> query_param(std::string_view name) const;
  /// The header `name` (any case), or nullopt when absent.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

class StreamSink;

/// Starts an open-ended response body (server-sent events). Called once on the
/// io_context thread after the response headers are sent; the producer keeps the
/// sink and writes to it until it closes it or sink->is_open() turns false.
using StreamStarter = std::function<void(std::shared_ptr<StreamSink> sink)>;

/// What a handler returns. The session adds Content-Length, Connection and Server.
struct Response {
  int status{200};
  std::string content_type{"application/json"};
  std::string body;
  /// Extra header fields, sent in this order (e.g. {"Location", "/api/v1/actions/a-1"}).
  std::vector<std::pair<std::string, std::string>> headers;
  /// When set, `body` is ignored: the body is sent with chunked transfer coding,
  /// one chunk per StreamSink::write, and the connection closes when it ends.
  StreamStarter stream;
};

/// The writing end of a streamed response body, owned jointly by the session and
/// the producer.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  /// Queues `chunk` for sending. Returns false, and drops the chunk, when the
  /// stream is closed: by close(), the client going away, the server stopping,
  /// or the client reading so slowly that more than the session's queue limit
  /// would be waiting (then the stream is closed, so a slow client cannot hold
  /// unbounded memory).
  virtual bool write(std::string chunk) = 0;
  /// Ends the body after the queued chunks are sent. Idempotent.
  virtual void close() = 0;
  [[nodiscard]] virtual bool is_open() const = 0;
};

using Handler = std::function<Response(const Request&)>;

/// Runs after a request matched a route and before its handler: returns the
/// answer to send instead (401, 403, 404, ...) or nullopt to go on, and may set
/// request.caller. `pattern` is the matched route's pattern as registered.
using Guard = std::function<std::optional<Response>(Request& request, std::string_view pattern)>;

/// `body` serialized as the response body, content type application/json.
Response json_response(int status, const boost::json::value& body);

/// The error body every endpoint uses: {"error":{"code":..., "message":...}}.
Response error_response(int status, std::string_view code, std::string_view message);

/// `error` with the status its code maps to (http_status) and its code name.
Response error_response(const Error& error);

/// The request body as a JSON object. Errors: invalid_argument ("body: must be a JSON object").
Result<boost::json::object> body_object(const Request& r);
/// A string field of a body object; nullopt when absent or null. Errors:
/// invalid_argument ("<field>: must be a string").
Result<std::optional<std::string>> optional_string(const boost::json::object& body, std::string_view field);

/// The one table from lw::ErrorCode to HTTP status: invalid_argument 400,
/// unauthenticated 401, permission_denied 403, not_found 404, conflict 409,
/// failed_precondition 409, unavailable 503, deadline_exceeded 504, corruption
/// and internal 500.
int http_status(ErrorCode code) noexcept;

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  /// Registers `handler` for `method` on `pattern`. A malformed pattern (not
  /// starting with '/', an unclosed '{', `{*name}` before the last segment) or
  /// a second registration of the same (method, pattern) is a programming error
  /// and aborts with a message.
  void add(std::string_view method, std::string_view pattern, Handler handler);
  void get(std::string_view pattern, Handler handler) { add("GET", pattern, std::move(handler)); }
  void post(std::string_view pattern, Handler handler) { add("POST", pattern, std::move(handler)); }

  /// Sets the handler for requests whose path no pattern matches, whatever
  /// their method (the web app's files and client-side routes), in place of
  /// the 404. Registered routes always win: a path some pattern matches still
  /// gets its handler or 405, and a path that is not valid percent-encoding
  /// still gets 400. request.params is empty. Setting it again replaces it.
  void fallback(Handler handler);

  /// Sets the guard every request that matches a route passes first (the
  /// fallback is not guarded: it serves public files). Setting it again replaces it.
  void guard(Guard guard);

  /// Every registered (method, pattern), in registration order.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> routes() const;

  /// Answers `request`: the matching handler's response (with request.params
  /// filled), or a JSON error — 400 for a path that is not valid percent-encoding,
  /// 404 for no matching pattern, 405 with Allow for a method that pattern lacks.
  /// An exception thrown by a handler becomes 500 (it is a bug, the message says so).
  [[nodiscard]] Response dispatch(Request request) const;

 private:
  struct Route;
  std::vector<std::unique_ptr<Route>> routes_;
  Handler fallback_;
  Guard guard_;
};

/// Percent-decodes `text`; with `plus_is_space`, '+' becomes ' ' (query
/// strings). Errors: invalid_argument naming `field` for a '%' not followed by
/// two hex digits.
Result<std::string> percent_decode(std::string_view field, std::string_view text, bool plus_is_space);

/// Splits an origin-form request target ("/api/v1/x?limit=5&before=9") into
/// request.path (kept raw) and request.query (decoded; a name without '=' has
/// an empty value). Errors: invalid_argument("target", ...) when the target does
/// not start with '/', invalid_argument naming the parameter when its query
/// value is not valid percent-encoding.
Result<void> parse_target(std::string_view target, Request& request);

}  // namespace lw::adapters::http
