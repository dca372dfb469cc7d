#include "adapters/codes/plain_code_endpoint.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdlib>

#include "core/codes/code_sync.h"

namespace lw::adapters::codes {

PlainCodeEndpoint::PlainCodeEndpoint() {
  std::array<unsigned char, 32> seed{};
  if (sodium_init() < 0) std::abort();
  randombytes_buf(seed.data(), seed.size());
  keys_ = protocol::box_key_pair_from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
}

PlainCodeEndpoint::~PlainCodeEndpoint() = default;

Result<std::string> PlainCodeEndpoint::open_pin(const core::CodeCommand& command) const {
  if (command.schedule.kind != core::CodeScheduleKind::always)
    return failed_precondition("schedule: this lock holds codes that work always, nothing else");
  if (command.user != command.slot)
    return failed_precondition("user: this lock knows no users apart from slots; user must be the slot");
  std::string pin;
  if (!protocol::open_sealed(command.sealed, keys_, pin)) {
    protocol::wipe(pin);
    return invalid_argument("pin_sealed", "does not open with this bridge's box key");
  }
  if (!core::valid_pin(pin)) {
    protocol::wipe(pin);
    return invalid_argument("pin", "must be 4..10 digits");
  }
  return pin;
}

Result<void> PlainCodeEndpoint::take_code_key(const LockId& lock, const core::CodeCommand& command) {
  std::string key;
  if (!protocol::open_sealed(command.sealed, keys_, key) || key.size() != protocol::kCodeKeyBytes) {
    protocol::wipe(key);
    return invalid_argument("key_sealed", "does not open with this bridge's box key");
  }
  protocol::CodeKey& k = code_keys_[lock];
  std::copy(key.begin(), key.end(), k.bytes.begin());
  protocol::wipe(key);
  return ok();
}

core::CodeReadback PlainCodeEndpoint::readback(const LockId& lock, const std::vector<PlainSlot>& held,
                                               int from, int limit) const {
  core::CodeReadback r;
  r.box_key = box_key();
  std::vector<const PlainSlot*> sorted;
  for (const PlainSlot& s : held) {
    if (s.slot >= from && s.slot >= 1 && s.slot <= core::kMaxCodeSlots) sorted.push_back(&s);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const PlainSlot* a, const PlainSlot* b) { return a->slot < b->slot; });
  auto key = code_keys_.find(lock);
  for (const PlainSlot* s : sorted) {
    if (static_cast<int>(r.slots.size()) == limit) {
      r.next_slot = s->slot;
      break;
    }
    core::CodeSlotReport report;
    report.slot = s->slot;
    report.user = static_cast<std::uint16_t>(s->slot);
    if (key != code_keys_.end() && s->pin)
      report.digest = protocol::code_digest(key->second, s->slot, report.user, *s->pin);
    r.slots.push_back(std::move(report));
  }
  return r;
}

}  // namespace lw::adapters::codes
