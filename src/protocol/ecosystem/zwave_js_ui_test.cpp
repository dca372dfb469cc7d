#include "protocol/ecosystem/zwave_js_ui.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace lw::protocol {
namespace {

using core::DoorState;
using core::LockState;
using core::OperationSource;

ZwaveTopic must_classify(const ZwaveTopics& topics, std::string_view topic) {
  auto t = topics.classify(topic);
  EXPECT_TRUE(t) << topic;
  return t.value_or(ZwaveTopic{});
}

/// The lock update for `payload` on `topic`, or a test failure.
ZwaveLockUpdate lock_update(std::string_view topic, std::string_view payload) {
  const ZwaveTopic t = ZwaveTopics().classify(topic).value_or(ZwaveTopic{});
  EXPECT_TRUE(t.value) << topic;
  auto v = decode_zwave_value(payload);
  EXPECT_TRUE(v) << payload;
  if (!t.value || !v) return {};
  auto u = interpret_zwave_lock_value(*t.value, *v);
  EXPECT_TRUE(u) << topic << " " << payload << ": " << (u ? "" : u.error().to_string());
  return u.value_or(ZwaveLockUpdate{});
}

/// The error message for `payload` on `topic`.
std::string lock_error(std::string_view topic, std::string_view payload) {
  const ZwaveTopic t = ZwaveTopics().classify(topic).value_or(ZwaveTopic{});
  auto v = decode_zwave_value(payload);
  if (!t.value || !v) return "cannot classify or decode";
  auto u = interpret_zwave_lock_value(*t.value, *v);
  return u ? "no error" : u.error().message;
}

// --- topics ---------------------------------------------------------------------

TEST(ZwaveTopics, SimulatorNamedTopicsClassify) {
  const ZwaveTopics topics;
  const ZwaveTopic mode = must_classify(topics, "zwave/Z-Wave door/door_lock/endpoint_0/currentMode");
  EXPECT_EQ(mode.kind, ZwaveTopicKind::value);
  EXPECT_EQ(mode.node, "Z-Wave door");
  ASSERT_TRUE(mode.value);
  EXPECT_EQ(mode.value->style, ZwaveTopicStyle::named);
  EXPECT_EQ(mode.value->command_class, "door_lock");
  EXPECT_EQ(mode.value->command_class_id, kZwaveDoorLockCc);
  EXPECT_EQ(mode.value->endpoint, 0);
  EXPECT_EQ(mode.value->property, "currentMode");
  EXPECT_FALSE(mode.value->property_key);
  const ZwaveTopic battery = must_classify(topics, "zwave/Z-Wave door/battery/endpoint_0/level");
  EXPECT_EQ(battery.value->command_class_id, kZwaveBatteryCc);
  const ZwaveTopic access = must_classify(topics, "zwave/Z-Wave door/notification/endpoint_0/Access_Control");
  EXPECT_EQ(access.value->command_class_id, kZwaveNotificationCc);
  EXPECT_EQ(access.value->property, "Access_Control");
  EXPECT_EQ(must_classify(topics, "zwave/Z-Wave door/lastActive").kind, ZwaveTopicKind::node_last_active);
  const ZwaveTopic status = must_classify(topics, "zwave/Z-Wave door/status");
  EXPECT_EQ(status.kind, ZwaveTopicKind::node_status);
  EXPECT_EQ(status.node, "Z-Wave door");
  EXPECT_EQ(must_classify(topics, "zwave/Z-Wave door/nodeinfo").kind, ZwaveTopicKind::node_info);
}

TEST(ZwaveTopics, GatewayClientEventAndDriverTopicsClassify) {
  const ZwaveTopics topics;
  const ZwaveTopic status = must_classify(topics, "zwave/_CLIENTS/ZWAVE_GATEWAY-zw/status");
  EXPECT_EQ(status.kind, ZwaveTopicKind::gateway_status);
  EXPECT_EQ(status.gateway, "zw");
  EXPECT_EQ(must_classify(topics, "zwave/_CLIENTS/ZWAVE_GATEWAY-zw/version").kind,
            ZwaveTopicKind::gateway_version);
  const ZwaveTopic api = must_classify(topics, "zwave/_CLIENTS/ZWAVE_GATEWAY-zw/api/getInfo");
  EXPECT_EQ(api.kind, ZwaveTopicKind::gateway_api_result);
  EXPECT_EQ(api.subtopic, "getInfo");
  EXPECT_EQ(must_classify(topics, "zwave/_CLIENTS/ZWAVE_GATEWAY-zw/api/pingNode/set").kind,
            ZwaveTopicKind::write_request);
  EXPECT_EQ(must_classify(topics, "zwave/_CLIENTS/ZWAVE_GATEWAY-zw/multicast").kind,
            ZwaveTopicKind::gateway_other);
  for (std::string_view events :
       {"zwave/_EVENTS/ZWAVE_GATEWAY-zw/node/node_dead", "zwave/_EVENTS_/ZWAVE_GATEWAY-zw/node/node_dead"}) {
    const ZwaveTopic e = must_classify(topics, events);
    EXPECT_EQ(e.kind, ZwaveTopicKind::gateway_event) << events;
    EXPECT_EQ(e.subtopic, "node/node_dead") << events;
  }
  EXPECT_EQ(must_classify(topics, "zwave/driver/status").kind, ZwaveTopicKind::driver_status);
}

TEST(ZwaveTopics, ResearchTopicExamplesClassify) {
  const ZwaveTopic bolt = must_classify(ZwaveTopics(), "zwave/Door2_Lock/98/0/boltStatus");
  EXPECT_EQ(bolt.kind, ZwaveTopicKind::value);
  EXPECT_EQ(bolt.node, "Door2_Lock");
  EXPECT_EQ(bolt.value->style, ZwaveTopicStyle::value_id);
  EXPECT_EQ(bolt.value->command_class_id, kZwaveDoorLockCc);
  EXPECT_EQ(bolt.value->property, "boltStatus");
  const ZwaveTopic located =
      must_classify(ZwaveTopics(), "zwave/frontstoop/frontdoorlock/98/0/targetMode/set");
  EXPECT_EQ(located.kind, ZwaveTopicKind::write_request);
  EXPECT_EQ(located.node, "frontstoop/frontdoorlock");
  EXPECT_EQ(located.value->property, "targetMode");
  const ZwaveTopic unnamed =
      must_classify(ZwaveTopics("zwavejs"), "zwavejs/nodeID_22/door_lock/endpoint_0/targetMode/set");
  EXPECT_EQ(unnamed.kind, ZwaveTopicKind::write_request);
  EXPECT_EQ(unnamed.node_id, 22);
  const ZwaveTopic older = must_classify(ZwaveTopics("zwavemqtt"), "zwavemqtt/SideDeck/MultiSensor6/status");
  EXPECT_EQ(older.kind, ZwaveTopicKind::node_status);
  EXPECT_EQ(older.node, "SideDeck/MultiSensor6");
  EXPECT_EQ(must_classify(ZwaveTopics(), "zwave/FDIM/status").kind, ZwaveTopicKind::node_status);
}

TEST(ZwaveTopics, PropertyKeysNumericNodesAndUserCodes) {
  const ZwaveTopics topics;
  const ZwaveTopic jam =
      must_classify(topics, "zwave/Front/notification/endpoint_0/Access_Control/Lock_state");
  EXPECT_EQ(jam.node, "Front");
  EXPECT_EQ(jam.value->property_key, "Lock_state");
  const ZwaveTopic code = must_classify(topics, "zwave/5/99/0/userCode/3");
  EXPECT_EQ(code.node_id, 5);
  EXPECT_EQ(code.value->command_class_id, kZwaveUserCodeCc);
  EXPECT_EQ(code.value->property, "userCode");
  EXPECT_EQ(code.value->property_key, "3");
  const ZwaveTopic config = must_classify(topics, "zwave/5/112/0/3");
  EXPECT_EQ(config.node, "5");
  EXPECT_EQ(config.value->command_class_id, 112);
  EXPECT_EQ(config.value->property, "3");
  const ZwaveTopic ep2 = must_classify(topics, "zwave/Garage/battery/endpoint_2/level");
  EXPECT_EQ(ep2.value->endpoint, 2);
}

TEST(ZwaveTopics, CustomPrefixAndForeignTopics) {
  const ZwaveTopics topics("home/zw");
  const ZwaveTopic level = must_classify(topics, "home/zw/nodeID_7/battery/endpoint_0/level");
  EXPECT_EQ(level.kind, ZwaveTopicKind::value);
  EXPECT_EQ(level.node, "nodeID_7");
  EXPECT_EQ(level.node_id, 7);
  EXPECT_FALSE(topics.classify("zwave/Z-Wave door/status"));
  EXPECT_FALSE(topics.classify("home/zw"));
  EXPECT_FALSE(topics.classify("home/zwave/x/status"));
  EXPECT_EQ(must_classify(topics, "home/zw/lonely").kind, ZwaveTopicKind::other);
}

// --- value payloads ---------------------------------------------------------------

TEST(ZwaveValue, TimeValueFormCarriesTimeAndValue) {
  auto v = decode_zwave_value(R"({"time":1755955213235,"value":"locked"})");
  ASSERT_TRUE(v) << v.error().to_string();
  ASSERT_TRUE(v->time);
  EXPECT_EQ(to_epoch_ms(*v->time), 1'755'955'213'235);
  EXPECT_EQ(std::get<std::string>(v->value), "locked");
  auto doc = decode_zwave_value(R"({"time": 1548683523859, "value": 10})");
  ASSERT_TRUE(doc) << doc.error().to_string();
  EXPECT_EQ(std::get<std::int64_t>(doc->value), 10);
}

TEST(ZwaveValue, JustValueFormsDecode) {
  EXPECT_EQ(std::get<std::int64_t>(decode_zwave_value("255")->value), 255);
  EXPECT_EQ(std::get<bool>(decode_zwave_value("true")->value), true);
  EXPECT_EQ(std::get<std::string>(decode_zwave_value(R"("locked")")->value), "locked");
  EXPECT_EQ(std::get<std::string>(decode_zwave_value("locked")->value), "locked");
  EXPECT_DOUBLE_EQ(std::get<double>(decode_zwave_value("21.5")->value), 21.5);
  auto cleared = decode_zwave_value("");
  ASSERT_TRUE(cleared);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(cleared->value));
  EXPECT_FALSE(cleared->time);
}

TEST(ZwaveValue, EntireValueIdFormTakesLastUpdateAsTime) {
  auto v = decode_zwave_value(
      R"({"id":"98-0-currentMode","nodeId":5,"commandClass":98,"commandClassName":"Door Lock","endpoint":0,"property":"currentMode","propertyName":"currentMode","type":"number","readable":true,"writeable":false,"label":"Current lock mode","states":[{"text":"Secured","value":255}],"value":255,"lastUpdate":1700000000000})");
  ASSERT_TRUE(v) << v.error().to_string();
  EXPECT_EQ(std::get<std::int64_t>(v->value), 255);
  EXPECT_EQ(to_epoch_ms(v->time.value_or(Timestamp{})), 1'700'000'000'000);
}

TEST(ZwaveValue, NotificationParametersGiveTheUser) {
  auto wrapped = decode_zwave_value(R"({"time":1700000000000,"value":{"userId":3}})");
  ASSERT_TRUE(wrapped) << wrapped.error().to_string();
  EXPECT_TRUE(std::holds_alternative<ZwaveComposite>(wrapped->value));
  EXPECT_EQ(wrapped->user_id, 3);
  auto raw = decode_zwave_value(R"({"userId":4})");
  ASSERT_TRUE(raw) << raw.error().to_string();
  EXPECT_EQ(raw->user_id, 4);
  auto none = decode_zwave_value(R"({"time":1700000000000})");
  ASSERT_TRUE(none) << none.error().to_string();
  EXPECT_TRUE(std::holds_alternative<std::monostate>(none->value));
}

TEST(ZwaveValue, MalformedPayloadsNameTheField) {
  struct Case {
    std::string_view payload;
    std::string_view error;
  };
  const std::vector<Case> cases = {
      {R"({"time":1,"value":)", "value: not valid JSON"},
      {R"({"time":"now","value":1})",
       "value.time: must be an integer 0..253402300799999 (ms since the Unix epoch)"},
      {R"({"time":1,"value":{"userId":-1}})", "value.value.userId: must be an integer 0..65535"},
      {R"({"time":1,"value":1,"eventLabel":7})",
       "value.eventLabel: must be a string of 1..128 bytes without control characters"},
  };
  for (const Case& c : cases) {
    auto v = decode_zwave_value(c.payload);
    ASSERT_FALSE(v) << c.payload;
    EXPECT_EQ(v.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(v.error().message, c.error) << c.payload;
  }
}

// --- what the values say about a lock ---------------------------------------------

TEST(ZwaveLock, CurrentModeMapsToTheLockState) {
  struct Case {
    int mode;
    LockState state;
  };
  for (const Case c :
       {Case{255, LockState::locked}, Case{0, LockState::unlocked}, Case{1, LockState::unlocked},
        Case{16, LockState::unlocked}, Case{17, LockState::unlocked}, Case{32, LockState::unlocked},
        Case{33, LockState::unlocked}, Case{254, LockState::jammed}, Case{2, LockState::unknown}}) {
    const std::string payload = R"({"time":1700000000000,"value":)" + std::to_string(c.mode) + "}";
    const ZwaveLockUpdate u = lock_update("zwave/Z-Wave door/door_lock/endpoint_0/currentMode", payload);
    EXPECT_EQ(u.lock_state, c.state) << c.mode;
  }
  EXPECT_EQ(lock_update("zwave/5/98/0/currentMode", "255").lock_state, LockState::locked)
      << "just value, ValueId topic";
}

TEST(ZwaveLock, BoltAndDoorStatusStrings) {
  EXPECT_EQ(lock_update("zwave/Door2_Lock/98/0/boltStatus", R"({"time":1755955213235,"value":"locked"})")
                .lock_state,
            LockState::locked);
  EXPECT_EQ(lock_update("zwave/Door2_Lock/98/0/boltStatus", R"("unlocked")").lock_state, LockState::unlocked);
  EXPECT_EQ(lock_update("zwave/Door2_Lock/98/0/doorStatus", R"({"time":1,"value":"open"})").door_state,
            DoorState::open);
}

TEST(ZwaveLock, SimulatorBatteryLevelAndIsLow) {
  const ZwaveLockUpdate level =
      lock_update("zwave/Z-Wave door/battery/endpoint_0/level", R"({"time":1700000000000,"value":87})");
  EXPECT_EQ(level.battery_pct, 87);
  EXPECT_FALSE(level.lock_state);
  EXPECT_EQ(lock_update("zwave/Z-Wave door/battery/endpoint_0/isLow", "true").battery_low, true);
}

TEST(ZwaveLock, SimulatorAccessControlEventsMapToOperationsAndAlarms) {
  const std::string_view topic = "zwave/Z-Wave door/notification/endpoint_0/Access_Control";
  const ZwaveLockUpdate keypad =
      lock_update(topic, R"({"time":1700000000000,"value":6,"eventLabel":"Keypad unlock operation"})");
  ASSERT_TRUE(keypad.event);
  EXPECT_EQ(keypad.event->code, 6);
  EXPECT_EQ(keypad.event->operation, core::LockAction::unlock);
  EXPECT_EQ(keypad.event->source, OperationSource::keypad);
  EXPECT_EQ(keypad.lock_state, LockState::unlocked);
  EXPECT_EQ(keypad.jammed, false) << "an operation clears a jam";
  const ZwaveLockUpdate manual =
      lock_update(topic, R"({"time":1700000000000,"value":1,"eventLabel":"Manual lock operation"})");
  EXPECT_EQ(manual.event->source, OperationSource::manual);
  EXPECT_EQ(manual.lock_state, LockState::locked);
  EXPECT_EQ(lock_update(topic, R"({"time":1,"value":4,"eventLabel":"RF unlock operation"})").event->source,
            OperationSource::remote);
  const ZwaveLockUpdate jam =
      lock_update(topic, R"({"time":1700000000000,"value":11,"eventLabel":"Lock jammed"})");
  EXPECT_EQ(jam.event->alarm, "jammed");
  EXPECT_EQ(jam.jammed, true);
  EXPECT_EQ(jam.lock_state, LockState::jammed);
  const ZwaveLockUpdate limit = lock_update(
      topic,
      R"({"time":1700000000000,"value":19,"eventLabel":"Manually enter user access code exceeds code limit"})");
  EXPECT_EQ(limit.event->alarm, "wrong_code_limit");
  EXPECT_FALSE(limit.lock_state);
}

TEST(ZwaveLock, StatefulLockStateJamsAndReturnsToIdle) {
  const std::string_view topic = "zwave/Front/notification/endpoint_0/Access_Control/Lock_state";
  EXPECT_EQ(lock_update(topic, R"({"time":1,"value":11})").jammed, true);
  const ZwaveLockUpdate idle = lock_update(topic, R"({"time":2,"value":0})");
  EXPECT_EQ(idle.jammed, false);
  EXPECT_FALSE(idle.event);
  EXPECT_EQ(lock_update("zwave/Front/notification/endpoint_0/Access_Control/Keypad_state", "16").event->alarm,
            "keypad_disabled");
}

TEST(ZwaveLock, RealGatewayEventLabelKeysCarryTheUser) {
  const ZwaveLockUpdate keypad =
      lock_update("zwave/Front/notification/endpoint_0/Access_Control/Keypad_unlock_operation",
                  R"({"time":1700000000000,"value":{"userId":3}})");
  ASSERT_TRUE(keypad.event);
  EXPECT_EQ(keypad.event->code, 6);
  EXPECT_EQ(keypad.event->user_id, 3);
  const ZwaveLockUpdate manual = lock_update(
      "zwave/Front/notification/endpoint_0/Access_Control/Manual_lock_operation", R"({"time":1})");
  ASSERT_TRUE(manual.event) << "an event without parameters is still an event";
  EXPECT_EQ(manual.event->code, 1);
  EXPECT_FALSE(lock_update("zwave/Front/notification/endpoint_0/Access_Control/Something_new", "{}").event);
}

TEST(ZwaveLock, DoorStateAndBatteryMaintenanceNotifications) {
  EXPECT_EQ(lock_update("zwave/Front/notification/endpoint_0/Access_Control/Door_state", "22").door_state,
            DoorState::open);
  EXPECT_EQ(lock_update("zwave/Front/notification/endpoint_0/Access_Control/Door_state", "23").door_state,
            DoorState::closed);
  EXPECT_EQ(
      lock_update("zwave/Front/notification/endpoint_0/Power_Management/Battery_maintenance_status", "10")
          .battery_low,
      true);
  EXPECT_EQ(
      lock_update("zwave/Front/notification/endpoint_0/Power_Management/Battery_maintenance_status", "0")
          .battery_low,
      false);
}

TEST(ZwaveLock, AccessControlLabelsMatchInEitherSpelling) {
  EXPECT_EQ(zwave_access_control_code("Window/door is open"), 0x16);
  EXPECT_EQ(zwave_access_control_code("Window-door_is_open"), 0x16);
  EXPECT_EQ(zwave_access_control_code("Unlock_operation_with_User_Code"), 0x22);
  EXPECT_FALSE(zwave_access_control_code("Door bell"));
  EXPECT_EQ(zwave_access_control_event(0x21)->source, OperationSource::keypad);
  EXPECT_FALSE(zwave_access_control_event(0x30));
}

TEST(ZwaveLock, BadValuesGiveErrorsThatNameTheValue) {
  EXPECT_EQ(
      lock_error("zwave/Z-Wave door/door_lock/endpoint_0/currentMode", R"({"time":1,"value":"locked"})"),
      "door_lock.currentMode: must be an integer 0..255");
  EXPECT_EQ(lock_error("zwave/Door2_Lock/98/0/currentMode", "300"),
            "98.currentMode: must be an integer 0..255");
  EXPECT_EQ(lock_error("zwave/Door2_Lock/98/0/boltStatus", R"("jammed")"),
            "98.boltStatus: must be one of locked, unlocked");
  EXPECT_EQ(lock_error("zwave/Z-Wave door/battery/endpoint_0/level", R"({"time":1,"value":101})"),
            "battery.level: must be an integer 0..100");
  EXPECT_EQ(lock_error("zwave/Z-Wave door/battery/endpoint_0/isLow", "1"),
            "battery.isLow: must be true or false");
  EXPECT_EQ(
      lock_error("zwave/Z-Wave door/notification/endpoint_0/Access_Control", R"({"time":1,"value":"x"})"),
      "notification.Access_Control: must be an integer 0..255");
}

// Found by fuzz_zwave_js_ui: the topic's levels were copied into the error as
// they came, so a topic with a newline or a terminal escape forged log lines.
TEST(ZwaveLock, ErrorsNameTheValueWithoutControlCharactersFromTheTopic) {
  EXPECT_EQ(
      lock_error("zwave/Front/notification/endpoint_0/Power_Management/Battery_maintenance\n\x1b_status",
                 R"({"time":1,"value":300})"),
      "notification.Power_Management.Battery_maintenance??_status: must be an integer 0..255");
}

// Found by fuzz_zwave_js_ui (finding-error-over-300-bytes): topic levels of any length were echoed whole.
TEST(ZwaveLock, ErrorsNameTheValueInBoundedValidText) {
  const std::string error =
      lock_error("zwave/Front/notification/endpoint_0/Power_Management/Battery_maintenance" +
                     std::string(400, '\x01') + "_status",
                 R"({"time":1,"value":300})");
  EXPECT_LE(error.size(), 300U) << error;
  EXPECT_NE(error.find("...: must be an integer 0..255"), std::string::npos) << error;
}

TEST(ZwaveLock, NullAndUnrelatedValuesSayNothing) {
  const ZwaveLockUpdate cleared = lock_update("zwave/Z-Wave door/door_lock/endpoint_0/currentMode", "");
  EXPECT_FALSE(cleared.lock_state);
  const ZwaveLockUpdate target = lock_update("zwave/Z-Wave door/door_lock/endpoint_0/targetMode", "255");
  EXPECT_FALSE(target.lock_state) << "the target is not the state";
  const ZwaveLockUpdate other = lock_update("zwave/Z-Wave door/user_code/endpoint_0/userIdStatus/3", "1");
  EXPECT_FALSE(other.lock_state || other.event || other.battery_pct);
}

// --- node and gateway payloads ----------------------------------------------------

TEST(ZwaveNode, StatusInSimulatorResearchAndRawForms) {
  auto alive = decode_zwave_node_status(R"({"time":1700000000000,"value":true,"status":"Alive","nodeId":3})");
  ASSERT_TRUE(alive) << alive.error().to_string();
  EXPECT_TRUE(alive->available);
  EXPECT_EQ(alive->status, ZwaveNodeStatus::alive);
  EXPECT_EQ(alive->node_id, 3);
  EXPECT_EQ(to_epoch_ms(alive->time.value_or(Timestamp{})), 1'700'000'000'000);
  auto dead = decode_zwave_node_status(R"({"time":1700000000000,"value":false,"status":"Dead","nodeId":3})");
  ASSERT_TRUE(dead) << dead.error().to_string();
  EXPECT_FALSE(dead->available);
  EXPECT_EQ(dead->status, ZwaveNodeStatus::dead);
  // https://github.com/zwave-js/zwave-js-ui/issues/492 (before nodeId was added)
  auto awake = decode_zwave_node_status(R"({"time":1612658379924,"value":true,"status":"Awake"})");
  ASSERT_TRUE(awake) << awake.error().to_string();
  EXPECT_EQ(awake->status, ZwaveNodeStatus::awake);
  EXPECT_FALSE(awake->node_id);
  auto raw = decode_zwave_node_status("false");
  ASSERT_TRUE(raw) << raw.error().to_string();
  EXPECT_FALSE(raw->available);
  EXPECT_FALSE(raw->status);
}

TEST(ZwaveNode, StatusErrorsNameTheField) {
  struct Case {
    std::string_view payload;
    std::string_view error;
  };
  const std::vector<Case> cases = {
      {R"({"value":true,"status":"Sleeping"})",
       "status.status: must be one of Alive, Dead, Asleep, Awake, Unknown"},
      {R"({"status":"Alive"})", "status.value: missing"},
      {R"({"value":"yes"})", "status.value: must be true or false"},
      {R"({"value":true,"nodeId":0})", "status.nodeId: must be an integer 1..4000"},
      {"7", "status: must be a JSON object, true or false"},
      {"Alive", "status: not valid JSON"},
  };
  for (const Case& c : cases) {
    auto s = decode_zwave_node_status(c.payload);
    ASSERT_FALSE(s) << c.payload;
    EXPECT_EQ(s.error().message, c.error) << c.payload;
  }
}

TEST(ZwaveNode, LastActiveInBothFormsAndNeverHeard) {
  auto sim = decode_zwave_last_active(R"({"time":1700000000000,"value":1700000000000})");
  ASSERT_TRUE(sim) << sim.error().to_string();
  EXPECT_EQ(to_epoch_ms(sim->value_or(Timestamp{})), 1'700'000'000'000);
  auto raw = decode_zwave_last_active("1610009585743");
  ASSERT_TRUE(raw) << raw.error().to_string();
  EXPECT_EQ(to_epoch_ms(raw->value_or(Timestamp{})), 1'610'009'585'743);
  auto never = decode_zwave_last_active(R"({"time":1700000000000})");
  ASSERT_TRUE(never) << never.error().to_string();
  EXPECT_FALSE(*never);
  auto bad = decode_zwave_last_active(R"({"time":1,"value":-5})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "lastActive.value: must be an integer 0..253402300799999 (ms since the Unix epoch)");
}

TEST(ZwaveNode, NodeInfoResearchExampleDecodes) {
  auto info = decode_zwave_node_info(
      R"({"id":97,"name":"Front door","loc":"Hall","ready":true,"available":true,"failed":false,"lastActive":1610009585743,"firmwareVersion":"3.3","isListening":false,"isFrequentListening":true,"status":"Asleep","interviewStage":"Complete","manufacturer":"Allegion"})");
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_EQ(info->id, 97);
  EXPECT_EQ(info->location, "Hall");
  EXPECT_EQ(info->ready, true);
  EXPECT_EQ(info->failed, false);
  EXPECT_EQ(to_epoch_ms(info->last_active.value_or(Timestamp{})), 1'610'009'585'743);
  EXPECT_EQ(info->firmware_version, "3.3");
  EXPECT_EQ(info->is_listening, false);
  EXPECT_EQ(info->is_frequent_listening, true);
  EXPECT_EQ(info->status, ZwaveNodeStatus::asleep);
  EXPECT_EQ(info->interview_stage, "Complete");
  auto flirs = decode_zwave_node_info(R"({"id":5,"isFrequentListening":"1000ms"})");
  ASSERT_TRUE(flirs) << flirs.error().to_string();
  EXPECT_EQ(flirs->is_frequent_listening, true);
  auto no_id = decode_zwave_node_info(R"({"name":"x"})");
  ASSERT_FALSE(no_id);
  EXPECT_EQ(no_id.error().message, "nodeinfo.id: missing");
}

TEST(ZwaveGateway, StatusOnConnectAndAsTheWill) {
  EXPECT_EQ(decode_zwave_gateway_status(R"({"value":true,"time":1700000000000})").value_or(false), true);
  EXPECT_EQ(decode_zwave_gateway_status(R"({"value":false})").value_or(true), false);
  EXPECT_EQ(decode_zwave_gateway_status("true").value_or(false), true) << "driver/status";
  auto bad = decode_zwave_gateway_status(R"({"time":1})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "gateway_status.value: missing");
}

TEST(ZwaveGateway, VersionInJsonAndBareForms) {
  EXPECT_EQ(decode_zwave_gateway_version(R"({"value":"9.27.0","time":1700000000000})").value_or(""),
            "9.27.0");
  EXPECT_EQ(decode_zwave_gateway_version("9.27.0").value_or(""), "9.27.0");
  EXPECT_EQ(decode_zwave_gateway_version(R"("8.2.1")").value_or(""), "8.2.1");
  auto bad = decode_zwave_gateway_version(R"({"value":9})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "gateway_version.value: must be a string of 1..64 bytes without control characters");
}

}  // namespace
}  // namespace lw::protocol
