#include "protocol/envelope.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "protocol/testing/doc_examples.h"

namespace lw::protocol {
namespace {

namespace ex = doc_examples;

KeyPair doc_test_key() { return *key_pair_from_text_seed(ex::kTestKeySeed); }

core::Command doc_command() {
  core::Command c;
  c.id = "act-7f3a9c2e";
  c.target = {"home", "front-door"};
  c.action = core::LockAction::unlock;
  c.issued_at = from_epoch_ms(1'700'000'000'000);
  c.expires_at = from_epoch_ms(1'700'000'030'000);
  c.counter = 42;
  c.key_id = "hub";
  return c;
}

std::string replace_once(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

void expect_envelope_rejected(std::string_view payload, std::string_view message);

// --- the doc's test vector ---

TEST(EnvelopeDocVector, SeedGivesTheDocumentedPublicKey) {
  EXPECT_EQ(encode_public_key(doc_test_key().public_key), ex::kTestPublicKey);
}

TEST(EnvelopeDocVector, ATextSeedMustBe32Bytes) {
  auto short_seed = key_pair_from_text_seed("too short");
  ASSERT_FALSE(short_seed);
  EXPECT_EQ(short_seed.error().message, "seed: must be 32 bytes");
}

TEST(EnvelopeDocVector, SealingTheDocCommandGivesTheDocEnvelopeByteForByte) {
  EXPECT_EQ(encode_command_body(doc_command()), ex::kCommandBody);
  EXPECT_EQ(seal_command(doc_command(), doc_test_key().secret), ex::kCommandEnvelope);
}

TEST(EnvelopeDocVector, DocEnvelopeOpensVerifiesAndDecodes) {
  auto envelope = open_envelope(ex::kCommandEnvelope);
  ASSERT_TRUE(envelope) << envelope.error().to_string();
  EXPECT_EQ(envelope->key_id, "hub");
  EXPECT_EQ(envelope->body, ex::kCommandBody);

  auto key = decode_public_key(ex::kTestPublicKey);
  ASSERT_TRUE(key) << key.error().to_string();
  EXPECT_TRUE(verify_signature(*envelope, *key));

  auto command = decode_command_body(envelope->body);
  ASSERT_TRUE(command) << command.error().to_string();
  const core::Command want = doc_command();
  EXPECT_EQ(command->id, want.id);
  EXPECT_EQ(command->target, want.target);
  EXPECT_EQ(command->action, want.action);
  EXPECT_EQ(command->issued_at, want.issued_at);
  EXPECT_EQ(command->expires_at, want.expires_at);
  EXPECT_EQ(command->counter, want.counter);
  EXPECT_EQ(command->key_id, want.key_id);
}

// --- signatures ---

TEST(EnvelopeSignature, FreshKeyPairSignsWhatItsPublicKeyVerifies) {
  auto pair = generate_key_pair();
  ASSERT_TRUE(pair) << pair.error().to_string();
  EXPECT_EQ(pair->secret.public_key(), pair->public_key);
  auto envelope = open_envelope(seal_command(doc_command(), pair->secret));
  ASSERT_TRUE(envelope) << envelope.error().to_string();
  EXPECT_TRUE(verify_signature(*envelope, pair->public_key));
}

TEST(EnvelopeSignature, TwoFreshKeysDiffer) {
  auto a = generate_key_pair();
  auto b = generate_key_pair();
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->public_key, b->public_key);
}

TEST(EnvelopeSignature, TamperedBodyDoesNotVerify) {
  const std::string tampered = replace_once(std::string(ex::kCommandEnvelope), "front-door", "back-door");
  auto envelope = open_envelope(tampered);
  ASSERT_TRUE(envelope) << envelope.error().to_string();
  EXPECT_FALSE(verify_signature(*envelope, doc_test_key().public_key));
}

TEST(EnvelopeSignature, BodyReformattedWithoutChangingItsMeaningDoesNotVerify) {
  // The signature covers bytes, not meaning: a space is a different command.
  const std::string spaced = replace_once(std::string(ex::kCommandEnvelope), R"(\"v\":1,)", R"(\"v\": 1,)");
  auto envelope = open_envelope(spaced);
  ASSERT_TRUE(envelope) << envelope.error().to_string();
  EXPECT_FALSE(verify_signature(*envelope, doc_test_key().public_key));
}

TEST(EnvelopeSignature, TamperedSignatureDoesNotVerify) {
  auto envelope = open_envelope(ex::kCommandEnvelope);
  ASSERT_TRUE(envelope);
  envelope->sig[10] ^= 0x01;
  EXPECT_FALSE(verify_signature(*envelope, doc_test_key().public_key));
}

TEST(EnvelopeSignature, AnotherKeyDoesNotVerify) {
  auto envelope = open_envelope(ex::kCommandEnvelope);
  ASSERT_TRUE(envelope);
  auto other = generate_key_pair();
  ASSERT_TRUE(other);
  EXPECT_FALSE(verify_signature(*envelope, other->public_key));
}

TEST(EnvelopeSignature, AnyBodyBytesCanBeSignedAndDecodedInAnyFieldOrder) {
  const std::string body =
      R"({ "key_id": "hub", "counter": 7, "expires_ms": 20, "issued_ms": 10, "action": "lock", )"
      R"("lock": "front-door", "site": "home", "id": "c-1", "v": 1 })";
  auto envelope = open_envelope(seal_body("hub", body, doc_test_key().secret));
  ASSERT_TRUE(envelope) << envelope.error().to_string();
  EXPECT_EQ(envelope->body, body);
  EXPECT_TRUE(verify_signature(*envelope, doc_test_key().public_key));
  auto command = decode_command_body(envelope->body);
  ASSERT_TRUE(command) << command.error().to_string();
  EXPECT_EQ(command->action, core::LockAction::lock);
  EXPECT_EQ(command->counter, 7U);
}

// --- keys ---

TEST(EnvelopeKeys, SecretKeySurvivesBase64AndStillSigns) {
  auto pair = generate_key_pair();
  ASSERT_TRUE(pair);
  const std::string text = encode_secret_key(pair->secret);
  EXPECT_EQ(text.size(), 88U);
  auto back = decode_secret_key(text);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->public_key(), pair->public_key);
  auto envelope = open_envelope(seal_command(doc_command(), *back));
  ASSERT_TRUE(envelope);
  EXPECT_TRUE(verify_signature(*envelope, pair->public_key));
}

TEST(EnvelopeKeys, PublicKeySurvivesBase64) {
  auto pair = generate_key_pair();
  ASSERT_TRUE(pair);
  auto back = decode_public_key(encode_public_key(pair->public_key));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, pair->public_key);
}

TEST(EnvelopeKeys, MalformedPublicKeysAreRejected) {
  for (std::string_view bad : {"", "not base64!", "9/syBauVDAM8+dKYRconkJvTp24O3yf7Iph+XUIdML8",
                               "9_syBauVDAM8-dKYRconkJvTp24O3yf7Iph-XUIdML8=", "AAAA",
                               "9/syBauVDAM8+dKYRconkJvTp24O3yf7Iph+XUIdML8=AAAA"}) {
    auto key = decode_public_key(bad);
    ASSERT_FALSE(key) << bad;
    EXPECT_EQ(key.error().to_string(), "invalid_argument: public_key: must be base64 of 32 bytes") << bad;
  }
}

// Found by fuzz_command_envelope: libsodium 1.0.18 decodes any byte 0x80..0xff
// as '/', so the doc's key with a '/' spelled "\xff" used to be accepted.
TEST(EnvelopeKeys, OnlyTheCanonicalBase64OfAKeyOrSignatureIsAccepted) {
  const std::string key(ex::kTestPublicKey);
  ASSERT_EQ(key[1], '/');
  for (const char alias : {'\x80', '\xbf', '\xff'}) {
    std::string spelled = key;
    spelled[1] = alias;
    auto decoded = decode_public_key(spelled);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().message, "public_key: must be base64 of 32 bytes");
  }
  const std::string envelope(ex::kCommandEnvelope);
  const auto sig_at = envelope.find(R"("sig":")") + 7;
  const auto slash = envelope.find('/', sig_at);
  ASSERT_NE(slash, std::string::npos) << "the doc's signature has a '/' to respell";
  // "\u00ff" is two bytes in UTF-8, both read as '/' before.
  std::string respelled = envelope;
  respelled.replace(slash, 2, R"(\u00ff)");
  expect_envelope_rejected(respelled, "cmd.sig: must be base64 of 64 bytes");
}

TEST(EnvelopeKeys, DamagedSecretKeyIsRejectedWithoutEchoingIt) {
  auto pair = generate_key_pair();
  ASSERT_TRUE(pair);
  std::string text = encode_secret_key(pair->secret);
  // Characters 44..85 encode the public half; change one there.
  text[60] = text[60] == 'A' ? 'B' : 'A';
  auto damaged = decode_secret_key(text);
  ASSERT_FALSE(damaged);
  EXPECT_EQ(damaged.error().message, "secret_key: the public half does not match the seed");

  auto garbage = decode_secret_key("c2VjcmV0");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().message, "secret_key: must be base64 of 64 bytes");
  EXPECT_FALSE(decode_secret_key(encode_public_key(pair->public_key)));
}

TEST(EnvelopeKeys, SigningKeyPrintsRedacted) {
  auto pair = generate_key_pair();
  ASSERT_TRUE(pair);
  const std::string printed = ::testing::PrintToString(pair->secret);
  EXPECT_EQ(printed, "SigningKey(redacted)");
  const std::string secret = encode_secret_key(pair->secret);
  EXPECT_EQ(printed.find(secret.substr(0, 8)), std::string::npos);
}

// --- envelope and body rejection ---

void expect_envelope_rejected(std::string_view payload, std::string_view message) {
  auto r = open_envelope(payload);
  ASSERT_FALSE(r) << payload;
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message, message) << payload;
}

TEST(EnvelopeRejects, EnvelopesThatAreNotWellFormed) {
  expect_envelope_rejected("unlock please", "payload: not valid JSON");
  expect_envelope_rejected(R"(["hub","{}","sig"])", "payload: must be a JSON object");
  expect_envelope_rejected(R"({"key_id":"hub","body":"{}","sig":""})", "cmd.v: missing");
  expect_envelope_rejected(R"({"v":2,"key_id":"hub","body":"{}","sig":""})",
                           "cmd.v: unsupported protocol version; this side speaks 1");
  expect_envelope_rejected(R"({"v":1,"body":"{}","sig":""})", "cmd.key_id: missing");
  expect_envelope_rejected(R"({"v":1,"key_id":"hub/1","body":"{}","sig":""})",
                           "cmd.key_id: may contain only letters, digits, '_' and '-'");
  expect_envelope_rejected(R"({"v":1,"key_id":"hub","sig":""})", "cmd.body: missing");
  expect_envelope_rejected(R"({"v":1,"key_id":"hub","body":{"id":"c-1"},"sig":""})",
                           "cmd.body: must be a non-empty string");
  expect_envelope_rejected(R"({"v":1,"key_id":"hub","body":"{}"})", "cmd.sig: missing");
  expect_envelope_rejected(R"({"v":1,"key_id":"hub","body":"{}","sig":"AAAA"})",
                           "cmd.sig: must be base64 of 64 bytes");
  expect_envelope_rejected(R"({"v":1,"key_id":"hub","body":"{}","sig":7})",
                           "cmd.sig: must be a non-empty string");
}

void expect_body_rejected(std::string_view body, std::string_view message) {
  auto r = decode_command_body(body);
  ASSERT_FALSE(r) << body;
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message, message) << body;
}

TEST(EnvelopeRejects, BodiesThatAreNotValidCommands) {
  const std::string good(ex::kCommandBody);
  ASSERT_TRUE(decode_command_body(good));
  expect_body_rejected("unlock", "cmd.body: not valid JSON");
  expect_body_rejected("[]", "cmd.body: must be a JSON object");
  expect_body_rejected(replace_once(good, R"("v":1,)", ""), "cmd.body.v: missing");
  expect_body_rejected(replace_once(good, R"("id":"act-7f3a9c2e",)", ""), "cmd.body.id: missing");
  expect_body_rejected(replace_once(good, R"("site":"home")", R"("site":"home/x")"),
                       "cmd.body.site: may contain only letters, digits, '_' and '-'");
  expect_body_rejected(replace_once(good, R"("lock":"front-door")", R"("lock":"")"),
                       "cmd.body.lock: must not be empty");
  expect_body_rejected(replace_once(good, R"("action":"unlock")", R"("action":"open")"),
                       "cmd.body.action: must be one of lock, unlock, unlatch, set_code, clear_code, "
                       "read_codes, set_code_key, set_settings, ping, recalibrate, revoke_grant");
  expect_body_rejected(replace_once(good, R"("issued_ms":1700000000000)", R"("issued_ms":"now")"),
                       "cmd.body.issued_ms: must be an integer 0..253402300799999 (ms since the Unix epoch)");
  expect_body_rejected(replace_once(good, R"("expires_ms":1700000030000)", R"("expires_ms":1699999999999)"),
                       "cmd.body.expires_ms: must not be before issued_ms");
  expect_body_rejected(replace_once(good, R"("counter":42)", R"("counter":0)"),
                       "cmd.body.counter: must be an integer 1..18446744073709551615");
  expect_body_rejected(replace_once(good, R"("counter":42)", R"("counter":-42)"),
                       "cmd.body.counter: must be an integer 1..18446744073709551615");
  expect_body_rejected(replace_once(good, R"("counter":42)", R"("counter":18446744073709551616)"),
                       "cmd.body.counter: must be an integer 1..18446744073709551615");
  expect_body_rejected(replace_once(good, R"(,"key_id":"hub")", ""), "cmd.body.key_id: missing");
}

TEST(EnvelopeCommand, APingRoundTripsAndIsNoBoltAction) {
  const std::string body =
      replace_once(std::string(ex::kCommandBody), R"("action":"unlock")", R"("action":"ping")");
  auto ping = decode_command_body(body);
  ASSERT_TRUE(ping) << ping.error().to_string();
  EXPECT_TRUE(ping->ping);
  EXPECT_FALSE(ping->code);
  EXPECT_EQ(encode_command_body(*ping), body) << "the encoder writes what the decoder read";
  auto unlock = decode_command_body(ex::kCommandBody);
  ASSERT_TRUE(unlock);
  EXPECT_FALSE(unlock->ping);
}

TEST(EnvelopeCommand, ARecalibrationRoundTripsAndCarriesNoBoltAction) {
  auto c = decode_command_body(ex::kRecalibrateBody);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->recalibrate);
  EXPECT_TRUE(c->native_only());
  EXPECT_FALSE(c->ping);
  EXPECT_EQ(encode_command_body(*c), ex::kRecalibrateBody) << "the encoder writes what the decoder read";
}

TEST(EnvelopeCommand, AGrantRevocationRoundTripsAndNamesItsMissingFields) {
  auto revoke = decode_command_body(ex::kRevokeGrantBody);
  ASSERT_TRUE(revoke) << revoke.error().to_string();
  ASSERT_TRUE(revoke->revoke_grant);
  EXPECT_EQ(revoke->revoke_grant->grant_id, "guest-1f2e3d4c5b6a");
  EXPECT_EQ(to_epoch_ms(revoke->revoke_grant->not_after), 1'796'172'800'000);
  EXPECT_FALSE(revoke->ping);
  EXPECT_EQ(encode_command_body(*revoke), ex::kRevokeGrantBody) << "the encoder writes what the decoder read";
  const std::string no_id =
      replace_once(std::string(ex::kRevokeGrantBody), R"("grant_id":"guest-1f2e3d4c5b6a",)", "");
  auto missing = decode_command_body(no_id);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "cmd.body.grant_id: missing");
  const std::string no_end =
      replace_once(std::string(ex::kRevokeGrantBody), R"(,"grant_not_after_ms":1796172800000)", "");
  auto endless = decode_command_body(no_end);
  ASSERT_FALSE(endless);
  EXPECT_EQ(endless.error().message, "cmd.body.grant_not_after_ms: missing");
}

TEST(EnvelopeRejects, LargestCounterIsAccepted) {
  const std::string body =
      replace_once(std::string(ex::kCommandBody), R"("counter":42)", R"("counter":18446744073709551615)");
  auto command = decode_command_body(body);
  ASSERT_TRUE(command) << command.error().to_string();
  EXPECT_EQ(command->counter, 18'446'744'073'709'551'615U);
}

TEST(EnvelopePeek, CommandIdIsReadableFromAnUnverifiedBodyOnlyWhenItIsAnId) {
  EXPECT_EQ(peek_command_id(ex::kCommandBody), "act-7f3a9c2e");
  EXPECT_EQ(peek_command_id(R"({"id":"c-9","action":"fly"})"), "c-9");
  EXPECT_FALSE(peek_command_id(R"({"id":"c 9"})"));
  EXPECT_FALSE(peek_command_id("garbage"));
}

}  // namespace
}  // namespace lw::protocol
