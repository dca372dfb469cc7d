#include "adapters/system/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace lw::adapters {
namespace {

std::string first_line(const std::string& path, bool& ok) {
  std::ifstream in(path);
  ok = static_cast<bool>(in);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

/// `<path>.tmp.<pid>`: two processes writing the same file never share a temporary one.
std::string temporary_for(const std::string& path) { return path + ".tmp." + std::to_string(::getpid()); }

/// Writes and syncs `tmp`. Errors: unavailable naming `path`.
Result<void> write_synced(const std::string& tmp, const std::string& path, std::string_view content,
                          unsigned mode) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return unavailable(path + ": cannot be created");
  bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  written = written && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    return unavailable(path + ": cannot be written");
  }
  return ok();
}

/// Makes a rename or link in `path`'s directory durable.
void sync_directory_of(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace

Result<void> write_file_atomically(const std::string& path, std::string_view content, unsigned mode) {
  const std::string tmp = temporary_for(path);
  if (auto w = write_synced(tmp, path, content, mode); !w) return w;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return unavailable(path + ": cannot be written");
  }
  sync_directory_of(path);
  return ok();
}

Result<bool> create_file_once(const std::string& path, std::string_view content, unsigned mode) {
  const std::string tmp = temporary_for(path);
  if (auto w = write_synced(tmp, path, content, mode); !w) return w.error();
  // link() fails with EEXIST when the file is there: whoever linked first created it.
  const int linked = ::link(tmp.c_str(), path.c_str());
  const int error = errno;
  ::unlink(tmp.c_str());
  if (linked != 0) {
    if (error == EEXIST) return false;
    return unavailable(path + ": cannot be created");
  }
  sync_directory_of(path);
  return true;
}

Result<protocol::KeyPair> load_or_create_key(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return unavailable(dir + ": cannot create directory: " + ec.message());
  std::string key_path = dir + "/hub.key";
  std::string pub_path = dir + "/hub.pub";
  struct stat st {};
  if (::stat(key_path.c_str(), &st) == 0) {
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
      return Error{ErrorCode::permission_denied,
                   key_path + ": readable by others; run chmod 600 " + key_path};
    }
    bool read_ok = false;
    std::string text = first_line(key_path, read_ok);
    if (!read_ok) return unavailable(key_path + ": cannot be read");
    auto secret = protocol::decode_secret_key(text);
    if (!secret) return Error{ErrorCode::corruption, key_path + ": not a hub key"};
    protocol::KeyPair pair{*secret, secret->public_key()};
    if (auto w = write_file_atomically(pub_path, protocol::encode_public_key(pair.public_key) + "\n", 0644);
        !w)
      return w.error();
    return pair;
  }
  auto pair = protocol::generate_key_pair();
  if (!pair) return pair.error();
  if (auto w = write_file_atomically(key_path, protocol::encode_secret_key(pair->secret) + "\n", 0600); !w)
    return w.error();
  if (auto w = write_file_atomically(pub_path, protocol::encode_public_key(pair->public_key) + "\n", 0644);
      !w)
    return w.error();
  return pair;
}

Result<protocol::PublicKey> read_public_key_file(const std::string& path) {
  bool read_ok = false;
  std::string text = first_line(path, read_ok);
  if (!read_ok) return Error{ErrorCode::not_found, path + ": cannot be read"};
  auto key = protocol::decode_public_key(text);
  if (!key) return invalid_argument(path, "must hold a base64 Ed25519 public key");
  return key;
}

}  // namespace lw::adapters
