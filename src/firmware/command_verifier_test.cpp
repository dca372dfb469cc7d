#include "firmware/command_verifier.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/envelope.h"
#include "protocol/testing/doc_examples.h"

namespace lw::firmware {
namespace {

using core::CommandOutcome;
namespace ex = protocol::doc_examples;

// The doc's command: unlock home/front-door, issued at T, valid until T + 30 s, counter 42.
constexpr std::int64_t kIssuedMs = 1'700'000'000'000;
constexpr Timestamp kIssued = from_epoch_ms(kIssuedMs);
constexpr Timestamp kExpires = from_epoch_ms(kIssuedMs + 30'000);

protocol::KeyPair doc_test_key() { return *protocol::key_pair_from_text_seed(ex::kTestKeySeed); }

class CommandVerifierTest : public ::testing::Test {
 protected:
  CommandVerifierTest() : hub_(doc_test_key()), lock_(core::LockAddress{"home", "front-door"}) {
    EXPECT_TRUE(lock_.enroll("hub", hub_.public_key));
  }

  /// A command for this lock like the doc's, with the given counter.
  static core::Command command(std::uint64_t counter) {
    core::Command c;
    c.id = "act-" + std::to_string(counter);
    c.target = {"home", "front-door"};
    c.action = core::LockAction::lock;
    c.issued_at = kIssued;
    c.expires_at = kExpires;
    c.counter = counter;
    c.key_id = "hub";
    return c;
  }

  std::string sealed(const core::Command& c) const { return protocol::seal_command(c, hub_.secret); }

  protocol::KeyPair hub_;
  CommandVerifier lock_;
};

TEST_F(CommandVerifierTest, DocCommandIsAcceptedAndCommitsItsCounter) {
  auto verdict = lock_.verify(ex::kCommandEnvelope, kIssued + 1s);
  EXPECT_EQ(verdict.outcome, CommandOutcome::ok) << verdict.detail;
  ASSERT_TRUE(verdict.command);
  EXPECT_EQ(verdict.command->action, core::LockAction::unlock);
  EXPECT_EQ(verdict.command_id, "act-7f3a9c2e");
  EXPECT_EQ(lock_.last_counter("hub"), 42U);
}

TEST_F(CommandVerifierTest, SamePayloadDeliveredTwiceActsOnce) {
  EXPECT_EQ(lock_.verify(ex::kCommandEnvelope, kIssued + 1s).outcome, CommandOutcome::ok);
  auto again = lock_.verify(ex::kCommandEnvelope, kIssued + 2s);
  EXPECT_EQ(again.outcome, CommandOutcome::replayed);
  EXPECT_EQ(again.command_id, "act-7f3a9c2e");
  EXPECT_EQ(lock_.last_counter("hub"), 42U);
}

TEST_F(CommandVerifierTest, LowerOrEqualCounterIsReplayedHigherIsAccepted) {
  EXPECT_EQ(lock_.verify(sealed(command(10)), kIssued).outcome, CommandOutcome::ok);
  EXPECT_EQ(lock_.verify(sealed(command(9)), kIssued).outcome, CommandOutcome::replayed);
  EXPECT_EQ(lock_.verify(sealed(command(10)), kIssued).outcome, CommandOutcome::replayed);
  EXPECT_EQ(lock_.verify(sealed(command(11)), kIssued).outcome, CommandOutcome::ok);
  EXPECT_EQ(lock_.verify(sealed(command(1000)), kIssued).outcome, CommandOutcome::ok);
  EXPECT_EQ(lock_.last_counter("hub"), 1000U);
}

TEST_F(CommandVerifierTest, TamperedBodyIsBadSignature) {
  std::string payload(ex::kCommandEnvelope);
  payload.replace(payload.find("unlock"), 6, "unlatch");
  auto verdict = lock_.verify(payload, kIssued);
  EXPECT_EQ(verdict.outcome, CommandOutcome::bad_signature);
  EXPECT_FALSE(verdict.command);
  EXPECT_EQ(verdict.command_id, "act-7f3a9c2e");
  EXPECT_EQ(lock_.last_counter("hub"), 0U);
}

TEST_F(CommandVerifierTest, TamperedSignatureIsBadSignature) {
  std::string payload(ex::kCommandEnvelope);
  const auto sig = payload.find(R"("sig":")") + 7;
  payload[sig] = payload[sig] == 'B' ? 'C' : 'B';
  EXPECT_EQ(lock_.verify(payload, kIssued).outcome, CommandOutcome::bad_signature);
}

TEST_F(CommandVerifierTest, CommandSignedByAnotherKeyIsBadSignature) {
  auto intruder = protocol::generate_key_pair();
  ASSERT_TRUE(intruder);
  auto verdict = lock_.verify(protocol::seal_command(command(1), intruder->secret), kIssued);
  EXPECT_EQ(verdict.outcome, CommandOutcome::bad_signature);
  EXPECT_EQ(lock_.last_counter("hub"), 0U);
}

TEST_F(CommandVerifierTest, KeyNotEnrolledIsUnknownKey) {
  core::Command c = command(1);
  c.key_id = "installer";
  auto verdict = lock_.verify(sealed(c), kIssued);
  EXPECT_EQ(verdict.outcome, CommandOutcome::unknown_key);
  EXPECT_EQ(verdict.command_id, "act-1");
  EXPECT_FALSE(verdict.command);
}

TEST_F(CommandVerifierTest, LockWithNoKeysAnswersUnknownKey) {
  CommandVerifier fresh(core::LockAddress{"home", "front-door"});
  EXPECT_EQ(fresh.verify(ex::kCommandEnvelope, kIssued).outcome, CommandOutcome::unknown_key);
}

TEST_F(CommandVerifierTest, CommandForAnotherLockOrSiteIsWrongTarget) {
  core::Command other_lock = command(1);
  other_lock.target.lock = "back-door";
  auto verdict = lock_.verify(sealed(other_lock), kIssued);
  EXPECT_EQ(verdict.outcome, CommandOutcome::wrong_target);
  ASSERT_TRUE(verdict.command);
  EXPECT_EQ(verdict.command->target.lock, "back-door");

  core::Command other_site = command(2);
  other_site.target.site = "office";
  EXPECT_EQ(lock_.verify(sealed(other_site), kIssued).outcome, CommandOutcome::wrong_target);
}

TEST_F(CommandVerifierTest, RefusedCommandsDoNotAdvanceTheCounter) {
  core::Command elsewhere = command(500);
  elsewhere.target.lock = "back-door";
  EXPECT_EQ(lock_.verify(sealed(elsewhere), kIssued).outcome, CommandOutcome::wrong_target);
  EXPECT_EQ(lock_.verify(sealed(command(600)), kExpires + 1ms).outcome, CommandOutcome::expired);
  EXPECT_EQ(lock_.last_counter("hub"), 0U);
  EXPECT_EQ(lock_.verify(sealed(command(5)), kIssued).outcome, CommandOutcome::ok);
}

TEST_F(CommandVerifierTest, CommandAfterItsExpiryIsExpired) {
  EXPECT_EQ(lock_.verify(sealed(command(1)), kExpires + 1ms).outcome, CommandOutcome::expired);
  EXPECT_EQ(lock_.verify(sealed(command(2)), kExpires + 1h).outcome, CommandOutcome::expired);
  EXPECT_EQ(lock_.verify(sealed(command(3)), kExpires).outcome, CommandOutcome::ok);
}

TEST_F(CommandVerifierTest, CommandFromFurtherAheadThanTheSkewIsExpired) {
  // The lock's clock is 30 s behind: still accepted. 30 s + 1 ms: not yet valid.
  EXPECT_EQ(lock_.verify(sealed(command(1)), kIssued - 30s - 1ms).outcome, CommandOutcome::expired);
  EXPECT_EQ(lock_.verify(sealed(command(2)), kIssued - 30s).outcome, CommandOutcome::ok);
}

TEST_F(CommandVerifierTest, SkewIsConfigurable) {
  CommandVerifier strict(core::LockAddress{"home", "front-door"}, 0s);
  ASSERT_TRUE(strict.enroll("hub", hub_.public_key));
  EXPECT_EQ(strict.verify(sealed(command(1)), kIssued - 1ms).outcome, CommandOutcome::expired);
  EXPECT_EQ(strict.verify(sealed(command(2)), kIssued).outcome, CommandOutcome::ok);
}

TEST_F(CommandVerifierTest, BodyNamingAnotherKeyThanTheEnvelopeIsRejected) {
  // The hub's key signs a body that claims to come from "installer"; the
  // envelope says "hub". Accepting it would let one key's commands pass as another's.
  ASSERT_TRUE(lock_.enroll("installer", hub_.public_key));
  core::Command c = command(1);
  c.key_id = "installer";
  const std::string payload = protocol::seal_body("hub", protocol::encode_command_body(c), hub_.secret);
  auto verdict = lock_.verify(payload, kIssued);
  EXPECT_EQ(verdict.outcome, CommandOutcome::bad_signature);
  EXPECT_FALSE(verdict.command);
  EXPECT_EQ(verdict.command_id, "act-1");
  EXPECT_EQ(lock_.last_counter("hub"), 0U);
  EXPECT_EQ(lock_.last_counter("installer"), 0U);
}

TEST_F(CommandVerifierTest, PayloadThatIsNotAnEnvelopeIsMalformed) {
  auto verdict = lock_.verify("open sesame", kIssued);
  EXPECT_EQ(verdict.outcome, CommandOutcome::malformed);
  EXPECT_EQ(verdict.detail, "payload: not valid JSON");
  EXPECT_EQ(verdict.command_id, "");
  EXPECT_EQ(lock_.verify(R"({"v":1,"key_id":"hub","body":"{}"})", kIssued).detail, "cmd.sig: missing");
}

TEST_F(CommandVerifierTest, SignedButInvalidBodyIsMalformedAndNamesTheField) {
  const std::string body =
      R"({"v":1,"id":"act-9","site":"home","lock":"front-door","action":"lock","issued_ms":1700000000000,)"
      R"("expires_ms":1700000030000,"counter":0,"key_id":"hub"})";
  auto verdict = lock_.verify(protocol::seal_body("hub", body, hub_.secret), kIssued);
  EXPECT_EQ(verdict.outcome, CommandOutcome::malformed);
  EXPECT_EQ(verdict.detail, "cmd.body.counter: must be an integer 1..18446744073709551615");
  EXPECT_EQ(verdict.command_id, "act-9");
}

TEST_F(CommandVerifierTest, ChecksRunInTheDocumentedOrder) {
  // Unknown key wins over a bad signature, a bad signature over a wrong target,
  // a wrong target over expiry, expiry over a replay.
  auto intruder = protocol::generate_key_pair();
  ASSERT_TRUE(intruder);
  core::Command everything_wrong = command(1);
  everything_wrong.target.lock = "back-door";
  everything_wrong.key_id = "stranger";
  const Timestamp late = kExpires + 1s;
  EXPECT_EQ(lock_.verify(protocol::seal_command(everything_wrong, intruder->secret), late).outcome,
            CommandOutcome::unknown_key);
  everything_wrong.key_id = "hub";
  EXPECT_EQ(lock_.verify(protocol::seal_command(everything_wrong, intruder->secret), late).outcome,
            CommandOutcome::bad_signature);
  EXPECT_EQ(lock_.verify(sealed(everything_wrong), late).outcome, CommandOutcome::wrong_target);
  ASSERT_EQ(lock_.verify(sealed(command(50)), kIssued).outcome, CommandOutcome::ok);
  EXPECT_EQ(lock_.verify(sealed(command(50)), late).outcome, CommandOutcome::expired);
  EXPECT_EQ(lock_.verify(sealed(command(50)), kIssued).outcome, CommandOutcome::replayed);
}

TEST_F(CommandVerifierTest, RestoredCounterRejectsReplaysAfterAReboot) {
  EXPECT_EQ(lock_.verify(ex::kCommandEnvelope, kIssued).outcome, CommandOutcome::ok);
  const std::uint64_t persisted = lock_.last_counter("hub");

  CommandVerifier rebooted(core::LockAddress{"home", "front-door"});
  ASSERT_TRUE(rebooted.enroll("hub", hub_.public_key));
  ASSERT_TRUE(rebooted.restore_counter("hub", persisted));
  EXPECT_EQ(rebooted.verify(ex::kCommandEnvelope, kIssued + 5s).outcome, CommandOutcome::replayed);
  EXPECT_EQ(rebooted.verify(sealed(command(43)), kIssued + 5s).outcome, CommandOutcome::ok);
}

TEST_F(CommandVerifierTest, RestoringNeverLowersACounterAndNeedsAnEnrolledKey) {
  ASSERT_EQ(lock_.verify(sealed(command(100)), kIssued).outcome, CommandOutcome::ok);
  ASSERT_TRUE(lock_.restore_counter("hub", 3));
  EXPECT_EQ(lock_.last_counter("hub"), 100U);
  auto missing = lock_.restore_counter("installer", 3);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_F(CommandVerifierTest, UnenrolledKeyIsUnknownAndReEnrolmentKeepsItsCounter) {
  ASSERT_EQ(lock_.verify(sealed(command(7)), kIssued).outcome, CommandOutcome::ok);
  lock_.unenroll("hub");
  EXPECT_EQ(lock_.verify(sealed(command(8)), kIssued).outcome, CommandOutcome::unknown_key);
  EXPECT_EQ(lock_.last_counter("hub"), 0U);
  ASSERT_TRUE(lock_.enroll("hub", hub_.public_key));
  EXPECT_EQ(lock_.verify(sealed(command(7)), kIssued).outcome, CommandOutcome::replayed);
  EXPECT_EQ(lock_.verify(sealed(command(8)), kIssued).outcome, CommandOutcome::ok);
}

TEST_F(CommandVerifierTest, ReEnrollingAnIdWithANewKeyDropsTheOldKey) {
  auto rotated = protocol::generate_key_pair();
  ASSERT_TRUE(rotated);
  ASSERT_TRUE(lock_.enroll("hub", rotated->public_key));
  EXPECT_EQ(lock_.verify(sealed(command(1)), kIssued).outcome, CommandOutcome::bad_signature);
  EXPECT_EQ(lock_.verify(protocol::seal_command(command(2), rotated->secret), kIssued).outcome,
            CommandOutcome::ok);
}

TEST_F(CommandVerifierTest, EnrolmentRejectsBadIdsAndAFullTable) {
  auto bad = lock_.enroll("hub key", hub_.public_key);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "key_id: may contain only letters, digits, '_' and '-'");
  ASSERT_FALSE(lock_.enroll(std::string(65, 'k'), hub_.public_key));

  for (std::size_t i = 1; i < CommandVerifier::kMaxKeys; ++i) {
    ASSERT_TRUE(lock_.enroll("key-" + std::to_string(i), hub_.public_key)) << i;
  }
  auto full = lock_.enroll("one-too-many", hub_.public_key);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, ErrorCode::failed_precondition);

  lock_.unenroll("key-3");
  EXPECT_TRUE(lock_.enroll("one-too-many", hub_.public_key));
  // The hub's own slot and counter were never touched.
  EXPECT_EQ(lock_.verify(sealed(command(1)), kIssued).outcome, CommandOutcome::ok);
}

}  // namespace
}  // namespace lw::firmware
