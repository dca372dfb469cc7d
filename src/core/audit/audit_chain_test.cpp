#include "core/audit/audit_chain.h"

#include <gtest/gtest.h>

#include "core/audit/audit_detail.h"

namespace lw::core {
namespace {

/// A stand-in for the keyed hash: deterministic and sensitive to every byte
/// (FNV-1a lanes). Not a MAC; the adapter's tests use keyed BLAKE2b.
AuditHash fake_mac(std::string_view bytes) {
  AuditHash out{};
  for (std::size_t lane = 0; lane < out.size(); ++lane) {
    std::uint64_t h = 1469598103934665603ULL ^ (lane * 0x9e3779b97f4a7c15ULL);
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
    out[lane] = static_cast<unsigned char>(h >> 24U);
  }
  return out;
}

class AuditChainTest : public ::testing::Test {
 protected:
  AuditChainTest() {
    for (int i = 1; i <= 6; ++i) append("api:127.0.0.1", "command.request", "lock:door-" + std::to_string(i));
  }
  void append(const std::string& actor, const std::string& action, const std::string& target) {
    StoredAuditRecord r;
    r.seq = log_.size() + 1;
    r.entry = {from_epoch_ms(1'764'763'200'000 + static_cast<std::int64_t>(r.seq)),
               actor,
               action,
               target,
               audit_detail({{"action", "unlock"}}),
               "accepted"};
    if (!log_.empty()) r.prev = log_.back().hash;
    r.hash = chain_hash(r.seq, r.entry, r.prev, mac_);
    log_.push_back(r);
  }
  [[nodiscard]] AuditHead head() const { return {log_.back().seq, log_.back().hash}; }
  AuditVerdict verify(const AuditHead& h) const { return verify_chain(log_, h, mac_); }

  AuditMac mac_ = fake_mac;
  std::vector<StoredAuditRecord> log_;
};

TEST_F(AuditChainTest, UntouchedLogIsIntact) {
  AuditVerdict v = verify(head());
  EXPECT_TRUE(v.intact()) << v.message;
  EXPECT_EQ(v.records, 6U);
  EXPECT_EQ(v.last_seq, 6U);
}

TEST_F(AuditChainTest, EmptyLogWithEmptyHeadIsIntact) {
  EXPECT_TRUE(verify_chain({}, AuditHead{}, mac_).intact());
}

TEST_F(AuditChainTest, EditedDetailNamesTheRecord) {
  const AuditHead signed_head = head();
  log_[2].entry.detail = audit_detail({{"action", "lock"}});
  AuditVerdict v = verify(signed_head);
  EXPECT_EQ(v.problem, AuditProblem::edited);
  EXPECT_EQ(v.first_bad, 3U);
  EXPECT_EQ(v.message, "record 3 was edited: its content does not match its hash");
}

TEST_F(AuditChainTest, EditedRecordWithRecomputedUnkeyedHashIsStillEdited) {
  const AuditHead signed_head = head();
  log_[1].entry.actor = "hub";
  log_[1].hash = fake_mac("an attacker's guess at the hash");
  EXPECT_EQ(verify(signed_head).problem, AuditProblem::edited);
}

TEST_F(AuditChainTest, SwappedRecordsAreOutOfOrder) {
  const AuditHead signed_head = head();
  std::swap(log_[2], log_[4]);
  log_[2].seq = 3;
  log_[4].seq = 5;
  AuditVerdict v = verify(signed_head);
  EXPECT_EQ(v.problem, AuditProblem::reordered);
  EXPECT_EQ(v.first_bad, 3U);
  EXPECT_EQ(v.message, "record 3 is out of order: it was written as record 5");
}

TEST_F(AuditChainTest, DeletedMiddleRecordIsMissing) {
  const AuditHead signed_head = head();
  log_.erase(log_.begin() + 3);
  AuditVerdict v = verify(signed_head);
  EXPECT_EQ(v.problem, AuditProblem::missing);
  EXPECT_EQ(v.first_bad, 4U);
  EXPECT_EQ(v.message, "record 4 is missing: the log jumps from record 3 to record 5");
}

TEST_F(AuditChainTest, DeletedFirstRecordIsMissing) {
  const AuditHead signed_head = head();
  log_.erase(log_.begin());
  AuditVerdict v = verify(signed_head);
  EXPECT_EQ(v.problem, AuditProblem::missing);
  EXPECT_EQ(v.first_bad, 1U);
  EXPECT_EQ(v.message, "record 1 is missing: the log starts at record 2");
}

TEST_F(AuditChainTest, DeletedRecordWithTheRestRenumberedIsMissing) {
  const AuditHead signed_head = head();
  log_.erase(log_.begin() + 3);
  for (std::size_t i = 3; i < log_.size(); ++i) log_[i].seq = i + 1;
  AuditVerdict v = verify(signed_head);
  EXPECT_EQ(v.problem, AuditProblem::missing);
  EXPECT_EQ(v.first_bad, 4U);
  EXPECT_NE(v.message.find("record 4 was written as record 5 after a record that is no longer in the log"),
            std::string::npos)
      << v.message;
}

TEST_F(AuditChainTest, DeletedTailIsTruncated) {
  const AuditHead signed_head = head();
  log_.resize(4);
  AuditVerdict v = verify(signed_head);
  EXPECT_EQ(v.problem, AuditProblem::truncated);
  EXPECT_EQ(v.first_bad, 5U);
  EXPECT_EQ(
      v.message,
      "the log ends at record 4 but the signed head says it reached record 6: records 5..6 were deleted "
      "(truncated tail)");
}

TEST_F(AuditChainTest, EveryRecordDeletedIsTruncated) {
  const AuditHead signed_head = head();
  log_.clear();
  AuditVerdict v = verify(signed_head);
  EXPECT_EQ(v.problem, AuditProblem::truncated);
  EXPECT_EQ(v.first_bad, 1U);
  EXPECT_EQ(v.message,
            "the log is empty but the signed head says it reached record 6: every record was deleted");
}

TEST_F(AuditChainTest, OlderHeadIsStale) {
  AuditHead older{log_[3].seq, log_[3].hash};
  AuditVerdict v = verify(older);
  EXPECT_EQ(v.problem, AuditProblem::stale_head);
  EXPECT_EQ(v.first_bad, 5U);
  EXPECT_NE(v.message.find("an older copy of audit.head"), std::string::npos) << v.message;
}

TEST_F(AuditChainTest, HeadForAnotherRecordIsAMismatch) {
  AuditHead other{6, log_[2].hash};
  AuditVerdict v = verify(other);
  EXPECT_EQ(v.problem, AuditProblem::head_mismatch);
  EXPECT_EQ(v.first_bad, 6U);
}

TEST(AuditChainEncoding, FieldBoundariesChangeTheBytes) {
  AuditEntry a{from_epoch_ms(1), "ab", "c", "t", "{}", "ok"};
  AuditEntry b{from_epoch_ms(1), "a", "bc", "t", "{}", "ok"};
  EXPECT_NE(chain_input(1, a, {}), chain_input(1, b, {}));
  EXPECT_NE(chain_input(1, a, {}), chain_input(2, a, {}));
  AuditHash prev{};
  prev[31] = 1;
  EXPECT_NE(chain_input(1, a, {}), chain_input(1, a, prev));
  EXPECT_NE(head_input(1, {}), head_input(2, {}));
}

TEST(AuditChainEncoding, HashRoundTripsThroughHex) {
  AuditHash h = fake_mac("x");
  auto back = hash_from_hex("hash", to_hex(h));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, h);
  EXPECT_FALSE(hash_from_hex("hash", "zz"));
  EXPECT_EQ(hash_from_hex("hash", std::string(64, 'g')).error().message, "hash: must be 64 hex digits");
}

TEST(AuditDetail, WritesAFlatJsonObjectWithEscapes) {
  EXPECT_EQ(audit_detail({}), "{}");
  EXPECT_EQ(audit_detail({{"action", "unlock"}, {"note", "say \"hi\"\\\n\x01"}}),
            R"({"action":"unlock","note":"say \"hi\"\\\n\u0001"})");
}

}  // namespace
}  // namespace lw::core
