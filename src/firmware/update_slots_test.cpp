#include "firmware/update_slots.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "protocol/envelope.h"

namespace lw::firmware {
namespace {

constexpr Timestamp kT0 = from_epoch_ms(1'700'000'000'000);

protocol::KeyPair key_from(std::uint8_t fill) {
  protocol::Seed seed{};
  seed.fill(fill);
  return *protocol::key_pair_from_seed(seed);
}

std::vector<unsigned char> payload(unsigned char fill, std::size_t size = 4096) {
  std::vector<unsigned char> bytes(size, fill);
  return bytes;
}

class UpdateSlotsTest : public ::testing::Test {
 protected:
  UpdateSlotsTest() : vendor_(key_from(0x11)), slots_(vendor_.public_key, "lw-lock-1", "1.0.0", 10) {}

  /// The vendor's image for this model, its manifest good for 30 days.
  FirmwareImage image(std::string version, std::uint64_t counter) const {
    return sign_image("lw-lock-1", std::move(version), counter, kT0 + std::chrono::days(30), payload(0x5a),
                      vendor_.secret);
  }

  /// Installs `img` at now_ and reboots after the window.
  BootResult install_and_reboot(const FirmwareImage& img) {
    EXPECT_EQ(slots_.install(img, now_), InstallOutcome::installing);
    now_ = slots_.install_done_at();
    return slots_.boot(now_);
  }

  protocol::KeyPair vendor_;
  UpdateSlots slots_;
  Timestamp now_{kT0};
};

TEST_F(UpdateSlotsTest, SignedNewerImageInstallsIntoTheInactiveSlotAndSwapsOnReboot) {
  ASSERT_EQ(slots_.install(image("1.1.0", 11), now_), InstallOutcome::installing);
  EXPECT_TRUE(slots_.installing(now_ + 1min));
  EXPECT_EQ(slots_.active_version(), "1.0.0");  // still running the old image
  EXPECT_FALSE(slots_.installing(now_ + 2min));
  EXPECT_EQ(slots_.boot(now_ + 2min), BootResult::trial);
  EXPECT_EQ(slots_.active_slot(), 1);
  EXPECT_EQ(slots_.active_version(), "1.1.0");
  EXPECT_EQ(slots_.anti_rollback_counter(), 10U);  // not before confirm
  ASSERT_TRUE(slots_.confirm());
  EXPECT_EQ(slots_.anti_rollback_counter(), 11U);
  EXPECT_EQ(slots_.boot(now_ + 1h), BootResult::normal);
  EXPECT_EQ(slots_.active_version(), "1.1.0");
}

TEST_F(UpdateSlotsTest, TamperedPayloadIsRefused) {
  FirmwareImage img = image("1.1.0", 11);
  img.payload[100] ^= 0x01;
  EXPECT_EQ(slots_.install(img, now_), InstallOutcome::refused_bad_signature);
  EXPECT_FALSE(slots_.installing(now_));
  EXPECT_EQ(slots_.boot(now_ + 1h), BootResult::normal);
  EXPECT_EQ(slots_.active_version(), "1.0.0");
}

TEST_F(UpdateSlotsTest, RaisedCounterOrChangedVersionBreaksTheSignature) {
  FirmwareImage raised = image("1.1.0", 11);
  raised.security_counter = 99;
  EXPECT_EQ(slots_.install(raised, now_), InstallOutcome::refused_bad_signature);
  FirmwareImage renamed = image("1.1.0", 11);
  renamed.version = "9.9.9";
  EXPECT_EQ(slots_.install(renamed, now_), InstallOutcome::refused_bad_signature);
}

TEST_F(UpdateSlotsTest, ImageSignedByAnotherKeyIsRefused) {
  const protocol::KeyPair attacker = key_from(0x22);
  const FirmwareImage img =
      sign_image("lw-lock-1", "6.6.6", 50, kT0 + std::chrono::days(30), payload(0x5a), attacker.secret);
  EXPECT_EQ(slots_.install(img, now_), InstallOutcome::refused_bad_signature);
}

TEST_F(UpdateSlotsTest, OlderSecurityCounterIsRefusedEvenWhenProperlySigned) {
  EXPECT_EQ(slots_.install(image("0.9.0", 9), now_), InstallOutcome::refused_rollback);
  ASSERT_EQ(install_and_reboot(image("1.2.0", 12)), BootResult::trial);
  ASSERT_TRUE(slots_.confirm());
  // 1.1.0 was fine before, but 1.2.0 raised the counter past it.
  EXPECT_EQ(slots_.install(image("1.1.0", 11), now_), InstallOutcome::refused_rollback);
  EXPECT_EQ(slots_.install(image("1.2.1", 12), now_), InstallOutcome::installing);
}

TEST_F(UpdateSlotsTest, FailedBootRollsBackToThePreviousSlotAndReportsIt) {
  slots_.fail_next_boot();
  ASSERT_EQ(slots_.install(image("1.1.0", 11), now_), InstallOutcome::installing);
  EXPECT_EQ(slots_.boot(now_ + 2min), BootResult::crashed);
  EXPECT_FALSE(slots_.confirm());
  EXPECT_EQ(slots_.boot(now_ + 2min + 5s), BootResult::rolled_back);
  EXPECT_EQ(slots_.active_version(), "1.0.0");
  EXPECT_EQ(slots_.active_slot(), 0);
  EXPECT_EQ(slots_.rolled_back_version(), "1.1.0");
  EXPECT_EQ(slots_.rollback_count(), 1);
  EXPECT_EQ(slots_.anti_rollback_counter(), 10U);
  // The next attempt boots normally.
  now_ += 1h;
  EXPECT_EQ(install_and_reboot(image("1.1.0", 11)), BootResult::trial);
}

TEST_F(UpdateSlotsTest, UnconfirmedTrialIsRolledBackOnTheNextReboot) {
  ASSERT_EQ(install_and_reboot(image("1.1.0", 11)), BootResult::trial);
  EXPECT_EQ(slots_.boot(now_ + 1min), BootResult::rolled_back);
  EXPECT_EQ(slots_.active_version(), "1.0.0");
}

TEST_F(UpdateSlotsTest, SecondInstallIsRefusedWhileOneIsPending) {
  ASSERT_EQ(slots_.install(image("1.1.0", 11), now_), InstallOutcome::installing);
  EXPECT_EQ(slots_.install(image("1.2.0", 12), now_ + 1s), InstallOutcome::refused_busy);
  ASSERT_EQ(slots_.boot(slots_.install_done_at()), BootResult::trial);
  EXPECT_EQ(slots_.install(image("1.2.0", 12), now_ + 3min), InstallOutcome::refused_busy);
}

TEST_F(UpdateSlotsTest, RebootDuringTheInstallWindowDiscardsThePartialImage) {
  ASSERT_EQ(slots_.install(image("1.1.0", 11), now_), InstallOutcome::installing);
  EXPECT_EQ(slots_.boot(now_ + 30s), BootResult::install_interrupted);
  EXPECT_EQ(slots_.active_version(), "1.0.0");
  EXPECT_FALSE(slots_.installing(now_ + 31s));
  EXPECT_EQ(slots_.install(image("1.1.0", 11), now_ + 1min), InstallOutcome::installing);
}

TEST_F(UpdateSlotsTest, AnAuthenticImageForAnotherModelIsRefused) {
  const FirmwareImage other =
      sign_image("lw-lock-2", "1.1.0", 11, kT0 + std::chrono::days(30), payload(0x5a), vendor_.secret);
  EXPECT_EQ(slots_.install(other, now_), InstallOutcome::refused_wrong_model);
  FirmwareImage relabelled = other;
  relabelled.model = "lw-lock-1";  // the model is signed: changing it breaks the signature
  EXPECT_EQ(slots_.install(relabelled, now_), InstallOutcome::refused_bad_signature);
  EXPECT_EQ(slots_.active_version(), "1.0.0");
}

TEST_F(UpdateSlotsTest, AnExpiredManifestIsRefusedAsAFrozenFeed) {
  const FirmwareImage img = image("1.1.0", 11);  // good for 30 days from kT0
  EXPECT_EQ(slots_.install(img, kT0 + std::chrono::days(30)), InstallOutcome::refused_stale_metadata);
  FirmwareImage extended = img;
  extended.expires_at += std::chrono::days(365);  // the expiry is signed too
  EXPECT_EQ(slots_.install(extended, kT0 + std::chrono::days(30)), InstallOutcome::refused_bad_signature);
  EXPECT_EQ(slots_.install(img, kT0 + std::chrono::days(29)), InstallOutcome::installing);
}

TEST_F(UpdateSlotsTest, AFastForwardedCounterIsRefusedSoLaterImagesStayInstallable) {
  // Version 2^63: once confirmed, no genuine image could ever follow it.
  EXPECT_EQ(slots_.install(image("9.9.9", std::uint64_t{1} << 63U), now_),
            InstallOutcome::refused_counter_jump);
  EXPECT_EQ(slots_.install(image("9.9.9", 10 + UpdateSlots::kMaxCounterStep + 1), now_),
            InstallOutcome::refused_counter_jump);
  EXPECT_EQ(slots_.anti_rollback_counter(), 10U);
  EXPECT_EQ(install_and_reboot(image("1.1.0", 10 + UpdateSlots::kMaxCounterStep)), BootResult::trial);
}

TEST(UpdateSlotsManifestTest, ManifestNamesModelVersionCounterExpiryAndPayloadHash) {
  const PayloadHash hash = payload_hash(std::vector<unsigned char>{});
  const std::string manifest =
      image_manifest("lw-lock-1", "1.2.3", 42, from_epoch_ms(1'800'000'000'000), hash);
  // BLAKE2b-256 of the empty input.
  EXPECT_EQ(manifest,
            "lw-fw-v2\nlw-lock-1\n1.2.3\n42\n1800000000000\n"
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8\n");
}

}  // namespace
}  // namespace lw::firmware
