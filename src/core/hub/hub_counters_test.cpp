// The Hub's counters behind GET /metrics: messages by transport, command
// outcomes and the locks' answer times.
#include <gtest/gtest.h>

#include "core/hub/hub.h"
#include "tests/support/memory_store.h"
#include "tests/support/recording_device_link.h"

namespace lw::core {
namespace {

class HubCountersTest : public ::testing::Test {
 protected:
  HubCountersTest() { EXPECT_TRUE(hub_.load()); }

  void hear(const LockAddress& from, std::optional<Transport> transport = std::nullopt) {
    Telemetry t;
    t.ts = clock_.now();
    t.heartbeat = 10s;
    t.transport = transport;
    ASSERT_TRUE(hub_.on_telemetry(from, t));
  }

  ManualClock clock_;
  MemoryStore store_;
  lw::testing::RecordingDeviceLink link_;
  NullEventSink sink_;
  SeededRandom random_{42};
  Hub hub_{clock_, store_, link_, sink_, random_, HubOptions{}};
  LockAddress front_{"home", "front"};
};

TEST_F(HubCountersTest, MessagesAreCountedByTheTransportOfTheLockThatSentThem) {
  hear(front_);
  hear(front_);
  hear({"home", "garage"}, Transport::zigbee);
  ASSERT_TRUE(hub_.on_status({"home", "garage"}, StatusReport{false, std::nullopt}));
  hub_.on_rejected("telemetry: battery_pct: must be 0..100");
  EXPECT_EQ(hub_.messages_by_transport().at(Transport::wifi), 2U);
  EXPECT_EQ(hub_.messages_by_transport().at(Transport::zigbee), 2U);
  EXPECT_EQ(hub_.messages_accepted(), 4U);
  EXPECT_EQ(hub_.rejected().at("telemetry: battery_pct: must be 0..100"), 1U);
}

TEST_F(HubCountersTest, AnsweredCommandIsObservedFromRequestToAnswer) {
  hear(front_);
  auto action = hub_.request_action("front", LockAction::lock);
  ASSERT_TRUE(action);
  clock_.advance(180ms);
  CommandResult r;
  r.command_id = action->id;
  r.ts = clock_.now();
  r.outcome = CommandOutcome::ok;
  ASSERT_TRUE(hub_.on_command_result(front_, r));
  const CommandStats& stats = hub_.command_stats();
  EXPECT_EQ(stats.count(ActionStatus::succeeded), 1U);
  EXPECT_EQ(stats.latency().count(), 1U);
  EXPECT_EQ(stats.latency().sum(), 180ms);
  EXPECT_EQ(stats.latency().at_or_below(1), 0U);  // 100 ms
  EXPECT_EQ(stats.latency().at_or_below(2), 1U);  // 250 ms
}

TEST_F(HubCountersTest, ExpiredCommandIsCountedWithoutALatency) {
  hear(front_);
  ASSERT_TRUE(hub_.request_action("front", LockAction::unlock));
  clock_.advance(31s);
  hub_.tick();
  EXPECT_EQ(hub_.command_stats().count(ActionStatus::expired), 1U);
  EXPECT_EQ(hub_.command_stats().latency().count(), 0U);
}

}  // namespace
}  // namespace lw::core
