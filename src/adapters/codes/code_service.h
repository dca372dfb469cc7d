// CodeService: keypad codes from the hub's side, end to end — the CodeSync
// state machine (core) plus what it cannot do in the pure core: sealing each
// PIN to its lock's box key, signing and sending the code commands through the
// hub's DeviceLink with the hub's durable command counter, giving each lock
// its site's code key, computing the digests the locks should report, and
// turning wrong-PIN digests from all doors of a site into alerts
// (WrongCodeWatch).
//
// PINs come from a PinSource (the sealed vault of the hub's store) only at
// the moment they are sealed for a lock; the service keeps no PIN and logs
// none. Notices (set, failed, removed, drift, wrong-code alerts) go to the
// `notify` callback, which records them as events.
//
// Threading: single-threaded; owned by the hub's event loop.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "core/codes/code_sync.h"
#include "core/codes/wrong_code_watch.h"
#include "core/lock/messages.h"
#include "core/ports/device_link.h"
#include "core/ports/store.h"
#include "protocol/code_crypto.h"

namespace lw::adapters::codes {

/// The PIN of a code, opened from its sealed form for as long as the caller
/// needs it. Errors: not_found (no such code), corruption (it does not open).
using PinSource = std::function<Result<std::string>(const std::string& code_id)>;

class CodeService {
 public:
  struct Options {
    std::string key_id{"hub"};  ///< the key that signs code commands
    Duration command_ttl{30s};
    core::CodeSync::Options sync;
    core::WrongCodeWatch::Options wrong_codes;
  };
  /// Everything the hub should record: a code's state change or drift, or a
  /// site-wide wrong-code alert (notice.kind is then `failed`-free: see alert).
  struct Notice {
    std::optional<core::CodeNotice> code;
    std::optional<core::WrongCodeAlert> wrong_codes;
  };

  CodeService(core::DeviceLink& link, core::Store& store, PinSource pins, Options options);

  /// The site's code key (from the key file); locks of the site receive it sealed.
  void set_site_key(const SiteId& site, const protocol::CodeKey& key) { site_keys_[site] = key; }

  /// Wants code `code_id` (user, PIN, schedule) in `slot` of `lock`.
  /// Errors: as the PinSource (the digest is computed from the PIN).
  Result<void> put(const std::string& code_id, const core::LockAddress& lock, int slot, std::uint16_t user,
                   const core::CodeSchedule& schedule, Timestamp now);
  void remove(const std::string& code_id, const core::LockAddress& lock, Timestamp now) {
    sync_.remove(code_id, lock, now);
  }

  void lock_online(const core::LockAddress& lock, Timestamp now) { sync_.lock_online(lock, now); }
  void lock_offline(const core::LockAddress& lock) { sync_.lock_offline(lock); }
  void request_readback(const core::LockAddress& lock, Timestamp now) { sync_.request_readback(lock, now); }
  /// The lock was paired again in person (CodeSync::accept_box_key): after a
  /// reset its new box key is taken, and the site's code key and every code
  /// are written back (a `restored` notice, now or with the lock's answer).
  std::vector<Notice> restore(const core::LockAddress& lock, Timestamp now);
  [[nodiscard]] core::CodeBackup backup(const core::LockAddress& lock, Timestamp now) const {
    return sync_.backup(lock, now);
  }

  /// Sends what is due and expires what timed out. Call from the hub's tick.
  std::vector<Notice> tick(Timestamp now);
  /// A lock's answer to a command (any: results of other commands are ignored).
  std::vector<Notice> on_result(const core::LockAddress& lock, const core::CommandResult& result,
                                Timestamp now);
  /// A lock's event: wrong-PIN alarms with a digest feed the site-wide watch.
  std::vector<Notice> on_event(const core::LockAddress& lock, const core::DeviceEvent& event);

  [[nodiscard]] const core::CodeSync& sync() const { return sync_; }
  core::CodeSync& sync() { return sync_; }

 private:
  Result<std::string> send(const core::LockAddress& lock, core::CodeCommand command, Timestamp now);
  static std::string key(const core::LockAddress& lock) { return lock.site + "/" + lock.lock; }
  void forget_code_key(const core::CodeNotice& n);

  core::DeviceLink& link_;
  core::Store& store_;
  PinSource pins_;
  Options options_;
  core::CodeSync sync_;
  core::WrongCodeWatch watch_;
  std::map<SiteId, protocol::CodeKey> site_keys_;
  std::map<std::string, std::string> code_key_in_flight_;  // lock → command id of its set_code_key
  std::map<std::string, bool> code_key_given_;             // lock → confirmed
};

}  // namespace lw::adapters::codes
