#include "adapters/codes/code_service.h"

#include <utility>

namespace lw::adapters::codes {

CodeService::CodeService(core::DeviceLink& link, core::Store& store, PinSource pins, Options options)
    : link_(link),
      store_(store),
      pins_(std::move(pins)),
      options_(std::move(options)),
      sync_(options_.sync),
      watch_(options_.wrong_codes) {}

Result<void> CodeService::put(const std::string& code_id, const core::LockAddress& lock, int slot,
                              std::uint16_t user, const core::CodeSchedule& schedule, Timestamp now) {
  core::CodeTarget target;
  target.code_id = code_id;
  target.lock = lock;
  target.slot = slot;
  target.user = user;
  target.schedule = schedule;
  if (auto k = site_keys_.find(lock.site); k != site_keys_.end()) {
    auto pin = pins_(code_id);
    if (!pin) return pin.error();
    target.expected_digest = protocol::code_digest(k->second, slot, user, *pin);
    protocol::wipe(*pin);
  }
  sync_.upsert(target, now);
  return ok();
}

Result<std::string> CodeService::send(const core::LockAddress& lock, core::CodeCommand command,
                                      Timestamp now) {
  auto counter = store_.next_command_counter(options_.key_id);
  if (!counter) return counter.error();
  core::Command c;
  c.id = "code-" + std::to_string(*counter);
  c.target = lock;
  c.issued_at = now;
  c.expires_at = now + options_.command_ttl;
  c.key_id = options_.key_id;
  c.counter = *counter;
  c.code = std::move(command);
  if (auto sent = link_.send_command(c); !sent) return sent.error();
  return c.id;
}

std::vector<CodeService::Notice> CodeService::tick(Timestamp now) {
  std::vector<Notice> out;
  for (core::CodeNotice& n : sync_.tick(now)) out.push_back(Notice{std::move(n), std::nullopt});
  for (const core::CodeSend& due : sync_.due(now)) {
    core::CodeCommand command = due.command;
    if (command.action == core::CodeAction::set_code) {
      // A PIN is sealed to the box key the hub pinned for the lock; before
      // the first read-back told it, the write waits for one.
      auto box_text = sync_.box_key(due.lock);
      auto box =
          box_text ? protocol::decode_box_key(*box_text) : Result<protocol::BoxPublicKey>(not_found(""));
      if (!box) {
        sync_.request_readback(due.lock, now);  // its answer names the box key
        continue;
      }
      auto pin = pins_(due.code_id);
      if (!pin) {
        sync_.send_failed(due, now);
        continue;
      }
      command.sealed = protocol::seal_to(*pin, *box);
      protocol::wipe(*pin);
    }
    auto id = send(due.lock, std::move(command), now);
    if (id) {
      sync_.sent(due, *id, now);
    } else {
      sync_.send_failed(due, now);
    }
  }
  return out;
}

std::vector<CodeService::Notice> CodeService::on_result(const core::LockAddress& lock,
                                                        const core::CommandResult& result, Timestamp now) {
  std::vector<Notice> out;
  if (!result.codes) return out;
  const std::string lock_key = key(lock);
  if (auto k = code_key_in_flight_.find(lock_key);
      k != code_key_in_flight_.end() && k->second == result.command_id) {
    code_key_in_flight_.erase(k);
    code_key_given_[lock_key] = result.outcome == core::CommandOutcome::ok;
    if (result.outcome == core::CommandOutcome::ok) sync_.request_readback(lock, now);  // now with digests
  }
  for (core::CodeNotice& n : sync_.on_result(lock, result, now)) {
    forget_code_key(n);
    out.push_back(Notice{std::move(n), std::nullopt});
  }
  // A lock first heard (its box key now pinned) gets its site's code key.
  auto site_key = site_keys_.find(lock.site);
  auto box_text = sync_.box_key(lock);
  if (site_key != site_keys_.end() && box_text && !code_key_given_[lock_key] &&
      code_key_in_flight_.find(lock_key) == code_key_in_flight_.end()) {
    if (auto box = protocol::decode_box_key(*box_text)) {
      core::CodeCommand give;
      give.action = core::CodeAction::set_code_key;
      const protocol::CodeKey& key = site_key->second;
      give.sealed = protocol::seal_to(
          std::string_view(reinterpret_cast<const char*>(key.bytes.data()), key.bytes.size()), *box);
      if (auto id = send(lock, std::move(give), now)) code_key_in_flight_[lock_key] = *id;
    }
  }
  return out;
}

std::vector<CodeService::Notice> CodeService::restore(const core::LockAddress& lock, Timestamp now) {
  std::vector<Notice> out;
  for (core::CodeNotice& n : sync_.accept_box_key(lock, now)) {
    forget_code_key(n);
    out.push_back(Notice{std::move(n), std::nullopt});
  }
  return out;
}

void CodeService::forget_code_key(const core::CodeNotice& n) {
  // A reset lock forgot the site's code key too: it goes again, sealed to the new box key.
  if (n.kind != core::CodeNoticeKind::restored) return;
  code_key_given_.erase(key(n.lock));
  code_key_in_flight_.erase(key(n.lock));
}

std::vector<CodeService::Notice> CodeService::on_event(const core::LockAddress& lock,
                                                       const core::DeviceEvent& event) {
  std::vector<Notice> out;
  if (event.kind != core::DeviceEventKind::alarm || !event.code_digest || !event.alarm) return out;
  if (*event.alarm != "wrong_code" && *event.alarm != "wrong_code_limit") return out;
  if (auto alert = watch_.on_wrong_code(lock, *event.code_digest, event.ts)) {
    out.push_back(Notice{std::nullopt, std::move(*alert)});
  }
  return out;
}

}  // namespace lw::adapters::codes
