#include "protocol/ecosystem/nuki.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lw::protocol {
namespace {

using core::DoorState;
using core::LockAction;
using core::LockState;
using core::OperationSource;

TEST(NukiTopics, SortsTheSpecsTopicsUnderTheDeviceId) {
  struct Case {
    std::string_view topic;
    NukiTopicKind kind;
  };
  const std::vector<Case> cases = {
      {"nuki/2BB28570/state", NukiTopicKind::state},
      {"nuki/2BB28570/batteryCritical", NukiTopicKind::battery_critical},
      {"nuki/2BB28570/batteryChargeState", NukiTopicKind::battery_charge_state},
      {"nuki/2BB28570/doorsensorState", NukiTopicKind::doorsensor_state},
      {"nuki/2BB28570/connected", NukiTopicKind::connected},
      {"nuki/2BB28570/lockAction", NukiTopicKind::lock_action},
      {"nuki/2BB28570/commandResponse", NukiTopicKind::command_response},
      {"nuki/2BB28570/lockActionEvent", NukiTopicKind::lock_action_event},
      {"nuki/2BB28570/name", NukiTopicKind::name},
      {"nuki/2BB28570/firmware", NukiTopicKind::firmware},
      {"nuki/2BB28570/somethingNew", NukiTopicKind::other},
  };
  for (const Case& c : cases) {
    auto t = classify_nuki_topic(c.topic);
    ASSERT_TRUE(t) << c.topic;
    EXPECT_EQ(t->kind, c.kind) << c.topic;
    EXPECT_EQ(t->device_id, "2BB28570") << c.topic;
  }
  EXPECT_FALSE(classify_nuki_topic("nuki/2BB28570"));
  EXPECT_FALSE(classify_nuki_topic("nuki//state"));
  EXPECT_FALSE(classify_nuki_topic("nukis/2BB28570/state"));
  EXPECT_FALSE(classify_nuki_topic("nuki/2BB28570/a/b"));
  EXPECT_FALSE(classify_nuki_topic("zigbee2mqtt/lock"));
  EXPECT_EQ(nuki_topic("2BB28570", "lockAction"), "nuki/2BB28570/lockAction");
}

// Research notes 4: state 0 uncalibrated, 1 locked, 2 unlocking, 3 unlocked, 4 locking,
// 5 unlatched, 6 unlocked (lock 'n' go), 7 unlatching, 254 motor blocked, 255 undefined.
TEST(NukiState, EveryLockStateOfTheSpecHasAMeaning) {
  EXPECT_EQ(nuki_lock_state(0), LockState::unknown);
  EXPECT_EQ(nuki_lock_state(1), LockState::locked);
  EXPECT_EQ(nuki_lock_state(2), std::nullopt);
  EXPECT_EQ(nuki_lock_state(3), LockState::unlocked);
  EXPECT_EQ(nuki_lock_state(4), std::nullopt);
  EXPECT_EQ(nuki_lock_state(5), LockState::unlatched);
  EXPECT_EQ(nuki_lock_state(6), LockState::unlocked);
  EXPECT_EQ(nuki_lock_state(7), std::nullopt);
  EXPECT_EQ(nuki_lock_state(254), LockState::jammed);
  EXPECT_EQ(nuki_lock_state(255), LockState::unknown);
  EXPECT_EQ(decode_nuki_number("state", "254", 0, 255).value(), 254);
  auto bad = decode_nuki_number("state", "locked", 0, 255);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "state: must be an integer 0..255");
  EXPECT_FALSE(decode_nuki_number("state", "256", 0, 255));
}

// Research notes 4: 1 deactivated, 2 door closed, 3 door opened, 4 door state unknown,
// 5 calibrating, 16 uncalibrated, 240 tampered or removed, 255 unknown.
TEST(NukiDoorSensor, ClosedAndOpenedAreTheOnlyPositions) {
  EXPECT_EQ(nuki_door_state(2), DoorState::closed);
  EXPECT_EQ(nuki_door_state(3), DoorState::open);
  for (int s : {1, 4, 5, 16, 240, 255}) EXPECT_EQ(nuki_door_state(s), DoorState::unknown) << s;
}

TEST(NukiFlags, TrueAndFalseAreTheOnlyWords) {
  EXPECT_TRUE(decode_nuki_flag("connected", "true").value());
  EXPECT_FALSE(decode_nuki_flag("connected", "false\n").value());  // the Last Will
  auto bad = decode_nuki_flag("batteryCritical", "1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "batteryCritical: must be true or false");
  EXPECT_EQ(decode_nuki_number("batteryChargeState", "84", 0, 100).value(), 84);
}

TEST(NukiLockActionEvent, AnMqttUnlockIsARemoteOperation) {
  auto e = decode_nuki_lock_action_event("1,172,0,0,0");
  ASSERT_TRUE(e) << e.error().to_string();
  EXPECT_EQ(e->action, 1);
  EXPECT_EQ(e->trigger, 172);
  auto op = interpret_nuki_lock_action_event(*e);
  EXPECT_EQ(op.operation, LockAction::unlock);
  EXPECT_EQ(op.source, OperationSource::remote);
  EXPECT_FALSE(op.user);
}

TEST(NukiLockActionEvent, WhoAndHowComeFromTheTriggerAndTheIds) {
  struct Case {
    std::string_view payload;
    std::optional<LockAction> operation;
    OperationSource source;
    std::optional<std::string> user;
  };
  const std::vector<Case> cases = {
      {"2,0,3,0,0", LockAction::lock, OperationSource::phone, "3"},                 // the app over Bluetooth
      {"2,6,0,0,0", LockAction::lock, OperationSource::auto_relock, std::nullopt},  // auto lock
      {"1,3,0,0,1", LockAction::unlock, OperationSource::schedule, std::nullopt},   // time control
      {"4,171,0,0", LockAction::unlock, OperationSource::remote, std::nullopt},     // lock 'n' go, HomeKit
      {"3,2,0,0,1", LockAction::unlatch, OperationSource::button, std::nullopt},    // the button
      {"6,0,12,0", LockAction::lock, OperationSource::phone, "12"},                 // full lock
      {"1,255,0,7,1", LockAction::unlock, OperationSource::keypad, "code 7"},       // a keypad code
      {"1,0,0,7,2", LockAction::unlock, OperationSource::keypad, "code 7"},         // a fingerprint
      {"82,0,5,0,1", LockAction::lock, OperationSource::remote, "5"},               // a fob, lock
      {"91,2,0,0,2", LockAction::unlock, OperationSource::button, std::nullopt},    // button, two presses
      {"90,2,0,0,1", std::nullopt, OperationSource::button, std::nullopt},          // button without action
  };
  for (const Case& c : cases) {
    auto e = decode_nuki_lock_action_event(c.payload);
    ASSERT_TRUE(e) << c.payload << ": " << e.error().to_string();
    auto op = interpret_nuki_lock_action_event(*e);
    EXPECT_EQ(op.operation, c.operation) << c.payload;
    EXPECT_EQ(op.source, c.source) << c.payload;
    EXPECT_EQ(op.user, c.user) << c.payload;
  }
}

TEST(NukiLockActionEvent, MalformedListsAreRefused) {
  for (std::string_view p : {"", "1,2,3", "1,2,3,4,5,6", "a,b,c,d", "1,,3,4", "1,2,3,-4"}) {
    auto e = decode_nuki_lock_action_event(p);
    ASSERT_FALSE(e) << p;
    EXPECT_EQ(e.error().message, "lockActionEvent: must be 4 or 5 comma-separated integers 0..65535") << p;
  }
}

// Research notes 4: lockAction 1 unlock, 2 lock, 3 unlatch.
TEST(NukiLockAction, DomainActionsAreTheSpecsNumbers) {
  EXPECT_EQ(encode_nuki_lock_action(LockAction::unlock), "1");
  EXPECT_EQ(encode_nuki_lock_action(LockAction::lock), "2");
  EXPECT_EQ(encode_nuki_lock_action(LockAction::unlatch), "3");
}

}  // namespace
}  // namespace lw::protocol
