// CredentialStore: who may open the lock — users, their keypad PINs and their
// phone keys — in fixed-capacity tables, with Matter DoorLock's
// WrongCodeEntryLimit / UserCodeTemporaryDisableTime lockout for the keypad.
//
//   - Users are numbered 1..65535 (Matter's user index) and carry a schedule:
//     always, or a validity window [from, to).
//   - A PIN is 4..10 decimal digits and belongs to one user; two users cannot
//     share a PIN. PINs are compared in constant time (sodium_memcmp) against
//     every slot, so timing reveals neither the PIN nor which slot matched.
//   - A phone key is an Ed25519 public key (what the phone signs with).
//   - After wrong_code_entry_limit consecutive wrong PINs the keypad is
//     disabled for user_code_temporary_disable_time: every entry, even a
//     correct one, answers keypad_disabled until then. A correct PIN resets
//     the count.
//   - factory_reset() wipes every table and zeroes the PIN bytes
//     (sodium_memzero).
//   - The PIN table doubles as the lock's code slots 1..kMaxPins
//     (docs/protocol.md, section 8): set_code puts a user's PIN with its own
//     schedule (always, date range, weekly window in local time, one time)
//     into a numbered slot, clear_code empties one, code_slot reports what a
//     slot holds (never the digits; slot_digest gives a keyed digest). A PIN
//     works when its user's schedule and its slot's schedule both allow now.
//     A one-time code is consumed by its first accepted use: its digits are
//     wiped and the slot reports consumed until it is set or cleared.
//
// Pure: no I/O and no clock; every time-dependent call takes `now`. No
// allocation.
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
#include "core/lock/credentials.h"
#include "protocol/code_crypto.h"
#include "protocol/envelope.h"

namespace lw::firmware {

using UserId = std::uint16_t;  ///< 1..65535; 0 is "no user"

/// When a user's credentials work.
struct Schedule {
  bool always{true};
  Timestamp from{};  ///< inclusive
  Timestamp to{};    ///< exclusive

  static constexpr Schedule any_time() { return {}; }
  static constexpr Schedule window(Timestamp from, Timestamp to) { return {false, from, to}; }
  [[nodiscard]] constexpr bool allows(Timestamp now) const { return always || (now >= from && now < to); }
};

enum class PinOutcome {
  accepted,
  wrong_code,       ///< no user has this PIN; the wrong-code count went up
  lockout_started,  ///< this wrong PIN reached the limit: the keypad is now disabled (raise
                    ///< "wrong_code_limit")
  keypad_disabled,  ///< the keypad is disabled until disabled_until; the PIN was not checked
  outside_schedule  ///< the PIN is right but its user's schedule does not allow now
};

enum class PhoneKeyOutcome { accepted, unknown_key, outside_schedule };

std::string_view to_string(PinOutcome v) noexcept;
std::string_view to_string(PhoneKeyOutcome v) noexcept;

struct PinCheck {
  PinOutcome outcome{PinOutcome::wrong_code};
  UserId user{0};              ///< set for accepted and outside_schedule
  int slot{0};                 ///< the code slot 1..kMaxPins, set for accepted and outside_schedule
  bool consumed{false};        ///< accepted a one-time code: it will not open again
  Timestamp disabled_until{};  ///< set for lockout_started and keypad_disabled
};

struct PhoneKeyCheck {
  PhoneKeyOutcome outcome{PhoneKeyOutcome::unknown_key};
  UserId user{0};
};

struct KeypadPolicy {
  int wrong_code_entry_limit{5};  ///< Matter WrongCodeEntryLimit
  Duration user_code_temporary_disable_time{
      std::chrono::minutes{1}};  ///< Matter UserCodeTemporaryDisableTime
};

class CredentialStore {
 public:
  static constexpr std::size_t kMaxUsers = 32;
  static constexpr std::size_t kMaxPins = 64;
  static constexpr std::size_t kMaxPhoneKeys = 32;
  static constexpr std::size_t kMinPinDigits = 4;
  static constexpr std::size_t kMaxPinDigits = 10;

  explicit CredentialStore(KeypadPolicy policy = {});
  ~CredentialStore();
  CredentialStore(const CredentialStore&) = delete;
  CredentialStore& operator=(const CredentialStore&) = delete;

  /// Errors: invalid_argument (user 0), conflict (the user exists),
  /// failed_precondition (kMaxUsers users).
  Result<void> add_user(UserId user, Schedule schedule = Schedule::any_time());
  /// Removes the user with all their PINs and phone keys. Errors: not_found.
  Result<void> remove_user(UserId user);
  /// Errors: not_found.
  Result<void> set_schedule(UserId user, Schedule schedule);

  /// Errors: invalid_argument ("pin: must be 4..10 digits"), not_found (no
  /// such user), conflict (some user already has this PIN),
  /// failed_precondition (kMaxPins PINs).
  Result<void> add_pin(UserId user, std::string_view pin);
  /// Removes that PIN of that user. Errors: not_found.
  Result<void> remove_pin(UserId user, std::string_view pin);
  /// Errors: not_found (no such user), conflict (the key is enrolled),
  /// failed_precondition (kMaxPhoneKeys keys).
  Result<void> add_phone_key(UserId user, const protocol::PublicKey& key);

  /// What an occupied code slot holds (the digits stay inside).
  struct CodeSlotView {
    UserId user{0};
    core::CodeSchedule schedule{};
    bool consumed{false};
  };
  /// Puts `pin` for `user` with `schedule` into code slot `slot`, replacing
  /// what it held; adds the user (any time) when unknown. Errors:
  /// invalid_argument ("slot: must be 1..64", "user: must be 1..65535",
  /// "pin: must be 4..10 digits", schedule fields as core::validate),
  /// conflict ("pin: already in use" by another slot), failed_precondition
  /// (user table full).
  Result<void> set_code(int slot, UserId user, std::string_view pin, const core::CodeSchedule& schedule);
  /// Empties code slot `slot` (zeroing its digits); no effect when empty.
  /// Errors: invalid_argument ("slot: must be 1..64").
  Result<void> clear_code(int slot);
  /// The slot's content; nullopt when empty or out of range.
  [[nodiscard]] std::optional<CodeSlotView> code_slot(int slot) const;
  /// The keyed digest of the slot's (slot, user, PIN) (protocol::code_digest);
  /// empty when the slot is empty or consumed.
  [[nodiscard]] std::string slot_digest(int slot, const protocol::CodeKey& key) const;

  /// A PIN typed on the keypad at `now`.
  PinCheck check_pin(std::string_view pin, Timestamp now);
  /// Whose phone key `key` is, and whether it may open now.
  [[nodiscard]] PhoneKeyCheck check_phone_key(const protocol::PublicKey& key, Timestamp now) const;

  /// Wipes users, PINs, phone keys and the lockout; zeroes the PIN memory.
  /// The policy is the caller's (a factory reset restores the lock's defaults).
  void factory_reset();

  [[nodiscard]] const KeypadPolicy& policy() const { return policy_; }
  /// Takes effect from the next PIN typed; a lockout under way keeps its end.
  void set_policy(const KeypadPolicy& policy) { policy_ = policy; }

  [[nodiscard]] std::size_t user_count() const;
  [[nodiscard]] std::size_t pin_count() const;
  [[nodiscard]] std::size_t phone_key_count() const;
  [[nodiscard]] bool keypad_disabled(Timestamp now) const { return now < disabled_until_; }
  [[nodiscard]] int wrong_code_count() const { return wrong_codes_; }

 private:
  struct UserSlot {
    UserId id{0};  // 0: free
    Schedule schedule{};
  };
  struct PinSlot {
    std::array<unsigned char, kMaxPinDigits> digits{};  // zero-padded
    UserId user{0};                                     // 0: free
    core::CodeSchedule schedule{};                      // the slot's own schedule
    bool consumed{false};                               // a used one-time code (digits wiped)
  };
  struct PhoneKeySlot {
    protocol::PublicKey key{};
    UserId user{0};  // 0: free
  };

  [[nodiscard]] const UserSlot* find_user(UserId user) const;
  /// The slot holding exactly `padded` (constant time over all slots), or -1.
  [[nodiscard]] int find_pin(const std::array<unsigned char, kMaxPinDigits>& padded) const;

  KeypadPolicy policy_;
  std::array<UserSlot, kMaxUsers> users_{};
  std::array<PinSlot, kMaxPins> pins_{};
  std::array<PhoneKeySlot, kMaxPhoneKeys> phone_keys_{};
  int wrong_codes_{0};
  Timestamp disabled_until_{};
};

}  // namespace lw::firmware
