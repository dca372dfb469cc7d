// Keypad codes as the hub and the lock speak about them (docs/protocol.md,
// section 8): when a code works (CodeSchedule), the signed commands that set,
// clear and read back a lock's code slots (CodeCommand), and what a lock says
// it holds (CodeReadback). The PIN itself never appears here in clear: a
// command carries it sealed to the lock, a read-back carries a keyed digest.
//
// Weekly windows are in the lock's local time, given as a fixed offset from
// UTC inside the schedule (utc_offset_min). The lock needs no time-zone
// database and evaluates the window against its own clock, offline; the hub
// writes the site's current offset and re-sends the schedule when it changes
// (daylight saving).
//
// Threading: plain values and pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace lw::core {

enum class CodeScheduleKind {
  always,      ///< any time
  date_range,  ///< from (inclusive) to (exclusive)
  weekly,      ///< on `days`, between start_min and end_min local time
  one_time,    ///< works once; the lock consumes it on first use
};
std::string_view to_string(CodeScheduleKind v) noexcept;
std::optional<CodeScheduleKind> parse_code_schedule_kind(std::string_view s) noexcept;

/// Day bits of a weekly schedule: bit 0 Monday ... bit 6 Sunday (ISO 8601 order).
inline constexpr std::uint8_t kAllDays = 0x7F;
/// "mon".."sun" for day 0..6 (Monday first).
std::string_view weekday_name(int day) noexcept;
/// 0..6 for "mon".."sun"; nullopt otherwise.
std::optional<int> parse_weekday(std::string_view s) noexcept;
/// The ISO weekday (0 Monday .. 6 Sunday) of a day number since 1970-01-01 (a Thursday).
constexpr int weekday_of_day(std::int64_t day) noexcept {
  return static_cast<int>((((day + 3) % 7) + 7) % 7);
}

/// When a code works.
struct CodeSchedule {
  CodeScheduleKind kind{CodeScheduleKind::always};
  Timestamp from{};       ///< date_range: first valid instant
  Timestamp to{};         ///< date_range: first instant no longer valid
  std::uint8_t days{0};   ///< weekly: kAllDays bits, the day a window starts on
  int start_min{0};       ///< weekly: 0..1439 minutes after local midnight
  int end_min{0};         ///< weekly: 1..1440; below start_min the window ends the next day
  int utc_offset_min{0};  ///< weekly: local time minus UTC, -840..840 minutes

  static CodeSchedule always() { return {}; }
  static CodeSchedule date_range(Timestamp from, Timestamp to);
  static CodeSchedule weekly(std::uint8_t days, int start_min, int end_min, int utc_offset_min = 0);
  static CodeSchedule one_time();

  /// Whether the schedule allows `now` (a one-time code: whether it is still
  /// unused is the holder's business, so this is always true for it).
  [[nodiscard]] bool allows(Timestamp now) const;
  friend bool operator==(const CodeSchedule&, const CodeSchedule&) = default;
};

/// Checks the ranges of a schedule. Errors (invalid_argument) name the field
/// under `prefix`: "<prefix>.to_ms: must be after from_ms", "<prefix>.days:
/// must name at least one day", "<prefix>.start: ...", "<prefix>.end: ...",
/// "<prefix>.utc_offset_min: must be an integer -840..840".
Result<void> validate(const CodeSchedule& schedule, std::string_view prefix);

/// Short human words: "always", "2026-12-01..2026-12-08", "mon,fri 22:00-06:00 UTC+01:00", "one time".
std::string describe(const CodeSchedule& schedule);

/// Code slots on a lock are numbered 1..kMaxCodeSlots.
inline constexpr int kMaxCodeSlots = 64;
/// At most this many slots in one read-back answer (the result stays under 4096 bytes).
inline constexpr int kSlotsPerReadback = 12;

/// The sounds a lock makes (ZCL DoorLock SoundVolume; Zigbee2MQTT's
/// `sound_volume`).
enum class SoundVolume { silent, low, high };
std::string_view to_string(SoundVolume v) noexcept;
std::optional<SoundVolume> parse_sound_volume(std::string_view s) noexcept;

/// A lock's own settings that a factory reset or a re-pair wipes, and that the
/// hub keeps with the codes to write them back (docs/protocol.md 8.2). Each is
/// present only for a lock that has it: a native lock tells the keypad's two
/// (Matter DoorLock's WrongCodeEntryLimit and UserCodeTemporaryDisableTime), a
/// Zigbee lock behind Zigbee2MQTT its auto-relock time and sound volume (ZCL
/// DoorLock autoRelockTime, soundVolume), a Z-Wave lock its auto-relock time
/// (Door Lock CC v4 autoRelockTime).
struct LockSettings {
  std::optional<int> wrong_code_entry_limit;         ///< 1..255 wrong PINs in a row disable the keypad
  std::optional<int> user_code_temporary_disable_s;  ///< 1..255 seconds it then stays disabled
  std::optional<int> auto_relock_s;                  ///< 0..65535 s after an unlock it locks again; 0 off
  std::optional<SoundVolume> sound_volume;
  /// A native lock's factory defaults: 5 wrong PINs, 60 s.
  static LockSettings keypad(int wrong_code_entry_limit = 5, int user_code_temporary_disable_s = 60) {
    return {wrong_code_entry_limit, user_code_temporary_disable_s, std::nullopt, std::nullopt};
  }
  [[nodiscard]] bool empty() const {
    return !wrong_code_entry_limit && !user_code_temporary_disable_s && !auto_relock_s && !sound_volume;
  }
  /// Every setting of `want` is held here with its value (others may be too).
  [[nodiscard]] bool holds(const LockSettings& want) const;
  /// These settings with those `other` has put over them.
  [[nodiscard]] LockSettings merged(const LockSettings& other) const;
  friend bool operator==(const LockSettings&, const LockSettings&) = default;
};

/// Checks the ranges and that one setting at least is present. Errors
/// (invalid_argument) name the field under `prefix`:
/// "<prefix>.wrong_code_entry_limit: must be an integer 1..255".
Result<void> validate(const LockSettings& settings, std::string_view prefix);

/// The settings' wire names (docs/protocol.md 8.2), in order.
inline constexpr std::array<std::string_view, 4> kLockSettingNames{
    "wrong_code_entry_limit", "user_code_temporary_disable_s", "auto_relock_s", "sound_volume"};

/// The settings present, as (wire name, value as text), in kLockSettingNames' order.
std::vector<std::pair<std::string, std::string>> settings_fields(const LockSettings& settings);

/// The first setting `want` names that `have` lacks (by wire name).
std::optional<std::string> settings_it_lacks(const LockSettings& have, const LockSettings& want);

/// "wrong_code_entry_limit, user_code_temporary_disable_s": the ones present.
std::string settings_names(const LockSettings& settings);

/// Short human words: "keypad off for 60 s after 5 wrong PINs", "relocks
/// after 30 s, sound low".
std::string describe(const LockSettings& settings);

enum class CodeAction {
  set_code,      ///< put user + sealed PIN + schedule into `slot` (replacing what is there)
  clear_code,    ///< empty `slot`
  read_codes,    ///< report the occupied slots from `slot` on
  set_code_key,  ///< install the site's code key (sealed): digests are keyed with it
  set_settings,  ///< keep `settings` (the keypad's wrong-PIN limit and lockout)
};
std::string_view to_string(CodeAction v) noexcept;
std::optional<CodeAction> parse_code_action(std::string_view s) noexcept;

/// The code part of a signed command body (core::Command::code).
struct CodeCommand {
  CodeAction action{CodeAction::read_codes};
  int slot{1};              ///< set_code, clear_code: 1..kMaxCodeSlots; read_codes: first slot to report
  std::uint16_t user{0};    ///< set_code: 1..65535
  std::string sealed;       ///< set_code: the PIN; set_code_key: the 32-byte key; base64 of a sealed box
  CodeSchedule schedule{};  ///< set_code
  LockSettings settings{};  ///< set_settings
  friend bool operator==(const CodeCommand&, const CodeCommand&) = default;
};

/// One occupied slot as the lock reports it.
struct CodeSlotReport {
  int slot{1};
  std::uint16_t user{0};
  CodeSchedule schedule{};
  /// base64 of the 16-byte keyed digest of (slot, user, PIN) under the site's
  /// code key; absent while the lock holds no code key.
  std::optional<std::string> digest;
  bool consumed{false};  ///< a one-time code that was used (it no longer opens)
  friend bool operator==(const CodeSlotReport&, const CodeSlotReport&) = default;
};

/// The code part of a result: what the lock holds after a code command.
struct CodeReadback {
  /// base64 of the lock's X25519 public key: what the hub seals PINs and the code key to.
  std::string box_key;
  std::vector<CodeSlotReport> slots;  ///< occupied slots in slot order
  std::optional<int> next_slot;       ///< read_codes: more slots follow; ask again from here
  /// The lock's settings as it now keeps them; absent from a lock that has none to tell.
  std::optional<LockSettings> settings;
  friend bool operator==(const CodeReadback&, const CodeReadback&) = default;
};

}  // namespace lw::core
