#include "adapters/http/static_files.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "adapters/http/router.h"
#include "tests/support/mosquitto_broker.h"

namespace lw::adapters::http {
namespace {

namespace fs = std::filesystem;

std::string header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class StaticFiles : public ::testing::Test {
 protected:
  StaticFiles() : dir_(lw::testing::make_temp_dir("static")), root_(dir_ / "dist") {
    fs::create_directories(root_ / "assets");
    write(root_ / "index.html", "<!doctype html><title>app</title>");
    write(root_ / "assets" / "app-1a2b.js", "console.log(1)");
    write(root_ / "assets" / "app-1a2b.css", "body{}");
    write(root_ / "favicon.ico", "ico");
    write(dir_ / "hub.toml", "password = \"secret\"");
    router_.get("/api/v1/locks", [](const Request&) { return json_response(200, boost::json::object{}); });
    add_static_files(router_, root_);
  }
  ~StaticFiles() override { lw::testing::remove_temp_dir_unless_failed(dir_); }

  static void write(const fs::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  }

  Response get(std::string path, std::string method = "GET") {
    Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    return router_.dispatch(std::move(r));
  }

  fs::path dir_;
  fs::path root_;
  Router router_;
};

TEST_F(StaticFiles, RootIsTheIndexRevalidatedEveryTime) {
  Response r = get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.body, "<!doctype html><title>app</title>");
  EXPECT_EQ(header(r, "Cache-Control"), "no-cache");
  EXPECT_EQ(get("/index.html").body, r.body);
}

TEST_F(StaticFiles, HashedAssetsAreCachedForever) {
  Response js = get("/assets/app-1a2b.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(header(js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(get("/assets/app-1a2b.css").content_type, "text/css; charset=utf-8");
  Response icon = get("/favicon.ico");
  EXPECT_EQ(icon.content_type, "image/x-icon");
  EXPECT_EQ(header(icon, "Cache-Control"), "no-cache");
}

TEST_F(StaticFiles, ClientSideRoutesGetTheIndex) {
  for (const char* path : {"/locks/door-a", "/locks/door-a/", "/cases", "/assets"}) {
    Response r = get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, "<!doctype html><title>app</title>") << path;
    EXPECT_EQ(header(r, "Cache-Control"), "no-cache") << path;
  }
}

TEST_F(StaticFiles, MissingAssetIsNotFoundRatherThanThePage) {
  EXPECT_EQ(get("/assets/app-0000.js").status, 404);
}

TEST_F(StaticFiles, ApiPathsKeepTheirJsonErrors) {
  Response missing = get("/api/v1/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.content_type, "application/json");
  EXPECT_EQ(boost::json::parse(missing.body).at("error").at("code").as_string(), "not_found");
  EXPECT_EQ(get("/api").status, 404);
  EXPECT_EQ(get("/api/v1/locks").status, 200);
  EXPECT_EQ(get("/api/v1/locks", "POST").status, 405);
  EXPECT_EQ(get("/api/v1/nope", "POST").status, 404);
}

TEST_F(StaticFiles, PathsLeavingTheRootAreRefused) {
  for (const char* path :
       {"/../hub.toml", "/%2e%2e/hub.toml", "/%2E%2E/hub.toml", "/assets/..%2f..%2fhub.toml",
        "/assets/%2e%2e/%2e%2e/hub.toml", "//etc/passwd", "/%2fetc/passwd", "/..%5c..%5chub.toml",
        "/a\\..\\hub.toml", "/./index.html", "/.env", "/index.html%00", "/assets//app-1a2b.js"}) {
    Response r = get(path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("secret"), std::string::npos) << path;
  }
}

TEST_F(StaticFiles, SymbolicLinkOutOfTheRootIsNotFollowed) {
  fs::create_symlink(dir_ / "hub.toml", root_ / "config.txt");
  Response r = get("/config.txt");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
}

TEST_F(StaticFiles, FilesAreReadWhenRequestedSoARebuildShowsAtOnce) {
  EXPECT_EQ(get("/").body, "<!doctype html><title>app</title>");
  write(root_ / "index.html", "<!doctype html><title>app v2</title>");
  EXPECT_EQ(get("/locks").body, "<!doctype html><title>app v2</title>");
  fs::remove(root_ / "index.html");
  EXPECT_EQ(get("/").status, 503);
}

TEST_F(StaticFiles, OtherMethodsOnWebPathsAre405) {
  Response r = get("/", "POST");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(header(r, "Allow"), "GET, HEAD");
  EXPECT_EQ(get("/assets/app-1a2b.js", "HEAD").status, 200);
}

TEST(ContentType, NamedByExtensionCaseInsensitively) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("logo.SVG"), "image/svg+xml");
  EXPECT_EQ(content_type_for("logo.png"), "image/png");
  EXPECT_EQ(content_type_for("manifest.json"), "application/json");
  EXPECT_EQ(content_type_for("app.js.map"), "application/json");
  EXPECT_EQ(content_type_for("inter.woff2"), "font/woff2");
  EXPECT_EQ(content_type_for("robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(content_type_for("blob"), "application/octet-stream");
  EXPECT_EQ(content_type_for("x.exe"), "application/octet-stream");
}

TEST(SafeRelativePath, KeepsOrdinaryPathsAndRefusesEscapes) {
  EXPECT_EQ(safe_relative_path("/"), "");
  EXPECT_EQ(safe_relative_path("/assets/a%20b.js"), "assets/a b.js");
  EXPECT_EQ(safe_relative_path("/locks/"), "locks/");
  EXPECT_EQ(safe_relative_path("/.."), std::nullopt);
  EXPECT_EQ(safe_relative_path("/a/%2e%2e"), std::nullopt);
  EXPECT_EQ(safe_relative_path("relative"), std::nullopt);
  EXPECT_EQ(safe_relative_path("/a%zz"), std::nullopt);
}

}  // namespace
}  // namespace lw::adapters::http
