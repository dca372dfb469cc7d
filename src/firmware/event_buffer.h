// EventBuffer: the lock's outbox of core::DeviceEvents. It keeps events while
// the lock is offline and hands them out in order until the hub acknowledges
// each one:
//
//   push(event)        numbers the event (seq) and queues it
//   next_unsent()      the oldest event not yet published on this connection
//   mark_sent(seq)     it was published (awaiting the hub's ack)
//   ack(seq)           the hub has it: it is never handed out again
//   rewind()           the connection dropped: every published-but-unacked
//                      event becomes unsent again, to be re-published in order
//
// So an event is delivered at least once and acked events never again; the
// hub drops the duplicates of a re-published event by (lock, seq)
// (core::DeviceEvent), which makes delivery exactly once end to end.
//
// Sequence numbers live here: push() assigns last_seq() + 1 and ignores the
// caller's seq. last_seq() must be persisted with the events' source of truth
// and restored with restore_seq() after a reboot so numbering never restarts
// (only a factory reset does).
//
// When full, pushing drops the oldest event (sent or not) and counts it in
// dropped(); the lock reports that count so the hub knows the gap in seq is a
// loss, not a delay.
//
// A fixed ring of kCapacity entries: no allocation by the buffer itself after
// construction (an event's optional strings are the caller's).
//
// Threading: not thread-safe; owned by the lock's main loop.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/lock/messages.h"

namespace lw::firmware {

class EventBuffer {
 public:
  static constexpr std::size_t kCapacity = 256;

  /// Assigns seq = last_seq() + 1 to `event`, queues it and returns the seq.
  /// When the buffer is full the oldest event is dropped first.
  std::uint64_t push(core::DeviceEvent event);

  /// The oldest event not yet published since the last rewind(); nullptr when
  /// none. The pointer is valid until the next push, ack or factory_reset.
  [[nodiscard]] const core::DeviceEvent* next_unsent() const;
  /// Marks `seq` as published. False (and no effect) when it is not queued.
  bool mark_sent(std::uint64_t seq);
  /// The hub acknowledged `seq`: it leaves the buffer (acks may arrive out of
  /// order; the ring frees each acked entry as soon as all older ones are
  /// acked). False when `seq` is not queued (already acked, dropped or unknown).
  bool ack(std::uint64_t seq);
  /// The connection dropped: published but unacked events are sent again.
  void rewind();

  /// Restores the numbering after a reboot; never lowers it.
  void restore_seq(std::uint64_t last_seq);
  /// Empties the buffer and restarts the numbering and the drop count.
  void factory_reset();

  /// Events still queued (unsent or awaiting an ack).
  [[nodiscard]] std::size_t size() const { return size_ - acked_in_ring_; }
  [[nodiscard]] std::uint64_t last_seq() const { return last_seq_; }
  /// Events dropped because the buffer was full, since the factory.
  [[nodiscard]] std::uint64_t dropped() const { return dropped_; }

 private:
  struct Entry {
    core::DeviceEvent event;
    bool sent{false};
    bool acked{false};
  };

  [[nodiscard]] std::size_t index(std::size_t offset) const { return (head_ + offset) % kCapacity; }
  Entry* find(std::uint64_t seq);
  void pop_front();

  std::array<Entry, kCapacity> ring_{};
  std::size_t head_{0};
  std::size_t size_{0};           // entries in the ring, including acked ones behind an unacked one
  std::size_t acked_in_ring_{0};  // acked entries not yet freed
  std::uint64_t last_seq_{0};
  std::uint64_t dropped_{0};
};

}  // namespace lw::firmware
