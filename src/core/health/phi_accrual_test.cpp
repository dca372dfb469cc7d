#include "core/health/phi_accrual.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

namespace lw::core {
namespace {

const Timestamp kT0 = from_epoch_ms(1'767'225'600'000);

Timestamp at_s(double s) { return kT0 + std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000)); }

TEST(PhiAccrual, RightAfterAMessageThereIsNoSuspicion) {
  PhiAccrual d(10s);
  EXPECT_EQ(d.phi(at_s(5)), 0);  // nothing heard yet
  d.heard(at_s(0));
  EXPECT_LT(d.phi(at_s(1)), 0.1);
}

TEST(PhiAccrual, SuspicionGrowsWithSilenceFromTheDeclaredCadence) {
  PhiAccrual d(10s);
  d.heard(at_s(0));
  const double on_time = d.phi(at_s(10));
  const double late = d.phi(at_s(13));
  const double very_late = d.phi(at_s(20));
  EXPECT_LT(on_time, 1.0);
  EXPECT_GT(late, on_time);
  EXPECT_GT(very_late, 1.0) << "one report missed";
  EXPECT_GT(d.phi(at_s(100)), 8.0) << "nine reports missed in a row";
}

TEST(PhiAccrual, AJitteryDeviceIsGivenMoreRoomThanARegularOne) {
  PhiAccrual regular(10s);
  PhiAccrual jittery(10s);
  double t = 0;
  for (int i = 0; i < 60; ++i) {
    regular.heard(at_s(i * 10.0));
    t += (i % 2 == 0) ? 6 : 14;  // same mean, large spread
    jittery.heard(at_s(t));
  }
  const Timestamp regular_last = *regular.last_heard();
  const Timestamp jittery_last = *jittery.last_heard();
  EXPECT_GT(regular.phi(regular_last + 16s), jittery.phi(jittery_last + 16s));
  EXPECT_GT(jittery.std_dev(), regular.std_dev());
}

TEST(PhiAccrual, ALostMessageOnlyWidensTheWindow) {
  PhiAccrual d(10s);
  for (int i = 0; i <= 30; ++i) {
    if (i == 20) continue;  // lost on the way
    d.heard(at_s(i * 10.0));
  }
  EXPECT_LT(d.phi(at_s(305)), 1.0) << "the device is on time again";
  EXPECT_GT(d.phi(at_s(330)), 3.0) << "but a real silence still stands out";
}

TEST(PhiAccrual, AnAcceptablePauseDelaysSuspicion) {
  PhiAccrual::Options options;
  options.acceptable_pause = 60s;
  PhiAccrual updating(10s, options);
  PhiAccrual plain(10s);
  updating.heard(at_s(0));
  plain.heard(at_s(0));
  EXPECT_GT(plain.phi(at_s(100)), 8.0);
  EXPECT_LT(updating.phi(at_s(40)), 1.0);
  EXPECT_LT(updating.phi(at_s(100)), plain.phi(at_s(100)));
}

TEST(PhiAccrual, CrossingTimeIsWherePhiReachesTheThreshold) {
  PhiAccrual d(30s);
  for (int i = 0; i < 10; ++i) d.heard(at_s(i * 30.0));
  auto when = d.crosses(8.0);
  ASSERT_TRUE(when);
  EXPECT_GT(*when, *d.last_heard() + 30s);
  EXPECT_LT(*when, *d.last_heard() + 30s * 10);
  EXPECT_LT(d.phi(*when - 1s), 8.0);
  EXPECT_GE(d.phi(*when + 1s), 8.0);
}

// The deadline the liveness engine sleeps until: never before φ reaches the
// threshold, and at most a quarter second after, for regular, jittery and
// lossy devices, with and without a pause, at suspect- and offline-like
// thresholds.
TEST(PhiAccrual, TheCrossingIsWithinAQuarterSecondAfterPhiReachesTheThreshold) {
  struct Device {
    const char* name;
    double period_s;
    double jitter_s;  // alternating early and late by this much
    int lose_every;   // every n-th report lost; 0: none
    Duration pause;
  };
  const Device devices[] = {
      {"regular", 10, 0, 0, Duration::zero()},
      {"slow and jittery", 600, 20, 0, Duration::zero()},
      {"lossy", 60, 1, 4, Duration::zero()},
      {"very jittery", 10, 4, 0, Duration::zero()},
      {"very lossy and jittery", 30, 9, 2, Duration::zero()},
      {"installing", 600, 20, 20, std::chrono::minutes(15)},
  };
  for (const Device& dev : devices) {
    PhiAccrual::Options options;
    options.acceptable_pause = dev.pause;
    PhiAccrual d(std::chrono::milliseconds(static_cast<std::int64_t>(dev.period_s * 1000)), options);
    for (int i = 0; i < 100; ++i) {
      if (dev.lose_every > 0 && i % dev.lose_every == 1) continue;
      d.heard(at_s(i * dev.period_s + (i % 2 == 0 ? -dev.jitter_s : dev.jitter_s)));
    }
    for (const double threshold : {0.5, 1.0, 3.0, 8.0, 12.0, 40.0}) {
      const auto when = d.crosses(threshold);
      ASSERT_TRUE(when);
      EXPECT_GE(d.phi(*when), threshold) << dev.name << " at " << threshold;
      EXPECT_LT(d.phi(*when - 250ms), threshold) << dev.name << " at " << threshold;
    }
  }
}

TEST(PhiAccrual, DeclaringASlowerCadenceReseedsTheHistory) {
  PhiAccrual d(10s);
  for (int i = 0; i < 20; ++i) d.heard(at_s(i * 10.0));
  d.declare(std::chrono::minutes(30));
  EXPECT_EQ(d.mean(), Duration{std::chrono::minutes(30)});
  EXPECT_LT(d.phi(at_s(190 + 600)), 1.0) << "ten minutes is nothing for a 30-minute device";
}

TEST(PhiAccrual, ALossyDeviceNeedsALongerSilenceThanAReliableOne) {
  PhiAccrual reliable(10s);
  PhiAccrual lossy(10s);
  for (int i = 0; i <= 600; ++i) {
    reliable.heard(at_s(i * 10.0));
    if (i % 4 != 0) lossy.heard(at_s(i * 10.0));  // a quarter of its reports lost
  }
  EXPECT_LT(reliable.loss_rate(), 0.02);
  EXPECT_NEAR(lossy.loss_rate(), 0.25, 0.05);
  const auto reliable_alarm = *reliable.crosses(8.0) - *reliable.last_heard();
  const auto lossy_alarm = *lossy.crosses(8.0) - *lossy.last_heard();
  EXPECT_LT(reliable_alarm, 60s);
  EXPECT_GT(lossy_alarm, 100s);
}

TEST(PhiAccrual, AnEventBetweenReportsDoesNotCountAsALoss) {
  PhiAccrual d(60s);
  for (int i = 0; i < 50; ++i) {
    d.heard(at_s(i * 60.0));
    d.heard(at_s(i * 60.0 + 7));  // a door event right after each report
  }
  EXPECT_LT(d.loss_rate(), 0.02);
}

TEST(PhiAccrual, PhiStaysFiniteFarIntoTheTail) {
  PhiAccrual d(1s);
  for (int i = 0; i < 64; ++i) d.heard(at_s(i));
  const double phi = d.phi(at_s(63 + 3600));
  EXPECT_TRUE(std::isfinite(phi));
  EXPECT_GT(phi, 300);
}

}  // namespace
}  // namespace lw::core
