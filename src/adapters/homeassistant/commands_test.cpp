#include "adapters/homeassistant/commands.h"

#include <gtest/gtest.h>

#include "adapters/homeassistant/topics.h"

namespace lw::adapters::homeassistant {
namespace {

TEST(HomeAssistantCommand, LockAndUnlockBecomeTheHubsLockAndUnlockActions) {
  EXPECT_EQ(parse_command("LOCK", {}).value(), core::LockAction::lock);
  EXPECT_EQ(parse_command("UNLOCK", {}).value(), core::LockAction::unlock);
  EXPECT_EQ(parse_command(" UNLOCK\n", {}).value(), core::LockAction::unlock)
      << "surrounding space is ignored";
}

TEST(HomeAssistantCommand, OpenIsAnUnlatchOnlyForALockThatCanUnlatch) {
  auto refused = parse_command("OPEN", Traits{.unlatch = false});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(refused.error().message, "command: OPEN: the lock cannot unlatch");
  EXPECT_EQ(parse_command("OPEN", Traits{.unlatch = true}).value(), core::LockAction::unlatch);
}

TEST(HomeAssistantCommand, AnythingElseIsRejectedNamingTheField) {
  for (std::string_view payload : {"lock", "Unlock", "", R"({"state":"LOCK"})", "LOCK UNLOCK"}) {
    auto r = parse_command(payload, {});
    ASSERT_FALSE(r) << payload;
    EXPECT_EQ(r.error().message, "command: must be LOCK or UNLOCK") << payload;
  }
  EXPECT_EQ(parse_command("nope", Traits{.unlatch = true}).error().message,
            "command: must be LOCK, UNLOCK or OPEN");
}

TEST(HomeAssistantCommand, NoTransportDeclaresUnlatchYet) {
  for (auto t : {core::Transport::wifi, core::Transport::ble_bridge, core::Transport::zigbee,
                 core::Transport::zwave, core::Transport::thread}) {
    EXPECT_FALSE(traits_for(t).unlatch) << core::to_string(t);
  }
}

TEST(HomeAssistantTopics, CommandTopicNamesItsLock) {
  const Topics t{"homeassistant", "lockwarden/ha", "home-hub"};
  EXPECT_EQ(t.command("front"), "lockwarden/ha/lock/front/set");
  EXPECT_EQ(t.command_lock("lockwarden/ha/lock/front/set"), LockId("front"));
  EXPECT_EQ(t.command_filter(), "lockwarden/ha/lock/+/set");
  EXPECT_FALSE(t.command_lock("lockwarden/ha/lock/front/lock"));
  EXPECT_FALSE(t.command_lock("lockwarden/ha/lock/a/b/set")) << "not an id";
  EXPECT_FALSE(t.command_lock("lockwarden/hax/lock/front/set"));
  EXPECT_FALSE(t.command_lock("lockwarden/ha/lock//set"));
}

TEST(HomeAssistantTopics, ConfigTopicsOfLockwardenLocksNameTheLock) {
  const Topics t{"homeassistant", "lockwarden/ha", "home-hub"};
  EXPECT_EQ(t.config("lock", Topics::lock_node("front"), "lock"),
            "homeassistant/lock/lockwarden_front/lock/config");
  EXPECT_EQ(t.config_lock("homeassistant/lock/lockwarden_front/lock/config"), LockId("front"));
  EXPECT_EQ(t.config_lock("homeassistant/sensor/lockwarden_back-door/battery/config"), LockId("back-door"));
  EXPECT_FALSE(t.config_lock("homeassistant/sensor/0x00158d0001/battery/config")) << "another integration's";
  EXPECT_FALSE(t.config_lock("homeassistant/binary_sensor/lockwarden-hub_home-hub/status/config"))
      << "the hub is not a lock";
  EXPECT_FALSE(t.config_lock("homeassistant/lock/lockwarden_front/lock/state"));
  EXPECT_EQ(t.hub_status(), "lockwarden/ha/hub/home-hub/status");
  EXPECT_EQ(t.birth(), "homeassistant/status");
  EXPECT_EQ(t.config_filter(), "homeassistant/+/+/+/config");
}

}  // namespace
}  // namespace lw::adapters::homeassistant
