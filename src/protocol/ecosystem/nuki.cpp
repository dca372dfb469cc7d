#include "protocol/ecosystem/nuki.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include "protocol/ecosystem/payload.h"

namespace lw::protocol {
namespace {

using core::LockAction;
using core::OperationSource;

struct Leaf {
  std::string_view name;
  NukiTopicKind kind;
};
constexpr auto kLeaves = std::to_array<Leaf>({
    {"deviceType", NukiTopicKind::device_type},
    {"name", NukiTopicKind::name},
    {"firmware", NukiTopicKind::firmware},
    {"mode", NukiTopicKind::mode},
    {"state", NukiTopicKind::state},
    {"batteryCritical", NukiTopicKind::battery_critical},
    {"batteryChargeState", NukiTopicKind::battery_charge_state},
    {"batteryCharging", NukiTopicKind::battery_charging},
    {"keypadBatteryCritical", NukiTopicKind::keypad_battery_critical},
    {"doorsensorState", NukiTopicKind::doorsensor_state},
    {"doorsensorBatteryCritical", NukiTopicKind::doorsensor_battery_critical},
    {"ringactionTimestamp", NukiTopicKind::ring_action_timestamp},
    {"serverConnected", NukiTopicKind::server_connected},
    {"timestamp", NukiTopicKind::timestamp},
    {"connected", NukiTopicKind::connected},
    {"lockAction", NukiTopicKind::lock_action},
    {"lock", NukiTopicKind::lock},
    {"unlock", NukiTopicKind::unlock},
    {"commandResponse", NukiTopicKind::command_response},
    {"lockActionEvent", NukiTopicKind::lock_action_event},
});

std::optional<int> to_int(std::string_view s) {
  int v = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || ptr != end || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<NukiTopic> classify_nuki_topic(std::string_view topic) {
  if (!topic.starts_with(kNukiBase) || topic.size() <= kNukiBase.size() + 1 ||
      topic[kNukiBase.size()] != '/') {
    return std::nullopt;
  }
  const std::string_view rest = topic.substr(kNukiBase.size() + 1);
  const std::size_t slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == rest.size()) return std::nullopt;
  const std::string_view leaf = rest.substr(slash + 1);
  if (leaf.find('/') != std::string_view::npos) return std::nullopt;
  NukiTopic t;
  t.device_id = std::string(rest.substr(0, slash));
  for (const Leaf& l : kLeaves) {
    if (l.name == leaf) t.kind = l.kind;
  }
  return t;
}

std::string nuki_topic(std::string_view device_id, std::string_view leaf) {
  std::string t(kNukiBase);
  t += '/';
  t += device_id;
  t += '/';
  t += leaf;
  return t;
}

Result<bool> decode_nuki_flag(std::string_view what, std::string_view payload) {
  const std::string_view v = ecosystem::trim(payload);
  if (v == "true") return true;
  if (v == "false") return false;
  return invalid_argument(what, "must be true or false");
}

Result<int> decode_nuki_number(std::string_view what, std::string_view payload, int lo, int hi) {
  auto v = to_int(ecosystem::trim(payload));
  if (!v || *v < lo || *v > hi) {
    return invalid_argument(what, "must be an integer " + std::to_string(lo) + ".." + std::to_string(hi));
  }
  return *v;
}

std::optional<core::LockState> nuki_lock_state(int state) {
  switch (state) {
    case 1: return core::LockState::locked;
    case 3:
    case 6: return core::LockState::unlocked;
    case 5: return core::LockState::unlatched;
    case kNukiMotorBlocked: return core::LockState::jammed;
    case 0:
    case 255: return core::LockState::unknown;
    default: return std::nullopt;  // 2 unlocking, 4 locking, 7 unlatching, 253 boot run
  }
}

core::DoorState nuki_door_state(int state) {
  switch (state) {
    case 2: return core::DoorState::closed;
    case 3: return core::DoorState::open;
    default: return core::DoorState::unknown;
  }
}

Result<NukiLockActionEvent> decode_nuki_lock_action_event(std::string_view payload) {
  const std::string_view text = ecosystem::trim(payload);
  constexpr std::string_view kWhat = "lockActionEvent";
  if (text.size() > 64) return invalid_argument(kWhat, "must be at most 64 bytes");
  std::vector<int> fields;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    auto v = to_int(ecosystem::trim(text.substr(start, comma - start)));
    if (!v || *v < 0 || *v > 65535) {
      return invalid_argument(kWhat, "must be 4 or 5 comma-separated integers 0..65535");
    }
    fields.push_back(*v);
    start = comma + 1;
  }
  if (fields.size() < 4 || fields.size() > 5) {
    return invalid_argument(kWhat, "must be 4 or 5 comma-separated integers 0..65535");
  }
  NukiLockActionEvent e;
  e.action = fields[0];
  e.trigger = fields[1];
  e.auth_id = fields[2];
  e.code_id = fields[3];
  if (fields.size() == 5) e.extra = fields[4];
  return e;
}

NukiOperation interpret_nuki_lock_action_event(const NukiLockActionEvent& e) {
  NukiOperation out;
  int action = e.action;
  std::optional<OperationSource> by_device;
  if (action >= 80 && action < 90) {
    by_device = OperationSource::remote;  // a key fob
    action -= 80;
  } else if (action >= 90 && action < 100) {
    by_device = OperationSource::button;
    action -= 90;
  }
  switch (action) {
    case 1:
    case 4: out.operation = LockAction::unlock; break;
    case 2:
    case 6: out.operation = LockAction::lock; break;
    case 3:
    case 5: out.operation = LockAction::unlatch; break;
    default: break;
  }
  if (e.trigger == 255 || e.code_id != 0) {
    out.source = OperationSource::keypad;
  } else if (by_device) {
    out.source = *by_device;
  } else {
    switch (e.trigger) {
      case 0: out.source = OperationSource::phone; break;
      case 1: out.source = OperationSource::manual; break;
      case 2: out.source = OperationSource::button; break;
      case 3: out.source = OperationSource::schedule; break;
      case 6: out.source = OperationSource::auto_relock; break;
      case 171:
      case 172: out.source = OperationSource::remote; break;
      default: break;
    }
  }
  if (e.auth_id != 0) {
    out.user = std::to_string(e.auth_id);
  } else if (e.code_id != 0) {
    out.user = "code " + std::to_string(e.code_id);
  }
  return out;
}

std::string encode_nuki_lock_action(core::LockAction action) {
  switch (action) {
    case LockAction::unlock: return "1";
    case LockAction::lock: return "2";
    case LockAction::unlatch: return "3";
  }
  return "2";
}

}  // namespace lw::protocol
