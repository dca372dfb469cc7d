// `lockwarden audit verify` and `lockwarden audit list`: the audit log read
// straight from the hub's files (docs/storage.md, "Schema version 5 (audit
// log)"), without a running hub and without changing anything.
//
// The files: --config FILE takes data_dir and [store].path from the hub's
// configuration; else --data-dir D (default ./data, the hub's default) with
// the database at D/lockwarden.db.
//
// verify: exit 0 and "audit: N records, chain intact, head signed by this hub",
// or exit 1 and "audit: FAILED: <what is wrong, naming the first bad record>".
// --json: {"intact":true,"records":N,"problem":"none","first_bad":null,
//          "message":"..."}; problem is one of AuditCheck's (edited,
// reordered, missing, truncated, head_mismatch, stale_head, missing_key,
// missing_head, bad_head, bad_head_signature, unreadable).
//
// list: the records with seq > --since-seq, at most --limit, oldest first, one
// a line ("7 2026-12-03T14:02:11.482Z user:admin@127.0.0.1 command.request
// lock:front-door accepted {...}"), or with --json the API's page.
//
// Threading: single-threaded, blocking.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace lw::app {

struct AuditOptions {
  std::string config;              ///< the hub's configuration file (optional)
  std::string data_dir{"./data"};  ///< used when no --config is given
  bool json{false};
  std::uint64_t since_seq{0};  ///< list only
  int limit{50};               ///< list only: 1..1000
};

int cmd_audit_verify(const AuditOptions& options, std::ostream& out, std::ostream& err);
int cmd_audit_list(const AuditOptions& options, std::ostream& out, std::ostream& err);

}  // namespace lw::app
