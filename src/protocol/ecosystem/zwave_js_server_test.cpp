// zwave-js-server messages as the real server (3.10.2, driver 15.29.0) sent
// them to a client with schema 44: tests/fixtures/zwave_js_server/session.jsonl,
// recorded against zwave-js's mock-server with tests/peers/zwave-js/door_lock.cjs.
#include "protocol/ecosystem/zwave_js_server.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "tests/support/fixture_lines.h"

namespace lw::protocol {
namespace {

std::vector<std::string> session() { return lw::testing::fixture_lines("zwave_js_server/session.jsonl"); }

template <typename T>
T as(const std::string& text) {
  auto m = decode_zws_message(text);
  EXPECT_TRUE(m) << m.error().message;
  if (!m || !std::holds_alternative<T>(*m)) {
    ADD_FAILURE() << "not the expected kind of message: " << text.substr(0, 200);
    return T{};
  }
  return std::get<T>(*m);
}

/// The first line of the session that holds `needle`.
std::string line_with(const std::string& needle) {
  for (const std::string& l : session()) {
    if (l.find(needle) != std::string::npos) return l;
  }
  ADD_FAILURE() << "no line with " << needle;
  return "{}";
}

TEST(ZwaveJsServer, EveryRecordedMessageDecodes) {
  const auto lines = session();
  ASSERT_GT(lines.size(), 20U);
  for (const std::string& l : lines) {
    auto m = decode_zws_message(l);
    EXPECT_TRUE(m) << (m ? "" : m.error().message) << "\n" << l.substr(0, 300);
  }
}

TEST(ZwaveJsServer, TheGreetingNamesTheVersionsAndSchemas) {
  const auto v = as<ZwsVersion>(session().at(0));
  EXPECT_EQ(v.driver_version, "15.29.0");
  EXPECT_EQ(v.server_version, "3.10.2");
  EXPECT_EQ(v.min_schema, 0);
  EXPECT_EQ(v.max_schema, 50);
  EXPECT_EQ(v.home_id, 2119630849U);
  EXPECT_GE(kZwsSchemaVersion, v.min_schema);
  EXPECT_LE(kZwsSchemaVersion, v.max_schema);
}

TEST(ZwaveJsServer, TheListeningStateListsTheDoorLockWithItsValues) {
  const auto r = as<ZwsResult>(line_with(R"("result":{"state")"));
  ASSERT_TRUE(r.success);
  ASSERT_TRUE(r.nodes);
  ASSERT_EQ(r.nodes->size(), 2U);
  const ZwsNode& controller = r.nodes->at(0);
  EXPECT_TRUE(controller.is_controller);
  EXPECT_FALSE(controller.is_lock);
  const ZwsNode& lock = r.nodes->at(1);
  EXPECT_EQ(lock.node_id, 2);
  EXPECT_TRUE(lock.is_lock);
  EXPECT_EQ(lock.status, ZwaveNodeStatus::alive);
  EXPECT_FALSE(lock.ready);  // a first start: the interview runs after start_listening
  EXPECT_TRUE(lock.values.empty());
}

TEST(ZwaveJsServer, AReadyNodesValuesSayWhatTheLockIs) {
  const auto e = as<ZwsEvent>(line_with(R"("event":"ready")"));
  ASSERT_TRUE(e.node);
  EXPECT_EQ(e.node_id, 2);
  EXPECT_TRUE(e.node->ready);
  EXPECT_EQ(e.node->firmware_version, "1.0");
  std::optional<int> battery;
  std::optional<core::LockState> state;
  for (const ZwsValue& v : e.node->values) {
    auto u = interpret_zwave_lock_value(v.address(), v.value);
    ASSERT_TRUE(u) << u.error().message;
    if (u->battery_pct) battery = u->battery_pct;
    if (u->lock_state && v.property == "currentMode") state = u->lock_state;
  }
  EXPECT_EQ(battery, 87);
  EXPECT_EQ(state, core::LockState::unlocked);
}

TEST(ZwaveJsServer, ValueUpdatesCarryTheValueIdAndTheNewValue) {
  const auto e = as<ZwsEvent>(line_with(R"("property":"currentMode","newValue":255)"));
  ASSERT_TRUE(e.value);
  EXPECT_EQ(e.value->command_class, kZwaveDoorLockCc);
  EXPECT_EQ(e.value->property, "currentMode");
  auto u = interpret_zwave_lock_value(e.value->address(), e.value->value);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->lock_state, core::LockState::locked);

  const auto jam = as<ZwsEvent>(line_with(R"("propertyKey":"Lock state","newValue":11)"));
  ASSERT_TRUE(jam.value);
  EXPECT_EQ(jam.value->property_key, "Lock state");
  auto j = interpret_zwave_lock_value(jam.value->address(), jam.value->value);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->jammed, true);
}

TEST(ZwaveJsServer, AKeypadNotificationCarriesItsUserSlot) {
  const auto e = as<ZwsEvent>(line_with(R"("event":"notification")"));
  ASSERT_TRUE(e.notification);
  EXPECT_EQ(e.notification->type, 6);
  EXPECT_EQ(e.notification->event, 6);
  EXPECT_EQ(e.notification->user_id, 3);
}

TEST(ZwaveJsServer, ResultsOfSetValuePingAndFailure) {
  const auto set = as<ZwsResult>(line_with(R"("result":{"result":{"status":254}})"));
  EXPECT_TRUE(set.success);
  EXPECT_EQ(set.set_value_status, 254);
  const auto failed = as<ZwsResult>(line_with(R"("success":false)"));
  EXPECT_FALSE(failed.success);
  EXPECT_EQ(failed.error_code, "zwave_error");
  EXPECT_NE(failed.error_message.find("did not"), std::string::npos) << failed.error_message;
  const auto ping = as<ZwsResult>(line_with(R"("responded":false)"));
  EXPECT_EQ(ping.responded, false);
  const auto dead = as<ZwsEvent>(line_with(R"("event":"dead")"));
  EXPECT_EQ(dead.name, "dead");
  EXPECT_EQ(dead.node_id, 2);
}

TEST(ZwaveJsServer, MalformedMessagesAreRejectedNamingTheField) {
  auto error_of = [](std::string_view text) {
    auto m = decode_zws_message(text);
    return m ? std::string("accepted") : m.error().message;
  };
  EXPECT_EQ(error_of("not json"), "message: not valid JSON");
  EXPECT_EQ(error_of("[1]"), "message: must be a JSON object");
  EXPECT_EQ(error_of(R"({"success":true})"), "message.type: missing");
  EXPECT_EQ(error_of(R"({"type":"event","event":{"source":"node","event":"dead","nodeId":0}})"),
            "event.nodeId: must be an integer 1..4000");
  EXPECT_EQ(error_of(R"({"type":"event","event":{"source":"node","event":"value updated","nodeId":2,)"
                     R"("args":{"property":"currentMode","newValue":255}}})"),
            "event.args.commandClass: missing");
  EXPECT_EQ(error_of(R"({"type":"result","messageId":"1","success":"yes"})"),
            "result.success: must be true or false");
  EXPECT_EQ(error_of(R"({"type":"version","minSchemaVersion":0})"), "version.maxSchemaVersion: missing");
  // Message types lockwarden does not read are ignored, not errors.
  auto other = decode_zws_message(R"({"type":"zniffer_something"})");
  ASSERT_TRUE(other);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(*other));
}

// User Code results as the real server sent them (user_codes.jsonl).
TEST(ZwaveJsServer, UserCodeGetsAndRefusedWritesAreRead) {
  const auto lines = lw::testing::fixture_lines("zwave_js_server/user_codes.jsonl");
  ASSERT_EQ(lines.size(), 6U);
  auto held = decode_zws_message(lines[1]);
  ASSERT_TRUE(held) << held.error().message;
  const auto& r = std::get<ZwsResult>(*held);
  ASSERT_TRUE(r.user_code);
  EXPECT_TRUE(r.user_code->occupied());
  EXPECT_EQ(r.user_code->code, "0482157");
  const auto available = std::get<ZwsResult>(*decode_zws_message(lines[2]));
  EXPECT_FALSE(available.user_code->occupied());
  EXPECT_EQ(std::get<ZwsResult>(*decode_zws_message(lines[3])).user_code->status, 254);
  const auto refused = std::get<ZwsResult>(*decode_zws_message(lines[5]));
  EXPECT_EQ(refused.set_value_status, 5);
  EXPECT_EQ(refused.error_message,
            "UserCodeCCSet: The user code must have a length of 4 to 10 characters (ZW0322)");
  EXPECT_EQ(decode_zws_message(R"({"type":"result","success":true,"messageId":"1",)"
                               R"("result":{"response":{"userIdStatus":1,"userCode":"12ab"}}})")
                .error()
                .message,
            "result.response.userCode: must be digits");
}

// Door Lock getConfiguration: DoorLockCCAPI.getConfiguration's pick of the report.
TEST(ZwaveJsServer, TheDoorLockConfigurationTellsTheAutoRelockTime) {
  auto v4 = decode_zws_message(
      R"({"type":"result","success":true,"messageId":"1","result":{"response":{"operationType":1,)"
      R"("outsideHandlesCanOpenDoorConfiguration":[true,true,true,true],"autoRelockTime":30}}})");
  ASSERT_TRUE(v4) << v4.error().message;
  EXPECT_TRUE(std::get<ZwsResult>(*v4).door_lock_configuration);
  EXPECT_EQ(std::get<ZwsResult>(*v4).auto_relock_time, 30);
  EXPECT_FALSE(std::get<ZwsResult>(*v4).user_code);
  auto v1 = decode_zws_message(
      R"({"type":"result","success":true,"messageId":"1","result":{"response":{"operationType":1}}})");
  ASSERT_TRUE(v1);
  EXPECT_TRUE(std::get<ZwsResult>(*v1).door_lock_configuration);
  EXPECT_FALSE(std::get<ZwsResult>(*v1).auto_relock_time) << "an older lock has none";
  EXPECT_EQ(decode_zws_message(R"({"type":"result","success":true,"messageId":"1","result":{"response":)"
                               R"({"operationType":1,"autoRelockTime":-1}}})")
                .error()
                .message,
            "result.response.autoRelockTime: must be an integer 0..65535");
  EXPECT_EQ(encode_zws_auto_relock_set("7", 2, 45),
            R"({"command":"node.set_value","nodeId":2,"valueId":{"commandClass":98,"endpoint":0,)"
            R"("property":"autoRelockTime"},"value":45,"messageId":"7"})");
}

// Firmware updates, in the shapes zwave-js-server documents for schema 32 and later.
TEST(ZwaveJsServer, TheFirmwareUpdatesOfferedAndAnInstallsOutcomeAreRead) {
  const auto offered = as<ZwsResult>(
      R"({"type":"result","success":true,"messageId":"3","result":{"updates":[)"
      R"({"version":"1.8.0","changelog":"* Fixes the keypad lock-out","channel":"stable",)"
      R"("files":[{"target":0,"url":"https://example.com/lock-1.8.0.otz","integrity":"sha256:ab12"}],)"
      R"("downgrade":false,"normalizedVersion":"1.8.0"},)"
      R"({"version":"1.6.2","changelog":"","channel":"stable","files":[],"downgrade":true,)"
      R"("normalizedVersion":"1.6.2"}]}})");
  ASSERT_TRUE(offered.firmware_updates);
  ASSERT_EQ(offered.firmware_updates->size(), 2U);
  const ZwsFirmwareUpdate& up = offered.firmware_updates->front();
  EXPECT_EQ(up.version, "1.8.0");
  EXPECT_FALSE(up.downgrade);
  EXPECT_TRUE((*offered.firmware_updates)[1].downgrade);
  // The update goes back whole: the server needs its files and integrity.
  namespace json = boost::json;
  auto ota = encode_zws_firmware_update_ota("4", 2, up.info);
  ASSERT_TRUE(ota) << ota.error().message;
  const json::value sent = json::parse(*ota);
  EXPECT_EQ(sent.at("command"), "controller.firmware_update_ota");
  EXPECT_EQ(sent.at("nodeId"), 2);
  EXPECT_EQ(sent.at("updateInfo").at("files").at(0).at("integrity"), "sha256:ab12");
  EXPECT_FALSE(encode_zws_firmware_update_ota("5", 2, "[1]"));
  EXPECT_EQ(json::parse(encode_zws_available_firmware_updates("6", 2)),
            json::parse(R"({"command":"controller.get_available_firmware_updates","nodeId":2,)"
                        R"("includePrereleases":false,"messageId":"6"})"));

  const auto none =
      as<ZwsResult>(R"({"type":"result","success":true,"messageId":"3","result":{"updates":[]}})");
  ASSERT_TRUE(none.firmware_updates);
  EXPECT_TRUE(none.firmware_updates->empty());
  const auto installed = as<ZwsResult>(
      R"({"type":"result","success":true,"messageId":"4","result":{"result":{"status":255,"success":true,"reInterview":false}}})");
  EXPECT_EQ(installed.firmware_installed, true);
  EXPECT_EQ(installed.set_value_status, 255);
  const auto failed = as<ZwsResult>(
      R"({"type":"result","success":true,"messageId":"4","result":{"result":{"status":1,"success":false,"reInterview":false}}})");
  EXPECT_EQ(failed.firmware_installed, false);
  EXPECT_EQ(decode_zws_message(
                R"({"type":"result","success":true,"messageId":"3","result":{"updates":[{"files":[]}]}})")
                .error()
                .message,
            "result.updates[0].version: missing");
}

TEST(ZwaveJsServer, CommandsAreTheServersJson) {
  namespace json = boost::json;
  EXPECT_EQ(
      json::parse(encode_zws_door_lock("7", 2, true)),
      json::parse(R"({"command":"node.set_value","nodeId":2,"messageId":"7",)"
                  R"("valueId":{"commandClass":98,"endpoint":0,"property":"targetMode"},"value":255})"));
  EXPECT_EQ(json::parse(encode_zws_door_lock("8", 2, false)).at("value"), 0);
  EXPECT_EQ(json::parse(encode_zws_set_api_schema("1", 44)),
            json::parse(R"({"command":"set_api_schema","schemaVersion":44,"messageId":"1"})"));
  EXPECT_EQ(json::parse(encode_zws_ping("9", 5)),
            json::parse(R"({"command":"node.ping","nodeId":5,"messageId":"9"})"));
  EXPECT_EQ(json::parse(encode_zws_user_code_get("10", 2, 4)),
            json::parse(R"({"command":"endpoint.invoke_cc_api","nodeId":2,"endpoint":0,"commandClass":99,)"
                        R"("methodName":"get","args":[4],"messageId":"10"})"));
}

}  // namespace
}  // namespace lw::protocol
