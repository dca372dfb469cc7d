#include "adapters/http/router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <set>

#include "base/text.h"

namespace lw::adapters::http {
namespace {

enum class SegmentKind { literal, param, rest };

struct Segment {
  SegmentKind kind{SegmentKind::literal};
  std::string text;  // the literal, or the parameter's name
};

[[noreturn]] void bad_pattern(std::string_view pattern, std::string_view why) {
  std::fprintf(stderr, "lw::adapters::http::Router: pattern '%.*s': %.*s\n", static_cast<int>(pattern.size()),
               pattern.data(), static_cast<int>(why.size()), why.data());
  std::abort();
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  path.remove_prefix(1);  // the leading '/'
  for (;;) {
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::vector<Segment> parse_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') bad_pattern(pattern, "must start with '/'");
  std::vector<Segment> segments;
  auto parts = split_path(pattern);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (part.empty() || part.front() != '{') {
      if (part.find_first_of("{}") != std::string_view::npos)
        bad_pattern(pattern, "'{' must open a whole segment");
      segments.push_back({SegmentKind::literal, std::string(part)});
      continue;
    }
    if (part.back() != '}' || part.size() < 3) bad_pattern(pattern, "unclosed or empty '{...}'");
    std::string_view name = part.substr(1, part.size() - 2);
    if (name.front() == '*') {
      if (i + 1 != parts.size()) bad_pattern(pattern, "'{*name}' must be the last segment");
      name.remove_prefix(1);
      if (name.empty()) bad_pattern(pattern, "'{*}' needs a name");
      segments.push_back({SegmentKind::rest, std::string(name)});
    } else {
      segments.push_back({SegmentKind::param, std::string(name)});
    }
  }
  return segments;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

struct Router::Route {
  std::string method;
  std::string pattern;
  std::vector<Segment> segments;
  Handler handler;

  /// Binds the parameters when `path` (decoded segments) matches.
  [[nodiscard]] bool match(const std::vector<std::string>& path,
                           std::map<std::string, std::string, std::less<>>& params) const {
    params.clear();
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const Segment& s = segments[i];
      if (s.kind == SegmentKind::rest) {
        std::string rest;
        for (std::size_t j = i; j < path.size(); ++j) {
          if (j > i) rest += '/';
          rest += path[j];
        }
        params[s.text] = std::move(rest);
        return true;
      }
      if (i >= path.size()) return false;
      if (s.kind == SegmentKind::literal && s.text != path[i]) return false;
      if (s.kind == SegmentKind::param) {
        if (path[i].empty()) return false;
        params[s.text] = path[i];
      }
    }
    return segments.size() == path.size();
  }

  /// Greater is more specific: per segment, literal > {name} > {*name}.
  [[nodiscard]] std::vector<int> specificity() const {
    std::vector<int> ranks;
    ranks.reserve(segments.size());
    for (const auto& s : segments) {
      ranks.push_back(s.kind == SegmentKind::literal ? 2 : s.kind == SegmentKind::param ? 1 : 0);
    }
    return ranks;
  }
};

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::optional<std::string_view> Request::header(std::string_view name) const {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto it = headers.find(lower);
  if (it == headers.end()) return std::nullopt;
  return std::string_view(it->second);
}

Result<boost::json::object> body_object(const Request& r) {
  boost::json::error_code ec;
  boost::json::value body = boost::json::parse(r.body, ec);
  if (ec || !body.is_object()) return invalid_argument("body", "must be a JSON object");
  return std::move(body.as_object());
}

Result<std::optional<std::string>> optional_string(const boost::json::object& body, std::string_view field) {
  const boost::json::value* v = body.if_contains(field);
  if (v == nullptr || v->is_null()) return std::optional<std::string>{};
  if (!v->is_string()) return invalid_argument(field, "must be a string");
  return std::optional<std::string>{std::string(v->as_string())};
}

Response json_response(int status, const boost::json::value& body) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(body);
  return r;
}

Response error_response(int status, std::string_view code, std::string_view message) {
  // Messages may repeat input (an id from the path): the answer stays one line of valid UTF-8.
  return json_response(status,
                       boost::json::object{{"error", {{"code", code}, {"message", shown(message, 1024)}}}});
}

Response error_response(const Error& error) {
  return error_response(http_status(error.code), to_string(error.code), error.message);
}

int http_status(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_argument: return 400;
    case ErrorCode::unauthenticated: return 401;
    case ErrorCode::permission_denied: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::conflict: return 409;
    case ErrorCode::failed_precondition: return 409;
    case ErrorCode::unavailable: return 503;
    case ErrorCode::deadline_exceeded: return 504;
    case ErrorCode::corruption: return 500;
    case ErrorCode::internal: return 500;
  }
  return 500;
}

Result<std::string> percent_decode(std::string_view field, std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int hi = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) return invalid_argument(field, "'%' must be followed by two hex digits");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Result<void> parse_target(std::string_view target, Request& request) {
  if (target.empty() || target.front() != '/')
    return invalid_argument("target", "must be a path starting with '/'");
  auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  request.query.clear();
  if (question == std::string_view::npos) return ok();
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto name = percent_decode("query", pair.substr(0, eq), true);
    if (!name) return name.error();
    auto value =
        percent_decode(*name, eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!value) return value.error();
    request.query.emplace(std::move(*name), std::move(*value));  // the first of repeated names wins
  }
  return ok();
}

Router::Router() = default;
Router::~Router() = default;

void Router::add(std::string_view method, std::string_view pattern, Handler handler) {
  auto route = std::make_unique<Route>();
  route->method = std::string(method);
  route->pattern = std::string(pattern);
  route->segments = parse_pattern(pattern);
  route->handler = std::move(handler);
  for (const auto& r : routes_) {
    if (r->method == route->method && r->pattern == route->pattern) bad_pattern(pattern, "registered twice");
  }
  routes_.push_back(std::move(route));
}

void Router::fallback(Handler handler) { fallback_ = std::move(handler); }

void Router::guard(Guard guard) { guard_ = std::move(guard); }

std::vector<std::pair<std::string, std::string>> Router::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(routes_.size());
  for (const auto& r : routes_) out.emplace_back(r->method, r->pattern);
  return out;
}

Response Router::dispatch(Request request) const {
  if (request.path.empty() || request.path.front() != '/') {
    return error_response(400, "invalid_argument", "target: must be a path starting with '/'");
  }
  std::vector<std::string> path;
  for (std::string_view raw : split_path(request.path)) {
    auto decoded = percent_decode("path", raw, false);
    if (!decoded) return error_response(decoded.error());
    path.push_back(std::move(*decoded));
  }

  const Route* best = nullptr;
  std::vector<int> best_rank;
  std::map<std::string, std::string, std::less<>> params;
  std::map<std::string, std::string, std::less<>> best_params;
  std::set<std::string> allowed;
  const bool head = request.method == "HEAD";
  for (const auto& route : routes_) {
    if (!route->match(path, params)) continue;
    allowed.insert(route->method);
    bool method_fits = route->method == request.method || (head && route->method == "GET");
    if (!method_fits) continue;
    auto rank = route->specificity();
    // An explicit HEAD route beats the GET fallback on the same pattern.
    if (best == nullptr || rank > best_rank || (rank == best_rank && route->method == request.method)) {
      best = route.get();
      best_rank = std::move(rank);
      best_params = params;
    }
  }
  const Handler* handler = best != nullptr ? &best->handler : nullptr;
  if (best == nullptr && allowed.empty() && fallback_) handler = &fallback_;
  if (handler == nullptr) {
    if (allowed.empty())
      return error_response(404, "not_found", "no resource at " + shown(request.path, 120));
    if (allowed.contains("GET")) allowed.insert("HEAD");
    std::string allow;
    for (const auto& m : allowed) {
      if (!allow.empty()) allow += ", ";
      allow += m;
    }
    Response r = error_response(405, "method_not_allowed",
                                shown(request.method, 16) + " is not allowed on " + shown(request.path, 120) +
                                    " (allowed: " + allow + ")");
    r.headers.emplace_back("Allow", allow);
    return r;
  }
  request.params = std::move(best_params);
  try {
    if (best != nullptr && guard_) {
      if (auto refused = guard_(request, best->pattern)) return std::move(*refused);
    }
    return (*handler)(request);
  } catch (const std::exception& e) {
    spdlog::error("http: {} {} failed: {}", request.method, request.path, e.what());
    return error_response(500, "internal", std::string("the handler failed: ") + e.what());
  }
}

}  // namespace lw::adapters::http
