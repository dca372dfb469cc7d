// RetrySchedule: what becomes of a webhook delivery after each attempt
// (docs/integrations.md, "Webhooks", Delivery):
//   - a 2xx answer: delivered;
//   - no answer (connection refused or reset, a time-out), 429 or 5xx: tried
//     again after an exponential back-off with jitter — after the n-th failed
//     attempt a random pause in [step/2, step], step = 1 s * 2^(n-1) capped at
//     1 h, never under 1 s; a longer Retry-After (in seconds) is honoured up
//     to 1 h;
//   - any other answer (1xx, 3xx — redirects are not followed — or 4xx): a
//     permanent failure;
//   - 24 h after the delivery was created it is expired: the last retry is
//     moved to that deadline, and a delivery still failing then is expired
//     with its last error.
//
// Example:
//   RetrySchedule schedule;
//   AttemptResult r{.http_status = 503, .error = "HTTP 503"};
//   Verdict v = schedule.after_attempt(created, 1, r, now, random);
//   // v.status == DeliveryStatus::pending, v.next_attempt_at == now + 1 s
//
// Pure: times come in as parameters, randomness through the Random port.
// Threading: plain value.
#pragma once

#include <optional>
#include <string>

#include "base/time.h"
#include "core/ports/random.h"
#include "core/webhook/delivery.h"

namespace lw::core {

/// What one attempt got back.
struct AttemptResult {
  std::optional<int> http_status;       ///< nullopt: no answer (connection failed, time-out)
  std::optional<Duration> retry_after;  ///< the receiver's Retry-After, when it sent one
  std::string error;                    ///< plain words: "HTTP 503", "connection refused"; empty on success
};

/// Whether the answer is worth another attempt: no answer, 429 or 5xx.
bool retryable(const AttemptResult& result) noexcept;

struct Verdict {
  DeliveryStatus status{DeliveryStatus::pending};
  Timestamp next_attempt_at{};  ///< when pending
};

class RetrySchedule {
 public:
  struct Options {
    Duration first_retry{1s};
    Duration max_retry{1h};
    Duration give_up_after{24h};
  };

  RetrySchedule() = default;
  explicit RetrySchedule(Options options) : options_(options) {}

  /// The pause after `failed_attempts` (>= 1) failed attempts, as above.
  [[nodiscard]] Duration backoff(int failed_attempts, Random& random) const;

  /// The verdict on attempt number `attempts` (1 for the first) of a delivery
  /// created at `created_at`, made at `now`.
  [[nodiscard]] Verdict after_attempt(Timestamp created_at, int attempts, const AttemptResult& result,
                                      Timestamp now, Random& random) const;

  /// When a delivery created at `created_at` expires.
  [[nodiscard]] Timestamp deadline(Timestamp created_at) const { return created_at + options_.give_up_after; }
  [[nodiscard]] const Options& options() const { return options_; }

 private:
  Options options_;
};

}  // namespace lw::core
