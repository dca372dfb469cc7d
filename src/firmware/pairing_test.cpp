#include "firmware/pairing.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>

#include "firmware/command_verifier.h"
#include "protocol/envelope.h"

namespace lw::firmware {
namespace {

using core::CommandOutcome;

constexpr Timestamp kT0 = from_epoch_ms(1'700'000'000'000);
constexpr std::string_view kLabelCode = "483-192-77";

protocol::KeyPair key_from(std::uint8_t fill) {
  protocol::Seed seed{};
  seed.fill(fill);
  return *protocol::key_pair_from_seed(seed);
}

class PairingTest : public ::testing::Test {
 protected:
  PairingTest()
      : controller_(key_from(0x33)),
        verifier_(core::LockAddress{"home", "front-door"}),
        pairing_(std::move(Pairing::create(verifier_, kLabelCode)).value()) {}

  /// What the lock answers to an unlock signed by `key` under `key_id`.
  CommandOutcome command_outcome(const protocol::KeyPair& key, std::string key_id, Timestamp now) {
    core::Command c;
    c.id = "act-" + std::to_string(++counter_);
    c.target = {"home", "front-door"};
    c.action = core::LockAction::unlock;
    c.issued_at = now;
    c.expires_at = now + 30s;
    c.key_id = std::move(key_id);
    c.counter = counter_;
    return verifier_.verify(protocol::seal_command(c, key.secret), now).outcome;
  }

  protocol::KeyPair controller_;
  CommandVerifier verifier_;
  Pairing pairing_;
  std::uint64_t counter_{0};
};

TEST_F(PairingTest, RightCodeAfterAButtonPressEnrollsTheKey) {
  ASSERT_EQ(command_outcome(controller_, "phone-app", kT0), CommandOutcome::unknown_key);
  pairing_.button_pressed(kT0);
  EXPECT_TRUE(pairing_.in_pairing_mode(kT0 + 1min));
  EXPECT_EQ(pairing_.present(kLabelCode, "phone-app", controller_.public_key, kT0 + 10s),
            PairingOutcome::paired);
  EXPECT_FALSE(pairing_.in_pairing_mode(kT0 + 11s));
  EXPECT_EQ(command_outcome(controller_, "phone-app", kT0 + 20s), CommandOutcome::ok);
  EXPECT_EQ(pairing_.paired_count(), 1U);
}

TEST_F(PairingTest, RightCodeWithoutAButtonPressIsRefused) {
  EXPECT_EQ(pairing_.present(kLabelCode, "phone-app", controller_.public_key, kT0),
            PairingOutcome::not_in_pairing_mode);
  EXPECT_EQ(command_outcome(controller_, "phone-app", kT0), CommandOutcome::unknown_key);
}

TEST_F(PairingTest, PairingModeTimesOutAfterTwoMinutes) {
  pairing_.button_pressed(kT0);
  EXPECT_EQ(pairing_.present(kLabelCode, "phone-app", controller_.public_key, kT0 + 2min),
            PairingOutcome::not_in_pairing_mode);
  pairing_.button_pressed(kT0 + 3min);
  EXPECT_EQ(pairing_.present(kLabelCode, "phone-app", controller_.public_key, kT0 + 3min + 119s),
            PairingOutcome::paired);
}

TEST_F(PairingTest, WrongCodeIsRefusedAndTheKeyStaysUntrusted) {
  pairing_.button_pressed(kT0);
  EXPECT_EQ(pairing_.present("483-192-78", "phone-app", controller_.public_key, kT0 + 1s),
            PairingOutcome::wrong_code);
  EXPECT_EQ(pairing_.present("483-192-7", "phone-app", controller_.public_key, kT0 + 2s),
            PairingOutcome::wrong_code);
  EXPECT_EQ(pairing_.present("483-192-770", "phone-app", controller_.public_key, kT0 + 3s),
            PairingOutcome::wrong_code);
  EXPECT_EQ(command_outcome(controller_, "phone-app", kT0 + 4s), CommandOutcome::unknown_key);
  EXPECT_EQ(pairing_.present(kLabelCode, "phone-app", controller_.public_key, kT0 + 5s),
            PairingOutcome::paired);
}

TEST_F(PairingTest, TooManyWrongCodesCloseTheWindow) {
  pairing_.button_pressed(kT0);
  for (int i = 1; i < Pairing::kMaxAttemptsPerWindow; ++i) {
    ASSERT_EQ(pairing_.present("000000", "phone-app", controller_.public_key, kT0 + 1s),
              PairingOutcome::wrong_code);
  }
  EXPECT_EQ(pairing_.present("000000", "phone-app", controller_.public_key, kT0 + 2s),
            PairingOutcome::too_many_attempts);
  EXPECT_EQ(pairing_.present(kLabelCode, "phone-app", controller_.public_key, kT0 + 3s),
            PairingOutcome::not_in_pairing_mode);
}

TEST_F(PairingTest, InvalidKeyIdIsReportedAsEnrollFailed) {
  pairing_.button_pressed(kT0);
  EXPECT_EQ(pairing_.present(kLabelCode, "not a valid id!", controller_.public_key, kT0),
            PairingOutcome::enroll_failed);
  EXPECT_EQ(pairing_.paired_count(), 0U);
}

TEST_F(PairingTest, FactoryResetRemovesAllTrust) {
  const protocol::KeyPair second = key_from(0x44);
  pairing_.button_pressed(kT0);
  ASSERT_EQ(pairing_.present(kLabelCode, "phone-app", controller_.public_key, kT0), PairingOutcome::paired);
  pairing_.button_pressed(kT0 + 1s);
  ASSERT_EQ(pairing_.present(kLabelCode, "hub", second.public_key, kT0 + 1s), PairingOutcome::paired);
  ASSERT_EQ(command_outcome(second, "hub", kT0 + 2s), CommandOutcome::ok);

  pairing_.factory_reset();
  EXPECT_EQ(pairing_.paired_count(), 0U);
  EXPECT_EQ(command_outcome(controller_, "phone-app", kT0 + 3s), CommandOutcome::unknown_key);
  EXPECT_EQ(command_outcome(second, "hub", kT0 + 3s), CommandOutcome::unknown_key);
}

TEST(PairingCreateTest, LabelCodeMustBeSixToThirtyTwoCharacters) {
  CommandVerifier verifier(core::LockAddress{"home", "front-door"});
  EXPECT_FALSE(Pairing::create(verifier, "12345"));
  EXPECT_FALSE(Pairing::create(verifier, std::string(33, '1')));
  EXPECT_TRUE(Pairing::create(verifier, std::string(32, '1')));
  EXPECT_TRUE(Pairing::create(verifier, "123456"));
}

}  // namespace
}  // namespace lw::firmware
