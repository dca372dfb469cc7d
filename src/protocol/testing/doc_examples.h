// The payload examples of docs/protocol.md, copied verbatim, for the decoder
// tests of the protocol and firmware layers. doc_examples_test.cpp checks that
// each still appears in the doc exactly as written here, and that the doc has no
// JSON example without a copy here.
//
// Threading: constants.
#pragma once

#include <array>
#include <string_view>

namespace lw::protocol::doc_examples {

// 4.1 status
inline constexpr std::string_view kStatusOnline = R"({"v":1,"status":"online","ts_ms":1700000000000})";
inline constexpr std::string_view kStatusLastWill = R"({"v":1,"status":"offline"})";

// 4.2 telemetry
inline constexpr std::string_view kTelemetryFull =
    R"({"v":1,"ts_ms":1700000060000,"battery_mv":5820,"battery_pct":76,"rssi_dbm":-61,"temperature_c":19,"fw":"1.4.2","uptime_s":86400,"reboot_count":3,"boot_reason":"power_on","heartbeat_s":60,"name":"Front door","transport":"wifi"})";
inline constexpr std::string_view kTelemetryHeartbeat = R"({"v":1,"ts_ms":1700000120000})";

// 4.3 state
inline constexpr std::string_view kState =
    R"({"v":1,"ts_ms":1700000061000,"lock_state":"locked","door_state":"closed"})";

// 4.4 event
inline constexpr std::string_view kEventUnlock =
    R"({"v":1,"seq":118,"ts_ms":1700000062000,"type":"lock_operation","operation":"unlock","source":"keypad","user":"guest-3"})";
inline constexpr std::string_view kEventAlarm =
    R"({"v":1,"seq":119,"ts_ms":1700000063000,"type":"alarm","alarm":"jammed"})";

// 4.5 result
inline constexpr std::string_view kResultOk =
    R"({"v":1,"cmd_id":"act-7f3a9c2e","ts_ms":1700000001200,"outcome":"ok","lock_state":"unlocked"})";
inline constexpr std::string_view kResultJammed =
    R"({"v":1,"cmd_id":"act-7f3a9c2e","ts_ms":1700000004100,"outcome":"jammed","lock_state":"jammed","detail":"bolt stalled at 40%"})";

// 4.6 app
inline constexpr std::string_view kAppReport =
    R"({"v":1,"ts_ms":1767261600000,"app_version":"3.2.0","bluetooth":"granted","location":"granted","lock":"front-door","result":"failed","reason":"bluetooth_permission_denied"})";

// 5.3 test vector
inline constexpr std::string_view kTestKeySeed = "lockwarden-protocol-v1-test-key!";
inline constexpr std::string_view kTestPublicKey = "9/syBauVDAM8+dKYRconkJvTp24O3yf7Iph+XUIdML8=";
inline constexpr std::string_view kCommandBody =
    R"({"v":1,"id":"act-7f3a9c2e","site":"home","lock":"front-door","action":"unlock","issued_ms":1700000000000,"expires_ms":1700000030000,"counter":42,"key_id":"hub"})";
inline constexpr std::string_view kCommandEnvelope =
    R"({"v":1,"key_id":"hub","body":"{\"v\":1,\"id\":\"act-7f3a9c2e\",\"site\":\"home\",\"lock\":\"front-door\",\"action\":\"unlock\",\"issued_ms\":1700000000000,\"expires_ms\":1700000030000,\"counter\":42,\"key_id\":\"hub\"}","sig":"BNwk+hXN+l6zvaittXVOozMT9gtj/NBHYJvTThehbVczzYQqqIWDg579zx247WWqtMAxy+SnqaF+LmLujbATDA=="})";

// 8 keypad codes
inline constexpr std::string_view kSetCodeBody =
    R"({"v":1,"id":"code-3b1e","site":"home","lock":"front-door","action":"set_code","issued_ms":1700000000000,"expires_ms":1700000030000,"counter":43,"key_id":"hub","slot":3,"user":12,"pin_sealed":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1","schedule":{"type":"weekly","days":["fri"],"start":"22:00","end":"06:00","utc_offset_min":60}})";
inline constexpr std::string_view kReadCodesBody =
    R"({"v":1,"id":"code-3b1f","site":"home","lock":"front-door","action":"read_codes","issued_ms":1700000001000,"expires_ms":1700000031000,"counter":44,"key_id":"hub","from_slot":1})";
inline constexpr std::string_view kSetSettingsBody =
    R"({"v":1,"id":"code-3b20","site":"home","lock":"front-door","action":"set_settings","issued_ms":1700000002000,"expires_ms":1700000032000,"counter":45,"key_id":"hub","settings":{"wrong_code_entry_limit":3,"user_code_temporary_disable_s":120}})";
inline constexpr std::string_view kResultCodes =
    R"({"v":1,"cmd_id":"code-3b1e","ts_ms":1700000001200,"outcome":"ok","lock_state":"locked","codes":{"box_key":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=","slots":[{"slot":3,"user":12,"schedule":{"type":"weekly","days":["fri"],"start":"22:00","end":"06:00","utc_offset_min":60},"digest":"AAECAwQFBgcICQoLDA0ODw=="}],"settings":{"wrong_code_entry_limit":3,"user_code_temporary_disable_s":120}}})";
inline constexpr std::string_view kEventWrongCode =
    R"({"v":1,"seq":120,"ts_ms":1700000064000,"type":"alarm","source":"keypad","alarm":"wrong_code","code_digest":"ZGVmZ2hpamtsbW5vcHFycw=="})";

// 10 guest keys
inline constexpr std::string_view kRecalibrateBody =
    R"({"v":1,"id":"a-5c1d9e0f7a2b3c4d","site":"home","lock":"front-door","action":"recalibrate","issued_ms":1796090000000,"expires_ms":1796090030000,"counter":58,"key_id":"hub"})";
inline constexpr std::string_view kGuestGrantBody =
    R"({"v":1,"type":"guest_grant","id":"guest-1f2e3d4c5b6a","site":"home","locks":["back-door","front-door"],"user":"ana","guest_key":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=","not_before_ms":1796000000000,"not_after_ms":1796172800000})";
inline constexpr std::string_view kRevokeGrantBody =
    R"({"v":1,"id":"revoke-5e6f7a8b9c0d","site":"home","lock":"front-door","action":"revoke_grant","issued_ms":1796090000000,"expires_ms":1796090030000,"counter":57,"key_id":"hub","grant_id":"guest-1f2e3d4c5b6a","grant_not_after_ms":1796172800000})";

/// Every JSON example of the doc, in the doc's order.
inline constexpr std::array<std::string_view, 20> kAllJsonExamples{
    kStatusOnline,    kStatusLastWill,  kTelemetryFull,   kTelemetryHeartbeat, kState,
    kEventUnlock,     kEventAlarm,      kResultOk,        kResultJammed,       kAppReport,
    kCommandBody,     kCommandEnvelope, kRecalibrateBody, kSetCodeBody,        kReadCodesBody,
    kSetSettingsBody, kResultCodes,     kEventWrongCode,  kGuestGrantBody,     kRevokeGrantBody,
};

}  // namespace lw::protocol::doc_examples
