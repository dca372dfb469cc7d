#include "protocol/guest_grant.h"

#include <sodium.h>

#include <array>
#include <boost/json.hpp>

#include "protocol/json_reader.h"

namespace lw::protocol {
namespace {

namespace json = boost::json;
constexpr std::string_view kType = "guest_grant";

std::string base64(const unsigned char* bytes, std::size_t size) {
  if (sodium_init() < 0) return {};
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

}  // namespace

std::string encode_grant_body(const GuestGrant& grant) {
  json::object o;
  o["v"] = 1;
  o["type"] = kType;
  o["id"] = grant.id;
  o["site"] = grant.site;
  json::array locks;
  for (const LockId& l : grant.locks) locks.emplace_back(l);
  o["locks"] = std::move(locks);
  o["user"] = grant.user;
  o["guest_key"] = encode_public_key(grant.guest_key);
  o["not_before_ms"] = to_epoch_ms(grant.not_before);
  o["not_after_ms"] = to_epoch_ms(grant.not_after);
  return json::serialize(o);
}

Result<GuestGrant> decode_grant_body(std::string_view body) {
  detail::ParsedPayload parsed;
  auto object = parsed.parse("grant", body);
  if (!object) return object.error();
  const detail::FieldReader f(**object, "grant");
  if (auto v = f.version(); !v) return v.error();
  auto type = f.text("type", 1, 32);
  if (!type) return type.error();
  if (*type != kType) return f.fail("type", "must be guest_grant");
  GuestGrant g;
  for (auto [name, out] : {std::pair{"id", &g.id}, std::pair{"site", &g.site}, std::pair{"user", &g.user}}) {
    auto v = f.id(name);
    if (!v) return v.error();
    *out = std::move(*v);
  }
  const json::value* locks = (*object)->if_contains("locks");
  const json::array* list = locks != nullptr ? locks->if_array() : nullptr;
  if (list == nullptr || list->empty() || list->size() > kMaxGrantLocks)
    return f.fail("locks", "must be an array of 1..16 lock ids");
  for (const json::value& l : *list) {
    const json::string* s = l.if_string();
    if (s == nullptr || !validate_id("lock", std::string_view(s->data(), s->size())))
      return f.fail("locks", "must be an array of 1..16 lock ids");
    g.locks.emplace_back(s->data(), s->size());
  }
  auto key_text = f.text("guest_key", 1, 64);
  if (!key_text) return key_text.error();
  auto key = decode_public_key(*key_text);
  if (!key) return f.fail("guest_key", "must be base64 of 32 bytes");
  g.guest_key = *key;
  auto from = f.time("not_before_ms");
  if (!from) return from.error();
  auto to = f.time("not_after_ms");
  if (!to) return to.error();
  if (*to <= *from) return f.fail("not_after_ms", "must be after not_before_ms");
  g.not_before = *from;
  g.not_after = *to;
  return g;
}

std::string sign_grant(const GuestGrant& grant, std::string_view key_id, const SigningKey& key) {
  return seal_body(key_id, encode_grant_body(grant), key);
}

std::string guest_proof_message(const core::LockAddress& lock, std::string_view challenge_base64,
                                std::string_view grant_id) {
  std::string m = "lw-guest-v1\n";
  m.append(lock.site).append("/").append(lock.lock).append("\n");
  m.append(challenge_base64).append("\n").append(grant_id);
  return m;
}

std::string new_guest_challenge() {
  std::array<unsigned char, kGuestChallengeBytes> nonce{};
  if (sodium_init() < 0) return {};
  randombytes_buf(nonce.data(), nonce.size());
  return base64(nonce.data(), nonce.size());
}

std::string encode_signature(const Signature& sig) { return base64(sig.data(), sig.size()); }

Result<Signature> decode_signature(std::string_view text) {
  Signature sig{};
  std::size_t written = 0;
  if (sodium_init() < 0 ||
      sodium_base642bin(sig.data(), sig.size(), text.data(), text.size(), nullptr, &written, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      written != sig.size()) {
    return invalid_argument("proof", "must be base64 of 64 bytes");
  }
  return sig;
}

bool verify_detached(std::string_view message, const Signature& sig, const PublicKey& key) {
  if (sodium_init() < 0) return false;
  return crypto_sign_verify_detached(sig.data(), reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.bytes.data()) == 0;
}

}  // namespace lw::protocol
