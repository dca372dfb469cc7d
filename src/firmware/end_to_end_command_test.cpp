// Attack suite: end-to-end commands (docs/protocol.md 5.5). A user's own key
// signs the command; the hub relays the envelope unchanged. These tests are
// what a compromised hub or broker could try with what it holds: the hub's
// own key, captured envelopes and the wire.
#include <gtest/gtest.h>

#include <string>

#include "firmware/lock_firmware.h"
#include "protocol/envelope.h"

namespace lw::firmware {
namespace {

using core::CommandOutcome;
using core::LockAction;
using core::LockState;

const Timestamp kStart = from_epoch_ms(1'767'261'600'000);
const core::LockAddress kFront{"home", "front-door"};

protocol::KeyPair key_from_text(const char (&text)[33]) { return *protocol::key_pair_from_text_seed(text); }

const protocol::KeyPair kHubKey = key_from_text("e2e-test-hub-signing-key-0000001");
const protocol::KeyPair kAliceKey = key_from_text("e2e-test-alice-device-key-000001");
const protocol::KeyPair kVendorKey = key_from_text("lockwarden-vendor-firmware-key-1");
const protocol::KeyPair kOtherVendorKey = key_from_text("not-the-vendor-but-looks-alike-1");

class SteadyPower final : public PowerSource {
 public:
  double voltage_mv(double load_ma) const override { return 6000 - load_ma * 0.6; }
};

LockSetup front_door(bool end_to_end_only) {
  LockSetup s;
  s.address = kFront;
  s.name = "Front door";
  s.vendor_key = kVendorKey.public_key;
  s.firmware_version = "2.1.0";
  s.firmware_counter = 7;
  s.lock_state = LockState::locked;
  s.end_to_end_only = end_to_end_only;
  return s;
}

core::Command command(std::string key_id, LockAction action, std::uint64_t counter, Timestamp issued,
                      core::LockAddress target = kFront) {
  core::Command c;
  c.id = "act-" + key_id + "-" + std::to_string(counter);
  c.target = std::move(target);
  c.action = action;
  c.issued_at = issued;
  c.expires_at = issued + 30s;
  c.key_id = std::move(key_id);
  c.counter = counter;
  return c;
}

class EndToEndCommandTest : public ::testing::Test {
 protected:
  explicit EndToEndCommandTest(bool end_to_end_only = false)
      : lock_(front_door(end_to_end_only), power_, random_, kStart) {
    EXPECT_TRUE(lock_.enroll("hub", kHubKey.public_key, /*hub_key=*/true));
    EXPECT_TRUE(lock_.enroll("alice-phone", kAliceKey.public_key, /*hub_key=*/false));
  }

  LockCommandHandling handle(const std::string& payload, Timestamp now) { return lock_.handle(payload, now); }
  CommandOutcome outcome(const std::string& payload, Timestamp now) {
    LockCommandHandling h = handle(payload, now);
    EXPECT_TRUE(h.result);
    return h.result ? h.result->outcome : CommandOutcome::malformed;
  }

  SteadyPower power_;
  core::SeededRandom random_{5};
  LockFirmware lock_;
};

TEST_F(EndToEndCommandTest, UserSignedUnlockRelayedUnchangedOpensAndTheEventNamesTheUserKey) {
  const std::string envelope =
      protocol::seal_command(command("alice-phone", LockAction::unlock, 1, kStart), kAliceKey.secret);

  LockCommandHandling h = handle(envelope, kStart + 1s);

  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::ok) << h.result->detail;
  EXPECT_EQ(lock_.real_state(), LockState::unlocked);
  ASSERT_EQ(h.events.size(), 1U);
  EXPECT_EQ(h.events[0].user, "alice-phone");
}

TEST_F(EndToEndCommandTest, HubForgingAnUnlockForTheUsersKeyIdFailsBadSignature) {
  // The hub holds only its own key; it labels its envelope with Alice's key id.
  const std::string forged =
      protocol::seal_command(command("alice-phone", LockAction::unlock, 1, kStart), kHubKey.secret);
  EXPECT_EQ(outcome(forged, kStart + 1s), CommandOutcome::bad_signature);
  // Nor can it sign as itself a body that claims Alice signed it.
  const std::string relabelled = protocol::seal_body(
      "hub", protocol::encode_command_body(command("alice-phone", LockAction::unlock, 2, kStart)),
      kHubKey.secret);
  EXPECT_EQ(outcome(relabelled, kStart + 1s), CommandOutcome::bad_signature);
  EXPECT_EQ(lock_.real_state(), LockState::locked);
}

TEST_F(EndToEndCommandTest, ReplayedReorderedExpiredAndRetargetedUserCommandsAreRefused) {
  const std::string first =
      protocol::seal_command(command("alice-phone", LockAction::unlock, 10, kStart), kAliceKey.secret);
  const std::string earlier =
      protocol::seal_command(command("alice-phone", LockAction::unlock, 9, kStart), kAliceKey.secret);
  ASSERT_EQ(outcome(first, kStart + 1s), CommandOutcome::ok);
  (void)lock_.operate(LockAction::lock, core::OperationSource::manual, std::nullopt, kStart + 2s);
  ASSERT_EQ(lock_.real_state(), LockState::locked) << "someone locked by hand";

  EXPECT_EQ(outcome(first, kStart + 3s), CommandOutcome::replayed);
  EXPECT_EQ(outcome(earlier, kStart + 3s), CommandOutcome::replayed) << "a lower counter arrives late";
  const std::string old =
      protocol::seal_command(command("alice-phone", LockAction::unlock, 11, kStart), kAliceKey.secret);
  EXPECT_EQ(outcome(old, kStart + 31s), CommandOutcome::expired);
  const std::string back_door = protocol::seal_command(
      command("alice-phone", LockAction::unlock, 12, kStart + 40s, {"home", "back-door"}), kAliceKey.secret);
  EXPECT_EQ(outcome(back_door, kStart + 40s), CommandOutcome::wrong_target);
  EXPECT_EQ(lock_.real_state(), LockState::locked);
}

TEST_F(EndToEndCommandTest, HubKeyMayStillUnlockAndIsNamedAsTheSigner) {
  LockCommandHandling h = handle(
      protocol::seal_command(command("hub", LockAction::unlock, 1, kStart), kHubKey.secret), kStart + 1s);
  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::ok);
  ASSERT_EQ(h.events.size(), 1U);
  EXPECT_EQ(h.events[0].user, "hub");
}

class EndToEndOnlyLockTest : public EndToEndCommandTest {
 protected:
  EndToEndOnlyLockTest() : EndToEndCommandTest(true) {}
};

TEST_F(EndToEndOnlyLockTest, HubKeyUnlockIsRefusedButLockingAndUserUnlocksWork) {
  EXPECT_EQ(outcome(protocol::seal_command(command("hub", LockAction::unlock, 1, kStart), kHubKey.secret),
                    kStart + 1s),
            CommandOutcome::not_allowed);
  EXPECT_EQ(lock_.real_state(), LockState::locked);

  EXPECT_EQ(
      outcome(protocol::seal_command(command("alice-phone", LockAction::unlock, 1, kStart), kAliceKey.secret),
              kStart + 2s),
      CommandOutcome::ok);
  EXPECT_EQ(lock_.real_state(), LockState::unlocked);
  EXPECT_EQ(outcome(protocol::seal_command(command("hub", LockAction::lock, 2, kStart), kHubKey.secret),
                    kStart + 3s),
            CommandOutcome::ok);
  EXPECT_EQ(lock_.real_state(), LockState::locked);
}

// --- firmware images (docs/protocol.md 9) ---

class FirmwareUpdateAttackTest : public EndToEndCommandTest {
 protected:
  static constexpr std::string_view kModel = "lw-lock-1";
  /// Installs `image`; when accepted, lets the install finish and reboots.
  InstallOutcome install(const FirmwareImage& image) {
    const InstallOutcome o = lock_.install(image, kStart);
    if (o == InstallOutcome::installing)
      lock_.power_on(lock_.install_done_at(), core::BootReason::firmware_update);
    return o;
  }
};

TEST_F(FirmwareUpdateAttackTest, TamperedImageIsRefusedAndTheRunningVersionStays) {
  FirmwareImage image = sign_image(std::string(kModel), "2.2.0", 8, kStart + std::chrono::days(30),
                                   {1, 2, 3, 4}, kVendorKey.secret);
  image.payload[2] ^= 0x01;
  EXPECT_EQ(install(image), InstallOutcome::refused_bad_signature);
  EXPECT_EQ(lock_.firmware_version(), "2.1.0");
  EXPECT_FALSE(lock_.updating(kStart + 1s));
}

TEST_F(FirmwareUpdateAttackTest, ImageSignedByAnotherKeyIsRefusedAndTheRunningVersionStays) {
  EXPECT_EQ(install(sign_image(std::string(kModel), "2.2.0", 8, kStart + std::chrono::days(30), {1, 2, 3},
                               kOtherVendorKey.secret)),
            InstallOutcome::refused_bad_signature);
  EXPECT_EQ(install(sign_image(std::string(kModel), "2.2.0", 8, kStart + std::chrono::days(30), {1, 2, 3},
                               kHubKey.secret)),
            InstallOutcome::refused_bad_signature)
      << "the hub's command key cannot sign firmware";
  EXPECT_EQ(lock_.firmware_version(), "2.1.0");
}

TEST_F(FirmwareUpdateAttackTest, OlderImageIsRefusedEvenWhenProperlySigned) {
  EXPECT_EQ(install(sign_image(std::string(kModel), "2.0.9", 6, kStart + std::chrono::days(30), {1, 2, 3},
                               kVendorKey.secret)),
            InstallOutcome::refused_rollback);
  EXPECT_EQ(lock_.firmware_version(), "2.1.0");
  // After a real update the counter rises, and the image it replaced is refused too.
  ASSERT_EQ(install(sign_image(std::string(kModel), "2.2.0", 8, kStart + std::chrono::days(30), {4, 5},
                               kVendorKey.secret)),
            InstallOutcome::installing);
  EXPECT_EQ(lock_.firmware_version(), "2.2.0");
  EXPECT_EQ(install(sign_image(std::string(kModel), "2.1.0", 7, kStart + std::chrono::days(30), {1, 2, 3},
                               kVendorKey.secret)),
            InstallOutcome::refused_rollback);
  EXPECT_EQ(lock_.firmware_version(), "2.2.0");
}

TEST_F(FirmwareUpdateAttackTest, AFrozenOrFastForwardedFeedIsRefusedAndRaisesAStaleUpdateMetadataAlarm) {
  // The alarms the lock queues for the hub, read off its outbox.
  auto alarms = [&] {
    int n = 0;
    for (const core::DeviceEvent* e = lock_.next_unsent(kStart); e != nullptr;
         e = lock_.next_unsent(kStart)) {
      n += e->alarm == "stale_update_metadata" ? 1 : 0;
      lock_.mark_sent(e->seq);
    }
    return n;
  };
  const FirmwareImage expired = sign_image(std::string(kModel), "2.2.0", 8, kStart - std::chrono::hours(1),
                                           {1, 2, 3}, kVendorKey.secret);
  EXPECT_EQ(install(expired), InstallOutcome::refused_stale_metadata);
  EXPECT_EQ(alarms(), 1);
  EXPECT_EQ(install(sign_image(std::string(kModel), "9.9.9", std::uint64_t{1} << 63U,
                               kStart + std::chrono::days(30), {1, 2, 3}, kVendorKey.secret)),
            InstallOutcome::refused_counter_jump);
  EXPECT_EQ(install(sign_image("another-lock", "2.2.0", 8, kStart + std::chrono::days(30), {1, 2, 3},
                               kVendorKey.secret)),
            InstallOutcome::refused_wrong_model);
  EXPECT_EQ(alarms(), 2);
  EXPECT_EQ(lock_.firmware_version(), "2.1.0");
  // And the genuine, current image still installs.
  EXPECT_EQ(install(sign_image(std::string(kModel), "2.2.0", 8, kStart + std::chrono::days(30), {1, 2, 3},
                               kVendorKey.secret)),
            InstallOutcome::installing);
}

}  // namespace
}  // namespace lw::firmware
