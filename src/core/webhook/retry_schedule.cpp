#include "core/webhook/retry_schedule.h"

#include <algorithm>

namespace lw::core {
namespace {

bool is_success(int status) { return status >= 200 && status <= 299; }

}  // namespace

bool retryable(const AttemptResult& result) noexcept {
  if (!result.http_status) return true;
  const int s = *result.http_status;
  return s == 429 || (s >= 500 && s <= 599);
}

Duration RetrySchedule::backoff(int failed_attempts, Random& random) const {
  Duration step = options_.first_retry;
  for (int i = 1; i < failed_attempts && step < options_.max_retry; ++i) step *= 2;
  step = std::min(step, options_.max_retry);
  const auto half = step.count() / 2;
  const auto jitter = static_cast<Duration::rep>(random.next_u64() % static_cast<std::uint64_t>(half + 1));
  return std::max(Duration{step.count() - half + jitter}, options_.first_retry);
}

Verdict RetrySchedule::after_attempt(Timestamp created_at, int attempts, const AttemptResult& result,
                                     Timestamp now, Random& random) const {
  if (result.http_status && is_success(*result.http_status)) return {DeliveryStatus::delivered, now};
  if (!retryable(result)) return {DeliveryStatus::failed, now};
  const Timestamp end = deadline(created_at);
  if (now >= end) return {DeliveryStatus::expired, now};
  Duration wait = backoff(std::max(attempts, 1), random);
  if (result.retry_after) wait = std::max(wait, std::min(*result.retry_after, options_.max_retry));
  return {DeliveryStatus::pending, std::min(now + wait, end)};
}

}  // namespace lw::core
