#include "adapters/zigbee2mqtt/zigbee2mqtt_adapter.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "protocol/code_crypto.h"
#include "protocol/ecosystem/zigbee2mqtt_requests.h"

namespace lw::adapters::zigbee2mqtt {
namespace {

constexpr std::string_view kAvailability = "Zigbee2MQTT availability";
constexpr std::size_t kMaxId = 64;
constexpr std::size_t kMaxDetail = 300;

bool id_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; }

/// The ieee address's last four hex digits, to tell apart two names that read alike.
std::string suffix_of(std::string_view ieee) {
  std::string s(ieee.substr(ieee.size() >= 4 ? ieee.size() - 4 : 0));
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string clipped(std::string s) {
  if (s.size() > kMaxDetail) s = s.substr(0, kMaxDetail) + "...";
  return s;
}

}  // namespace

LockId lock_id_for(std::string_view friendly_name, std::string_view ieee_address) {
  LockId id;
  for (char c : friendly_name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (id_char(c) && c != '-') {
      id += c;
    } else if (!id.empty() && id.back() != '-') {
      id += '-';
    }
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  if (id.size() > kMaxId) id.resize(kMaxId);
  while (!id.empty() && id.back() == '-') id.pop_back();
  if (id.empty()) return std::string(ieee_address);
  return id;
}

Zigbee2MqttAdapter::Zigbee2MqttAdapter(Options options, core::Hub& hub, Publish publish)
    : options_(std::move(options)), hub_(hub), publish_(std::move(publish)), topics_(options_.base_topic) {}

const Zigbee2MqttAdapter::Device* Zigbee2MqttAdapter::device(const LockId& lock) const {
  auto it = devices_.find(lock);
  return it == devices_.end() ? nullptr : &it->second.device;
}

Zigbee2MqttAdapter::Tracked* Zigbee2MqttAdapter::by_name(const std::string& friendly_name) {
  auto it = names_.find(friendly_name);
  if (it == names_.end()) return nullptr;
  auto d = devices_.find(it->second);
  return d == devices_.end() ? nullptr : &d->second;
}

Zigbee2MqttAdapter::Tracked* Zigbee2MqttAdapter::by_ieee(const std::string& ieee_address) {
  for (auto& [id, t] : devices_) {
    if (t.device.ieee_address == ieee_address) return &t;
  }
  return nullptr;
}

void Zigbee2MqttAdapter::reject(const std::string& reason) {
  const std::string counted = "zigbee2mqtt: " + reason;
  hub_.on_rejected(counted);
  if (reported_.insert(counted).second) {
    spdlog::warn("rejected a message: {} (further rejections for this reason are only counted)", counted);
  }
}

void Zigbee2MqttAdapter::complain(const LockId& lock, const Result<void>& r, std::string_view what) {
  if (!r) spdlog::error("zigbee2mqtt: could not apply {} of {}: {}", what, lock, r.error().to_string());
}

bool Zigbee2MqttAdapter::handle(std::string_view topic, std::string_view payload) {
  auto t = topics_.classify(topic);
  if (!t) return false;
  using K = protocol::Z2mTopicKind;
  switch (t->kind) {
    case K::bridge_devices: discover(payload); break;
    case K::bridge_state: bridge_state(payload); break;
    case K::bridge_info: bridge_info(payload); break;
    case K::bridge_event: bridge_event(payload); break;
    case K::bridge_logging:
    case K::bridge_log: bridge_logging(payload); break;
    case K::device_availability: availability(t->friendly_name, payload); break;
    case K::device:
      if (Tracked* d = by_name(t->friendly_name)) report(*d, payload);
      break;
    case K::bridge_other:
      if (topic == options_.base_topic + "/bridge/response/device/ota_update/update") ota_response(payload);
      break;
    // The plain <name>/action repeats the action of the JSON report: not counted twice.
    case K::device_action:
    case K::device_set:  // ours
    case K::device_get:  // ours
    case K::other: break;
  }
  return true;
}

void Zigbee2MqttAdapter::discover(std::string_view payload) {
  auto devices = protocol::decode_z2m_bridge_devices(payload);
  if (!devices) return reject(devices.error().message);
  std::set<LockId> present;
  // Routers carry the mesh: one that leaves the list has gone.
  std::map<std::string, std::string> routers;  // ieee address -> friendly name
  for (const protocol::Z2mDevice& d : *devices) {
    if (d.type == protocol::Z2mDeviceType::router && !d.is_lock) routers[d.ieee_address] = d.friendly_name;
  }
  for (const auto& [ieee, name] : routers_) {
    if (!routers.contains(ieee)) router_gone(name, "it left bridge/devices");
  }
  routers_ = std::move(routers);
  for (const protocol::Z2mDevice& d : *devices) {
    if (!d.is_lock || d.type == protocol::Z2mDeviceType::coordinator) continue;
    if (Tracked* known = by_ieee(d.ieee_address)) {
      if (known->device.friendly_name != d.friendly_name) {  // renamed in Z2M: same lock
        names_.erase(known->device.friendly_name);
        known->device.friendly_name = d.friendly_name;
        names_[d.friendly_name] = known->device.id;
      }
      present.insert(known->device.id);
      continue;
    }
    LockId id = lock_id_for(d.friendly_name, d.ieee_address);
    const core::LockRecord* existing = hub_.find_lock(id);
    // An id another device (or a lock of another kind) already holds gets the address's tail.
    if (devices_.contains(id) || (existing != nullptr && existing->transport != core::Transport::zigbee)) {
      id = id.substr(0, kMaxId - 5) + "-" + suffix_of(d.ieee_address);
      existing = hub_.find_lock(id);
    }
    core::LockAddress address{options_.site, id};
    if (existing != nullptr) {
      address.site = existing->site;  // configured: its site and name stand
    } else if (!options_.register_new) {
      spdlog::info(
          "zigbee2mqtt: lock '{}' ({}) is not configured as {}; not taken (hub.auto_register = false)",
          d.friendly_name, d.ieee_address, id);
      continue;
    } else {
      core::LockRecord lock;
      lock.id = id;
      lock.site = options_.site;
      lock.name = d.friendly_name.substr(0, 256);
      lock.transport = core::Transport::zigbee;
      lock.heartbeat = options_.report_interval;
      if (auto r = hub_.add_lock(lock); !r) {
        spdlog::error("zigbee2mqtt: cannot register '{}' as {}: {}", d.friendly_name, id,
                      r.error().to_string());
        continue;
      }
    }
    complain(id, hub_.set_via(id, options_.base_topic), "its bridge");
    Tracked t;
    t.device = {id, address, d.friendly_name, d.ieee_address};
    Tracked& added = devices_.emplace(id, std::move(t)).first->second;
    if (default_network_) tell_default_key(added);
    names_[d.friendly_name] = id;
    present.insert(id);
    spdlog::info("zigbee2mqtt: lock '{}' ({}, {}) is {}/{}", d.friendly_name, d.ieee_address,
                 d.model.value_or("unknown model"), address.site, id);
    if (auto early = early_availability_.find(d.friendly_name); early != early_availability_.end()) {
      availability(d.friendly_name, early->second ? "online" : "offline");
      early_availability_.erase(early);
    }
  }
  // A device removed from the bridge is no longer spoken for; its record and history stay.
  for (auto it = devices_.begin(); it != devices_.end();) {
    if (present.contains(it->first)) {
      ++it;
      continue;
    }
    spdlog::info("zigbee2mqtt: lock {} ('{}') is gone from the bridge", it->first,
                 it->second.device.friendly_name);
    names_.erase(it->second.device.friendly_name);
    it = devices_.erase(it);
  }
  if (bridge_up_ == false && !told_bridge_down_ && !devices_.empty()) {
    hub_.on_bridge_state(options_.base_topic, false);
    told_bridge_down_ = true;
  }
}

void Zigbee2MqttAdapter::bridge_state(std::string_view payload) {
  auto up = protocol::decode_z2m_bridge_state(payload);
  if (!up) return reject(up.error().message);
  bridge_up_ = *up;
  if (devices_.empty()) return;  // told once its locks are known
  if (!*up) {
    spdlog::warn("zigbee2mqtt: the bridge {} is offline; its {} locks are unreachable", options_.base_topic,
                 devices_.size());
  }
  hub_.on_bridge_state(options_.base_topic, *up);
  told_bridge_down_ = !*up;
}

void Zigbee2MqttAdapter::availability(const std::string& name, std::string_view payload) {
  auto online = protocol::decode_z2m_availability(payload);
  if (!online) return reject(online.error().message);
  Tracked* t = by_name(name);
  if (t == nullptr) {
    const bool router =
        std::any_of(routers_.begin(), routers_.end(), [&](const auto& r) { return r.second == name; });
    if (router) {
      if (!*online) router_gone(name, "Zigbee2MQTT availability: offline");
    } else {
      early_availability_[name] = *online;
    }
    return;
  }
  complain(t->device.id, hub_.on_availability(t->device.address, *online, std::string(kAvailability)),
           "availability");
}

void Zigbee2MqttAdapter::bridge_info(std::string_view payload) {
  auto info = protocol::decode_z2m_bridge_info(payload);
  if (!info) return reject(info.error().message);
  hub_.on_bridge_firmware(options_.base_topic, info->version);
  bridge_major_ = protocol::z2m_major_version(info->version);
  const Timestamp now = hub_.now();
  if (info->permit_join == true && !join_.open) {
    join_ = JoinWindow{true, now, std::nullopt, false};
    spdlog::warn("zigbee2mqtt: {} lets new devices join ({}); the hub closes it after {} s",
                 options_.base_topic,
                 info->permit_join_end_ms || info->permit_join_timeout_s ? "for a while" : "with no end",
                 std::chrono::duration_cast<std::chrono::seconds>(options_.join_window).count());
  } else if (info->permit_join == false && join_.open) {
    spdlog::info("zigbee2mqtt: {} no longer lets new devices join", options_.base_topic);
    join_ = JoinWindow{};
  }
  if (protocol::z2m_default_network(*info) && !default_network_) {
    default_network_ = true;
    spdlog::warn(
        "zigbee2mqtt: {} runs on Zigbee2MQTT's old default network identifiers (PAN 0x1A62, extended PAN "
        "dd..dd), which came with its published default network key: anyone in radio range may read or "
        "forge its traffic. Form a new network with network_key, pan_id and ext_pan_id set to GENERATE and "
        "pair its devices again",
        options_.base_topic);
    for (auto& [id, t] : devices_) tell_default_key(t);
  }
}

void Zigbee2MqttAdapter::tell_default_key(Tracked& t) {
  if (t.default_key_told) return;
  t.default_key_told = true;
  core::DeviceEvent e;
  e.kind = core::DeviceEventKind::alarm;
  e.alarm = "default_network_key";
  event(t, e);
}

void Zigbee2MqttAdapter::alarm_all(const std::string& name) {
  for (auto& [id, t] : devices_) {
    core::DeviceEvent e;
    e.kind = core::DeviceEventKind::alarm;
    e.alarm = name;
    event(t, e);
  }
}

void Zigbee2MqttAdapter::close_join(Timestamp now) {
  // 2.x takes only "time", 1.x only "value"; a bridge whose version is not known yet gets both.
  const std::string_view body = !bridge_major_        ? R"({"value":false,"time":0})"
                                : *bridge_major_ >= 2 ? R"({"time":0})"
                                                      : R"({"value":false})";
  join_.close_sent = now;
  if (auto r = publish_(options_.base_topic + "/bridge/request/permit_join", body); !r) {
    spdlog::error("zigbee2mqtt: could not close the join window of {}: {}", options_.base_topic,
                  r.error().to_string());
  }
  if (!join_.alarmed) {
    join_.alarmed = true;
    spdlog::warn("zigbee2mqtt: {} let devices join for over {} s; the hub closed it", options_.base_topic,
                 std::chrono::duration_cast<std::chrono::seconds>(options_.join_window).count());
    alarm_all("permit_join_left_open");
  }
}

void Zigbee2MqttAdapter::bridge_event(std::string_view payload) {
  auto e = protocol::decode_z2m_bridge_event(payload);
  if (!e) return reject(e.error().message);
  Tracked* t = by_ieee(e->ieee_address);
  if (t == nullptr) t = by_name(e->friendly_name);
  using T = protocol::Z2mBridgeEventType;
  if (e->type == T::device_joined) {
    if (join_.open) {
      spdlog::info("zigbee2mqtt: '{}' ({}) joined {} while it let devices join", e->friendly_name,
                   e->ieee_address, options_.base_topic);
    } else {
      // Security anchor D15: no join window was open, so something let it in (a router's own
      // permit-join, a window opened and closed between two bridge/info, or a key that leaked).
      spdlog::warn("zigbee2mqtt: '{}' ({}) joined {} while the hub saw no open join window", e->friendly_name,
                   e->ieee_address, options_.base_topic);
      alarm_all("unexpected_join");
    }
    return;
  }
  if (t == nullptr) {
    if (auto r = routers_.find(e->ieee_address); r != routers_.end() && e->type == T::device_leave)
      router_gone(r->second, "it left the Zigbee network (device_leave)");
    return;
  }
  if (e->type == T::device_announce) {
    complain(t->device.id, hub_.on_rejoined(t->device.address), "device_announce");
  } else if (e->type == T::device_leave) {
    complain(t->device.id,
             hub_.on_availability(t->device.address, false, "it left the Zigbee network (device_leave)"),
             "device_leave");
  }
}

void Zigbee2MqttAdapter::router_gone(const std::string& name, std::string_view why) {
  spdlog::warn("zigbee2mqtt: router '{}' of {} is gone ({}): locks that route through it may drop", name,
               options_.base_topic, why);
  hub_.on_mesh_router_gone(options_.base_topic);
}

void Zigbee2MqttAdapter::bridge_logging(std::string_view payload) {
  auto line = protocol::decode_z2m_bridge_logging(payload);
  if (!line) return reject(line.error().message);
  auto failed = protocol::z2m_failed_request(*line);
  if (!failed) return;
  Tracked* t = by_name(failed->device);
  if (t == nullptr) return;
  const core::LockAddress& from = t->device.address;
  if (auto radio = protocol::z2m_radio_status(*line))
    complain(from.lock, hub_.on_bridge_log(from, *radio), "a log line");
  if (failed->key == "pin_code" || failed->key == "auto_relock_time" || failed->key == "sound_volume") {
    const bool radio = line->mac_status.has_value() || line->timed_out;
    code_failed(*t, failed->type, failed->key, line->message, radio);
    if (!radio) return;  // the lock refused the slot (out of range, not a number): no word on its radio
  }
  if (t->pending && failed->type == "set" && failed->key == "state") {
    const ActionId id = t->pending->id;
    t->pending.reset();
    complain(from.lock, hub_.on_command_failed(from, id, "undelivered", clipped(line->message)),
             "a failed /set");
    return;
  }
  complain(from.lock, hub_.on_request_failed(from), "a failed request");
}

void Zigbee2MqttAdapter::event(Tracked& t, core::DeviceEvent e) {
  e.ts = hub_.now();
  complain(t.device.id, hub_.on_reported_event(t.device.address, e), "an event");
}

void Zigbee2MqttAdapter::report(Tracked& t, std::string_view payload) {
  auto r = protocol::decode_z2m_device(payload);
  if (!r) return reject(r.error().message);
  const Timestamp now = hub_.now();
  const protocol::Z2mLockView view = protocol::to_lock_view(*r, now);
  const core::LockAddress& from = t.device.address;
  // While Zigbee2MQTT reports an OTA install, its progress reports are that
  // and nothing more: the lock is updating (not online again) until the
  // update state says otherwise.
  const bool updating = r->update && r->update->state == protocol::Z2mUpdateState::updating;
  if (updating) {
    if (!t.updating) {
      core::DeviceEvent e;
      e.kind = core::DeviceEventKind::alarm;
      e.alarm = "firmware_update";
      event(t, std::move(e));
    } else {
      complain(from.lock, hub_.on_updating(from),
               "an update's progress");  // the window runs from the last word
    }
    t.updating = true;
    return;
  }
  // An update Zigbee2MQTT found for the lock: the hub may install it (the lock doctor's update_firmware).
  std::optional<bool> available = r->update_available;
  if (r->update && r->update->state) {
    t.updating = false;
    available = r->update->state == protocol::Z2mUpdateState::available;
  }
  if (available) complain(from.lock, hub_.on_update_available(from, *available), "an update's state");
  core::Telemetry telemetry = view.telemetry;
  telemetry.ts = now;
  complain(from.lock, hub_.on_telemetry(from, telemetry), "a report");
  if (view.linkquality) complain(from.lock, hub_.on_signal(from, *view.linkquality), "linkquality");
  if (view.action) {
    core::DeviceEvent e;
    e.operation = view.action->operation;
    e.source = view.action->source;
    if (r->action_user && *r->action_user != 65535) e.user = std::to_string(*r->action_user);
    if (view.action->alarm) {
      e.kind = core::DeviceEventKind::alarm;
      e.alarm = view.action->alarm;
    }
    event(t, std::move(e));
  }
  if (r->battery_low) {
    if (*r->battery_low && !t.battery_low) {
      core::DeviceEvent e;
      e.kind = core::DeviceEventKind::alarm;
      e.alarm = "low_battery";
      event(t, std::move(e));
    }
    t.battery_low = *r->battery_low;
  }
  if (view.lock_state) {
    const bool jammed = *view.lock_state == core::LockState::jammed;
    if (jammed && !t.jammed) {
      core::DeviceEvent e;
      e.kind = core::DeviceEventKind::alarm;
      e.alarm = "jammed";
      event(t, std::move(e));
    }
    t.jammed = jammed;
    core::StateReport state;
    state.ts = now;
    state.lock_state = *view.lock_state;
    const core::LockRecord* record = hub_.find_lock(from.lock);
    state.door_state =
        view.door_state.value_or(record != nullptr ? record->door_state : core::DoorState::unknown);
    complain(from.lock, hub_.on_state(from, state), "a state");
  }
  code_report(t, *r);
  if (!t.pending) return;
  if (now >= t.pending->expires_at) {
    t.pending.reset();  // the Hub expires it
    return;
  }
  if (!view.lock_state) return;
  // A report may still show the old state (the operation event comes first): wait for the one asked for.
  core::CommandResult result;
  result.command_id = t.pending->id;
  result.ts = now;
  result.lock_state = *view.lock_state;
  if (*view.lock_state == t.pending->want) {
    result.outcome = core::CommandOutcome::ok;
  } else if (*view.lock_state == core::LockState::jammed) {
    result.outcome = core::CommandOutcome::jammed;
    result.detail = "Zigbee2MQTT reports door_state error_jammed";
  } else {
    return;
  }
  t.pending.reset();
  complain(from.lock, hub_.on_command_result(from, result), "a command's result");
}

Result<void> Zigbee2MqttAdapter::send_command(const core::Command& command) {
  auto it = devices_.find(command.target.lock);
  if (it == devices_.end()) {
    return unavailable("lock " + command.target.lock + " is not on Zigbee2MQTT " + options_.base_topic +
                       " (yet)");
  }
  Tracked& t = it->second;
  if (command.code) {
    t.codes.push_back(CodeOp{command, false, {}, 0, 0, false, {}, {}});
    if (t.codes.size() > 1) return ok();  // queued behind the one on its way
    if (auto started = start_code(t); !started) {
      t.codes.clear();
      return started;
    }
    advance(t);
    return ok();
  }
  auto payload = protocol::encode_z2m_lock_command(command.action);
  if (!payload) {
    unsupported_.emplace_back(t.device.address, command.id);
    return payload.error();
  }
  if (auto r = publish_(options_.base_topic + "/" + t.device.friendly_name + "/set", *payload); !r) return r;
  t.pending =
      Pending{command.id,
              command.action == core::LockAction::lock ? core::LockState::locked : core::LockState::unlocked,
              command.expires_at};
  return ok();
}

// --- keypad codes --------------------------------------------------------------

Result<void> Zigbee2MqttAdapter::start_code(Tracked& t) {
  CodeOp& op = t.codes.front();
  op.started = true;
  op.saved_before = t.pincode_saved_ms;
  op.cleared_before = t.pincode_cleared_ms;
  const core::CodeCommand& c = *op.command.code;
  const std::string base = options_.base_topic + "/" + t.device.friendly_name;
  switch (c.action) {
    case core::CodeAction::set_code:
    case core::CodeAction::clear_code: {
      protocol::Z2mPinCode slot;
      slot.user = c.slot;
      if (c.action == core::CodeAction::set_code) {
        auto pin = endpoint_.open_pin(c);
        if (!pin) {
          finish_code(t, core::CommandOutcome::refused, pin.error().message, {});
          return ok();
        }
        slot.pin = std::move(*pin);
        protocol::wipe(*pin);
      }
      auto payload = protocol::encode_z2m_pin_code(slot);
      if (slot.pin) protocol::wipe(*slot.pin);
      if (!payload) {
        finish_code(t, core::CommandOutcome::refused, payload.error().message, {});
        return ok();
      }
      op.asked = {c.slot};
      auto sent = publish_(base + "/set", *payload);
      protocol::wipe(*payload);
      return sent;
    }
    case core::CodeAction::read_codes: {
      // The first page reads the settings too: Z2M answers in order, so they
      // are in its state before the last slot's answer ends the read-back.
      if (c.slot <= 1) {
        if (auto sent = publish_(base + "/get", protocol::encode_z2m_settings_read()); !sent) return sent;
      }
      const int last = std::min(c.slot + core::kSlotsPerReadback - 1, t.slot_count);
      for (int s = std::max(c.slot, 1); s <= last; ++s) {
        if (auto sent = publish_(base + "/get", *protocol::encode_z2m_pin_read(s)); !sent) return sent;
        op.asked.push_back(s);
      }
      if (op.asked.empty()) finish_code(t, core::CommandOutcome::ok, {}, {});  // past the lock's slots
      return ok();
    }
    case core::CodeAction::set_code_key: {
      auto taken = endpoint_.take_code_key(t.device.id, c);
      finish_code(t, taken ? core::CommandOutcome::ok : core::CommandOutcome::refused,
                  taken ? std::string() : taken.error().message, {});
      return ok();
    }
    case core::CodeAction::set_settings: {
      auto payload = protocol::encode_z2m_settings(c.settings);
      if (!payload) {
        finish_code(t, core::CommandOutcome::unsupported, payload.error().message, {});
        return ok();
      }
      return publish_(base + "/set", *payload);
    }
  }
  return ok();
}

void Zigbee2MqttAdapter::advance(Tracked& t) {
  while (!t.codes.empty() && !t.codes.front().started) {
    if (auto started = start_code(t); !started) {
      spdlog::warn("zigbee2mqtt: a code command to {} could not go out: {}", t.device.id,
                   started.error().message);
      t.codes.erase(t.codes.begin());  // the sync sends it again after its back-off
    }
  }
}

std::vector<codes::PlainSlot> Zigbee2MqttAdapter::held(const Tracked& t, int from, int to) const {
  std::vector<codes::PlainSlot> out;
  for (const auto& [slot, u] : t.users) {
    if (slot >= from && slot <= to && u.occupied()) out.push_back({slot, u.pin});
  }
  return out;
}

void Zigbee2MqttAdapter::finish_code(Tracked& t, core::CommandOutcome outcome, std::string detail,
                                     const std::vector<codes::PlainSlot>& slots) {
  const CodeOp op = std::move(t.codes.front());
  t.codes.erase(t.codes.begin());
  const core::CodeCommand& c = *op.command.code;
  core::CommandResult result;
  result.command_id = op.command.id;
  result.ts = hub_.now();
  result.outcome = outcome;
  result.detail = clipped(std::move(detail));
  result.codes = endpoint_.readback(t.device.id, slots, 1, core::kMaxCodeSlots);
  if (!t.settings.empty()) result.codes->settings = t.settings;
  if (c.action == core::CodeAction::read_codes && !op.asked.empty() && !op.out_of_range &&
      op.asked.back() < t.slot_count) {
    result.codes->next_slot = op.asked.back() + 1;
  }
  code_answers_.emplace_back(t.device.address, std::move(result));
}

void Zigbee2MqttAdapter::code_report(Tracked& t, const protocol::Z2mDeviceReport& r) {
  for (const auto& [slot, u] : r.users) {
    auto cached = t.cached.find(slot);
    if (cached == t.cached.end() || cached->second != u) t.users[slot] = u;  // news from the lock
    t.cached[slot] = u;
  }
  if (r.pincode_saved_ms) t.pincode_saved_ms = r.pincode_saved_ms;
  if (r.pincode_cleared_ms) t.pincode_cleared_ms = r.pincode_cleared_ms;
  if (r.auto_relock_time) t.settings.auto_relock_s = r.auto_relock_time;
  if (r.sound_volume) t.settings.sound_volume = r.sound_volume;
  if (t.codes.empty() || !t.codes.front().started) return;
  CodeOp& op = t.codes.front();
  const core::CodeCommand& c = *op.command.code;
  auto moved_on = [](const std::optional<std::int64_t>& now, const std::optional<std::int64_t>& before) {
    return now && (!before || *now > *before);
  };
  switch (c.action) {
    case core::CodeAction::set_code:
      if (!moved_on(r.pincode_saved_ms, op.saved_before)) return;
      // The lock stored it (its SetPinCodeRsp); the next read-back asks the slot again.
      t.users[c.slot] = protocol::Z2mUserSlot{"enabled", std::nullopt};
      finish_code(t, core::CommandOutcome::ok, {}, held(t, c.slot, c.slot));
      break;
    case core::CodeAction::clear_code:
      if (!moved_on(r.pincode_cleared_ms, op.cleared_before)) return;
      t.users[c.slot] = protocol::Z2mUserSlot{"available", std::nullopt};
      finish_code(t, core::CommandOutcome::ok, {}, {});
      break;
    case core::CodeAction::read_codes:
      if (!r.users.empty()) ++op.reports;
      if (op.reports + op.failed < static_cast<int>(op.asked.size())) return;
      finish_code(t, core::CommandOutcome::ok, {}, held(t, op.asked.front(), op.asked.back()));
      break;
    case core::CodeAction::set_settings:
      // Z2M publishes the values it wrote.
      if (!t.settings.holds(c.settings)) return;
      finish_code(t, core::CommandOutcome::ok, {}, {});
      break;
    case core::CodeAction::set_code_key: return;
  }
  advance(t);
}

void Zigbee2MqttAdapter::code_failed(Tracked& t, const std::string& type, const std::string& key,
                                     const std::string& message, bool radio) {
  if (t.codes.empty() || !t.codes.front().started) return;
  CodeOp& op = t.codes.front();
  const core::CodeCommand& c = *op.command.code;
  const bool range = message.find("in range") != std::string::npos;
  if (c.action == core::CodeAction::set_settings) {
    if (type != "set" || key == "pin_code") return;
    if (radio) {
      t.codes.erase(t.codes.begin());  // not delivered: the sync sends it again after its back-off
    } else {
      finish_code(t, core::CommandOutcome::refused, "Zigbee2MQTT: " + message, {});
    }
  } else if (c.action == core::CodeAction::read_codes) {
    if (type != "get" || key != "pin_code") return;  // a lock without the settings' attributes says so here
    ++op.failed;
    if (range) {
      op.out_of_range = true;
      // Z2M takes the gets in order: the ones that failed are the highest slots.
      t.slot_count = std::max(0, op.asked.back() - op.failed);
    }
    if (op.reports + op.failed < static_cast<int>(op.asked.size())) return;
    finish_code(t, core::CommandOutcome::ok, {}, held(t, op.asked.front(), op.asked.back()));
  } else if (type == "set" &&
             (c.action == core::CodeAction::set_code || c.action == core::CodeAction::clear_code)) {
    if (radio) {
      t.codes.erase(t.codes.begin());  // not delivered: the sync sends it again after its back-off
    } else {
      finish_code(t, core::CommandOutcome::refused, "Zigbee2MQTT: " + message, held(t, c.slot, c.slot));
    }
  } else {
    return;
  }
  advance(t);
}

Result<void> Zigbee2MqttAdapter::probe(const core::Command& ping) {
  const core::LockAddress& lock = ping.target;
  auto it = devices_.find(lock.lock);
  if (it == devices_.end())
    return unavailable("lock " + lock.lock + " is not on Zigbee2MQTT " + options_.base_topic);
  return publish_(options_.base_topic + "/" + it->second.device.friendly_name + "/get",
                  protocol::encode_z2m_state_read());
}

Result<const Zigbee2MqttAdapter::Device*> Zigbee2MqttAdapter::askable(const core::LockAddress& lock) const {
  auto it = devices_.find(lock.lock);
  if (it == devices_.end())
    return unavailable("lock " + lock.lock + " is not on Zigbee2MQTT " + options_.base_topic);
  if (bridge_up_ == false) return unavailable("Zigbee2MQTT " + options_.base_topic + " is offline");
  return &it->second.device;
}

Result<void> Zigbee2MqttAdapter::restart_bridge(const core::LockAddress& lock) {
  if (auto d = askable(lock); !d) return d.error();
  spdlog::info("zigbee2mqtt: restarting {} for lock {}", options_.base_topic, lock.lock);
  return publish_(options_.base_topic + "/bridge/request/restart", "");
}

Result<void> Zigbee2MqttAdapter::update_firmware(const core::LockAddress& lock) {
  auto d = askable(lock);
  if (!d) return d.error();
  spdlog::info("zigbee2mqtt: asking {} to install the firmware update of lock {}", options_.base_topic,
               lock.lock);
  return publish_(options_.base_topic + "/bridge/request/device/ota_update/update",
                  protocol::encode_z2m_ota_update((*d)->friendly_name));
}

void Zigbee2MqttAdapter::ota_response(std::string_view payload) {
  auto r = protocol::decode_z2m_ota_response(payload);
  if (!r) return reject(r.error().message);
  Tracked* t = by_name(r->device);
  if (t == nullptr) t = by_ieee(r->device);
  if (t == nullptr) return;  // another device's update
  if (!r->ok) spdlog::warn("zigbee2mqtt: the firmware update of {} failed: {}", t->device.id, r->error);
  complain(t->device.id, hub_.on_update_result(t->device.address, r->ok, r->error), "an update's result");
}

void Zigbee2MqttAdapter::tick() {
  for (auto& [from, id] : std::exchange(unsupported_, {})) {
    complain(from.lock, hub_.on_command_failed(from, id, "unsupported", "a Zigbee door lock has no unlatch"),
             "an unsupported command");
  }
  const Timestamp now = hub_.now();
  for (auto& [id, t] : devices_) {
    if (t.pending && now >= t.pending->expires_at) t.pending.reset();
    // A code command unanswered in its validity: the sync retries it.
    if (!t.codes.empty() && t.codes.front().started && now >= t.codes.front().command.expires_at) {
      t.codes.erase(t.codes.begin());
      advance(t);
    }
  }
  for (auto& [from, result] : std::exchange(code_answers_, {})) {
    if (code_results_) code_results_(from, result);
  }
  constexpr Duration kCloseAgain = std::chrono::seconds(30);
  if (join_.open && now - join_.seen_open >= options_.join_window &&
      (!join_.close_sent || now - *join_.close_sent >= kCloseAgain)) {
    close_join(now);
  }
}

}  // namespace lw::adapters::zigbee2mqtt
