// Attack suite: pairing over the air (docs/protocol.md 6.2) and unpairing
// (6.3). Each test drives a real LockFirmware through the messages of the
// `pair` and `cmd` topics with real libsodium keys.
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "firmware/lock_firmware.h"
#include "protocol/envelope.h"
#include "protocol/pairing_exchange.h"
#include "protocol/unpair_command.h"

namespace lw::firmware {
namespace {

using core::CommandOutcome;
using core::LockAction;

const Timestamp kStart = from_epoch_ms(1'767'261'600'000);
const core::LockAddress kFront{"home", "front-door"};
constexpr std::string_view kLabelCode = "K7QF-3MZP-9TXD-2HWA";  // 16 symbols of base32, 80 bits

protocol::KeyPair key_from_text(const char (&text)[33]) { return *protocol::key_pair_from_text_seed(text); }

const protocol::KeyPair kHubKey = key_from_text("pairing-test-hub-signing-key-001");
const protocol::KeyPair kAliceKey = key_from_text("pairing-test-alice-device-key-01");
const protocol::KeyPair kMalloryKey = key_from_text("pairing-test-mallory-relay-key-1");
const protocol::KeyPair kVendorKey = key_from_text("lockwarden-vendor-firmware-key-1");

class SteadyPower final : public PowerSource {
 public:
  double voltage_mv(double load_ma) const override { return 6000 - load_ma * 0.6; }
};

LockSetup front_door(std::string code = std::string(kLabelCode)) {
  LockSetup s;
  s.address = kFront;
  s.name = "Front door";
  s.vendor_key = kVendorKey.public_key;
  s.pairing_code = std::move(code);
  s.lock_state = core::LockState::locked;
  return s;
}

template <typename T>
T as(const std::string& payload) {
  auto m = protocol::decode_pair_message(payload);
  EXPECT_TRUE(m) << payload;
  EXPECT_TRUE(std::holds_alternative<T>(*m)) << payload;
  return std::get<T>(*m);
}

class PairingOverAirTest : public ::testing::Test {
 protected:
  PairingOverAirTest() : lock_(front_door(), power_, random_, kStart) {}

  /// Runs a whole exchange as the controller `key_id` with `code`; returns
  /// the controller's verdict on the lock's final answer.
  Result<void> pair(std::string_view code, std::string key_id, const protocol::KeyPair& key, bool hub,
                    Timestamp now, std::string session = "s-1") {
    auto initiator = protocol::PairingInitiator::start(kFront, std::move(session), code,
                                                       {std::move(key_id), key.public_key, hub});
    if (!initiator) return initiator.error();
    const std::string challenge = lock_.pairing_message(initiator->hello(), now, &events_);
    auto decoded = protocol::decode_pair_message(challenge);
    if (!decoded) return decoded.error();
    if (auto* done = std::get_if<protocol::PairDone>(&*decoded)) return initiator->on_done(*done);
    auto confirm = initiator->on_challenge(std::get<protocol::PairChallenge>(*decoded));
    if (!confirm) return confirm.error();
    return initiator->on_done(as<protocol::PairDone>(lock_.pairing_message(*confirm, now, &events_)));
  }

  /// An unlock signed by `key` as `key_id`.
  std::string unlock(std::string key_id, const protocol::KeyPair& key, std::uint64_t counter, Timestamp now) {
    core::Command c;
    c.id = "act-" + std::to_string(counter);
    c.target = kFront;
    c.action = LockAction::unlock;
    c.issued_at = now;
    c.expires_at = now + 30s;
    c.key_id = std::move(key_id);
    c.counter = counter;
    return protocol::seal_command(c, key.secret);
  }

  CommandOutcome outcome(const std::string& payload, Timestamp now) {
    LockCommandHandling h = lock_.handle(payload, now);
    EXPECT_TRUE(h.result);
    return h.result ? h.result->outcome : CommandOutcome::malformed;
  }

  SteadyPower power_;
  core::SeededRandom random_{3};
  LockFirmware lock_;
  std::vector<core::DeviceEvent> events_;
};

TEST_F(PairingOverAirTest, PairingWithTheRightCodeEnrolsTheKeyAndTellsEveryone) {
  ASSERT_EQ(outcome(unlock("alice", kAliceKey, 1, kStart), kStart), CommandOutcome::unknown_key);
  lock_.press_pairing_button(kStart);

  ASSERT_TRUE(pair(kLabelCode, "alice", kAliceKey, false, kStart + 5s));

  EXPECT_TRUE(lock_.trusts("alice"));
  EXPECT_FALSE(lock_.in_pairing_mode(kStart + 6s)) << "a pairing closes the window";
  ASSERT_EQ(events_.size(), 1U);
  EXPECT_EQ(events_[0].alarm, "key_added");
  EXPECT_EQ(events_[0].user, "alice");
  EXPECT_EQ(outcome(unlock("alice", kAliceKey, 1, kStart + 7s), kStart + 7s), CommandOutcome::ok);
}

TEST_F(PairingOverAirTest, WrongCodeIsRefusedAndTheKeyStaysUntrusted) {
  lock_.press_pairing_button(kStart);

  Result<void> r = pair("K7QF-3MZP-9TXD-2HWB", "mallory", kMalloryKey, false, kStart + 5s);

  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::permission_denied);
  EXPECT_EQ(r.error().message, "lock refused pairing: wrong_code");
  EXPECT_FALSE(lock_.trusts("mallory"));
  EXPECT_TRUE(events_.empty());
  EXPECT_EQ(outcome(unlock("mallory", kMalloryKey, 1, kStart + 6s), kStart + 6s),
            CommandOutcome::unknown_key);
  EXPECT_TRUE(lock_.in_pairing_mode(kStart + 6s)) << "one wrong code leaves the window open";
}

TEST_F(PairingOverAirTest, WrongCodesCloseTheWindowAtTheAttemptLimit) {
  lock_.press_pairing_button(kStart);
  for (int i = 1; i < Pairing::kMaxAttemptsPerWindow; ++i) {
    ASSERT_EQ(pair("WRONG-CODE-GUESS-" + std::to_string(i), "mallory", kMalloryKey, false, kStart + 1s)
                  .error()
                  .message,
              "lock refused pairing: wrong_code");
  }
  EXPECT_EQ(pair("WRONG-CODE-GUESS-LAST", "mallory", kMalloryKey, false, kStart + 2s).error().message,
            "lock refused pairing: too_many_attempts");
  EXPECT_FALSE(lock_.in_pairing_mode(kStart + 3s));
  ASSERT_EQ(events_.size(), 1U);
  EXPECT_EQ(events_[0].alarm, "pairing_attempt_limit");

  // Even the right code is refused now, until somebody presses the button again.
  EXPECT_EQ(pair(kLabelCode, "alice", kAliceKey, false, kStart + 4s).error().message,
            "lock refused pairing: not_in_pairing_mode");
  EXPECT_FALSE(lock_.trusts("alice"));
}

TEST_F(PairingOverAirTest, PairingWithTheWindowClosedIsRefused) {
  EXPECT_EQ(pair(kLabelCode, "alice", kAliceKey, false, kStart).error().message,
            "lock refused pairing: not_in_pairing_mode");
  lock_.press_pairing_button(kStart);
  EXPECT_EQ(pair(kLabelCode, "alice", kAliceKey, false, kStart + 3min).error().message,
            "lock refused pairing: not_in_pairing_mode")
      << "the window closes after two minutes";
  EXPECT_FALSE(lock_.trusts("alice"));
}

TEST_F(PairingOverAirTest, RelayThatSubstitutesItsExchangeKeyFailsTheConfirmation) {
  lock_.press_pairing_button(kStart);
  const Timestamp now = kStart + 5s;
  auto hub = protocol::PairingInitiator::start(kFront, "s-1", kLabelCode, {"hub", kHubKey.public_key, true});
  ASSERT_TRUE(hub);
  // Mallory sits on the broker: she answers the hub as the lock and the lock
  // as the hub, each time with her own X25519 key.
  auto mallory_to_lock = protocol::PairingInitiator::start(kFront, "s-1", "MALLORY-GUESSES-X",
                                                           {"hub", kMalloryKey.public_key, true});
  ASSERT_TRUE(mallory_to_lock);
  const auto mallory_as_lock = *protocol::ExchangeSecret::generate();

  const auto lock_challenge =
      as<protocol::PairChallenge>(lock_.pairing_message(mallory_to_lock->hello(), now));
  auto hub_confirm = hub->on_challenge(protocol::PairChallenge{"s-1", mallory_as_lock.public_key()});
  ASSERT_TRUE(hub_confirm);
  (void)lock_challenge;

  // She forwards the hub's confirmation (she cannot compute her own without the code).
  const auto done = as<protocol::PairDone>(lock_.pairing_message(*hub_confirm, now, &events_));

  EXPECT_EQ(done.outcome, "wrong_code");
  EXPECT_FALSE(done.mac);
  EXPECT_FALSE(lock_.trusts("hub"));
  EXPECT_TRUE(events_.empty());
  // And a fake "paired" answer does not fool the hub: the lock's MAC is missing or wrong.
  EXPECT_EQ(hub->on_done(protocol::PairDone{"s-1", "paired", protocol::PairingMac{}, "hub"}).error().code,
            ErrorCode::unauthenticated);
}

TEST_F(PairingOverAirTest, FakeLockLearnsNothingBeforeTheControllerProvesTheCode) {
  // The lock's challenge carries only its X25519 key; its confirmation MAC
  // comes after the controller's, so a fake controller gets no code-dependent
  // value to search offline.
  lock_.press_pairing_button(kStart);
  auto mallory = protocol::PairingInitiator::start(kFront, "s-9", "MALLORY-GUESSES-X",
                                                   {"m", kMalloryKey.public_key, false});
  ASSERT_TRUE(mallory);
  const std::string challenge = lock_.pairing_message(mallory->hello(), kStart + 1s);
  auto m = protocol::decode_pair_message(challenge);
  ASSERT_TRUE(m);
  EXPECT_TRUE(std::holds_alternative<protocol::PairChallenge>(*m));
  EXPECT_EQ(challenge.find("\"mac\""), std::string::npos) << challenge;
}

TEST_F(PairingOverAirTest, LockWithAShortLabelCodeCannotBePairedOverTheAir) {
  LockFirmware short_code(front_door("483-112-907"), power_, random_, kStart);
  short_code.press_pairing_button(kStart);
  auto hub =
      protocol::PairingInitiator::start(kFront, "s-1", "483-112-907-0000", {"hub", kHubKey.public_key, true});
  ASSERT_TRUE(hub);
  EXPECT_EQ(as<protocol::PairDone>(short_code.pairing_message(hub->hello(), kStart + 1s)).outcome,
            "code_too_short");
  EXPECT_EQ(protocol::PairingInitiator::start(kFront, "s-1", "483-112-907", {"hub", kHubKey.public_key, true})
                .error()
                .message,
            "code: must be at least 16 characters");
}

TEST_F(PairingOverAirTest, AfterFactoryResetTheOldKeyIsUnknownAndOldCommandsAreNotReplayableAfterRepairing) {
  lock_.press_pairing_button(kStart);
  ASSERT_TRUE(pair(kLabelCode, "alice", kAliceKey, false, kStart + 1s));
  const std::string old_unlock = unlock("alice", kAliceKey, 5, kStart + 2s);
  ASSERT_EQ(outcome(old_unlock, kStart + 2s), CommandOutcome::ok);

  lock_.factory_reset(kStart + 4s);
  EXPECT_EQ(outcome(unlock("alice", kAliceKey, 7, kStart + 5s), kStart + 5s), CommandOutcome::unknown_key);

  lock_.press_pairing_button(kStart + 6s);
  ASSERT_TRUE(pair(kLabelCode, "alice", kAliceKey, false, kStart + 7s, "s-2"));
  EXPECT_EQ(outcome(old_unlock, kStart + 8s), CommandOutcome::replayed)
      << "the counter spent before the reset stays spent";
  EXPECT_EQ(outcome(unlock("alice", kAliceKey, 6, kStart + 9s), kStart + 9s), CommandOutcome::ok);
}

TEST_F(PairingOverAirTest, SignedUnpairRemovesTheKeyAndItsCommandsFailUnknownKey) {
  ASSERT_TRUE(lock_.enroll("hub", kHubKey.public_key));
  lock_.press_pairing_button(kStart);
  ASSERT_TRUE(pair(kLabelCode, "alice", kAliceKey, false, kStart + 1s));
  ASSERT_EQ(outcome(unlock("alice", kAliceKey, 1, kStart + 2s), kStart + 2s), CommandOutcome::ok);

  protocol::UnpairCommand u;
  u.command.id = "unpair-1";
  u.command.target = kFront;
  u.command.issued_at = kStart + 3s;
  u.command.expires_at = kStart + 33s;
  u.command.key_id = "hub";
  u.command.counter = 1;
  u.subject_key_id = "alice";
  LockCommandHandling h = lock_.handle(protocol::seal_unpair(u, kHubKey.secret), kStart + 3s);
  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::ok) << h.result->detail;
  ASSERT_EQ(h.events.size(), 1U);
  EXPECT_EQ(h.events[0].alarm, "key_removed");
  EXPECT_EQ(h.events[0].user, "alice");

  EXPECT_EQ(outcome(unlock("alice", kAliceKey, 2, kStart + 4s), kStart + 4s), CommandOutcome::unknown_key);
  // The unpair itself cannot be replayed, and a key nobody enrolled cannot unpair.
  EXPECT_EQ(outcome(protocol::seal_unpair(u, kHubKey.secret), kStart + 5s), CommandOutcome::replayed);
  u.command.key_id = "mallory";
  u.subject_key_id = "hub";
  u.command.counter = 9;
  EXPECT_EQ(outcome(protocol::seal_unpair(u, kMalloryKey.secret), kStart + 5s), CommandOutcome::unknown_key);
  EXPECT_TRUE(lock_.trusts("hub"));
}

// Attack suite (D6): a user's paired key opens the door, but cannot do what
// only the hub's key may — add a PIN of its own, or unpair the hub or another
// user. It may give up its own trust.
TEST_F(PairingOverAirTest, AUsersKeyMayNotManageCodesOrUnpairOthersButMayUnpairItself) {
  ASSERT_TRUE(lock_.enroll("hub", kHubKey.public_key));
  lock_.press_pairing_button(kStart);
  ASSERT_TRUE(pair(kLabelCode, "alice", kAliceKey, false, kStart + 1s));
  ASSERT_EQ(outcome(unlock("alice", kAliceKey, 1, kStart + 2s), kStart + 2s), CommandOutcome::ok);

  core::Command read;
  read.id = "codes-2";
  read.target = kFront;
  read.issued_at = kStart + 3s;
  read.expires_at = kStart + 33s;
  read.key_id = "alice";
  read.counter = 2;
  read.code = core::CodeCommand{core::CodeAction::read_codes, 1, 0, "", {}};
  LockCommandHandling codes = lock_.handle(protocol::seal_command(read, kAliceKey.secret), kStart + 3s);
  ASSERT_TRUE(codes.result);
  EXPECT_EQ(codes.result->outcome, CommandOutcome::not_allowed) << codes.result->detail;
  EXPECT_EQ(codes.result->detail, "only a hub key manages keypad codes");
  EXPECT_FALSE(codes.result->codes) << "not even a read-back";

  protocol::UnpairCommand u;
  u.command.id = "unpair-3";
  u.command.target = kFront;
  u.command.issued_at = kStart + 4s;
  u.command.expires_at = kStart + 34s;
  u.command.key_id = "alice";
  u.command.counter = 3;
  u.subject_key_id = "hub";
  LockCommandHandling other = lock_.handle(protocol::seal_unpair(u, kAliceKey.secret), kStart + 4s);
  ASSERT_TRUE(other.result);
  EXPECT_EQ(other.result->outcome, CommandOutcome::not_allowed) << other.result->detail;
  EXPECT_TRUE(other.events.empty());
  EXPECT_TRUE(lock_.trusts("hub"));

  u.command.id = "unpair-4";
  u.command.counter = 4;
  u.subject_key_id = "alice";
  LockCommandHandling self = lock_.handle(protocol::seal_unpair(u, kAliceKey.secret), kStart + 5s);
  ASSERT_TRUE(self.result);
  EXPECT_EQ(self.result->outcome, CommandOutcome::ok) << self.result->detail;
  EXPECT_FALSE(lock_.trusts("alice"));
  EXPECT_TRUE(lock_.trusts("hub"));
}

}  // namespace
}  // namespace lw::firmware
