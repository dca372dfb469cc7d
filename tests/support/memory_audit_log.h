// MemoryAuditLog: an AuditLog in memory that keeps every entry in order and
// can be told to fail (a full disk), with a hook to look at the log at the
// moment something else happens (e.g. when a command is sent).
// Threading: single-threaded, like the Hub that uses it.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "core/ports/audit_log.h"

namespace lw::testing {

class MemoryAuditLog final : public core::AuditLog {
 public:
  Result<std::uint64_t> append(const core::AuditEntry& entry) override {
    if (failing_) return unavailable("disk full");
    entries_.push_back(entry);
    return static_cast<std::uint64_t>(entries_.size());
  }
  Result<std::vector<core::AuditRecord>> list(std::uint64_t since_seq, int limit) override {
    std::vector<core::AuditRecord> out;
    for (std::size_t i = since_seq; i < entries_.size() && out.size() < static_cast<std::size_t>(limit);
         ++i) {
      out.push_back({i + 1, entries_[i], std::string(64, '0')});
    }
    return out;
  }
  void set_failing(bool failing) { failing_ = failing; }
  [[nodiscard]] const std::vector<core::AuditEntry>& entries() const { return entries_; }
  /// The entries whose action is `action`, in order.
  [[nodiscard]] std::vector<core::AuditEntry> with_action(const std::string& action) const {
    std::vector<core::AuditEntry> out;
    std::copy_if(entries_.begin(), entries_.end(), std::back_inserter(out),
                 [&](const core::AuditEntry& e) { return e.action == action; });
    return out;
  }

 private:
  std::vector<core::AuditEntry> entries_;
  bool failing_{false};
};

}  // namespace lw::testing
