#include "firmware/pairing.h"

#include <sodium.h>

#include <algorithm>
#include <utility>
#include <variant>

namespace lw::firmware {

std::string_view to_string(PairingOutcome v) noexcept {
  switch (v) {
    case PairingOutcome::paired: return "paired";
    case PairingOutcome::not_in_pairing_mode: return "not_in_pairing_mode";
    case PairingOutcome::wrong_code: return "wrong_code";
    case PairingOutcome::too_many_attempts: return "too_many_attempts";
    case PairingOutcome::enroll_failed: return "enroll_failed";
    case PairingOutcome::challenged: return "challenged";
    case PairingOutcome::code_too_short: return "code_too_short";
    case PairingOutcome::malformed: return "malformed";
  }
  return "unknown";
}

Result<Pairing> Pairing::create(CommandVerifier& verifier, std::string_view label_code, Duration window) {
  if (label_code.size() < kMinCodeBytes || label_code.size() > kMaxCodeBytes) {
    return invalid_argument("pairing_code", "must be 6..32 characters");
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
      paired_(other.paired_),
      session_(std::move(other.session_)),
      session_keys_(std::move(other.session_keys_)) {
  sodium_memzero(other.code_.data(), other.code_.size());
  other.code_size_ = 0;
}

Pairing::~Pairing() { sodium_memzero(code_.data(), code_.size()); }

void Pairing::button_pressed(Timestamp now) {
  window_ends_ = now + window_;
  attempts_left_ = kMaxAttemptsPerWindow;
  session_keys_.reset();
}

PairingOutcome Pairing::wrong_code() {
  session_keys_.reset();
  if (--attempts_left_ <= 0) {
    window_ends_ = Timestamp{};
    return PairingOutcome::too_many_attempts;
  }
  return PairingOutcome::wrong_code;
}

Pairing::AirStep Pairing::receive(std::string_view payload, const core::LockAddress& self, Timestamp now) {
  auto message = protocol::decode_pair_message(payload);
  if (!message) return {};  // not a pair message: nothing to answer
  if (const auto* h = std::get_if<protocol::PairHello>(&*message)) return hello(*h, self, now);
  if (const auto* c = std::get_if<protocol::PairConfirm>(&*message)) return confirm(*c, now);
  return {};  // challenge and done are the lock's own messages
}

Pairing::AirStep Pairing::hello(const protocol::PairHello& h, const core::LockAddress& self, Timestamp now) {
  AirStep step;
  const auto refuse = [&](PairingOutcome outcome) {
    step.outcome = outcome;
    step.reply =
        protocol::encode_pair_message(protocol::PairDone{h.session, std::string(to_string(outcome)), {}, {}});
    return step;
  };
  if (!in_pairing_mode(now) || attempts_left_ <= 0) return refuse(PairingOutcome::not_in_pairing_mode);
  if (code_size_ < protocol::kMinAirPairingCodeBytes) return refuse(PairingOutcome::code_too_short);
  auto secret = protocol::ExchangeSecret::generate();
  if (!secret) return refuse(PairingOutcome::malformed);
  const protocol::PairingTranscript transcript{self, h.session, h.controller_key, secret->public_key()};
  auto keys = protocol::PairingKeys::derive(
      *secret, h.controller_key, transcript,
      std::string_view(reinterpret_cast<const char*>(code_.data()), code_size_));
  if (!keys) return refuse(PairingOutcome::malformed);
  // The lock reveals nothing that depends on the code before the controller
  // proved it knows the code: a fake controller learns nothing to search offline.
  session_ = h.session;
  session_keys_ = *keys;
  step.outcome = PairingOutcome::challenged;
  step.reply = protocol::encode_pair_message(protocol::PairChallenge{h.session, secret->public_key()});
  return step;
}

Pairing::AirStep Pairing::confirm(const protocol::PairConfirm& c, Timestamp now) {
  AirStep step;
  const auto done = [&](PairingOutcome outcome, std::optional<protocol::PairingMac> mac = std::nullopt,
                        std::optional<std::string> key_id = std::nullopt) {
    step.outcome = outcome;
    step.reply = protocol::encode_pair_message(
        protocol::PairDone{c.session, std::string(to_string(outcome)), mac, std::move(key_id)});
    return step;
  };
  if (!in_pairing_mode(now) || attempts_left_ <= 0) {
    session_keys_.reset();
    return done(PairingOutcome::not_in_pairing_mode);
  }
  if (!session_keys_ || c.session != session_) return done(PairingOutcome::malformed);
  if (!session_keys_->check_controller_mac(c.mac)) return done(wrong_code());
  const protocol::PairingKeys keys = *session_keys_;
  session_keys_.reset();
  const std::optional<std::string> plain = keys.open(c.enrolment);
  if (!plain) return done(wrong_code());
  auto enrolment = protocol::decode_enrolment(*plain);
  if (!enrolment || !verifier_->enroll(enrolment->key_id, enrolment->key, enrolment->hub)) {
    return done(PairingOutcome::enroll_failed);
  }
  remember(enrolment->key_id);
  window_ends_ = Timestamp{};
  attempts_left_ = 0;
  step.key_id = enrolment->key_id;
  step.hub_key = enrolment->hub;
  return done(PairingOutcome::paired, keys.lock_mac(), enrolment->key_id);
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

void Pairing::close_window() {
  window_ends_ = Timestamp{};
  attempts_left_ = 0;
  session_keys_.reset();
}

void Pairing::factory_reset() {
  for (KeyIdSlot& slot : paired_) {
    if (slot.size > 0) verifier_->unenroll(slot.view());
    slot = KeyIdSlot{};
  }
  window_ends_ = Timestamp{};
  attempts_left_ = 0;
  session_keys_.reset();
}

std::size_t Pairing::paired_count() const {
  return static_cast<std::size_t>(
      std::count_if(paired_.begin(), paired_.end(), [](const KeyIdSlot& s) { return s.size > 0; }));
}

}  // namespace lw::firmware
