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

TEST_F(CredentialStoreTest, OneTimeCodeOpensOnceAndIsThenConsumed) {
  ASSERT_TRUE(store_.set_code(5, 7, "24680", core::CodeSchedule::one_time()));
  const PinCheck first = store_.check_pin("24680", kT0);
  EXPECT_EQ(first.outcome, PinOutcome::accepted);
  EXPECT_EQ(first.slot, 5);
  EXPECT_TRUE(first.consumed);
  EXPECT_EQ(store_.check_pin("24680", kT0 + 1s).outcome, PinOutcome::wrong_code);
  ASSERT_TRUE(store_.code_slot(5).has_value());
  EXPECT_TRUE(store_.code_slot(5)->consumed);
  // The consumed slot reports no digest; setting it again makes it usable once more.
  EXPECT_TRUE(store_.slot_digest(5, protocol::generate_code_key()).empty());
  ASSERT_TRUE(store_.set_code(5, 7, "24680", core::CodeSchedule::one_time()));
  EXPECT_EQ(store_.check_pin("24680", kT0 + 2s).outcome, PinOutcome::accepted);
}

TEST_F(CredentialStoreTest, SlotScheduleLimitsItsPinOnly) {
  const core::CodeSchedule stay = core::CodeSchedule::date_range(kT0 + 1h, kT0 + 2h);
  ASSERT_TRUE(store_.set_code(9, 2, "55501", stay));
  EXPECT_EQ(store_.check_pin("55501", kT0).outcome, PinOutcome::outside_schedule);
  EXPECT_EQ(store_.check_pin("55501", kT0 + 1h).outcome, PinOutcome::accepted);
  EXPECT_EQ(store_.check_pin("55501", kT0 + 2h).outcome, PinOutcome::outside_schedule);
  EXPECT_EQ(store_.check_pin("123456", kT0).outcome, PinOutcome::accepted);  // user 1's PIN is unaffected
}

TEST_F(CredentialStoreTest, SetCodeReplacesTheSlotAndRefusesAPinAnotherSlotHolds) {
  ASSERT_TRUE(store_.set_code(3, 4, "1111", core::CodeSchedule::always()));
  ASSERT_TRUE(store_.set_code(3, 4, "2222", core::CodeSchedule::always()));
  EXPECT_EQ(store_.check_pin("1111", kT0).outcome, PinOutcome::wrong_code);
  EXPECT_EQ(store_.check_pin("2222", kT0).outcome, PinOutcome::accepted);
  auto taken = store_.set_code(4, 5, "2222", core::CodeSchedule::always());
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::conflict);
  EXPECT_EQ(store_.set_code(0, 5, "3333", {}).error().message, "slot: must be 1..64");
  EXPECT_EQ(store_.set_code(65, 5, "3333", {}).error().message, "slot: must be 1..64");
  EXPECT_EQ(store_.set_code(4, 5, "33a3", {}).error().message, "pin: must be 4..10 digits");
  ASSERT_TRUE(store_.clear_code(3));
  EXPECT_FALSE(store_.code_slot(3).has_value());
  EXPECT_EQ(store_.check_pin("2222", kT0 + 1s).outcome, PinOutcome::wrong_code);
  EXPECT_TRUE(store_.clear_code(3));  // clearing an empty slot is no error (a retried clear)
}

TEST_F(CredentialStoreTest, SlotDigestChangesWithThePinTheUserAndTheKey) {
  const protocol::CodeKey key = protocol::generate_code_key();
  ASSERT_TRUE(store_.set_code(2, 4, "9090", core::CodeSchedule::always()));
  const std::string digest = store_.slot_digest(2, key);
  EXPECT_EQ(digest, protocol::code_digest(key, 2, 4, "9090"));
  EXPECT_NE(digest, protocol::code_digest(key, 2, 4, "9091"));
  EXPECT_NE(digest, protocol::code_digest(key, 2, 5, "9090"));
  EXPECT_NE(digest, protocol::code_digest(protocol::generate_code_key(), 2, 4, "9090"));
  EXPECT_EQ(digest.find("9090"), std::string::npos);
}

}  // namespace
}  // namespace lw::firmware
