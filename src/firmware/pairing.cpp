#include "firmware/pairing.h"

#include <sodium.h>

#include <algorithm>

namespace lw::firmware {

std::string_view to_string(PairingOutcome v) noexcept {
  switch (v) {
    case PairingOutcome::paired: return "paired";
    case PairingOutcome::not_in_pairing_mode: return "not_in_pairing_mode";
    case PairingOutcome::wrong_code: return "wrong_code";
    case PairingOutcome::too_many_attempts: return "too_many_attempts";
    case PairingOutcome::enroll_failed: return "enroll_failed";
  }
  return "unknown";
}

Result<Pairing> Pairing::create(CommandVerifier& verifier, std::string_view label_code, Duration window) {
  if (label_code.size() < kMinCodeBytes || label_code.size() > kMaxCodeBytes) {
    return invalid_argument("pairing_code", "must be 6..16 characters");
  }
  return Pairing(verifier, label_code, window);
}

Pairing::Pairing(CommandVerifier& verifier, std::string_view label_code, Duration window)
    : verifier_(&verifier), code_size_(label_code.size()), window_(window) {
  std::copy(label_code.begin(), label_code.end(), code_.begin());
}

Pairing::Pairing(Pairing&& other) noexcept
    : verifier_(other.verifier_),
      code_(other.code_),
      code_size_(other.code_size_),
      window_(other.window_),
      window_ends_(other.window_ends_),
      attempts_left_(other.attempts_left_),
      paired_(other.paired_) {
  sodium_memzero(other.code_.data(), other.code_.size());
  other.code_size_ = 0;
}

Pairing::~Pairing() { sodium_memzero(code_.data(), code_.size()); }

void Pairing::button_pressed(Timestamp now) {
  window_ends_ = now + window_;
  attempts_left_ = kMaxAttemptsPerWindow;
}

PairingOutcome Pairing::present(std::string_view code, std::string_view key_id,
                                const protocol::PublicKey& key, Timestamp now) {
  if (!in_pairing_mode(now) || attempts_left_ <= 0) return PairingOutcome::not_in_pairing_mode;
  // Compare a fixed-size, zero-padded copy so the time does not depend on
  // where the first difference is; the length is compared separately.
  std::array<unsigned char, kMaxCodeBytes> presented{};
  const bool size_ok = code.size() == code_size_;
  std::copy_n(code.begin(), std::min(code.size(), kMaxCodeBytes), presented.begin());
  const bool bytes_ok = sodium_memcmp(presented.data(), code_.data(), kMaxCodeBytes) == 0;
  sodium_memzero(presented.data(), presented.size());
  if (!(size_ok && bytes_ok)) {
    if (--attempts_left_ <= 0) {
      window_ends_ = Timestamp{};
      return PairingOutcome::too_many_attempts;
    }
    return PairingOutcome::wrong_code;
  }
  if (!verifier_->enroll(key_id, key)) return PairingOutcome::enroll_failed;
  remember(key_id);
  window_ends_ = Timestamp{};
  attempts_left_ = 0;
  return PairingOutcome::paired;
}

void Pairing::remember(std::string_view key_id) {
  const auto known = [&](const KeyIdSlot& s) { return s.size > 0 && s.view() == key_id; };
  if (std::any_of(paired_.begin(), paired_.end(), known)) return;
  // The verifier accepted the id, so it fits, and it holds at most kMaxKeys
  // trusted keys, so a slot is free.
  auto free = std::find_if(paired_.begin(), paired_.end(), [](const KeyIdSlot& s) { return s.size == 0; });
  if (free == paired_.end()) return;
  const std::size_t n = std::min(key_id.size(), free->id.size());
  std::copy_n(key_id.begin(), n, free->id.begin());
  free->size = n;
}

void Pairing::factory_reset() {
  for (KeyIdSlot& slot : paired_) {
    if (slot.size > 0) verifier_->unenroll(slot.view());
    slot = KeyIdSlot{};
  }
  window_ends_ = Timestamp{};
  attempts_left_ = 0;
}

std::size_t Pairing::paired_count() const {
  return static_cast<std::size_t>(
      std::count_if(paired_.begin(), paired_.end(), [](const KeyIdSlot& s) { return s.size > 0; }));
}

}  // namespace lw::firmware
