#include "core/lock/credentials.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "base/enum_names.h"

namespace lw::core {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kDayMinutes = 1440;

std::string hhmm(int minutes) {
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "%02d:%02d", (minutes / 60) % 100, minutes % 60);
  return buf.data();
}

}  // namespace

std::string_view to_string(CodeScheduleKind v) noexcept {
  switch (v) {
    case CodeScheduleKind::always: return "always";
    case CodeScheduleKind::date_range: return "date_range";
    case CodeScheduleKind::weekly: return "weekly";
    case CodeScheduleKind::one_time: return "one_time";
  }
  return "always";
}

std::optional<CodeScheduleKind> parse_code_schedule_kind(std::string_view s) noexcept {
  for (auto k : {CodeScheduleKind::always, CodeScheduleKind::date_range, CodeScheduleKind::weekly,
                 CodeScheduleKind::one_time}) {
    if (to_string(k) == s) return k;
  }
  return std::nullopt;
}

std::string_view weekday_name(int day) noexcept {
  return day >= 0 && day < 7 ? kDays[static_cast<std::size_t>(day)] : std::string_view{};
}

std::optional<int> parse_weekday(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kDays.size(); ++i) {
    if (kDays[i] == s) return static_cast<int>(i);
  }
  return std::nullopt;
}

CodeSchedule CodeSchedule::date_range(Timestamp from, Timestamp to) {
  CodeSchedule s;
  s.kind = CodeScheduleKind::date_range;
  s.from = from;
  s.to = to;
  return s;
}

CodeSchedule CodeSchedule::weekly(std::uint8_t days, int start_min, int end_min, int utc_offset_min) {
  CodeSchedule s;
  s.kind = CodeScheduleKind::weekly;
  s.days = days;
  s.start_min = start_min;
  s.end_min = end_min;
  s.utc_offset_min = utc_offset_min;
  return s;
}

CodeSchedule CodeSchedule::one_time() {
  CodeSchedule s;
  s.kind = CodeScheduleKind::one_time;
  return s;
}

bool CodeSchedule::allows(Timestamp now) const {
  switch (kind) {
    case CodeScheduleKind::always:
    case CodeScheduleKind::one_time: return true;
    case CodeScheduleKind::date_range: return now >= from && now < to;
    case CodeScheduleKind::weekly: {
      const std::int64_t local_min =
          std::chrono::floor<std::chrono::minutes>(now).time_since_epoch().count() + utc_offset_min;
      const std::int64_t day =
          local_min >= 0 ? local_min / kDayMinutes : (local_min - kDayMinutes + 1) / kDayMinutes;
      const auto minute = static_cast<int>(local_min - day * kDayMinutes);
      auto on = [&](std::int64_t d) { return (days >> static_cast<unsigned>(weekday_of_day(d)) & 1U) != 0; };
      if (start_min < end_min) return on(day) && minute >= start_min && minute < end_min;
      // The window crosses midnight: the evening of a listed day, or the early
      // hours of the day after one.
      return (on(day) && minute >= start_min) || (on(day - 1) && minute < end_min);
    }
  }
  return false;
}

Result<void> validate(const CodeSchedule& s, std::string_view prefix) {
  auto fail = [&](std::string_view field, std::string_view why) {
    return invalid_argument(std::string(prefix) + "." + std::string(field), why);
  };
  switch (s.kind) {
    case CodeScheduleKind::always:
    case CodeScheduleKind::one_time: return ok();
    case CodeScheduleKind::date_range:
      if (s.to <= s.from) return fail("to_ms", "must be after from_ms");
      return ok();
    case CodeScheduleKind::weekly:
      if ((s.days & kAllDays) == 0 || (s.days & ~kAllDays) != 0)
        return fail("days", "must name at least one day");
      if (s.start_min < 0 || s.start_min >= kDayMinutes)
        return fail("start", "must be a time HH:MM 00:00..23:59");
      if (s.end_min < 1 || s.end_min > kDayMinutes) return fail("end", "must be a time HH:MM 00:01..24:00");
      if (s.end_min == s.start_min) return fail("end", "must differ from start");
      if (s.utc_offset_min < -840 || s.utc_offset_min > 840) {
        return fail("utc_offset_min", "must be an integer -840..840");
      }
      return ok();
  }
  return ok();
}

std::string describe(const CodeSchedule& s) {
  switch (s.kind) {
    case CodeScheduleKind::always: return "always";
    case CodeScheduleKind::one_time: return "one time";
    case CodeScheduleKind::date_range: return utc_date(s.from) + ".." + utc_date(s.to);
    case CodeScheduleKind::weekly: {
      std::string out;
      for (int d = 0; d < 7; ++d) {
        if ((s.days >> static_cast<unsigned>(d) & 1U) == 0) continue;
        if (!out.empty()) out += ',';
        out += weekday_name(d);
      }
      const int off = s.utc_offset_min < 0 ? -s.utc_offset_min : s.utc_offset_min;
      out += " " + hhmm(s.start_min) + "-" + hhmm(s.end_min) + " UTC" + (s.utc_offset_min < 0 ? "-" : "+") +
             hhmm(off);
      return out;
    }
  }
  return "always";
}

namespace {
constexpr EnumNames<SoundVolume, 3> kSoundVolumes{
    {{{SoundVolume::silent, "silent"}, {SoundVolume::low, "low"}, {SoundVolume::high, "high"}}}};
}  // namespace

std::string_view to_string(SoundVolume v) noexcept { return kSoundVolumes.name(v); }

std::optional<SoundVolume> parse_sound_volume(std::string_view s) noexcept { return kSoundVolumes.parse(s); }

bool LockSettings::holds(const LockSettings& want) const {
  auto held = [](const auto& mine, const auto& wanted) { return !wanted || mine == wanted; };
  return held(wrong_code_entry_limit, want.wrong_code_entry_limit) &&
         held(user_code_temporary_disable_s, want.user_code_temporary_disable_s) &&
         held(auto_relock_s, want.auto_relock_s) && held(sound_volume, want.sound_volume);
}

LockSettings LockSettings::merged(const LockSettings& other) const {
  LockSettings out = *this;
  if (other.wrong_code_entry_limit) out.wrong_code_entry_limit = other.wrong_code_entry_limit;
  if (other.user_code_temporary_disable_s)
    out.user_code_temporary_disable_s = other.user_code_temporary_disable_s;
  if (other.auto_relock_s) out.auto_relock_s = other.auto_relock_s;
  if (other.sound_volume) out.sound_volume = other.sound_volume;
  return out;
}

Result<void> validate(const LockSettings& s, std::string_view prefix) {
  auto fail = [&](std::string_view field, std::string_view range) {
    return invalid_argument(std::string(prefix) + "." + std::string(field),
                            "must be an integer " + std::string(range));
  };
  auto out_of = [](const std::optional<int>& v, int lo, int hi) { return v && (*v < lo || *v > hi); };
  if (out_of(s.wrong_code_entry_limit, 1, 255)) return fail("wrong_code_entry_limit", "1..255");
  if (out_of(s.user_code_temporary_disable_s, 1, 255)) return fail("user_code_temporary_disable_s", "1..255");
  if (out_of(s.auto_relock_s, 0, 65535)) return fail("auto_relock_s", "0..65535");
  if (s.empty()) {
    return invalid_argument(std::string(prefix),
                            "names no setting (wrong_code_entry_limit, user_code_temporary_disable_s, "
                            "auto_relock_s, sound_volume)");
  }
  return ok();
}

std::vector<std::pair<std::string, std::string>> settings_fields(const LockSettings& s) {
  std::vector<std::pair<std::string, std::string>> out;
  auto number = [&](std::string_view name, const std::optional<int>& v) {
    if (v) out.emplace_back(std::string(name), std::to_string(*v));
  };
  number(kLockSettingNames[0], s.wrong_code_entry_limit);
  number(kLockSettingNames[1], s.user_code_temporary_disable_s);
  number(kLockSettingNames[2], s.auto_relock_s);
  if (s.sound_volume)
    out.emplace_back(std::string(kLockSettingNames[3]), std::string(to_string(*s.sound_volume)));
  return out;
}

std::optional<std::string> settings_it_lacks(const LockSettings& have, const LockSettings& want) {
  const auto had = settings_fields(have);
  for (const auto& field : settings_fields(want)) {
    if (std::none_of(had.begin(), had.end(), [&](const auto& h) { return h.first == field.first; }))
      return field.first;
  }
  return std::nullopt;
}

std::string settings_names(const LockSettings& s) {
  std::string out;
  for (const auto& [name, value] : settings_fields(s)) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::string describe(const LockSettings& s) {
  std::vector<std::string> parts;
  if (s.wrong_code_entry_limit || s.user_code_temporary_disable_s) {
    std::string keypad = "keypad off";
    if (s.user_code_temporary_disable_s)
      keypad += " for " + std::to_string(*s.user_code_temporary_disable_s) + " s";
    if (s.wrong_code_entry_limit) {
      keypad += " after " + std::to_string(*s.wrong_code_entry_limit) + " wrong PIN" +
                (*s.wrong_code_entry_limit == 1 ? "" : "s");
    }
    parts.push_back(std::move(keypad));
  }
  if (s.auto_relock_s) {
    parts.push_back(*s.auto_relock_s == 0 ? "no auto-relock"
                                          : "relocks after " + std::to_string(*s.auto_relock_s) + " s");
  }
  if (s.sound_volume) parts.push_back("sound " + std::string(to_string(*s.sound_volume)));
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out.empty() ? "no settings" : out;
}

std::string_view to_string(CodeAction v) noexcept {
  switch (v) {
    case CodeAction::set_code: return "set_code";
    case CodeAction::clear_code: return "clear_code";
    case CodeAction::read_codes: return "read_codes";
    case CodeAction::set_code_key: return "set_code_key";
    case CodeAction::set_settings: return "set_settings";
  }
  return "read_codes";
}

std::optional<CodeAction> parse_code_action(std::string_view s) noexcept {
  for (auto a : {CodeAction::set_code, CodeAction::clear_code, CodeAction::read_codes,
                 CodeAction::set_code_key, CodeAction::set_settings}) {
    if (to_string(a) == s) return a;
  }
  return std::nullopt;
}

}  // namespace lw::core
