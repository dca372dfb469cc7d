#include "core/codes/code_sync.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "base/enum_names.h"

namespace lw::core {
namespace {

constexpr EnumNames<SyncState, 5> kStates{{{
    {SyncState::pending, "pending"},
    {SyncState::set, "set"},
    {SyncState::failed, "failed"},
    {SyncState::removing, "removing"},
    {SyncState::removed, "removed"},
}}};

constexpr EnumNames<CodeNoticeKind, 12> kNotices{{{
    {CodeNoticeKind::set, "set"},
    {CodeNoticeKind::failed, "failed"},
    {CodeNoticeKind::removed, "removed"},
    {CodeNoticeKind::missing, "missing"},
    {CodeNoticeKind::schedule_differs, "schedule_differs"},
    {CodeNoticeKind::pin_differs, "pin_differs"},
    {CodeNoticeKind::extra, "extra"},
    {CodeNoticeKind::box_key_changed, "box_key_changed"},
    {CodeNoticeKind::restored, "restored"},
    {CodeNoticeKind::settings_set, "settings_set"},
    {CodeNoticeKind::settings_failed, "settings_failed"},
    {CodeNoticeKind::settings_differ, "settings_differ"},
}}};

std::string seconds_text(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

const CodeSlotReport* find_slot(const std::vector<CodeSlotReport>& slots, int slot) {
  auto it = std::find_if(slots.begin(), slots.end(), [&](const CodeSlotReport& s) { return s.slot == slot; });
  return it == slots.end() ? nullptr : &*it;
}

/// A write to the lock (a code's, or its settings') begins: sent at once.
template <typename Entry>
void start_write(Entry& e, SyncState state, Timestamp now) {
  e.state = state;
  e.attempts = 0;
  e.since = now;
  e.next_attempt = now;
  e.in_flight.reset();
  e.updated_at = now;
}

}  // namespace

std::string_view to_string(SyncState v) noexcept { return kStates.name(v, "pending"); }
std::optional<SyncState> parse_sync_state(std::string_view s) noexcept { return kStates.parse(s); }
std::string_view to_string(CodeNoticeKind v) noexcept { return kNotices.name(v, "set"); }

Duration CodeSync::backoff(int attempts) const {
  Duration d = options_.answer_timeout;
  for (int i = 1; i < attempts && d < options_.max_backoff; ++i) d *= 2;
  return std::min(d, options_.max_backoff);
}

void CodeSync::want_settings(const LockAddress& lock, const LockSettings& settings, Timestamp now) {
  SettingsEntry& e = settings_[key(lock)];
  const bool held = e.lock == lock && e.settings == settings && e.state == SyncState::set;
  e.lock = lock;
  e.from_hub = true;
  if (held) {
    e.updated_at = now;
    return;
  }
  e.settings = settings;
  e.reason.clear();
  start_write(e, SyncState::pending, now);
}

void CodeSync::upsert(const CodeTarget& target, Timestamp now) {
  const Key k{key(target.lock), target.code_id};
  auto it = entries_.find(k);
  if (it != entries_.end()) {
    SyncEntry& e = it->second;
    const bool same = e.target.slot == target.slot && e.target.user == target.user &&
                      e.target.schedule == target.schedule &&
                      e.target.expected_digest == target.expected_digest;
    if (same && (e.state == SyncState::set || e.state == SyncState::pending)) return;
    e.target = target;
    e.reason.clear();
    start_write(e, SyncState::pending, now);
    return;
  }
  SyncEntry e;
  e.target = target;
  start_write(e, SyncState::pending, now);
  entries_.emplace(k, std::move(e));
}

void CodeSync::remove(const std::string& code_id, const LockAddress& lock, Timestamp now) {
  auto it = entries_.find(Key{key(lock), code_id});
  if (it == entries_.end()) return;
  SyncEntry& e = it->second;
  if (e.state == SyncState::removed) return;
  e.reason.clear();
  start_write(e, SyncState::removing, now);
}

void CodeSync::retry(const std::string& code_id, const LockAddress& lock, Timestamp now) {
  auto it = entries_.find(Key{key(lock), code_id});
  if (it == entries_.end() || it->second.state != SyncState::failed) return;
  it->second.reason.clear();
  start_write(it->second, SyncState::pending, now);
}

void CodeSync::lock_online(const LockAddress& lock, Timestamp now) {
  LockState& l = locks_[key(lock)];
  const bool was_offline = !l.online;
  l.online = true;
  if (!was_offline) return;
  for (auto& [k, e] : entries_) {
    if (k.first != key(lock)) continue;
    if (e.state == SyncState::pending || e.state == SyncState::removing) {
      e.next_attempt = now;
      e.in_flight.reset();
    }
  }
  if (auto s = settings_.find(key(lock)); s != settings_.end() && s->second.state == SyncState::pending) {
    s->second.next_attempt = now;
    s->second.in_flight.reset();
  }
  request_readback(lock, now);
}

void CodeSync::lock_offline(const LockAddress& lock) { locks_[key(lock)].online = false; }

void CodeSync::request_readback(const LockAddress& lock, Timestamp now) {
  LockState& l = locks_[key(lock)];
  l.readback_due = true;
  l.next_readback = now;
}

std::vector<CodeSend> CodeSync::due(Timestamp now) {
  std::vector<CodeSend> out;
  for (auto& [k, e] : entries_) {
    if (e.state != SyncState::pending && e.state != SyncState::removing) continue;
    if (e.in_flight || e.next_attempt > now) continue;
    auto l = locks_.find(k.first);
    if (l != locks_.end() && !l->second.online) continue;
    CodeSend s;
    s.lock = e.target.lock;
    s.code_id = e.target.code_id;
    s.command.slot = e.target.slot;
    if (e.state == SyncState::pending) {
      s.command.action = CodeAction::set_code;
      s.command.user = e.target.user;
      s.command.schedule = e.target.schedule;
    } else {
      s.command.action = CodeAction::clear_code;
    }
    out.push_back(std::move(s));
  }
  for (auto& [k, e] : settings_) {
    if (e.state != SyncState::pending || e.in_flight || e.next_attempt > now) continue;
    auto l = locks_.find(k);
    if (l != locks_.end() && !l->second.online) continue;
    CodeSend s;
    s.lock = e.lock;
    s.command.action = CodeAction::set_settings;
    s.command.settings = e.settings;
    out.push_back(std::move(s));
  }
  // Locks with a code or settings entry get a periodic read-back too.
  auto schedule_readback = [&](const std::string& lock_key) {
    LockState& l = locks_[lock_key];
    if (l.next_readback == Timestamp{}) l.next_readback = now + options_.readback_interval;
  };
  for (const auto& [k, e] : entries_) schedule_readback(k.first);
  for (const auto& [k, e] : settings_) schedule_readback(k);
  for (auto& [name, l] : locks_) {
    if (!l.online || l.readback_in_flight) continue;
    if (!l.readback_due && now < l.next_readback) continue;
    // The address of the lock: from any entry of it, or the name.
    const auto slash = name.find('/');
    CodeSend s;
    s.lock = LockAddress{name.substr(0, slash), name.substr(slash + 1)};
    s.command.action = CodeAction::read_codes;
    s.command.slot = l.next_page;
    if (l.next_page == 1) l.gathered.clear();
    out.push_back(std::move(s));
  }
  return out;
}

void CodeSync::sent(const CodeSend& send, const std::string& command_id, Timestamp now) {
  if (send.command.action == CodeAction::read_codes) {
    LockState& l = locks_[key(send.lock)];
    l.readback_in_flight = command_id;
    l.readback_sent = now;
    l.readback_due = false;
    l.next_readback = now + options_.readback_interval;
    return;
  }
  auto went = [&](auto& e) {
    ++e.attempts;
    e.in_flight = command_id;
    e.next_attempt = now + backoff(e.attempts);
    e.updated_at = now;
  };
  if (send.command.action == CodeAction::set_settings) {
    if (auto s = settings_.find(key(send.lock)); s != settings_.end()) went(s->second);
  } else if (auto it = entries_.find(Key{key(send.lock), send.code_id}); it != entries_.end()) {
    went(it->second);
  }
}

void CodeSync::send_failed(const CodeSend& send, Timestamp now) {
  if (send.command.action == CodeAction::read_codes) {
    locks_[key(send.lock)].next_readback = now + options_.answer_timeout;
    return;
  }
  auto failed = [&](auto& e) {
    ++e.attempts;
    e.next_attempt = now + backoff(e.attempts);
  };
  if (send.command.action == CodeAction::set_settings) {
    if (auto s = settings_.find(key(send.lock)); s != settings_.end()) failed(s->second);
  } else if (auto it = entries_.find(Key{key(send.lock), send.code_id}); it != entries_.end()) {
    failed(it->second);
  }
}

void CodeSync::confirm(SyncEntry& e, const CodeReadback& codes, const CommandResult& result, Timestamp now,
                       std::vector<CodeNotice>& out) {
  const CodeSlotReport* held = find_slot(codes.slots, e.target.slot);
  e.updated_at = now;
  CodeNotice n;
  n.code_id = e.target.code_id;
  n.lock = e.target.lock;
  n.slot = e.target.slot;
  if (e.state == SyncState::removing) {
    if (held == nullptr) {
      e.state = SyncState::removed;
      e.reason.clear();
      n.kind = CodeNoticeKind::removed;
      n.detail = "slot " + std::to_string(e.target.slot) + " is empty";
      out.push_back(std::move(n));
    }
    return;  // otherwise retried after back-off
  }
  if (result.outcome == CommandOutcome::refused) {
    e.state = SyncState::failed;
    e.reason = "the lock refused it: " + result.detail;
    n.kind = CodeNoticeKind::failed;
    n.detail = e.reason;
    out.push_back(std::move(n));
    return;
  }
  const bool holds =
      held != nullptr && held->user == e.target.user && held->schedule == e.target.schedule &&
      (e.target.expected_digest.empty() || !held->digest || *held->digest == e.target.expected_digest);
  if (holds) {
    e.state = SyncState::set;
    e.reason.clear();
    n.kind = CodeNoticeKind::set;
    n.detail = "slot " + std::to_string(e.target.slot) + " holds it (" + describe(e.target.schedule) + ")";
    out.push_back(std::move(n));
  }
}

std::vector<CodeNotice> CodeSync::on_result(const LockAddress& lock, const CommandResult& result,
                                            Timestamp now) {
  std::vector<CodeNotice> out;
  if (!result.codes) return out;
  const std::string lock_key = key(lock);
  if (auto pinned = box_keys_.find(lock_key); pinned == box_keys_.end()) {
    box_keys_[lock_key] = result.codes->box_key;
  } else if (auto accepting = accepting_.find(lock_key); pinned->second != result.codes->box_key &&
                                                         accepting != accepting_.end() &&
                                                         now <= accepting->second) {
    // Paired again in person moments ago: this is the reset lock's new key.
    out.push_back(restore(lock, result.codes->box_key, now));
    return out;
  } else if (pinned->second != result.codes->box_key) {
    new_box_keys_[lock_key] = result.codes->box_key;
    CodeNotice n;
    n.kind = CodeNoticeKind::box_key_changed;
    n.lock = lock;
    n.detail =
        "the lock answers with another box key than the one first heard (a factory reset, or another "
        "device at this address); PINs stay sealed to the first key until the lock is paired again in "
        "person, which accepts the new one and writes its codes back";
    out.push_back(std::move(n));
    return out;
  }
  heard_settings(lock, result, now, out);
  LockState& l = locks_[lock_key];
  if (l.readback_in_flight && *l.readback_in_flight == result.command_id) {
    l.gathered.insert(l.gathered.end(), result.codes->slots.begin(), result.codes->slots.end());
    if (result.codes->next_slot) {
      // More pages: ask again from there.
      l.readback_in_flight.reset();
      l.readback_due = true;
      l.next_readback = now;
      l.next_page = *result.codes->next_slot;
      return out;
    }
    l.readback_in_flight.reset();
    std::vector<CodeSlotReport> slots = std::move(l.gathered);
    l.gathered.clear();
    l.next_page = 1;
    std::vector<CodeNotice> found = compare(lock, slots, now);
    out.insert(out.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
    return out;
  }
  for (auto& [k, e] : entries_) {
    if (k.first != lock_key || !e.in_flight || *e.in_flight != result.command_id) continue;
    e.in_flight.reset();
    e.updated_at = now;
    const SyncState before = e.state;
    confirm(e, *result.codes, result, now, out);
    const bool reading = l.readback_in_flight || !l.gathered.empty() || l.next_page > 1;
    if (reading && before != e.state) l.confirmed_during.insert(e.target.code_id);
  }
  return out;
}

void CodeSync::heard_settings(const LockAddress& lock, const CommandResult& result, Timestamp now,
                              std::vector<CodeNotice>& out) {
  const std::string lock_key = key(lock);
  const std::optional<LockSettings>& told = result.codes->settings;
  auto it = settings_.find(lock_key);
  auto notice = [&](CodeNoticeKind kind, std::string detail) {
    CodeNotice n;
    n.kind = kind;
    n.lock = lock;
    n.detail = std::move(detail);
    out.push_back(std::move(n));
  };
  if (it != settings_.end() && it->second.in_flight && *it->second.in_flight == result.command_id) {
    // The answer to the hub's write.
    SettingsEntry& e = it->second;
    e.in_flight.reset();
    e.updated_at = now;
    if (result.outcome == CommandOutcome::ok && told && told->holds(e.settings)) {
      e.state = SyncState::set;
      e.reason.clear();
      notice(CodeNoticeKind::settings_set, "the lock keeps its settings: " + describe(e.settings));
    } else if (result.outcome != CommandOutcome::ok) {
      e.state = SyncState::failed;
      e.reason = "the lock did not take its settings (" + std::string(to_string(result.outcome)) +
                 (result.detail.empty() ? "" : ": " + result.detail) + ")";
      notice(CodeNoticeKind::settings_failed, e.reason);
    }  // ok, yet other settings: written again after the back-off
    return;
  }
  if (!told) return;
  locks_[lock_key].tells_settings = true;
  if (it == settings_.end()) {
    // First heard: the lock's own, kept to write back after a reset.
    SettingsEntry e;
    e.lock = lock;
    e.settings = *told;
    e.updated_at = now;
    settings_.emplace(lock_key, std::move(e));
    return;
  }
  SettingsEntry& e = it->second;
  if (e.state != SyncState::set) return;  // a write under way, or failed: it says
  if (e.from_hub ? told->holds(e.settings) : *told == e.settings) return;
  if (!e.from_hub) {
    e.settings = *told;  // changed at the lock, which is where they live
    e.updated_at = now;
    return;
  }
  e.reason = "the lock keeps other settings (" + describe(*told) + ") than those set (" +
             describe(e.settings) + "); writing them again";
  notice(CodeNoticeKind::settings_differ, e.reason);
  start_write(e, SyncState::pending, now);
}

std::vector<CodeNotice> CodeSync::compare(const LockAddress& lock, const std::vector<CodeSlotReport>& slots,
                                          Timestamp now) {
  std::vector<CodeNotice> out;
  const std::string lock_key = key(lock);
  LockState& l = locks_[lock_key];
  const std::set<std::string> changed = std::exchange(l.confirmed_during, {});
  std::vector<int> known;
  for (auto& [k, e] : entries_) {
    if (k.first != lock_key) continue;
    if (e.state != SyncState::removed || changed.count(e.target.code_id) != 0) known.push_back(e.target.slot);
    if (e.state != SyncState::set || changed.count(e.target.code_id) != 0) continue;
    const CodeSlotReport* held = find_slot(slots, e.target.slot);
    CodeNotice n;
    n.code_id = e.target.code_id;
    n.lock = lock;
    n.slot = e.target.slot;
    if (held == nullptr) {
      n.kind = CodeNoticeKind::missing;
      n.detail = "slot " + std::to_string(e.target.slot) + " is empty on the lock; writing it again";
    } else if (held->consumed && e.target.schedule.kind == CodeScheduleKind::one_time) {
      continue;  // a one-time code that was used: what it is for
    } else if (held->user != e.target.user || held->schedule != e.target.schedule) {
      n.kind = CodeNoticeKind::schedule_differs;
      n.detail = "slot " + std::to_string(e.target.slot) + " holds user " + std::to_string(held->user) +
                 " (" + describe(held->schedule) + "), not user " + std::to_string(e.target.user) + " (" +
                 describe(e.target.schedule) + "); writing it again";
    } else if (!e.target.expected_digest.empty() && held->digest &&
               *held->digest != e.target.expected_digest) {
      n.kind = CodeNoticeKind::pin_differs;
      n.detail = "slot " + std::to_string(e.target.slot) + " holds another PIN; writing it again";
    } else {
      continue;
    }
    e.reason = n.detail;
    start_write(e, SyncState::pending, now);
    out.push_back(std::move(n));
  }
  l.checked_at = now;
  l.unknown.clear();
  for (const CodeSlotReport& s : slots) {
    if (std::find(known.begin(), known.end(), s.slot) != known.end()) continue;
    l.unknown.push_back(s.slot);
    CodeNotice n;
    n.kind = CodeNoticeKind::extra;
    n.lock = lock;
    n.slot = s.slot;
    n.detail = "slot " + std::to_string(s.slot) + " holds a code for user " + std::to_string(s.user) + " (" +
               describe(s.schedule) + ") that lockwarden did not write";
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<CodeNotice> CodeSync::tick(Timestamp now) {
  std::vector<CodeNotice> out;
  for (auto& [k, e] : entries_) {
    if (e.state != SyncState::pending && e.state != SyncState::removing) continue;
    if (e.in_flight && now >= e.next_attempt) e.in_flight.reset();  // unanswered: the next due() retries
    if (now - e.since < options_.give_up_after) continue;
    const bool removing = e.state == SyncState::removing;
    e.state = SyncState::failed;
    e.in_flight.reset();
    e.reason = std::string(removing ? "removal" : "code") + " not confirmed by the lock within " +
               seconds_text(options_.give_up_after) + " (" + std::to_string(e.attempts) + " attempts)";
    e.updated_at = now;
    out.push_back(
        CodeNotice{CodeNoticeKind::failed, e.target.code_id, e.target.lock, e.target.slot, e.reason});
  }
  for (auto& [k, e] : settings_) {
    if (e.state != SyncState::pending) continue;
    if (e.in_flight && now >= e.next_attempt) e.in_flight.reset();
    if (now - e.since < options_.give_up_after) continue;
    e.state = SyncState::failed;
    e.in_flight.reset();
    e.reason = "settings not confirmed by the lock within " + seconds_text(options_.give_up_after) + " (" +
               std::to_string(e.attempts) + " attempts)";
    e.updated_at = now;
    out.push_back(CodeNotice{CodeNoticeKind::settings_failed, "", e.lock, 0, e.reason});
  }
  for (auto& [name, l] : locks_) {
    if (l.readback_in_flight && now - l.readback_sent >= options_.answer_timeout) {
      l.readback_in_flight.reset();
      l.readback_due = true;
      l.next_readback = now + options_.answer_timeout;
      l.next_page = 1;
      l.gathered.clear();
    }
  }
  return out;
}

std::vector<SyncEntry> CodeSync::entries() const {
  std::vector<SyncEntry> out;
  out.reserve(entries_.size());
  for (const auto& [k, e] : entries_) out.push_back(e);
  return out;
}

std::vector<SettingsEntry> CodeSync::settings_entries() const {
  std::vector<SettingsEntry> out;
  out.reserve(settings_.size());
  for (const auto& [k, e] : settings_) out.push_back(e);
  return out;
}

const SettingsEntry* CodeSync::settings(const LockAddress& lock) const {
  auto it = settings_.find(key(lock));
  return it == settings_.end() ? nullptr : &it->second;
}

void CodeSync::restore_settings(std::vector<SettingsEntry> entries, Timestamp now) {
  for (SettingsEntry& e : entries) {
    e.in_flight.reset();
    if (e.state == SyncState::pending) e.next_attempt = now;
    settings_[key(e.lock)] = std::move(e);
  }
}

const SyncEntry* CodeSync::find(const std::string& code_id, const LockAddress& lock) const {
  auto it = entries_.find(Key{key(lock), code_id});
  return it == entries_.end() ? nullptr : &it->second;
}

void CodeSync::restore(std::vector<SyncEntry> entries, Timestamp now) {
  for (SyncEntry& e : entries) {
    e.in_flight.reset();
    if (e.state == SyncState::pending || e.state == SyncState::removing) e.next_attempt = now;
    entries_[Key{key(e.target.lock), e.target.code_id}] = std::move(e);
  }
}

std::vector<CodeNotice> CodeSync::accept_box_key(const LockAddress& lock, Timestamp now) {
  std::vector<CodeNotice> out;
  const std::string lock_key = key(lock);
  request_readback(lock, now);
  if (auto heard = new_box_keys_.find(lock_key); heard != new_box_keys_.end()) {
    const std::string box = heard->second;
    out.push_back(restore(lock, box, now));
  } else {
    accepting_[lock_key] = now + kAcceptWindow;
  }
  return out;
}

CodeNotice CodeSync::restore(const LockAddress& lock, const std::string& box_key, Timestamp now) {
  const std::string lock_key = key(lock);
  box_keys_[lock_key] = box_key;
  new_box_keys_.erase(lock_key);
  accepting_.erase(lock_key);
  CodeNotice n;
  n.kind = CodeNoticeKind::restored;
  n.lock = lock;
  int codes = 0;
  for (auto& [k, e] : entries_) {
    if (k.first != lock_key || e.state != SyncState::set) continue;
    e.reason = "written back after the lock was reset and paired again";
    start_write(e, SyncState::pending, now);
    ++codes;
  }
  n.detail = "the lock was reset and paired again in person; its new box key is accepted and " +
             std::to_string(codes) + (codes == 1 ? " code is" : " codes are");
  if (auto s = settings_.find(lock_key); s != settings_.end()) {
    s->second.reason = "written back after the lock was reset and paired again";
    start_write(s->second, SyncState::pending, now);
    n.detail += ", with its settings (" + describe(s->second.settings) + "),";
  }
  n.detail += " written back";
  LockState& l = locks_[lock_key];
  l.checked_at.reset();
  l.unknown.clear();
  l.readback_in_flight.reset();  // pages under the old key say nothing: read again
  l.gathered.clear();
  l.next_page = 1;
  request_readback(lock, now);
  return n;
}

std::optional<std::string> CodeSync::unaccepted_box_key(const LockAddress& lock) const {
  auto it = new_box_keys_.find(key(lock));
  if (it == new_box_keys_.end()) return std::nullopt;
  return it->second;
}

CodeBackup CodeSync::backup(const LockAddress& lock, Timestamp now) const {
  CodeBackup b;
  const std::string lock_key = key(lock);
  for (const auto& [k, e] : entries_) {
    if (k.first == lock_key && e.state != SyncState::removed && e.state != SyncState::removing) ++b.codes;
  }
  auto l = locks_.find(lock_key);
  if (l == locks_.end() || !l->second.checked_at) return b;
  b.checked_at = *l->second.checked_at;
  b.unknown = l->second.unknown;
  auto s = settings_.find(lock_key);
  if (s != settings_.end() && s->second.state != SyncState::failed) b.settings = s->second.settings;
  b.verified = b.unknown.empty() && !new_box_keys_.contains(lock_key) &&
               now - b.checked_at <= 2 * options_.readback_interval &&
               (!l->second.tells_settings || b.settings.has_value());
  return b;
}

std::optional<std::string> CodeSync::box_key(const LockAddress& lock) const {
  auto it = box_keys_.find(key(lock));
  if (it == box_keys_.end()) return std::nullopt;
  return it->second;
}

}  // namespace lw::core
