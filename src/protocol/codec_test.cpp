#include "protocol/codec.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/testing/doc_examples.h"

namespace lw::protocol {
namespace {

namespace ex = doc_examples;

// --- the doc's examples, verbatim ---

TEST(CodecDocExamples, StatusOnlineCarriesItsTime) {
  auto s = decode_status(ex::kStatusOnline);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_TRUE(s->online);
  ASSERT_TRUE(s->ts);
  EXPECT_EQ(to_epoch_ms(*s->ts), 1'700'000'000'000);
}

TEST(CodecDocExamples, LastWillSaysOfflineWithoutTime) {
  auto s = decode_status(ex::kStatusLastWill);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_FALSE(s->online);
  EXPECT_FALSE(s->ts);
  EXPECT_EQ(kLastWillPayload, ex::kStatusLastWill);
}

TEST(CodecDocExamples, FullTelemetryReportsEveryField) {
  auto t = decode_telemetry(ex::kTelemetryFull);
  ASSERT_TRUE(t) << t.error().to_string();
  EXPECT_EQ(to_epoch_ms(t->ts), 1'700'000'060'000);
  EXPECT_EQ(t->battery_mv, 5820);
  EXPECT_EQ(t->battery_pct, 76);
  EXPECT_EQ(t->rssi_dbm, -61);
  EXPECT_EQ(t->temperature_c, 19);
  EXPECT_EQ(t->firmware, "1.4.2");
  EXPECT_EQ(t->uptime_s, 86'400);
  EXPECT_EQ(t->reboot_count, 3);
  EXPECT_EQ(t->boot_reason, core::BootReason::power_on);
  EXPECT_EQ(t->heartbeat, Duration(60s));
  EXPECT_EQ(t->name, "Front door");
  EXPECT_EQ(t->transport, core::Transport::wifi);
}

TEST(CodecDocExamples, BareHeartbeatReportsNothingButItsTime) {
  auto t = decode_telemetry(ex::kTelemetryHeartbeat);
  ASSERT_TRUE(t) << t.error().to_string();
  EXPECT_EQ(to_epoch_ms(t->ts), 1'700'000'120'000);
  EXPECT_FALSE(t->battery_mv);
  EXPECT_FALSE(t->battery_pct);
  EXPECT_FALSE(t->rssi_dbm);
  EXPECT_FALSE(t->firmware);
  EXPECT_FALSE(t->heartbeat);
  EXPECT_FALSE(t->transport);
}

TEST(CodecDocExamples, StateIsLockedAndClosed) {
  auto s = decode_state(ex::kState);
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(to_epoch_ms(s->ts), 1'700'000'061'000);
  EXPECT_EQ(s->lock_state, core::LockState::locked);
  EXPECT_EQ(s->door_state, core::DoorState::closed);
}

TEST(CodecDocExamples, KeypadUnlockEventNamesItsUser) {
  auto e = decode_event(ex::kEventUnlock);
  ASSERT_TRUE(e) << e.error().to_string();
  EXPECT_EQ(e->seq, 118U);
  EXPECT_EQ(to_epoch_ms(e->ts), 1'700'000'062'000);
  EXPECT_EQ(e->kind, core::DeviceEventKind::lock_operation);
  EXPECT_EQ(e->operation, core::LockAction::unlock);
  EXPECT_EQ(e->source, core::OperationSource::keypad);
  EXPECT_EQ(e->user, "guest-3");
  EXPECT_FALSE(e->alarm);
}

TEST(CodecDocExamples, JammedAlarmEventHasUnknownSource) {
  auto e = decode_event(ex::kEventAlarm);
  ASSERT_TRUE(e) << e.error().to_string();
  EXPECT_EQ(e->seq, 119U);
  EXPECT_EQ(e->kind, core::DeviceEventKind::alarm);
  EXPECT_EQ(e->alarm, "jammed");
  EXPECT_EQ(e->source, core::OperationSource::unknown);
  EXPECT_FALSE(e->operation);
}

TEST(CodecDocExamples, ResultsCarryOutcomeStateAndDetail) {
  auto ok = decode_result(ex::kResultOk);
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(ok->command_id, "act-7f3a9c2e");
  EXPECT_EQ(to_epoch_ms(ok->ts), 1'700'000'001'200);
  EXPECT_EQ(ok->outcome, core::CommandOutcome::ok);
  EXPECT_EQ(ok->lock_state, core::LockState::unlocked);
  EXPECT_EQ(ok->detail, "");

  auto jammed = decode_result(ex::kResultJammed);
  ASSERT_TRUE(jammed) << jammed.error().to_string();
  EXPECT_EQ(jammed->outcome, core::CommandOutcome::jammed);
  EXPECT_EQ(jammed->lock_state, core::LockState::jammed);
  EXPECT_EQ(jammed->detail, "bolt stalled at 40%");
}

TEST(CodecDocExamples, EncodingTheDecodedExamplesReproducesThemByteForByte) {
  EXPECT_EQ(encode_status(*decode_status(ex::kStatusOnline)), ex::kStatusOnline);
  EXPECT_EQ(encode_status(*decode_status(ex::kStatusLastWill)), ex::kStatusLastWill);
  EXPECT_EQ(encode_telemetry(*decode_telemetry(ex::kTelemetryFull)), ex::kTelemetryFull);
  EXPECT_EQ(encode_telemetry(*decode_telemetry(ex::kTelemetryHeartbeat)), ex::kTelemetryHeartbeat);
  EXPECT_EQ(encode_state(*decode_state(ex::kState)), ex::kState);
  EXPECT_EQ(encode_event(*decode_event(ex::kEventUnlock)), ex::kEventUnlock);
  EXPECT_EQ(encode_event(*decode_event(ex::kEventAlarm)), ex::kEventAlarm);
  EXPECT_EQ(encode_result(*decode_result(ex::kResultOk)), ex::kResultOk);
  EXPECT_EQ(encode_result(*decode_result(ex::kResultJammed)), ex::kResultJammed);
}

// --- round trips from domain values ---

TEST(CodecRoundTrip, EveryLockAndDoorStateSurvivesTheWire) {
  for (auto lock : {core::LockState::locked, core::LockState::unlocked, core::LockState::not_fully_locked,
                    core::LockState::unlatched, core::LockState::jammed, core::LockState::unknown}) {
    for (auto door : {core::DoorState::open, core::DoorState::closed, core::DoorState::ajar,
                      core::DoorState::forced_open, core::DoorState::jammed, core::DoorState::unknown}) {
      const core::StateReport in{from_epoch_ms(1'700'000'000'123), lock, door};
      auto out = decode_state(encode_state(in));
      ASSERT_TRUE(out) << out.error().to_string();
      EXPECT_EQ(out->lock_state, lock);
      EXPECT_EQ(out->door_state, door);
      EXPECT_EQ(out->ts, in.ts);
    }
  }
}

TEST(CodecRoundTrip, EveryTelemetryVocabularyNameSurvivesTheWire) {
  for (auto boot : {core::BootReason::power_on, core::BootReason::brown_out, core::BootReason::watchdog,
                    core::BootReason::software_reset, core::BootReason::firmware_update,
                    core::BootReason::factory_reset, core::BootReason::unknown}) {
    core::Telemetry t;
    t.boot_reason = boot;
    auto out = decode_telemetry(encode_telemetry(t));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->boot_reason, boot);
  }
  for (auto transport : {core::Transport::wifi, core::Transport::ble_bridge, core::Transport::zigbee,
                         core::Transport::zwave, core::Transport::thread}) {
    core::Telemetry t;
    t.transport = transport;
    auto out = decode_telemetry(encode_telemetry(t));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->transport, transport);
  }
}

TEST(CodecRoundTrip, TelemetryAtTheEdgesOfEveryRangeSurvivesTheWire) {
  core::Telemetry t;
  t.ts = from_epoch_ms(0);
  t.battery_mv = 65'535;
  t.battery_pct = 0;
  t.rssi_dbm = -120;
  t.firmware = std::string(64, 'f');
  t.uptime_s = 4'294'967'295;
  t.reboot_count = 2'147'483'647;
  t.heartbeat = 86'400s;
  t.name = "Haust\xC3\xBCr \"Garten\"";
  auto out = decode_telemetry(encode_telemetry(t));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(out->ts, t.ts);
  EXPECT_EQ(out->battery_mv, t.battery_mv);
  EXPECT_EQ(out->battery_pct, t.battery_pct);
  EXPECT_EQ(out->rssi_dbm, t.rssi_dbm);
  EXPECT_EQ(out->firmware, t.firmware);
  EXPECT_EQ(out->uptime_s, t.uptime_s);
  EXPECT_EQ(out->reboot_count, t.reboot_count);
  EXPECT_EQ(out->heartbeat, t.heartbeat);
  EXPECT_EQ(out->name, t.name);
}

TEST(CodecRoundTrip, EveryOutcomeAndSourceSurvivesTheWire) {
  for (auto outcome :
       {core::CommandOutcome::ok, core::CommandOutcome::malformed, core::CommandOutcome::unknown_key,
        core::CommandOutcome::bad_signature, core::CommandOutcome::wrong_target,
        core::CommandOutcome::expired, core::CommandOutcome::replayed, core::CommandOutcome::unsupported,
        core::CommandOutcome::jammed, core::CommandOutcome::low_battery, core::CommandOutcome::refused}) {
    const core::CommandResult in{"cmd-1", from_epoch_ms(5), outcome, std::nullopt, "why", std::nullopt};
    auto out = decode_result(encode_result(in));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->outcome, outcome);
    EXPECT_EQ(out->detail, "why");
    EXPECT_FALSE(out->lock_state);
  }
  for (auto source :
       {core::OperationSource::keypad, core::OperationSource::remote, core::OperationSource::manual,
        core::OperationSource::auto_relock, core::OperationSource::button, core::OperationSource::schedule,
        core::OperationSource::phone, core::OperationSource::rfid, core::OperationSource::unknown}) {
    core::DeviceEvent in;
    in.seq = 18'446'744'073'709'551'615U;
    in.operation = core::LockAction::unlatch;
    in.source = source;
    auto out = decode_event(encode_event(in));
    ASSERT_TRUE(out) << out.error().to_string();
    EXPECT_EQ(out->source, source);
    EXPECT_EQ(out->seq, in.seq);
    EXPECT_EQ(out->operation, core::LockAction::unlatch);
  }
}

// --- tolerance ---

TEST(CodecTolerance, UnknownFieldsAreIgnored) {
  auto t = decode_telemetry(
      R"({"v":1,"ts_ms":1700000120000,"solar_mw":12,"radio":{"channel":6,"neighbours":[1,2,3]},"battery_pct":50})");
  ASSERT_TRUE(t) << t.error().to_string();
  EXPECT_EQ(t->battery_pct, 50);
  auto s = decode_state(R"({"lock_state":"unlocked","v":1,"motor_ma":310,"ts_ms":1})");
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->lock_state, core::LockState::unlocked);
}

TEST(CodecTolerance, NullOptionalFieldsCountAsNotReported) {
  auto t = decode_telemetry(R"({"v":1,"ts_ms":1,"battery_pct":null,"fw":null,"transport":null})");
  ASSERT_TRUE(t) << t.error().to_string();
  EXPECT_FALSE(t->battery_pct);
  EXPECT_FALSE(t->firmware);
  EXPECT_FALSE(t->transport);
}

TEST(CodecTolerance, StateWithoutDoorSensorHasUnknownDoor) {
  auto s = decode_state(R"({"v":1,"ts_ms":1,"lock_state":"locked"})");
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(s->door_state, core::DoorState::unknown);
}

// --- rejection: every error names the field ---

template <typename Decode>
void expect_rejected(Decode decode, std::string_view payload, std::string_view message) {
  auto r = decode(payload);
  ASSERT_FALSE(r) << payload;
  EXPECT_EQ(r.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(r.error().message, message) << payload;
}

TEST(CodecRejects, NonJsonArraysAndScalarsAsPayload) {
  expect_rejected(decode_telemetry, "battery=76", "payload: not valid JSON");
  expect_rejected(decode_status, "", "payload: not valid JSON");
  expect_rejected(decode_status, R"({"v":1,"status":"online")", "payload: not valid JSON");
  expect_rejected(decode_state, R"({"v":1,} )", "payload: not valid JSON");
  expect_rejected(decode_telemetry, R"([{"v":1,"ts_ms":1}])", "payload: must be a JSON object");
  expect_rejected(decode_event, "42", "payload: must be a JSON object");
  expect_rejected(decode_result, "\"ok\"", "payload: must be a JSON object");
}

TEST(CodecRejects, TextThatIsNotUtf8) {
  expect_rejected(decode_telemetry, "{\"v\":1,\"ts_ms\":1,\"name\":\"\xFF\xFE\"}", "payload: not valid JSON");
}

TEST(CodecRejects, OversizedAndDeeplyNestedPayloads) {
  std::string big = R"({"v":1,"ts_ms":1,"pad":")" + std::string(4096, 'x') + "\"}";
  expect_rejected(decode_telemetry, big, "payload: larger than 4096 bytes");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"x":[[[[[[[[1]]]]]]]]})",
                  "payload: nested deeper than 8 levels");
}

TEST(CodecRejects, MissingOrForeignVersion) {
  expect_rejected(decode_telemetry, R"({"ts_ms":1})", "telemetry.v: missing");
  expect_rejected(decode_status, R"({"v":2,"status":"online"})",
                  "status.v: unsupported protocol version; this side speaks 1");
  expect_rejected(decode_state, R"({"v":0,"ts_ms":1,"lock_state":"locked"})",
                  "state.v: unsupported protocol version; this side speaks 1");
  expect_rejected(decode_event, R"({"v":"1","seq":1,"ts_ms":1,"type":"alarm","alarm":"tamper"})",
                  "event.v: must be an integer");
  expect_rejected(decode_result, R"({"v":1.0,"cmd_id":"a","ts_ms":1,"outcome":"ok"})",
                  "result.v: must be an integer");
}

TEST(CodecRejects, BatteryAndSignalOutOfRangeOrOfTheWrongType) {
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"battery_pct":101})",
                  "telemetry.battery_pct: must be an integer 0..100");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"battery_pct":-1})",
                  "telemetry.battery_pct: must be an integer 0..100");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"battery_pct":"76"})",
                  "telemetry.battery_pct: must be an integer 0..100");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"battery_pct":76.5})",
                  "telemetry.battery_pct: must be an integer 0..100");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"battery_pct":7.6e1})",
                  "telemetry.battery_pct: must be an integer 0..100");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"battery_pct":18446744073709551615})",
                  "telemetry.battery_pct: must be an integer 0..100");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"ssid":""})",
                  "telemetry.ssid: must be a string of 1..32 bytes without control characters");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"motor_mv":-1})",
                  "telemetry.motor_mv: must be an integer 0..65535");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"temperature_c":90})",
                  "telemetry.temperature_c: must be an integer -40..85");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"rssi_dbm":3})",
                  "telemetry.rssi_dbm: must be an integer -120..0");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"rssi_dbm":-121})",
                  "telemetry.rssi_dbm: must be an integer -120..0");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"battery_mv":70000})",
                  "telemetry.battery_mv: must be an integer 0..65535");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"heartbeat_s":0})",
                  "telemetry.heartbeat_s: must be an integer 1..86400");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"uptime_s":true})",
                  "telemetry.uptime_s: must be an integer 0..4294967295");
}

TEST(CodecRejects, TimesThatAreMissingNegativeOrBeyondYear9999) {
  expect_rejected(decode_telemetry, R"({"v":1})", "telemetry.ts_ms: missing");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":null})", "telemetry.ts_ms: missing");
  expect_rejected(decode_state, R"({"v":1,"ts_ms":-1,"lock_state":"locked"})",
                  "state.ts_ms: must be an integer 0..253402300799999 (ms since the Unix epoch)");
  expect_rejected(decode_status, R"({"v":1,"status":"online","ts_ms":253402300800000})",
                  "status.ts_ms: must be an integer 0..253402300799999 (ms since the Unix epoch)");
  expect_rejected(decode_status, R"({"v":1,"status":"online","ts_ms":"2024-01-01"})",
                  "status.ts_ms: must be an integer 0..253402300799999 (ms since the Unix epoch)");
}

TEST(CodecRejects, UnknownVocabularyNames) {
  expect_rejected(decode_status, R"({"v":1,"status":"sleeping"})",
                  "status.status: must be one of online, offline");
  expect_rejected(decode_status, R"({"v":1,"status":true})", "status.status: must be one of online, offline");
  expect_rejected(
      decode_state, R"({"v":1,"ts_ms":1,"lock_state":"open"})",
      "state.lock_state: must be one of locked, unlocked, not_fully_locked, unlatched, jammed, unknown");
  expect_rejected(
      decode_state, R"({"v":1,"ts_ms":1,"lock_state":"LOCKED"})",
      "state.lock_state: must be one of locked, unlocked, not_fully_locked, unlatched, jammed, unknown");
  expect_rejected(decode_state, R"({"v":1,"ts_ms":1,"lock_state":"locked","door_state":"shut"})",
                  "state.door_state: must be one of open, closed, ajar, forced_open, jammed, unknown");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"transport":"lora"})",
                  "telemetry.transport: must be one of wifi, ble_bridge, zigbee, zwave, thread");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"boot_reason":"panic"})",
                  "telemetry.boot_reason: must be one of power_on, brown_out, watchdog, software_reset, "
                  "firmware_update, factory_reset, unknown");
  expect_rejected(decode_event, R"({"v":1,"seq":1,"ts_ms":1,"type":"doorbell"})",
                  "event.type: must be one of lock_operation, alarm");
  expect_rejected(decode_event, R"({"v":1,"seq":1,"ts_ms":1,"type":"lock_operation","operation":"open"})",
                  "event.operation: must be one of lock, unlock, unlatch");
  expect_rejected(
      decode_event,
      R"({"v":1,"seq":1,"ts_ms":1,"type":"lock_operation","operation":"lock","source":"auto_relock"})",
      "event.source: must be one of keypad, remote, manual, auto, button, schedule, phone, rfid, unknown");
  expect_rejected(decode_result, R"({"v":1,"cmd_id":"a","ts_ms":1,"outcome":"done"})",
                  "result.outcome: must be one of ok, malformed, unknown_key, bad_signature, wrong_target, "
                  "expired, replayed, unsupported, jammed, low_battery, refused, not_allowed");
}

TEST(CodecRejects, EventsMissingWhatTheirTypeRequires) {
  expect_rejected(decode_event, R"({"v":1,"ts_ms":1,"type":"alarm","alarm":"tamper"})", "event.seq: missing");
  expect_rejected(decode_event, R"({"v":1,"seq":-1,"ts_ms":1,"type":"alarm","alarm":"tamper"})",
                  "event.seq: must be an integer 0..18446744073709551615");
  expect_rejected(decode_event, R"({"v":1,"seq":1.5,"ts_ms":1,"type":"alarm","alarm":"tamper"})",
                  "event.seq: must be an integer 0..18446744073709551615");
  expect_rejected(decode_event, R"({"v":1,"seq":1,"ts_ms":1,"alarm":"tamper"})", "event.type: missing");
  expect_rejected(decode_event, R"({"v":1,"seq":1,"ts_ms":1,"type":"lock_operation"})",
                  "event.operation: missing (required when type is lock_operation)");
  expect_rejected(decode_event, R"({"v":1,"seq":1,"ts_ms":1,"type":"alarm"})",
                  "event.alarm: missing (required when type is alarm)");
  expect_rejected(decode_event, R"({"v":1,"seq":1,"ts_ms":1,"type":"alarm","alarm":"Door Forced!"})",
                  "event.alarm: must be a lower_snake_case name of 1..32 characters");
}

TEST(CodecRejects, TextWithControlCharactersOrTooLong) {
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"name":"front\ndoor"})",
                  "telemetry.name: must be a string of 1..64 bytes without control characters");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"name":""})",
                  "telemetry.name: must be a string of 1..64 bytes without control characters");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"fw":")" + std::string(65, '1') + "\"}",
                  "telemetry.fw: must be a string of 1..64 bytes without control characters");
  expect_rejected(decode_telemetry, R"({"v":1,"ts_ms":1,"fw":142})",
                  "telemetry.fw: must be a string of 1..64 bytes without control characters");
  expect_rejected(decode_event,
                  R"({"v":1,"seq":1,"ts_ms":1,"type":"lock_operation","operation":"lock","user":"\u0007"})",
                  "event.user: must be a string of 1..64 bytes without control characters");
  expect_rejected(
      decode_result,
      R"({"v":1,"cmd_id":"a","ts_ms":1,"outcome":"ok","detail":")" + std::string(257, 'd') + "\"}",
      "result.detail: must be a string of 0..256 bytes without control characters");
}

TEST(CodecRejects, ResultWithoutUsableCommandId) {
  expect_rejected(decode_result, R"({"v":1,"ts_ms":1,"outcome":"ok"})", "result.cmd_id: missing");
  expect_rejected(decode_result, R"({"v":1,"cmd_id":"a/b","ts_ms":1,"outcome":"ok"})",
                  "result.cmd_id: may contain only letters, digits, '_' and '-'");
  expect_rejected(decode_result, R"({"v":1,"cmd_id":7,"ts_ms":1,"outcome":"ok"})",
                  "result.cmd_id: must be a string");
  expect_rejected(decode_result, R"({"v":1,"cmd_id":"a","ts_ms":1})", "result.outcome: missing");
}

TEST(CodecRejects, MessagesNeverEchoThePayload) {
  auto r = decode_telemetry(R"({"v":1,"ts_ms":1,"name":"<script>alert(1)</script>\u0001"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message.find("script"), std::string::npos);
  auto big = decode_telemetry(R"({"v":1,"ts_ms":1,"battery_pct":123456789})");
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().message.find("123456789"), std::string::npos);
}

TEST(Codec, AppReportsSayWhyThePhoneFailed) {
  auto r = decode_app_report(
      R"({"v":1,"ts_ms":1767225600000,"app_version":"3.2.0","bluetooth":"denied","location":"denied",)"
      R"("lock":"front","result":"failed","reason":"bluetooth_permission_denied"})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->lock, "front");
  EXPECT_FALSE(r->ok);
  EXPECT_FALSE(r->bluetooth_granted);
  EXPECT_EQ(r->reason, "bluetooth_permission_denied");
  EXPECT_EQ(r->app_version, "3.2.0");
  auto ok = decode_app_report(R"({"v":1,"ts_ms":1767225600000,"lock":"front","result":"ok"})");
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_TRUE(ok->ok);
  EXPECT_TRUE(ok->bluetooth_granted);
}

TEST(CodecRejects, AppReportsNameTheBadField) {
  auto no_reason = decode_app_report(R"({"v":1,"ts_ms":1767225600000,"lock":"front","result":"failed"})");
  ASSERT_FALSE(no_reason.has_value());
  EXPECT_NE(no_reason.error().message.find("app.reason"), std::string::npos) << no_reason.error().message;
  auto bad = decode_app_report(R"({"v":1,"ts_ms":1767225600000,"lock":"front","result":"maybe"})");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("app.result"), std::string::npos) << bad.error().message;
  auto bt =
      decode_app_report(R"({"v":1,"ts_ms":1767225600000,"lock":"front","result":"ok","bluetooth":"yes"})");
  ASSERT_FALSE(bt.has_value());
  EXPECT_NE(bt.error().message.find("app.bluetooth"), std::string::npos) << bt.error().message;
}

}  // namespace
}  // namespace lw::protocol
