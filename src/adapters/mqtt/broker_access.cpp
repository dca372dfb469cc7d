#include "adapters/mqtt/broker_access.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "adapters/system/credentials.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): posix_spawn's environment

namespace lw::adapters::mqtt {
namespace {

/// The channels a lock publishes, and those it reads (docs/protocol.md section 2).
constexpr std::array<std::string_view, 6> kLockWrites{"status", "telemetry", "state",
                                                      "event",  "result",    "pair_reply"};
constexpr std::array<std::string_view, 2> kLockReads{"cmd", "pair"};

std::string lock_topic(const core::LockAddress& lock, std::string_view channel) {
  return "lw/v1/" + lock.site + "/" + lock.lock + "/" + std::string(channel);
}

void lock_topics(std::ostringstream& out, const core::LockAddress& lock) {
  for (std::string_view c : kLockWrites) out << "topic write " << lock_topic(lock, c) << '\n';
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

}  // namespace

std::string lock_username(const core::LockAddress& lock) { return "lock." + lock.site + "." + lock.lock; }
std::string phone_username(const core::LockAddress& phone) {
  return "phone." + phone.site + "." + phone.lock;
}

BrokerAccess generate_broker_access(const std::string& hub_username,
                                    const std::vector<core::LockAddress>& locks,
                                    const std::vector<core::LockAddress>& phones,
                                    const std::vector<std::string>& bridge_base_topics, bool simulator) {
  BrokerAccess access;
  access.hub = {hub_username, new_password()};
  for (const core::LockAddress& lock : locks)
    access.locks.push_back({lock, {lock_username(lock), new_password()}});
  for (const core::LockAddress& phone : phones) {
    access.phones.push_back({phone, {phone_username(phone), new_password()}});
  }
  for (const std::string& base : bridge_base_topics) {
    access.bridges.push_back({base, {"bridge." + base, new_password()}});
  }
  if (simulator) access.simulator = BrokerAccount{"lw-simulator", new_password()};
  return access;
}

std::string render_acl(const BrokerAccess& access) {
  std::ostringstream out;
  out << "# Mosquitto acl_file for lockwarden (docs/security.md, D14); generated, rewritten as a whole.\n"
      << "# No topic lines before the first user: a client without an account may do nothing.\n\n"
      << "user " << access.hub.username << "\ntopic readwrite #\n";
  for (const BrokerAccess::Lock& l : access.locks) {
    out << "\nuser " << l.account.username << '\n';
    lock_topics(out, l.address);
    for (std::string_view c : kLockReads) out << "topic read " << lock_topic(l.address, c) << '\n';
  }
  for (const BrokerAccess::Lock& p : access.phones) {
    out << "\nuser " << p.account.username << "\ntopic write " << lock_topic(p.address, "app") << '\n';
  }
  for (const BrokerAccess::Bridge& b : access.bridges) {
    out << "\nuser " << b.account.username << "\ntopic readwrite " << b.base_topic << "/#\n";
  }
  if (access.simulator) {
    out << "\nuser " << access.simulator->username << '\n';
    for (const BrokerAccess::Lock& l : access.locks) lock_topics(out, l.address);
    for (const BrokerAccess::Lock& p : access.phones)
      out << "topic write " << lock_topic(p.address, "app") << '\n';
    for (std::string_view c : kLockReads) out << "topic read lw/v1/+/+/" << c << '\n';
    for (const BrokerAccess::Bridge& b : access.bridges) out << "topic readwrite " << b.base_topic << "/#\n";
  }
  return std::move(out).str();
}

std::string render_credentials(const BrokerAccess& access) {
  std::string out;
  auto line = [&out](const BrokerAccount& a) { out += a.username + ":" + a.password + "\n"; };
  line(access.hub);
  for (const BrokerAccess::Lock& l : access.locks) line(l.account);
  for (const BrokerAccess::Lock& p : access.phones) line(p.account);
  for (const BrokerAccess::Bridge& b : access.bridges) line(b.account);
  if (access.simulator) line(*access.simulator);
  return out;
}

Result<std::map<std::string, std::string, std::less<>>> read_broker_credentials(const std::string& path) {
  std::ifstream in(path);
  if (!in) return not_found("cannot read broker credentials " + path);
  std::map<std::string, std::string, std::less<>> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    const auto colon = line.find(':');
    const std::string where = path + ":" + std::to_string(n) + ": ";
    if (colon == std::string::npos || colon == 0 || colon + 1 == line.size()) {
      return invalid_argument("credentials", where + "must be username:password");
    }
    if (!out.emplace(line.substr(0, colon), line.substr(colon + 1)).second) {
      return invalid_argument("credentials", where + "user " + line.substr(0, colon) + " is listed twice");
    }
  }
  return out;
}

Result<BrokerAccessFiles> write_broker_access(const BrokerAccess& access, const std::filesystem::path& dir,
                                              const std::string& mosquitto_passwd) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return unavailable("cannot create " + dir.string() + ": " + ec.message());
  BrokerAccessFiles files{dir / "mosquitto.passwd", dir / "mosquitto.acl", dir / "broker-credentials.txt"};
  const std::string plain = render_credentials(access);
  if (auto r = write_secret_file(files.credentials.string(), plain.substr(0, plain.size() - 1)); !r)
    return r.error();
  if (auto r = write_secret_file(files.password_file.string(), plain.substr(0, plain.size() - 1)); !r) {
    return r.error();
  }
  const std::string acl = render_acl(access);
  if (auto r = write_secret_file(files.acl_file.string(), acl.substr(0, acl.size() - 1)); !r)
    return r.error();

  // mosquitto_passwd -U hashes every line of the file in place; its output goes to a log beside it.
  const std::filesystem::path log = dir / "mosquitto_passwd.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::string exe = mosquitto_passwd;
  std::string flag = "-U";
  std::string target = files.password_file.string();
  std::array<char*, 4> argv{exe.data(), flag.data(), target.data(), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    std::filesystem::remove(files.password_file, ec);  // never leave it in plain text
    return unavailable("cannot run " + exe + ": " + std::strerror(spawned));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::filesystem::remove(files.password_file, ec);
    return unavailable(exe + " -U failed: " + file_text(log));
  }
  return files;
}

}  // namespace lw::adapters::mqtt
