#include "adapters/nuki/nuki_adapter.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "protocol/ecosystem/payload.h"

namespace lw::adapters::nuki {
namespace {

using K = protocol::NukiTopicKind;

constexpr std::string_view kLastWill = "Nuki connected: false (its Last Will)";
constexpr std::size_t kMaxText = 64;

/// The wanted bolt for an action.
core::LockState want_of(core::LockAction a) {
  switch (a) {
    case core::LockAction::lock: return core::LockState::locked;
    case core::LockAction::unlock: return core::LockState::unlocked;
    case core::LockAction::unlatch: return core::LockState::unlatched;
  }
  return core::LockState::locked;
}

/// A short text payload (name, firmware) within bounds, printable.
std::optional<std::string> text_of(std::string_view payload) {
  const std::string_view t = protocol::ecosystem::trim(payload);
  if (t.empty() || t.size() > kMaxText) return std::nullopt;
  for (char c : t) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
  }
  return std::string(t);
}

}  // namespace

LockId lock_id_for(std::string_view device_id) {
  LockId id = "nuki-";
  for (char c : device_id) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') id += c;
    if (id.size() == 64) break;
  }
  return id;
}

NukiAdapter::NukiAdapter(Options options, core::Hub& hub, Publish publish)
    : options_(std::move(options)), hub_(hub), publish_(std::move(publish)) {}

void NukiAdapter::reject(const std::string& reason) {
  const std::string counted = "nuki: " + reason;
  hub_.on_rejected(counted);
  if (reported_.insert(counted).second) {
    spdlog::warn("rejected a message: {} (further rejections for this reason are only counted)", counted);
  }
}

bool NukiAdapter::rejected(const std::string& reason) {
  reject(reason);
  return true;
}

void NukiAdapter::complain(const LockId& lock, const Result<void>& r, std::string_view what) {
  if (!r) spdlog::error("nuki: could not apply {} of {}: {}", what, lock, r.error().to_string());
}

NukiAdapter::Tracked* NukiAdapter::find_or_add(const std::string& device_id) {
  if (auto it = ids_.find(device_id); it != ids_.end()) return &locks_.at(it->second);
  const LockId id = lock_id_for(device_id);
  if (id == "nuki-") return nullptr;
  core::LockAddress address{options_.site, id};
  if (const core::LockRecord* existing = hub_.find_lock(id)) {
    address.site = existing->site;  // configured, or known from before a restart
  } else if (!options_.register_new) {
    if (reported_.insert("unconfigured " + id).second) {
      spdlog::info("nuki: lock {} is not configured as {}; not taken (hub.auto_register = false)", device_id,
                   id);
    }
    return nullptr;
  } else {
    core::LockRecord lock;
    lock.id = id;
    lock.site = options_.site;
    lock.name = id;  // until its `name` arrives
    lock.transport = core::Transport::wifi;
    lock.heartbeat = kReportInterval;
    if (auto r = hub_.add_lock(lock); !r) {
      spdlog::error("nuki: cannot register {} as {}: {}", device_id, id, r.error().to_string());
      return nullptr;
    }
  }
  spdlog::info("nuki: lock {} is {}/{}", device_id, address.site, id);
  Tracked t;
  t.id = id;
  t.address = address;
  t.device_id = device_id;
  ids_[device_id] = id;
  return &locks_.emplace(id, std::move(t)).first->second;
}

bool NukiAdapter::handle(std::string_view topic, std::string_view payload, bool retained) {
  auto nt = protocol::classify_nuki_topic(topic);
  if (!nt) return topic.starts_with(std::string(protocol::kNukiBase) + "/");
  // Our own commands, echoed by the broker, and leaves this hub does not read.
  if (nt->kind == K::lock_action || nt->kind == K::lock || nt->kind == K::unlock || nt->kind == K::other) {
    return true;
  }
  Tracked* t = find_or_add(nt->device_id);
  if (t == nullptr) return true;
  const core::LockAddress& from = t->address;
  switch (nt->kind) {
    case K::state: {
      auto code = protocol::decode_nuki_number("state", payload, 0, 255);
      if (!code) return rejected(code.error().message);
      state(*t, *code);
      return true;
    }
    case K::connected: {
      auto up = protocol::decode_nuki_flag("connected", payload);
      if (!up) return rejected(up.error().message);
      complain(t->id, hub_.on_availability(from, *up, std::string(kLastWill)), "connected");
      return true;
    }
    case K::battery_charge_state: {
      auto pct = protocol::decode_nuki_number("batteryChargeState", payload, 0, 100);
      if (!pct) return rejected(pct.error().message);
      core::Telemetry tel;
      tel.ts = hub_.now();
      tel.battery_pct = *pct;
      complain(t->id, hub_.on_telemetry(from, tel), "batteryChargeState");
      return true;
    }
    case K::battery_critical:
    case K::keypad_battery_critical:
    case K::doorsensor_battery_critical: {
      const std::string_view leaf = nt->kind == K::battery_critical          ? "batteryCritical"
                                    : nt->kind == K::keypad_battery_critical ? "keypadBatteryCritical"
                                                                             : "doorsensorBatteryCritical";
      auto on = protocol::decode_nuki_flag(leaf, payload);
      if (!on) return rejected(on.error().message);
      heard(*t);
      flag_alarm(*t,
                 nt->kind == K::battery_critical          ? "low_battery"
                 : nt->kind == K::keypad_battery_critical ? "keypad_low_battery"
                                                          : "door_sensor_low_battery",
                 *on);
      return true;
    }
    case K::doorsensor_state: {
      auto code = protocol::decode_nuki_number("doorsensorState", payload, 0, 255);
      if (!code) return rejected(code.error().message);
      flag_alarm(*t, "tamper", *code == protocol::kNukiDoorSensorTampered);
      const core::LockRecord* record = hub_.find_lock(t->id);
      core::StateReport s;
      s.ts = hub_.now();
      s.lock_state = record != nullptr ? record->lock_state : core::LockState::unknown;
      s.door_state = protocol::nuki_door_state(*code);
      complain(t->id, hub_.on_state(from, s), "doorsensorState");
      return true;
    }
    case K::name:
    case K::firmware: {
      auto text = text_of(payload);
      if (!text)
        return rejected(std::string(nt->kind == K::name ? "name" : "firmware") +
                        ": must be 1..64 printable characters");
      core::Telemetry tel;
      tel.ts = hub_.now();
      (nt->kind == K::name ? tel.name : tel.firmware) = *text;
      complain(t->id, hub_.on_telemetry(from, tel), "name or firmware");
      return true;
    }
    case K::command_response: {
      if (retained) return true;
      auto code = protocol::decode_nuki_number("commandResponse", payload, 0, 255);
      if (!code) return rejected(code.error().message);
      heard(*t);
      command_response(*t, *code);
      return true;
    }
    case K::lock_action_event: {
      if (retained) return true;  // one the hub heard before it restarted
      auto e = protocol::decode_nuki_lock_action_event(payload);
      if (!e) return rejected(e.error().message);
      const protocol::NukiOperation op = protocol::interpret_nuki_lock_action_event(*e);
      if (!op.operation) {
        heard(*t);
        return true;
      }
      core::DeviceEvent ev;
      ev.ts = hub_.now();
      ev.kind = core::DeviceEventKind::lock_operation;
      ev.operation = op.operation;
      ev.source = op.source;
      ev.user = op.user;
      complain(t->id, hub_.on_reported_event(from, ev), "lockActionEvent");
      return true;
    }
    default:  // deviceType, mode, batteryCharging, serverConnected, timestamp, ringactionTimestamp
      heard(*t);
      return true;
  }
}

void NukiAdapter::heard(Tracked& t) {
  complain(t.id, hub_.on_availability(t.address, true, std::string(kLastWill)), "a message");
}

void NukiAdapter::alarm(Tracked& t, const std::string& name) {
  core::DeviceEvent e;
  e.ts = hub_.now();
  e.kind = core::DeviceEventKind::alarm;
  e.alarm = name;
  complain(t.id, hub_.on_reported_event(t.address, e), "an alarm");
}

void NukiAdapter::flag_alarm(Tracked& t, const std::string& name, bool on) {
  if (!on) {
    t.alarms_on.erase(name);
    return;
  }
  if (t.alarms_on.insert(name).second) alarm(t, name);
}

void NukiAdapter::state(Tracked& t, int code) {
  const std::optional<core::LockState> s = protocol::nuki_lock_state(code);
  if (!s) {  // a move in progress
    heard(t);
    return;
  }
  const bool jammed = *s == core::LockState::jammed;
  if (jammed && !t.jammed) alarm(t, "jammed");
  t.jammed = jammed;
  const core::LockRecord* record = hub_.find_lock(t.id);
  core::StateReport report;
  report.ts = hub_.now();
  report.lock_state = *s;
  report.door_state = record != nullptr ? record->door_state : core::DoorState::unknown;
  complain(t.id, hub_.on_state(t.address, report), "state");
  for (std::size_t i = 0; i < t.pending.size(); ++i) {
    if (t.pending[i].want == *s) return finish(t, i, core::CommandOutcome::ok, *s, "");
    if (jammed) return finish(t, i, core::CommandOutcome::jammed, *s, "Nuki state 254: motor blocked");
  }
}

void NukiAdapter::command_response(Tracked& t, int code) {
  // Responses carry no command id: the oldest command not yet answered takes it.
  for (std::size_t i = 0; i < t.pending.size(); ++i) {
    Pending& p = t.pending[i];
    if (p.accepted) continue;
    if (code != 0) {
      const ActionId id = p.id;
      t.pending.erase(t.pending.begin() + static_cast<std::ptrdiff_t>(i));
      complain(t.id,
               hub_.on_command_failed(t.address, id, "refused",
                                      "the lock answered commandResponse " + std::to_string(code) +
                                          " (a Nuki Bluetooth API error code)"),
               "commandResponse");
      return;
    }
    p.accepted = true;
    const core::LockRecord* record = hub_.find_lock(t.id);
    if (record != nullptr && record->lock_state == p.want) {
      finish(t, i, core::CommandOutcome::ok, p.want, "already there");  // no state change will follow
    }
    return;
  }
}

void NukiAdapter::finish(Tracked& t, std::size_t i, core::CommandOutcome outcome, core::LockState state,
                         std::string detail) {
  core::CommandResult r;
  r.command_id = t.pending[i].id;
  r.ts = hub_.now();
  r.outcome = outcome;
  r.lock_state = state;
  r.detail = std::move(detail);
  t.pending.erase(t.pending.begin() + static_cast<std::ptrdiff_t>(i));
  complain(t.id, hub_.on_command_result(t.address, r), "a command's result");
}

Result<void> NukiAdapter::send_command(const core::Command& command) {
  // A keypad-code command (docs/protocol.md section 8) must never become a
  // bolt action on a lock that speaks another protocol.
  if (command.code) return failed_precondition("this lock's protocol carries no lockwarden code commands");
  auto it = locks_.find(command.target.lock);
  if (it == locks_.end()) return unavailable("no Nuki lock " + command.target.lock + " has been heard");
  Tracked& t = it->second;
  if (auto r = publish_(protocol::nuki_topic(t.device_id, "lockAction"),
                        protocol::encode_nuki_lock_action(command.action));
      !r) {
    return r;
  }
  t.pending.push_back({command.id, want_of(command.action), command.expires_at, false});
  return ok();
}

void NukiAdapter::tick() {
  const Timestamp now = hub_.now();
  for (auto& [id, t] : locks_) {
    std::erase_if(t.pending, [now](const Pending& p) { return now >= p.expires_at; });
  }
}

}  // namespace lw::adapters::nuki
