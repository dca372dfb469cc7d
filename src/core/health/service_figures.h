// ServiceFigures: how well each lock, and each site, has been served over the
// last day, week or month — the numbers a person asks for when a lock "feels
// unreliable":
//
//  - commands: how many ended, the share that succeeded, and the latency of
//    the successful ones (issued -> completed), p50 and p95;
//  - connectivity: time spent offline (Connectivity offline or unreachable)
//    and flaky (suspect); asleep, updating, online and unknown count as
//    neither; availability = 1 - offline / window;
//  - events: how many arrived and their delivery lag (received_at -
//    device_ts, floored at 0: a lock clock ahead of the hub is not negative
//    lag), p50 and p95.
//
// Storage. Per lock, one bucket per UTC clock hour that saw anything, for the
// last kRetainedHours (31 days) before the lock's newest input; older buckets
// are dropped as new ones arrive (and by prune()). A bucket holds counts,
// milliseconds offline and flaky, and two small log-scale histograms (two bins
// per octave, 1 ms .. ~6 days, so a percentile is within ~±19 % of the truth).
// A site's figures merge its locks' buckets.
//
// Windows. A window is the 24 h, 7 d or 30 d ending at `now`, in whole hours:
// it starts at the first hour boundary at or after `now - length`, so it
// covers (length - 1 h, length] (ServiceFigures::covered). Commands are
// counted in the hour they were issued, events in the hour they were received.
// Offline and flaky time is clipped to the window; an interval still open at
// `now` counts up to `now`.
//
// Inputs per lock come in time order (connectivity changes strictly so; a
// change older than the previous one is taken as happening with it). Lock ids
// are unique across sites (as for_lock() assumes); a lock reported under
// another site moves there.
//
// Example:
//   ServiceTracker service;
//   service.command("home", "front", issued, completed, ActionStatus::succeeded);
//   service.connectivity("home", "front", t, Connectivity::offline);
//   ServiceFigures day = service.for_lock("front", Window::day, now);
//
// Pure: no I/O, no clock; time comes in as a parameter. Memory per lock: at
// most 744 buckets of ~260 bytes (a lock busy every hour of the month).
// Threading: not thread-safe; one owner.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/ids.h"
#include "base/time.h"
#include "core/lock/records.h"
#include "core/lock/vocabulary.h"

namespace lw::core {

/// The span of a figure: the last 24 h, 7 days or 30 days.
enum class Window { day, week, month };
/// 24 h, 7 d or 30 d.
Duration window_length(Window w) noexcept;

/// Service figures for one lock or one site over one window.
struct ServiceFigures {
  int commands{0};   ///< commands that ended (succeeded, failed or expired)
  int succeeded{0};  ///< of which succeeded
  /// succeeded / commands; NaN when no command ended.
  double success_rate{std::numeric_limits<double>::quiet_NaN()};
  /// Of successful commands, issued -> completed; zero when there were none.
  Duration latency_p50{0};
  Duration latency_p95{0};
  /// Time offline / flaky, summed over the locks (lock-time for a site).
  Duration offline{0};
  Duration flaky{0};
  /// 1 - offline / (covered x locks); NaN when no lock is known.
  double availability{std::numeric_limits<double>::quiet_NaN()};
  /// Event delivery lag; zero when no event arrived.
  Duration event_lag_p50{0};
  Duration event_lag_p95{0};
  int events{0};
  int locks{0};         ///< locks the figures cover (0: unknown lock or site)
  Duration covered{0};  ///< the window actually covered: whole hours ending at now
};

class ServiceTracker {
 public:
  /// Hours of buckets kept per lock: 31 days, one more than the month window.
  static constexpr std::int64_t kRetainedHours = std::int64_t{31} * 24;
  /// Histogram bins: [0, 1 ms), then two per octave from 1 ms to 2^29 ms (~6.2 days).
  static constexpr std::size_t kBins = 59;

  /// A command ended. `status` pending is ignored (it has not ended); the
  /// latency is taken from successful commands with a `completed_at`.
  void command(const SiteId& site, const LockId& lock, Timestamp issued_at,
               std::optional<Timestamp> completed_at, ActionStatus status);

  /// The lock's connectivity changed to `state` at `at`.
  void connectivity(const SiteId& site, const LockId& lock, Timestamp at, Connectivity state);

  /// An event stamped `device_ts` by the lock reached the hub at `received_at`.
  void event(const SiteId& site, const LockId& lock, Timestamp device_ts, Timestamp received_at);

  /// Figures for one lock; an unknown lock gives empty figures (locks == 0).
  [[nodiscard]] ServiceFigures for_lock(const LockId& lock, Window window, Timestamp now) const;
  /// Figures for all locks of a site; an unknown site gives empty figures.
  [[nodiscard]] ServiceFigures for_site(const SiteId& site, Window window, Timestamp now) const;

  /// Drops every bucket older than kRetainedHours before `now` (for locks
  /// that went quiet; active locks drop theirs as they go).
  void prune(Timestamp now);
  /// Forgets a lock (removed from the system).
  void forget(const LockId& lock);

  [[nodiscard]] std::size_t lock_count() const { return locks_.size(); }

 private:
  /// Counts per bin, saturating at 65535 per bucket.
  struct Histogram {
    std::array<std::uint16_t, kBins> bins{};
    void add(Duration d);
  };
  struct HourBucket {
    std::int64_t hour{0};  // hours since the epoch
    std::uint32_t commands{0};
    std::uint32_t succeeded{0};
    std::uint32_t events{0};
    std::uint32_t offline_ms{0};
    std::uint32_t flaky_ms{0};
    Histogram latency;
    Histogram lag;
  };
  struct LockBook {
    SiteId site;
    std::vector<HourBucket> hours;  // ascending by hour, one per hour; empty costs nothing
    std::int64_t newest_hour{std::numeric_limits<std::int64_t>::min() / 2};  // none yet
    Connectivity state{Connectivity::unknown};
    std::optional<Timestamp> since;  // when `state` began; none before the first change
  };
  struct Tally;

  LockBook& book(const SiteId& site, const LockId& lock);
  /// The bucket for `hour`, created if needed; nullptr when older than kept.
  static HourBucket* bucket(LockBook& book, std::int64_t hour);
  /// Drops the buckets of hours before `first_kept`.
  static void drop_before(std::vector<HourBucket>& hours, std::int64_t first_kept);
  /// Adds [from, to) to the book's offline or flaky time, hour by hour.
  static void add_down_time(LockBook& book, Timestamp from, Timestamp to, bool offline);
  static void tally(const LockBook& book, std::int64_t first_hour, Timestamp now, Tally& into);
  static ServiceFigures finish(const Tally& tally, Duration covered);

  std::unordered_map<LockId, LockBook> locks_;
  std::unordered_map<SiteId, std::vector<LockId>> sites_;
};

}  // namespace lw::core
