#include "firmware/credential_store.h"

#include <gtest/gtest.h>

#include <string>

namespace lw::firmware {
namespace {

constexpr Timestamp kT0 = from_epoch_ms(1'700'000'000'000);

protocol::PublicKey phone_key(unsigned char fill) {
  protocol::PublicKey key;
  key.bytes.fill(fill);
  return key;
}

class CredentialStoreTest : public ::testing::Test {
 protected:
  CredentialStoreTest() {
    EXPECT_TRUE(store_.add_user(1));
    EXPECT_TRUE(store_.add_pin(1, "123456"));
  }

  CredentialStore store_{KeypadPolicy{3, std::chrono::minutes{1}}};
};

TEST_F(CredentialStoreTest, RightPinIsAcceptedForItsUser) {
  const PinCheck check = store_.check_pin("123456", kT0);
  EXPECT_EQ(check.outcome, PinOutcome::accepted);
  EXPECT_EQ(check.user, 1);
}

TEST_F(CredentialStoreTest, WrongPrefixOrLongerPinIsWrong) {
  EXPECT_EQ(store_.check_pin("1234", kT0).outcome, PinOutcome::wrong_code);
  EXPECT_EQ(store_.check_pin("1234560", kT0 + 1s).outcome, PinOutcome::wrong_code);
}

TEST_F(CredentialStoreTest, LockoutAfterTheEntryLimitAndReleaseAfterTheDisableTime) {
  EXPECT_EQ(store_.check_pin("000000", kT0).outcome, PinOutcome::wrong_code);
  EXPECT_EQ(store_.check_pin("000001", kT0 + 1s).outcome, PinOutcome::wrong_code);
  const PinCheck third = store_.check_pin("000002", kT0 + 2s);
  EXPECT_EQ(third.outcome, PinOutcome::lockout_started);
  EXPECT_EQ(third.disabled_until, kT0 + 2s + std::chrono::minutes{1});
  // Even the right PIN is not checked while the keypad is disabled.
  EXPECT_EQ(store_.check_pin("123456", kT0 + 61s).outcome, PinOutcome::keypad_disabled);
  EXPECT_TRUE(store_.keypad_disabled(kT0 + 61s));
  EXPECT_EQ(store_.check_pin("123456", kT0 + 62s).outcome, PinOutcome::accepted);
}

TEST_F(CredentialStoreTest, CorrectPinResetsTheWrongCodeCount) {
  EXPECT_EQ(store_.check_pin("000000", kT0).outcome, PinOutcome::wrong_code);
  EXPECT_EQ(store_.check_pin("000001", kT0 + 1s).outcome, PinOutcome::wrong_code);
  EXPECT_EQ(store_.check_pin("123456", kT0 + 2s).outcome, PinOutcome::accepted);
  EXPECT_EQ(store_.wrong_code_count(), 0);
  EXPECT_EQ(store_.check_pin("000002", kT0 + 3s).outcome, PinOutcome::wrong_code);
}

TEST_F(CredentialStoreTest, PinOutsideItsUsersScheduleIsRefused) {
  ASSERT_TRUE(store_.add_user(2, Schedule::window(kT0 + 1h, kT0 + 2h)));
  ASSERT_TRUE(store_.add_pin(2, "2468"));
  EXPECT_EQ(store_.check_pin("2468", kT0).outcome, PinOutcome::outside_schedule);
  EXPECT_EQ(store_.check_pin("2468", kT0 + 1h).outcome, PinOutcome::accepted);
  EXPECT_EQ(store_.check_pin("2468", kT0 + 2h).outcome, PinOutcome::outside_schedule);
}

TEST_F(CredentialStoreTest, MalformedDuplicateAndOrphanPinsAreRejected) {
  EXPECT_EQ(store_.add_pin(1, "123").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(store_.add_pin(1, "12345678901").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(store_.add_pin(1, "12a4").error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(store_.add_pin(7, "9999").error().code, ErrorCode::not_found);
  ASSERT_TRUE(store_.add_user(2));
  EXPECT_EQ(store_.add_pin(2, "123456").error().code, ErrorCode::conflict);
  EXPECT_EQ(store_.pin_count(), 1U);
}

TEST_F(CredentialStoreTest, TablesHaveAFixedCapacity) {
  for (UserId u = 2; u <= CredentialStore::kMaxUsers; ++u) ASSERT_TRUE(store_.add_user(u));
  EXPECT_EQ(store_.add_user(100).error().code, ErrorCode::failed_precondition);
  for (int i = 1; i < static_cast<int>(CredentialStore::kMaxPins); ++i) {
    ASSERT_TRUE(store_.add_pin(2, std::to_string(10000 + i)));
  }
  EXPECT_EQ(store_.add_pin(2, "99999").error().code, ErrorCode::failed_precondition);
}

TEST_F(CredentialStoreTest, RemovingAUserRemovesTheirCredentials) {
  ASSERT_TRUE(store_.add_phone_key(1, phone_key(7)));
  ASSERT_TRUE(store_.remove_user(1));
  EXPECT_EQ(store_.check_pin("123456", kT0).outcome, PinOutcome::wrong_code);
  EXPECT_EQ(store_.check_phone_key(phone_key(7), kT0).outcome, PhoneKeyOutcome::unknown_key);
  EXPECT_EQ(store_.remove_user(1).error().code, ErrorCode::not_found);
}

TEST_F(CredentialStoreTest, RemovedPinNoLongerOpens) {
  ASSERT_TRUE(store_.add_pin(1, "7777"));
  EXPECT_FALSE(store_.remove_pin(1, "8888"));
  ASSERT_TRUE(store_.remove_pin(1, "7777"));
  EXPECT_EQ(store_.check_pin("7777", kT0).outcome, PinOutcome::wrong_code);
  EXPECT_EQ(store_.check_pin("123456", kT0).outcome, PinOutcome::accepted);
}

TEST_F(CredentialStoreTest, PhoneKeyIdentifiesItsUser) {
  ASSERT_TRUE(store_.add_phone_key(1, phone_key(7)));
  EXPECT_EQ(store_.add_phone_key(1, phone_key(7)).error().code, ErrorCode::conflict);
  const PhoneKeyCheck check = store_.check_phone_key(phone_key(7), kT0);
  EXPECT_EQ(check.outcome, PhoneKeyOutcome::accepted);
  EXPECT_EQ(check.user, 1);
  EXPECT_EQ(store_.check_phone_key(phone_key(8), kT0).outcome, PhoneKeyOutcome::unknown_key);
  ASSERT_TRUE(store_.set_schedule(1, Schedule::window(kT0 + 1h, kT0 + 2h)));
  EXPECT_EQ(store_.check_phone_key(phone_key(7), kT0).outcome, PhoneKeyOutcome::outside_schedule);
}

TEST_F(CredentialStoreTest, FactoryResetWipesEverythingAndTheLockout) {
  ASSERT_TRUE(store_.add_phone_key(1, phone_key(7)));
  for (int i = 0; i < 3; ++i) (void)store_.check_pin("000000", kT0);
  ASSERT_TRUE(store_.keypad_disabled(kT0 + 1s));
  store_.factory_reset();
  EXPECT_EQ(store_.user_count(), 0U);
  EXPECT_EQ(store_.pin_count(), 0U);
  EXPECT_EQ(store_.phone_key_count(), 0U);
  EXPECT_FALSE(store_.keypad_disabled(kT0 + 1s));
  EXPECT_EQ(store_.check_pin("123456", kT0 + 1s).outcome, PinOutcome::wrong_code);
  EXPECT_EQ(store_.check_phone_key(phone_key(7), kT0).outcome, PhoneKeyOutcome::unknown_key);
  // The lock can be set up again.
  ASSERT_TRUE(store_.add_user(1));
  ASSERT_TRUE(store_.add_pin(1, "123456"));
}

}  // namespace
}  // namespace lw::firmware
