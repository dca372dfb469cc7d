#include "adapters/system/credentials.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace lw::adapters {
namespace {

void init_sodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) {
      std::fprintf(stderr, "lockwarden: libsodium failed to initialise\n");
      std::abort();
    }
    return true;
  }();
  (void)ready;
}

}  // namespace

Result<std::string> hash_password(std::string_view password) {
  init_sodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return internal_error("hashing a password ran out of memory");
  }
  return std::string(out.data());
}

bool verify_password(std::string_view hash, std::string_view password) {
  init_sodium();
  std::string terminated(hash);  // crypto_pwhash_str_verify wants a C string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

void verify_password_against_nothing(std::string_view password) {
  static const std::string dummy = [] {
    auto h = hash_password("no account has this password");
    return h ? *h : std::string();
  }();
  (void)verify_password(dummy, password);
}

std::string new_token() {
  init_sodium();
  std::array<unsigned char, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::array<char, sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)> text{};
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes.data(), bytes.size());
  return "lwt_" + std::string(text.data());
}

std::string token_hash(std::string_view token) {
  init_sodium();
  std::array<unsigned char, 32> digest{};
  crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  std::array<char, 65> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data());
}

std::string new_password() {
  init_sodium();
  constexpr std::string_view kAlphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY34679";
  std::string out;
  for (int i = 0; i < 20; ++i)
    out += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  return out;
}

Result<void> write_secret_file(const std::string& path, std::string_view text) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return unavailable(path + ": cannot be created");
  std::string content(text);
  content += "\n";
  bool written = ::fchmod(fd, 0600) == 0;
  written = written && ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  written = written && ::fsync(fd) == 0;
  ::close(fd);
  sodium_memzero(content.data(), content.size());
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) return unavailable(path + ": cannot be written");
  return ok();
}

Result<std::string> read_secret_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return not_found(path + ": no such file");
  if ((st.st_mode & 077) != 0) {
    return Error{ErrorCode::permission_denied, path + ": others may read it; chmod 600 " + path};
  }
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  if (line.empty()) return not_found(path + ": empty");
  return line;
}

}  // namespace lw::adapters
