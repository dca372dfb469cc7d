// The Hub's entry points for locks behind a bridge (Zigbee2MQTT) and for
// third-party locks (Nuki): what their peers say, their events without
// sequence numbers, probes, and actions their adapters see fail.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/hub/hub.h"
#include "tests/support/memory_store.h"
#include "tests/support/recording_device_link.h"

namespace lw::core {
namespace {

class BridgedHub : public ::testing::Test {
 protected:
  BridgedHub() {
    EXPECT_TRUE(hub_.load());
    LockRecord lock;
    lock.id = "back-door";
    lock.site = "house";
    lock.name = "Back door";
    lock.transport = Transport::zigbee;
    lock.heartbeat = 1h;
    EXPECT_TRUE(hub_.add_lock(lock));
    EXPECT_TRUE(hub_.set_via("back-door", "zigbee2mqtt"));
  }

  void report(LockState state) {
    Telemetry t;
    t.ts = clock_.now();
    t.battery_pct = 70;
    t.transport = Transport::zigbee;
    ASSERT_TRUE(hub_.on_telemetry(back_, t));
    ASSERT_TRUE(hub_.on_state(back_, StateReport{clock_.now(), state, DoorState::unknown}));
  }

  [[nodiscard]] Connectivity connectivity() const { return hub_.find_lock("back-door")->connectivity; }

  ManualClock clock_;
  MemoryStore store_;
  lw::testing::RecordingDeviceLink link_;
  NullEventSink sink_;
  SeededRandom random_{7};
  Hub hub_{clock_, store_, link_, sink_, random_, HubOptions{}};
  LockAddress back_{"house", "back-door"};
};

TEST_F(BridgedHub, ABridgeThatGoesDownMakesItsLocksUnreachableAndOpensAHubOfflineCase) {
  report(LockState::locked);
  EXPECT_EQ(connectivity(), Connectivity::online);
  clock_.advance(1s);
  hub_.on_bridge_state("zigbee2mqtt", false);
  EXPECT_EQ(connectivity(), Connectivity::unreachable);
  const std::vector<const Case*> cases = hub_.doctor().open_cases();
  ASSERT_EQ(cases.size(), 1U);
  ASSERT_FALSE(cases[0]->hypotheses.empty());
  EXPECT_EQ(cases[0]->hypotheses[0].cause, Cause::hub_offline);
  clock_.advance(1s);
  hub_.on_bridge_state("zigbee2mqtt", true);
  report(LockState::locked);
  EXPECT_EQ(connectivity(), Connectivity::online);
}

TEST_F(BridgedHub, AvailabilityOfflineIsBelievedAtOnceAndNamedInTheHistory) {
  report(LockState::locked);
  clock_.advance(1s);
  ASSERT_TRUE(hub_.on_availability(back_, false, "Zigbee2MQTT availability"));
  EXPECT_EQ(connectivity(), Connectivity::offline);
  EXPECT_FALSE(hub_.find_lock("back-door")->link_up);
  auto page = hub_.events("back-door", 1, std::nullopt);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->events[0].detail, "offline: Zigbee2MQTT availability");
  clock_.advance(1s);
  ASSERT_TRUE(hub_.on_availability(back_, true, "Zigbee2MQTT availability"));
  EXPECT_EQ(connectivity(), Connectivity::online);
}

TEST_F(BridgedHub, ReportedEventsWithoutSequenceNumbersAreAllKept) {
  report(LockState::locked);
  DeviceEvent e;
  e.kind = DeviceEventKind::lock_operation;
  e.operation = LockAction::unlock;
  e.source = OperationSource::keypad;
  e.user = "2";
  for (int i = 0; i < 3; ++i) {
    clock_.advance(1min);
    e.ts = clock_.now();
    ASSERT_TRUE(hub_.on_reported_event(back_, e));
  }
  auto page = hub_.events("back-door", 10, std::nullopt);
  ASSERT_TRUE(page);
  const auto operations = std::count_if(page->events.begin(), page->events.end(), [](const EventRecord& r) {
    return r.kind == EventKind::lock_operation && r.source == OperationSource::keypad && !r.device_seq;
  });
  EXPECT_EQ(operations, 3);
}

TEST_F(BridgedHub, AnOverdueBridgedLockIsProbedThroughItsLink) {
  report(LockState::locked);
  for (int i = 0; i < 5 && link_.probed().empty(); ++i) {
    clock_.advance(1h);
    hub_.tick();
  }
  ASSERT_FALSE(link_.probed().empty());
  EXPECT_EQ(link_.probed()[0], back_);
  report(LockState::locked);  // the answer
  EXPECT_EQ(connectivity(), Connectivity::online);
}

TEST_F(BridgedHub, AnActionTheAdapterSawFailEndsFailedWithItsReason) {
  report(LockState::locked);
  auto action = hub_.request_action("back-door", LockAction::unlock);
  ASSERT_TRUE(action);
  ASSERT_EQ(link_.sent().size(), 1U);
  ASSERT_TRUE(hub_.on_command_failed(back_, action->id, "undelivered", "MAC no ack"));
  auto done = hub_.find_action(action->id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, ActionStatus::failed);
  EXPECT_EQ(done->reason, "undelivered");
  EXPECT_EQ(done->detail, "MAC no ack");
  // A second word on a finished action changes nothing.
  ASSERT_TRUE(hub_.on_command_failed(back_, action->id, "refused", ""));
  EXPECT_EQ(hub_.find_action(action->id)->reason, "undelivered");
  EXPECT_FALSE(hub_.on_command_failed({"elsewhere", "back-door"}, action->id, "x", ""));
}

TEST_F(BridgedHub, BridgeWordsAboutAnUnknownLockAreNotFound) {
  const LockAddress stranger{"elsewhere", "back-door"};
  EXPECT_EQ(hub_.on_availability(stranger, true, "x").error().code, ErrorCode::not_found);
  EXPECT_EQ(hub_.on_signal(stranger, 100).error().code, ErrorCode::not_found);
  EXPECT_EQ(hub_.on_rejoined(stranger).error().code, ErrorCode::not_found);
  EXPECT_EQ(hub_.on_bridge_log(stranger, BridgeLog::no_route).error().code, ErrorCode::not_found);
  EXPECT_EQ(hub_.on_request_failed(stranger).error().code, ErrorCode::not_found);
  EXPECT_EQ(hub_.set_via("nope", "zigbee2mqtt").error().code, ErrorCode::not_found);
}

TEST_F(BridgedHub, ARejoinAndSignalReadingsCountAsHearingTheLock) {
  ASSERT_TRUE(hub_.on_rejoined(back_));
  EXPECT_EQ(connectivity(), Connectivity::online);
  EXPECT_TRUE(hub_.on_signal(back_, 112));
  EXPECT_TRUE(hub_.on_bridge_log(back_, BridgeLog::no_route));
  EXPECT_TRUE(hub_.on_request_failed(back_));
}

}  // namespace
}  // namespace lw::core
