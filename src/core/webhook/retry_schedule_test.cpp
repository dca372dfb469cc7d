#include "core/webhook/retry_schedule.h"

#include <gtest/gtest.h>

namespace lw::core {
namespace {

constexpr Timestamp kCreated = from_epoch_ms(1'700'000'000'000);

AttemptResult answered(int status) { return {status, std::nullopt, "HTTP " + std::to_string(status)}; }
AttemptResult unanswered() { return {std::nullopt, std::nullopt, "connection refused"}; }

TEST(RetrySchedule, BackoffDoublesFromOneSecondToOneHourWithJitterInTheUpperHalfOfEachStep) {
  RetrySchedule schedule;
  SeededRandom random(7);
  Duration step = 1s;
  for (int failed = 1; failed <= 20; ++failed) {
    Duration lowest = 24h;
    Duration highest = 0ms;
    for (int i = 0; i < 200; ++i) {
      const Duration d = schedule.backoff(failed, random);
      lowest = std::min(lowest, d);
      highest = std::max(highest, d);
    }
    EXPECT_GE(lowest, std::max(Duration{step / 2}, Duration{1s})) << "after " << failed << " failures";
    EXPECT_LE(highest, step) << "after " << failed << " failures";
    if (step >= 4s) {
      EXPECT_LT(lowest, highest) << "jitter after " << failed << " failures";
    }
    step = std::min(Duration{step * 2}, Duration{1h});
  }
}

TEST(RetrySchedule, FirstRetryComesAfterOneSecond) {
  RetrySchedule schedule;
  SeededRandom random(1);
  EXPECT_EQ(schedule.backoff(1, random), 1s);
}

TEST(RetrySchedule, SuccessIsDelivered) {
  RetrySchedule schedule;
  SeededRandom random(1);
  for (int status : {200, 201, 202, 204, 299}) {
    EXPECT_EQ(schedule.after_attempt(kCreated, 1, answered(status), kCreated, random).status,
              DeliveryStatus::delivered)
        << status;
  }
}

TEST(RetrySchedule, NoAnswerTooManyRequestsAndServerErrorsAreRetried) {
  RetrySchedule schedule;
  SeededRandom random(1);
  const Timestamp now = kCreated + 10s;
  for (const AttemptResult& r : {unanswered(), answered(429), answered(500), answered(502), answered(503),
                                 answered(504), answered(599)}) {
    EXPECT_TRUE(retryable(r)) << r.error;
    const Verdict v = schedule.after_attempt(kCreated, 3, r, now, random);
    EXPECT_EQ(v.status, DeliveryStatus::pending) << r.error;
    EXPECT_GE(v.next_attempt_at, now + 2s) << r.error;  // third failure: a step of 4 s
    EXPECT_LE(v.next_attempt_at, now + 4s) << r.error;
  }
}

TEST(RetrySchedule, OtherClientErrorsRedirectsAndInformationalAnswersFailForGood) {
  RetrySchedule schedule;
  SeededRandom random(1);
  for (int status : {100, 301, 302, 400, 401, 403, 404, 410, 413, 422}) {
    EXPECT_FALSE(retryable(answered(status))) << status;
    EXPECT_EQ(schedule.after_attempt(kCreated, 1, answered(status), kCreated, random).status,
              DeliveryStatus::failed)
        << status;
  }
}

TEST(RetrySchedule, LongerRetryAfterIsHonouredUpToAnHour) {
  RetrySchedule schedule;
  SeededRandom random(1);
  AttemptResult r = answered(429);
  r.retry_after = 120s;
  EXPECT_EQ(schedule.after_attempt(kCreated, 1, r, kCreated, random).next_attempt_at, kCreated + 120s);
  r.retry_after = 5h;
  EXPECT_EQ(schedule.after_attempt(kCreated, 1, r, kCreated, random).next_attempt_at, kCreated + 1h);
}

TEST(RetrySchedule, LastRetryIsMovedToTheDeadlineAndAFailureThereExpires) {
  RetrySchedule schedule;
  SeededRandom random(1);
  const Timestamp almost = kCreated + 24h - 10min;
  const Verdict v = schedule.after_attempt(kCreated, 15, answered(503), almost, random);
  EXPECT_EQ(v.status, DeliveryStatus::pending);
  EXPECT_EQ(v.next_attempt_at, kCreated + 24h);
  EXPECT_EQ(schedule.after_attempt(kCreated, 16, answered(503), kCreated + 24h, random).status,
            DeliveryStatus::expired);
  // A success at the deadline still counts.
  EXPECT_EQ(schedule.after_attempt(kCreated, 16, answered(200), kCreated + 24h, random).status,
            DeliveryStatus::delivered);
}

TEST(DeliveryStatus, NamesRoundTrip) {
  for (DeliveryStatus s : {DeliveryStatus::pending, DeliveryStatus::delivered, DeliveryStatus::failed,
                           DeliveryStatus::expired}) {
    EXPECT_EQ(parse_delivery_status(to_string(s)), s);
  }
  EXPECT_FALSE(parse_delivery_status("sent"));
}

}  // namespace
}  // namespace lw::core
