#include "protocol/code_crypto.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace lw::protocol {
namespace {

constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;

void ensure_sodium() {
  if (sodium_init() < 0) std::abort();  // no randomness source: nothing secret can be made
}

std::string b64(const unsigned char* bytes, std::size_t size) {
  ensure_sodium();
  std::string out(sodium_base64_encoded_len(size, kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, kVariant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool unb64(std::string_view text, unsigned char* out, std::size_t size) {
  ensure_sodium();
  std::size_t written = 0;
  return sodium_base642bin(out, size, text.data(), text.size(), nullptr, &written, nullptr, kVariant) == 0 &&
         written == size;
}

std::string digest(const CodeKey& key, std::string_view context, const unsigned char* extra,
                   std::size_t extra_size, std::string_view pin) {
  ensure_sodium();
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.bytes.data(), key.bytes.size(), kDigestBytes);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(context.data()), context.size());
  if (extra_size > 0) crypto_generichash_update(&state, extra, extra_size);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(pin.data()), pin.size());
  std::array<unsigned char, kDigestBytes> out{};
  crypto_generichash_final(&state, out.data(), out.size());
  sodium_memzero(&state, sizeof(state));
  return b64(out.data(), out.size());
}

}  // namespace

template <std::size_t N>
SecretArray<N>::~SecretArray() {
  sodium_memzero(bytes.data(), bytes.size());
}
template struct SecretArray<32>;

BoxKeyPair box_key_pair_from_seed(const std::array<unsigned char, 32>& seed) {
  ensure_sodium();
  BoxKeyPair pair;
  crypto_box_seed_keypair(pair.public_key.data(), pair.secret.bytes.data(), seed.data());
  return pair;
}

CodeKey generate_code_key() {
  ensure_sodium();
  CodeKey key;
  randombytes_buf(key.bytes.data(), key.bytes.size());
  return key;
}

AtRestKey generate_at_rest_key() {
  ensure_sodium();
  AtRestKey key;
  crypto_secretbox_keygen(key.bytes.data());
  return key;
}

std::string encode_box_key(const BoxPublicKey& key) { return b64(key.data(), key.size()); }

Result<BoxPublicKey> decode_box_key(std::string_view base64) {
  BoxPublicKey key{};
  if (!unb64(base64, key.data(), key.size()))
    return invalid_argument("box_key", "must be base64 of 32 bytes");
  return key;
}

std::string seal_to(std::string_view plaintext, const BoxPublicKey& to) {
  ensure_sodium();
  std::string sealed(plaintext.size() + crypto_box_SEALBYTES, '\0');
  crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()),
                  reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(), to.data());
  return b64(reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size());
}

bool open_sealed(std::string_view base64, const BoxKeyPair& keys, std::string& out) {
  ensure_sodium();
  wipe(out);
  // A sealed PIN or key is small; anything longer is not ours.
  constexpr std::size_t kMaxSealed = 128;
  std::array<unsigned char, kMaxSealed> raw{};
  std::size_t size = 0;
  if (sodium_base642bin(raw.data(), raw.size(), base64.data(), base64.size(), nullptr, &size, nullptr,
                        kVariant) != 0 ||
      size < crypto_box_SEALBYTES) {
    return false;
  }
  out.assign(size - crypto_box_SEALBYTES, '\0');
  const bool opened = crypto_box_seal_open(reinterpret_cast<unsigned char*>(out.data()), raw.data(), size,
                                           keys.public_key.data(), keys.secret.bytes.data()) == 0;
  if (!opened) wipe(out);
  return opened;
}

std::string code_digest(const CodeKey& key, int slot, std::uint16_t user, std::string_view pin) {
  const std::array<unsigned char, 4> extra = {
      static_cast<unsigned char>(slot >> 8U & 0xFF), static_cast<unsigned char>(slot & 0xFF),
      static_cast<unsigned char>(user >> 8U & 0xFF), static_cast<unsigned char>(user & 0xFF)};
  return digest(key, "lw-code-v1", extra.data(), extra.size(), pin);
}

std::string wrong_code_digest(const CodeKey& key, std::string_view pin) {
  return digest(key, "lw-wrong-code-v1", nullptr, 0, pin);
}

SealedAtRest seal_at_rest(std::string_view plaintext, const AtRestKey& key) {
  ensure_sodium();
  SealedAtRest out;
  out.nonce.assign(crypto_secretbox_NONCEBYTES, '\0');
  randombytes_buf(out.nonce.data(), out.nonce.size());
  out.ciphertext.assign(plaintext.size() + crypto_secretbox_MACBYTES, '\0');
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(out.ciphertext.data()),
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        reinterpret_cast<const unsigned char*>(out.nonce.data()), key.bytes.data());
  return out;
}

Result<std::string> open_at_rest(const SealedAtRest& sealed, const AtRestKey& key) {
  ensure_sodium();
  if (sealed.nonce.size() != crypto_secretbox_NONCEBYTES ||
      sealed.ciphertext.size() < crypto_secretbox_MACBYTES) {
    return Error{ErrorCode::corruption, "sealed secret does not open: wrong key or altered"};
  }
  std::string out(sealed.ciphertext.size() - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(
          reinterpret_cast<unsigned char*>(out.data()),
          reinterpret_cast<const unsigned char*>(sealed.ciphertext.data()), sealed.ciphertext.size(),
          reinterpret_cast<const unsigned char*>(sealed.nonce.data()), key.bytes.data()) != 0) {
    wipe(out);
    return Error{ErrorCode::corruption, "sealed secret does not open: wrong key or altered"};
  }
  return out;
}

std::string encode_secret(const unsigned char* bytes, std::size_t size) { return b64(bytes, size); }

Result<void> decode_secret(std::string_view base64, unsigned char* out, std::size_t size,
                           std::string_view what) {
  if (!unb64(base64, out, size)) {
    sodium_memzero(out, size);
    return invalid_argument(what, "must be base64 of " + std::to_string(size) + " bytes");
  }
  return ok();
}

void wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

}  // namespace lw::protocol
