// The encoders write JSON text by hand; these tests hold them to the bytes
// boost::json::serialize writes for the same object, built field by field in
// the order docs/protocol.md gives (the reference below), over every presence
// of optional fields, every enum value, extreme integers and strings that need
// every kind of escaping.
#include <gtest/gtest.h>

#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/codec.h"

namespace lw::protocol {
namespace {

using namespace std::chrono_literals;

// --- the reference: the same payloads as a boost::json::object ---

namespace reference {

void put(boost::json::object& o, std::string_view key, std::string_view value) {
  o.emplace(key, boost::json::string_view(value.data(), value.size()));
}
void put(boost::json::object& o, std::string_view key, std::int64_t value) { o.emplace(key, value); }
void put_u64(boost::json::object& o, std::string_view key, std::uint64_t value) { o.emplace(key, value); }
void put_time(boost::json::object& o, std::string_view key, Timestamp t) { o.emplace(key, to_epoch_ms(t)); }

boost::json::object versioned() {
  boost::json::object o;
  o.emplace("v", kProtocolVersion);
  return o;
}

std::string status(const core::StatusReport& status) {
  boost::json::object o = versioned();
  put(o, "status", status.online ? "online" : "offline");
  if (status.ts) put_time(o, "ts_ms", *status.ts);
  return boost::json::serialize(o);
}

std::string telemetry(const core::Telemetry& t) {
  boost::json::object o = versioned();
  put_time(o, "ts_ms", t.ts);
  if (t.battery_mv) put(o, "battery_mv", *t.battery_mv);
  if (t.battery_pct) put(o, "battery_pct", *t.battery_pct);
  if (t.motor_mv) put(o, "motor_mv", *t.motor_mv);
  if (t.rssi_dbm) put(o, "rssi_dbm", *t.rssi_dbm);
  if (t.temperature_c) put(o, "temperature_c", *t.temperature_c);
  if (t.firmware) put(o, "fw", *t.firmware);
  if (t.uptime_s) put(o, "uptime_s", *t.uptime_s);
  if (t.reboot_count) put(o, "reboot_count", *t.reboot_count);
  if (t.boot_reason) put(o, "boot_reason", core::to_string(*t.boot_reason));
  if (t.heartbeat) {
    put(o, "heartbeat_s", std::chrono::duration_cast<std::chrono::seconds>(*t.heartbeat).count());
  }
  if (t.name) put(o, "name", *t.name);
  if (t.transport) put(o, "transport", core::to_string(*t.transport));
  return boost::json::serialize(o);
}

std::string state(const core::StateReport& state) {
  boost::json::object o = versioned();
  put_time(o, "ts_ms", state.ts);
  put(o, "lock_state", core::to_string(state.lock_state));
  put(o, "door_state", core::to_string(state.door_state));
  return boost::json::serialize(o);
}

std::string event(const core::DeviceEvent& e) {
  boost::json::object o = versioned();
  put_u64(o, "seq", e.seq);
  put_time(o, "ts_ms", e.ts);
  put(o, "type", e.kind == core::DeviceEventKind::alarm ? "alarm" : "lock_operation");
  if (e.operation) put(o, "operation", core::to_string(*e.operation));
  if (e.source != core::OperationSource::unknown) put(o, "source", core::to_string(e.source));
  if (e.user) put(o, "user", *e.user);
  if (e.alarm) put(o, "alarm", *e.alarm);
  return boost::json::serialize(o);
}

std::string result(const core::CommandResult& r) {
  boost::json::object o = versioned();
  put(o, "cmd_id", r.command_id);
  put_time(o, "ts_ms", r.ts);
  put(o, "outcome", core::to_string(r.outcome));
  if (r.lock_state) put(o, "lock_state", core::to_string(*r.lock_state));
  if (!r.detail.empty()) put(o, "detail", r.detail);
  return boost::json::serialize(o);
}

}  // namespace reference

// --- inputs ---

constexpr std::array kLockStates = {core::LockState::locked,           core::LockState::unlocked,
                                    core::LockState::not_fully_locked, core::LockState::unlatched,
                                    core::LockState::jammed,           core::LockState::unknown};
constexpr std::array kDoorStates = {core::DoorState::open,   core::DoorState::closed,
                                    core::DoorState::ajar,   core::DoorState::forced_open,
                                    core::DoorState::jammed, core::DoorState::unknown};
constexpr std::array kSources = {
    core::OperationSource::keypad,      core::OperationSource::remote, core::OperationSource::manual,
    core::OperationSource::auto_relock, core::OperationSource::button, core::OperationSource::schedule,
    core::OperationSource::phone,       core::OperationSource::rfid,   core::OperationSource::unknown};
constexpr std::array kBootReasons = {core::BootReason::power_on,        core::BootReason::brown_out,
                                     core::BootReason::watchdog,        core::BootReason::software_reset,
                                     core::BootReason::firmware_update, core::BootReason::factory_reset,
                                     core::BootReason::unknown};
constexpr std::array kTransports = {core::Transport::wifi, core::Transport::ble_bridge,
                                    core::Transport::zigbee, core::Transport::zwave, core::Transport::thread};
constexpr std::array kActions = {core::LockAction::lock, core::LockAction::unlock, core::LockAction::unlatch};
constexpr std::array kOutcomes = {core::CommandOutcome::ok,           core::CommandOutcome::malformed,
                                  core::CommandOutcome::unknown_key,  core::CommandOutcome::bad_signature,
                                  core::CommandOutcome::wrong_target, core::CommandOutcome::expired,
                                  core::CommandOutcome::replayed,     core::CommandOutcome::unsupported,
                                  core::CommandOutcome::jammed,       core::CommandOutcome::low_battery};

constexpr std::int64_t kI64Min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kI64Max = std::numeric_limits<std::int64_t>::max();
constexpr int kIntMin = std::numeric_limits<int>::min();
constexpr int kIntMax = std::numeric_limits<int>::max();

const std::vector<std::int64_t> kTimes = {0, 1, -1, 1'700'000'060'000, 253'402'300'799'999, kI64Min, kI64Max};
const std::vector<int> kInts = {0, 1, -1, 9, 10, -61, 100, 5820, 65'535, kIntMin, kIntMax};

/// Every byte value on its own, then strings needing each kind of escaping.
std::vector<std::string> tricky_strings() {
  std::vector<std::string> out;
  for (int b = 0; b < 256; ++b) out.emplace_back(1, static_cast<char>(b));
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes.push_back(static_cast<char>(b));
  out.push_back(all_bytes);
  out.insert(out.end(), {
                            "",
                            "Front door",
                            "1.4.2",
                            "say \"open\"",
                            R"(C:\locks\front)",
                            "\\\"",
                            "line1\nline2\r\n\ttab",
                            "\b\f\v\x1f\x7f",
                            std::string("nul\0inside", 10),
                            "a/b</script>",
                            "Haustür",
                            "門 🚪 ключ",
                            "\xc3\x28 invalid \xff\xfe utf-8 \xe2\x82",
                            "\xed\xa0\x80 surrogate",
                            "\xe2\x80\xa8 line separator",
                            std::string(64, '"'),
                            std::string(256, '\x01'),
                            std::string(1000, 'x'),
                        });
  return out;
}

/// Reproducible random byte strings biased towards bytes that need escaping.
std::vector<std::string> random_strings(std::size_t count) {
  std::mt19937_64 rng(20240229);
  std::uniform_int_distribution<int> length(0, 80);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> special(0, 3);
  const std::string_view specials = "\"\\\n\x01";
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) {
    std::string s(static_cast<std::size_t>(length(rng)), ' ');
    for (char& c : s)
      c = byte(rng) < 64 ? specials[static_cast<std::size_t>(special(rng))] : static_cast<char>(byte(rng));
    out.push_back(std::move(s));
  }
  return out;
}

std::string printable(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f) {
      out.push_back(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0xF]);
    }
  }
  return out;
}

// --- the tests ---

TEST(CodecEncode, StatusMatchesBoostJsonOnlineOrOfflineWithAnyTime) {
  for (const bool online : {true, false}) {
    core::StatusReport s{online, std::nullopt};
    EXPECT_EQ(encode_status(s), reference::status(s));
    for (const auto ms : kTimes) {
      s.ts = from_epoch_ms(ms);
      EXPECT_EQ(encode_status(s), reference::status(s)) << ms;
    }
  }
}

TEST(CodecEncode, LastWillEncodesAsItsRegisteredPayload) {
  EXPECT_EQ(encode_status({false, std::nullopt}), kLastWillPayload);
}

TEST(CodecEncode, TelemetryMatchesBoostJsonForEveryPresenceOfOptionalFields) {
  constexpr int kOptionalFields = 10;
  for (unsigned mask = 0; mask < (1U << kOptionalFields); ++mask) {
    auto has = [mask](int field) { return (mask & (1U << field)) != 0; };
    core::Telemetry t;
    t.ts = from_epoch_ms(1'700'000'060'000 + mask);
    if (has(0)) t.battery_mv = 5820;
    if (has(1)) t.battery_pct = 76;
    if (has(2)) t.rssi_dbm = -61;
    if (has(2)) t.temperature_c = -7;
    if (has(2)) t.motor_mv = 4410;
    if (has(3)) t.firmware = "1.4.2";
    if (has(4)) t.uptime_s = 86'400;
    if (has(5)) t.reboot_count = 3;
    if (has(6)) t.boot_reason = kBootReasons[mask % kBootReasons.size()];
    if (has(7)) t.heartbeat = 60s;
    if (has(8)) t.name = "Front \"door\"";
    if (has(9)) t.transport = kTransports[mask % kTransports.size()];
    EXPECT_EQ(encode_telemetry(t), reference::telemetry(t)) << "fields mask " << mask;
  }
}

TEST(CodecEncode, TelemetryMatchesBoostJsonForExtremeNumbers) {
  core::Telemetry t;
  for (const auto ms : kTimes) {
    for (const int n : kInts) {
      t.ts = from_epoch_ms(ms);
      t.battery_mv = n;
      t.battery_pct = n == std::numeric_limits<int>::min() ? n : -n;
      t.rssi_dbm = n;
      t.uptime_s = ms;
      t.reboot_count = n;
      t.heartbeat = Duration(ms);
      EXPECT_EQ(encode_telemetry(t), reference::telemetry(t)) << ms << " " << n;
    }
  }
}

TEST(CodecEncode, TelemetryHeartbeatIsWholeSecondsTruncatedLikeTheReference) {
  core::Telemetry t;
  for (const auto ms : {0LL, 1LL, 999LL, 1000LL, 1999LL, -1LL, -999LL, -1001LL, 86'400'000LL, 86'400'999LL}) {
    t.heartbeat = Duration(ms);
    EXPECT_EQ(encode_telemetry(t), reference::telemetry(t)) << ms;
  }
}

TEST(CodecEncode, TelemetryMatchesBoostJsonForEveryEnumValue) {
  core::Telemetry t;
  for (const auto boot : kBootReasons) {
    for (const auto transport : kTransports) {
      t.boot_reason = boot;
      t.transport = transport;
      EXPECT_EQ(encode_telemetry(t), reference::telemetry(t));
    }
  }
}

TEST(CodecEncode, TelemetryEscapesFirmwareAndNameLikeBoostJson) {
  core::Telemetry t;
  auto strings = tricky_strings();
  const auto random = random_strings(2000);
  strings.insert(strings.end(), random.begin(), random.end());
  for (const auto& s : strings) {
    t.firmware = s;
    t.name = s + "!";
    const auto encoded = encode_telemetry(t);
    EXPECT_EQ(encoded, reference::telemetry(t)) << printable(s);
  }
}

TEST(CodecEncode, StateMatchesBoostJsonForEveryLockAndDoorState) {
  for (const auto ms : kTimes) {
    for (const auto lock : kLockStates) {
      for (const auto door : kDoorStates) {
        const core::StateReport s{from_epoch_ms(ms), lock, door};
        EXPECT_EQ(encode_state(s), reference::state(s));
      }
    }
  }
}

TEST(CodecEncode, EventMatchesBoostJsonForEveryKindOperationSourceAndOptionalField) {
  const std::vector<std::optional<std::string>> texts = {std::nullopt, "alice", "jammed",
                                                         "Zoë \"the\" \\admin\\\n"};
  for (const auto kind : {core::DeviceEventKind::lock_operation, core::DeviceEventKind::alarm}) {
    for (std::size_t op = 0; op <= kActions.size(); ++op) {
      for (const auto source : kSources) {
        for (const auto& user : texts) {
          for (const auto& alarm : texts) {
            core::DeviceEvent e;
            e.seq = 42;
            e.ts = from_epoch_ms(1'700'000'060'000);
            e.kind = kind;
            if (op < kActions.size()) e.operation = kActions[op];
            e.source = source;
            e.user = user;
            e.alarm = alarm;
            EXPECT_EQ(encode_event(e), reference::event(e));
          }
        }
      }
    }
  }
}

TEST(CodecEncode, EventMatchesBoostJsonForExtremeSequenceNumbersAndTimes) {
  core::DeviceEvent e;
  e.operation = core::LockAction::unlock;
  for (const std::uint64_t seq :
       {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{9}, std::uint64_t{10}, std::uint64_t{kI64Max},
        std::uint64_t{kI64Max} + 1, std::numeric_limits<std::uint64_t>::max()}) {
    for (const auto ms : kTimes) {
      e.seq = seq;
      e.ts = from_epoch_ms(ms);
      EXPECT_EQ(encode_event(e), reference::event(e)) << seq << " " << ms;
    }
  }
}

TEST(CodecEncode, EventEscapesUserAndAlarmLikeBoostJson) {
  core::DeviceEvent e;
  e.kind = core::DeviceEventKind::alarm;
  for (const auto& s : tricky_strings()) {
    e.user = s;
    e.alarm = "x" + s;
    EXPECT_EQ(encode_event(e), reference::event(e)) << printable(s);
  }
}

TEST(CodecEncode, ResultMatchesBoostJsonForEveryOutcomeAndLockState) {
  for (const auto outcome : kOutcomes) {
    for (std::size_t lock = 0; lock <= kLockStates.size(); ++lock) {
      for (const std::string detail : {"", "done", "motor \"stalled\"\tat 40%"}) {
        core::CommandResult r;
        r.command_id = "cmd-01H_x";
        r.ts = from_epoch_ms(1'700'000'060'000);
        r.outcome = outcome;
        if (lock < kLockStates.size()) r.lock_state = kLockStates[lock];
        r.detail = detail;
        EXPECT_EQ(encode_result(r), reference::result(r));
      }
    }
  }
}

TEST(CodecEncode, ResultEscapesCommandIdAndDetailLikeBoostJson) {
  core::CommandResult r;
  for (const auto ms : kTimes) {
    r.ts = from_epoch_ms(ms);
    EXPECT_EQ(encode_result(r), reference::result(r)) << ms;
  }
  for (const auto& s : tricky_strings()) {
    r.command_id = s;
    r.detail = s;
    EXPECT_EQ(encode_result(r), reference::result(r)) << printable(s);
  }
}

TEST(CodecEncode, AppendKeepsWhatTheBufferHeldAndAddsTheEncodedPayload) {
  core::Telemetry t;
  t.ts = from_epoch_ms(1'700'000'060'000);
  t.name = "Front door";
  const core::StatusReport status{true, from_epoch_ms(1)};
  const core::StateReport state{from_epoch_ms(2), core::LockState::locked, core::DoorState::closed};
  core::DeviceEvent event;
  event.operation = core::LockAction::lock;
  core::CommandResult result;
  result.command_id = "c1";

  std::string out = "prefix|";
  std::string expected = out;
  for (int round = 0; round < 50; ++round) {
    append_status(out, status);
    append_telemetry(out, t);
    append_state(out, state);
    append_event(out, event);
    append_result(out, result);
    expected += encode_status(status) + encode_telemetry(t) + encode_state(state) + encode_event(event) +
                encode_result(result);
  }
  EXPECT_EQ(out, expected);
}

}  // namespace
}  // namespace lw::protocol
