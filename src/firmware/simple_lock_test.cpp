#include "firmware/simple_lock.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "protocol/envelope.h"

namespace lw::firmware {
namespace {

using core::CommandOutcome;
using core::DeviceEventKind;
using core::LockAction;
using core::LockState;
using core::OperationSource;

const Timestamp kStart = from_epoch_ms(1'700'000'000'000);
const core::LockAddress kFront{"home", "front-door"};

protocol::Seed seed_of(const char (&text)[33]) {
  protocol::Seed seed{};
  std::memcpy(seed.data(), text, seed.size());
  return seed;
}

/// The protocol's test key (docs/protocol.md 5.3) and a key nobody enrolled.
const protocol::KeyPair kHubKey = *protocol::key_pair_from_seed(seed_of("lockwarden-protocol-v1-test-key!"));
const protocol::KeyPair kStrangerKey =
    *protocol::key_pair_from_seed(seed_of("somebody-else-s-signing-key-0001"));

class SimpleLockTest : public ::testing::Test {
 protected:
  SimpleLockTest() : lock_(setup(LockState::unlocked), kStart) {
    EXPECT_TRUE(lock_.enroll("hub", kHubKey.public_key));
  }

  static SimpleLockSetup setup(LockState bolt) {
    SimpleLockSetup s;
    s.address = kFront;
    s.name = "Front door";
    s.heartbeat = 30s;
    s.battery_pct = 80;
    s.rssi_dbm = -58;
    s.firmware = "1.4.2";
    s.lock_state = bolt;
    return s;
  }

  /// A command for the front door issued at `issued`, valid 30 s.
  core::Command command(LockAction action, std::uint64_t counter, Timestamp issued = kStart) {
    core::Command c;
    c.id = "act-" + std::to_string(counter);
    c.target = kFront;
    c.action = action;
    c.issued_at = issued;
    c.expires_at = issued + 30s;
    c.key_id = "hub";
    c.counter = counter;
    return c;
  }

  std::string signed_payload(LockAction action, std::uint64_t counter, Timestamp issued = kStart) {
    return protocol::seal_command(command(action, counter, issued), kHubKey.secret);
  }

  SimpleLock lock_;
};

TEST_F(SimpleLockTest, SignedLockCommandLocksTheBoltAndReportsIt) {
  CommandHandling h = lock_.handle(signed_payload(LockAction::lock, 1), kStart + 1s);

  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->command_id, "act-1");
  EXPECT_EQ(h.result->outcome, CommandOutcome::ok);
  EXPECT_EQ(h.result->lock_state, LockState::locked);
  EXPECT_EQ(h.result->ts, kStart + 1s);
  EXPECT_EQ(lock_.lock_state(), LockState::locked);
  EXPECT_EQ(lock_.state(kStart + 1s).lock_state, LockState::locked);

  ASSERT_EQ(h.events.size(), 1U);
  EXPECT_EQ(h.events[0].kind, DeviceEventKind::lock_operation);
  EXPECT_EQ(h.events[0].operation, LockAction::lock);
  EXPECT_EQ(h.events[0].source, OperationSource::remote);
  EXPECT_EQ(h.events[0].seq, 1U);
}

TEST_F(SimpleLockTest, CommandWithoutSignatureGetsNoResultAndTheBoltStays) {
  std::string body = protocol::encode_command_body(command(LockAction::lock, 1));
  std::string unsigned_envelope = R"({"v":1,"key_id":"hub","body":")";
  for (char c : body) {
    if (c == '"') unsigned_envelope += '\\';
    unsigned_envelope += c;
  }
  unsigned_envelope += "\"}";

  CommandHandling h = lock_.handle(unsigned_envelope, kStart + 1s);

  EXPECT_FALSE(h.result) << "a malformed envelope is counted, not answered";
  EXPECT_EQ(lock_.unanswerable_commands(), 1U);
  EXPECT_TRUE(h.events.empty());
  EXPECT_EQ(lock_.lock_state(), LockState::unlocked);
}

TEST_F(SimpleLockTest, CommandSignedByAnUnenrolledKeyIsRefusedAndTheBoltStays) {
  std::string forged = protocol::seal_command(command(LockAction::lock, 1), kStrangerKey.secret);

  CommandHandling h = lock_.handle(forged, kStart + 1s);

  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->command_id, "act-1");
  EXPECT_EQ(h.result->outcome, CommandOutcome::bad_signature);
  EXPECT_EQ(h.result->lock_state, LockState::unlocked);
  EXPECT_TRUE(h.events.empty());
  EXPECT_EQ(lock_.lock_state(), LockState::unlocked);
}

TEST_F(SimpleLockTest, ExpiredCommandIsRefusedAndTheBoltStays) {
  CommandHandling h = lock_.handle(signed_payload(LockAction::lock, 1), kStart + 31s);

  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::expired);
  EXPECT_TRUE(h.events.empty());
  EXPECT_EQ(lock_.lock_state(), LockState::unlocked);
}

TEST_F(SimpleLockTest, ReplayedCommandIsRefusedAndTheBoltStays) {
  std::string unlock = signed_payload(LockAction::unlock, 7);
  ASSERT_EQ(lock_.handle(unlock, kStart + 1s).result->outcome, CommandOutcome::ok);
  ASSERT_EQ(lock_.handle(signed_payload(LockAction::lock, 8), kStart + 2s).result->outcome,
            CommandOutcome::ok);
  ASSERT_EQ(lock_.lock_state(), LockState::locked);

  CommandHandling replay = lock_.handle(unlock, kStart + 3s);

  ASSERT_TRUE(replay.result);
  EXPECT_EQ(replay.result->outcome, CommandOutcome::replayed);
  EXPECT_EQ(replay.result->lock_state, LockState::locked);
  EXPECT_TRUE(replay.events.empty());
  EXPECT_EQ(lock_.lock_state(), LockState::locked);
}

TEST_F(SimpleLockTest, ReplayIsStillRefusedAfterAPowerCycle) {
  std::string unlock = signed_payload(LockAction::unlock, 7);
  ASSERT_EQ(lock_.handle(unlock, kStart + 1s).result->outcome, CommandOutcome::ok);
  lock_.operate(LockAction::lock, OperationSource::manual, std::nullopt, kStart + 2s);
  lock_.power_off(kStart + 3s);
  lock_.power_on(kStart + 4s);

  EXPECT_EQ(lock_.handle(unlock, kStart + 5s).result->outcome, CommandOutcome::replayed);
  EXPECT_EQ(lock_.lock_state(), LockState::locked);
}

TEST_F(SimpleLockTest, CommandForAnotherLockIsWrongTarget) {
  core::Command c = command(LockAction::lock, 1);
  c.target = {"home", "garage"};

  CommandHandling h = lock_.handle(protocol::seal_command(c, kHubKey.secret), kStart + 1s);

  EXPECT_EQ(h.result->outcome, CommandOutcome::wrong_target);
  EXPECT_EQ(lock_.lock_state(), LockState::unlocked);
}

TEST_F(SimpleLockTest, UnlatchIsUnsupported) {
  CommandHandling h = lock_.handle(signed_payload(LockAction::unlatch, 1), kStart + 1s);

  EXPECT_EQ(h.result->outcome, CommandOutcome::unsupported);
  EXPECT_TRUE(h.events.empty());
}

TEST_F(SimpleLockTest, LowBatteryRefusesTheCommandAndTheBoltStays) {
  std::vector<core::DeviceEvent> alarms = lock_.set_battery_pct(4, kStart + 1s);
  ASSERT_EQ(alarms.size(), 1U);
  EXPECT_EQ(alarms[0].kind, DeviceEventKind::alarm);
  EXPECT_EQ(alarms[0].alarm, "low_battery");

  CommandHandling h = lock_.handle(signed_payload(LockAction::lock, 1), kStart + 2s);

  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::low_battery);
  EXPECT_EQ(h.result->lock_state, LockState::unlocked);
  EXPECT_NE(h.result->detail.find("4%"), std::string::npos) << h.result->detail;
  EXPECT_TRUE(h.events.empty());
  EXPECT_EQ(lock_.lock_state(), LockState::unlocked);
}

TEST_F(SimpleLockTest, BelowTheCutOffTheKeypadRaisesAnAlarmButTheThumbTurnWorks) {
  (void)lock_.set_battery_pct(3, kStart);

  auto keypad = lock_.operate(LockAction::lock, OperationSource::keypad, "alice", kStart + 1s);
  ASSERT_EQ(keypad.size(), 1U);
  EXPECT_EQ(keypad[0].alarm, "low_battery");
  EXPECT_EQ(lock_.lock_state(), LockState::unlocked);

  auto manual = lock_.operate(LockAction::lock, OperationSource::manual, std::nullopt, kStart + 2s);
  ASSERT_EQ(manual.size(), 1U);
  EXPECT_EQ(manual[0].kind, DeviceEventKind::lock_operation);
  EXPECT_EQ(manual[0].source, OperationSource::manual);
  EXPECT_EQ(lock_.lock_state(), LockState::locked);
}

TEST_F(SimpleLockTest, JamGivesAJammedResultAndAnAlarm) {
  lock_.jam();

  CommandHandling h = lock_.handle(signed_payload(LockAction::lock, 1), kStart + 1s);

  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::jammed);
  EXPECT_EQ(h.result->lock_state, LockState::jammed);
  ASSERT_EQ(h.events.size(), 1U);
  EXPECT_EQ(h.events[0].kind, DeviceEventKind::alarm);
  EXPECT_EQ(h.events[0].alarm, "jammed");
  EXPECT_EQ(lock_.state(kStart + 1s).lock_state, LockState::jammed);
}

TEST_F(SimpleLockTest, UnjamSettlesTheBoltBackAndTheNextCommandWorks) {
  lock_.jam();
  (void)lock_.operate(LockAction::lock, OperationSource::keypad, "bob", kStart + 1s);
  ASSERT_EQ(lock_.lock_state(), LockState::jammed);

  lock_.unjam();
  EXPECT_EQ(lock_.lock_state(), LockState::unlocked);

  CommandHandling h = lock_.handle(signed_payload(LockAction::lock, 1), kStart + 2s);
  EXPECT_EQ(h.result->outcome, CommandOutcome::ok);
  EXPECT_EQ(lock_.lock_state(), LockState::locked);
}

TEST_F(SimpleLockTest, EventSeqIncreasesByOnePerEventAcrossReboots) {
  auto first = lock_.operate(LockAction::lock, OperationSource::keypad, "alice", kStart + 1s);
  auto second = lock_.handle(signed_payload(LockAction::unlock, 1), kStart + 2s).events;
  lock_.power_off(kStart + 3s);
  lock_.power_on(kStart + 4s);
  auto third = lock_.operate(LockAction::lock, OperationSource::manual, std::nullopt, kStart + 5s);

  ASSERT_EQ(first.size(), 1U);
  ASSERT_EQ(second.size(), 1U);
  ASSERT_EQ(third.size(), 1U);
  EXPECT_EQ(first[0].seq, 1U);
  EXPECT_EQ(first[0].user, "alice");
  EXPECT_EQ(first[0].source, OperationSource::keypad);
  EXPECT_EQ(second[0].seq, 2U);
  EXPECT_EQ(third[0].seq, 3U);
}

TEST_F(SimpleLockTest, TelemetryReportsTheDeviceAndItsBootHistory) {
  core::Telemetry t = lock_.telemetry(kStart + 90s);
  EXPECT_EQ(t.ts, kStart + 90s);
  EXPECT_EQ(t.battery_pct, 80);
  EXPECT_EQ(t.battery_mv, 4400 + 1280);
  EXPECT_EQ(t.rssi_dbm, -58);
  EXPECT_EQ(t.firmware, "1.4.2");
  EXPECT_EQ(t.uptime_s, 90);
  EXPECT_EQ(t.reboot_count, 0);
  EXPECT_EQ(t.boot_reason, core::BootReason::power_on);
  EXPECT_EQ(t.heartbeat, Duration{30s});
  EXPECT_EQ(t.name, "Front door");
  EXPECT_EQ(t.transport, core::Transport::wifi);

  lock_.power_off(kStart + 100s);
  lock_.power_on(kStart + 200s);
  core::Telemetry after = lock_.telemetry(kStart + 210s);
  EXPECT_EQ(after.reboot_count, 1);
  EXPECT_EQ(after.uptime_s, 10);
  EXPECT_EQ(after.boot_reason, core::BootReason::power_on);
}

TEST_F(SimpleLockTest, BatteryDrainsWithUseAndStandby) {
  for (int i = 0; i < 20; ++i) {
    (void)lock_.operate(i % 2 == 0 ? LockAction::lock : LockAction::unlock, OperationSource::keypad,
                        std::nullopt, kStart + std::chrono::seconds(i));
  }
  EXPECT_EQ(lock_.battery_pct(), 79) << "20 motor runs use 1 %";

  EXPECT_EQ(lock_.telemetry(kStart + std::chrono::hours(100)).battery_pct, 78) << "100 h of standby use 1 %";
}

TEST_F(SimpleLockTest, FallingBelowFifteenPercentRaisesOneLowBatteryAlarm) {
  EXPECT_TRUE(lock_.set_battery_pct(20, kStart).empty());
  EXPECT_EQ(lock_.set_battery_pct(14, kStart + 1s).size(), 1U);
  EXPECT_TRUE(lock_.set_battery_pct(10, kStart + 2s).empty()) << "one alarm per crossing";
}

}  // namespace
}  // namespace lw::firmware
