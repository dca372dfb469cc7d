// CommandVerifier: the lock's check of a signed command (docs/protocol.md,
// section 5.4) before it moves the bolt. It holds the enrolled keys and the
// last accepted counter of each, and decides the outcome of one command
// payload in the protocol's order:
//   malformed → unknown_key → bad_signature → malformed (body) →
//   bad_signature (body key_id ≠ envelope key_id) → wrong_target → expired →
//   replayed → not_allowed (a user's key asking for what only a hub key may:
//   keypad codes, unpairing another key; or end-to-end-only mode) → ok.
// The same checks guard the signed unpair command (docs/protocol.md 6.3),
// which removes a key's trust instead of moving the bolt.
// Only `ok` changes state: the key's counter is advanced before verify()
// returns, so the same command can never pass twice. The firmware persists
// last_counter() to non-volatile memory BEFORE driving the motor, and calls
// restore_counter() after enrolling keys at boot.
//
// Written as device code: no exceptions across this API, and the key table is
// a fixed array of kMaxKeys slots (no allocation when keys are enrolled or
// looked up).
//
// Threading: not thread-safe; owned by the lock's main loop.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"
#include "core/lock/messages.h"
#include "protocol/envelope.h"

namespace lw::firmware {

class CommandVerifier {
 public:
  static constexpr std::size_t kMaxKeys = 16;
  static constexpr std::size_t kMaxKeyIdBytes = 64;

  /// `self`: this lock's address; commands for any other are wrong_target.
  /// `skew`: how far ahead of the lock's clock a command's issued_ms may be
  /// (the lock's clock running behind the hub's), in ms; 30 s by default.
  explicit CommandVerifier(core::LockAddress self, Duration skew = 30s);

  /// Trusts `key` under `key_id`. Enrolling an id again replaces its public key
  /// and keeps its counter, so commands signed before cannot be replayed after.
  /// Errors: invalid_argument ("key_id: ..." when not an id),
  /// failed_precondition (all kMaxKeys slots hold other keys).
  /// `hub_key`: the key is the hub's own (it signs on users' behalf); see
  /// set_end_to_end_only.
  Result<void> enroll(std::string_view key_id, const protocol::PublicKey& key, bool hub_key = false);

  /// End-to-end-only mode: unlock and unlatch commands signed by a hub key
  /// are refused with not_allowed (lock still works), so only users' own
  /// keys open the door.
  void set_end_to_end_only(bool on) { end_to_end_only_ = on; }
  [[nodiscard]] bool end_to_end_only() const { return end_to_end_only_; }
  /// True when `key_id` is enrolled as a hub key.
  [[nodiscard]] bool is_hub_key(std::string_view key_id) const;
  /// True when `key_id` is enrolled now.
  [[nodiscard]] bool trusts(std::string_view key_id) const;
  /// The public key enrolled as a hub key under `key_id` (the issuer of guest
  /// grants), or nullopt.
  [[nodiscard]] std::optional<protocol::PublicKey> hub_key(std::string_view key_id) const;

  /// Stops trusting `key_id`; its commands become unknown_key. The counter is
  /// kept while the slot is not needed for another key. No effect when unknown.
  void unenroll(std::string_view key_id);

  struct Verdict {
    core::CommandOutcome outcome{core::CommandOutcome::malformed};
    /// The authenticated command: set for ok, wrong_target, expired, replayed
    /// and not_allowed. For an unpair command its `action` is unused.
    std::optional<core::Command> command;
    /// Set when the authenticated command is an unpair (6.3): the key id to
    /// remove. On ok the key is already unenrolled.
    std::optional<std::string> unpaired_key_id;
    /// What to echo as the result's cmd_id; empty when the payload has none.
    /// For outcomes before the body is authenticated it comes from the
    /// unverified body and must only be echoed.
    std::string command_id;
    /// Human words for the result's `detail`.
    std::string detail;
  };

  /// Checks one payload received on this lock's cmd topic at the lock's time
  /// `now`. On ok, the key's counter is already advanced to the command's.
  Verdict verify(std::string_view payload, Timestamp now);

  /// The last accepted counter of `key_id` (0 when none or not enrolled).
  [[nodiscard]] std::uint64_t last_counter(std::string_view key_id) const;

  /// Restores a persisted counter after a reboot. Never lowers a counter.
  /// Errors: not_found (the key is not enrolled; enrol it first).
  Result<void> restore_counter(std::string_view key_id, std::uint64_t counter);

 private:
  struct Slot {
    std::array<char, kMaxKeyIdBytes> id{};
    std::size_t id_size{0};
    protocol::PublicKey key{};
    std::uint64_t last_counter{0};
    bool used{false};     // holds a key id and its counter
    bool trusted{false};  // enrolled now
    bool hub{false};      // the hub's own key

    [[nodiscard]] std::string_view key_id() const { return {id.data(), id_size}; }
  };

  [[nodiscard]] const Slot* find(std::string_view key_id) const;
  Slot* find(std::string_view key_id);

  /// Checks 6-8 (target, validity window, counter) and, when they pass,
  /// commits the counter; returns the outcome (ok or the refusal).
  core::CommandOutcome check_and_commit(Slot& slot, const core::Command& command, Timestamp now,
                                        std::string& detail);

  core::LockAddress self_;
  Duration skew_;
  bool end_to_end_only_{false};
  std::array<Slot, kMaxKeys> slots_{};
};

}  // namespace lw::firmware
