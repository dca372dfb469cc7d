#include "core/hub/hub.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "core/audit/audit_detail.h"

namespace lw::core {
namespace {

std::string new_action_id(Random& random) {
  std::array<char, 20> buf{};
  std::snprintf(buf.data(), buf.size(), "a-%016llx", static_cast<unsigned long long>(random.next_u64()));
  return buf.data();
}

std::string unknown_lock_message(const LockId& id) { return "lock '" + id + "' not found"; }

/// Whether `next` is worth storing after `last`, the lock's last stored sample.
bool worth_keeping(const TelemetrySample& last, const TelemetrySample& next) {
  const bool stepped_back = next.t < last.t;  // the hub's clock was set back
  if (next.t - last.t >= Hub::kSampleInterval || stepped_back) return true;
  if (next.battery_pct && next.battery_pct != last.battery_pct) return true;
  if (next.rssi_dbm &&
      (!last.rssi_dbm || std::abs(*next.rssi_dbm - *last.rssi_dbm) >= Hub::kSampleRssiStepDb)) {
    return true;
  }
  return false;
}

std::string lock_target(const LockId& id) { return "lock:" + id; }
std::string case_target(std::uint64_t id) { return "case:" + std::to_string(id); }

Error about_history(Error e) {
  e.message = "telemetry history: " + e.message;
  return e;
}

}  // namespace

Hub::Hub(Clock& clock, Store& store, DeviceLink& link, EventSink& sink, Random& random, HubOptions options)
    : clock_(clock),
      store_(store),
      link_(link),
      sink_(sink),
      random_(random),
      options_(std::move(options)),
      health_(options_.health),
      doctor_(options_.doctor) {}

void Hub::place(const LockRecord& lock) {
  DevicePlace p;
  p.site = lock.site;
  p.cadence = lock.heartbeat;
  if (auto n = networks_.find(lock.id); n != networks_.end()) p.network = n->second;
  if (auto v = vias_.find(lock.id); v != vias_.end()) p.via = v->second;
  p.probe = true;  // until its link says it cannot ask (Hub::apply_health)
  p.sleepy = sleepy_.count(lock.id) != 0;
  BatteryProfile battery;
  battery.chemistry = parse_chemistry(lock.battery).value_or(Chemistry::unknown);
  battery.standby_ma = standby_ma(lock.transport);
  battery.ambient_c = lock.ambient_c;
  health_.place(lock.id, p, battery, lock.transport);
  doctor_.place(lock.id, lock.transport);
}

Result<void> Hub::load() {
  auto hubs = store_.load_hubs();
  if (!hubs) return hubs.error();
  for (auto& h : *hubs) hubs_[h.id] = std::move(h);
  auto sites = store_.load_sites();
  if (!sites) return sites.error();
  for (auto& s : *sites) sites_[s.id] = std::move(s);
  auto locks = store_.load_locks();
  if (!locks) return locks.error();
  for (auto& l : *locks) {
    place(l);
    // What was known before the restart: the last message, and a link already down.
    if (l.last_seen) health_.heard(l.id, *l.last_seen);
    if (l.last_seen && !l.link_up) health_.link_down(l.id, *l.last_seen, "offline before the hub restarted");
    (void)health_.take_changes();
    locks_[l.id] = std::move(l);
  }
  auto pending = store_.load_pending_actions();
  if (!pending) return pending.error();
  for (auto& a : *pending) pending_[a.id] = std::move(a);
  auto lessons = store_.load_lessons();
  if (!lessons) return lessons.error();
  for (const Lesson& l : *lessons) doctor_.relearn(l);
  return ok();
}

void Hub::keep_lessons() {
  for (const Lesson& l : doctor_.take_lessons()) {
    if (auto kept = store_.keep_lesson(l); !kept) ++lessons_lost_;
  }
}

Result<void> Hub::register_hub(const HubRecord& hub) {
  if (auto v = validate_id("hub.id", hub.id); !v) return v;
  if (auto r = store_.upsert_hub(hub); !r) return r;
  hubs_[hub.id] = hub;
  return ok();
}

Result<void> Hub::add_site(const SiteRecord& site) {
  if (auto v = validate_id("site.id", site.id); !v) return v;
  auto known = sites_.find(site.id);
  const bool changed = known == sites_.end() || known->second.name != site.name;
  if (auto r = store_.upsert_site(site); !r) return r;
  if (changed) {
    note("hub", known == sites_.end() ? "site.register" : "site.update", "site:" + site.id,
         audit_detail({{"name", site.name}}), "ok");
  }
  sites_[site.id] = site;
  return ok();
}

Result<void> Hub::add_lock(const LockRecord& lock) {
  if (auto v = validate_id("lock.id", lock.id); !v) return v;
  if (auto v = validate_id("lock.site", lock.site); !v) return v;
  if (!sites_.contains(lock.site)) {
    if (auto r = add_site({lock.site, lock.site}); !r) return r;
  }
  auto it = locks_.find(lock.id);
  LockRecord merged = lock;
  if (it != locks_.end()) {
    // Configuration names the lock; what the lock reported stays.
    merged = it->second;
    merged.name = lock.name;
    merged.site = lock.site;
    merged.transport = lock.transport;
    merged.battery = lock.battery;
  }
  const bool changed = it == locks_.end() || it->second.name != lock.name || it->second.site != lock.site ||
                       it->second.transport != lock.transport || it->second.battery != lock.battery;
  if (auto r = store_.upsert_lock(merged); !r) return r;
  if (changed) {
    note("hub", it == locks_.end() ? "lock.register" : "lock.update", lock_target(lock.id),
         audit_detail({{"site", merged.site},
                       {"name", merged.name},
                       {"transport", to_string(merged.transport)},
                       {"battery", merged.battery}}),
         "ok");
  }
  place(merged);
  locks_[lock.id] = std::move(merged);
  return ok();
}

LockRecord* Hub::known_lock(const LockAddress& from) {
  auto it = locks_.find(from.lock);
  if (it != locks_.end()) {
    if (it->second.site != from.site) return nullptr;  // a lock id under another site is an impostor
    return &it->second;
  }
  if (!options_.auto_register) return nullptr;
  if (!sites_.contains(from.site)) {
    if (!add_site({from.site, from.site})) return nullptr;
  }
  LockRecord fresh;
  fresh.id = from.lock;
  fresh.site = from.site;
  fresh.name = from.lock;
  place(fresh);
  note("hub", "lock.register", lock_target(fresh.id),
       audit_detail({{"site", fresh.site}, {"source", "first heard on the wire (auto_register)"}}), "ok");
  auto [pos, inserted] = locks_.emplace(fresh.id, std::move(fresh));
  return &pos->second;
}

Result<void> Hub::persist(LockRecord& lock) {
  if (auto r = store_.upsert_lock(lock); !r) return r;
  sink_.lock_changed(lock);
  return ok();
}

Result<void> Hub::record(EventRecord event) {
  auto id = store_.append_event(event);
  if (!id) return id.error();
  if (!*id) return ok();  // a redelivered device event
  event.id = **id;
  sink_.event_recorded(event);
  return ok();
}

Result<void> Hub::set_code_backup(const LockId& lock, bool verified) {
  if (find_lock(lock) == nullptr) return not_found("no lock " + lock);
  doctor_.backup(lock, verified);
  return ok();
}

Result<void> Hub::record_event(EventRecord event) {
  if (locks_.find(event.lock) == locks_.end()) return not_found(unknown_lock_message(event.lock));
  if (event.ts == Timestamp{}) event.ts = clock_.now();
  event.device_seq.reset();
  return record(std::move(event));
}

void Hub::count_message(const LockRecord& lock) {
  ++accepted_;
  ++heard_[lock.transport];
}

Result<void> Hub::touch(LockRecord& lock) {
  // The hub's clock decides liveness; a lock's own clock may be wrong.
  lock.last_seen = clock_.now();
  count_message(lock);
  health_.heard(lock.id, clock_.now());
  apply_health();
  return ok();
}

void Hub::apply_health() {
  std::vector<ConnectivityChange> changes = health_.take_changes();
  std::vector<IncidentChange> incidents = health_.take_incident_changes();
  doctor_.update(clock_.now(), health_, changes, incidents);
  for (const ConnectivityChange& c : changes) {
    auto it = locks_.find(c.lock);
    if (it == locks_.end()) continue;
    LockRecord& lock = it->second;
    lock.connectivity = c.to;
    lock.connectivity_since = c.at;
    (void)persist(lock);
    // A report running late and then arriving is the state, not history.
    const bool flicker = (c.from == Connectivity::online && c.to == Connectivity::suspect) ||
                         (c.from == Connectivity::suspect && c.to == Connectivity::online);
    if (flicker) continue;
    EventRecord e;
    e.lock = lock.id;
    e.ts = c.at;
    e.kind = EventKind::connectivity;
    e.detail = std::string(to_string(c.to));
    if (!c.why.empty()) e.detail += ": " + c.why;
    (void)record(std::move(e));
  }
  // Incidents shared by several locks (or a bridge's) are told on each
  // member's history; a lock's own outage is its connectivity event.
  for (const IncidentChange& c : incidents) {
    const Incident* inc = health_.liveness().incident(c.incident);
    if (inc == nullptr) continue;
    const bool shared = inc->scope != IncidentScope::lock;
    const std::string what = "incident " + std::to_string(inc->id) + " (" +
                             std::string(to_string(inc->scope)) + " " + inc->subject + ", " +
                             std::to_string(inc->members.size()) +
                             (inc->members.size() == 1 ? " lock)" : " locks)");
    std::vector<LockId> tell;
    std::string detail;
    switch (c.what) {
      case IncidentChange::What::opened:
        if (shared) tell = inc->members;
        detail = what + " opened";
        break;
      case IncidentChange::What::grew:
        if (inc->members.size() == 2) tell = inc->members;  // it just became shared
        if (inc->members.size() > 2) tell = {inc->members.back()};
        detail = what + ": " + (tell.empty() ? std::string() : tell.back()) + " joined";
        break;
      case IncidentChange::What::closed:
        if (shared && inc->members.size() > 1) tell = inc->members;
        detail = what + " closed";
        break;
    }
    for (const LockId& member : tell) record_health(member, detail, c.at);
  }
  for (HealthNotice& n : health_.take_notices()) {
    sink_.health_noticed(n);
    record_health(n.lock, std::move(n.words), n.at);
  }
  // A lock whose report is overdue is asked whether it still hears: a
  // native lock gets a signed ping (protocol 5.6), a bridged one its
  // adapter's own request. Any answer is a message heard; silence until the
  // probe's time-out makes the lock offline. A link that cannot ask is not
  // asked again.
  for (const LockId& id : health_.take_probes()) {
    auto it = locks_.find(id);
    if (it == locks_.end()) continue;
    auto counter = store_.next_command_counter(options_.key_id);
    if (!counter) continue;  // the probe's deadline passes as if unanswered: the store is failing
    Command ping;
    ping.id = std::string(kPingIdPrefix) + new_action_id(random_).substr(2);
    ping.target = it->second.address();
    ping.ping = true;
    ping.issued_at = clock_.now();
    ping.expires_at = ping.issued_at + options_.health.liveness.probe_timeout;
    ping.key_id = options_.key_id;
    ping.counter = *counter;
    if (auto r = link_.probe(ping); !r && r.error().code == ErrorCode::failed_precondition) {
      health_.cannot_probe(id, clock_.now());
    }
  }
}

Result<void> Hub::on_status(const LockAddress& from, const StatusReport& status) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  lock->link_up = status.online;
  if (status.online) {
    (void)touch(*lock);
  } else {
    count_message(*lock);
    if (!lock->last_seen) lock->last_seen = clock_.now();
    // A Last Will carries no time; the lock's own clean goodbye does.
    health_.link_down(lock->id, clock_.now(), status.ts ? "the lock said it is going offline" : "Last Will");
    apply_health();
  }
  return persist(*lock);
}

Result<void> Hub::on_telemetry(const LockAddress& from, const Telemetry& t) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  if (t.battery_mv) lock->battery_mv = t.battery_mv;
  if (t.battery_pct) lock->battery_pct = t.battery_pct;
  if (t.rssi_dbm) lock->rssi_dbm = t.rssi_dbm;
  if (t.firmware) lock->firmware = *t.firmware;
  if (t.uptime_s) lock->uptime_s = t.uptime_s;
  if (t.reboot_count) lock->reboot_count = t.reboot_count;
  if (t.boot_reason) lock->boot_reason = *t.boot_reason;
  if (t.heartbeat) lock->heartbeat = *t.heartbeat;
  if (t.transport) lock->transport = *t.transport;
  if (t.name && lock->name == lock->id) lock->name = *t.name;
  // Telemetry proves the link is up even if the retained status was missed.
  lock->link_up = true;
  if (t.ssid) networks_[lock->id] = network_id(lock->site, *t.ssid);
  if (t.transport || t.ssid) place(*lock);
  count_message(*lock);
  lock->last_seen = clock_.now();
  health_.telemetry(lock->id, clock_.now(), t);
  doctor_.evidence().telemetry(lock->id, clock_.now(), t, lock->heartbeat);
  apply_health();
  if (auto r = persist(*lock); !r) return r;
  return record_sample(*lock, t);
}

Result<void> Hub::record_sample(const LockRecord& lock, const Telemetry& t) {
  TelemetrySample s;
  s.lock = lock.id;
  s.t = clock_.now();
  s.battery_pct = t.battery_pct;
  s.voltage_mv = t.battery_mv;
  s.rssi_dbm = t.rssi_dbm;
  s.temperature_c = t.temperature_c;
  if (!s.battery_pct && !s.voltage_mv && !s.rssi_dbm && !s.temperature_c) return ok();  // nothing to chart
  auto last = last_sample_.find(lock.id);
  if (last != last_sample_.end() && !worth_keeping(last->second, s)) return ok();
  // Not remembered unless stored: the next message tries again.
  if (auto r = store_.append_sample(s); !r) return about_history(r.error());
  last_sample_[lock.id] = s;
  const std::int64_t today = utc_day(s.t);
  if (pruned_day_ == today) return ok();
  auto deleted = store_.delete_samples_before(s.t - kTelemetryRetention);
  if (!deleted) return about_history(deleted.error());
  pruned_day_ = today;
  return ok();
}

Result<void> Hub::on_state(const LockAddress& from, const StateReport& state) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  lock->lock_state = state.lock_state;
  lock->door_state = state.door_state;
  lock->link_up = true;
  (void)touch(*lock);
  doctor_.evidence().state(lock->id, clock_.now(), state.lock_state);
  return persist(*lock);
}

Result<void> Hub::on_event(const LockAddress& from, const DeviceEvent& event) {
  return apply_event(from, event, true);
}

Result<void> Hub::on_reported_event(const LockAddress& from, const DeviceEvent& event) {
  return apply_event(from, event, false);
}

Result<void> Hub::apply_event(const LockAddress& from, const DeviceEvent& event, bool sequenced) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  lock->link_up = true;
  (void)touch(*lock);
  if (event.kind == DeviceEventKind::lock_operation) {
    health_.operation(lock->id, clock_.now());
    doctor_.evidence().operated(lock->id, clock_.now());
  }
  if (event.alarm) {
    if (*event.alarm == "firmware_update") health_.updating(lock->id, clock_.now());
    doctor_.evidence().alarm(lock->id, clock_.now(), *event.alarm);
  }
  health_.event_delivered(lock->id, event.ts, clock_.now());
  apply_health();
  EventRecord e;
  e.lock = lock->id;
  e.ts = event.ts;
  if (sequenced) e.device_seq = event.seq;
  e.user = event.user;
  e.source = event.source;
  if (event.kind == DeviceEventKind::lock_operation) {
    e.kind = EventKind::lock_operation;
    e.operation = event.operation;
  } else {
    e.kind = EventKind::alarm;
    e.detail = event.alarm.value_or("alarm");
  }
  if (auto r = record(std::move(e)); !r) return r;
  return persist(*lock);
}

Result<void> Hub::on_command_result(const LockAddress& from, const CommandResult& result) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  lock->link_up = true;
  (void)touch(*lock);
  if (result.lock_state) lock->lock_state = *result.lock_state;
  if (auto r = persist(*lock); !r) return r;

  if (remedy_answered(*lock, result)) return ok();
  auto it = pending_.find(result.command_id);
  if (it == pending_.end() || it->second.lock != lock->id) {
    // A result for an action already finished (expired, or a duplicate delivery): keep the first verdict.
    return ok();
  }
  Action& action = it->second;
  if (result.outcome == CommandOutcome::ok) {
    return finish_action(action, ActionStatus::succeeded, "", result.detail);
  }
  return finish_action(action, ActionStatus::failed, std::string(to_string(result.outcome)), result.detail);
}

void Hub::on_rejected(const std::string& reason) { ++rejected_[reason]; }

Result<void> Hub::set_via(const LockId& lock, const std::string& via) {
  auto it = locks_.find(lock);
  if (it == locks_.end()) return not_found(unknown_lock_message(lock));
  if (auto v = vias_.find(lock); v != vias_.end() && v->second == via) return ok();
  vias_[lock] = via;
  place(it->second);
  return ok();
}

Result<void> Hub::set_sleepy(const LockId& lock, bool sleepy) {
  auto it = locks_.find(lock);
  if (it == locks_.end()) return not_found(unknown_lock_message(lock));
  if ((sleepy_.count(lock) != 0) == sleepy) return ok();
  if (sleepy) {
    sleepy_.insert(lock);
  } else {
    sleepy_.erase(lock);
  }
  place(it->second);
  return ok();
}

void Hub::on_bridge_state(const std::string& via, bool up) {
  health_.via_state(via, up, clock_.now());
  apply_health();
}

void Hub::on_mesh_router_gone(const std::string& via) { doctor_.evidence().router_gone(via, clock_.now()); }

void Hub::on_bridge_firmware(const std::string& via, const std::string& version) {
  doctor_.evidence().bridge_firmware(via, clock_.now(), version);
}

Result<void> Hub::on_availability(const LockAddress& from, bool online, const std::string& who) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  lock->link_up = online;
  if (online) {
    (void)touch(*lock);
  } else {
    count_message(*lock);
    if (!lock->last_seen) lock->last_seen = clock_.now();
    health_.link_down(lock->id, clock_.now(), who);
    apply_health();
  }
  return persist(*lock);
}

Result<void> Hub::on_signal(const LockAddress& from, double value) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  health_.signal(lock->id, clock_.now(), value);
  return ok();
}

Result<void> Hub::on_updating(const LockAddress& from) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  health_.updating(lock->id, clock_.now());
  apply_health();
  return ok();
}

Result<void> Hub::on_update_available(const LockAddress& from, bool available) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  if (doctor_.update_available(lock->id, available) && available)
    record_health(lock->id, "its bridge has a firmware update for it");
  return ok();
}

Result<void> Hub::on_update_result(const LockAddress& from, bool installed, const std::string& detail) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  record_health(lock->id, installed ? "its bridge installed the firmware update"
                                    : "its bridge could not install the firmware update: " + detail);
  if (installed) doctor_.update_available(lock->id, false);
  for (auto it = remedies_.begin(); it != remedies_.end(); ++it) {
    Remedy& r = it->second;
    if (r.lock != lock->id || r.step != Step::update_firmware) continue;
    if (installed) {
      r.installed = true;  // fixed once the lock is online (run_remedies)
    } else {
      const Remedy done = r;
      remedies_.erase(it);
      (void)report_outcome(done.case_id, Outcome{Step::update_firmware, false}, "hub");
    }
    break;
  }
  return ok();
}

Result<void> Hub::on_rejoined(const LockAddress& from) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  lock->link_up = true;
  doctor_.evidence().rejoined(lock->id, clock_.now());
  (void)touch(*lock);
  return persist(*lock);
}

Result<void> Hub::on_bridge_log(const LockAddress& from, BridgeLog what) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  doctor_.evidence().bridge_log(lock->id, clock_.now(), what);
  return ok();
}

Result<void> Hub::on_request_failed(const LockAddress& from) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  const Timestamp now = clock_.now();
  health_.command(lock->id, now, std::nullopt, ActionStatus::expired, now);
  doctor_.evidence().command(lock->id, now, false);
  apply_health();
  return ok();
}

Result<void> Hub::on_command_failed(const LockAddress& from, const ActionId& id, std::string reason,
                                    std::string detail) {
  LockRecord* lock = known_lock(from);
  if (!lock) return not_found(unknown_lock_message(from.lock));
  auto it = pending_.find(id);
  if (it == pending_.end() || it->second.lock != lock->id) return ok();  // already finished
  return finish_action(it->second, ActionStatus::failed, std::move(reason), std::move(detail));
}

Result<Action> Hub::request_action(const LockId& lock_id, LockAction what, const std::string& actor) {
  const std::string target = lock_target(lock_id);
  auto it = locks_.find(lock_id);
  if (it == locks_.end()) {
    note(actor, "command.request", target,
         audit_detail({{"action", to_string(what)}, {"error", unknown_lock_message(lock_id)}}), "rejected");
    return not_found(unknown_lock_message(lock_id));
  }
  auto counter = store_.next_command_counter(options_.key_id);
  if (!counter) {
    note(actor, "command.request", target,
         audit_detail({{"action", to_string(what)}, {"error", counter.error().message}}), "failed");
    return counter.error();
  }
  Action action;
  action.id = new_action_id(random_);
  action.lock = lock_id;
  action.site = it->second.site;
  action.action = what;
  action.status = ActionStatus::pending;
  action.created_at = clock_.now();
  action.expires_at = action.created_at + options_.command_ttl;
  action.counter = *counter;
  action.key_id = options_.key_id;
  const std::string counter_text = std::to_string(action.counter);
  // Nothing is stored or sent that the audit log does not show.
  if (audit_ != nullptr) {
    AuditEntry entry{clock_.now(),
                     actor,
                     "command.request",
                     target,
                     audit_detail({{"action", to_string(what)},
                                   {"action_id", action.id},
                                   {"site", action.site},
                                   {"key_id", action.key_id},
                                   {"counter", counter_text}}),
                     "accepted"};
    if (auto a = audit_->append(entry); !a) {
      ++audit_failures_;
      return Error{ErrorCode::unavailable, "audit log: " + a.error().message};
    }
  }
  if (auto r = store_.save_action(action); !r) {
    note(actor, "command.result", target,
         audit_detail({{"action", to_string(what)}, {"action_id", action.id}, {"error", r.error().message}}),
         "failed");
    return r.error();
  }
  auto [pos, inserted] = pending_.emplace(action.id, action);
  sink_.action_changed(action);
  const bool sent = send(pos->second);
  note("hub", "command.send", target,
       sent ? audit_detail({{"action", to_string(what)}, {"action_id", action.id}})
            : audit_detail(
                  {{"action", to_string(what)}, {"action_id", action.id}, {"retry", "until it expires"}}),
       sent ? "sent" : "not_sent");
  return action;
}

Result<Action> Hub::relay_action(const LockId& lock_id, const Command& command, std::string_view envelope,
                                 const std::string& actor) {
  auto it = locks_.find(lock_id);
  if (it == locks_.end()) return not_found(unknown_lock_message(lock_id));
  if (command.target.lock != lock_id || command.target.site != it->second.site) {
    return invalid_argument("envelope.body.lock", "the command is addressed to another lock");
  }
  auto existing = store_.find_action(command.id);
  if (!existing) return existing.error();
  if (*existing || pending_.contains(command.id)) {
    return Error{ErrorCode::conflict, "an action with this id exists: a command is relayed once"};
  }
  Action action;
  action.id = command.id;
  action.lock = lock_id;
  action.site = it->second.site;
  action.action = command.action;
  action.status = ActionStatus::pending;
  action.created_at = clock_.now();
  action.expires_at = std::max(command.expires_at, action.created_at);
  action.counter = command.counter;
  action.key_id = command.key_id;
  // Nothing is stored or sent that the audit log does not show.
  const std::string target = lock_target(lock_id);
  if (audit_ != nullptr) {
    AuditEntry entry{clock_.now(),
                     actor,
                     "command.relay",
                     target,
                     audit_detail({{"action", to_string(action.action)},
                                   {"action_id", action.id},
                                   {"site", action.site},
                                   {"key_id", action.key_id},
                                   {"counter", std::to_string(action.counter)}}),
                     "accepted"};
    if (auto a = audit_->append(entry); !a) {
      ++audit_failures_;
      return Error{ErrorCode::unavailable, "audit log: " + a.error().message};
    }
  }
  if (auto r = store_.save_action(action); !r) return r.error();
  auto [pos, inserted] = pending_.emplace(action.id, action);
  sink_.action_changed(action);
  if (auto sent = link_.relay_envelope(command.target, envelope); !sent) {
    note("hub", "command.send", target,
         audit_detail({{"action_id", action.id}, {"error", sent.error().message}}), "not_sent");
    (void)finish_action(pos->second, ActionStatus::failed, "undelivered", sent.error().message);
    return Error{ErrorCode::unavailable, "the lock could not be reached: " + sent.error().message};
  }
  note("hub", "command.send", target, audit_detail({{"action_id", action.id}}), "sent");
  return action;
}

bool Hub::send(Action& action) {
  Command c;
  c.id = action.id;
  c.target = {action.site, action.lock};
  c.action = action.action;
  c.issued_at = action.created_at;
  c.expires_at = action.expires_at;
  c.key_id = action.key_id;
  c.counter = action.counter;
  if (link_.send_command(c)) {
    unsent_.erase(action.id);
    return true;
  }
  unsent_[action.id] = true;
  return false;
}

void Hub::note(std::string actor, std::string action, std::string target, std::string detail,
               std::string outcome) {
  if (audit_ == nullptr) return;
  AuditEntry entry{clock_.now(),      std::move(actor),  std::move(action),
                   std::move(target), std::move(detail), std::move(outcome)};
  if (!audit_->append(entry)) ++audit_failures_;
}

Result<std::uint64_t> Hub::audit(AuditEntry entry) {
  if (entry.actor.empty()) return invalid_argument("actor", "must not be empty");
  if (entry.action.empty()) return invalid_argument("action", "must not be empty");
  if (entry.outcome.empty()) return invalid_argument("outcome", "must not be empty");
  if (entry.detail.empty()) entry.detail = "{}";
  if (audit_ == nullptr) return std::uint64_t{0};
  entry.time = clock_.now();
  auto seq = audit_->append(entry);
  if (!seq) {
    ++audit_failures_;
    return Error{seq.error().code, "audit log: " + seq.error().message};
  }
  return *seq;
}

Result<std::vector<AuditRecord>> Hub::audit_records(std::uint64_t since_seq, int limit) {
  if (limit < 1 || limit > 1000) return invalid_argument("limit", "must be 1..1000");
  if (audit_ == nullptr) return failed_precondition("this hub keeps no audit log");
  return audit_->list(since_seq, limit);
}

Result<void> Hub::finish_action(Action& action, ActionStatus status, std::string reason, std::string detail) {
  Action done = action;
  done.status = status;
  done.reason = std::move(reason);
  done.detail = std::move(detail);
  done.completed_at = clock_.now();
  if (auto r = store_.save_action(done); !r) return r;  // stays pending in memory; a later result retries
  // The lock's own answer is the lock's word; expiry and adapter failures are the hub's.
  const bool answered = status == ActionStatus::succeeded || done.reason == "refused" ||
                        (status == ActionStatus::failed && done.reason != "undelivered");
  note(answered ? lock_target(done.lock) : "hub", "command.result", lock_target(done.lock),
       audit_detail({{"action", to_string(done.action)},
                     {"action_id", done.id},
                     {"reason", done.reason},
                     {"detail", done.detail}}),
       std::string(to_string(status)));
  EventRecord e;
  e.lock = done.lock;
  e.ts = clock_.now();
  e.kind = EventKind::command;
  e.operation = done.action;
  e.source = OperationSource::remote;
  e.detail = std::string(to_string(status));
  if (!done.reason.empty()) e.detail += ": " + done.reason;
  unsent_.erase(done.id);
  pending_.erase(done.id);
  sink_.action_changed(done);
  std::optional<Duration> latency;
  if (status != ActionStatus::expired) latency = *done.completed_at - done.created_at;
  commands_.finished(status, latency);
  health_.command(done.lock, done.created_at, done.completed_at, done.status, clock_.now());
  doctor_.evidence().command(done.lock, clock_.now(), done.status == ActionStatus::succeeded);
  apply_health();
  return record(std::move(e));
}

Result<void> Hub::on_app_report(const LockAddress& from, const AppReport& report) {
  if (!locks_.contains(report.lock)) return not_found(unknown_lock_message(report.lock));
  ++accepted_;
  (void)from;
  if (report.ok) return ok();
  if (report.reason == "bluetooth_permission_denied")
    doctor_.evidence().app(report.lock, clock_.now(), AppComplaint::permission_denied);
  if (report.reason == "app_outdated")
    doctor_.evidence().app(report.lock, clock_.now(), AppComplaint::too_old);
  apply_health();
  return ok();
}

Result<Plan> Hub::report_outcome(std::uint64_t case_id, Outcome outcome, const std::string& actor) {
  auto plan = doctor_.outcome(case_id, outcome, clock_.now(), health_);
  keep_lessons();
  const std::string step(to_string(outcome.step));
  const bool question = info(outcome.step).kind == StepKind::observation;
  const std::string answer =
      question ? (outcome.fixed_or_yes ? "yes" : "no") : (outcome.fixed_or_yes ? "fixed" : "not_fixed");
  note(actor, "case.outcome", case_target(case_id), audit_detail({{"step", step}, {"answer", answer}}),
       plan ? "ok" : "rejected");
  if (!plan) return not_found("case " + std::to_string(case_id) + " is not open");
  return *plan;
}

Result<void> Hub::confirm_cause(std::uint64_t case_id, Cause cause, const std::string& actor) {
  const bool confirmed = doctor_.confirm(case_id, cause, clock_.now());
  keep_lessons();
  note(actor, "case.confirm_cause", case_target(case_id), audit_detail({{"cause", to_string(cause)}}),
       confirmed ? "ok" : "rejected");
  if (!confirmed) return not_found("case " + std::to_string(case_id) + " not found");
  return ok();
}

void Hub::tick() {
  Timestamp now = clock_.now();
  health_.tick(now);
  apply_health();
  std::vector<ActionId> expired;
  for (auto& [id, action] : pending_) {
    if (now >= action.expires_at) {
      expired.push_back(id);
    } else if (unsent_.contains(id)) {
      send(action);
    }
  }
  for (const auto& id : expired) {
    auto it = pending_.find(id);
    if (it == pending_.end()) continue;
    (void)finish_action(it->second, ActionStatus::expired, "expired",
                        "the lock did not answer before the command expired");
  }
  run_remedies();
}

void Hub::run_remedies() {
  const Timestamp now = clock_.now();
  for (auto it = remedies_.begin(); it != remedies_.end();) {
    const Remedy& r = it->second;
    const bool online = health_.liveness().state(r.lock) == Connectivity::online;
    const bool back = online && ((r.step == Step::power_cycle_hub && r.lock_was_down) ||
                                 (r.step == Step::update_firmware && r.installed));
    if (back && r.step == Step::power_cycle_hub) {
      record_health(r.lock, "the lock is back after the hub restarted its bridge");
    } else if (!back && now < r.expires_at) {
      ++it;
      continue;
    }
    // Unanswered, or not back: the step did not help (the lock may not hear); the plan moves on.
    const Remedy done = r;
    it = remedies_.erase(it);
    (void)report_outcome(done.case_id, Outcome{done.step, back}, "hub");
  }
  for (const Case* c : doctor_.open_cases()) {
    if (c->plan.steps.empty()) continue;
    const PlannedStep& next = c->plan.steps.front();
    if (!next.automatic || tried_.contains({c->id, next.step})) continue;
    auto lock = locks_.find(c->lock);
    if (lock == locks_.end()) continue;
    auto via = vias_.find(c->lock);
    if (next.step == Step::recalibrate && via == vias_.end()) {
      // Only lockwarden's own firmware has it.
      if (!recalibrate(*c, lock->second, now)) return;  // the doctor re-planned: the cases changed
    } else if (next.step == Step::power_cycle_hub && via != vias_.end()) {
      if (!restart_bridge(*c, lock->second, via->second, now)) return;
    } else if (next.step == Step::update_firmware && via != vias_.end() &&
               health_.liveness().state(c->lock) != Connectivity::updating) {
      // An install already running is waited out; one the bridge has is started.
      if (!update_firmware(*c, lock->second, via->second, now)) return;
    }
  }
}

bool Hub::recalibrate(const Case& c, const LockRecord& lock, Timestamp now) {
  auto counter = store_.next_command_counter(options_.key_id);
  if (!counter) return true;  // the store is failing: try at the next tick
  Command command;
  command.id = new_action_id(random_);
  command.target = lock.address();
  command.recalibrate = true;
  command.issued_at = now;
  command.expires_at = now + options_.command_ttl;
  command.key_id = options_.key_id;
  command.counter = *counter;
  tried_.insert({c.id, Step::recalibrate});
  const std::string target = "lock:" + c.lock;
  if (auto sent = link_.send_command(command); !sent) {
    note("hub", "remedy.recalibrate", target, audit_detail({{"case", std::to_string(c.id)}}), "undelivered");
    (void)report_outcome(c.id, Outcome{Step::recalibrate, false}, "hub");
    return false;
  }
  note("hub", "remedy.recalibrate", target,
       audit_detail({{"case", std::to_string(c.id)}, {"command_id", command.id}}), "sent");
  remedies_[command.id] = Remedy{c.id, Step::recalibrate, c.lock, command.expires_at};
  record_health(c.lock, "the hub asked the lock to recalibrate its bolt (case " + std::to_string(c.id) + ")");
  return true;
}

bool Hub::restart_bridge(const Case& c, const LockRecord& lock, const std::string& via, Timestamp now) {
  tried_.insert({c.id, Step::power_cycle_hub});
  const std::string target = "bridge:" + via;
  if (auto done = link_.restart_bridge(lock.address()); !done) {
    note("hub", "remedy.power_cycle_hub", target,
         audit_detail({{"case", std::to_string(c.id)}, {"lock", c.lock}, {"reason", done.error().message}}),
         "refused");
    (void)report_outcome(c.id, Outcome{Step::power_cycle_hub, false}, "hub");
    return false;
  }
  note("hub", "remedy.power_cycle_hub", target,
       audit_detail({{"case", std::to_string(c.id)}, {"lock", c.lock}}), "sent");
  remedies_[new_action_id(random_)] =
      Remedy{c.id, Step::power_cycle_hub, c.lock, now + options_.bridge_restart_wait,
             is_down(health_.liveness().state(c.lock))};
  record_health(
      c.lock, "the hub restarted the software of its bridge " + via + " (case " + std::to_string(c.id) + ")");
  return true;
}

bool Hub::update_firmware(const Case& c, const LockRecord& lock, const std::string& via, Timestamp now) {
  tried_.insert({c.id, Step::update_firmware});
  const std::string target = "lock:" + c.lock;
  const std::string case_id = std::to_string(c.id);
  std::string refused;
  if (lock.battery_pct && *lock.battery_pct < options_.firmware_update_min_battery_pct) {
    refused = "its battery reads " + std::to_string(*lock.battery_pct) + " %, under " +
              std::to_string(options_.firmware_update_min_battery_pct) + " %";
  } else if (auto asked = link_.update_firmware(lock.address()); !asked) {
    refused = asked.error().message;
  }
  if (!refused.empty()) {
    note("hub", "remedy.update_firmware", target, audit_detail({{"case", case_id}, {"reason", refused}}),
         "refused");
    record_health(c.lock,
                  "the hub did not start the firmware update: " + refused + " (case " + case_id + ")");
    (void)report_outcome(c.id, Outcome{Step::update_firmware, false}, "hub");
    return false;
  }
  note("hub", "remedy.update_firmware", target, audit_detail({{"case", case_id}, {"bridge", via}}), "sent");
  remedies_[new_action_id(random_)] =
      Remedy{c.id, Step::update_firmware, c.lock, now + options_.firmware_update_wait, false, false};
  record_health(c.lock, "the hub asked its bridge " + via + " to install the firmware update (case " +
                            case_id + "); the lock may be offline meanwhile");
  return true;
}

void Hub::record_health(const LockId& lock, std::string detail, std::optional<Timestamp> at) {
  EventRecord e;
  e.lock = lock;
  e.ts = at.value_or(clock_.now());
  e.kind = EventKind::health;
  e.detail = std::move(detail);
  (void)record(std::move(e));
}

bool Hub::remedy_answered(const LockRecord& lock, const CommandResult& result) {
  auto it = remedies_.find(result.command_id);
  if (it == remedies_.end() || it->second.lock != lock.id) return false;
  const Remedy remedy = it->second;
  remedies_.erase(it);
  // Fixed only when the lock did it and its bolt now sits where it should.
  const bool fixed = result.outcome == CommandOutcome::ok && result.lock_state &&
                     (*result.lock_state == LockState::locked || *result.lock_state == LockState::unlocked);
  record_health(lock.id,
                fixed ? "the lock recalibrated its bolt: " + std::string(to_string(*result.lock_state))
                      : "the recalibration did not help: " +
                            (result.detail.empty() ? std::string(to_string(result.outcome)) : result.detail));
  (void)report_outcome(remedy.case_id, Outcome{remedy.step, fixed}, "hub");
  return true;
}

std::vector<LockRecord> Hub::locks() const {
  std::vector<LockRecord> out;
  out.reserve(locks_.size());
  for (const auto& [id, l] : locks_) out.push_back(l);
  return out;
}

std::vector<SiteRecord> Hub::sites() const {
  std::vector<SiteRecord> out;
  for (const auto& [id, s] : sites_) out.push_back(s);
  return out;
}

std::vector<HubRecord> Hub::hubs() const {
  std::vector<HubRecord> out;
  for (const auto& [id, h] : hubs_) out.push_back(h);
  return out;
}

const LockRecord* Hub::find_lock(const LockId& id) const {
  auto it = locks_.find(id);
  return it == locks_.end() ? nullptr : &it->second;
}

Result<Action> Hub::find_action(const ActionId& id) {
  if (auto it = pending_.find(id); it != pending_.end()) return it->second;
  auto stored = store_.find_action(id);
  if (!stored) return stored.error();
  if (!*stored) return not_found("action '" + id + "' not found");
  return **stored;
}

Result<LockHealth> Hub::health(const LockId& lock) const {
  if (!locks_.contains(lock)) return not_found(unknown_lock_message(lock));
  return health_.health(lock, clock_.now());
}

Result<EventPage> Hub::events(const LockId& lock, int limit, std::optional<std::int64_t> before) {
  if (!locks_.contains(lock)) return not_found(unknown_lock_message(lock));
  if (limit < 1 || limit > 1000) return invalid_argument("limit", "must be 1..1000");
  return store_.list_events(lock, limit, before);
}

Result<std::vector<TelemetryPoint>> Hub::history(const LockId& lock, Timestamp since, Timestamp until,
                                                 int max_points) {
  if (!locks_.contains(lock)) return not_found(unknown_lock_message(lock));
  if (until < since) return invalid_argument("until", "must not be before since");
  if (max_points < 1) return invalid_argument("max_points", "must be at least 1");
  return store_.list_samples(lock, since, until, max_points);
}

}  // namespace lw::core
