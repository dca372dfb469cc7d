#include "protocol/pairing_exchange.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace lw::protocol {
namespace {

const core::LockAddress kFront{"home", "front-door"};
constexpr std::string_view kCode = "K7QF-3MZP-9TXD-2HWA";

Enrolment hub_enrolment() {
  return {"hub", key_pair_from_text_seed("lockwarden-protocol-v1-test-key!")->public_key, true};
}

/// The lock's keys for `hello` with `code`, computed by hand.
Result<PairingKeys> lock_keys(const ExchangeSecret& lock, const PairHello& hello, std::string_view code) {
  return PairingKeys::derive(lock, hello.controller_key,
                             {kFront, hello.session, hello.controller_key, lock.public_key()}, code);
}

TEST(PairingExchange, MessagesRoundTripThroughTheirJson) {
  PairConfirm confirm{"s-1", {}, "c2VhbGVk"};
  confirm.mac[0] = 7;
  auto decoded = decode_pair_message(encode_pair_message(confirm));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& back = std::get<PairConfirm>(*decoded);
  EXPECT_EQ(back.session, "s-1");
  EXPECT_EQ(back.mac, confirm.mac);
  EXPECT_EQ(back.enrolment, "c2VhbGVk");

  auto done =
      decode_pair_message(encode_pair_message(PairDone{"s-1", "wrong_code", std::nullopt, std::nullopt}));
  ASSERT_TRUE(done);
  EXPECT_EQ(std::get<PairDone>(*done).outcome, "wrong_code");
  EXPECT_FALSE(std::get<PairDone>(*done).mac);
}

TEST(PairingExchange, RejectionsNameTheField) {
  EXPECT_EQ(decode_pair_message(R"({"v":1,"type":"bye","session":"s-1"})").error().message,
            "pair.type: must be one of hello, challenge, confirm, done");
  EXPECT_EQ(decode_pair_message(R"({"v":1,"type":"hello","session":"s-1","key":"AAAA"})").error().message,
            "pair.key: must be base64 of 32 bytes");
  EXPECT_EQ(decode_pair_message(R"({"v":1,"type":"hello","key":"AAAA"})").error().message,
            "pair.session: missing");
  EXPECT_EQ(decode_pair_message(R"({"v":2,"type":"hello"})").error().message,
            "pair.v: unsupported protocol version; this side speaks 1");
}

TEST(PairingExchange, RightCodeGivesBothSidesTheSameKeysAndTheEnrolmentOpens) {
  auto hub = PairingInitiator::start(kFront, "s-1", kCode, hub_enrolment());
  ASSERT_TRUE(hub);
  const auto hello = std::get<PairHello>(*decode_pair_message(hub->hello()));
  const ExchangeSecret lock = *ExchangeSecret::generate();
  auto keys = lock_keys(lock, hello, kCode);
  ASSERT_TRUE(keys);

  auto confirm = hub->on_challenge(PairChallenge{"s-1", lock.public_key()});
  ASSERT_TRUE(confirm);
  const auto c = std::get<PairConfirm>(*decode_pair_message(*confirm));
  EXPECT_TRUE(keys->check_controller_mac(c.mac));
  auto plain = keys->open(c.enrolment);
  ASSERT_TRUE(plain);
  auto enrolment = decode_enrolment(*plain);
  ASSERT_TRUE(enrolment) << enrolment.error().message;
  EXPECT_EQ(enrolment->key_id, "hub");
  EXPECT_EQ(enrolment->key, hub_enrolment().key);
  EXPECT_TRUE(enrolment->hub);
  EXPECT_TRUE(hub->on_done(PairDone{"s-1", "paired", keys->lock_mac(), "hub"}));
}

TEST(PairingExchange, WrongCodeGivesKeysThatCheckNothing) {
  auto hub = PairingInitiator::start(kFront, "s-1", "K7QF-3MZP-9TXD-2HWB", hub_enrolment());
  ASSERT_TRUE(hub);
  const auto hello = std::get<PairHello>(*decode_pair_message(hub->hello()));
  const ExchangeSecret lock = *ExchangeSecret::generate();
  auto keys = lock_keys(lock, hello, kCode);
  ASSERT_TRUE(keys);
  const auto c = std::get<PairConfirm>(
      *decode_pair_message(*hub->on_challenge(PairChallenge{"s-1", lock.public_key()})));
  EXPECT_FALSE(keys->check_controller_mac(c.mac));
  EXPECT_FALSE(keys->open(c.enrolment)) << "the enrolment is sealed under a key that needs the code";
  EXPECT_EQ(hub->on_done(PairDone{"s-1", "paired", keys->lock_mac(), "hub"}).error().code,
            ErrorCode::unauthenticated);
}

TEST(PairingExchange, LowOrderPeerKeyIsRefused) {
  const ExchangeSecret lock = *ExchangeSecret::generate();
  const ExchangeKey zero{};
  auto keys = PairingKeys::derive(lock, zero, {kFront, "s-1", zero, lock.public_key()}, kCode);
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().message, "pair.key: not a usable X25519 key");
}

TEST(PairingExchange, TranscriptBindsTheLock) {
  // The same keys and code at another lock give other keys: a confirmation
  // relayed to a second lock in pairing mode does not verify there.
  auto hub = PairingInitiator::start(kFront, "s-1", kCode, hub_enrolment());
  ASSERT_TRUE(hub);
  const auto hello = std::get<PairHello>(*decode_pair_message(hub->hello()));
  const ExchangeSecret lock = *ExchangeSecret::generate();
  const core::LockAddress back{"home", "back-door"};
  auto keys = PairingKeys::derive(lock, hello.controller_key,
                                  {back, "s-1", hello.controller_key, lock.public_key()}, kCode);
  ASSERT_TRUE(keys);
  const auto c = std::get<PairConfirm>(
      *decode_pair_message(*hub->on_challenge(PairChallenge{"s-1", lock.public_key()})));
  EXPECT_FALSE(keys->check_controller_mac(c.mac));
}

}  // namespace
}  // namespace lw::protocol
