#include "firmware/command_verifier.h"

#include <algorithm>
#include <utility>

#include "base/ids.h"
#include "protocol/unpair_command.h"

namespace lw::firmware {

using core::CommandOutcome;

CommandVerifier::CommandVerifier(core::LockAddress self, Duration skew)
    : self_(std::move(self)), skew_(skew) {}

const CommandVerifier::Slot* CommandVerifier::find(std::string_view key_id) const {
  for (const Slot& slot : slots_) {
    if (slot.used && slot.key_id() == key_id) return &slot;
  }
  return nullptr;
}

CommandVerifier::Slot* CommandVerifier::find(std::string_view key_id) {
  return const_cast<Slot*>(std::as_const(*this).find(key_id));
}

Result<void> CommandVerifier::enroll(std::string_view key_id, const protocol::PublicKey& key, bool hub_key) {
  if (auto valid = validate_id("key_id", key_id); !valid) return valid.error();
  Slot* slot = find(key_id);
  if (slot == nullptr) {
    // A free slot first; else one that only remembers the counter of a removed key.
    auto free = std::find_if(slots_.begin(), slots_.end(), [](const Slot& s) { return !s.used; });
    if (free == slots_.end()) {
      free = std::find_if(slots_.begin(), slots_.end(), [](const Slot& s) { return !s.trusted; });
    }
    if (free == slots_.end()) {
      return failed_precondition("key table full: a lock holds at most " + std::to_string(kMaxKeys) +
                                 " keys");
    }
    slot = &*free;
    *slot = Slot{};
    std::copy(key_id.begin(), key_id.end(), slot->id.begin());
    slot->id_size = key_id.size();
    slot->used = true;
  }
  slot->key = key;
  slot->trusted = true;
  slot->hub = hub_key;
  return ok();
}

bool CommandVerifier::is_hub_key(std::string_view key_id) const {
  const Slot* slot = find(key_id);
  return slot != nullptr && slot->trusted && slot->hub;
}

std::optional<protocol::PublicKey> CommandVerifier::hub_key(std::string_view key_id) const {
  const Slot* slot = find(key_id);
  if (slot == nullptr || !slot->trusted || !slot->hub) return std::nullopt;
  return slot->key;
}

bool CommandVerifier::trusts(std::string_view key_id) const {
  const Slot* slot = find(key_id);
  return slot != nullptr && slot->trusted;
}

void CommandVerifier::unenroll(std::string_view key_id) {
  if (Slot* slot = find(key_id)) {
    slot->trusted = false;
    slot->hub = false;
    slot->key = protocol::PublicKey{};
  }
}

std::uint64_t CommandVerifier::last_counter(std::string_view key_id) const {
  const Slot* slot = find(key_id);
  return slot != nullptr && slot->trusted ? slot->last_counter : 0;
}

Result<void> CommandVerifier::restore_counter(std::string_view key_id, std::uint64_t counter) {
  Slot* slot = find(key_id);
  if (slot == nullptr || !slot->trusted) return not_found("key_id is not enrolled");
  slot->last_counter = std::max(slot->last_counter, counter);
  return ok();
}

CommandVerifier::Verdict CommandVerifier::verify(std::string_view payload, Timestamp now) {
  Verdict verdict;
  auto envelope = protocol::open_envelope(payload);
  if (!envelope) {
    verdict.outcome = CommandOutcome::malformed;
    verdict.detail = envelope.error().message;
    return verdict;
  }
  Slot* slot = find(envelope->key_id);
  if (slot == nullptr || !slot->trusted) {
    verdict.outcome = CommandOutcome::unknown_key;
    verdict.command_id = protocol::peek_command_id(envelope->body).value_or(std::string());
    verdict.detail = "key_id is not enrolled in this lock";
    return verdict;
  }
  if (!protocol::verify_signature(*envelope, slot->key)) {
    verdict.outcome = CommandOutcome::bad_signature;
    verdict.command_id = protocol::peek_command_id(envelope->body).value_or(std::string());
    verdict.detail = "signature does not verify";
    return verdict;
  }
  // From here on the body bytes are the enrolled key's.
  if (protocol::is_unpair_body(envelope->body)) {
    auto unpair = protocol::decode_unpair_body(envelope->body);
    if (!unpair) {
      verdict.outcome = CommandOutcome::malformed;
      verdict.command_id = protocol::peek_command_id(envelope->body).value_or(std::string());
      verdict.detail = unpair.error().message;
      return verdict;
    }
    verdict.command_id = unpair->command.id;
    if (unpair->command.key_id != envelope->key_id) {
      verdict.outcome = CommandOutcome::bad_signature;
      verdict.detail = "the body names another signing key than the envelope";
      return verdict;
    }
    verdict.outcome = check_and_commit(*slot, unpair->command, now, verdict.detail);
    if (verdict.outcome == CommandOutcome::ok && !slot->hub && unpair->subject_key_id != slot->key_id()) {
      // A user's key may give up its own trust, never take away another's.
      verdict.outcome = CommandOutcome::not_allowed;
      verdict.detail = "a user's key may unpair only itself";
    }
    if (verdict.outcome == CommandOutcome::ok) unenroll(unpair->subject_key_id);
    verdict.unpaired_key_id = std::move(unpair->subject_key_id);
    verdict.command = std::move(unpair->command);
    return verdict;
  }
  auto command = protocol::decode_command_body(envelope->body);
  if (!command) {
    verdict.outcome = CommandOutcome::malformed;
    verdict.command_id = protocol::peek_command_id(envelope->body).value_or(std::string());
    verdict.detail = command.error().message;
    return verdict;
  }
  verdict.command_id = command->id;
  if (command->key_id != envelope->key_id) {
    verdict.outcome = CommandOutcome::bad_signature;
    verdict.detail = "the body names another signing key than the envelope";
    return verdict;
  }
  verdict.outcome = check_and_commit(*slot, *command, now, verdict.detail);
  if (verdict.outcome == CommandOutcome::ok && command->code && !slot->hub) {
    // Keypad codes are the hub's to manage: a user's key could otherwise add a PIN of its own.
    verdict.outcome = CommandOutcome::not_allowed;
    verdict.detail = "only a hub key manages keypad codes";
  }
  if (verdict.outcome == CommandOutcome::ok && command->recalibrate && !slot->hub) {
    // Maintenance is the hub's: it sends it when its doctor finds the bolt miscalibrated.
    verdict.outcome = CommandOutcome::not_allowed;
    verdict.detail = "only a hub key asks for a recalibration";
  }
  if (verdict.outcome == CommandOutcome::ok && command->revoke_grant && !slot->hub) {
    // Grants are the hub's to issue, and so to revoke.
    verdict.outcome = CommandOutcome::not_allowed;
    verdict.detail = "only a hub key revokes guest grants";
  }
  if (verdict.outcome == CommandOutcome::ok && end_to_end_only_ && slot->hub && !command->ping &&
      command->action != core::LockAction::lock) {
    // The command is used up (its counter is committed) but not carried out.
    verdict.outcome = CommandOutcome::not_allowed;
    verdict.detail = "this lock opens only for users' own keys (end-to-end only)";
  }
  verdict.command = std::move(*command);
  return verdict;
}

CommandOutcome CommandVerifier::check_and_commit(Slot& slot, const core::Command& command, Timestamp now,
                                                 std::string& detail) {
  if (command.target != self_) {
    detail = "addressed to another lock";
    return CommandOutcome::wrong_target;
  }
  if (now < command.issued_at - skew_ || now > command.expires_at) {
    detail = "outside the command's validity window";
    return CommandOutcome::expired;
  }
  if (command.counter <= slot.last_counter) {
    detail = "counter is not above the last accepted one";
    return CommandOutcome::replayed;
  }
  // Committed before the lock acts: exactly this command, at most once.
  slot.last_counter = command.counter;
  return CommandOutcome::ok;
}

}  // namespace lw::firmware
