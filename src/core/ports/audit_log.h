// Port: the tamper-evident audit log (docs/security.md, docs/storage.md
// "Schema version 5 (audit log)"). The Hub appends one entry for every
// command (requested, sent, its result), every administrative action
// (registrations, case outcomes, confirmed causes, start and stop) and what
// other parts report through Hub::audit (code and account changes).
//
// The adapter (src/adapters/audit) numbers entries 1, 2, 3, ... and chains
// them with a keyed hash, so an edited, reordered or deleted record is found
// by `lockwarden audit verify`.
//
// Contract: when append returns success the record survives kill -9; an
// append that fails wrote nothing. Errors: `unavailable` (disk full, database
// locked, head file unwritable), `corruption`, `internal`.
// Threading: called only from the owning event loop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace lw::core {

/// One thing that happened, as the caller describes it.
struct AuditEntry {
  Timestamp time{};     ///< when (hub clock, ms); Hub::audit stamps it
  std::string actor;    ///< who: "hub", "api:127.0.0.1", "cli", "lock:front-door" or a user id later
  std::string action;   ///< what: "command.request", "lock.register", "case.outcome", ...
  std::string target;   ///< on what: "lock:front-door", "case:12", "hub:hub-1"
  std::string detail;   ///< a JSON object of string values (audit_detail), "{}" when none
  std::string outcome;  ///< how it ended: "ok", "accepted", "rejected", "sent", "succeeded", ...
  friend bool operator==(const AuditEntry&, const AuditEntry&) = default;
};

/// An entry as stored: its number in the log and its chain hash.
struct AuditRecord {
  std::uint64_t seq{0};  ///< 1, 2, 3, ... in the order appended
  AuditEntry entry;
  std::string hash;  ///< the record's chain hash, 64 lower-case hex digits
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  /// Appends `entry` after the last record; returns its seq.
  virtual Result<std::uint64_t> append(const AuditEntry& entry) = 0;
  /// Up to `limit` records with seq > since_seq, oldest first.
  virtual Result<std::vector<AuditRecord>> list(std::uint64_t since_seq, int limit) = 0;
};

}  // namespace lw::core
