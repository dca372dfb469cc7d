// Guest keys at the door (docs/protocol.md section 10): the lock alone, on
// its own clock, opens for a guest whose grant a hub key enrolled on it signed
// and whose phone proves the guest key over a fresh challenge — and for no
// one else. Each attack below is refused and leaves a guest_key_refused alarm.
#include <gtest/gtest.h>

#include <string>

#include "firmware/lock_firmware.h"
#include "protocol/envelope.h"
#include "protocol/guest_grant.h"
#include "protocol/testing/doc_examples.h"

namespace lw::firmware {
namespace {

using Outcome = LockFirmware::GuestOutcome;

const Timestamp kStart = from_epoch_ms(1'700'000'000'000);
const core::LockAddress kFront{"home", "front-door"};
const protocol::KeyPair kHubKey = *protocol::key_pair_from_text_seed("lockwarden-protocol-v1-test-key!");
const protocol::KeyPair kGuest = *protocol::key_pair_from_text_seed("guest-phone-key-for-tests-000001");
const protocol::KeyPair kStranger = *protocol::key_pair_from_text_seed("someone-else-entirely-0000000001");

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

protocol::GuestGrant grant() {
  protocol::GuestGrant g;
  g.id = "guest-0001";
  g.site = "home";
  g.locks = {"back-door", "front-door"};
  g.user = "ana";
  g.guest_key = kGuest.public_key;
  g.not_before = kStart;
  g.not_after = kStart + std::chrono::hours(48);
  return g;
}

class GuestKeyTest : public ::testing::Test {
 protected:
  GuestKeyTest() : random_(5), lock_(front_door(), power_, random_, kStart) {
    EXPECT_TRUE(lock_.enroll("hub", kHubKey.public_key, true));
    EXPECT_TRUE(lock_.enroll("alice-phone", kStranger.public_key, false));
  }

  /// The phone at the door: asks for a challenge and answers it with `key`.
  LockFirmware::GuestAttempt present(const std::string& signed_grant, const protocol::KeyPair& key,
                                     Timestamp at, const std::string& grant_id = "guest-0001") {
    const std::string challenge = lock_.guest_challenge(at);
    const std::string proof = protocol::encode_signature(
        key.secret.sign(protocol::guest_proof_message(kFront, challenge, grant_id)));
    return lock_.present_guest_key(signed_grant, proof, at);
  }

  /// The hub's revocation of `grant_id` (whose window ends `not_after`), signed under `key_id`.
  static core::Command revoke(const std::string& grant_id, const std::string& key_id, std::uint64_t counter,
                              Timestamp at = kStart, Timestamp not_after = kStart + std::chrono::hours(48)) {
    core::Command c;
    c.id = "revoke-" + std::to_string(counter);
    c.target = kFront;
    c.issued_at = at;
    c.expires_at = at + 30s;
    c.key_id = key_id;
    c.counter = counter;
    c.revoke_grant = core::GrantRevocation{grant_id, not_after};
    return c;
  }

  SteadyPower power_;
  core::SeededRandom random_;
  LockFirmware lock_;
};

TEST_F(GuestKeyTest, AGrantTheHubSignedOpensForItsGuestWithinItsWindow) {
  const std::string text = protocol::sign_grant(grant(), "hub", kHubKey.secret);
  auto a = present(text, kGuest, kStart + std::chrono::hours(1));
  EXPECT_EQ(a.outcome, Outcome::opened);
  ASSERT_EQ(a.events.size(), 1U);
  EXPECT_EQ(a.events[0].kind, core::DeviceEventKind::lock_operation);
  EXPECT_EQ(a.events[0].operation, core::LockAction::unlock);
  EXPECT_EQ(a.events[0].source, core::OperationSource::phone);
  EXPECT_EQ(a.events[0].user, "ana");
}

TEST_F(GuestKeyTest, TheWindowIsTheLocksOwnClock) {
  const std::string text = protocol::sign_grant(grant(), "hub", kHubKey.secret);
  EXPECT_EQ(present(text, kGuest, kStart - 1s).outcome, Outcome::not_yet_valid);
  EXPECT_EQ(present(text, kGuest, kStart + std::chrono::hours(48)).outcome, Outcome::expired);
  EXPECT_EQ(present(text, kGuest, kStart + std::chrono::hours(47)).outcome, Outcome::opened);
}

TEST_F(GuestKeyTest, ForgedAlteredAndForeignGrantsAreRefused) {
  // Signed by a key that is not the hub's: a user's paired phone cannot issue grants.
  EXPECT_EQ(present(protocol::sign_grant(grant(), "alice-phone", kStranger.secret), kGuest, kStart).outcome,
            Outcome::unknown_issuer);
  // The hub's key id with another key's signature.
  EXPECT_EQ(present(protocol::sign_grant(grant(), "hub", kStranger.secret), kGuest, kStart).outcome,
            Outcome::bad_signature);
  // The body edited after signing (a longer window).
  std::string text = protocol::sign_grant(grant(), "hub", kHubKey.secret);
  const std::string until = std::to_string(to_epoch_ms(kStart + std::chrono::hours(48)));
  text.replace(text.find(until), until.size(), std::to_string(to_epoch_ms(kStart + std::chrono::hours(480))));
  EXPECT_EQ(present(text, kGuest, kStart).outcome, Outcome::bad_signature);
  // For another lock, or the same lock id on another site.
  protocol::GuestGrant other = grant();
  other.locks = {"back-door"};
  EXPECT_EQ(present(protocol::sign_grant(other, "hub", kHubKey.secret), kGuest, kStart).outcome,
            Outcome::not_for_this_lock);
  other = grant();
  other.site = "office";
  EXPECT_EQ(present(protocol::sign_grant(other, "hub", kHubKey.secret), kGuest, kStart).outcome,
            Outcome::not_for_this_lock);
  EXPECT_EQ(present("{not an envelope", kGuest, kStart).outcome, Outcome::malformed);
}

TEST_F(GuestKeyTest, TheGrantAloneOpensNothingWithoutTheGuestKeysProofOverAFreshChallenge) {
  const std::string text = protocol::sign_grant(grant(), "hub", kHubKey.secret);
  // Someone who copied the grant but holds another key.
  EXPECT_EQ(present(text, kStranger, kStart).outcome, Outcome::bad_proof);
  // A proof for another grant id.
  EXPECT_EQ(present(text, kGuest, kStart, "guest-0002").outcome, Outcome::bad_proof);
  // A proof recorded at the door and replayed: the challenge was used up.
  const std::string challenge = lock_.guest_challenge(kStart);
  const std::string proof = protocol::encode_signature(
      kGuest.secret.sign(protocol::guest_proof_message(kFront, challenge, "guest-0001")));
  EXPECT_EQ(lock_.present_guest_key(text, proof, kStart).outcome, Outcome::opened);
  EXPECT_EQ(lock_.present_guest_key(text, proof, kStart + 1s).outcome, Outcome::stale_challenge);
  // A challenge answered too late.
  const std::string late = lock_.guest_challenge(kStart);
  const std::string slow = protocol::encode_signature(
      kGuest.secret.sign(protocol::guest_proof_message(kFront, late, "guest-0001")));
  auto a = lock_.present_guest_key(text, slow, kStart + 61s);
  EXPECT_EQ(a.outcome, Outcome::stale_challenge);
  ASSERT_EQ(a.events.size(), 1U);
  EXPECT_EQ(a.events[0].alarm, "guest_key_refused");
  EXPECT_EQ(a.events[0].user, "ana");
}

TEST_F(GuestKeyTest, AGrantTheHubRevokesNoLongerOpensAndOnlyAHubKeyMayRevoke) {
  const std::string text = protocol::sign_grant(grant(), "hub", kHubKey.secret);
  // A user's paired key cannot revoke (nor so lock a guest out, nor undo the hub's word).
  LockCommandHandling by_user =
      lock_.handle(protocol::seal_command(revoke("guest-0001", "alice-phone", 1), kStranger.secret), kStart);
  ASSERT_TRUE(by_user.result);
  EXPECT_EQ(by_user.result->outcome, core::CommandOutcome::not_allowed);
  EXPECT_EQ(present(text, kGuest, kStart + 1s).outcome, Outcome::opened);

  LockCommandHandling h =
      lock_.handle(protocol::seal_command(revoke("guest-0001", "hub", 1), kHubKey.secret), kStart + 2s);
  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, core::CommandOutcome::ok) << h.result->detail;
  EXPECT_EQ(present(text, kGuest, kStart + 3s).outcome, Outcome::revoked);
  // The same revocation replayed is refused as any replayed command; the grant stays revoked.
  EXPECT_EQ(lock_.handle(protocol::seal_command(revoke("guest-0001", "hub", 1), kHubKey.secret), kStart + 4s)
                .result->outcome,
            core::CommandOutcome::replayed);
  EXPECT_EQ(present(text, kGuest, kStart + 5s).outcome, Outcome::revoked);
  protocol::GuestGrant next = grant();
  next.id = "guest-0002";
  EXPECT_EQ(present(protocol::sign_grant(next, "hub", kHubKey.secret), kGuest, kStart, "guest-0002").outcome,
            Outcome::opened);
}

TEST_F(GuestKeyTest, AFullTableOfLiveRevocationsRefusesANewOneRatherThanForgetAnOldOne) {
  // 32 revocations of grants that end in 48 h; then one more.
  for (std::uint64_t i = 1; i <= 32; ++i) {
    auto h = lock_.handle(
        protocol::seal_command(revoke("guest-" + std::to_string(1000 + i), "hub", i), kHubKey.secret),
        kStart);
    ASSERT_EQ(h.result->outcome, core::CommandOutcome::ok) << i;
  }
  auto full = lock_.handle(protocol::seal_command(revoke("guest-0001", "hub", 33), kHubKey.secret), kStart);
  EXPECT_EQ(full.result->outcome, core::CommandOutcome::refused);
  EXPECT_NE(full.result->detail.find("32 revocations"), std::string::npos) << full.result->detail;
  // The first revoked grant is still refused: nothing gave way.
  protocol::GuestGrant first = grant();
  first.id = "guest-1001";
  EXPECT_EQ(present(protocol::sign_grant(first, "hub", kHubKey.secret), kGuest, kStart, "guest-1001").outcome,
            Outcome::revoked);
  // Once those grants' windows pass, their revocations give way to new ones.
  const Timestamp later = kStart + std::chrono::hours(49);
  auto room = lock_.handle(
      protocol::seal_command(revoke("guest-0001", "hub", 34, later, later + 96h), kHubKey.secret), later);
  EXPECT_EQ(room.result->outcome, core::CommandOutcome::ok) << room.result->detail;
}

TEST(GuestGrantBody, TheDocsExampleIsWhatTheEncoderWrites) {
  auto g = protocol::decode_grant_body(protocol::doc_examples::kGuestGrantBody);
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->locks.size(), 2U);
  EXPECT_EQ(protocol::encode_grant_body(*g), protocol::doc_examples::kGuestGrantBody);
}

TEST(GuestGrantBody, RoundTripsAndNamesTheFieldItRefuses) {
  const protocol::GuestGrant g = grant();
  auto back = protocol::decode_grant_body(protocol::encode_grant_body(g));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, g);
  std::string body = protocol::encode_grant_body(g);
  body.replace(body.find("guest_grant"), 11, "guest_grunt");
  EXPECT_EQ(protocol::decode_grant_body(body).error().message, "grant.type: must be guest_grant");
  protocol::GuestGrant backwards = g;
  backwards.not_after = g.not_before;
  EXPECT_EQ(protocol::decode_grant_body(protocol::encode_grant_body(backwards)).error().message,
            "grant.not_after_ms: must be after not_before_ms");
  protocol::GuestGrant none = g;
  none.locks.clear();
  EXPECT_EQ(protocol::decode_grant_body(protocol::encode_grant_body(none)).error().message,
            "grant.locks: must be an array of 1..16 lock ids");
}

}  // namespace
}  // namespace lw::firmware
