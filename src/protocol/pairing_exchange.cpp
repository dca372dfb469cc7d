#include "protocol/pairing_exchange.h"

#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>
#include <utility>

#include "base/ids.h"
#include "protocol/json_reader.h"

namespace lw::protocol {

static_assert(kExchangeKeyBytes == crypto_scalarmult_BYTES);
static_assert(kPairingMacBytes == crypto_auth_BYTES);
static_assert(crypto_auth_KEYBYTES == 32);
static_assert(crypto_secretbox_KEYBYTES == 32);

namespace {

constexpr int kBase64Variant = sodium_base64_VARIANT_ORIGINAL;
constexpr std::array<char, crypto_kdf_CONTEXTBYTES + 1> kKdfContext{"lwpair01"};
constexpr std::string_view kDomain = "lockwarden-pair-v1";
/// An enrolment is a key id and a key in JSON: well below this.
constexpr std::size_t kMaxSealedPlainBytes = 512;

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string to_base64(const unsigned char* bytes, std::size_t size) {
  std::string out(sodium_base64_encoded_len(size, kBase64Variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, size, kBase64Variant);
  out.resize(out.size() - 1);
  return out;
}

template <std::size_t N>
bool from_base64(std::string_view text, std::array<unsigned char, N>& out) {
  if (!sodium_ready()) return false;
  std::size_t written = 0;
  const int rc =
      sodium_base642bin(out.data(), N, text.data(), text.size(), nullptr, &written, nullptr, kBase64Variant);
  return rc == 0 && written == N;
}

/// Hashes a length-prefixed field so that no two transcripts share bytes.
void absorb(crypto_generichash_state& st, std::string_view field) {
  const auto n = static_cast<std::uint32_t>(field.size());
  const std::array<unsigned char, 4> len{static_cast<unsigned char>(n >> 24),
                                         static_cast<unsigned char>(n >> 16),
                                         static_cast<unsigned char>(n >> 8), static_cast<unsigned char>(n)};
  crypto_generichash_update(&st, len.data(), len.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(field.data()), field.size());
}

std::string_view as_view(const ExchangeKey& k) {
  return {reinterpret_cast<const char*>(k.bytes.data()), k.bytes.size()};
}

PairingMac mac_of(const std::array<unsigned char, 32>& key, const std::array<unsigned char, 32>& th,
                  std::string_view role) {
  PairingMac mac{};
  crypto_auth_hmacsha512256_state st;
  crypto_auth_hmacsha512256_init(&st, key.data(), key.size());
  crypto_auth_hmacsha512256_update(&st, th.data(), th.size());
  crypto_auth_hmacsha512256_update(&st, reinterpret_cast<const unsigned char*>(role.data()), role.size());
  crypto_auth_hmacsha512256_final(&st, mac.data());
  sodium_memzero(&st, sizeof st);
  return mac;
}

Result<ExchangeKey> read_key(const detail::FieldReader& f, std::string_view name) {
  auto text = f.raw_string(name);
  if (!text) return f.fail(name, "must be base64 of 32 bytes");
  ExchangeKey key;
  if (!from_base64(*text, key.bytes)) return f.fail(name, "must be base64 of 32 bytes");
  return key;
}

Result<PairingMac> read_mac(const detail::FieldReader& f, std::string_view name) {
  auto text = f.raw_string(name);
  if (!text) return f.fail(name, "must be base64 of 32 bytes");
  PairingMac mac{};
  if (!from_base64(*text, mac)) return f.fail(name, "must be base64 of 32 bytes");
  return mac;
}

}  // namespace

// --- ExchangeSecret ---

Result<ExchangeSecret> ExchangeSecret::generate() {
  if (!sodium_ready()) return internal_error("libsodium could not be initialised");
  ExchangeSecret s;
  randombytes_buf(s.secret_.data(), s.secret_.size());
  crypto_scalarmult_base(s.public_.bytes.data(), s.secret_.data());
  return s;
}

ExchangeSecret::~ExchangeSecret() { sodium_memzero(secret_.data(), secret_.size()); }

// --- PairingKeys ---

Result<PairingKeys> PairingKeys::derive(const ExchangeSecret& own, const ExchangeKey& peer,
                                        const PairingTranscript& t, std::string_view code) {
  if (!sodium_ready()) return internal_error("libsodium could not be initialised");
  std::array<unsigned char, crypto_scalarmult_BYTES> shared{};
  if (crypto_scalarmult(shared.data(), own.secret_.data(), peer.bytes.data()) != 0) {
    return invalid_argument("pair.key", "not a usable X25519 key");
  }
  PairingKeys keys;
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, keys.transcript_hash_.size());
  absorb(st, kDomain);
  absorb(st, t.lock.site);
  absorb(st, t.lock.lock);
  absorb(st, t.session);
  absorb(st, as_view(t.controller_key));
  absorb(st, as_view(t.lock_key));
  crypto_generichash_final(&st, keys.transcript_hash_.data(), keys.transcript_hash_.size());

  // master = BLAKE2b(transcript hash || shared secret || code): without the
  // code nobody derives the keys, even with the shared secret.
  std::array<unsigned char, crypto_kdf_KEYBYTES> master{};
  crypto_generichash_init(&st, nullptr, 0, master.size());
  crypto_generichash_update(&st, keys.transcript_hash_.data(), keys.transcript_hash_.size());
  absorb(st, {reinterpret_cast<const char*>(shared.data()), shared.size()});
  absorb(st, code);
  crypto_generichash_final(&st, master.data(), master.size());
  sodium_memzero(shared.data(), shared.size());
  sodium_memzero(&st, sizeof st);

  crypto_kdf_derive_from_key(keys.controller_confirm_.data(), 32, 1, kKdfContext.data(), master.data());
  crypto_kdf_derive_from_key(keys.lock_confirm_.data(), 32, 2, kKdfContext.data(), master.data());
  crypto_kdf_derive_from_key(keys.seal_.data(), 32, 3, kKdfContext.data(), master.data());
  sodium_memzero(master.data(), master.size());
  return keys;
}

PairingKeys::~PairingKeys() {
  sodium_memzero(controller_confirm_.data(), controller_confirm_.size());
  sodium_memzero(lock_confirm_.data(), lock_confirm_.size());
  sodium_memzero(seal_.data(), seal_.size());
}

PairingMac PairingKeys::controller_mac() const {
  return mac_of(controller_confirm_, transcript_hash_, "controller");
}
PairingMac PairingKeys::lock_mac() const { return mac_of(lock_confirm_, transcript_hash_, "lock"); }

bool PairingKeys::check_controller_mac(const PairingMac& mac) const {
  const PairingMac expected = controller_mac();
  return sodium_memcmp(expected.data(), mac.data(), mac.size()) == 0;
}

bool PairingKeys::check_lock_mac(const PairingMac& mac) const {
  const PairingMac expected = lock_mac();
  return sodium_memcmp(expected.data(), mac.data(), mac.size()) == 0;
}

std::string PairingKeys::seal(std::string_view plain) const {
  std::string box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(box.data());
  randombytes_buf(out, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), out,
                        seal_.data());
  return to_base64(out, box.size());
}

std::optional<std::string> PairingKeys::open(std::string_view sealed) const {
  if (!sodium_ready()) return std::nullopt;
  std::array<unsigned char, crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + kMaxSealedPlainBytes>
      box{};
  std::size_t n = 0;
  if (sodium_base642bin(box.data(), box.size(), sealed.data(), sealed.size(), nullptr, &n, nullptr,
                        kBase64Variant) != 0 ||
      n < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return std::nullopt;
  }
  std::string plain(n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 box.data() + crypto_secretbox_NONCEBYTES, n - crypto_secretbox_NONCEBYTES,
                                 box.data(), seal_.data()) != 0) {
    return std::nullopt;
  }
  return plain;
}

// --- messages ---

std::string encode_pair_message(const PairMessage& message) {
  boost::json::object o;
  o["v"] = 1;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, PairHello>) {
          o["type"] = "hello";
          o["session"] = m.session;
          o["key"] = to_base64(m.controller_key.bytes.data(), m.controller_key.bytes.size());
        } else if constexpr (std::is_same_v<T, PairChallenge>) {
          o["type"] = "challenge";
          o["session"] = m.session;
          o["key"] = to_base64(m.lock_key.bytes.data(), m.lock_key.bytes.size());
        } else if constexpr (std::is_same_v<T, PairConfirm>) {
          o["type"] = "confirm";
          o["session"] = m.session;
          o["mac"] = to_base64(m.mac.data(), m.mac.size());
          o["enrolment"] = m.enrolment;
        } else {
          o["type"] = "done";
          o["session"] = m.session;
          o["outcome"] = m.outcome;
          if (m.mac) o["mac"] = to_base64(m.mac->data(), m.mac->size());
          if (m.key_id) o["key_id"] = *m.key_id;
        }
      },
      message);
  return boost::json::serialize(o);
}

Result<PairMessage> decode_pair_message(std::string_view payload) {
  detail::ParsedPayload parsed;
  auto object = parsed.parse("pair", payload);
  if (!object) return object.error();
  const detail::FieldReader f(**object, "pair");
  if (auto v = f.version(); !v) return v.error();
  auto type = f.text("type", 1, 16);
  if (!type) return type.error();
  auto session = f.id("session");
  if (!session) return session.error();
  if (*type == "hello" || *type == "challenge") {
    auto key = read_key(f, "key");
    if (!key) return key.error();
    if (*type == "hello") return PairMessage{PairHello{std::move(*session), *key}};
    return PairMessage{PairChallenge{std::move(*session), *key}};
  }
  if (*type == "confirm") {
    auto mac = read_mac(f, "mac");
    if (!mac) return mac.error();
    auto enrolment = f.text("enrolment", 1, 1024);
    if (!enrolment) return enrolment.error();
    return PairMessage{PairConfirm{std::move(*session), *mac, std::move(*enrolment)}};
  }
  if (*type == "done") {
    PairDone done;
    done.session = std::move(*session);
    auto outcome = f.optional_snake_name("outcome", 32);
    if (!outcome) return outcome.error();
    if (!*outcome) return f.fail("outcome", "missing");
    done.outcome = std::move(**outcome);
    auto has_mac = f.optional_text("mac", 1, 64);
    if (!has_mac) return has_mac.error();
    if (*has_mac) {
      auto mac = read_mac(f, "mac");
      if (!mac) return mac.error();
      done.mac = *mac;
    }
    auto key_id = f.optional_text("key_id", 1, 64);
    if (!key_id) return key_id.error();
    if (*key_id) {
      if (auto valid = validate_id("pair.key_id", **key_id); !valid) return valid.error();
      done.key_id = std::move(**key_id);
    }
    return PairMessage{std::move(done)};
  }
  return f.fail("type", "must be one of hello, challenge, confirm, done");
}

std::string encode_enrolment(const Enrolment& e) {
  boost::json::object o;
  o["key_id"] = e.key_id;
  o["key"] = encode_public_key(e.key);
  o["role"] = e.hub ? "hub" : "user";
  return boost::json::serialize(o);
}

Result<Enrolment> decode_enrolment(std::string_view json) {
  detail::ParsedPayload parsed;
  auto object = parsed.parse("enrolment", json);
  if (!object) return object.error();
  const detail::FieldReader f(**object, "enrolment");
  Enrolment e;
  auto key_id = f.id("key_id");
  if (!key_id) return key_id.error();
  e.key_id = std::move(*key_id);
  auto key_text = f.raw_string("key");
  if (!key_text) return f.fail("key", "must be base64 of 32 bytes");
  auto key = decode_public_key(*key_text);
  if (!key) return f.fail("key", "must be base64 of 32 bytes");
  e.key = *key;
  auto role = f.text("role", 1, 8);
  if (!role) return role.error();
  if (*role != "hub" && *role != "user") return f.fail("role", "must be one of hub, user");
  e.hub = *role == "hub";
  return e;
}

// --- PairingInitiator ---

Result<PairingInitiator> PairingInitiator::start(core::LockAddress lock, std::string session,
                                                 std::string_view code, Enrolment enrolment) {
  if (auto valid = validate_id("session", session); !valid) return valid.error();
  if (code.size() < kMinAirPairingCodeBytes)
    return invalid_argument("code", "must be at least 16 characters");
  if (code.size() > 64) return invalid_argument("code", "must be at most 64 characters");
  auto secret = ExchangeSecret::generate();
  if (!secret) return secret.error();
  PairingInitiator p(std::move(lock), std::move(session), *secret, std::move(enrolment));
  std::copy(code.begin(), code.end(), p.code_.begin());
  p.code_size_ = code.size();
  return p;
}

PairingInitiator::PairingInitiator(core::LockAddress lock, std::string session, const ExchangeSecret& secret,
                                   Enrolment enrolment)
    : lock_(std::move(lock)),
      session_(std::move(session)),
      secret_(secret),
      enrolment_(std::move(enrolment)) {}

PairingInitiator::~PairingInitiator() { sodium_memzero(code_.data(), code_.size()); }

std::string PairingInitiator::hello() const {
  return encode_pair_message(PairHello{session_, secret_.public_key()});
}

Result<std::string> PairingInitiator::on_challenge(const PairChallenge& challenge) {
  if (challenge.session != session_) return invalid_argument("pair.session", "belongs to another session");
  const PairingTranscript t{lock_, session_, secret_.public_key(), challenge.lock_key};
  auto keys = PairingKeys::derive(secret_, challenge.lock_key, t, {code_.data(), code_size_});
  if (!keys) return keys.error();
  keys_ = *keys;
  return encode_pair_message(
      PairConfirm{session_, keys_->controller_mac(), keys_->seal(encode_enrolment(enrolment_))});
}

Result<void> PairingInitiator::on_done(const PairDone& done) const {
  if (done.session != session_) return invalid_argument("pair.session", "belongs to another session");
  if (done.outcome != "paired")
    return Error{ErrorCode::permission_denied, "lock refused pairing: " + done.outcome};
  if (!keys_) return failed_precondition("the lock answered before it sent its challenge");
  if (!done.mac || !keys_->check_lock_mac(*done.mac)) {
    return Error{
        ErrorCode::unauthenticated,
        "the lock's confirmation does not verify: the code is wrong or someone relayed the exchange"};
  }
  return ok();
}

}  // namespace lw::protocol
