#include "adapters/system/device_key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/ids.h"

namespace lw::adapters {
namespace {

namespace json = boost::json;

Error io_error(const std::string& what, const std::string& path) {
  return unavailable(what + " " + path + ": " + std::strerror(errno));
}

/// Writes `text` to `path` with mode 0600 durably: a temporary file, fsync, rename.
Result<void> write_private(const std::string& path, const std::string& text, bool must_not_exist) {
  if (must_not_exist && std::filesystem::exists(path)) {
    return Error{ErrorCode::conflict, path + " exists; a key file is never overwritten"};
  }
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot write", tmp);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return io_error("cannot write", tmp);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return io_error("cannot sync", tmp);
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return io_error("cannot rename to", path);
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return ok();
}

std::string serialise(const DeviceKey& key) {
  json::object o{{"v", 1},
                 {"key_id", key.key_id},
                 {"secret_key", protocol::encode_secret_key(key.keys.secret)},
                 {"public_key", protocol::encode_public_key(key.keys.public_key)},
                 {"counter", key.counter}};
  return json::serialize(o) + "\n";
}

}  // namespace

std::string default_device_key_path() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  std::string base;
  if (xdg != nullptr && *xdg != '\0') {
    base = xdg;
  } else {
    const char* home = std::getenv("HOME");
    base = std::string(home != nullptr ? home : ".") + "/.config";
  }
  return base + "/lockwarden/device.key";
}

Result<DeviceKey> create_device_key(const std::string& path, const std::string& key_id) {
  if (auto valid = validate_id("key_id", key_id); !valid) return valid.error();
  auto pair = protocol::generate_key_pair();
  if (!pair) return pair.error();
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    const bool made = std::filesystem::create_directories(dir, ec);
    if (ec) return unavailable("cannot create " + dir.string() + ": " + ec.message());
    if (made) std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  }
  DeviceKey key{key_id, std::move(*pair), 0};
  if (auto w = write_private(path, serialise(key), true); !w) return w.error();
  return key;
}

Result<DeviceKey> load_device_key(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return not_found("no key file at " + path + " (create one: lockwarden key create)");
  if ((st.st_mode & 077) != 0) {
    return Error{ErrorCode::permission_denied, path + " is readable by others: chmod 600 it"};
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  json::error_code ec;
  json::value v = json::parse(text.str(), ec);
  const auto corrupt = [&](std::string_view field, std::string_view why) {
    return Error{ErrorCode::corruption, path + ": " + std::string(field) + ": " + std::string(why)};
  };
  if (ec || !v.is_object()) return corrupt("file", "not a JSON object");
  const json::object& o = v.as_object();
  const auto text_of = [&](std::string_view k) -> std::string {
    const json::value* f = o.if_contains(k);
    return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string();
  };
  std::string key_id = text_of("key_id");
  if (!validate_id("key_id", key_id)) return corrupt("key_id", "must be an id");
  auto secret = protocol::decode_secret_key(text_of("secret_key"));
  if (!secret) return corrupt("secret_key", "must be base64 of 64 bytes");
  const json::value* counter = o.if_contains("counter");
  if (counter == nullptr || !(counter->is_uint64() || (counter->is_int64() && counter->as_int64() >= 0))) {
    return corrupt("counter", "must be a non-negative integer");
  }
  const std::uint64_t last =
      counter->is_uint64() ? counter->as_uint64() : static_cast<std::uint64_t>(counter->as_int64());
  const protocol::PublicKey public_key = secret->public_key();
  return DeviceKey{std::move(key_id), protocol::KeyPair{*secret, public_key}, last};
}

Result<std::uint64_t> next_counter(const std::string& path, DeviceKey& key) {
  DeviceKey raised = key;
  raised.counter = key.counter + 1;
  if (auto w = write_private(path, serialise(raised), false); !w) return w.error();
  key.counter = raised.counter;
  return key.counter;
}

}  // namespace lw::adapters
