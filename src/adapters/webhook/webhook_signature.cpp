#include "adapters/webhook/webhook_signature.h"

#include <sodium.h>

#include <array>
#include <cctype>
#include <cstdlib>

namespace lw::adapters::webhook {
namespace {

constexpr std::string_view kPrefix = "sha256=";

void ensure_sodium() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) {
    std::abort();  // libsodium cannot start: no signature can be trusted
  }
}

std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac(std::string_view secret, std::string_view body) {
  ensure_sodium();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> out{};
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
  return out;
}

}  // namespace

std::string sign(std::string_view secret, std::string_view body) {
  const auto digest = mac(secret, body);
  std::array<char, crypto_auth_hmacsha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(kPrefix) + hex.data();
}

bool verify(std::string_view secret, std::string_view body, std::string_view header) {
  const std::string expected = sign(secret, body);
  if (header.size() != expected.size()) return false;
  std::string given(header);
  for (std::size_t i = kPrefix.size(); i < given.size(); ++i) {
    given[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(given[i])));
  }
  return sodium_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

}  // namespace lw::adapters::webhook
