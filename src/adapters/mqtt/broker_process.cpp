#include "adapters/mqtt/broker_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace lw::adapters::mqtt {
namespace {

// A port picked at random may be taken by someone else before the broker
// binds it; this many fresh ports are tried before giving up.
constexpr int kPortAttempts = 5;
constexpr auto kPollInterval = 10ms;
constexpr std::size_t kLogTailBytes = 2000;

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

// Closes a descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

Result<sockaddr_in> ipv4_address(const std::string& address, int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) {
    return invalid_argument("bind_address", "must be an IPv4 address such as 127.0.0.1");
  }
  return addr;
}

// True when an MQTT broker answers on addr: a TCP connection alone could be
// another process that holds the port. Sends CONNECT (MQTT 3.1.1, clean
// session), expects an accepting CONNACK, then sends DISCONNECT.
bool answers_mqtt(const sockaddr_in& addr) {
  const Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return false;
  const timeval timeout{0, 500'000};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) return false;
  constexpr std::string_view kClientId = "lw-broker-probe";
  std::string connect{'\x10', static_cast<char>(12 + kClientId.size()),
                      '\x00', '\x04',
                      'M',    'Q',
                      'T',    'T',
                      '\x04', '\x02',
                      '\x00', '\x0a',
                      '\x00', static_cast<char>(kClientId.size())};
  connect += kClientId;
  if (::send(fd.get(), connect.data(), connect.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(connect.size())) {
    return false;
  }
  std::array<unsigned char, 4> connack{};
  std::size_t got = 0;
  while (got < connack.size()) {
    const ssize_t n = ::recv(fd.get(), connack.data() + got, connack.size() - got, 0);
    if (n <= 0) return false;
    got += static_cast<std::size_t>(n);
  }
  // 0: accepted; 5: not authorized, a broker that takes no anonymous clients answering.
  if (connack[0] != 0x20 || connack[1] != 0x02 || (connack[3] != 0x00 && connack[3] != 0x05)) return false;
  constexpr std::array<char, 2> kDisconnect{'\xe0', '\x00'};
  (void)::send(fd.get(), kDisconnect.data(), kDisconnect.size(), MSG_NOSIGNAL);
  return true;
}

std::string log_tail(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "(no log)";
  std::ostringstream text;
  text << in.rdbuf();
  std::string all = std::move(text).str();
  if (all.size() > kLogTailBytes) all.erase(0, all.size() - kLogTailBytes);
  return all.empty() ? "(empty log)" : all;
}

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped";
}

}  // namespace

Result<int> pick_free_port(const std::string& address) {
  auto addr = ipv4_address(address, 0);
  if (!addr) return addr.error();
  const Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return unavailable("socket: " + errno_text(errno));
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0) {
    return unavailable("bind " + address + ":0: " + errno_text(errno));
  }
  sockaddr_in bound{};
  socklen_t len = sizeof bound;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &len) != 0) {
    return unavailable("getsockname: " + errno_text(errno));
  }
  return static_cast<int>(ntohs(bound.sin_port));
}

BrokerProcess::BrokerProcess(BrokerProcessOptions options) : options_(std::move(options)) {}

BrokerProcess::~BrokerProcess() { stop(); }

Result<int> BrokerProcess::start(const std::filesystem::path& dir) {
  if (running()) return failed_precondition("broker already running (pid " + std::to_string(pid_) + ")");
  if (options_.executable.empty()) return invalid_argument("executable", "must not be empty");
  if (options_.port < 0 || options_.port > 65535) return invalid_argument("port", "must be 0..65535");
  if (auto addr = ipv4_address(options_.bind_address, 0); !addr) return addr.error();
  if (dir.empty()) return invalid_argument("dir", "must not be empty");
  if (::access(options_.executable.c_str(), X_OK) != 0) {
    return unavailable("cannot run " + options_.executable + ": " + errno_text(errno));
  }

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return unavailable("cannot create " + dir.string() + ": " + ec.message());
  dir_ = dir;
  config_path_ = dir / "mosquitto.conf";
  log_path_ = dir / "mosquitto.log";

  if (options_.tls_cert_file.empty() != options_.tls_key_file.empty()) {
    return invalid_argument("tls_cert_file", "tls_cert_file and tls_key_file go together");
  }
  if (options_.password_file.empty() != options_.acl_file.empty()) {
    return invalid_argument("password_file", "password_file and acl_file go together");
  }
  if (!options_.tls_cert_file.empty() && tls_port_ == 0) {
    if (options_.tls_port < 0 || options_.tls_port > 65535)
      return invalid_argument("tls_port", "must be 0..65535");
    tls_port_ = options_.tls_port;
    if (tls_port_ == 0) {
      auto free = pick_free_port(options_.bind_address);
      if (!free) return free.error();
      tls_port_ = *free;
    }
  }

  const bool pick = options_.port == 0;
  Error last_error = unavailable("broker not started");
  for (int attempt = 0; attempt < (pick ? kPortAttempts : 1); ++attempt) {
    int port = options_.port;
    if (pick) {
      auto free = pick_free_port(options_.bind_address);
      if (!free) return free.error();
      port = *free;
    }
    if (auto written = write_config(port); !written) return written.error();
    if (auto spawned = spawn(); !spawned) return spawned.error();
    auto ready = wait_until_accepting(port);
    if (ready) {
      port_ = port;
      return port;
    }
    last_error = ready.error();
    // Still running means it never became ready within the time-out: another
    // port will not help. Exited means the port was probably taken.
    const bool exited = pid_ == 0;
    stop();
    if (!exited) break;
  }
  return last_error;
}

Result<int> BrokerProcess::restart() {
  if (port_ == 0 || dir_.empty()) return failed_precondition("broker was never started");
  stop();
  if (auto written = write_config(port_); !written) return written.error();
  if (auto spawned = spawn(); !spawned) return spawned.error();
  if (auto ready = wait_until_accepting(port_); !ready) {
    stop();
    return ready.error();
  }
  return port_;
}

void BrokerProcess::stop() {
  if (pid_ == 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + options_.stop_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const pid_t r = ::waitpid(pid_, nullptr, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      pid_ = 0;
      return;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = 0;
}

bool BrokerProcess::running() {
  if (pid_ == 0) return false;
  const pid_t r = ::waitpid(pid_, nullptr, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    pid_ = 0;
    return false;
  }
  return true;
}

Result<void> BrokerProcess::write_config(int port) {
  std::ofstream out(config_path_, std::ios::trunc);
  if (!out) return unavailable("cannot write " + config_path_.string());
  out << "# Private broker for lockwarden; rewritten on every start.\n"
      << "listener " << port << ' ' << options_.bind_address << '\n'
      << (options_.tls_cert_file.empty()
              ? std::string()
              : "listener " + std::to_string(tls_port_) + ' ' + options_.bind_address + "\ncertfile " +
                    options_.tls_cert_file + "\nkeyfile " + options_.tls_key_file + "\ntls_version tlsv1.2\n")
      << (options_.password_file.empty() ? std::string("allow_anonymous true\n")
                                         : "allow_anonymous false\npassword_file " + options_.password_file +
                                               "\nacl_file " + options_.acl_file + '\n')
      << "persistence false\n"
      << "set_tcp_nodelay true\n"
      // A fleet's locks all announce themselves when the hub or broker restarts;
      // the default queue of 1,000 messages per client would drop most of them.
      << "max_queued_messages 100000\n"
      << "log_dest file " << log_path_.string() << '\n'
      << "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
      << "connection_messages true\n"
      << "log_timestamp true\n"
      << "log_timestamp_format %Y-%m-%dT%H:%M:%S\n";
  // Started as root, mosquitto switches to the `mosquitto` user before it opens
  // its log, which then cannot be written in a private directory. Naming the
  // current user keeps the privileges it already has (and no more).
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    out << "user " << pw->pw_name << '\n';
  }
  out.close();
  if (!out) return unavailable("cannot write " + config_path_.string());
  return ok();
}

Result<void> BrokerProcess::spawn() {
  // Everything the child needs is prepared before fork(): between fork() and
  // execv() only async-signal-safe calls are allowed.
  std::string executable = options_.executable;
  std::string config = config_path_.string();
  std::string log = log_path_.string();
  std::string config_flag = "-c";
  std::vector<char*> argv{executable.data(), config_flag.data(), config.data(), nullptr};
  rlimit files{};
  const unsigned max_fd =
      ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY && files.rlim_cur < INT_MAX
          ? static_cast<unsigned>(files.rlim_cur)
          : 65536U;
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) return unavailable("fork: " + errno_text(errno));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(126);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out >= 0) {
      ::dup2(out, STDOUT_FILENO);
      ::dup2(out, STDERR_FILENO);
    }
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    if (::close_range(3, ~0U, 0) != 0) {
      for (unsigned fd = 3; fd < max_fd; ++fd) ::close(static_cast<int>(fd));
    }
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (const int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE}) ::sigaction(sig, &dfl, nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  return ok();
}

Result<void> BrokerProcess::wait_until_accepting(int port) {
  auto addr = ipv4_address(options_.bind_address, port);
  if (!addr) return addr.error();
  const auto deadline = std::chrono::steady_clock::now() + options_.startup_timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = 0;
      return unavailable(options_.executable + " " + describe_exit(status) +
                         " before accepting connections; log " + log_path_.string() + ":\n" +
                         log_tail(log_path_));
    }
    if (answers_mqtt(*addr)) return ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return unavailable(options_.executable + " did not accept connections on " + options_.bind_address +
                         ":" + std::to_string(port) + " within " +
                         std::to_string(options_.startup_timeout.count()) + " ms; log " + log_path_.string() +
                         ":\n" + log_tail(log_path_));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace lw::adapters::mqtt
