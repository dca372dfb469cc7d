#include "adapters/http/static_files.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>
#include <utility>

#include "adapters/http/router.h"

namespace lw::adapters::http {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
constexpr std::string_view kRevalidate = "no-cache";
constexpr std::string_view kAssetsDir = "assets/";

bool is_api_path(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

/// Whether `file` (existing) lies under `root` once symbolic links are resolved.
bool inside(const fs::path& root, const fs::path& file) {
  std::error_code ec;
  const fs::path real_root = fs::canonical(root, ec);
  if (ec) return false;
  const fs::path real_file = fs::canonical(file, ec);
  if (ec) return false;
  auto [root_end, file_at] =
      std::mismatch(real_root.begin(), real_root.end(), real_file.begin(), real_file.end());
  return root_end == real_root.end() && file_at != real_file.end();
}

/// The file's bytes, or nullopt when it cannot be read.
std::optional<std::string> read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(out).str();
}

Response file_response(const fs::path& file, std::string_view cache_control) {
  auto bytes = read_file(file);
  if (!bytes) {
    spdlog::warn("http: cannot read {}", file.string());
    return error_response(500, "internal", "cannot read " + file.filename().string());
  }
  Response r;
  r.content_type = std::string(content_type_for(file.filename().string()));
  r.body = std::move(*bytes);
  r.headers.emplace_back("Cache-Control", std::string(cache_control));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

Response serve(const fs::path& root, const Request& request) {
  if (is_api_path(request.path)) return error_response(404, "not_found", "no resource at " + request.path);
  if (request.method != "GET" && request.method != "HEAD") {
    Response r =
        error_response(405, "method_not_allowed",
                       request.method + " is not allowed on " + request.path + " (allowed: GET, HEAD)");
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  const auto relative = safe_relative_path(request.path);
  if (!relative) return error_response(404, "not_found", "no file at " + request.path);
  if (!relative->empty()) {
    const fs::path file = root / *relative;
    std::error_code ec;
    if (fs::is_regular_file(file, ec)) {
      if (!inside(root, file)) return error_response(404, "not_found", "no file at " + request.path);
      const bool hashed = relative->starts_with(kAssetsDir);
      return file_response(file, hashed ? kImmutable : kRevalidate);
    }
    // A missing asset is a stale or broken page, not a client-side route.
    if (relative->starts_with(kAssetsDir))
      return error_response(404, "not_found", "no file at " + request.path);
  }
  const fs::path index = root / "index.html";
  std::error_code ec;
  if (!fs::is_regular_file(index, ec)) {
    return error_response(503, "unavailable", "the web app is not there: " + index.string() + " is missing");
  }
  return file_response(index, kRevalidate);
}

}  // namespace

std::string_view content_type_for(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kTypes{{
      {"html", "text/html; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"ico", "image/x-icon"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
  }};
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext(file_name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [known, type] : kTypes) {
    if (ext == known) return type;
  }
  return "application/octet-stream";
}

std::optional<std::string> safe_relative_path(std::string_view request_path) {
  if (request_path.empty() || request_path.front() != '/') return std::nullopt;
  auto decoded = percent_decode("path", request_path.substr(1), false);
  if (!decoded) return std::nullopt;
  const std::string& path = *decoded;
  if (path.find_first_of(std::string_view("\\\0", 2)) != std::string::npos) return std::nullopt;
  std::string_view rest = path;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    // An empty segment ("//etc/passwd", "a//b") is refused; only a trailing '/' may end the path.
    if (segment.empty() || segment.front() == '.') return std::nullopt;
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return path;
}

void add_static_files(Router& router, std::filesystem::path root) {
  router.fallback([root = std::move(root)](const Request& request) { return serve(root, request); });
}

}  // namespace lw::adapters::http
