// Static files: the web app (built by Vite into web/dist) served by the hub.
//
//   GET /                 -> index.html                    Cache-Control: no-cache
//   GET /assets/app-1a2b.js -> that file                   Cache-Control: public, max-age=31536000, immutable
//   GET /favicon.ico      -> that file                     Cache-Control: no-cache
//   GET /locks/door-a     -> index.html (a client-side route: the path names no file)
//   GET /assets/gone.js   -> 404 (a missing asset is not a page)
//   GET /api/v1/nope      -> the API's JSON 404 (the web app never answers under /api/)
//   GET /../hub.toml      -> 404 (so do %2e%2e, "//abs", backslashes, NUL and dot files)
//
// Files are read when requested, so a rebuilt web/dist shows without a
// restart, and never from outside the root: a path with a `..`, `.` or empty
// segment, a segment starting with '.', a backslash or a NUL (after
// percent-decoding) is refused, and a file whose real path (symbolic links
// resolved) leaves the root is not found. Vite names assets by content hash,
// hence the long cache for /assets/; index.html must be revalidated so a new
// build is picked up.
//
// Registered as the router's fallback: API routes always win, and an API path
// with the wrong method still gets 405. A method other than GET or HEAD on a
// web path gets 405 (Allow: GET, HEAD).
//
// Threading: handlers run on the router's thread; reading a file blocks it
// briefly (the files are small).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace lw::adapters::http {

class Router;

/// Serves the files under `root` (a directory holding index.html) as above.
/// A root whose index.html has gone answers 503 until it is back.
void add_static_files(Router& router, std::filesystem::path root);

/// The Content-Type for a file name by its extension (html, js, mjs, css, svg,
/// png, ico, json, map, woff2, txt; anything else application/octet-stream).
std::string_view content_type_for(std::string_view file_name);

/// The relative file path a request path names ("/assets/a.js" -> "assets/a.js",
/// "/" -> ""), percent-decoded; nullopt when the path is not a safe one (see above).
std::optional<std::string> safe_relative_path(std::string_view request_path);

}  // namespace lw::adapters::http
