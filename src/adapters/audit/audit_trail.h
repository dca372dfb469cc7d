// AuditTrail: the hub's tamper-evident audit log — the core::AuditLog port over
// the `audit_log` table, a keyed hash chain and a signed head
// (docs/storage.md, "Schema version 5 (audit log)"; docs/security.md).
//
// Files in the data directory, outside the database:
//   audit.key   32 random bytes (base64), mode 0600, created on the first
//               start; the key of the chain's keyed BLAKE2b-256. Never logged.
//   audit.head  the last record's seq and hash, signed with the hub's Ed25519
//               key (hub.key); rewritten atomically (temp file, fsync, rename,
//               fsync of the directory) after every append.
//
// Someone who can write the database but not these files cannot make a record
// that verifies (no key), cannot drop records at the end unseen (the head names
// the last one) and cannot roll the head back (it is signed).
//
// At open the whole log is checked; the hub does not start on a log that fails
// (the error names the first bad record). The one repair made is for a crash
// between a record's commit and the head's update: a head exactly one record
// behind an otherwise intact log is moved on, and that is itself recorded
// ("audit.head_behind").
//
// Example:
//   auto trail = AuditTrail::open({data_dir, db_path}, hub_keys, clock.now());
//   if (!trail) return trail.error();
//   hub.set_audit_log(**trail);
//
// Threading: not thread-safe; the hub's event loop uses it. Blocking I/O
// (two fsyncs per append).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "adapters/sqlite/audit_table.h"
#include "core/audit/audit_chain.h"
#include "core/ports/audit_log.h"
#include "protocol/envelope.h"

namespace lw::adapters::audit {

struct AuditPaths {
  std::string data_dir;  ///< holds hub.key, audit.key and audit.head
  std::string database;  ///< the hub's SQLite file
  [[nodiscard]] std::string key_file() const { return data_dir + "/audit.key"; }
  [[nodiscard]] std::string head_file() const { return data_dir + "/audit.head"; }
  [[nodiscard]] std::string hub_key_file() const { return data_dir + "/hub.key"; }
};

/// The 32-byte chain key. Its bytes never leave except into the key file; it
/// wipes them on destruction.
class AuditKey {
 public:
  static constexpr std::size_t kBytes = 32;
  /// Reads `path`. Errors: not_found, permission_denied (readable by others:
  /// chmod 600), corruption (not base64 of 32 bytes), unavailable.
  static Result<AuditKey> load(const std::string& path);
  /// A fresh random key written to `path` (0600). Errors: unavailable, internal.
  static Result<AuditKey> create(const std::string& path);
  AuditKey(const AuditKey&) = default;
  AuditKey& operator=(const AuditKey&) = default;
  ~AuditKey();
  /// Keyed BLAKE2b-256 of `bytes` (crypto_generichash).
  [[nodiscard]] core::AuditHash mac(std::string_view bytes) const;
  [[nodiscard]] core::AuditMac as_mac() const;

 private:
  AuditKey() = default;
  std::array<unsigned char, kBytes> bytes_{};
};

class AuditTrail final : public core::AuditLog {
 public:
  /// Opens the log (creating the table, the key and an empty head on a fresh
  /// data directory) and checks it. `hub` signs the head. Errors:
  /// failed_precondition (the log fails its check, or audit.key / audit.head is
  /// missing while records exist; the message says which record and why),
  /// permission_denied (audit.key readable by others), the store's errors.
  static Result<std::unique_ptr<AuditTrail>> open(const AuditPaths& paths, const protocol::KeyPair& hub,
                                                  Timestamp now);

  /// Errors: unavailable (not written), corruption (the table no longer ends
  /// where this hub left it: nothing is appended), or unavailable with
  /// "audit.head: ..." when the record is stored but the head could not be
  /// rewritten (the next append rewrites it).
  Result<std::uint64_t> append(const core::AuditEntry& entry) override;
  Result<std::vector<core::AuditRecord>> list(std::uint64_t since_seq, int limit) override;
  [[nodiscard]] std::uint64_t last_seq() const { return head_.seq; }

 private:
  AuditTrail(AuditPaths paths, std::unique_ptr<sqlite::AuditTable> table, const AuditKey& key,
             protocol::KeyPair hub, core::AuditHead head);

  AuditPaths paths_;
  std::unique_ptr<sqlite::AuditTable> table_;
  AuditKey key_;
  protocol::KeyPair hub_;
  core::AuditHead head_;
};

/// What `lockwarden audit verify` found.
struct AuditCheck {
  std::uint64_t records{0};
  /// "none", or what is wrong: edited, reordered, missing, truncated,
  /// head_mismatch, stale_head, missing_key, missing_head, bad_head,
  /// bad_head_signature, unreadable.
  std::string problem{"none"};
  std::uint64_t first_bad{0};  ///< the record named, 0 when none
  std::string message;         ///< one line for people
  [[nodiscard]] bool intact() const { return problem == "none"; }
};

/// Checks the log in `paths` without changing anything: the chain under
/// audit.key, and the head's signature under the public half of hub.key.
AuditCheck verify_audit(const AuditPaths& paths);

/// Writes a signed head for (seq, hash) to `path` atomically. For the trail
/// and for tests. Errors: unavailable.
Result<void> write_head(const std::string& path, const core::AuditHead& head,
                        const protocol::SigningKey& key);

}  // namespace lw::adapters::audit
