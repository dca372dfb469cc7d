#include "app/access_codes.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cstdio>
#include <utility>

#include "adapters/http/api_access.h"
#include "adapters/http/router.h"
#include "base/ids.h"
#include "core/access/policy.h"
#include "core/audit/audit_detail.h"
#include "protocol/codec.h"

namespace lw::app {
namespace json = boost::json;
using adapters::codes::CodeService;
using adapters::sqlite::StoredCode;

namespace {

std::string entry_key(const std::string& code_id, const core::LockAddress& lock) {
  return code_id + "\n" + lock.site + "/" + lock.lock;
}

bool same_entry(const core::SyncEntry& a, const core::SyncEntry& b) {
  return a.state == b.state && a.attempts == b.attempts && a.since == b.since && a.reason == b.reason &&
         a.updated_at == b.updated_at && a.target.slot == b.target.slot && a.target.user == b.target.user &&
         a.target.schedule == b.target.schedule && a.target.expected_digest == b.target.expected_digest;
}

Result<void> valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return invalid_argument("name", "must be 1..64 characters");
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F) return invalid_argument("name", "must not contain control characters");
  }
  return ok();
}

core::WebhookEventType webhook_type(core::CodeNoticeKind kind) {
  switch (kind) {
    case core::CodeNoticeKind::set: return core::WebhookEventType::access_code_set;
    case core::CodeNoticeKind::failed: return core::WebhookEventType::access_code_failed;
    case core::CodeNoticeKind::removed: return core::WebhookEventType::access_code_removed;
    case core::CodeNoticeKind::missing:
    case core::CodeNoticeKind::schedule_differs:
    case core::CodeNoticeKind::pin_differs:
    case core::CodeNoticeKind::extra:
    case core::CodeNoticeKind::box_key_changed:
    // restored and the settings' notices are not sent (see handle)
    case core::CodeNoticeKind::restored:
    case core::CodeNoticeKind::settings_set:
    case core::CodeNoticeKind::settings_failed:
    case core::CodeNoticeKind::settings_differ: break;
  }
  return core::WebhookEventType::access_code_drift;
}

/// A change found on the lock that lockwarden did not make (audited as the lock's).
bool is_drift(core::CodeNoticeKind kind) {
  switch (kind) {
    case core::CodeNoticeKind::missing:
    case core::CodeNoticeKind::schedule_differs:
    case core::CodeNoticeKind::pin_differs:
    case core::CodeNoticeKind::extra:
    case core::CodeNoticeKind::box_key_changed:
    case core::CodeNoticeKind::settings_differ: return true;
    case core::CodeNoticeKind::set:
    case core::CodeNoticeKind::failed:
    case core::CodeNoticeKind::removed:
    case core::CodeNoticeKind::restored:
    case core::CodeNoticeKind::settings_set:
    case core::CodeNoticeKind::settings_failed: return false;
  }
  return false;
}

/// The words of a notice in a lock's history ("code-1f2e (Cleaner) set in slot 3").
std::string describe(const core::CodeNotice& n, const std::string& name) {
  std::string who = n.code_id.empty() ? std::string("slot ") + std::to_string(n.slot)
                                      : n.code_id + (name.empty() ? "" : " (" + name + ")");
  std::string text;
  switch (n.kind) {
    case core::CodeNoticeKind::set: text = who + " set in slot " + std::to_string(n.slot); break;
    case core::CodeNoticeKind::failed: text = who + " failed"; break;
    case core::CodeNoticeKind::removed: text = who + " removed from slot " + std::to_string(n.slot); break;
    case core::CodeNoticeKind::missing: text = "drift: " + who + " is missing on the lock"; break;
    case core::CodeNoticeKind::schedule_differs:
      text = "drift: " + who + " has another user or schedule on the lock";
      break;
    case core::CodeNoticeKind::pin_differs: text = "drift: " + who + " has another PIN on the lock"; break;
    case core::CodeNoticeKind::extra:
      text = "drift: " + who + " holds a code lockwarden did not write";
      break;
    case core::CodeNoticeKind::box_key_changed: text = "the lock's code box key changed"; break;
    case core::CodeNoticeKind::restored:
    case core::CodeNoticeKind::settings_set:
    case core::CodeNoticeKind::settings_failed: return n.detail;
    case core::CodeNoticeKind::settings_differ: return "drift: " + n.detail;
  }
  if (!n.detail.empty()) text += ": " + n.detail;
  return text;
}

/// "set" when every lock holds it, else the first of failed, pending, removing, removed that any lock is in.
std::string_view summary_state(const std::vector<core::SyncEntry>& locks, bool removing) {
  if (removing) return "removing";
  if (locks.empty()) return "no_locks";
  for (core::SyncState s : {core::SyncState::failed, core::SyncState::pending, core::SyncState::removing}) {
    for (const auto& e : locks) {
      if (e.state == s) return core::to_string(s);
    }
  }
  return "set";
}

}  // namespace

AccessCodes::AccessCodes(std::unique_ptr<adapters::sqlite::CodeVault> vault, core::Hub& hub,
                         core::DeviceLink& link, core::Store& store, core::Random& random,
                         CanSendCodes can_send, CodeService::Options options)
    : vault_(std::move(vault)),
      hub_(hub),
      random_(random),
      can_send_(std::move(can_send)),
      service_(
          link, store,
          [this](const std::string& code_id) -> Result<std::string> { return vault_->pin(code_id); },
          std::move(options)) {}

Result<std::unique_ptr<AccessCodes>> AccessCodes::open(std::unique_ptr<adapters::sqlite::CodeVault> vault,
                                                       core::Hub& hub, core::DeviceLink& link,
                                                       core::Store& store, core::Random& random,
                                                       CanSendCodes can_send, CodeService::Options options) {
  auto codes = vault->list();
  if (!codes) return Error{codes.error().code, "access codes: " + codes.error().message};
  auto sync = vault->load_sync();
  if (!sync) return Error{sync.error().code, "access codes: " + sync.error().message};
  std::unique_ptr<AccessCodes> self(
      new AccessCodes(std::move(vault), hub, link, store, random, std::move(can_send), std::move(options)));
  for (StoredCode& c : *codes) self->codes_.emplace(c.id, std::move(c));
  for (const core::SyncEntry& e : *sync) {
    self->saved_[entry_key(e.target.code_id, e.target.lock)] = e;
    if (self->codes_.count(e.target.code_id) == 0 && self->removed_.count(e.target.code_id) == 0) {
      // Deleted before the restart: its slots are still being emptied.
      StoredCode gone;
      gone.id = e.target.code_id;
      gone.site = e.target.lock.site;
      gone.slot = e.target.slot;
      gone.user = e.target.user;
      gone.schedule = e.target.schedule;
      self->removed_.emplace(gone.id, gone);
    }
  }
  self->service_.sync().restore(std::move(*sync), hub.now());
  auto settings = self->vault_->load_settings();
  if (!settings) return Error{settings.error().code, "access codes: " + settings.error().message};
  for (const core::SettingsEntry& e : *settings) self->saved_settings_[e.lock.site + "/" + e.lock.lock] = e;
  self->service_.sync().restore_settings(std::move(*settings), hub.now());
  self->tick();
  for (const auto& [id, code] : self->codes_) {
    for (const core::LockAddress& lock : self->targets(code)) (void)self->want(code, lock);
  }
  self->persist();
  return self;
}

std::vector<core::LockAddress> AccessCodes::targets(const StoredCode& code) const {
  std::vector<core::LockAddress> out;
  if (code.lock) {
    if (const core::LockRecord* l = hub_.find_lock(*code.lock); l != nullptr && l->site == code.site)
      out.push_back(l->address());
    return out;
  }
  for (const core::LockRecord& l : hub_.locks()) {
    if (l.site == code.site && can_hold(l, code)) out.push_back(l.address());
  }
  return out;
}

bool AccessCodes::can_hold(const core::LockRecord& lock, const StoredCode& code) const {
  switch (can_send_(lock)) {
    case Reach::none: return false;
    case Reach::native: return true;
    case Reach::plain: return code.schedule.kind == core::CodeScheduleKind::always && code.user == code.slot;
  }
  return false;
}

Result<void> AccessCodes::want(const StoredCode& code, const core::LockAddress& lock) {
  if (service_.sync().find(code.id, lock) != nullptr)
    return ok();  // already wanted (or failed: retry() says)
  auto r = service_.put(code.id, lock, code.slot, code.user, code.schedule, now());
  if (!r) spdlog::error("access code {} for {}/{}: {}", code.id, lock.site, lock.lock, r.error().message);
  return r;
}

CodeView AccessCodes::view(const StoredCode& code, bool removing) const {
  CodeView v{code, removing, {}};
  for (const core::SyncEntry& e : service_.sync().entries()) {
    if (e.target.code_id == code.id) v.locks.push_back(e);
  }
  return v;
}

Result<CodeView> AccessCodes::create(NewCode req, const std::string& actor) {
  struct Wipe {
    std::string& s;
    ~Wipe() { protocol::wipe(s); }
  } wipe{req.pin};
  if (auto v = valid_name(req.name); !v) return v.error();
  if (!core::valid_pin(req.pin)) return invalid_argument("pin", "must be 4..10 digits");
  if (req.slot && (*req.slot < 1 || *req.slot > core::kMaxCodeSlots))
    return invalid_argument("slot", "must be an integer 1..64");
  if (req.user && (*req.user < 1 || *req.user > 65535))
    return invalid_argument("user", "must be an integer 1..65535");
  if (auto v = core::validate(req.schedule, "schedule"); !v) return v.error();
  const auto sites = hub_.sites();
  if (std::none_of(sites.begin(), sites.end(), [&](const auto& s) { return s.id == req.site; }))
    return not_found("site '" + req.site + "' not found");
  StoredCode code;
  code.site = req.site;
  code.lock = req.lock;
  code.name = req.name;
  code.schedule = req.schedule;
  if (req.lock) {
    const core::LockRecord* l = hub_.find_lock(*req.lock);
    if (l == nullptr || l->site != req.site) return not_found("lock '" + *req.lock + "' not found");
    const Reach reach = can_send_(*l);
    const std::string speaks =
        "lock '" + *req.lock + "' speaks " + std::string(core::to_string(l->transport)) + " through a bridge";
    if (reach == Reach::none) return failed_precondition(speaks + " that carries no keypad codes");
    if (reach == Reach::plain && req.schedule.kind != core::CodeScheduleKind::always)
      return failed_precondition("schedule: " + speaks + ": it holds codes that work always, nothing else");
    if (reach == Reach::plain && req.user && (!req.slot || *req.user != *req.slot))
      return failed_precondition("user: " + speaks + ": it knows no users apart from slots; leave user out");
  }
  // The slots taken on the locks this code is for.
  const std::vector<core::LockAddress> locks = targets(code);
  auto overlaps = [&](const StoredCode& other) {
    if (other.site != code.site) return false;
    if (!code.lock || !other.lock) return true;
    return *code.lock == *other.lock;
  };
  std::map<int, std::string> taken;  // slot → the code holding it
  for (const auto* group : {&codes_, &removed_}) {
    for (const auto& [id, other] : *group) {
      if (overlaps(other)) taken.emplace(other.slot, id);
    }
  }
  if (req.slot) {
    if (auto t = taken.find(*req.slot); t != taken.end()) {
      const bool emptying = removed_.count(t->second) != 0;
      return Error{ErrorCode::conflict,
                   "slot: " + std::to_string(*req.slot) +
                       (emptying ? " is being emptied of code '" : " already holds code '") + t->second +
                       "' on a lock this code is for"};
    }
    code.slot = *req.slot;
  } else {
    code.slot = 0;
    for (int s = 1; s <= core::kMaxCodeSlots && code.slot == 0; ++s) {
      if (taken.count(s) == 0) code.slot = s;
    }
    if (code.slot == 0)
      return Error{ErrorCode::conflict, "slot: every slot 1..64 is taken on a lock this code is for"};
  }
  code.user = static_cast<std::uint16_t>(req.user.value_or(code.slot));
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(random_.next_u64()));
  code.id = "code-" + std::string(hex, 8);
  code.created_at = code.updated_at = now();

  auto audited = hub_.audit({{},
                             actor,
                             "code.create",
                             "code:" + code.id,
                             core::audit_detail({{"site", code.site},
                                                 {"lock", code.lock.value_or("*")},
                                                 {"name", code.name},
                                                 {"slot", std::to_string(code.slot)},
                                                 {"user", std::to_string(code.user)},
                                                 {"schedule", core::describe(code.schedule)}}),
                             "ok"});
  if (!audited) return Error{ErrorCode::unavailable, audited.error().message};
  if (auto r = vault_->put(code, req.pin); !r) return r.error();
  codes_.emplace(code.id, code);
  for (const core::LockAddress& lock : locks) (void)want(code, lock);
  tick();
  return view(code, false);
}

Result<std::vector<CodeView>> AccessCodes::list() {
  std::map<std::string, std::vector<core::SyncEntry>> by_code;
  for (core::SyncEntry& e : service_.sync().entries()) by_code[e.target.code_id].push_back(std::move(e));
  std::vector<CodeView> out;
  for (const auto* group : {&codes_, &removed_}) {
    const bool removing = group == &removed_;
    for (const auto& [id, code] : *group) out.push_back({code, removing, by_code[id]});
  }
  std::sort(out.begin(), out.end(), [](const CodeView& a, const CodeView& b) {
    return std::tie(a.code.site, a.code.slot, a.code.id) < std::tie(b.code.site, b.code.slot, b.code.id);
  });
  return out;
}

Result<CodeView> AccessCodes::find(const std::string& id) {
  if (auto it = codes_.find(id); it != codes_.end()) return view(it->second, false);
  if (auto it = removed_.find(id); it != removed_.end()) return view(it->second, true);
  return not_found("access code '" + id + "' not found");
}

std::optional<SiteId> AccessCodes::site_of(const std::string& id) const {
  if (auto it = codes_.find(id); it != codes_.end()) return it->second.site;
  if (auto it = removed_.find(id); it != removed_.end()) return it->second.site;
  return std::nullopt;
}

Result<CodeView> AccessCodes::remove(const std::string& id, const std::string& actor) {
  auto it = codes_.find(id);
  if (it == codes_.end()) {
    if (auto r = removed_.find(id); r != removed_.end()) return view(r->second, true);  // already going
    return not_found("access code '" + id + "' not found");
  }
  auto audited = hub_.audit({{},
                             actor,
                             "code.remove",
                             "code:" + id,
                             core::audit_detail({{"site", it->second.site},
                                                 {"lock", it->second.lock.value_or("*")},
                                                 {"name", it->second.name},
                                                 {"slot", std::to_string(it->second.slot)}}),
                             "ok"});
  if (!audited) return Error{ErrorCode::unavailable, audited.error().message};
  if (auto r = vault_->remove(id); !r) return r.error();
  StoredCode code = std::move(it->second);
  codes_.erase(it);
  const Timestamp t = now();
  bool any = false;
  for (const core::SyncEntry& e : service_.sync().entries()) {
    if (e.target.code_id != id || e.state == core::SyncState::removed) continue;
    service_.remove(id, e.target.lock, t);
    any = true;
  }
  if (any) removed_.emplace(id, code);
  tick();
  return view(code, any);
}

Result<CodeView> AccessCodes::retry(const std::string& id, const std::string& actor) {
  auto it = codes_.find(id);
  if (it == codes_.end()) return not_found("access code '" + id + "' not found");
  auto audited = hub_.audit({{}, actor, "code.retry", "code:" + id, "{}", "ok"});
  if (!audited) return Error{ErrorCode::unavailable, audited.error().message};
  const Timestamp t = now();
  for (const core::SyncEntry& e : service_.sync().entries()) {
    if (e.target.code_id == id && e.state == core::SyncState::failed)
      service_.sync().retry(id, e.target.lock, t);
  }
  tick();
  return view(it->second, false);
}

void AccessCodes::on_result(const core::LockAddress& lock, const core::CommandResult& result) {
  handle(service_.on_result(lock, result, now()));
  persist();
}

void AccessCodes::on_event(const core::LockAddress& lock, const core::DeviceEvent& event) {
  // Someone programmed a code at the lock itself: read it back now rather than at the next return.
  if (event.kind == core::DeviceEventKind::alarm && event.alarm == "code_programmed") {
    service_.request_readback(lock, now());
  }
  handle(service_.on_event(lock, event));
}

void AccessCodes::tick() {
  for (const core::SiteRecord& site : hub_.sites()) {
    if (keyed_sites_.insert(site.id).second) service_.set_site_key(site.id, vault_->site_code_key(site.id));
  }
  handle(service_.tick(now()));
  persist();
  constexpr Duration kTellBackups = std::chrono::minutes(1);
  if (!backups_told_ || now() - *backups_told_ >= kTellBackups) {
    backups_told_ = now();
    for (const core::LockRecord& lock : hub_.locks()) {
      const bool verified = can_send_(lock) != Reach::none && service_.backup(lock.address(), now()).verified;
      if (auto r = hub_.set_code_backup(lock.id, verified); !r)
        spdlog::error("code backup of {}: {}", lock.id, r.error().message);
    }
  }
}

void AccessCodes::lock_paired(const core::LockAddress& lock) { handle(service_.restore(lock, now())); }

void AccessCodes::lock_changed(const core::LockRecord& lock) {
  auto [it, first] = connectivity_.try_emplace(lock.id, core::Connectivity::unknown);
  const core::Connectivity before = std::exchange(it->second, lock.connectivity);
  if (can_send_(lock) == Reach::none) return;
  if (first) {
    // First heard since the start (or new): the site-wide codes of its site are for it too.
    for (const auto& [id, code] : codes_) {
      if (!code.lock && code.site == lock.site && can_hold(lock, code)) (void)want(code, lock.address());
    }
  }
  // A lock that comes online is read back: its box key, drift, codes added at the door.
  const bool was_up = before == core::Connectivity::online;
  const bool is_up = lock.connectivity == core::Connectivity::online;
  if (!was_up && is_up) service_.lock_online(lock.address(), now());
  // Down from any state: a lock usually goes online -> suspect -> offline.
  if (lock.connectivity == core::Connectivity::offline ||
      lock.connectivity == core::Connectivity::unreachable)
    service_.lock_offline(lock.address());
}

void AccessCodes::handle(const std::vector<CodeService::Notice>& notices) {
  for (const CodeService::Notice& n : notices) {
    if (n.code) {
      const core::CodeNotice& c = *n.code;
      std::string name;
      if (auto it = codes_.find(c.code_id); it != codes_.end()) name = it->second.name;
      core::EventRecord e;
      e.lock = c.lock.lock;
      e.kind = core::EventKind::access_code;
      e.detail = describe(c, name);
      const bool about_settings = c.kind == core::CodeNoticeKind::settings_set ||
                                  c.kind == core::CodeNoticeKind::settings_failed ||
                                  c.kind == core::CodeNoticeKind::settings_differ;
      if (is_drift(c.kind)) {
        // A change made outside lockwarden (security anchor P7): the audit log shows it as the lock's.
        auto audited = hub_.audit({{},
                                   "lock:" + c.lock.lock,
                                   "code.drift",
                                   "lock:" + c.lock.lock,
                                   core::audit_detail({{"site", c.lock.site},
                                                       {"slot", std::to_string(c.slot)},
                                                       {"kind", std::string(core::to_string(c.kind))},
                                                       {"code", c.code_id}}),
                                   "external"});
        if (!audited) spdlog::error("audit of drift on {}: {}", c.lock.lock, audited.error().message);
      }
      if (c.kind == core::CodeNoticeKind::restored) {
        spdlog::info("lock {}: {}", c.lock.lock, c.detail);
        auto audited = hub_.audit({{},
                                   "hub",
                                   "code.restore",
                                   "lock:" + c.lock.lock,
                                   core::audit_detail({{"site", c.lock.site}, {"detail", c.detail}}),
                                   "started"});
        if (!audited) spdlog::error("audit of the restore of {}: {}", c.lock.lock, audited.error().message);
      }
      if (auto r = hub_.record_event(std::move(e)); !r)
        spdlog::error("access code event for {}: {}", c.lock.lock, r.error().message);
      if (webhooks_ && c.kind != core::CodeNoticeKind::restored && !about_settings) {
        core::WebhookEvent w{webhook_type(c.kind), now(), {}};
        const core::LockRecord* l = hub_.find_lock(c.lock.lock);
        w.set("lock", c.lock.lock).set("site", c.lock.site).set("name", l != nullptr ? l->name : c.lock.lock);
        if (c.code_id.empty()) {
          w.set_null("code");
        } else {
          w.set("code", c.code_id);
        }
        w.set("code_name", name)
            .set("slot", c.slot)
            .set("kind", core::to_string(c.kind))
            .set("detail", c.detail);
        webhooks_(std::move(w));
      }
    }
    if (n.wrong_codes) {
      const core::WrongCodeAlert& a = *n.wrong_codes;
      const std::string text = a.describe();
      spdlog::warn("{}", text);
      for (const LockId& lock : a.locks) {
        core::EventRecord e;
        e.lock = lock;
        e.kind = core::EventKind::access_code;
        e.detail = text;
        if (auto r = hub_.record_event(std::move(e)); !r)
          spdlog::error("wrong-PIN alert for {}: {}", lock, r.error().message);
      }
      if (webhooks_) {
        core::WebhookEvent w{core::WebhookEventType::access_code_wrong_pins, now(), {}};
        w.set("site", a.site)
            .set("locks", std::vector<std::string>(a.locks.begin(), a.locks.end()))
            .set("attempts", a.attempts)
            .set("first_ms", a.first)
            .set("last_ms", a.last)
            .set("detail", text);
        webhooks_(std::move(w));
      }
    }
  }
}

Result<std::optional<core::SettingsEntry>> AccessCodes::lock_settings(const LockId& lock) const {
  const core::LockRecord* l = hub_.find_lock(lock);
  if (l == nullptr) return not_found("lock '" + lock + "' not found");
  const core::SettingsEntry* e = service_.sync().settings(l->address());
  return e == nullptr ? std::nullopt : std::optional(*e);
}

Result<core::SettingsEntry> AccessCodes::set_lock_settings(const LockId& lock,
                                                           const core::LockSettings& settings,
                                                           const std::string& actor) {
  if (auto v = core::validate(settings, "settings"); !v) return v.error();
  const core::LockRecord* l = hub_.find_lock(lock);
  if (l == nullptr) return not_found("lock '" + lock + "' not found");
  if (can_send_(*l) == Reach::none)
    return Error{ErrorCode::failed_precondition, "lock '" + lock + "' takes no settings from the hub"};
  if (const core::SettingsEntry* held = service_.sync().settings(l->address()); held != nullptr) {
    // The lock told the settings it has: one it never told is not there to set.
    if (auto unknown = core::settings_it_lacks(held->settings, settings))
      return invalid_argument(*unknown, "lock '" + lock + "' has no such setting (it has: " +
                                            core::settings_names(held->settings) + ")");
  }
  const auto fields = core::settings_fields(settings);
  std::vector<core::AuditField> detail{{"site", l->site}};
  for (const auto& [name, value] : fields) detail.emplace_back(name, value);
  auto audited = hub_.audit({{}, actor, "lock.settings", "lock:" + lock, core::audit_detail(detail), "ok"});
  if (!audited) return Error{ErrorCode::unavailable, audited.error().message};
  service_.sync().want_settings(l->address(), settings, now());
  tick();
  return *service_.sync().settings(l->address());
}

void AccessCodes::persist() {
  for (const core::SettingsEntry& e : service_.sync().settings_entries()) {
    const std::string key = e.lock.site + "/" + e.lock.lock;
    core::SettingsEntry kept = e;
    kept.in_flight.reset();  // a restarted hub sends a pending write again
    auto s = saved_settings_.find(key);
    if (s != saved_settings_.end() && s->second == kept) continue;
    if (auto r = vault_->save_settings(kept); !r) {
      spdlog::error("settings of {}: {}", e.lock.lock, r.error().message);
      continue;
    }
    saved_settings_[key] = kept;
  }
  std::map<std::string, bool> pending_removal;  // removed code → any lock not yet emptied
  for (const core::SyncEntry& e : service_.sync().entries()) {
    const std::string key = entry_key(e.target.code_id, e.target.lock);
    const bool gone = removed_.count(e.target.code_id) != 0;
    if (e.state == core::SyncState::removed) {
      if (saved_.erase(key) != 0) {
        if (auto r = vault_->remove_sync(e.target.code_id, e.target.lock); !r)
          spdlog::error("access code {}: {}", e.target.code_id, r.error().message);
      }
      if (gone) pending_removal.try_emplace(e.target.code_id, false);
      continue;
    }
    if (gone) pending_removal[e.target.code_id] = true;
    auto s = saved_.find(key);
    if (s != saved_.end() && same_entry(s->second, e)) continue;
    if (auto r = vault_->save_sync(e); !r) {
      spdlog::error("access code {}: {}", e.target.code_id, r.error().message);
      continue;
    }
    saved_[key] = e;
  }
  for (auto it = removed_.begin(); it != removed_.end();) {
    auto p = pending_removal.find(it->first);
    it = (p == pending_removal.end() || !p->second) ? removed_.erase(it) : std::next(it);
  }
}

// --- HTTP ---

namespace {

json::object code_json(const CodeView& v) {
  const StoredCode& c = v.code;
  json::array locks;
  for (const core::SyncEntry& e : v.locks) {
    json::object l{{"lock", e.target.lock.lock},
                   {"state", core::to_string(e.state)},
                   {"attempts", e.attempts},
                   {"since_ms", to_epoch_ms(e.since)},
                   {"updated_ms", to_epoch_ms(e.updated_at)}};
    l["reason"] = e.reason.empty() ? json::value(nullptr) : json::value(e.reason);
    locks.push_back(std::move(l));
  }
  json::object o{{"id", c.id},
                 {"site", c.site},
                 {"name", c.name},
                 {"slot", c.slot},
                 {"user", c.user},
                 {"schedule", json::parse(protocol::encode_schedule(c.schedule))},
                 {"schedule_text", core::describe(c.schedule)},
                 {"state", summary_state(v.locks, v.removing)},
                 {"locks", std::move(locks)}};
  o["lock"] = c.lock ? json::value(*c.lock) : json::value(nullptr);
  o["created_ms"] = to_epoch_ms(c.created_at);
  o["updated_ms"] = to_epoch_ms(c.updated_at);
  return o;
}

Result<std::optional<int>> optional_int(const json::object& body, std::string_view field, int lo, int hi) {
  const json::value* v = body.if_contains(field);
  if (v == nullptr || v->is_null()) return std::optional<int>{};
  const std::string range = "must be an integer " + std::to_string(lo) + ".." + std::to_string(hi);
  if (!v->is_int64() && !v->is_uint64()) return invalid_argument(field, range);
  const std::int64_t n =
      v->is_int64()
          ? v->as_int64()
          : static_cast<std::int64_t>(std::min<std::uint64_t>(v->as_uint64(), std::uint64_t{1} << 40));
  if (n < lo || n > hi) return invalid_argument(field, range);
  return std::optional<int>{static_cast<int>(n)};
}

Result<NewCode> parse_new_code(const json::object& body) {
  static constexpr std::string_view kFields[] = {"site", "lock", "name", "pin", "slot", "user", "schedule"};
  for (const auto& [key, value] : body) {
    if (std::find(std::begin(kFields), std::end(kFields), std::string_view(key)) == std::end(kFields))
      return invalid_argument(std::string(key), "unknown field");
  }
  NewCode c;
  auto site = adapters::http::optional_string(body, "site");
  if (!site) return site.error();
  if (!*site) return invalid_argument("site", "missing");
  c.site = **site;
  auto lock = adapters::http::optional_string(body, "lock");
  if (!lock) return lock.error();
  c.lock = *lock;
  auto name = adapters::http::optional_string(body, "name");
  if (!name) return name.error();
  if (!*name) return invalid_argument("name", "missing");
  c.name = **name;
  const json::value* pin = body.if_contains("pin");
  if (pin == nullptr || pin->is_null()) return invalid_argument("pin", "missing");
  if (!pin->is_string()) return invalid_argument("pin", "must be a string of 4..10 digits");
  c.pin = std::string(pin->as_string());
  auto slot = optional_int(body, "slot", 1, core::kMaxCodeSlots);
  if (!slot) return slot.error();
  c.slot = *slot;
  auto user = optional_int(body, "user", 1, 65535);
  if (!user) return user.error();
  c.user = *user;
  if (const json::value* s = body.if_contains("schedule"); s != nullptr && !s->is_null()) {
    auto schedule = protocol::decode_schedule(json::serialize(*s), "schedule");
    if (!schedule) return schedule.error();
    c.schedule = *schedule;
  }
  return c;
}

json::value settings_json(const LockId& lock, const std::optional<core::SettingsEntry>& e) {
  if (!e) return json::object{{"lock", lock}, {"known", false}};
  json::object o{{"lock", lock},
                 {"known", true},
                 {"settings", json::parse(protocol::encode_settings(e->settings))},
                 {"text", core::describe(e->settings)},
                 {"source", e->from_hub ? "hub" : "lock"},
                 {"state", core::to_string(e->state)},
                 {"updated_ms", to_epoch_ms(e->updated_at)}};
  // The keypad's two, where the lock has them, also at the top (API 1 clients).
  if (e->settings.wrong_code_entry_limit) o["wrong_code_entry_limit"] = *e->settings.wrong_code_entry_limit;
  if (e->settings.user_code_temporary_disable_s)
    o["user_code_temporary_disable_s"] = *e->settings.user_code_temporary_disable_s;
  o["reason"] = e->reason.empty() ? json::value(nullptr) : json::value(e->reason);
  return o;
}

/// The fields of a PUT over what the hub holds; those left out keep it.
Result<core::LockSettings> parse_settings(const json::object& body, const core::LockSettings& held) {
  auto put = protocol::decode_settings(json::serialize(body), "settings");
  if (!put) {
    // "settings.x: ..." names the body's own field "x".
    Error e = put.error();
    if (e.message.starts_with("settings.")) e.message.erase(0, 9);
    return e;
  }
  for (const auto& [key, value] : body) {
    if (std::find(core::kLockSettingNames.begin(), core::kLockSettingNames.end(), std::string_view(key)) ==
        core::kLockSettingNames.end())
      return invalid_argument(std::string(key), "unknown field");
  }
  return held.merged(*put);
}
}  // namespace

void add_access_code_routes(adapters::http::Router& router, AccessCodes& codes) {
  using adapters::http::error_response;
  using adapters::http::json_response;
  using adapters::http::Request;
  using adapters::http::Response;
  using core::access::Permission;

  router.get("/api/v1/codes", [&codes](const Request& r) {
    auto all = codes.list();
    if (!all) return error_response(all.error());
    auto site = r.query_param("site");
    auto lock = r.query_param("lock");
    json::array out;
    for (const CodeView& v : *all) {
      if (!adapters::http::caller_sees(r, Permission::manage_codes, v.code.site)) continue;
      if (site && v.code.site != *site) continue;
      if (lock && !(v.code.lock ? *v.code.lock == *lock
                                : std::any_of(v.locks.begin(), v.locks.end(),
                                              [&](const auto& e) { return e.target.lock.lock == *lock; })))
        continue;
      out.push_back(code_json(v));
    }
    return json_response(200, json::object{{"codes", std::move(out)}});
  });
  router.post("/api/v1/codes", [&codes](const Request& r) {
    auto body = adapters::http::body_object(r);
    if (!body) return error_response(body.error());
    auto req = parse_new_code(*body);
    if (!req) return error_response(req.error());
    if (auto refused = adapters::http::refuse_on_site(r, Permission::manage_codes, req->site))
      return *refused;
    auto created = codes.create(std::move(*req), adapters::http::request_actor(r));
    if (!created) return error_response(created.error());
    Response res = json_response(201, json::object{{"code", code_json(*created)}});
    res.headers.emplace_back("Location", "/api/v1/codes/" + created->code.id);
    return res;
  });
  router.get("/api/v1/codes/{id}", [&codes](const Request& r) {
    auto found = codes.find(r.params.at("id"));
    if (!found) return error_response(found.error());
    return json_response(200, json::object{{"code", code_json(*found)}});
  });
  router.add("DELETE", "/api/v1/codes/{id}", [&codes](const Request& r) {
    auto removed = codes.remove(r.params.at("id"), adapters::http::request_actor(r));
    if (!removed) return error_response(removed.error());
    return json_response(202, json::object{{"code", code_json(*removed)}});
  });
  router.post("/api/v1/codes/{id}/retry", [&codes](const Request& r) {
    auto retried = codes.retry(r.params.at("id"), adapters::http::request_actor(r));
    if (!retried) return error_response(retried.error());
    return json_response(202, json::object{{"code", code_json(*retried)}});
  });
  router.get("/api/v1/locks/{id}/settings", [&codes](const Request& r) {
    const LockId& lock = r.params.at("id");
    auto held = codes.lock_settings(lock);
    if (!held) return error_response(held.error());
    return json_response(200, json::object{{"settings", settings_json(lock, *held)}});
  });
  router.add("PUT", "/api/v1/locks/{id}/settings", [&codes](const Request& r) {
    const LockId& lock = r.params.at("id");
    auto body = adapters::http::body_object(r);
    if (!body) return error_response(body.error());
    auto held = codes.lock_settings(lock);
    if (!held) return error_response(held.error());
    auto wanted = parse_settings(*body, *held ? (*held)->settings : core::LockSettings{});
    if (!wanted) return error_response(wanted.error());
    auto set = codes.set_lock_settings(lock, *wanted, adapters::http::request_actor(r));
    if (!set) return error_response(set.error());
    return json_response(202, json::object{{"settings", settings_json(lock, *set)}});
  });
}

}  // namespace lw::app
