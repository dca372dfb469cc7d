// CodeSync: the hub's record of which keypad code should be in which slot of
// which lock, and whether the lock really holds it (docs/protocol.md section
// 8; docs/api.md "Access codes"). It does not trust its own writes: a code is
// `set` only when the lock's answer shows the slot holding it, and every
// read-back of a lock is compared with what the hub wrote.
//
// Per code per lock (a SyncEntry) the state is
//   pending  → the set_code command is due or on its way
//   set      → the lock's answer showed the slot holding it
//   failed   → the lock refused it, or it was not confirmed within
//              Options::give_up_after (reason says which)
//   removing → the clear_code command is due or on its way
//   removed  → the lock's answer showed the slot empty (kept for history)
// An attempt that gets no answer within Options::answer_timeout is retried
// with back-off (answer_timeout doubling up to max_backoff). While the lock is
// offline nothing is sent and no attempt is counted; when it comes back
// (lock_online) everything due for it is sent at once, and a read-back is due.
//
// Drift: a read-back (on_readback) of a lock is compared with the entries of
// that lock (but for codes the lock confirmed while its pages were being
// read, which the next read-back checks): a `set` code the lock lacks (missing), holds with another user or
// schedule (schedule_differs) or another PIN (pin_differs: the keyed digests
// differ) is reported and re-sent (back to pending); a slot the hub never
// wrote (extra) is reported and left alone — a person may have added it at
// the lock on purpose, and only they can say.
//
// Backup: after a complete read-back in which every slot the lock holds is one
// the hub wrote (no `extra`), the hub holds a verified backup of the lock's
// codes: it can write them all again, PINs included (sealed in its vault),
// after a re-pair or a factory reset. The backup is verified for
// 2 x Options::readback_interval after that read-back, and not at all once a
// read-back finds a slot the hub cannot restore.
//
// Restore: a factory reset gives the lock a new box key, which the hub does
// not take on its word (box_key_changed). Once the lock is paired again in
// person, accept_box_key takes the new key — the one it already answered
// with, or the first it answers with in the next 10 minutes — and writes every
// code the lock should hold again (set -> pending; a `restored` notice).
//
// Pure: no I/O, no clock; every call takes `now`. The caller sends what due()
// returns through the lock's link and tells sent()/send_failed(); results go
// to on_result(). Entries are values the caller persists (entries()/restore()).
//
// Threading: single-threaded; owned by one event loop.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/time.h"
#include "core/lock/credentials.h"
#include "core/lock/messages.h"

namespace lw::core {

/// A keypad PIN lockwarden accepts: 4..10 digits.
constexpr bool valid_pin(std::string_view pin) noexcept {
  if (pin.size() < 4 || pin.size() > 10) return false;
  for (char c : pin) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

enum class SyncState { pending, set, failed, removing, removed };
std::string_view to_string(SyncState v) noexcept;
std::optional<SyncState> parse_sync_state(std::string_view s) noexcept;

/// What the hub wants one slot of one lock to hold.
struct CodeTarget {
  std::string code_id;
  LockAddress lock;
  int slot{1};
  std::uint16_t user{1};
  CodeSchedule schedule{};
  /// The keyed digest the lock should report for this slot (protocol::code_digest
  /// under the site's code key); empty when the hub cannot know it yet.
  std::string expected_digest;
};

struct SyncEntry {
  CodeTarget target;
  SyncState state{SyncState::pending};
  int attempts{0};                       ///< sends of the current write
  Timestamp since{};                     ///< when the current write (set or clear) began
  Timestamp next_attempt{};              ///< when to send (again)
  std::optional<std::string> in_flight;  ///< the command id awaiting its answer
  std::string reason;                    ///< failed: why; otherwise the last drift or refusal
  Timestamp updated_at{};
};

/// What the hub keeps of a lock's settings (LockSettings: the keypad's
/// wrong-PIN limit and lockout, the auto-relock time, the sound volume): set
/// through the hub, the lock is held to them (it may tell more); otherwise
/// they are the lock's own as its read-backs tell them. Either way they are
/// written back after a factory reset.
struct SettingsEntry {
  LockAddress lock;
  LockSettings settings{};
  bool from_hub{false};             ///< set through the hub (a lock that differs is written again)
  SyncState state{SyncState::set};  ///< pending (to write), set (the lock holds them) or failed
  int attempts{0};
  Timestamp since{};
  Timestamp next_attempt{};
  std::optional<std::string> in_flight;
  std::string reason;  ///< failed: why; otherwise the last drift or refusal
  Timestamp updated_at{};
  friend bool operator==(const SettingsEntry&, const SettingsEntry&) = default;
};

/// What the hub could write back to a lock after a re-pair or factory reset.
struct CodeBackup {
  bool verified{false};      ///< a fresh, complete read-back found nothing the hub cannot restore
  Timestamp checked_at{};    ///< that read-back
  int codes{0};              ///< codes the hub would write back
  std::vector<int> unknown;  ///< slots of the last read-back the hub did not write (not restorable)
  /// The settings it would write back; absent for a lock that tells none. A
  /// lock that tells them is verified only once the hub holds them.
  std::optional<LockSettings> settings;
};

/// Something to send to a lock.
struct CodeSend {
  LockAddress lock;
  CodeCommand command;  ///< `sealed` is empty: the sender seals the PIN of `code_id`
  std::string code_id;  ///< empty for a read-back
};

enum class CodeNoticeKind {
  set,               ///< the lock holds the code (for the webhook access_code.set, once wired)
  failed,            ///< gave up or refused
  removed,           ///< the lock's slot is empty
  missing,           ///< drift: a set code is not on the lock
  schedule_differs,  ///< drift: the lock holds the slot with another user or schedule
  pin_differs,       ///< drift: the lock holds another PIN in the slot
  extra,             ///< drift: the lock holds a slot the hub never wrote
  box_key_changed,   ///< the lock's box key is not the one the hub pinned
  restored,          ///< the lock's new box key was accepted after a pairing in person: codes written back
  settings_set,      ///< the lock holds the settings set through the hub
  settings_failed,   ///< the lock refused them, or never confirmed them
  settings_differ,   ///< drift: the lock holds other settings than those set through the hub
};
std::string_view to_string(CodeNoticeKind v) noexcept;

struct CodeNotice {
  CodeNoticeKind kind{CodeNoticeKind::set};
  std::string code_id;  ///< empty for extra and box_key_changed
  LockAddress lock;
  int slot{0};
  std::string detail;  ///< human words, never a PIN
};

class CodeSync {
 public:
  struct Options {
    Duration answer_timeout{30s};  ///< an attempt unanswered this long is retried
    Duration max_backoff{std::chrono::minutes{30}};
    Duration give_up_after{std::chrono::hours{24}};     ///< pending/removing longer than this → failed
    Duration readback_interval{std::chrono::hours{6}};  ///< a lock's slots are read back this often
  };

  CodeSync() = default;
  explicit CodeSync(Options options) : options_(options) {}

  /// Wants `target` on its lock: a new or changed code starts pending.
  /// Re-upserting an unchanged code that is set changes nothing.
  void upsert(const CodeTarget& target, Timestamp now);
  /// Wants the code off `lock`: removing (or gone at once if never sent).
  void remove(const std::string& code_id, const LockAddress& lock, Timestamp now);
  /// Retries a failed code from the start.
  void retry(const std::string& code_id, const LockAddress& lock, Timestamp now);
  /// Wants `lock` to keep `settings` (checked by the caller): written now,
  /// and again whenever a read-back finds others. Unchanged settings the lock
  /// holds change nothing.
  void want_settings(const LockAddress& lock, const LockSettings& settings, Timestamp now);

  /// The lock came back (online): what is due for it is sent now, and a read-back.
  void lock_online(const LockAddress& lock, Timestamp now);
  void lock_offline(const LockAddress& lock);
  /// Asks for a read-back of `lock` at the next due().
  void request_readback(const LockAddress& lock, Timestamp now);

  /// What to send now (to online locks), oldest first. Each must be followed
  /// by sent() or send_failed().
  std::vector<CodeSend> due(Timestamp now);
  /// `send` went out as command `command_id`.
  void sent(const CodeSend& send, const std::string& command_id, Timestamp now);
  /// `send` could not go out (no broker): retried after back-off.
  void send_failed(const CodeSend& send, Timestamp now);

  /// A lock answered a command. Returns the notices (state changes, drift).
  std::vector<CodeNotice> on_result(const LockAddress& lock, const CommandResult& result, Timestamp now);
  /// Expires unanswered attempts and gives up on writes older than give_up_after.
  std::vector<CodeNotice> tick(Timestamp now);

  [[nodiscard]] std::vector<SyncEntry> entries() const;
  [[nodiscard]] std::vector<SettingsEntry> settings_entries() const;
  [[nodiscard]] const SettingsEntry* settings(const LockAddress& lock) const;
  /// Settings entries loaded from the store at start (in-flight writes are sent again).
  void restore_settings(std::vector<SettingsEntry> entries, Timestamp now);
  [[nodiscard]] const SyncEntry* find(const std::string& code_id, const LockAddress& lock) const;
  /// Entries loaded from the store at start; in-flight attempts are forgotten
  /// (their answers, if any, are matched by slot on the next read-back).
  void restore(std::vector<SyncEntry> entries, Timestamp now);
  /// The box key the hub pinned for a lock (first one heard), if any.
  [[nodiscard]] std::optional<std::string> box_key(const LockAddress& lock) const;
  /// Pins (or, after box_key_changed, accepts) the box key PINs are sealed to.
  void pin_box_key(const LockAddress& lock, const std::string& box_key) { box_keys_[key(lock)] = box_key; }
  /// The lock was paired again in person: a new box key it answered with, or
  /// answers with within kAcceptWindow, is pinned and every code the lock
  /// should hold is written again, with a read-back (a `restored` notice, now
  /// or from that answer's on_result). A read-back is asked for at once.
  std::vector<CodeNotice> accept_box_key(const LockAddress& lock, Timestamp now);
  static constexpr Duration kAcceptWindow = std::chrono::minutes(10);
  /// The box key the lock last answered with, when it differs from the pinned one.
  [[nodiscard]] std::optional<std::string> unaccepted_box_key(const LockAddress& lock) const;
  /// What the hub holds to restore `lock` (see Backup above).
  [[nodiscard]] CodeBackup backup(const LockAddress& lock, Timestamp now) const;

 private:
  using Key = std::pair<std::string, std::string>;  // (site/lock, code id)
  struct LockState {
    bool online{true};
    bool readback_due{false};
    Timestamp next_readback{};
    std::optional<std::string> readback_in_flight;
    Timestamp readback_sent{};
    std::vector<CodeSlotReport> gathered;  // pages of a read-back in progress
    int next_page{1};                      // the slot the next read_codes starts from
    // Codes confirmed while a read-back was under way: its earlier pages
    // predate them, so that read-back says nothing about them.
    std::set<std::string> confirmed_during;
    std::optional<Timestamp> checked_at;  // the last complete read-back
    std::vector<int> unknown;             // its slots the hub did not write
    bool tells_settings{false};           // its answers carry its settings
  };

  static std::string key(const LockAddress& lock) { return lock.site + "/" + lock.lock; }
  Duration backoff(int attempts) const;
  /// The settings a lock answered with (any code answer carries them).
  void heard_settings(const LockAddress& lock, const CommandResult& result, Timestamp now,
                      std::vector<CodeNotice>& out);
  std::vector<CodeNotice> compare(const LockAddress& lock, const std::vector<CodeSlotReport>& slots,
                                  Timestamp now);
  void confirm(SyncEntry& e, const CodeReadback& codes, const CommandResult& result, Timestamp now,
               std::vector<CodeNotice>& out);

  Options options_;
  std::map<Key, SyncEntry> entries_;
  std::map<std::string, LockState> locks_;
  std::map<std::string, SettingsEntry> settings_;  // by lock
  std::map<std::string, std::string> box_keys_;
  std::map<std::string, std::string> new_box_keys_;  // heard after box_key_changed, not yet accepted
  std::map<std::string, Timestamp> accepting_;  // paired in person: the next new box key is taken until then
  /// Pins the lock's new box key and writes its codes again.
  CodeNotice restore(const LockAddress& lock, const std::string& box_key, Timestamp now);
};

}  // namespace lw::core
