#include "firmware/event_buffer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace lw::firmware {
namespace {

constexpr Timestamp kT0 = from_epoch_ms(1'700'000'000'000);

core::DeviceEvent lock_event(int i) {
  core::DeviceEvent event;
  event.ts = kT0 + std::chrono::seconds{i};
  event.kind = core::DeviceEventKind::lock_operation;
  event.operation = core::LockAction::lock;
  event.source = core::OperationSource::keypad;
  event.user = "user-" + std::to_string(i);
  return event;
}

/// A hub that records what it received, drops duplicates by seq, and acks
/// only while `acking` is true.
struct RecordingHub {
  std::vector<std::uint64_t> received;  // every publish, duplicates included
  std::vector<std::uint64_t> accepted;  // after de-duplication, in arrival order
  std::set<std::uint64_t> seen;
  bool acking{true};

  /// Publishes every unsent event; acks each when acking.
  void drain(EventBuffer& buffer) {
    while (const core::DeviceEvent* event = buffer.next_unsent()) {
      const std::uint64_t seq = event->seq;
      ASSERT_TRUE(buffer.mark_sent(seq));
      received.push_back(seq);
      if (seen.insert(seq).second) accepted.push_back(seq);
      if (acking) {
        ASSERT_TRUE(buffer.ack(seq));
      }
    }
  }
};

TEST(EventBufferTest, PushNumbersEventsFromOne) {
  EventBuffer buffer;
  core::DeviceEvent event = lock_event(0);
  event.seq = 999;  // the buffer owns numbering
  EXPECT_EQ(buffer.push(event), 1U);
  EXPECT_EQ(buffer.push(lock_event(1)), 2U);
  ASSERT_NE(buffer.next_unsent(), nullptr);
  EXPECT_EQ(buffer.next_unsent()->seq, 1U);
  EXPECT_EQ(buffer.next_unsent()->user, "user-0");
}

TEST(EventBufferTest, AckedEventIsNeverHandedOutAgain) {
  EventBuffer buffer;
  (void)buffer.push(lock_event(0));
  ASSERT_TRUE(buffer.mark_sent(1));
  ASSERT_TRUE(buffer.ack(1));
  buffer.rewind();
  EXPECT_EQ(buffer.next_unsent(), nullptr);
  EXPECT_FALSE(buffer.ack(1));
  EXPECT_EQ(buffer.size(), 0U);
}

TEST(EventBufferTest, PublishedButUnackedEventIsResentAfterReconnect) {
  EventBuffer buffer;
  (void)buffer.push(lock_event(0));
  (void)buffer.push(lock_event(1));
  ASSERT_TRUE(buffer.mark_sent(1));
  ASSERT_TRUE(buffer.mark_sent(2));
  EXPECT_EQ(buffer.next_unsent(), nullptr);  // nothing new on this connection
  ASSERT_TRUE(buffer.ack(2));                // the ack for 1 was lost
  buffer.rewind();
  ASSERT_NE(buffer.next_unsent(), nullptr);
  EXPECT_EQ(buffer.next_unsent()->seq, 1U);
  ASSERT_TRUE(buffer.mark_sent(1));
  EXPECT_EQ(buffer.next_unsent(), nullptr);  // 2 was acked: not re-sent
  ASSERT_TRUE(buffer.ack(1));
  EXPECT_EQ(buffer.size(), 0U);
}

TEST(EventBufferTest, OutageLosesNothingDuplicatesNothingAndKeepsOrder) {
  EventBuffer buffer;
  RecordingHub hub;
  int next = 0;
  for (; next < 10; ++next) (void)buffer.push(lock_event(next));
  hub.drain(buffer);

  // The broker goes away: the lock publishes into the void, no acks.
  hub.acking = false;
  for (; next < 25; ++next) (void)buffer.push(lock_event(next));
  hub.drain(buffer);
  for (; next < 100; ++next) (void)buffer.push(lock_event(next));  // offline: nothing published

  // Back online.
  hub.acking = true;
  buffer.rewind();
  hub.drain(buffer);

  std::vector<std::uint64_t> expected;
  for (std::uint64_t seq = 1; seq <= 100; ++seq) expected.push_back(seq);
  EXPECT_EQ(hub.accepted, expected);                    // none lost, in order
  EXPECT_GT(hub.received.size(), hub.accepted.size());  // 11..25 were published twice
  EXPECT_EQ(buffer.size(), 0U);
  EXPECT_EQ(buffer.dropped(), 0U);

  // After everything is acked, a further reconnect re-sends nothing.
  buffer.rewind();
  EXPECT_EQ(buffer.next_unsent(), nullptr);
}

TEST(EventBufferTest, OverflowDropsTheOldestAndCountsThem) {
  EventBuffer buffer;
  const int total = static_cast<int>(EventBuffer::kCapacity) + 44;
  for (int i = 0; i < total; ++i) (void)buffer.push(lock_event(i));
  EXPECT_EQ(buffer.size(), EventBuffer::kCapacity);
  EXPECT_EQ(buffer.dropped(), 44U);

  RecordingHub hub;
  hub.drain(buffer);
  ASSERT_EQ(hub.accepted.size(), EventBuffer::kCapacity);
  EXPECT_EQ(hub.accepted.front(), 45U);  // 1..44 were dropped
  EXPECT_EQ(hub.accepted.back(), static_cast<std::uint64_t>(total));
  for (std::size_t i = 1; i < hub.accepted.size(); ++i) EXPECT_EQ(hub.accepted[i], hub.accepted[i - 1] + 1);
}

TEST(EventBufferTest, OutOfOrderAcksFreeSpaceOnceTheOldestIsAcked) {
  EventBuffer buffer;
  for (int i = 0; i < 3; ++i) (void)buffer.push(lock_event(i));
  for (std::uint64_t seq = 1; seq <= 3; ++seq) ASSERT_TRUE(buffer.mark_sent(seq));
  ASSERT_TRUE(buffer.ack(3));
  ASSERT_TRUE(buffer.ack(2));
  EXPECT_EQ(buffer.size(), 1U);
  buffer.rewind();
  ASSERT_NE(buffer.next_unsent(), nullptr);
  EXPECT_EQ(buffer.next_unsent()->seq, 1U);
  ASSERT_TRUE(buffer.ack(1));
  EXPECT_EQ(buffer.size(), 0U);
  EXPECT_EQ(buffer.push(lock_event(3)), 4U);
}

TEST(EventBufferTest, NumberingContinuesAfterARestoreAndRestartsAfterFactoryReset) {
  EventBuffer buffer;
  buffer.restore_seq(41);
  EXPECT_EQ(buffer.push(lock_event(0)), 42U);
  buffer.restore_seq(10);  // never lowers
  EXPECT_EQ(buffer.push(lock_event(1)), 43U);
  buffer.factory_reset();
  EXPECT_EQ(buffer.size(), 0U);
  EXPECT_EQ(buffer.push(lock_event(2)), 1U);
}

TEST(EventBufferTest, UnknownSeqIsRefused) {
  EventBuffer buffer;
  (void)buffer.push(lock_event(0));
  EXPECT_FALSE(buffer.mark_sent(7));
  EXPECT_FALSE(buffer.ack(7));
  EXPECT_EQ(buffer.size(), 1U);
}

}  // namespace
}  // namespace lw::firmware
