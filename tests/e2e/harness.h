// Black-box harness: a real Mosquitto, the real `lockwarden serve` and
// `lockwarden sim` processes, and the REST API / CLI as a user would drive them.
// Every process and directory belongs to one test and is gone after it (the
// directory is kept, and its path printed, when the test failed).
#pragma once

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/http_client.h"
#include "tests/support/child_process.h"
#include "tests/support/free_port.h"
#include "tests/support/mosquitto_broker.h"

namespace lw::e2e {

namespace json = boost::json;
namespace fs = std::filesystem;

/// Two Wi-Fi locks with a 1 s heartbeat and the shortest keep-alive libmosquitto allows.
inline constexpr std::string_view kTwoLocks = R"(
[hub]
key_id = "hub"

[[site]]
id = "e2e"

[[lock]]
id = "door-a"
site = "e2e"
name = "Door A"
heartbeat = "1s"
keepalive_s = 5
battery_pct = 80
rssi_dbm = -55
lock_state = "unlocked"

[[lock]]
id = "door-b"
site = "e2e"
name = "Door B"
heartbeat = "1s"
keepalive_s = 5
battery_pct = 60
rssi_dbm = -70
)";

class HubE2E : public ::testing::Test {
 protected:
  HubE2E() : dir_(testing::make_temp_dir("e2e")), http_port_(testing::free_loopback_port()) {}
  ~HubE2E() override {
    sim_.reset();
    hub_.reset();
    testing::remove_temp_dir_unless_failed(dir_);
  }

  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(http_port_); }
  [[nodiscard]] fs::path data_dir() const { return dir_ / "data"; }

  void write_file(const fs::path& path, std::string_view text) {
    std::ofstream out(path);
    out << text;
  }

  /// Starts `lockwarden serve` and waits until its API answers.
  void start_hub(std::string_view extra_config = "") {
    std::string config = "[hub]\nid = \"e2e-hub\"\ndata_dir = \"" + data_dir().string() +
                         "\"\n[mqtt]\nport = " + std::to_string(broker_.port()) +
                         "\nkeepalive_s = 5\n[http]\nport = " + std::to_string(http_port_) +
                         "\n[liveness]\ntick = \"100ms\"\n" + std::string(extra_config);
    write_file(dir_ / "hub.toml", config);
    hub_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{LW_BINARY, "serve", "--config", (dir_ / "hub.toml").string()},
        dir_ / "hub.log");
    ASSERT_TRUE(eventually([&] { return get("/api/v1/health").is_object(); }, 10s))
        << "hub did not answer; log:\n"
        << testing::read_text_file(dir_ / "hub.log");
    read_token();
  }

  /// Reads the owner's token the hub wrote on its first start: what the CLI on this machine uses.
  void read_token() {
    token_ = testing::read_text_file(data_dir() / "cli-token");
    while (!token_.empty() && token_.back() == '\n') token_.pop_back();
    ASSERT_FALSE(token_.empty()) << "the hub wrote no cli-token";
  }

  /// Authorization header for `token` (the owner's when empty).
  [[nodiscard]] adapters::http::HttpHeaders auth(const std::string& token = "") const {
    return {{"Authorization", "Bearer " + (token.empty() ? token_ : token)}};
  }

  /// Starts `lockwarden sim` with `scenario`, trusting the running hub's key.
  void start_sim(std::string_view scenario = kTwoLocks) {
    write_file(dir_ / "scenario.toml", scenario);
    sim_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{LW_BINARY, "sim", "--scenario", (dir_ / "scenario.toml").string(),
                                 "--hub-public-key-file", (data_dir() / "hub.pub").string(), "--broker-port",
                                 std::to_string(broker_.port())},
        dir_ / "sim.log");
  }

  /// GET `path` as JSON; null when the hub cannot be reached or answers non-JSON.
  json::value get(const std::string& path) {
    auto r = adapters::http::http_request("GET", url() + path, "", 2s, auth());
    if (!r) return nullptr;
    boost::system::error_code ec;
    auto v = json::parse(r->body, ec);
    return ec ? json::value(nullptr) : v;
  }

  struct Reply {
    int status{0};
    json::value body;
    std::string retry_after;  ///< the Retry-After header, if any
  };
  Reply post(const std::string& path) { return call("POST", path, "", auth()); }

  /// Any request, with exactly `headers` (no token unless they hold one).
  Reply call(std::string_view method, const std::string& path, std::string_view body,
             const adapters::http::HttpHeaders& headers) {
    auto r = adapters::http::http_request(method, url() + path, body, 5s, headers);
    if (!r) return {};
    boost::system::error_code ec;
    auto v = json::parse(r->body, ec);
    return {r->status, ec ? json::value(nullptr) : v, r->header("Retry-After")};
  }

  /// Signs `user` in; its token, or "" when refused.
  std::string login(const std::string& user, const std::string& password) {
    auto r = call("POST", "/api/v1/auth/login",
                  json::serialize(json::object{{"user", user}, {"password", password}}), {});
    if (r.status != 200) return "";
    return field(r.body, "token");
  }

  /// Creates `user` (password `password`) with one grant, as the owner; the HTTP status.
  int add_user(const std::string& user, const std::string& password, const std::string& site,
               const std::string& role) {
    json::object body{{"user", user},
                      {"password", password},
                      {"grants", json::array{json::object{{"site", site}, {"role", role}}}}};
    return call("POST", "/api/v1/users", json::serialize(body), auth()).status;
  }

  /// The lock's JSON object from GET /api/v1/locks/{id}, or null.
  json::value lock(const std::string& id) { return get("/api/v1/locks/" + id); }

  std::string field(const json::value& object, std::string_view key) {
    if (!object.is_object()) return "";
    const auto* v = object.as_object().if_contains(key);
    if (!v) return "";
    return v->is_string() ? std::string(v->as_string()) : json::serialize(*v);
  }

  bool lock_is(const std::string& id, std::string_view key, std::string_view value) {
    return field(lock(id), key) == value;
  }

  /// Polls `condition` every 20 ms until it holds or `timeout` passes.
  static bool eventually(const std::function<bool()>& condition, Duration timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return condition();
  }

  testing::RunResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), LW_BINARY);
    args.emplace_back("--server");
    args.push_back(url());
    args.emplace_back("--token-file");
    args.push_back((data_dir() / "cli-token").string());
    return testing::run_program(args, 60s);
  }

  std::string logs() {
    return "--- hub.log ---\n" + testing::read_text_file(dir_ / "hub.log") + "--- sim.log ---\n" +
           testing::read_text_file(dir_ / "sim.log");
  }

  testing::MosquittoBroker broker_;
  fs::path dir_;
  int http_port_;
  std::unique_ptr<testing::ChildProcess> hub_;
  std::unique_ptr<testing::ChildProcess> sim_;
  std::string token_;  ///< the owner's CLI token
};

}  // namespace lw::e2e
