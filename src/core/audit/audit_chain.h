// The audit log's hash chain: the exact bytes each record's hash covers, the
// bytes the signed head covers, and the check that finds the first edited,
// reordered, missing or truncated record (docs/storage.md, "Schema version 5
// (audit log)").
//
// Record k's hash is MAC(chain_input(k, entry, hash of record k-1)), record 1
// chaining from 32 zero bytes. The MAC is a keyed hash (the adapter uses
// keyed BLAKE2b-256 with the key in <data_dir>/audit.key); it is passed in,
// so this code stays pure. The head (last seq and hash) is signed by the hub;
// the caller checks that signature and hands over the head it vouches for.
//
// chain_input is unambiguous: a domain tag, seq and time as fixed-width
// big-endian integers, each text field as a 64-bit big-endian length and its
// bytes, then the previous hash — no two different records encode alike.
//
// Threading: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/audit_log.h"

namespace lw::core {

inline constexpr std::size_t kAuditHashBytes = 32;
using AuditHash = std::array<unsigned char, kAuditHashBytes>;
/// The keyed hash of a byte string.
using AuditMac = std::function<AuditHash(std::string_view bytes)>;

/// "lockwarden-audit-v1\0" seq:u64 time_ms:i64 (len:u64 bytes) x5 prev:32 bytes.
std::string chain_input(std::uint64_t seq, const AuditEntry& entry, const AuditHash& prev);
/// "lockwarden-audit-head-v1\0" seq:u64 hash:32 bytes: what the hub signs.
std::string head_input(std::uint64_t seq, const AuditHash& hash);

/// 64 lower-case hex digits.
std::string to_hex(const AuditHash& hash);
/// Errors: invalid_argument ("<field>: must be 64 hex digits").
Result<AuditHash> hash_from_hex(std::string_view field, std::string_view hex);

/// A row as read back from storage, before anything is trusted.
struct StoredAuditRecord {
  std::uint64_t seq{0};
  AuditEntry entry;
  AuditHash prev{};  ///< the previous record's hash as the row says
  AuditHash hash{};  ///< the row's own hash as the row says
};

/// The last record the hub vouched for (its signature already checked).
struct AuditHead {
  std::uint64_t seq{0};
  AuditHash hash{};
};

enum class AuditProblem {
  none,
  edited,         ///< a record's content does not match its hash
  reordered,      ///< an authentic record sits at another position than it was written
  missing,        ///< a record in the middle was deleted
  truncated,      ///< records at the end were deleted (the head says the log went further)
  head_mismatch,  ///< the record the head names is not the one the hub signed
  stale_head,     ///< the head is older than the log (an old copy, or a crash before its update)
};

std::string_view to_string(AuditProblem problem) noexcept;

struct AuditVerdict {
  std::uint64_t records{0};  ///< rows read
  std::uint64_t last_seq{0};
  AuditProblem problem{AuditProblem::none};
  std::uint64_t first_bad{0};  ///< the record named (0 when none)
  std::string message;         ///< "record 7 was edited: ..."; empty when intact
  [[nodiscard]] bool intact() const { return problem == AuditProblem::none; }
};

/// Checks `records` (ordered by seq, as stored) against the chain and `head`.
/// Reports the first problem only, naming the record.
AuditVerdict verify_chain(const std::vector<StoredAuditRecord>& records, const AuditHead& head,
                          const AuditMac& mac);

/// The hash `record` would have if appended after `prev` as number `seq`.
AuditHash chain_hash(std::uint64_t seq, const AuditEntry& entry, const AuditHash& prev, const AuditMac& mac);

}  // namespace lw::core
