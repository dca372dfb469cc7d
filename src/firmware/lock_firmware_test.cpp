#include "firmware/lock_firmware.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "protocol/envelope.h"

namespace lw::firmware {
namespace {

using core::BootReason;
using core::CommandOutcome;
using core::DeviceEventKind;
using core::DoorState;
using core::LockAction;
using core::LockState;
using core::OperationSource;

const Timestamp kStart = from_epoch_ms(1'700'000'000'000);
const core::LockAddress kFront{"home", "front-door"};

protocol::KeyPair key_from_text(const char (&text)[33]) { return *protocol::key_pair_from_text_seed(text); }

const protocol::KeyPair kHubKey = key_from_text("lockwarden-protocol-v1-test-key!");
const protocol::KeyPair kStrangerKey = key_from_text("somebody-else-s-signing-key-0001");
const protocol::KeyPair kVendorKey = key_from_text("lockwarden-vendor-firmware-key-1");

/// A battery pack: an open-circuit voltage behind an internal resistance.
class FakePower final : public PowerSource {
 public:
  FakePower(double open_mv, double resistance_mohm) : open_mv_(open_mv), resistance_mohm_(resistance_mohm) {}
  double voltage_mv(double load_ma) const override { return open_mv_ - load_ma * resistance_mohm_ / 1000.0; }
  void set_open_mv(double mv) { open_mv_ = mv; }
  void set_resistance_mohm(double mohm) { resistance_mohm_ = mohm; }

 private:
  double open_mv_;
  double resistance_mohm_;
};

LockSetup front_door(LockState bolt = LockState::unlocked,
                     core::Transport transport = core::Transport::wifi) {
  LockSetup s;
  s.address = kFront;
  s.name = "Front door";
  s.transport = transport;
  s.firmware_version = "1.4.2";
  s.firmware_counter = 3;
  s.lock_state = bolt;
  s.door_state = DoorState::closed;
  s.cells = 4;
  s.vendor_key = kVendorKey.public_key;
  s.pairing_code = "483-112-907";
  return s;
}

class LockFirmwareTest : public ::testing::Test {
 protected:
  // A fresh 4×AA pack: 6.0 V open circuit, 600 mΩ.
  LockFirmwareTest() : power_(6000, 600), random_(7), lock_(front_door(), power_, random_, kStart) {
    EXPECT_TRUE(lock_.enroll("hub", kHubKey.public_key));
  }

  static core::Command command(LockAction action, std::uint64_t counter, Timestamp issued = kStart) {
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

  static std::string signed_payload(LockAction action, std::uint64_t counter, Timestamp issued = kStart) {
    return protocol::seal_command(command(action, counter, issued), kHubKey.secret);
  }

  FakePower power_;
  core::SeededRandom random_;
  LockFirmware lock_;
};

TEST_F(LockFirmwareTest, SignedLockCommandThrowsTheBoltAndQueuesTheOperation) {
  LockCommandHandling h = lock_.handle(signed_payload(LockAction::lock, 1), kStart + 1s);

  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->command_id, "act-1");
  EXPECT_EQ(h.result->outcome, CommandOutcome::ok) << h.result->detail;
  EXPECT_EQ(h.result->lock_state, LockState::locked);
  EXPECT_FALSE(h.rebooted);
  EXPECT_EQ(lock_.state(kStart + 1s).lock_state, LockState::locked);
  EXPECT_EQ(lock_.real_state(), LockState::locked);

  ASSERT_EQ(h.events.size(), 1U);
  EXPECT_EQ(h.events[0].kind, DeviceEventKind::lock_operation);
  EXPECT_EQ(h.events[0].operation, LockAction::lock);
  EXPECT_EQ(h.events[0].source, OperationSource::remote);
  EXPECT_EQ(h.events[0].seq, 1U);
  const core::DeviceEvent* queued = lock_.next_unsent(kStart + 1s);
  ASSERT_NE(queued, nullptr);
  EXPECT_EQ(queued->seq, 1U);
  EXPECT_EQ(queued->operation, LockAction::lock);
}

TEST_F(LockFirmwareTest, UnsignedEnvelopeGetsNoResultAndTheBoltStays) {
  std::string body = protocol::encode_command_body(command(LockAction::lock, 1));
  std::string unsigned_envelope = R"({"v":1,"key_id":"hub","body":")";
  for (char c : body) {
    if (c == '"') unsigned_envelope += '\\';
    unsigned_envelope += c;
  }
  unsigned_envelope += "\"}";

  LockCommandHandling h = lock_.handle(unsigned_envelope, kStart + 1s);

  EXPECT_FALSE(h.result);
  EXPECT_EQ(lock_.unanswerable_commands(), 1U);
  EXPECT_TRUE(h.events.empty());
  EXPECT_EQ(lock_.real_state(), LockState::unlocked);
  EXPECT_EQ(lock_.queued_events(), 0U);
}

TEST_F(LockFirmwareTest, ForgedExpiredAndReplayedCommandsAreRefusedWithoutMovingTheBolt) {
  const std::string forged = protocol::seal_command(command(LockAction::lock, 1), kStrangerKey.secret);
  LockCommandHandling bad = lock_.handle(forged, kStart + 1s);
  ASSERT_TRUE(bad.result);
  EXPECT_EQ(bad.result->outcome, CommandOutcome::bad_signature);

  LockCommandHandling expired = lock_.handle(signed_payload(LockAction::lock, 2), kStart + 31s);
  ASSERT_TRUE(expired.result);
  EXPECT_EQ(expired.result->outcome, CommandOutcome::expired);

  const std::string unlock = signed_payload(LockAction::unlock, 3, kStart + 40s);
  ASSERT_EQ(lock_.handle(unlock, kStart + 41s).result->outcome, CommandOutcome::ok);
  const std::string lock_cmd = signed_payload(LockAction::lock, 3, kStart + 40s);
  LockCommandHandling replayed = lock_.handle(lock_cmd, kStart + 42s);
  ASSERT_TRUE(replayed.result);
  EXPECT_EQ(replayed.result->outcome, CommandOutcome::replayed);
  EXPECT_EQ(replayed.result->lock_state, LockState::unlocked);

  EXPECT_TRUE(bad.events.empty());
  EXPECT_TRUE(expired.events.empty());
  EXPECT_TRUE(replayed.events.empty());
  EXPECT_EQ(lock_.real_state(), LockState::unlocked);
  EXPECT_EQ(lock_.last_seq(), 1U) << "only the accepted unlock produced an event";
}

TEST_F(LockFirmwareTest, UnlatchIsUnsupported) {
  LockCommandHandling h = lock_.handle(signed_payload(LockAction::unlatch, 1), kStart + 1s);
  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::unsupported);
  EXPECT_TRUE(h.events.empty());
}

TEST_F(LockFirmwareTest, LockingWithTheDoorOpenIsRefusedAndTheBoltStays) {
  lock_.set_door(DoorState::open, kStart);

  LockCommandHandling h = lock_.handle(signed_payload(LockAction::lock, 1), kStart + 1s);

  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::unsupported);
  EXPECT_EQ(h.result->detail, "door is open");
  EXPECT_EQ(lock_.real_state(), LockState::unlocked);
  EXPECT_EQ(lock_.state(kStart + 1s).door_state, DoorState::open);
}

TEST_F(LockFirmwareTest, LowBatteryRefusesTheMotorButNotTheThumbTurn) {
  // 4.40 V idle: the motor would sag the pack below the 4.30 V cut-off.
  power_.set_open_mv(4400);

  LockCommandHandling h = lock_.handle(signed_payload(LockAction::lock, 1), kStart + 1s);
  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::low_battery);
  EXPECT_EQ(lock_.real_state(), LockState::unlocked);

  std::vector<core::DeviceEvent> keypad =
      lock_.operate(LockAction::lock, OperationSource::keypad, "1", kStart + 2s);
  ASSERT_EQ(keypad.size(), 1U);
  EXPECT_EQ(keypad[0].alarm, "low_battery");
  EXPECT_EQ(lock_.real_state(), LockState::unlocked);

  std::vector<core::DeviceEvent> manual =
      lock_.operate(LockAction::lock, OperationSource::manual, std::nullopt, kStart + 3s);
  ASSERT_EQ(manual.size(), 1U);
  EXPECT_EQ(manual[0].kind, DeviceEventKind::lock_operation);
  EXPECT_EQ(lock_.real_state(), LockState::locked);
}

TEST_F(LockFirmwareTest, SagUnderMotorLoadBrownsTheControllerOut) {
  // A cold, worn pack: fine at idle, but 6 Ω behind it sags 1.5 V at 250 mA.
  power_.set_open_mv(5200);
  power_.set_resistance_mohm(6000);

  LockCommandHandling h = lock_.handle(signed_payload(LockAction::lock, 1), kStart + 10s);

  EXPECT_TRUE(h.rebooted);
  EXPECT_FALSE(h.result) << "a reset controller answers nothing";
  EXPECT_EQ(lock_.boot_reason(), BootReason::brown_out);
  EXPECT_EQ(lock_.reboot_count(), 1);
  EXPECT_EQ(lock_.uptime(kStart + 10s), Duration::zero());
  EXPECT_EQ(lock_.real_state(), LockState::unlocked);
  core::Telemetry t = lock_.telemetry(kStart + 15s);
  EXPECT_EQ(t.boot_reason, BootReason::brown_out);
  EXPECT_EQ(t.reboot_count, 1);
  EXPECT_EQ(t.uptime_s, 5);
}

TEST_F(LockFirmwareTest, ModestSagUnderMotorLoadIsSurvived) {
  power_.set_open_mv(5200);
  power_.set_resistance_mohm(1500);

  LockCommandHandling h = lock_.handle(signed_payload(LockAction::lock, 1), kStart + 10s);

  EXPECT_FALSE(h.rebooted);
  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::ok);
  EXPECT_EQ(lock_.reboot_count(), 0);
}

TEST_F(LockFirmwareTest, BindingBoltJamsWithAnAlarmAndWorksAgainWhenFreed) {
  lock_.set_binding(true);

  LockCommandHandling h = lock_.handle(signed_payload(LockAction::lock, 1), kStart + 1s);

  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::jammed);
  EXPECT_EQ(h.result->lock_state, LockState::jammed);
  ASSERT_EQ(h.events.size(), 1U);
  EXPECT_EQ(h.events[0].kind, DeviceEventKind::alarm);
  EXPECT_EQ(h.events[0].alarm, "jammed");
  EXPECT_EQ(lock_.state(kStart + 1s).lock_state, LockState::jammed);

  lock_.set_binding(false);
  LockCommandHandling retry = lock_.handle(signed_payload(LockAction::lock, 2, kStart + 10s), kStart + 10s);
  ASSERT_TRUE(retry.result);
  EXPECT_EQ(retry.result->outcome, CommandOutcome::ok);
  EXPECT_EQ(lock_.real_state(), LockState::locked);
}

TEST_F(LockFirmwareTest, FailedMotorRaisesMotorFaultAndLeavesTheBolt) {
  lock_.set_motor_failed(true);

  LockCommandHandling h = lock_.handle(signed_payload(LockAction::lock, 1), kStart + 1s);
  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::jammed);
  ASSERT_EQ(h.events.size(), 1U);
  EXPECT_EQ(h.events[0].alarm, "motor_fault");

  std::vector<core::DeviceEvent> keypad =
      lock_.operate(LockAction::lock, OperationSource::keypad, "2", kStart + 2s);
  ASSERT_EQ(keypad.size(), 1U);
  EXPECT_EQ(keypad[0].alarm, "motor_fault");
  EXPECT_EQ(keypad[0].user, "2");
  EXPECT_EQ(lock_.real_state(), LockState::unlocked);
}

TEST(LockFirmwareDrift, DriftMakesTheReportDisagreeUntilRecalibrated) {
  FakePower power(6000, 600);
  core::SeededRandom random(1);
  LockFirmware lock(front_door(LockState::locked), power, random, kStart);

  lock.drift(3.0);  // the strike moved 3 mm away: the bolt no longer fully engages
  EXPECT_EQ(lock.state(kStart).lock_state, LockState::locked);
  EXPECT_EQ(lock.real_state(), LockState::not_fully_locked);

  ASSERT_TRUE(lock.recalibrate(kStart + 1s));
  EXPECT_EQ(lock.state(kStart + 1s).lock_state, lock.real_state());

  lock.operate(LockAction::lock, OperationSource::keypad, "1", kStart + 2s);
  EXPECT_EQ(lock.state(kStart + 2s).lock_state, LockState::locked);
  EXPECT_EQ(lock.real_state(), LockState::locked);
}

// Protocol 5.7: the hub's recalibrate command, as its doctor sends it for calibration_drift.
TEST(LockFirmwareDrift, TheHubsRecalibrateCommandReLearnsTheBoltAndThrowsItFullyOnlyForAHubKey) {
  FakePower power(6000, 600);
  core::SeededRandom random(1);
  LockFirmware lock(front_door(LockState::unlocked), power, random, kStart);
  ASSERT_TRUE(lock.enroll("hub", kHubKey.public_key));
  ASSERT_TRUE(lock.enroll("phone", kStrangerKey.public_key, false));
  lock.drift(-6.0);  // the door sagged: the bolt hits the strike before its stored end
  lock.operate(LockAction::lock, OperationSource::keypad, "1", kStart + 1s);
  ASSERT_EQ(lock.state(kStart + 1s).lock_state, LockState::not_fully_locked);

  auto recalibrate = [](const std::string& key_id, std::uint64_t counter, Timestamp at) {
    core::Command c;
    c.id = "recal-" + std::to_string(counter);
    c.target = kFront;
    c.recalibrate = true;
    c.issued_at = at;
    c.expires_at = at + 30s;
    c.key_id = key_id;
    c.counter = counter;
    return c;
  };
  LockCommandHandling by_phone = lock.handle(
      protocol::seal_command(recalibrate("phone", 1, kStart + 2s), kStrangerKey.secret), kStart + 2s);
  ASSERT_TRUE(by_phone.result);
  EXPECT_EQ(by_phone.result->outcome, CommandOutcome::not_allowed);
  EXPECT_EQ(lock.state(kStart + 2s).lock_state, LockState::not_fully_locked);

  LockCommandHandling by_hub =
      lock.handle(protocol::seal_command(recalibrate("hub", 1, kStart + 3s), kHubKey.secret), kStart + 3s);
  ASSERT_TRUE(by_hub.result);
  EXPECT_EQ(by_hub.result->outcome, CommandOutcome::ok) << by_hub.result->detail;
  EXPECT_EQ(by_hub.result->lock_state, LockState::locked);
  EXPECT_EQ(lock.real_state(), LockState::locked);
  ASSERT_EQ(by_hub.events.size(), 1U);
  EXPECT_EQ(by_hub.events[0].operation, LockAction::lock);
  EXPECT_EQ(by_hub.events[0].source, OperationSource::remote);

  // A jammed bolt cannot be recalibrated: refused, in words.
  lock.set_binding(true);
  lock.operate(LockAction::unlock, OperationSource::keypad, "1", kStart + 4s);
  LockCommandHandling jammed =
      lock.handle(protocol::seal_command(recalibrate("hub", 2, kStart + 9s), kHubKey.secret), kStart + 9s);
  ASSERT_TRUE(jammed.result);
  EXPECT_EQ(jammed.result->outcome, CommandOutcome::refused);
  EXPECT_NE(jammed.result->detail.find("jammed"), std::string::npos);
}

TEST(LockFirmwareDrift, FactoryResetForgetsTheLearnedCalibration) {
  FakePower power(6000, 600);
  core::SeededRandom random(1);
  LockFirmware lock(front_door(LockState::locked), power, random, kStart);
  lock.drift(3.0);
  ASSERT_TRUE(lock.recalibrate(kStart + 1s));
  lock.operate(LockAction::lock, OperationSource::keypad, "1", kStart + 2s);
  ASSERT_EQ(lock.state(kStart + 2s).lock_state, LockState::locked);

  lock.factory_reset(kStart + 3s);

  // The bolt is fully engaged 3 mm past where the factory calibration expects
  // it, so the report disagrees with the truth again.
  EXPECT_EQ(lock.real_state(), LockState::locked);
  EXPECT_EQ(lock.state(kStart + 3s).lock_state, LockState::not_fully_locked);
}

TEST_F(LockFirmwareTest, EventsSurvivePowerLossAndAreDeliveredOnceEach) {
  lock_.operate(LockAction::lock, OperationSource::keypad, "1", kStart + 1s);
  lock_.operate(LockAction::unlock, OperationSource::keypad, "1", kStart + 2s);
  ASSERT_EQ(lock_.next_unsent(kStart + 2s)->seq, 1U);
  ASSERT_TRUE(lock_.mark_sent(1));  // published, never acked: lost with the power
  EXPECT_EQ(lock_.next_unsent(kStart + 2s)->seq, 2U);

  lock_.power_off(kStart + 3s);
  EXPECT_EQ(lock_.next_unsent(kStart + 4s), nullptr) << "a lock without power publishes nothing";
  lock_.power_on(kStart + 60s);
  EXPECT_EQ(lock_.boot_reason(), BootReason::power_on);
  EXPECT_EQ(lock_.reboot_count(), 1);

  std::vector<core::DeviceEvent> more =
      lock_.operate(LockAction::lock, OperationSource::manual, std::nullopt, kStart + 61s);
  ASSERT_EQ(more.size(), 1U);
  EXPECT_EQ(more[0].seq, 3U) << "numbering continues after the reboot";

  // The host's delivery loop; the link drops once after publishing seq 2.
  std::vector<std::uint64_t> published;
  std::multiset<std::uint64_t> acked;
  bool dropped_once = false;
  for (int guard = 0; guard < 20; ++guard) {
    const core::DeviceEvent* next = lock_.next_unsent(kStart + 62s);
    if (next == nullptr) break;
    const std::uint64_t seq = next->seq;
    published.push_back(seq);
    ASSERT_TRUE(lock_.mark_sent(seq));
    if (seq == 2 && !dropped_once) {
      dropped_once = true;
      lock_.rewind();
      continue;
    }
    ASSERT_TRUE(lock_.ack(seq));
    acked.insert(seq);
  }
  EXPECT_EQ(published, (std::vector<std::uint64_t>{1, 2, 2, 3}));
  EXPECT_EQ(acked, (std::multiset<std::uint64_t>{1, 2, 3}));
  EXPECT_FALSE(lock_.ack(2)) << "an acked event is gone";
  EXPECT_EQ(lock_.queued_events(), 0U);
}

TEST_F(LockFirmwareTest, WrongPinsLockTheKeypadOutThenTheRightPinWorksAgain) {
  ASSERT_TRUE(lock_.add_user(7));
  ASSERT_TRUE(lock_.add_pin(7, "246810"));

  for (int i = 0; i < 4; ++i) {
    std::vector<core::DeviceEvent> e =
        lock_.enter_pin("111111", LockAction::lock, kStart + Duration{i * 1000});
    ASSERT_EQ(e.size(), 1U);
    EXPECT_EQ(e[0].alarm, "wrong_code");
  }
  std::vector<core::DeviceEvent> fifth = lock_.enter_pin("111111", LockAction::lock, kStart + 5s);
  ASSERT_EQ(fifth.size(), 1U);
  EXPECT_EQ(fifth[0].alarm, "wrong_code_limit");

  std::vector<core::DeviceEvent> during = lock_.enter_pin("246810", LockAction::lock, kStart + 10s);
  ASSERT_EQ(during.size(), 1U);
  EXPECT_EQ(during[0].alarm, "keypad_disabled");
  EXPECT_EQ(lock_.real_state(), LockState::unlocked);

  std::vector<core::DeviceEvent> after = lock_.enter_pin("246810", LockAction::lock, kStart + 5s + 61s);
  ASSERT_EQ(after.size(), 1U);
  EXPECT_EQ(after[0].kind, DeviceEventKind::lock_operation);
  EXPECT_EQ(after[0].source, OperationSource::keypad);
  EXPECT_EQ(after[0].user, "7");
  EXPECT_EQ(lock_.real_state(), LockState::locked);
}

TEST_F(LockFirmwareTest, FactoryResetForgetsKeysAndOldCommandsStayDead) {
  ASSERT_EQ(lock_.handle(signed_payload(LockAction::lock, 1), kStart + 1s).result->outcome,
            CommandOutcome::ok);
  ASSERT_TRUE(lock_.add_user(1));
  ASSERT_TRUE(lock_.add_pin(1, "1234"));

  lock_.factory_reset(kStart + 2s);

  LockCommandHandling h = lock_.handle(signed_payload(LockAction::unlock, 2, kStart + 3s), kStart + 3s);
  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::unknown_key);
  EXPECT_EQ(lock_.real_state(), LockState::locked);
  EXPECT_EQ(lock_.credentials().user_count(), 0U);
  EXPECT_EQ(lock_.queued_events(), 0U);
  EXPECT_EQ(lock_.last_seq(), 0U);
  EXPECT_EQ(lock_.boot_reason(), BootReason::factory_reset);

  // Re-paired, the hub's old counter is still spent.
  ASSERT_TRUE(lock_.enroll("hub", kHubKey.public_key));
  EXPECT_EQ(lock_.handle(signed_payload(LockAction::unlock, 1, kStart + 4s), kStart + 4s).result->outcome,
            CommandOutcome::replayed);
}

TEST_F(LockFirmwareTest, PairingWithTheLabelCodeTrustsTheKeyAndResetForgetsIt) {
  const protocol::KeyPair phone_hub = key_from_text("second-hub-key-for-pairing-test!");
  EXPECT_EQ(lock_.pair("483-112-907", "hub2", phone_hub.public_key, kStart),
            PairingOutcome::not_in_pairing_mode);
  lock_.press_pairing_button(kStart + 1s);
  EXPECT_EQ(lock_.pair("483-112-907", "hub2", phone_hub.public_key, kStart + 2s), PairingOutcome::paired);

  core::Command c = command(LockAction::lock, 1, kStart + 3s);
  c.key_id = "hub2";
  EXPECT_EQ(lock_.handle(protocol::seal_command(c, phone_hub.secret), kStart + 3s).result->outcome,
            CommandOutcome::ok);

  lock_.factory_reset(kStart + 4s);
  c.counter = 2;
  c.issued_at = kStart + 5s;
  c.expires_at = kStart + 35s;
  EXPECT_EQ(lock_.handle(protocol::seal_command(c, phone_hub.secret), kStart + 5s).result->outcome,
            CommandOutcome::unknown_key);
}

TEST_F(LockFirmwareTest, PairingWindowDoesNotSurviveAReboot) {
  lock_.press_pairing_button(kStart);
  lock_.power_off(kStart + 1s);
  lock_.power_on(kStart + 2s);
  EXPECT_FALSE(lock_.in_pairing_mode(kStart + 3s));
  EXPECT_EQ(lock_.pair("483-112-907", "hub2", kStrangerKey.public_key, kStart + 3s),
            PairingOutcome::not_in_pairing_mode);
}

TEST(LockFirmwareHeartbeat, CadenceFollowsTransportAndBatteryLevel) {
  FakePower power(6000, 600);
  core::SeededRandom random(1);
  LockFirmware wifi(front_door(LockState::locked, core::Transport::wifi), power, random, kStart);
  LockFirmware zigbee(front_door(LockState::locked, core::Transport::zigbee), power, random, kStart);

  EXPECT_EQ(wifi.heartbeat(), std::chrono::minutes{10});
  EXPECT_EQ(zigbee.heartbeat(), std::chrono::hours{1});
  EXPECT_EQ(wifi.telemetry(kStart).heartbeat, std::chrono::minutes{10});

  power.set_open_mv(4700);  // below the 4.80 V low threshold
  EXPECT_EQ(wifi.telemetry(kStart + 1s).heartbeat, std::chrono::minutes{30});
  EXPECT_EQ(wifi.power_level(), PowerLevel::low);
  EXPECT_EQ(wifi.heartbeat(), std::chrono::minutes{30});
  zigbee.telemetry(kStart + 1s);
  EXPECT_EQ(zigbee.heartbeat(), std::chrono::hours{1});

  LockSetup fixed = front_door();
  fixed.heartbeat = 30s;
  LockFirmware overridden(fixed, power, random, kStart);
  overridden.telemetry(kStart);
  EXPECT_EQ(overridden.heartbeat(), 30s);
}

TEST_F(LockFirmwareTest, TelemetryReportsTheBatteryUnderRadioLoadAndTheBootHistory) {
  power_.set_open_mv(5200);  // 5200 - 220 mA × 0.6 Ω = 5068 mV: 1267 mV a cell, 42 %

  core::Telemetry t = lock_.telemetry(kStart + 90s, -61);

  EXPECT_EQ(t.ts, kStart + 90s);
  EXPECT_EQ(t.battery_mv, 5068);
  EXPECT_EQ(t.battery_pct, 42);
  EXPECT_EQ(t.rssi_dbm, -61);
  EXPECT_EQ(t.firmware, "1.4.2");
  EXPECT_EQ(t.uptime_s, 90);
  EXPECT_EQ(t.reboot_count, 0);
  EXPECT_EQ(t.boot_reason, BootReason::power_on);
  EXPECT_EQ(t.name, "Front door");
  EXPECT_EQ(t.transport, core::Transport::wifi);
}

TEST_F(LockFirmwareTest, SignedUpdateIsInstalledOfflineAndActiveAfterTheReboot) {
  const FirmwareImage image =
      sign_image("lw-lock-1", "1.5.0", 4, kStart + std::chrono::days(30), {1, 2, 3, 4}, kVendorKey.secret);

  ASSERT_EQ(lock_.install(image, kStart), InstallOutcome::installing);
  EXPECT_TRUE(lock_.updating(kStart + 1s));
  EXPECT_FALSE(lock_.handle(signed_payload(LockAction::lock, 1), kStart + 1s).result)
      << "an updating lock is offline";
  EXPECT_EQ(lock_.real_state(), LockState::unlocked);

  const Timestamp done = lock_.install_done_at();
  EXPECT_FALSE(lock_.updating(done));
  lock_.power_on(done, BootReason::firmware_update);

  EXPECT_EQ(lock_.firmware_version(), "1.5.0");
  EXPECT_EQ(lock_.last_boot_result(), BootResult::trial);
  EXPECT_FALSE(lock_.update_slots().on_trial()) << "confirmed once booted";
  EXPECT_EQ(lock_.boot_reason(), BootReason::firmware_update);
  EXPECT_EQ(lock_.telemetry(done).firmware, "1.5.0");
}

TEST_F(LockFirmwareTest, CrashingUpdateIsRolledBack) {
  lock_.fail_next_boot();
  ASSERT_EQ(lock_.install(
                sign_image("lw-lock-1", "1.5.0", 4, kStart + std::chrono::days(30), {9}, kVendorKey.secret),
                kStart),
            InstallOutcome::installing);
  lock_.power_on(lock_.install_done_at(), BootReason::firmware_update);

  EXPECT_EQ(lock_.last_boot_result(), BootResult::rolled_back);
  EXPECT_EQ(lock_.firmware_version(), "1.4.2");
  EXPECT_EQ(lock_.boot_reason(), BootReason::watchdog);
}

TEST_F(LockFirmwareTest, ThumbTurnWorksWithoutPowerButRecordsNothing) {
  lock_.power_off(kStart);
  EXPECT_TRUE(lock_.operate(LockAction::lock, OperationSource::manual, std::nullopt, kStart + 1s).empty());
  EXPECT_TRUE(lock_.operate(LockAction::unlock, OperationSource::keypad, "1", kStart + 2s).empty());
  EXPECT_EQ(lock_.real_state(), LockState::locked);
  EXPECT_EQ(lock_.last_seq(), 0U);
}

TEST_F(LockFirmwareTest, HungRadioReceivesNothingUntilReboot) {
  lock_.hang_radio(true);
  EXPECT_FALSE(lock_.handle(signed_payload(LockAction::lock, 1), kStart + 1s).result);
  EXPECT_EQ(lock_.real_state(), LockState::unlocked);

  lock_.power_on(kStart + 2s, BootReason::watchdog);
  EXPECT_FALSE(lock_.radio_hung());
  EXPECT_EQ(lock_.handle(signed_payload(LockAction::lock, 2, kStart + 3s), kStart + 3s).result->outcome,
            CommandOutcome::ok);
}

TEST_F(LockFirmwareTest, APingIsAnsweredWithTheBoltsStateAndMovesNothingAndAHungRadioLeavesItUnanswered) {
  core::Command ping = command(LockAction::unlock, 1);
  ping.ping = true;
  LockCommandHandling h = lock_.handle(protocol::seal_command(ping, kHubKey.secret), kStart + 1s);
  ASSERT_TRUE(h.result);
  EXPECT_EQ(h.result->outcome, CommandOutcome::ok) << h.result->detail;
  EXPECT_EQ(h.result->lock_state, LockState::unlocked);
  EXPECT_TRUE(h.events.empty());
  EXPECT_EQ(lock_.real_state(), LockState::unlocked) << "a ping is not an unlock";

  // It is a command like any other: signed, in its window, used once.
  EXPECT_EQ(lock_.handle(protocol::seal_command(ping, kHubKey.secret), kStart + 2s).result->outcome,
            CommandOutcome::replayed);
  ping.counter = 2;
  EXPECT_EQ(lock_.handle(protocol::seal_command(ping, kStrangerKey.secret), kStart + 2s).result->outcome,
            CommandOutcome::bad_signature);

  lock_.hang_radio(true);
  ping.counter = 3;
  EXPECT_FALSE(lock_.handle(protocol::seal_command(ping, kHubKey.secret), kStart + 3s).result)
      << "a hung radio answers no ping: that silence is what the hub learns from";
}

TEST(LockFirmwareSetup, ValidateNamesTheBadField) {
  LockSetup s = front_door();
  EXPECT_TRUE(LockFirmware::validate(s));
  s.cells = 0;
  Result<void> bad_cells = LockFirmware::validate(s);
  ASSERT_FALSE(bad_cells);
  EXPECT_NE(bad_cells.error().message.find("cells"), std::string::npos);
  s = front_door();
  s.pairing_code = "123";
  ASSERT_FALSE(LockFirmware::validate(s));
}

}  // namespace
}  // namespace lw::firmware
