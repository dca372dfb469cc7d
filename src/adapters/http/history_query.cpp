#include "adapters/http/history_query.h"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>

namespace lw::adapters::http {
namespace {

constexpr std::int64_t kMaxEpochMs = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z

/// Reads exactly `n` digits at `pos` into `out`, advancing `pos`.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += n;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

/// "2026-03-01", "2026-03-01T08:00:00Z", "2026-03-01T09:00:00.250+01:00".
std::optional<std::int64_t> parse_iso8601_ms(std::string_view s) {
  std::size_t pos = 0;
  int year = 0;
  int month = 0;
  int day = 0;
  if (!digits(s, pos, 4, year) || !expect(s, pos, '-') || !digits(s, pos, 2, month) || !expect(s, pos, '-') ||
      !digits(s, pos, 2, day)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  if (pos == s.size()) return days * 86'400'000;  // a date alone: 00:00 UTC
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!expect(s, pos, 'T') || !digits(s, pos, 2, hour) || !expect(s, pos, ':') ||
      !digits(s, pos, 2, minute) || !expect(s, pos, ':') || !digits(s, pos, 2, second) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  std::int64_t ms = 0;
  if (pos < s.size() && s[pos] == '.') {
    const std::size_t start = ++pos;
    for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
      if (pos - start < 3) ms = ms * 10 + (s[pos] - '0');
    }
    if (pos == start) return std::nullopt;
    for (std::size_t n = pos - start; n < 3; ++n) ms *= 10;
  }
  int offset_min = 0;
  if (pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-' || s[pos] == ' ')) {
    // An unencoded '+' in a query string arrives as a space.
    const bool west = s[pos] == '-';
    ++pos;
    int oh = 0;
    int om = 0;
    if (!digits(s, pos, 2, oh) || !expect(s, pos, ':') || !digits(s, pos, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_min = (oh * 60 + om) * (west ? -1 : 1);
  } else {
    return std::nullopt;  // no zone: ambiguous
  }
  return (((days * 24 + hour) * 60 + minute - offset_min) * 60 + second) * 1000 + ms;
}

/// The time parameter `name`, or nullopt when absent.
Result<std::optional<Timestamp>> time_param(const Request& r, std::string_view name) {
  auto text = r.query_param(name);
  if (!text) return std::optional<Timestamp>{};
  auto t = parse_time_param(*text);
  if (!t) return invalid_argument(name, "must be ISO 8601 with a zone, a date or ms since the epoch");
  return std::optional<Timestamp>{*t};
}

/// An integer parameter in [min, max], or `fallback` when absent.
Result<int> int_param(const Request& r, std::string_view name, int min, int max, int fallback) {
  auto text = r.query_param(name);
  if (!text) return fallback;
  int v = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc{} || ptr != text->data() + text->size() || v < min || v > max) {
    return invalid_argument(name, "must be an integer " + std::to_string(min) + ".." + std::to_string(max));
  }
  return v;
}

}  // namespace

std::optional<Timestamp> parse_time_param(std::string_view text) {
  std::optional<std::int64_t> ms;
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos) {
    std::int64_t v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc{} && ptr == text.data() + text.size()) ms = v;
  } else {
    ms = parse_iso8601_ms(text);
  }
  if (!ms || *ms < 0 || *ms > kMaxEpochMs) return std::nullopt;
  return from_epoch_ms(*ms);
}

Result<HistoryQuery> parse_history_query(const Request& request, Timestamp now) {
  auto days = int_param(request, "days", 1, kMaxHistoryDays, kDefaultHistoryDays);
  if (!days) return days.error();
  auto since = time_param(request, "since");
  if (!since) return since.error();
  auto until = time_param(request, "until");
  if (!until) return until.error();
  auto points = int_param(request, "points", kMinHistoryPoints, kMaxHistoryPoints, kDefaultHistoryPoints);
  if (!points) return points.error();
  if (*since && request.query_param("days")) return invalid_argument("days", "cannot be combined with since");

  HistoryQuery q;
  q.until = until->value_or(now);
  q.since = since->value_or(q.until - std::chrono::days{*days});
  q.points = *points;
  if (q.since > q.until) return invalid_argument("since", "must not be after until");
  return q;
}

}  // namespace lw::adapters::http
