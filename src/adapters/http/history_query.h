// The query of GET /api/v1/locks/{id}/history (docs/openapi.yaml): which time
// range of a lock's telemetry history to chart, and in how many points.
//
//   ?days=N               the last N days up to now (1..400, default 7)
//   ?since=T&until=T      an explicit range; `until` defaults to now. A time is
//                         ISO 8601 with a zone ("2026-03-01T08:00:00Z",
//                         "2026-03-01T09:00:00.250+01:00"), a UTC date
//                         ("2026-03-01", its 00:00 UTC) or ms since the epoch.
//   ?days=N&until=T       the N days before T
//   ?points=M             at most M points (10..2000, default 500)
//
// Errors are invalid_argument naming the parameter, as every route reports
// them: "days: must be an integer 1..400", "since: must be ISO 8601 with a
// zone, a date or ms since the epoch", "since: must not be after until",
// "days: cannot be combined with since".
//
// Threading: pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "adapters/http/router.h"
#include "base/result.h"
#include "base/time.h"

namespace lw::adapters::http {

inline constexpr int kDefaultHistoryDays = 7;
inline constexpr int kMaxHistoryDays = 400;
inline constexpr int kDefaultHistoryPoints = 500;
inline constexpr int kMinHistoryPoints = 10;
inline constexpr int kMaxHistoryPoints = 2000;

/// A validated query: since <= until, points in [kMinHistoryPoints, kMaxHistoryPoints].
struct HistoryQuery {
  Timestamp since{};
  Timestamp until{};
  int points{kDefaultHistoryPoints};
};

/// Reads the history query of `request`; `now` is the hub's clock.
Result<HistoryQuery> parse_history_query(const Request& request, Timestamp now);

/// A time parameter: ISO 8601 with a zone (fraction of a second optional), a
/// date alone (00:00 UTC), or ms since the epoch; years 1970..9999. nullopt
/// when it is none of these.
std::optional<Timestamp> parse_time_param(std::string_view text);

}  // namespace lw::adapters::http
