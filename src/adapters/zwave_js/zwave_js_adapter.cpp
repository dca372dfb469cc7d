#include "adapters/zwave_js/zwave_js_adapter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "protocol/code_crypto.h"

namespace lw::adapters::zwave_js {
namespace {

constexpr std::string_view kWho = "Z-Wave JS node status";
constexpr int kAccessControl = 6;

/// SetValueStatus: the command reached the node (and, for 255, was carried out).
constexpr int kSetValueWorking = 1;
constexpr int kSetValueSuccessUnsupervised = 254;
constexpr int kSetValueSuccess = 255;

std::string set_value_failure(int status) {
  switch (status) {
    case 0: return "the node does not support setting this value (NoDeviceSupport)";
    case 2: return "the node refused the command (Fail)";
    case 3: return "no such endpoint (EndpointNotFound)";
    case 4: return "not implemented for this node (NotImplemented)";
    case 5: return "the value was invalid (InvalidValue)";
    default: return "SetValueStatus " + std::to_string(status);
  }
}

}  // namespace

LockId lock_id_for(std::string_view prefix, int node_id) {
  return std::string(prefix) + "-" + std::to_string(node_id);
}

ZwaveJsAdapter::ZwaveJsAdapter(Options options, core::Hub& hub, Send send)
    : options_(std::move(options)), hub_(hub), send_(std::move(send)) {}

void ZwaveJsAdapter::reject(const std::string& reason) {
  const std::string counted = "zwave-js: " + reason;
  hub_.on_rejected(counted);
  if (reported_.insert(counted).second) {
    spdlog::warn("rejected a message: {} (further rejections for this reason are only counted)", counted);
  }
}

void ZwaveJsAdapter::complain(const LockId& lock, const Result<void>& r, std::string_view what) {
  if (!r) spdlog::error("zwave-js: could not apply {} of {}: {}", what, lock, r.error().to_string());
}

std::string ZwaveJsAdapter::next_id() { return "lw-" + std::to_string(++sequence_); }

Result<void> ZwaveJsAdapter::send(std::string_view text) { return send_(text); }

ZwaveJsAdapter::Tracked* ZwaveJsAdapter::by_node(int node_id) {
  auto it = nodes_.find(node_id);
  return it == nodes_.end() ? nullptr : &it->second;
}

void ZwaveJsAdapter::connected() {
  listening_ = false;
  waiting_.clear();
  for (auto& [node, t] : nodes_) t.codes.clear();  // the sync sends them again
}

void ZwaveJsAdapter::disconnected(const std::string& why) {
  const bool was_listening = listening_;
  listening_ = false;
  // Actions on their way fail now: their answers would come on a connection that is gone.
  for (auto& [node, t] : nodes_) {
    t.codes.clear();  // the sync sends them again
    if (!std::exchange(t.installing, false)) continue;
    complain(t.id,
             hub_.on_update_result(t.address, false,
                                   "the connection to the Z-Wave JS server closed during the install"),
             "an update's result");
  }
  for (auto& [message_id, w] : std::exchange(waiting_, {})) {
    if (w.kind != Waiting::Kind::action || !w.action) continue;
    if (Tracked* t = by_node(w.node_id)) {
      complain(t->id,
               hub_.on_command_failed(t->address, *w.action, "undelivered",
                                      "the connection to the Z-Wave JS server closed"),
               "a lost command");
    }
  }
  if (!nodes_.empty() && !told_down_) {
    spdlog::warn("zwave-js: the server {} is unreachable ({}); its {} locks are unreachable", options_.via,
                 why, nodes_.size());
    hub_.on_bridge_state(options_.via, false);
    told_down_ = true;
  } else if (was_listening) {
    spdlog::warn("zwave-js: lost the server {} ({})", options_.via, why);
  }
}

void ZwaveJsAdapter::handle(std::string_view text) {
  auto message = protocol::decode_zws_message(text);
  if (!message) return reject(message.error().message);
  if (const auto* v = std::get_if<protocol::ZwsVersion>(&*message)) return on_version(*v);
  if (const auto* r = std::get_if<protocol::ZwsResult>(&*message)) return on_result(*r);
  if (const auto* e = std::get_if<protocol::ZwsEvent>(&*message)) return on_event(*e);
}

void ZwaveJsAdapter::on_version(const protocol::ZwsVersion& v) {
  version_ = "driver " + v.driver_version + ", server " + v.server_version;
  if (protocol::kZwsSchemaVersion < v.min_schema || protocol::kZwsSchemaVersion > v.max_schema) {
    spdlog::error("zwave-js: the server {} ({}) speaks API schemas {}..{}; lockwarden needs {}", options_.via,
                  version_, v.min_schema, v.max_schema, protocol::kZwsSchemaVersion);
    return;
  }
  spdlog::info("zwave-js: connected to {} ({})", options_.via, version_);
  hub_.on_bridge_firmware(options_.via, v.driver_version);
  const std::string schema = next_id();
  waiting_[schema] = Waiting::of(Waiting::Kind::schema);
  const std::string listen = next_id();
  waiting_[listen] = Waiting::of(Waiting::Kind::listen);
  if (auto r = send(protocol::encode_zws_set_api_schema(schema, protocol::kZwsSchemaVersion)); !r) return;
  (void)send(protocol::encode_zws_start_listening(listen));
}

void ZwaveJsAdapter::on_result(const protocol::ZwsResult& r) {
  auto it = waiting_.find(r.message_id);
  if (it == waiting_.end()) return;
  const Waiting w = it->second;
  waiting_.erase(it);
  Tracked* t = by_node(w.node_id);
  switch (w.kind) {
    case Waiting::Kind::schema:
      if (!r.success) spdlog::error("zwave-js: set_api_schema refused: {}", r.error_message);
      return;
    case Waiting::Kind::listen:
      if (!r.success || !r.nodes) {
        spdlog::error("zwave-js: start_listening refused: {}", r.error_message);
        return;
      }
      for (const protocol::ZwsNode& n : *r.nodes) on_node(n);
      listening_ = true;
      if (told_down_ || !nodes_.empty()) hub_.on_bridge_state(options_.via, true);
      told_down_ = false;
      return;
    case Waiting::Kind::ping:
      if (t != nullptr && r.success && r.responded) on_status(*t, *r.responded, "node.ping");
      return;
    case Waiting::Kind::soft_reset:
      if (!r.success) spdlog::error("zwave-js: driver.soft_reset refused: {}", r.error_message);
      return;
    case Waiting::Kind::firmware_check:
      if (t != nullptr) updates_offered(*t, r);
      return;
    case Waiting::Kind::firmware_install:
      if (t != nullptr) installed(*t, r);
      return;
    case Waiting::Kind::code_write:
    case Waiting::Kind::code_get:
    case Waiting::Kind::config_write:
    case Waiting::Kind::config_get:
      if (t != nullptr) code_answer(*t, w, r);
      return;
    case Waiting::Kind::action: break;
  }
  if (t == nullptr || !w.action) return;
  const int status = r.set_value_status.value_or(r.success ? kSetValueSuccessUnsupervised : 2);
  if (!r.success ||
      (status != kSetValueWorking && status != kSetValueSuccessUnsupervised && status != kSetValueSuccess)) {
    std::string detail = !r.success ? "Z-Wave JS: " + r.error_message : set_value_failure(status);
    // A failed result: zwave-js could not deliver it; a SetValueStatus failure: the node said no.
    const std::string reason = !r.success ? "undelivered" : "refused";
    complain(t->id, hub_.on_command_failed(t->address, *w.action, reason, std::move(detail)),
             "a failed command");
    return;
  }
  if (status == kSetValueSuccess) {  // supervised: the lock reports it is done
    core::CommandResult result;
    result.command_id = *w.action;
    result.ts = hub_.now();
    result.outcome = core::CommandOutcome::ok;
    result.lock_state = w.want;
    result.detail = "supervised";
    complain(t->id, hub_.on_command_result(t->address, result), "a command's result");
    return;
  }
  pending_[w.node_id] = Pending{*w.action, w.want, w.expires_at};
  const core::LockRecord* record = hub_.find_lock(t->id);
  if (record != nullptr && record->lock_state == w.want)
    settle(*t, w.want);  // already there: no change follows
}

void ZwaveJsAdapter::on_node(const protocol::ZwsNode& n) {
  if (!n.is_lock) return;
  Tracked* t = by_node(n.node_id);
  if (t == nullptr) {
    const LockId id = lock_id_for(options_.prefix, n.node_id);
    core::LockAddress address{options_.site, id};
    const core::LockRecord* existing = hub_.find_lock(id);
    if (existing != nullptr) {
      address.site = existing->site;  // configured, or known from before a restart
    } else if (!options_.register_new) {
      if (reported_.insert("unconfigured " + id).second) {
        spdlog::info("zwave-js: node {} is not configured as {}; not taken (hub.auto_register = false)",
                     n.node_id, id);
      }
      return;
    } else {
      core::LockRecord lock;
      lock.id = id;
      lock.site = options_.site;
      lock.name = n.name.value_or("Z-Wave node " + std::to_string(n.node_id));
      lock.transport = core::Transport::zwave;
      lock.heartbeat = options_.report_interval;
      if (auto r = hub_.add_lock(lock); !r) {
        spdlog::error("zwave-js: cannot register node {} as {}: {}", n.node_id, id, r.error().to_string());
        return;
      }
    }
    complain(id, hub_.set_via(id, options_.via), "its bridge");
    Tracked added;
    added.id = id;
    added.address = address;
    added.node_id = n.node_id;
    t = &nodes_.emplace(n.node_id, std::move(added)).first->second;
    by_lock_[id] = n.node_id;
    spdlog::info("zwave-js: node {} ({}) is {}/{}", n.node_id, n.name.value_or("unnamed"), address.site, id);
  }
  // Before its interview ends, Z-Wave JS refuses a User Code command as unsupported
  // (ZW0302): code commands wait for the node to be ready.
  const bool became_ready = n.ready && !t->ready;
  t->ready = n.ready;
  core::Telemetry tel;
  tel.ts = hub_.now();
  tel.firmware = n.firmware_version;
  tel.transport = core::Transport::zwave;
  complain(t->id, hub_.on_telemetry(t->address, tel), "its node information");
  // Neither listening nor frequently listening: it sleeps between wake-ups.
  const bool sleepy =
      n.is_listening == std::optional<bool>(false) && n.is_frequent_listening == std::optional<bool>(false);
  complain(t->id, hub_.set_sleepy(t->id, sleepy), "its listening mode");
  for (const protocol::ZwsValue& v : n.values) on_value(*t, v, true);
  if (n.highest_security_class && protocol::insecure_security_class(*n.highest_security_class) &&
      !t->insecure_told) {
    // Security anchor D15: a lock included without S2 can be listened to, or driven, by anyone in radio
    // range.
    t->insecure_told = true;
    spdlog::warn(
        "zwave-js: lock {} (node {}) was included with security {}: its commands can be read or forged "
        "over the air; exclude it and include it again with S2 Access Control",
        t->id, n.node_id, protocol::security_class_name(*n.highest_security_class));
    alarm(*t, "insecure_inclusion");
  }
  if (n.status == protocol::ZwaveNodeStatus::dead) {
    on_status(*t, false, std::string(kWho));
  } else if (n.status == protocol::ZwaveNodeStatus::alive || n.status == protocol::ZwaveNodeStatus::awake) {
    on_status(*t, true, std::string(kWho));
  }
  if (became_ready) advance(*t);
}

void ZwaveJsAdapter::on_event(const protocol::ZwsEvent& e) {
  if (e.node) {
    if (e.name == "node removed") {
      if (auto it = nodes_.find(e.node->node_id); it != nodes_.end()) {
        spdlog::info("zwave-js: lock {} (node {}) was removed from the network", it->second.id,
                     e.node->node_id);
        by_lock_.erase(it->second.id);
        pending_.erase(e.node->node_id);
        nodes_.erase(it);
      }
      return;
    }
    on_node(*e.node);  // "ready", "node added"
    return;
  }
  if (!e.node_id || e.source != "node") return;
  Tracked* t = by_node(*e.node_id);
  if (t == nullptr) return;
  if (e.value) {
    on_value(*t, *e.value, false);
  } else if (e.notification) {
    if (e.notification->type != kAccessControl) return;
    auto a = protocol::zwave_access_control_event(e.notification->event);
    if (!a) return;
    a->user_id = e.notification->user_id;
    access_event(*t, *a);
  } else if (e.last_seen) {
    // Statistics also change when a send fails: only a lastSeen that moved on is news of the node.
    if (t->last_seen == e.last_seen) return;
    const bool first = !t->last_seen;
    t->last_seen = e.last_seen;
    if (first || !e.rssi_dbm) return;
    core::Telemetry tel;
    tel.ts = hub_.now();
    tel.rssi_dbm = e.rssi_dbm;
    complain(t->id, hub_.on_telemetry(t->address, tel), "its signal");
  } else if (e.name == "dead") {
    on_status(*t, false, std::string(kWho));
  } else if (e.name == "alive" || e.name == "wake up") {
    on_status(*t, true, std::string(kWho));
  }
}

void ZwaveJsAdapter::on_status(Tracked& t, bool alive, const std::string& who) {
  complain(t.id, hub_.on_availability(t.address, alive, alive ? who : who + ": dead"), "node status");
}

void ZwaveJsAdapter::on_value(Tracked& t, const protocol::ZwsValue& v, bool replay) {
  auto u = protocol::interpret_zwave_lock_value(v.address(), v.value);
  if (!u) return reject(u.error().message);
  // A node's state on (re)connecting repeats the last Access Control event:
  // it is not a new operation (a jam still is news, once).
  if (replay && u->event && u->event->alarm != "jammed") u->event.reset();
  apply(t, *u);
}

void ZwaveJsAdapter::apply(Tracked& t, const protocol::ZwaveLockUpdate& u) {
  if (u.battery_pct) {
    core::Telemetry tel;
    tel.ts = hub_.now();
    tel.battery_pct = *u.battery_pct;
    complain(t.id, hub_.on_telemetry(t.address, tel), "a battery level");
  }
  if (u.battery_low) {
    if (*u.battery_low && !t.battery_low) alarm(t, "low_battery");
    t.battery_low = *u.battery_low;
  }
  if (u.auto_relock_s) t.settings.auto_relock_s = u.auto_relock_s;
  if (u.event) access_event(t, *u.event);
  if (u.jammed && !*u.jammed) t.jammed = false;
  if (u.lock_state || u.door_state) report_state(t, u.lock_state, u.door_state);
}

void ZwaveJsAdapter::report_state(Tracked& t, std::optional<core::LockState> lock,
                                  std::optional<core::DoorState> door) {
  const core::LockRecord* record = hub_.find_lock(t.id);
  core::StateReport s;
  s.ts = hub_.now();
  s.lock_state = lock.value_or(record != nullptr ? record->lock_state : core::LockState::unknown);
  s.door_state = door.value_or(record != nullptr ? record->door_state : core::DoorState::unknown);
  if (s.lock_state == core::LockState::jammed && !t.jammed) {
    t.jammed = true;
    alarm(t, "jammed");
  }
  complain(t.id, hub_.on_state(t.address, s), "a state");
  if (lock) settle(t, *lock);
}

void ZwaveJsAdapter::access_event(Tracked& t, const protocol::ZwaveAccessEvent& a) {
  if (a.alarm == "jammed") {
    if (!t.jammed) report_state(t, core::LockState::jammed, std::nullopt);  // once per episode
    return;
  }
  if (!a.alarm && !a.operation) return;
  core::DeviceEvent e;
  e.ts = hub_.now();
  e.source = a.source;
  if (a.user_id) e.user = std::to_string(*a.user_id);
  if (a.alarm) {
    e.kind = core::DeviceEventKind::alarm;
    e.alarm = a.alarm;
  } else {
    t.jammed = false;  // an operation ends a jam
    e.kind = core::DeviceEventKind::lock_operation;
    e.operation = a.operation;
  }
  complain(t.id, hub_.on_reported_event(t.address, e), a.alarm ? "an alarm" : "an operation");
}

void ZwaveJsAdapter::alarm(Tracked& t, const std::string& name) {
  core::DeviceEvent e;
  e.ts = hub_.now();
  e.kind = core::DeviceEventKind::alarm;
  e.alarm = name;
  complain(t.id, hub_.on_reported_event(t.address, e), "an alarm");
}

void ZwaveJsAdapter::settle(Tracked& t, core::LockState state) {
  auto it = pending_.find(t.node_id);
  if (it == pending_.end()) return;
  core::CommandResult r;
  r.command_id = it->second.id;
  r.ts = hub_.now();
  r.lock_state = state;
  if (state == it->second.want) {
    r.outcome = core::CommandOutcome::ok;
  } else if (state == core::LockState::jammed) {
    r.outcome = core::CommandOutcome::jammed;
    r.detail = "Z-Wave JS reports the lock jammed";
  } else {
    return;  // a report of the old mode may come first
  }
  pending_.erase(it);
  complain(t.id, hub_.on_command_result(t.address, r), "a command's result");
}

Result<void> ZwaveJsAdapter::send_command(const core::Command& command) {
  auto it = by_lock_.find(command.target.lock);
  if (it == by_lock_.end()) return unavailable("lock " + command.target.lock + " is not on " + options_.via);
  if (!listening_) return unavailable("the Z-Wave JS server " + options_.via + " is not connected");
  Tracked& t = nodes_.at(it->second);
  if (command.code) {
    t.codes.push_back(CodeOp{command, false, {}, {}});
    if (t.codes.size() > 1 || !t.ready) return ok();  // queued behind the one on its way, or the interview
    if (auto started = start_code(t); !started) {
      t.codes.clear();
      return started;
    }
    advance(t);
    return ok();
  }
  if (command.action != core::LockAction::lock && command.action != core::LockAction::unlock) {
    unsupported_.emplace_back(t.address, command.id);
    return ok();
  }
  const bool lock = command.action == core::LockAction::lock;
  const std::string id = next_id();
  if (auto r = send(protocol::encode_zws_door_lock(id, t.node_id, lock)); !r) return r;
  waiting_[id] = Waiting{Waiting::Kind::action,
                         t.node_id,
                         0,
                         command.id,
                         lock ? core::LockState::locked : core::LockState::unlocked,
                         command.expires_at};
  return ok();
}

// --- keypad codes ----------------------------------------------------------------

Result<void> ZwaveJsAdapter::start_code(Tracked& t) {
  CodeOp& op = t.codes.front();
  op.started = true;
  const core::CodeCommand& c = *op.command.code;
  Waiting write = Waiting::of(Waiting::Kind::code_write, t.node_id);
  write.slot = c.slot;
  write.expires_at = op.command.expires_at;
  switch (c.action) {
    case core::CodeAction::set_code: {
      if (c.slot > t.slot_count) {  // a read-back found where its user codes end
        finish_code(t, core::CommandOutcome::refused,
                    "slot " + std::to_string(c.slot) + ": the lock has " + std::to_string(t.slot_count) +
                        " user codes (User Code Get of slot " + std::to_string(t.slot_count + 1) +
                        " answers 254: no such user)");
        return ok();
      }
      auto pin = endpoint_.open_pin(c);
      if (!pin) {
        finish_code(t, core::CommandOutcome::refused, pin.error().message);
        return ok();
      }
      const std::string id = next_id();
      std::string text = protocol::encode_zws_user_code_set(id, t.node_id, c.slot, *pin);
      protocol::wipe(*pin);
      auto sent = send(text);
      protocol::wipe(text);
      if (sent) waiting_[id] = write;
      return sent;
    }
    case core::CodeAction::clear_code: {
      const std::string id = next_id();
      auto sent = send(protocol::encode_zws_user_code_clear(id, t.node_id, c.slot));
      if (sent) waiting_[id] = write;
      return sent;
    }
    case core::CodeAction::read_codes: {
      // The first page reads the lock's configuration too: its settings.
      if (c.slot <= 1) {
        if (auto sent = get_configuration(t); !sent) return sent;
      }
      const int last = std::min(c.slot + core::kSlotsPerReadback - 1, t.slot_count);
      for (int s = std::max(c.slot, 1); s <= last; ++s) {
        if (auto sent = get_slot(t, s); !sent) return sent;
      }
      if (op.asked.empty() && !op.config_pending) finish_code(t, core::CommandOutcome::ok, {});
      return ok();
    }
    case core::CodeAction::set_code_key: {
      auto taken = endpoint_.take_code_key(t.id, c);
      finish_code(t, taken ? core::CommandOutcome::ok : core::CommandOutcome::refused,
                  taken ? std::string() : taken.error().message);
      return ok();
    }
    case core::CodeAction::set_settings: {
      const core::LockSettings zwave{std::nullopt, std::nullopt, 0, std::nullopt};
      if (auto lacking = core::settings_it_lacks(zwave, c.settings)) {
        finish_code(t, core::CommandOutcome::unsupported,
                    "settings." + *lacking + ": a Z-Wave lock behind Z-Wave JS has no such setting");
        return ok();
      }
      const std::string id = next_id();
      auto sent =
          send(protocol::encode_zws_auto_relock_set(id, t.node_id, c.settings.auto_relock_s.value_or(0)));
      if (sent) {
        Waiting w = Waiting::of(Waiting::Kind::config_write, t.node_id);
        w.expires_at = op.command.expires_at;
        waiting_[id] = w;
      }
      return sent;
    }
  }
  return ok();
}

Result<void> ZwaveJsAdapter::get_configuration(Tracked& t) {
  CodeOp& op = t.codes.front();
  const std::string id = next_id();
  if (auto sent = send(protocol::encode_zws_door_lock_configuration_get(id, t.node_id)); !sent) return sent;
  Waiting get = Waiting::of(Waiting::Kind::config_get, t.node_id);
  get.expires_at = op.command.expires_at;
  waiting_[id] = get;
  op.config_pending = true;
  return ok();
}

Result<void> ZwaveJsAdapter::get_slot(Tracked& t, int slot) {
  CodeOp& op = t.codes.front();
  const std::string id = next_id();
  if (auto sent = send(protocol::encode_zws_user_code_get(id, t.node_id, slot)); !sent) return sent;
  Waiting get = Waiting::of(Waiting::Kind::code_get, t.node_id);
  get.slot = slot;
  get.expires_at = op.command.expires_at;
  waiting_[id] = get;
  op.asked.push_back(slot);
  return ok();
}

void ZwaveJsAdapter::advance(Tracked& t) {
  while (t.ready && !t.codes.empty() && !t.codes.front().started) {
    if (auto started = start_code(t); !started) drop_code(t, started.error().message);
  }
}

void ZwaveJsAdapter::drop_code(Tracked& t, const std::string& why) {
  spdlog::warn("zwave-js: a code command to {} went unanswered: {} (the sync sends it again)", t.id, why);
  t.codes.erase(t.codes.begin());
  std::erase_if(waiting_, [&](const auto& w) {
    return w.second.node_id == t.node_id &&
           (w.second.kind == Waiting::Kind::code_write || w.second.kind == Waiting::Kind::code_get ||
            w.second.kind == Waiting::Kind::config_write || w.second.kind == Waiting::Kind::config_get);
  });
}

void ZwaveJsAdapter::code_answer(Tracked& t, const Waiting& w, const protocol::ZwsResult& r) {
  if (t.codes.empty() || !t.codes.front().started) return;
  CodeOp& op = t.codes.front();
  const core::CodeAction action = op.command.code->action;
  if (w.kind == Waiting::Kind::config_get) {
    // A lock without the configuration (or an older one) tells no settings; the read goes on.
    if (r.success && r.auto_relock_time) t.settings.auto_relock_s = r.auto_relock_time;
    op.config_pending = false;
    if (action == core::CodeAction::set_settings) {
      const bool held = t.settings.holds(op.command.code->settings);
      finish_code(
          t, held ? core::CommandOutcome::ok : core::CommandOutcome::refused,
          held ? std::string() : "Z-Wave JS: the lock's configuration does not show the new settings");
      advance(t);
    } else if (op.answers.size() == op.asked.size()) {
      finish_code(t, core::CommandOutcome::ok, {});
      advance(t);
    }
    return;
  }
  if (!r.success) {
    drop_code(t, r.error_message);
    advance(t);
    return;
  }
  if (w.kind == Waiting::Kind::config_write) {
    const int status = r.set_value_status.value_or(kSetValueSuccessUnsupervised);
    if (status != kSetValueWorking && status != kSetValueSuccessUnsupervised && status != kSetValueSuccess) {
      finish_code(t, core::CommandOutcome::refused,
                  "Z-Wave JS: " + (r.error_message.empty() ? set_value_failure(status) : r.error_message));
      advance(t);
    } else if (auto sent = get_configuration(t); !sent) {  // what the lock keeps now is the answer
      drop_code(t, sent.error().message);
      advance(t);
    }
    return;
  }
  if (w.kind == Waiting::Kind::code_write) {
    const int status = r.set_value_status.value_or(kSetValueSuccessUnsupervised);
    if (status != kSetValueWorking && status != kSetValueSuccessUnsupervised && status != kSetValueSuccess) {
      finish_code(t, core::CommandOutcome::refused,
                  "Z-Wave JS: " + (r.error_message.empty() ? set_value_failure(status) : r.error_message));
    } else if (auto sent = get_slot(t, w.slot); !sent) {  // what the lock holds now is the answer
      drop_code(t, sent.error().message);
    } else {
      return;
    }
    advance(t);
    return;
  }
  const protocol::ZwsUserCode answer = r.user_code.value_or(protocol::ZwsUserCode{});
  op.answers[w.slot] = answer;
  if (answer.status == 254) t.slot_count = std::min(t.slot_count, w.slot - 1);  // no such user
  if (op.answers.size() < op.asked.size() || op.config_pending) return;
  finish_code(t, core::CommandOutcome::ok, {});
  advance(t);
}

void ZwaveJsAdapter::finish_code(Tracked& t, core::CommandOutcome outcome, std::string detail) {
  const CodeOp op = std::move(t.codes.front());
  t.codes.erase(t.codes.begin());
  std::vector<codes::PlainSlot> held;
  for (const auto& [slot, u] : op.answers) {
    if (u.occupied())
      held.push_back({slot, u.code.empty() ? std::nullopt : std::optional<std::string>(u.code)});
  }
  core::CommandResult result;
  result.command_id = op.command.id;
  result.ts = hub_.now();
  result.outcome = outcome;
  result.detail = std::move(detail);
  result.codes = endpoint_.readback(t.id, held, 1, core::kMaxCodeSlots);
  if (!t.settings.empty()) result.codes->settings = t.settings;
  const core::CodeCommand& c = *op.command.code;
  if (c.action == core::CodeAction::read_codes && !op.asked.empty() && op.asked.back() < t.slot_count)
    result.codes->next_slot = op.asked.back() + 1;
  code_answers_.emplace_back(t.address, std::move(result));
}

Result<void> ZwaveJsAdapter::probe(const core::Command& ping) {
  const core::LockAddress& lock = ping.target;
  auto it = by_lock_.find(lock.lock);
  if (it == by_lock_.end()) return unavailable("lock " + lock.lock + " is not on " + options_.via);
  if (!listening_) return unavailable("the Z-Wave JS server " + options_.via + " is not connected");
  const std::string id = next_id();
  if (auto r = send(protocol::encode_zws_ping(id, it->second)); !r) return r;
  waiting_[id] = Waiting::of(Waiting::Kind::ping, it->second);
  return ok();
}

Result<void> ZwaveJsAdapter::restart_bridge(const core::LockAddress& lock) {
  auto it = by_lock_.find(lock.lock);
  if (it == by_lock_.end()) return unavailable("lock " + lock.lock + " is not on " + options_.via);
  if (!listening_) return unavailable("the Z-Wave JS server " + options_.via + " is not connected");
  const std::string id = next_id();
  if (auto r = send(protocol::encode_zws_soft_reset(id)); !r) return r;
  spdlog::info("zwave-js: restarting the controller of {} for lock {}", options_.via, lock.lock);
  waiting_[id] = Waiting::of(Waiting::Kind::soft_reset, it->second);
  return ok();
}

Result<void> ZwaveJsAdapter::update_firmware(const core::LockAddress& lock) {
  auto it = by_lock_.find(lock.lock);
  if (it == by_lock_.end()) return unavailable("lock " + lock.lock + " is not on " + options_.via);
  if (!listening_) return unavailable("the Z-Wave JS server " + options_.via + " is not connected");
  Tracked& t = nodes_.at(it->second);
  if (t.installing) return ok();
  if (!t.update) return unavailable("no firmware update is offered for lock " + lock.lock);
  const std::string id = next_id();
  auto text = protocol::encode_zws_firmware_update_ota(id, t.node_id, *t.update);
  if (!text) return text.error();
  if (auto r = send(*text); !r) return r;
  spdlog::info("zwave-js: installing a firmware update on node {} ({})", t.node_id, t.id);
  waiting_[id] = Waiting::of(Waiting::Kind::firmware_install, t.node_id);
  t.installing = true;
  // The lock restarts into the new image at the end: no alarm meanwhile.
  complain(t.id, hub_.on_updating(t.address), "an update starting");
  return ok();
}

void ZwaveJsAdapter::ask_updates(Tracked& t, Timestamp now) {
  const std::string id = next_id();
  if (!send(protocol::encode_zws_available_firmware_updates(id, t.node_id))) return;
  t.updates_asked = now;
  Waiting w = Waiting::of(Waiting::Kind::firmware_check, t.node_id);
  w.expires_at = now + options_.update_check;  // an unanswered question is forgotten at the next
  waiting_[id] = w;
}

void ZwaveJsAdapter::updates_offered(Tracked& t, const protocol::ZwsResult& r) {
  if (!r.success || !r.firmware_updates) {
    spdlog::warn("zwave-js: the firmware updates for node {} ({}) could not be asked for: {}", t.node_id,
                 t.id, r.error_message);
    return;
  }
  auto offered = std::find_if(r.firmware_updates->begin(), r.firmware_updates->end(),
                              [](const protocol::ZwsFirmwareUpdate& u) { return !u.downgrade; });
  if (offered == r.firmware_updates->end()) {
    if (t.update || !t.updates_answered)
      spdlog::info("zwave-js: no firmware update is offered for node {} ({})", t.node_id, t.id);
    t.update.reset();
  } else {
    if (t.update != offered->info)
      spdlog::info("zwave-js: firmware {} is offered for node {} ({})", offered->version, t.node_id, t.id);
    t.update = offered->info;
  }
  t.updates_answered = true;
  complain(t.id, hub_.on_update_available(t.address, t.update.has_value()), "an update's state");
}

void ZwaveJsAdapter::installed(Tracked& t, const protocol::ZwsResult& r) {
  t.installing = false;
  const bool done = r.success && r.firmware_installed.value_or(false);
  std::string detail;
  if (!r.success) {
    detail = r.error_message;
  } else if (!done) {
    detail =
        "the lock did not take the update (status " + std::to_string(r.set_value_status.value_or(0)) + ")";
  }
  if (done) {
    t.update.reset();
    t.updates_asked.reset();  // asked again at the next tick: the next one, if any
  }
  complain(t.id, hub_.on_update_result(t.address, done, detail), "an update's result");
}

void ZwaveJsAdapter::tick() {
  for (auto& [from, id] : std::exchange(unsupported_, {})) {
    complain(
        from.lock,
        hub_.on_command_failed(from, id, "unsupported", "the Z-Wave Door Lock command class has no unlatch"),
        "an unsupported command");
  }
  const Timestamp now = hub_.now();
  std::erase_if(pending_,
                [now](const auto& p) { return now >= p.second.expires_at; });  // the Hub expires them
  std::erase_if(waiting_, [now](const auto& w) {
    return (w.second.kind == Waiting::Kind::action || w.second.kind == Waiting::Kind::firmware_check) &&
           now >= w.second.expires_at;
  });
  // A code command unanswered in its validity: the sync retries it.
  for (auto& [node, t] : nodes_) {
    if (t.codes.empty() || now < t.codes.front().command.expires_at) continue;
    drop_code(t, t.codes.front().started ? "no answer within the command's validity"
                                         : "the node's interview did not end within the command's validity");
    advance(t);
  }
  for (auto& [from, result] : std::exchange(code_answers_, {})) {
    if (code_results_) code_results_(from, result);
  }
  if (!listening_) return;
  for (auto& [node, t] : nodes_) {
    if (t.ready && !t.installing && (!t.updates_asked || now - *t.updates_asked >= options_.update_check))
      ask_updates(t, now);
  }
}

}  // namespace lw::adapters::zwave_js
