#include "core/codes/wrong_code_watch.h"

#include <gtest/gtest.h>

namespace lw::core {
namespace {

const Timestamp kT0 = from_epoch_ms(1'767'225'600'000);

TEST(WrongCodeWatch, SameDigestAtTwoDoorsWithinTheWindowAlertsOnce) {
  WrongCodeWatch watch({std::chrono::minutes{10}, 2});
  EXPECT_FALSE(watch.on_wrong_code({"home", "front"}, "d1", kT0));
  EXPECT_FALSE(watch.on_wrong_code({"home", "front"}, "d1", kT0 + 10s));  // one door, however often
  auto alert = watch.on_wrong_code({"home", "back"}, "d1", kT0 + 5min);
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->site, "home");
  EXPECT_EQ(alert->locks, (std::vector<LockId>{"front", "back"}));
  EXPECT_EQ(alert->attempts, 3);
  EXPECT_EQ(alert->describe(),
            "the same wrong PIN was tried at 2 doors of site home within 300 s (3 tries): front, back");
  EXPECT_FALSE(watch.on_wrong_code({"home", "garage"}, "d1", kT0 + 6min));
}

TEST(WrongCodeWatch, DifferentPinsSitesOrTriesOutsideTheWindowDoNotAlert) {
  WrongCodeWatch watch({std::chrono::minutes{10}, 2});
  EXPECT_FALSE(watch.on_wrong_code({"home", "front"}, "d1", kT0));
  EXPECT_FALSE(watch.on_wrong_code({"home", "back"}, "d2", kT0 + 1min));
  EXPECT_FALSE(watch.on_wrong_code({"office", "door"}, "d1", kT0 + 1min));
  EXPECT_FALSE(watch.on_wrong_code({"home", "back"}, "d1", kT0 + 11min));  // front's try fell out
  EXPECT_TRUE(watch.on_wrong_code({"home", "front"}, "d1", kT0 + 12min));
}

TEST(WrongCodeWatch, ANewTrailAfterTheWindowAlertsAgain) {
  WrongCodeWatch watch({std::chrono::minutes{10}, 2});
  (void)watch.on_wrong_code({"home", "front"}, "d1", kT0);
  EXPECT_TRUE(watch.on_wrong_code({"home", "back"}, "d1", kT0 + 1min));
  (void)watch.on_wrong_code({"home", "front"}, "d1", kT0 + 30min);
  EXPECT_TRUE(watch.on_wrong_code({"home", "back"}, "d1", kT0 + 31min));
}

}  // namespace
}  // namespace lw::core
