// The lock's side of code sync (docs/protocol.md, section 8): signed code
// commands with sealed PINs, read-backs without digits, wrong-code digests.
#include <gtest/gtest.h>

#include <string>

#include "firmware/lock_firmware.h"
#include "protocol/code_crypto.h"
#include "protocol/codec.h"
#include "protocol/envelope.h"

namespace lw::firmware {
namespace {

using core::CodeAction;
using core::CodeCommand;
using core::CodeSchedule;
using core::CommandOutcome;

const Timestamp kStart = from_epoch_ms(1'700'000'000'000);
const core::LockAddress kFront{"home", "front-door"};
const protocol::KeyPair kHubKey = *protocol::key_pair_from_text_seed("lockwarden-protocol-v1-test-key!");

class SteadyPower final : public PowerSource {
 public:
  double voltage_mv(double load_ma) const override { return 6000 - load_ma * 0.6; }
};

LockSetup front_door() {
  LockSetup s;
  s.address = kFront;
  s.name = "Front door";
  s.vendor_key = kHubKey.public_key;
  return s;
}

class LockCodesTest : public ::testing::Test {
 protected:
  LockCodesTest() : random_(11), lock_(front_door(), power_, random_, kStart) {
    EXPECT_TRUE(lock_.enroll("hub", kHubKey.public_key));
  }

  core::CommandResult send(const CodeCommand& code) {
    core::Command c;
    c.id = "code-" + std::to_string(++counter_);
    c.target = kFront;
    c.issued_at = kStart;
    c.expires_at = kStart + 30s;
    c.key_id = "hub";
    c.counter = counter_;
    c.code = code;
    LockCommandHandling h = lock_.handle(protocol::seal_command(c, kHubKey.secret), kStart + 1s);
    EXPECT_TRUE(h.result.has_value());
    // What goes on the wire decodes to what the lock meant.
    auto wire = protocol::decode_result(protocol::encode_result(*h.result));
    EXPECT_TRUE(wire) << (wire ? "" : wire.error().message);
    return wire ? *wire : *h.result;
  }

  CodeCommand set_code(int slot, std::uint16_t user, std::string_view pin, CodeSchedule schedule) const {
    CodeCommand c;
    c.action = CodeAction::set_code;
    c.slot = slot;
    c.user = user;
    c.sealed = protocol::seal_to(pin, lock_.box_key());
    c.schedule = schedule;
    return c;
  }

  void install_code_key() {
    CodeCommand c;
    c.action = CodeAction::set_code_key;
    c.sealed = protocol::seal_to(
        std::string_view(reinterpret_cast<const char*>(key_.bytes.data()), key_.bytes.size()),
        lock_.box_key());
    const core::CommandResult r = send(c);
    ASSERT_EQ(r.outcome, CommandOutcome::ok);
    ASSERT_TRUE(r.codes.has_value());
    EXPECT_TRUE(r.codes->slots.empty());
    EXPECT_FALSE(r.codes->next_slot.has_value());
    EXPECT_TRUE(lock_.has_code_key());
  }

  SteadyPower power_;
  core::SeededRandom random_;
  LockFirmware lock_;
  std::uint64_t counter_{0};
  protocol::CodeKey key_ = protocol::generate_code_key();
};

TEST_F(LockCodesTest, SealedPinIsSetAndReadBackByDigestWithoutTheDigits) {
  install_code_key();
  const CodeSchedule night = CodeSchedule::weekly(0x10, 22 * 60, 6 * 60, 60);
  const core::CommandResult set = send(set_code(3, 12, "482916", night));
  ASSERT_EQ(set.outcome, CommandOutcome::ok) << set.detail;
  ASSERT_TRUE(set.codes.has_value());
  ASSERT_EQ(set.codes->slots.size(), 1U);
  const core::CodeSlotReport& slot = set.codes->slots.front();
  EXPECT_EQ(slot.slot, 3);
  EXPECT_EQ(slot.user, 12);
  EXPECT_EQ(slot.schedule, night);
  EXPECT_EQ(slot.digest, protocol::code_digest(key_, 3, 12, "482916"));
  EXPECT_EQ(set.codes->box_key, protocol::encode_box_key(lock_.box_key()));
  EXPECT_EQ(protocol::encode_result(set).find("482916"), std::string::npos);
}

TEST_F(LockCodesTest, PinSealedToAnotherLockIsRefusedAndTheSlotStaysEmpty) {
  const protocol::BoxKeyPair other = protocol::box_key_pair_from_seed({});
  CodeCommand c = set_code(4, 2, "1357", CodeSchedule::always());
  c.sealed = protocol::seal_to("1357", other.public_key);
  const core::CommandResult r = send(c);
  EXPECT_EQ(r.outcome, CommandOutcome::refused);
  EXPECT_EQ(r.detail, "pin_sealed: does not open with this lock's box key");
  ASSERT_TRUE(r.codes.has_value());
  EXPECT_TRUE(r.codes->slots.empty());
}

TEST_F(LockCodesTest, ReadBackPagesThroughOccupiedSlotsAndClearEmptiesOne) {
  for (int slot = 1; slot <= 20; ++slot) {
    ASSERT_EQ(send(set_code(slot, static_cast<std::uint16_t>(slot), std::to_string(1000 + slot),
                            CodeSchedule::always()))
                  .outcome,
              CommandOutcome::ok);
  }
  CodeCommand read;
  read.action = CodeAction::read_codes;
  read.slot = 1;
  const core::CommandResult page1 = send(read);
  ASSERT_EQ(page1.codes->slots.size(), static_cast<std::size_t>(core::kSlotsPerReadback));
  ASSERT_EQ(page1.codes->next_slot, core::kSlotsPerReadback + 1);
  EXPECT_FALSE(page1.codes->slots.front().digest.has_value());  // no code key yet
  read.slot = *page1.codes->next_slot;
  const core::CommandResult page2 = send(read);
  EXPECT_EQ(page2.codes->slots.size(), 20U - core::kSlotsPerReadback);
  EXPECT_FALSE(page2.codes->next_slot.has_value());
  EXPECT_LT(protocol::encode_result(page1).size(), 4096U);

  CodeCommand clear;
  clear.action = CodeAction::clear_code;
  clear.slot = 5;
  const core::CommandResult cleared = send(clear);
  EXPECT_EQ(cleared.outcome, CommandOutcome::ok);
  EXPECT_TRUE(cleared.codes->slots.empty());
  EXPECT_FALSE(lock_.credentials().code_slot(5).has_value());
}

TEST_F(LockCodesTest, OneTimeCodeIsConsumedOnFirstUseAndReportedSo) {
  ASSERT_EQ(send(set_code(7, 9, "8642", CodeSchedule::one_time())).outcome, CommandOutcome::ok);
  auto first = lock_.enter_pin("8642", core::LockAction::unlock, kStart + 2s);
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(first.front().kind, core::DeviceEventKind::lock_operation);
  auto second = lock_.enter_pin("8642", core::LockAction::unlock, kStart + 3s);
  ASSERT_EQ(second.size(), 1U);
  EXPECT_EQ(second.front().alarm, "wrong_code");
  const core::CodeReadback held = lock_.read_codes(1, core::kSlotsPerReadback);
  ASSERT_EQ(held.slots.size(), 1U);
  EXPECT_TRUE(held.slots.front().consumed);
}

TEST_F(LockCodesTest, WrongPinAlarmCarriesItsKeyedDigestOnlyOnceTheLockHasTheCodeKey) {
  auto before = lock_.enter_pin("0000", core::LockAction::unlock, kStart + 2s);
  ASSERT_EQ(before.size(), 1U);
  EXPECT_FALSE(before.front().code_digest.has_value());
  install_code_key();
  auto after = lock_.enter_pin("0000", core::LockAction::unlock, kStart + 3s);
  ASSERT_EQ(after.size(), 1U);
  EXPECT_EQ(after.front().alarm, "wrong_code");
  EXPECT_EQ(after.front().code_digest, protocol::wrong_code_digest(key_, "0000"));
  EXPECT_EQ(protocol::encode_event(after.front()).find("0000\""), std::string::npos);
}

TEST_F(LockCodesTest, FactoryResetDropsTheCodesTheCodeKeyAndMakesANewBoxKey) {
  install_code_key();
  ASSERT_EQ(send(set_code(1, 1, "1234", CodeSchedule::always())).outcome, CommandOutcome::ok);
  const protocol::BoxPublicKey old_key = lock_.box_key();
  lock_.factory_reset(kStart + 5s);
  EXPECT_FALSE(lock_.has_code_key());
  EXPECT_FALSE(lock_.credentials().code_slot(1).has_value());
  EXPECT_NE(lock_.box_key(), old_key);
}

TEST_F(LockCodesTest, KeypadSettingsTakeEffectAreToldInEveryAnswerAndAResetRestoresTheLocksOwn) {
  CodeCommand read;
  read.action = CodeAction::read_codes;
  EXPECT_EQ(send(read).codes->settings, (core::LockSettings::keypad(5, 60))) << "the setup's";
  CodeCommand set;
  set.action = CodeAction::set_settings;
  set.settings = core::LockSettings::keypad(2, 120);
  const core::CommandResult r = send(set);
  ASSERT_EQ(r.outcome, CommandOutcome::ok) << r.detail;
  EXPECT_EQ(r.codes->settings, (core::LockSettings::keypad(2, 120)));
  EXPECT_EQ(send(set_code(1, 1, "2468", CodeSchedule::always())).codes->settings,
            (core::LockSettings::keypad(2, 120)));

  // Two wrong PINs now disable the keypad, for two minutes: even the right one is refused.
  EXPECT_EQ(lock_.enter_pin("0000", core::LockAction::unlock, kStart + 2s).front().alarm, "wrong_code");
  EXPECT_EQ(lock_.enter_pin("0001", core::LockAction::unlock, kStart + 3s).front().alarm, "wrong_code_limit");
  EXPECT_EQ(lock_.enter_pin("2468", core::LockAction::unlock, kStart + 100s).front().alarm,
            "keypad_disabled");
  const auto opened = lock_.enter_pin("2468", core::LockAction::unlock, kStart + 124s);
  ASSERT_FALSE(opened.empty());
  EXPECT_EQ(opened.front().operation, core::LockAction::unlock);

  // One given: the other stays. A Zigbee lock's setting is not this lock's.
  set.settings = {std::nullopt, 30, std::nullopt, std::nullopt};
  EXPECT_EQ(send(set).codes->settings, (core::LockSettings::keypad(2, 30)));
  set.settings = {std::nullopt, std::nullopt, 45, std::nullopt};
  const core::CommandResult zigbee = send(set);
  EXPECT_EQ(zigbee.outcome, CommandOutcome::refused);
  EXPECT_EQ(zigbee.detail, "settings.auto_relock_s: this lock has no such setting");
  EXPECT_EQ(zigbee.codes->settings, (core::LockSettings::keypad(2, 30)));

  lock_.factory_reset(kStart + 200s);
  EXPECT_EQ(lock_.settings(), (core::LockSettings::keypad(5, 60)));
}

}  // namespace
}  // namespace lw::firmware
