#include "core/lock/credentials.h"

#include <gtest/gtest.h>

namespace lw::core {
namespace {

// 2026-12-04 is a Friday.
constexpr std::int64_t kFridayDay = 20'791;
Timestamp at(std::int64_t day, int hour, int minute) {
  return utc_day_start(day) + std::chrono::hours{hour} + std::chrono::minutes{minute};
}
constexpr std::uint8_t kFri = 1U << 4U;

TEST(CodeSchedule, DayNumbersMapToIsoWeekdays) {
  EXPECT_EQ(weekday_of_day(0), 3);  // 1970-01-01, a Thursday
  EXPECT_EQ(weekday_of_day(kFridayDay), 4);
  EXPECT_EQ(weekday_of_day(-1), 2);  // 1969-12-31, a Wednesday
}

TEST(CodeSchedule, WeeklyWindowAcrossMidnightRunsIntoTheNextMorning) {
  const CodeSchedule night = CodeSchedule::weekly(kFri, 22 * 60, 6 * 60);
  EXPECT_FALSE(night.allows(at(kFridayDay, 21, 59)));
  EXPECT_TRUE(night.allows(at(kFridayDay, 22, 0)));
  EXPECT_TRUE(night.allows(at(kFridayDay, 23, 59)));
  EXPECT_TRUE(night.allows(at(kFridayDay + 1, 0, 0)));  // Saturday's early hours belong to Friday night
  EXPECT_TRUE(night.allows(at(kFridayDay + 1, 5, 59)));
  EXPECT_FALSE(night.allows(at(kFridayDay + 1, 6, 0)));
  EXPECT_FALSE(night.allows(at(kFridayDay + 1, 22, 30)));  // Saturday night is not listed
  EXPECT_FALSE(night.allows(at(kFridayDay, 3, 0)));        // Friday's early hours belong to Thursday
}

TEST(CodeSchedule, WeeklyWindowIsInTheLocalTimeOfItsOffset) {
  // 09:00-17:00 in UTC+01:00 is 08:00-16:00 UTC.
  const CodeSchedule office = CodeSchedule::weekly(kFri, 9 * 60, 17 * 60, 60);
  EXPECT_FALSE(office.allows(at(kFridayDay, 7, 59)));
  EXPECT_TRUE(office.allows(at(kFridayDay, 8, 0)));
  EXPECT_TRUE(office.allows(at(kFridayDay, 15, 59)));
  EXPECT_FALSE(office.allows(at(kFridayDay, 16, 0)));
  // 23:30 UTC on Thursday is 00:30 Friday in UTC+01:00: inside a Friday-from-midnight window.
  const CodeSchedule early = CodeSchedule::weekly(kFri, 0, 60, 60);
  EXPECT_TRUE(early.allows(at(kFridayDay - 1, 23, 30)));
  EXPECT_FALSE(early.allows(at(kFridayDay, 23, 30)));
}

TEST(CodeSchedule, WindowEndingAtMidnightIncludesTheLastMinute) {
  const CodeSchedule evening = CodeSchedule::weekly(kFri, 18 * 60, 24 * 60);
  EXPECT_TRUE(evening.allows(at(kFridayDay, 23, 59)));
  EXPECT_FALSE(evening.allows(at(kFridayDay + 1, 0, 0)));
}

TEST(CodeSchedule, DateRangeIncludesItsStartAndExcludesItsEnd) {
  const CodeSchedule stay = CodeSchedule::date_range(at(kFridayDay, 15, 0), at(kFridayDay + 2, 11, 0));
  EXPECT_FALSE(stay.allows(at(kFridayDay, 15, 0) - 1ms));
  EXPECT_TRUE(stay.allows(at(kFridayDay, 15, 0)));
  EXPECT_TRUE(stay.allows(at(kFridayDay + 2, 11, 0) - 1ms));
  EXPECT_FALSE(stay.allows(at(kFridayDay + 2, 11, 0)));
}

TEST(CodeSchedule, ValidationNamesTheField) {
  auto message = [](const CodeSchedule& s) {
    auto r = validate(s, "schedule");
    return r ? std::string("ok") : r.error().message;
  };
  EXPECT_EQ(message(CodeSchedule::date_range(at(kFridayDay, 1, 0), at(kFridayDay, 1, 0))),
            "schedule.to_ms: must be after from_ms");
  EXPECT_EQ(message(CodeSchedule::weekly(0, 60, 120)), "schedule.days: must name at least one day");
  EXPECT_EQ(message(CodeSchedule::weekly(kFri, 1440, 120)),
            "schedule.start: must be a time HH:MM 00:00..23:59");
  EXPECT_EQ(message(CodeSchedule::weekly(kFri, 60, 60)), "schedule.end: must differ from start");
  EXPECT_EQ(message(CodeSchedule::weekly(kFri, 60, 120, 900)),
            "schedule.utc_offset_min: must be an integer -840..840");
  EXPECT_EQ(message(CodeSchedule::weekly(kFri, 60, 120, -300)), "ok");
}

TEST(CodeSchedule, DescribesItselfInShortWords) {
  EXPECT_EQ(describe(CodeSchedule::weekly(kFri | 1U, 22 * 60, 6 * 60, 60)), "mon,fri 22:00-06:00 UTC+01:00");
  EXPECT_EQ(describe(CodeSchedule::one_time()), "one time");
}

TEST(LockSettingsTest, EachSettingIsThereOnlyForALockThatHasItAndIsNamedWhenWrong) {
  const LockSettings zigbee{std::nullopt, std::nullopt, 30, SoundVolume::low};
  EXPECT_EQ(describe(LockSettings::keypad()), "keypad off for 60 s after 5 wrong PINs");
  EXPECT_EQ(describe(zigbee), "relocks after 30 s, sound low");
  EXPECT_EQ(describe(LockSettings{std::nullopt, std::nullopt, 0, std::nullopt}), "no auto-relock");
  EXPECT_EQ(describe(LockSettings{}), "no settings");

  // A lock holds what it was asked for when each asked setting matches; it may tell more.
  EXPECT_TRUE(zigbee.holds({std::nullopt, std::nullopt, 30, std::nullopt}));
  EXPECT_FALSE(zigbee.holds({std::nullopt, std::nullopt, 45, std::nullopt}));
  EXPECT_FALSE(zigbee.holds(LockSettings::keypad()));
  EXPECT_EQ(zigbee.merged({std::nullopt, std::nullopt, std::nullopt, SoundVolume::silent}),
            (LockSettings{std::nullopt, std::nullopt, 30, SoundVolume::silent}));

  EXPECT_EQ(settings_it_lacks(zigbee, LockSettings::keypad()), "wrong_code_entry_limit");
  EXPECT_FALSE(settings_it_lacks(zigbee, {std::nullopt, std::nullopt, 0, std::nullopt}));
  EXPECT_EQ(settings_names(zigbee), "auto_relock_s, sound_volume");

  EXPECT_EQ(
      validate(LockSettings{std::nullopt, std::nullopt, 65536, std::nullopt}, "settings").error().message,
      "settings.auto_relock_s: must be an integer 0..65535");
  EXPECT_EQ(validate(LockSettings::keypad(0, 60), "settings").error().message,
            "settings.wrong_code_entry_limit: must be an integer 1..255");
  EXPECT_FALSE(validate(LockSettings{}, "settings"));
  EXPECT_TRUE(validate(zigbee, "settings"));
  EXPECT_EQ(parse_sound_volume("high"), SoundVolume::high);
  EXPECT_FALSE(parse_sound_volume("high_volume"));
}

}  // namespace
}  // namespace lw::core
