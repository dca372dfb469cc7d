#include "core/lock/credentials.h"

#include <array>
#include <cstdio>

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

Result<void> validate(const LockSettings& s, std::string_view prefix) {
  auto fail = [&](std::string_view field) {
    return invalid_argument(std::string(prefix) + "." + std::string(field), "must be an integer 1..255");
  };
  if (s.wrong_code_entry_limit < 1 || s.wrong_code_entry_limit > 255) return fail("wrong_code_entry_limit");
  if (s.user_code_temporary_disable_s < 1 || s.user_code_temporary_disable_s > 255)
    return fail("user_code_temporary_disable_s");
  return ok();
}

std::string describe(const LockSettings& s) {
  return "keypad off for " + std::to_string(s.user_code_temporary_disable_s) + " s after " +
         std::to_string(s.wrong_code_entry_limit) + " wrong PIN" + (s.wrong_code_entry_limit == 1 ? "" : "s");
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
