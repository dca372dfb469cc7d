#include "firmware/credential_store.h"

#include <sodium.h>

#include <algorithm>
#include <optional>
#include <string>

namespace lw::firmware {
namespace {

using PaddedPin = std::array<unsigned char, CredentialStore::kMaxPinDigits>;

/// The PIN's digits zero-padded to the slot size (a digit is never 0x00, so
/// "1234" and "12340" differ); nullopt when it is not 4..10 digits.
std::optional<PaddedPin> pad(std::string_view pin) {
  if (pin.size() < CredentialStore::kMinPinDigits || pin.size() > CredentialStore::kMaxPinDigits) {
    return std::nullopt;
  }
  if (!std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  PaddedPin padded{};
  std::copy(pin.begin(), pin.end(), padded.begin());
  return padded;
}

}  // namespace

std::string_view to_string(PinOutcome v) noexcept {
  switch (v) {
    case PinOutcome::accepted: return "accepted";
    case PinOutcome::wrong_code: return "wrong_code";
    case PinOutcome::lockout_started: return "lockout_started";
    case PinOutcome::keypad_disabled: return "keypad_disabled";
    case PinOutcome::outside_schedule: return "outside_schedule";
  }
  return "unknown";
}

std::string_view to_string(PhoneKeyOutcome v) noexcept {
  switch (v) {
    case PhoneKeyOutcome::accepted: return "accepted";
    case PhoneKeyOutcome::unknown_key: return "unknown_key";
    case PhoneKeyOutcome::outside_schedule: return "outside_schedule";
  }
  return "unknown";
}

CredentialStore::CredentialStore(KeypadPolicy policy) : policy_(policy) {}

CredentialStore::~CredentialStore() { sodium_memzero(pins_.data(), sizeof(pins_)); }

const CredentialStore::UserSlot* CredentialStore::find_user(UserId user) const {
  if (user == 0) return nullptr;
  for (const UserSlot& slot : users_) {
    if (slot.id == user) return &slot;
  }
  return nullptr;
}

Result<void> CredentialStore::add_user(UserId user, Schedule schedule) {
  if (user == 0) return invalid_argument("user", "must be 1..65535");
  if (find_user(user) != nullptr)
    return Error{ErrorCode::conflict, "user " + std::to_string(user) + " exists"};
  auto free = std::find_if(users_.begin(), users_.end(), [](const UserSlot& s) { return s.id == 0; });
  if (free == users_.end()) {
    return failed_precondition("user table full: a lock holds at most " + std::to_string(kMaxUsers) +
                               " users");
  }
  *free = UserSlot{user, schedule};
  return ok();
}

Result<void> CredentialStore::remove_user(UserId user) {
  auto it = std::find_if(users_.begin(), users_.end(),
                         [&](const UserSlot& s) { return user != 0 && s.id == user; });
  if (it == users_.end()) return not_found("user " + std::to_string(user) + " does not exist");
  *it = UserSlot{};
  for (PinSlot& pin : pins_) {
    if (pin.user == user) {
      sodium_memzero(pin.digits.data(), pin.digits.size());
      pin = PinSlot{};
    }
  }
  for (PhoneKeySlot& key : phone_keys_) {
    if (key.user == user) key = PhoneKeySlot{};
  }
  return ok();
}

Result<void> CredentialStore::set_schedule(UserId user, Schedule schedule) {
  for (UserSlot& slot : users_) {
    if (user != 0 && slot.id == user) {
      slot.schedule = schedule;
      return ok();
    }
  }
  return not_found("user " + std::to_string(user) + " does not exist");
}

int CredentialStore::find_pin(const PaddedPin& padded) const {
  // Every slot is compared, whatever matched before.
  int found = -1;
  for (std::size_t i = 0; i < pins_.size(); ++i) {
    const bool equal = sodium_memcmp(pins_[i].digits.data(), padded.data(), padded.size()) == 0;
    const bool used = pins_[i].user != 0;
    found = (equal && used) ? static_cast<int>(i) : found;
  }
  return found;
}

Result<void> CredentialStore::add_pin(UserId user, std::string_view pin) {
  auto padded = pad(pin);
  if (!padded) return invalid_argument("pin", "must be 4..10 digits");
  if (find_user(user) == nullptr) return not_found("user " + std::to_string(user) + " does not exist");
  const int existing = find_pin(*padded);
  if (existing >= 0) {
    sodium_memzero(padded->data(), padded->size());
    return Error{ErrorCode::conflict, "pin: already in use"};
  }
  auto free = std::find_if(pins_.begin(), pins_.end(), [](const PinSlot& s) { return s.user == 0; });
  if (free == pins_.end()) {
    sodium_memzero(padded->data(), padded->size());
    return failed_precondition("PIN table full: a lock holds at most " + std::to_string(kMaxPins) + " PINs");
  }
  *free = PinSlot{};
  free->digits = *padded;
  free->user = user;
  sodium_memzero(padded->data(), padded->size());
  return ok();
}

Result<void> CredentialStore::remove_pin(UserId user, std::string_view pin) {
  auto padded = pad(pin);
  const int slot = padded ? find_pin(*padded) : -1;
  if (padded) sodium_memzero(padded->data(), padded->size());
  if (slot < 0 || pins_[static_cast<std::size_t>(slot)].user != user) {
    return not_found("user " + std::to_string(user) + " has no such PIN");
  }
  PinSlot& found = pins_[static_cast<std::size_t>(slot)];
  sodium_memzero(found.digits.data(), found.digits.size());
  found = PinSlot{};
  return ok();
}

Result<void> CredentialStore::add_phone_key(UserId user, const protocol::PublicKey& key) {
  if (find_user(user) == nullptr) return not_found("user " + std::to_string(user) + " does not exist");
  for (const PhoneKeySlot& slot : phone_keys_) {
    if (slot.user != 0 && slot.key == key) return Error{ErrorCode::conflict, "phone key: already enrolled"};
  }
  auto free =
      std::find_if(phone_keys_.begin(), phone_keys_.end(), [](const PhoneKeySlot& s) { return s.user == 0; });
  if (free == phone_keys_.end()) {
    return failed_precondition("phone key table full: a lock holds at most " + std::to_string(kMaxPhoneKeys) +
                               " keys");
  }
  *free = PhoneKeySlot{key, user};
  return ok();
}

Result<void> CredentialStore::set_code(int slot, UserId user, std::string_view pin,
                                       const core::CodeSchedule& schedule) {
  if (slot < 1 || slot > static_cast<int>(kMaxPins)) return invalid_argument("slot", "must be 1..64");
  if (user == 0) return invalid_argument("user", "must be 1..65535");
  if (auto valid = core::validate(schedule, "schedule"); !valid) return valid;
  auto padded = pad(pin);
  if (!padded) return invalid_argument("pin", "must be 4..10 digits");
  const int existing = find_pin(*padded);
  if (existing >= 0 && existing != slot - 1) {
    sodium_memzero(padded->data(), padded->size());
    return Error{ErrorCode::conflict, "pin: already in use"};
  }
  if (find_user(user) == nullptr) {
    if (Result<void> added = add_user(user); !added) {
      sodium_memzero(padded->data(), padded->size());
      return added;
    }
  }
  PinSlot& target = pins_[static_cast<std::size_t>(slot - 1)];
  target.digits = *padded;
  target.user = user;
  target.schedule = schedule;
  target.consumed = false;
  sodium_memzero(padded->data(), padded->size());
  return ok();
}

Result<void> CredentialStore::clear_code(int slot) {
  if (slot < 1 || slot > static_cast<int>(kMaxPins)) return invalid_argument("slot", "must be 1..64");
  PinSlot& target = pins_[static_cast<std::size_t>(slot - 1)];
  sodium_memzero(target.digits.data(), target.digits.size());
  target = PinSlot{};
  return ok();
}

std::optional<CredentialStore::CodeSlotView> CredentialStore::code_slot(int slot) const {
  if (slot < 1 || slot > static_cast<int>(kMaxPins)) return std::nullopt;
  const PinSlot& held = pins_[static_cast<std::size_t>(slot - 1)];
  if (held.user == 0) return std::nullopt;
  return CodeSlotView{held.user, held.schedule, held.consumed};
}

std::string CredentialStore::slot_digest(int slot, const protocol::CodeKey& key) const {
  if (slot < 1 || slot > static_cast<int>(kMaxPins)) return {};
  const PinSlot& held = pins_[static_cast<std::size_t>(slot - 1)];
  if (held.user == 0 || held.consumed) return {};
  const auto* digits = reinterpret_cast<const char*>(held.digits.data());
  std::size_t size = 0;
  while (size < held.digits.size() && held.digits[size] != 0) ++size;
  return protocol::code_digest(key, slot, held.user, std::string_view(digits, size));
}

PinCheck CredentialStore::check_pin(std::string_view pin, Timestamp now) {
  PinCheck check;
  if (keypad_disabled(now)) {
    check.outcome = PinOutcome::keypad_disabled;
    check.disabled_until = disabled_until_;
    return check;
  }
  auto padded = pad(pin);
  const int slot = padded ? find_pin(*padded) : -1;
  if (padded) sodium_memzero(padded->data(), padded->size());
  if (slot < 0) {
    ++wrong_codes_;
    if (wrong_codes_ >= policy_.wrong_code_entry_limit) {
      wrong_codes_ = 0;
      disabled_until_ = now + policy_.user_code_temporary_disable_time;
      check.outcome = PinOutcome::lockout_started;
      check.disabled_until = disabled_until_;
    } else {
      check.outcome = PinOutcome::wrong_code;
    }
    return check;
  }
  wrong_codes_ = 0;
  PinSlot& held = pins_[static_cast<std::size_t>(slot)];
  check.user = held.user;
  check.slot = slot + 1;
  const UserSlot* user = find_user(check.user);
  const bool allowed = user != nullptr && user->schedule.allows(now) && held.schedule.allows(now);
  check.outcome = allowed ? PinOutcome::accepted : PinOutcome::outside_schedule;
  if (allowed && held.schedule.kind == core::CodeScheduleKind::one_time) {
    // Consumed by this use: the digits go, the slot remembers it was used.
    sodium_memzero(held.digits.data(), held.digits.size());
    held.consumed = true;
    check.consumed = true;
  }
  return check;
}

PhoneKeyCheck CredentialStore::check_phone_key(const protocol::PublicKey& key, Timestamp now) const {
  PhoneKeyCheck check;
  for (const PhoneKeySlot& slot : phone_keys_) {
    if (slot.user != 0 && slot.key == key) {
      check.user = slot.user;
      const UserSlot* user = find_user(slot.user);
      check.outcome = user != nullptr && user->schedule.allows(now) ? PhoneKeyOutcome::accepted
                                                                    : PhoneKeyOutcome::outside_schedule;
      return check;
    }
  }
  return check;
}

void CredentialStore::factory_reset() {
  sodium_memzero(pins_.data(), sizeof(pins_));
  sodium_memzero(phone_keys_.data(), sizeof(phone_keys_));
  users_.fill(UserSlot{});
  pins_.fill(PinSlot{});
  phone_keys_.fill(PhoneKeySlot{});
  wrong_codes_ = 0;
  disabled_until_ = Timestamp{};
}

std::size_t CredentialStore::user_count() const {
  return static_cast<std::size_t>(
      std::count_if(users_.begin(), users_.end(), [](const UserSlot& s) { return s.id != 0; }));
}

std::size_t CredentialStore::pin_count() const {
  return static_cast<std::size_t>(
      std::count_if(pins_.begin(), pins_.end(), [](const PinSlot& s) { return s.user != 0; }));
}

std::size_t CredentialStore::phone_key_count() const {
  return static_cast<std::size_t>(std::count_if(phone_keys_.begin(), phone_keys_.end(),
                                                [](const PhoneKeySlot& s) { return s.user != 0; }));
}

}  // namespace lw::firmware
