#include "protocol/envelope.h"

#include <sodium.h>

#include <boost/json.hpp>
#include <cstring>
#include <ostream>
#include <utility>
#include <variant>

#include "base/ids.h"
#include "protocol/code_codec.h"
#include "protocol/codec.h"
#include "protocol/json_reader.h"

namespace lw::protocol {

static_assert(kPublicKeyBytes == crypto_sign_PUBLICKEYBYTES);
static_assert(kSecretKeyBytes == crypto_sign_SECRETKEYBYTES);
static_assert(kSeedBytes == crypto_sign_SEEDBYTES);
static_assert(kSignatureBytes == crypto_sign_BYTES);

namespace {

constexpr int kBase64Variant = sodium_base64_VARIANT_ORIGINAL;

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

Error sodium_failed() { return internal_error("libsodium could not be initialised"); }

std::string to_base64(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_encoded_len(size, kBase64Variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, kBase64Variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

/// Decodes exactly `size` bytes into `out`; false on any other input. Only the
/// canonical text of those bytes is accepted: libsodium 1.0.18 (Debian 12)
/// reads every byte 0x80..0xff as '/', so without the re-encoding check one
/// key or signature would have many spellings.
bool from_base64(std::string_view text, unsigned char* out, std::size_t size) {
  if (!sodium_ready()) return false;
  std::size_t written = 0;
  const int rc =
      sodium_base642bin(out, size, text.data(), text.size(), nullptr, &written, nullptr, kBase64Variant);
  return rc == 0 && written == size && to_base64(out, size) == text;
}

}  // namespace

SigningKey::~SigningKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

PublicKey SigningKey::public_key() const {
  PublicKey pk;
  crypto_sign_ed25519_sk_to_pk(pk.bytes.data(), bytes_.data());
  return pk;
}

Signature SigningKey::sign(std::string_view message) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), bytes_.data());
  return sig;
}

void PrintTo(const SigningKey& /*key*/, std::ostream* os) { *os << "SigningKey(redacted)"; }

Result<KeyPair> generate_key_pair() {
  if (!sodium_ready()) return sodium_failed();
  SigningKey secret;
  PublicKey pk;
  crypto_sign_keypair(pk.bytes.data(), secret.bytes_.data());
  return KeyPair{secret, pk};
}

Result<KeyPair> key_pair_from_seed(const Seed& seed) {
  if (!sodium_ready()) return sodium_failed();
  SigningKey secret;
  PublicKey pk;
  crypto_sign_seed_keypair(pk.bytes.data(), secret.bytes_.data(), seed.data());
  return KeyPair{secret, pk};
}

Result<KeyPair> key_pair_from_text_seed(std::string_view seed) {
  Seed bytes{};
  if (seed.size() != bytes.size()) return invalid_argument("seed", "must be 32 bytes");
  std::memcpy(bytes.data(), seed.data(), bytes.size());
  auto pair = key_pair_from_seed(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return pair;
}

std::string encode_secret_key(const SigningKey& key) {
  return to_base64(key.bytes_.data(), key.bytes_.size());
}

Result<SigningKey> decode_secret_key(std::string_view base64) {
  if (!sodium_ready()) return sodium_failed();
  SigningKey key;
  if (!from_base64(base64, key.bytes_.data(), key.bytes_.size())) {
    return invalid_argument("secret_key", "must be base64 of 64 bytes");
  }
  // The second half is the public key; it must be the one the seed gives.
  Seed seed{};
  crypto_sign_ed25519_sk_to_seed(seed.data(), key.bytes_.data());
  SigningKey rebuilt;
  PublicKey pk;
  crypto_sign_seed_keypair(pk.bytes.data(), rebuilt.bytes_.data(), seed.data());
  sodium_memzero(seed.data(), seed.size());
  if (sodium_memcmp(rebuilt.bytes_.data(), key.bytes_.data(), key.bytes_.size()) != 0) {
    return invalid_argument("secret_key", "the public half does not match the seed");
  }
  return key;
}

std::string encode_public_key(const PublicKey& key) { return to_base64(key.bytes.data(), key.bytes.size()); }

Result<PublicKey> decode_public_key(std::string_view base64) {
  PublicKey pk;
  if (!from_base64(base64, pk.bytes.data(), pk.bytes.size())) {
    return invalid_argument("public_key", "must be base64 of 32 bytes");
  }
  return pk;
}

std::string encode_command_body(const core::Command& c) {
  boost::json::object o;
  o.emplace("v", kProtocolVersion);
  o.emplace("id", c.id);
  o.emplace("site", c.target.site);
  o.emplace("lock", c.target.lock);
  o.emplace("action", core::to_string(c.action));
  o.emplace("issued_ms", to_epoch_ms(c.issued_at));
  o.emplace("expires_ms", to_epoch_ms(c.expires_at));
  o.emplace("counter", c.counter);
  o.emplace("key_id", c.key_id);
  if (c.code) detail::add_code_fields(o, *c.code);
  if (c.ping) o["action"] = "ping";
  if (c.recalibrate) o["action"] = "recalibrate";
  if (c.revoke_grant) {
    o["action"] = "revoke_grant";
    o.emplace("grant_id", c.revoke_grant->grant_id);
    o.emplace("grant_not_after_ms", to_epoch_ms(c.revoke_grant->not_after));
  }
  return boost::json::serialize(o);
}

std::string seal_body(std::string_view key_id, std::string_view body, const SigningKey& key) {
  const Signature sig = key.sign(body);
  boost::json::object o;
  o.emplace("v", kProtocolVersion);
  o.emplace("key_id", boost::json::string_view(key_id.data(), key_id.size()));
  o.emplace("body", boost::json::string_view(body.data(), body.size()));
  o.emplace("sig", to_base64(sig.data(), sig.size()));
  return boost::json::serialize(o);
}

std::string seal_command(const core::Command& command, const SigningKey& key) {
  return seal_body(command.key_id, encode_command_body(command), key);
}

Result<OpenedEnvelope> open_envelope(std::string_view payload) {
  detail::ParsedPayload parsed;
  auto object = parsed.parse("payload", payload);
  if (!object) return object.error();
  const detail::FieldReader f(**object, "cmd");
  if (auto v = f.version(); !v) return v.error();
  OpenedEnvelope e;
  auto key_id = f.id("key_id");
  if (!key_id) return key_id.error();
  e.key_id = std::move(*key_id);
  auto body = f.raw_string("body");
  if (!body) return body.error();
  e.body = std::move(*body);
  auto sig = f.raw_string("sig");
  if (!sig) return sig.error();
  if (!from_base64(*sig, e.sig.data(), e.sig.size())) return f.fail("sig", "must be base64 of 64 bytes");
  return e;
}

bool verify_signature(const OpenedEnvelope& envelope, const PublicKey& key) {
  if (!sodium_ready()) return false;
  return crypto_sign_verify_detached(envelope.sig.data(),
                                     reinterpret_cast<const unsigned char*>(envelope.body.data()),
                                     envelope.body.size(), key.bytes.data()) == 0;
}

Result<core::Command> decode_command_body(std::string_view body) {
  detail::ParsedPayload parsed;
  auto object = parsed.parse("cmd.body", body);
  if (!object) return object.error();
  const detail::FieldReader f(**object, "cmd.body");
  if (auto v = f.version(); !v) return v.error();

  core::Command c;
  auto id = f.id("id");
  if (!id) return id.error();
  c.id = std::move(*id);
  auto site = f.id("site");
  if (!site) return site.error();
  c.target.site = std::move(*site);
  auto lock = f.id("lock");
  if (!lock) return lock.error();
  c.target.lock = std::move(*lock);
  // A code action (section 8), a bolt action (5.2), a ping (5.6: the monostate),
  // a recalibration (5.7) or a guest grant's revocation (10.3).
  struct Revoke {};
  struct Recalibrate {};
  using AnyAction = std::variant<core::LockAction, core::CodeAction, std::monostate, Revoke, Recalibrate>;
  auto action = f.required_enum<AnyAction>(
      "action",
      [](std::string_view s) -> std::optional<AnyAction> {
        if (auto a = core::parse_lock_action(s)) return *a;
        if (auto a = core::parse_code_action(s)) return *a;
        if (s == "ping") return std::monostate{};
        if (s == "revoke_grant") return Revoke{};
        if (s == "recalibrate") return Recalibrate{};
        return std::nullopt;
      },
      detail::kCommandActionNames);
  if (!action) return action.error();
  if (const auto* bolt = std::get_if<core::LockAction>(&*action)) c.action = *bolt;
  c.ping = std::holds_alternative<std::monostate>(*action);
  c.recalibrate = std::holds_alternative<Recalibrate>(*action);
  auto issued = f.time("issued_ms");
  if (!issued) return issued.error();
  c.issued_at = *issued;
  auto expires = f.time("expires_ms");
  if (!expires) return expires.error();
  if (*expires < *issued) return f.fail("expires_ms", "must not be before issued_ms");
  c.expires_at = *expires;
  auto counter = f.unsigned_integer("counter", 1);
  if (!counter) return counter.error();
  c.counter = *counter;
  auto key_id = f.id("key_id");
  if (!key_id) return key_id.error();
  c.key_id = std::move(*key_id);
  if (const auto* code = std::get_if<core::CodeAction>(&*action)) {
    auto fields = detail::decode_code_fields(**object, *code);
    if (!fields) return fields.error();
    c.code = std::move(*fields);
  }
  if (std::holds_alternative<Revoke>(*action)) {
    auto grant = f.id("grant_id");
    if (!grant) return grant.error();
    auto until = f.time("grant_not_after_ms");
    if (!until) return until.error();
    c.revoke_grant = core::GrantRevocation{std::move(*grant), *until};
  }
  return c;
}

std::optional<std::string> peek_command_id(std::string_view body) {
  detail::ParsedPayload parsed;
  auto object = parsed.parse("cmd.body", body);
  if (!object) return std::nullopt;
  auto id = detail::FieldReader(**object, "cmd.body").id("id");
  if (!id) return std::nullopt;
  return std::move(*id);
}

}  // namespace lw::protocol
