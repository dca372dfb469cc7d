#include "adapters/system/mac_key.h"

#include <sodium.h>
#include <sys/stat.h>

#include <array>
#include <fstream>
#include <memory>
#include <sstream>

#include "adapters/system/key_file.h"
#include "base/hex.h"

namespace lw::adapters {
namespace {

constexpr std::size_t kKeyBytes = 32;

struct Key {
  std::array<unsigned char, kKeyBytes> bytes{};
  ~Key() { sodium_memzero(bytes.data(), bytes.size()); }
};

}  // namespace

Result<MacKey> load_or_create_mac_key(const std::string& path) {
  if (sodium_init() < 0) return internal_error("libsodium could not be initialised");
  auto key = std::make_shared<Key>();
  bool created = false;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    randombytes_buf(key->bytes.data(), key->bytes.size());
    std::string text(sodium_base64_ENCODED_LEN(kKeyBytes, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(text.data(), text.size(), key->bytes.data(), key->bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    text.resize(std::char_traits<char>::length(text.c_str()));
    text += "\n";
    auto won = create_file_once(path, text, 0600);
    sodium_memzero(text.data(), text.size());
    if (!won) return Error{won.error().code, path + ": " + won.error().message};
    created = *won;  // false: another process created it first; its key is read below
  }
  if (!created) {
    if (::stat(path.c_str(), &st) != 0) return unavailable(path + ": cannot be read");
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
      return Error{ErrorCode::permission_denied, path + ": readable by others; run chmod 600 " + path};
    }
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (!in) return unavailable(path + ": cannot be read");
    std::string text = buffer.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
      text.pop_back();
    std::size_t len = 0;
    const bool decoded = sodium_base642bin(key->bytes.data(), key->bytes.size(), text.data(), text.size(),
                                           nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) == 0;
    sodium_memzero(text.data(), text.size());
    if (!decoded || len != kKeyBytes) {
      return Error{ErrorCode::corruption, path + ": not a MAC key (base64 of 32 bytes)"};
    }
  }
  MacFunction mac = [key](std::string_view text) {
    std::array<unsigned char, 32> out{};
    crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()),  // NOLINT
                       text.size(), key->bytes.data(), key->bytes.size());
    return to_hex(out.data(), out.size());
  };
  return MacKey{std::move(mac), created};
}

}  // namespace lw::adapters
