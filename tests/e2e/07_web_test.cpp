// The web app and its live updates: the hub serves the built app at `/` (its
// client-side routes too), never a file outside it, keeps the API's JSON
// errors, and pushes Server-Sent Events on /api/v1/stream as locks come and go.
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "tests/e2e/harness.h"

namespace lw::e2e {
namespace {

/// A plain HTTP/1.1 exchange over a socket, to see the headers and to read a
/// streamed (chunked) body as it arrives.
class RawHttp {
 public:
  struct Head {
    int status{0};
    std::map<std::string, std::string> headers;  // lower-case names
  };
  struct Frame {
    std::string event;
    std::string data;
  };

  explicit RawHttp(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawHttp() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawHttp(const RawHttp&) = delete;
  RawHttp& operator=(const RawHttp&) = delete;

  /// Sends `GET target` (sent as is: no normalisation) and reads the head.
  std::optional<Head> get(std::string_view target, bool close = true, std::string_view token = "") {
    if (!connected_) return std::nullopt;
    std::string request = "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token.empty()) request += "Authorization: Bearer " + std::string(token) + "\r\n";
    if (close) request += "Connection: close\r\n";
    request += "\r\n";
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
      return std::nullopt;
    }
    std::size_t end = 0;
    while ((end = raw_.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more(5s)) return std::nullopt;
    }
    Head head;
    std::string_view text(raw_.data(), end);
    head.status = std::stoi(std::string(text.substr(9, 3)));
    for (auto line_end = text.find("\r\n"); line_end != std::string_view::npos;
         line_end = text.find("\r\n")) {
      text.remove_prefix(line_end + 2);
      const auto colon = text.find(':');
      std::string name(text.substr(0, colon));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      const auto value_end = text.find("\r\n");
      head.headers[name] = std::string(text.substr(colon + 2, value_end - colon - 2));
    }
    raw_.erase(0, end + 4);
    return head;
  }

  /// The rest of a Content-Length body, read until the server closes.
  std::string body_to_end() {
    while (read_more(5s)) {
    }
    return std::exchange(raw_, {});
  }

  /// The next server-sent event of a chunked body (comments skipped), or
  /// nullopt when none comes before `deadline`.
  std::optional<Frame> next_frame(std::chrono::steady_clock::time_point deadline) {
    for (;;) {
      dechunk();
      if (auto end = text_.find("\n\n"); end != std::string::npos) {
        std::string block = text_.substr(0, end + 1);
        text_.erase(0, end + 2);
        Frame f;
        for (std::size_t at = 0; at < block.size();) {
          const auto nl = block.find('\n', at);
          std::string_view line(block.data() + at, nl - at);
          if (line.starts_with("event: ")) f.event = line.substr(7);
          if (line.starts_with("data: ")) f.data = line.substr(6);
          at = nl + 1;
        }
        if (!f.event.empty()) return f;
        continue;  // a comment (keep-alive)
      }
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= Duration::zero() || !read_more(std::chrono::duration_cast<Duration>(left)))
        return std::nullopt;
    }
  }

 private:
  bool read_more(Duration timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    std::array<char, std::size_t{16} * 1024> buf{};
    const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n <= 0) return false;
    raw_.append(buf.data(), static_cast<std::size_t>(n));
    return true;
  }
  /// Moves whole chunks from raw_ to text_.
  void dechunk() {
    for (;;) {
      const auto size_end = raw_.find("\r\n");
      if (size_end == std::string::npos) return;
      const std::size_t size = std::stoul(raw_.substr(0, size_end), nullptr, 16);
      if (raw_.size() < size_end + 2 + size + 2) return;
      text_ += raw_.substr(size_end + 2, size);
      raw_.erase(0, size_end + 2 + size + 2);
    }
  }

  int fd_;
  bool connected_{false};
  std::string raw_;   // bytes received, not yet consumed
  std::string text_;  // the de-chunked body not yet split into frames
};

constexpr std::string_view kIndex = "<!doctype html><title>lockwarden app</title>";

class Web : public HubE2E {
 protected:
  /// Starts `lockwarden serve` with [http] web_root = `root`.
  void start_hub_with_web_root(const fs::path& root) {
    std::string config = "[hub]\nid = \"e2e-hub\"\ndata_dir = \"" + data_dir().string() +
                         "\"\n[mqtt]\nport = " + std::to_string(broker_.port()) +
                         "\nkeepalive_s = 5\n[http]\nport = " + std::to_string(http_port_) +
                         "\nweb_root = \"" + root.string() + "\"\n[liveness]\ntick = \"100ms\"\n";
    write_file(dir_ / "hub.toml", config);
    hub_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{LW_BINARY, "serve", "--config", (dir_ / "hub.toml").string()},
        dir_ / "hub.log");
    ASSERT_TRUE(eventually([&] { return get("/api/v1/health").is_object(); }, 10s))
        << "hub did not answer; log:\n"
        << testing::read_text_file(dir_ / "hub.log");
    read_token();
  }

  struct Fetched {
    RawHttp::Head head;
    std::string body;
  };
  Fetched fetch(std::string_view target) {
    RawHttp http(http_port_);
    auto head = http.get(target);
    EXPECT_TRUE(head) << target;
    if (!head) return {};
    return {*head, http.body_to_end()};
  }
};

TEST_F(Web, TheAppIsServedAtTheRootAndForItsClientSideRoutes) {
  const fs::path root = dir_ / "web";
  fs::create_directories(root / "assets");
  write_file(root / "index.html", kIndex);
  write_file(root / "assets" / "app.js", "export const answer = 42;\n");
  start_hub_with_web_root(root);
  EXPECT_NE(testing::read_text_file(dir_ / "hub.log").find("serving the web app from " + root.string()),
            std::string::npos)
      << logs();

  for (const char* page : {"/", "/locks/door-a"}) {
    auto r = fetch(page);
    EXPECT_EQ(r.head.status, 200) << page;
    EXPECT_EQ(r.body, kIndex) << page;
    EXPECT_EQ(r.head.headers["content-type"], "text/html; charset=utf-8") << page;
    EXPECT_EQ(r.head.headers["cache-control"], "no-cache") << page;
  }
  auto js = fetch("/assets/app.js");
  EXPECT_EQ(js.head.status, 200);
  EXPECT_EQ(js.body, "export const answer = 42;\n");
  EXPECT_EQ(js.head.headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(js.head.headers["cache-control"], "public, max-age=31536000, immutable");

  // The hub's own configuration sits next to the web root.
  for (const char* escape :
       {"/../hub.toml", "/%2e%2e/hub.toml", "/assets/..%2f..%2fhub.toml", "//etc/passwd"}) {
    auto r = fetch(escape);
    EXPECT_EQ(r.head.status, 404) << escape;
    EXPECT_EQ(r.body.find("data_dir"), std::string::npos) << escape << ": " << r.body;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << escape << ": " << r.body;
  }

  auto api = fetch("/api/v1/nope");
  EXPECT_EQ(api.head.status, 404);
  EXPECT_EQ(api.head.headers["content-type"], "application/json");
  EXPECT_EQ(json::parse(api.body).at("error").at("code").as_string(), "not_found") << api.body;
  EXPECT_TRUE(get("/api/v1/locks").at("locks").is_array());

  // A rebuilt app shows without a restart.
  write_file(root / "index.html", "<!doctype html><title>v2</title>");
  EXPECT_EQ(fetch("/").body, "<!doctype html><title>v2</title>");
}

TEST_F(Web, AConfiguredWebRootWithoutAnIndexStopsStartUp) {
  fs::create_directories(dir_ / "empty");
  write_file(dir_ / "hub.toml", "[hub]\ndata_dir = \"" + data_dir().string() +
                                    "\"\n[http]\nport = " + std::to_string(http_port_) + "\nweb_root = \"" +
                                    (dir_ / "empty").string() + "\"\n");
  auto r = testing::run_program({LW_BINARY, "serve", "--config", (dir_ / "hub.toml").string()}, 30s);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("http.web_root"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("index.html"), std::string::npos) << r.output;
}

TEST_F(Web, TheStreamTellsLocksComingAndGoing) {
  start_hub();
  RawHttp stream(http_port_);
  auto head = stream.get("/api/v1/stream", false, token_);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->headers["content-type"], "text/event-stream");
  EXPECT_EQ(head->headers["cache-control"], "no-cache");
  EXPECT_EQ(head->headers["transfer-encoding"], "chunked");

  auto deadline = [](Duration d) { return std::chrono::steady_clock::now() + d; };
  auto hello = stream.next_frame(deadline(5s));
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->event, "hello");
  EXPECT_EQ(json::parse(hello->data).at("hub").as_string(), "e2e-hub") << hello->data;

  start_sim();
  std::map<std::string, std::string> connectivity;
  std::vector<std::string> seen;
  auto until = deadline(15s);
  while (connectivity["door-a"] != "online" || connectivity["door-b"] != "online") {
    auto f = stream.next_frame(until);
    ASSERT_TRUE(f) << "no lock frames for door-a and door-b online\n" << logs();
    seen.push_back(f->event);
    if (f->event != "lock") continue;
    auto lock = json::parse(f->data);
    EXPECT_EQ(f->data.find('\n'), std::string::npos);
    EXPECT_TRUE(lock.as_object().contains("case")) << f->data;
    connectivity[std::string(lock.at("id").as_string())] = std::string(lock.at("connectivity").as_string());
  }

  sim_->signal(SIGKILL);  // the broker publishes both Last Wills
  bool offline = false;
  bool cases = false;
  until = deadline(10s);
  while (!offline || !cases) {
    auto f = stream.next_frame(until);
    ASSERT_TRUE(f) << "offline: " << offline << ", cases: " << cases << "\n" << logs();
    auto data = json::parse(f->data);
    if (f->event == "lock" && data.at("connectivity").as_string() == "offline") offline = true;
    if (f->event == "cases" && data.at("open").as_int64() >= 1) {
      EXPECT_EQ(data.at("ids").as_array().size(), static_cast<std::size_t>(data.at("open").as_int64()));
      cases = true;
    }
  }
}

}  // namespace
}  // namespace lw::e2e
