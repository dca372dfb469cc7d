#include "protocol/ecosystem/zigbee2mqtt_requests.h"

#include <gtest/gtest.h>

#include <string>

namespace lw::protocol {
namespace {

// Research notes 1.3: {"state": "LOCK"} / {"state": "UNLOCK"} to <name>/set, {"state": ""} to <name>/get.
TEST(Z2mRequests, LockAndUnlockAreTheDocumentedSetPayloads) {
  EXPECT_EQ(encode_z2m_lock_command(core::LockAction::lock).value(), R"({"state":"LOCK"})");
  EXPECT_EQ(encode_z2m_lock_command(core::LockAction::unlock).value(), R"({"state":"UNLOCK"})");
  EXPECT_EQ(encode_z2m_state_read(), R"({"state":""})");
}

TEST(Z2mRequests, AZigbeeDoorLockCannotBeUnlatched) {
  auto r = encode_z2m_lock_command(core::LockAction::unlatch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message, "action: a Zigbee door lock has no unlatch");
}

TEST(Z2mRequests, APinCodeGoesAsTextSoLeadingZerosSurvive) {
  Z2mPinCode code;
  code.user = 1;
  code.pin = "0123";
  EXPECT_EQ(encode_z2m_pin_code(code).value(),
            R"({"pin_code":{"user":1,"user_type":"unrestricted","user_enabled":true,"pin_code":"0123"}})");
  code.user = 7;
  code.user_type = Z2mUserType::master;
  code.enabled = false;
  code.pin = "1234";
  EXPECT_EQ(encode_z2m_pin_code(code).value(),
            R"({"pin_code":{"user":7,"user_type":"master","user_enabled":false,"pin_code":"1234"}})");
}

TEST(Z2mRequests, ClearingASlotSendsANullPin) {
  Z2mPinCode code;
  code.user = 3;
  EXPECT_EQ(encode_z2m_pin_code(code).value(), R"({"pin_code":{"user":3,"pin_code":null}})");
}

TEST(Z2mRequests, ABadPinCodeIsRefusedNamingTheField) {
  Z2mPinCode code;
  code.pin = "12a4";
  auto letters = encode_z2m_pin_code(code);
  ASSERT_FALSE(letters);
  EXPECT_EQ(letters.error().message, "pin_code.pin_code: must be 4..10 digits");
  code.pin = "123";
  EXPECT_FALSE(encode_z2m_pin_code(code));
  code.pin = "1234";
  code.user = 70000;
  auto slot = encode_z2m_pin_code(code);
  ASSERT_FALSE(slot);
  EXPECT_EQ(slot.error().message, "pin_code.user: must be an integer 0..65535");
}

TEST(Z2mRequests, TheSetDecoderReadsWhatTheEncodersWrite) {
  auto lock = decode_z2m_set(encode_z2m_lock_command(core::LockAction::lock).value());
  ASSERT_TRUE(lock) << lock.error().to_string();
  EXPECT_EQ(lock->lock, core::LockAction::lock);
  EXPECT_FALSE(lock->pin_code);
  Z2mPinCode code;
  code.user = 2;
  code.user_type = Z2mUserType::week_day_schedule;
  code.pin = "0042";
  auto pin = decode_z2m_set(encode_z2m_pin_code(code).value());
  ASSERT_TRUE(pin) << pin.error().to_string();
  ASSERT_TRUE(pin->pin_code);
  EXPECT_EQ(pin->pin_code->user, 2);
  EXPECT_EQ(pin->pin_code->user_type, Z2mUserType::week_day_schedule);
  EXPECT_EQ(pin->pin_code->pin, "0042");
}

// Research notes 1.3, verbatim: the documentation's numeric PIN and its clear form.
TEST(Z2mRequests, TheSetDecoderTakesTheDocumentedForms) {
  auto doc = decode_z2m_set(
      R"({"pin_code": {"user": 1, "user_type": "unrestricted", "user_enabled": true, "pin_code": 1234}})");
  ASSERT_TRUE(doc) << doc.error().to_string();
  EXPECT_EQ(doc->pin_code->pin, "1234");
  auto clear = decode_z2m_set(R"({"pin_code": {"user": 1, "pin_code": null}})");
  ASSERT_TRUE(clear) << clear.error().to_string();
  EXPECT_FALSE(clear->pin_code->pin);
  auto volume = decode_z2m_set(R"({"sound_volume": "low_volume"})");
  ASSERT_TRUE(volume);
  EXPECT_FALSE(volume->lock);
  EXPECT_EQ(volume->sound_volume, core::SoundVolume::low);
  EXPECT_EQ(decode_z2m_set(R"({"sound_volume": "loud"})").error().message,
            "set.sound_volume: must be one of silent_mode, low_volume, high_volume");
  EXPECT_EQ(decode_z2m_set(R"({"auto_relock_time": -5})").error().message,
            "set.auto_relock_time: must be an integer 0..65535");
  auto bad = decode_z2m_set(R"({"state": "OPEN"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "set.state: must be LOCK or UNLOCK");
  auto no_user = decode_z2m_set(R"({"pin_code": {"pin_code": "1234"}})");
  ASSERT_FALSE(no_user);
  EXPECT_EQ(no_user.error().message, "set.pin_code.user: missing");
}

// zigbee-herdsman-converters lock_auto_relock_time and lock_sound_volume.
TEST(Z2mRequests, ALocksSettingsAreWrittenAsTheirAttributesAndAKeypadOneIsNamed) {
  EXPECT_EQ(*encode_z2m_settings({std::nullopt, std::nullopt, 45, core::SoundVolume::silent}),
            R"({"auto_relock_time":45,"sound_volume":"silent_mode"})");
  EXPECT_EQ(*encode_z2m_settings({std::nullopt, std::nullopt, std::nullopt, core::SoundVolume::high}),
            R"({"sound_volume":"high_volume"})");
  EXPECT_EQ(encode_z2m_settings(core::LockSettings::keypad()).error().message,
            "settings.wrong_code_entry_limit: a Zigbee door lock behind Zigbee2MQTT has no such setting");
  EXPECT_EQ(encode_z2m_settings({}).error().message.substr(0, 30), "settings: names no setting (wr");
  auto read = decode_z2m_get(encode_z2m_settings_read());
  ASSERT_TRUE(read);
  EXPECT_TRUE(read->settings);
  EXPECT_FALSE(read->pin_user);
  auto set =
      decode_z2m_set(*encode_z2m_settings({std::nullopt, std::nullopt, 45, core::SoundVolume::silent}));
  ASSERT_TRUE(set);
  EXPECT_EQ(set->auto_relock_time, 45);
  EXPECT_EQ(set->sound_volume, core::SoundVolume::silent);
}

// Research notes 1.7, real failure lines.
TEST(Z2mRequests, APinSlotIsReadWithAGetAndTheSimulatorReadsItBack) {
  EXPECT_EQ(*encode_z2m_pin_read(7), R"({"pin_code":{"user":7}})");
  EXPECT_EQ(encode_z2m_pin_read(70000).error().message, "pin_code.user: must be an integer 0..65535");
  auto get = decode_z2m_get(*encode_z2m_pin_read(7));
  ASSERT_TRUE(get);
  EXPECT_EQ(get->pin_user, 7);
  EXPECT_FALSE(get->state);
  auto state = decode_z2m_get(encode_z2m_state_read());
  ASSERT_TRUE(state);
  EXPECT_TRUE(state->state);
  EXPECT_FALSE(state->pin_user);
  EXPECT_EQ(decode_z2m_get(R"({"pin_code":{}})").error().message, "get.pin_code.user: missing");
  EXPECT_EQ(decode_z2m_get(R"({"pin_code":{"user":"x"}})").error().message,
            "get.pin_code.user: must be an integer 0..65535");
}

// Research notes 1.6: the request and both answers, as the documentation shows them.
TEST(Z2mRequests, AnOtaUpdateIsAskedByNameAndItsAnswerSaysHowItWent) {
  EXPECT_EQ(encode_z2m_ota_update("house/Main Door Lock"), R"({"id":"house/Main Door Lock"})");
  auto done = decode_z2m_ota_response(
      R"({"data":{"id":"my_remote","from":{"software_build_id":1,"date_code":"20190101"},)"
      R"("to":{"software_build_id":2,"date_code":"20190102"}},"status":"ok"})");
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_TRUE(done->ok);
  EXPECT_EQ(done->device, "my_remote");
  auto failed = decode_z2m_ota_response(
      R"({"data":{"id":"my_remote"},"status":"error","error":"Device didn't respond to OTA request"})");
  ASSERT_TRUE(failed);
  EXPECT_FALSE(failed->ok);
  EXPECT_EQ(failed->error, "Device didn't respond to OTA request");
  EXPECT_EQ(decode_z2m_ota_response(R"({"data":{"id":"x"},"status":"maybe"})").error().message,
            "ota_update.status: must be ok or error");
  EXPECT_EQ(decode_z2m_ota_response(R"({"status":"ok"})").error().message, "ota_update.data.id: missing");
  EXPECT_FALSE(decode_z2m_ota_response("not json"));
}

TEST(Z2mRequests, AFailedLockCommandIsReadFromTheLogLine) {
  auto line = decode_z2m_bridge_logging(
      R"({"level":"error","message":"Publish 'set' 'state' to 'backdoorlock' failed: 'Error: Command 0x002446fffd01e4f3/2 closuresDoorLock.lockDoor({\"pincodevalue\":\"\"}, {\"timeout\":6000,\"manufacturerCode\":null,\"disableDefaultResponse\":true}) failed (Error: AREQ - AF - dataConfirm after 3000ms)'"})");
  ASSERT_TRUE(line) << line.error().to_string();
  auto failed = z2m_failed_request(*line);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->device, "backdoorlock");
  EXPECT_EQ(failed->type, "set");
  EXPECT_EQ(failed->key, "state");
  EXPECT_FALSE(z2m_radio_status(*line));  // a time-out names no MAC status
}

TEST(Z2mRequests, TheMacStatusSaysWhetherTheRouteIsGoneOrTheChannelBusy) {
  auto expired = decode_z2m_bridge_logging(
      R"({"level":"error","message":"Publish 'set' 'state' to '0x000b57fffe59da21' failed: 'Error: Data request failed with error: 'MAC transaction expired' (240)'"})");
  ASSERT_TRUE(expired);
  EXPECT_EQ(z2m_radio_status(*expired), core::BridgeLog::no_route);
  auto busy = decode_z2m_bridge_logging(
      R"({"level":"error","message":"Publish 'set' 'state' to '0x7cb03eaa0a01b20d' failed: 'Error: Data request failed with error: 'MAC channel access failure' (225)'"})");
  ASSERT_TRUE(busy);
  EXPECT_EQ(z2m_radio_status(*busy), core::BridgeLog::channel_busy);
  auto read = decode_z2m_bridge_logging(
      R"({"level":"error","message":"Publish 'get' 'state' to 'Main Door Lock' failed: 'Error: Read 0x000b57fffe59d3d5/1 closuresDoorLock([\"lockState\"], {\"timeout\":10000}) failed (Data request failed with error: 'MAC no ack' (233))'"})");
  ASSERT_TRUE(read);
  auto failed = z2m_failed_request(*read);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->device, "Main Door Lock");
  EXPECT_EQ(failed->type, "get");
  EXPECT_EQ(z2m_radio_status(*read), core::BridgeLog::no_route);
}

TEST(Z2mRequests, LinesThatAreNotFailedRequestsSayNothing) {
  auto ok = decode_z2m_bridge_logging(
      R"json({"level":"debug","message":"Successfully pinged 'Front door' (attempt 1/2)"})json");
  ASSERT_TRUE(ok);
  EXPECT_FALSE(z2m_failed_request(*ok));
  auto ping = decode_z2m_bridge_logging(
      R"json({"level":"warning","message":"Failed to ping 'Front door' (attempt 1/2, Error: timeout)"})json");
  ASSERT_TRUE(ping);
  auto failed = z2m_failed_request(*ping);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->type, "ping");
  EXPECT_TRUE(failed->key.empty());
  auto adapter = decode_z2m_bridge_logging(R"({"level":"error","message":"Adapter disconnected, stopping"})");
  ASSERT_TRUE(adapter);
  EXPECT_FALSE(z2m_failed_request(*adapter));
}

}  // namespace
}  // namespace lw::protocol
