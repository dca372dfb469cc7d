#include "firmware/event_buffer.h"

#include <algorithm>
#include <utility>

namespace lw::firmware {

std::uint64_t EventBuffer::push(core::DeviceEvent event) {
  if (size_ == kCapacity) {
    pop_front();
    ++dropped_;
  }
  event.seq = ++last_seq_;
  ring_[index(size_)] = Entry{std::move(event), false, false};
  ++size_;
  return last_seq_;
}

const core::DeviceEvent* EventBuffer::next_unsent() const {
  for (std::size_t i = 0; i < size_; ++i) {
    const Entry& entry = ring_[index(i)];
    if (!entry.sent && !entry.acked) return &entry.event;
  }
  return nullptr;
}

EventBuffer::Entry* EventBuffer::find(std::uint64_t seq) {
  for (std::size_t i = 0; i < size_; ++i) {
    Entry& entry = ring_[index(i)];
    if (entry.event.seq == seq) return &entry;
  }
  return nullptr;
}

bool EventBuffer::mark_sent(std::uint64_t seq) {
  Entry* entry = find(seq);
  if (entry == nullptr || entry->acked) return false;
  entry->sent = true;
  return true;
}

bool EventBuffer::ack(std::uint64_t seq) {
  Entry* entry = find(seq);
  if (entry == nullptr || entry->acked) return false;
  entry->acked = true;
  ++acked_in_ring_;
  while (size_ > 0 && ring_[head_].acked) {
    --acked_in_ring_;
    pop_front();
  }
  return true;
}

void EventBuffer::pop_front() {
  ring_[head_] = Entry{};  // releases the event's strings
  head_ = index(1);
  --size_;
}

void EventBuffer::rewind() {
  for (std::size_t i = 0; i < size_; ++i) ring_[index(i)].sent = false;
}

void EventBuffer::restore_seq(std::uint64_t last_seq) { last_seq_ = std::max(last_seq_, last_seq); }

void EventBuffer::factory_reset() {
  ring_.fill(Entry{});
  head_ = 0;
  size_ = 0;
  acked_in_ring_ = 0;
  last_seq_ = 0;
  dropped_ = 0;
}

}  // namespace lw::firmware
