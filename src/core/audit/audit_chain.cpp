#include "core/audit/audit_chain.h"

#include <map>

#include "base/hex.h"

namespace lw::core {
namespace {

constexpr std::string_view kRecordTag{"lockwarden-audit-v1\0", 20};
constexpr std::string_view kHeadTag{"lockwarden-audit-head-v1\0", 25};

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out += static_cast<char>((v >> static_cast<unsigned>(shift)) & 0xFFU);
}

void put_text(std::string& out, std::string_view text) {
  put_u64(out, text.size());
  out += text;
}

void put_hash(std::string& out, const AuditHash& h) {
  out.append(reinterpret_cast<const char*>(h.data()),
             h.size());  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string rec(std::uint64_t seq) { return "record " + std::to_string(seq); }

AuditVerdict problem(AuditVerdict v, AuditProblem p, std::uint64_t seq, std::string message) {
  v.problem = p;
  v.first_bad = seq;
  v.message = std::move(message);
  return v;
}

}  // namespace

std::string chain_input(std::uint64_t seq, const AuditEntry& e, const AuditHash& prev) {
  std::string out(kRecordTag);
  put_u64(out, seq);
  put_u64(out, static_cast<std::uint64_t>(to_epoch_ms(e.time)));
  put_text(out, e.actor);
  put_text(out, e.action);
  put_text(out, e.target);
  put_text(out, e.detail);
  put_text(out, e.outcome);
  put_hash(out, prev);
  return out;
}

std::string head_input(std::uint64_t seq, const AuditHash& hash) {
  std::string out(kHeadTag);
  put_u64(out, seq);
  put_hash(out, hash);
  return out;
}

std::string to_hex(const AuditHash& hash) { return lw::to_hex(hash.data(), hash.size()); }

Result<AuditHash> hash_from_hex(std::string_view field, std::string_view hex) {
  AuditHash h{};
  if (hex.size() != h.size() * 2) return invalid_argument(field, "must be 64 hex digits");
  for (std::size_t i = 0; i < h.size(); ++i) {
    const int hi = hex_digit(hex[2 * i]);
    const int lo = hex_digit(hex[(2 * i) + 1]);
    if (hi < 0 || lo < 0) return invalid_argument(field, "must be 64 hex digits");
    h[i] = static_cast<unsigned char>((hi << 4) | lo);
  }
  return h;
}

std::string_view to_string(AuditProblem p) noexcept {
  switch (p) {
    case AuditProblem::none: return "none";
    case AuditProblem::edited: return "edited";
    case AuditProblem::reordered: return "reordered";
    case AuditProblem::missing: return "missing";
    case AuditProblem::truncated: return "truncated";
    case AuditProblem::head_mismatch: return "head_mismatch";
    case AuditProblem::stale_head: return "stale_head";
  }
  return "none";
}

AuditHash chain_hash(std::uint64_t seq, const AuditEntry& entry, const AuditHash& prev, const AuditMac& mac) {
  return mac(chain_input(seq, entry, prev));
}

AuditVerdict verify_chain(const std::vector<StoredAuditRecord>& records, const AuditHead& head,
                          const AuditMac& mac) {
  AuditVerdict v;
  v.records = records.size();
  v.last_seq = records.empty() ? 0 : records.back().seq;
  std::map<AuditHash, std::uint64_t> seq_of_hash;  // what each row claims, to trace moved rows
  for (const StoredAuditRecord& r : records) seq_of_hash.emplace(r.hash, r.seq);

  // The number a row that fails as stored was written under, if any: first
  // after the row its stored predecessor hash names, else by trying them all.
  auto written_as = [&](const StoredAuditRecord& r) -> std::optional<std::uint64_t> {
    std::optional<std::uint64_t> guess;
    if (r.prev == AuditHash{}) guess = 1;
    if (auto it = seq_of_hash.find(r.prev); it != seq_of_hash.end()) guess = it->second + 1;
    if (guess && *guess != r.seq && chain_hash(*guess, r.entry, r.prev, mac) == r.hash) return guess;
    const std::uint64_t bound = v.last_seq + records.size() + 1;
    for (std::uint64_t s = 1; s <= bound; ++s) {
      if (s != r.seq && chain_hash(s, r.entry, r.prev, mac) == r.hash) return s;
    }
    return std::nullopt;
  };

  AuditHash expected_prev{};
  std::uint64_t expected_seq = 1;
  for (const StoredAuditRecord& r : records) {
    if (r.seq != expected_seq) {
      const std::string where = expected_seq == 1
                                    ? "the log starts at " + rec(r.seq)
                                    : "the log jumps from " + rec(expected_seq - 1) + " to " + rec(r.seq);
      return problem(v, AuditProblem::missing, expected_seq, rec(expected_seq) + " is missing: " + where);
    }
    if (chain_hash(r.seq, r.entry, r.prev, mac) != r.hash) {
      if (auto s = written_as(r)) {
        const bool predecessor_gone = r.prev != AuditHash{} && !seq_of_hash.contains(r.prev);
        if (predecessor_gone) {
          return problem(v, AuditProblem::missing, r.seq,
                         rec(r.seq) + " was written as " + rec(*s) +
                             " after a record that is no longer in the log: records were deleted and "
                             "the rest renumbered");
        }
        return problem(v, AuditProblem::reordered, r.seq,
                       rec(r.seq) + " is out of order: it was written as " + rec(*s));
      }
      return problem(v, AuditProblem::edited, r.seq,
                     rec(r.seq) + " was edited: its content does not match its hash");
    }
    if (r.prev != expected_prev) {
      return problem(v, AuditProblem::missing, r.seq,
                     rec(r.seq) + " does not follow " + rec(r.seq - 1) +
                         ": the record written before it is no longer in the log");
    }
    expected_prev = r.hash;
    expected_seq = r.seq + 1;
  }

  if (head.seq > v.last_seq) {
    if (v.last_seq == 0) {
      return problem(v, AuditProblem::truncated, 1,
                     "the log is empty but the signed head says it reached " + rec(head.seq) +
                         ": every record was deleted");
    }
    return problem(v, AuditProblem::truncated, v.last_seq + 1,
                   "the log ends at " + rec(v.last_seq) + " but the signed head says it reached " +
                       rec(head.seq) + ": " +
                       (head.seq == v.last_seq + 1 ? rec(head.seq) + " was"
                                                   : "records " + std::to_string(v.last_seq + 1) + ".." +
                                                         std::to_string(head.seq) + " were") +
                       " deleted (truncated tail)");
  }
  if (head.seq > 0 && records[head.seq - 1].hash != head.hash) {
    return problem(v, AuditProblem::head_mismatch, head.seq,
                   rec(head.seq) + " is not the record the hub signed in the head: the log was replaced");
  }
  if (head.seq < v.last_seq) {
    return problem(v, AuditProblem::stale_head, head.seq + 1,
                   "the signed head is older than the log: it ends at " + rec(head.seq) +
                       " but the log goes on to " + rec(v.last_seq) +
                       " (an older copy of audit.head, or the hub stopped between writing " +
                       rec(head.seq + 1) + " and updating the head)");
  }
  return v;
}

}  // namespace lw::core
