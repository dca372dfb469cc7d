#include "app/fleet_ears.h"

#include <utility>

#include "firmware/radio_link.h"
#include "protocol/codec.h"
#include "protocol/ecosystem/zigbee2mqtt_requests.h"
#include "protocol/topics.h"

namespace lw::app {
namespace {

using core::Transport;

/// The hub's name for the scenario's [[network]] `id`; empty if none.
std::string network_key(const sim::Scenario& s, const std::string& id) {
  for (const sim::ScenarioNetwork& n : s.networks) {
    if (n.id == id) return core::network_id(n.site, n.ssid);
  }
  return {};
}

}  // namespace

Roster roster_of(const sim::Scenario& s) {
  Roster r;
  for (const sim::ScenarioBridge& b : s.bridges) {
    r.bridges.push_back({b.id, b.kind, b.base_topic, network_key(s, b.network)});
  }
  for (const sim::ScenarioNetwork& n : s.networks)
    r.networks.emplace_back(core::network_id(n.site, n.ssid), n.over_internet);
  for (const sim::ScenarioLock& l : s.locks) {
    r.locks.push_back({l.id, l.site, l.name, l.transport,
                       l.heartbeat.value_or(firmware::heartbeat_interval(l.transport, false)), l.bridge,
                       l.battery, l.ambient_c});
  }
  return r;
}

FleetEars::FleetEars(Roster roster, Options options, EarsListener* listener)
    : options_(std::move(options)), listener_(listener), monitor_(options_.health) {
  for (const RosterBridge& b : roster.bridges) add_bridge(b);
  if (options_.discover) {
    for (const std::string& base : options_.z2m_base_topics) {
      bool known = false;
      for (const auto& [id, topics] : z2m_) known = known || topics.base() == base;
      if (!known) add_bridge({base, sim::BridgeKind::zigbee, base, {}});
    }
  }
  for (RosterLock& l : roster.locks) add(std::move(l));
  for (const auto& [network, remote] : roster.networks) doctor_.evidence().network(network, remote);
}

void FleetEars::add_bridge(const RosterBridge& b) {
  monitor_.via_network(b.id, b.network);  // as configured
  if (b.kind == sim::BridgeKind::zigbee) z2m_.emplace_back(b.id, protocol::Z2mTopics(b.base_topic));
  if (b.kind == sim::BridgeKind::zwave) zwave_.emplace_back(b.id, protocol::ZwaveTopics(b.base_topic));
}

std::size_t FleetEars::add(RosterLock l) {
  const std::size_t i = locks_.size();
  core::DevicePlace place;
  place.site = l.site;
  place.cadence = l.cadence;
  // A Wi-Fi lock's network is learnt from its telemetry (its SSID), as the hub
  // does; a Bluetooth lock's comes with its telemetry too.
  place.probe = true;  // the hub pings a native lock and asks a bridged one's bridge
  if (l.transport == Transport::zigbee || l.transport == Transport::zwave) {
    place.via = l.bridge;
    for (const auto& [id, topics] : z2m_) {
      if (id == l.bridge) names_[topics.base() + "/" + l.name] = i;
    }
    for (const auto& [id, topics] : zwave_) {
      if (id == l.bridge) names_[topics.prefix() + "/" + l.name] = i;
    }
  }
  core::BatteryProfile profile;
  // The installer tells the hub which batteries went in (the app asks).
  profile.chemistry = core::parse_chemistry(l.battery).value_or(core::Chemistry::unknown);
  profile.standby_ma = core::standby_ma(l.transport);
  profile.ambient_c = l.ambient_c;
  monitor_.place(l.id, place, profile, l.transport);
  doctor_.place(l.id, l.transport);
  // The running hub's code sync reads each lock back every readback_interval
  // and holds a verified backup of its codes for twice that (code_sync.h); at
  // a case's first look the lock was heard minutes before, and the fleet
  // holds only codes the hub wrote. So the doctor may plan a re-pair or a
  // factory reset, and the codes come back after it.
  doctor_.backup(l.id, true);
  index_[l.id] = i;
  places_.push_back(place);
  profiles_.push_back(profile);
  locks_.push_back(std::move(l));
  return i;
}

std::size_t FleetEars::index(const LockId& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? locks_.size() : it->second;
}

void FleetEars::message(Timestamp ts, std::string_view topic, std::string_view payload, bool /*json*/) {
  ++messages_;
  monitor_.tick(ts);
  pump(ts);
  if (topic.starts_with("lw/v1/")) {
    native(ts, topic, payload);
  } else {
    ecosystem(ts, topic, payload);
  }
  pump(ts);
}

std::vector<LockId> FleetEars::tick(Timestamp now) {
  monitor_.tick(now);
  pump(now);
  return monitor_.take_probes();
}

void FleetEars::heard(std::size_t i, Timestamp at) {
  monitor_.heard(locks_[i].id, at);
  if (listener_ != nullptr) listener_->heard(i, at);
}

void FleetEars::gauge(std::size_t i, Timestamp at, std::optional<int> mv, std::optional<double> pct) {
  monitor_.gauge(locks_[i].id, at, mv, pct);
  if (pct && listener_ != nullptr) listener_->gauge(i, at, *pct);
}

void FleetEars::native(Timestamp ts, std::string_view topic, std::string_view payload) {
  auto t = protocol::parse_topic(topic);
  if (!t) return count_bad();
  if (t->channel == protocol::Channel::app) {
    // A phone's report about the lock it tried to open.
    if (!options_.doctor) return;
    auto r = protocol::decode_app_report(payload);
    if (!r) return count_bad();
    if (r->ok || index(r->lock) == locks_.size()) return;
    if (r->reason == "bluetooth_permission_denied")
      doctor_.evidence().app(r->lock, ts, core::AppComplaint::permission_denied);
    if (r->reason == "app_outdated") doctor_.evidence().app(r->lock, ts, core::AppComplaint::too_old);
    return;
  }
  std::size_t i = index(t->address.lock);
  if (i == locks_.size()) {
    if (!options_.discover || !protocol::sent_by_lock(t->channel)) return;
    i = add({t->address.lock,
             t->address.site,
             t->address.lock,
             Transport::wifi,
             std::chrono::minutes(10),
             {},
             "alkaline",
             std::nullopt});
  }
  const LockId& id = locks_[i].id;
  switch (t->channel) {
    case protocol::Channel::status: {
      auto s = protocol::decode_status(payload);
      if (!s) return count_bad();
      if (s->online) {
        heard(i, ts);
      } else {
        monitor_.link_down(id, ts, "Last Will");
      }
      return;
    }
    case protocol::Channel::telemetry: {
      auto tel = protocol::decode_telemetry(payload);
      if (!tel) return count_bad();
      if (tel->ssid && places_[i].network != core::network_id(locks_[i].site, *tel->ssid)) {
        places_[i].network = core::network_id(locks_[i].site, *tel->ssid);
        monitor_.place(id, places_[i], profiles_[i], locks_[i].transport);
      }
      if (tel->transport && *tel->transport != locks_[i].transport && options_.discover) {
        locks_[i].transport = *tel->transport;
        doctor_.place(id, *tel->transport);
      }
      monitor_.telemetry(id, ts, *tel);
      if (options_.doctor)
        doctor_.evidence().telemetry(id, ts, *tel, tel->heartbeat.value_or(locks_[i].cadence));
      if (listener_ != nullptr) {
        listener_->heard(i, ts);
        if (tel->battery_pct) listener_->gauge(i, ts, *tel->battery_pct);
      }
      return;
    }
    case protocol::Channel::event: {
      auto e = protocol::decode_event(payload);
      if (!e) return count_bad();
      heard(i, ts);
      if (e->kind == core::DeviceEventKind::lock_operation) {
        monitor_.operation(id, ts);
        if (options_.doctor) doctor_.evidence().operated(id, ts);
      }
      if (e->alarm) {
        if (*e->alarm == "firmware_update") monitor_.updating(id, ts);
        if (options_.doctor) doctor_.evidence().alarm(id, ts, *e->alarm);
      }
      monitor_.event_delivered(id, e->ts, ts);
      return;
    }
    case protocol::Channel::state: {
      heard(i, ts);
      if (!options_.doctor) return;
      auto s = protocol::decode_state(payload);
      if (!s) return count_bad();
      doctor_.evidence().state(id, ts, s->lock_state);
      return;
    }
    case protocol::Channel::result: {
      heard(i, ts);
      if (!options_.doctor) return;
      auto r = protocol::decode_result(payload);
      if (!r) return count_bad();
      // A ping's answer shows the lock hears, not that an action worked.
      if (r->command_id.starts_with(core::kPingIdPrefix)) return;
      doctor_.evidence().command(id, ts, r->outcome == core::CommandOutcome::ok);
      return;
    }
    case protocol::Channel::cmd:
    case protocol::Channel::app:
    case protocol::Channel::pair:
    case protocol::Channel::pair_reply: return;
  }
}

void FleetEars::ecosystem(Timestamp ts, std::string_view topic, std::string_view payload) {
  for (const auto& [bridge, topics] : z2m_) {
    if (auto t = topics.classify(topic)) return zigbee(ts, bridge, topics.base(), *t, payload);
  }
  for (const auto& [bridge, topics] : zwave_) {
    if (auto t = topics.classify(topic)) return zwave(ts, bridge, topics.prefix(), *t, payload);
  }
}

std::size_t FleetEars::by_name(const std::string& base, const std::string& name) const {
  auto it = names_.find(base + "/" + name);
  return it == names_.end() ? locks_.size() : it->second;
}

void FleetEars::zigbee(Timestamp ts, const std::string& bridge, const std::string& base,
                       const protocol::Z2mTopic& t, std::string_view payload) {
  using K = protocol::Z2mTopicKind;
  core::EvidenceBook& evidence = doctor_.evidence();
  switch (t.kind) {
    case K::bridge_state: {
      auto up = protocol::decode_z2m_bridge_state(payload);
      if (!up) return count_bad();
      monitor_.via_state(bridge, *up, ts);
      return;
    }
    case K::bridge_info: {
      auto info = protocol::decode_z2m_bridge_info(payload);
      if (!info) return count_bad();
      if (options_.doctor) evidence.bridge_firmware(bridge, ts, info->version);
      return;
    }
    case K::bridge_logging: {
      auto line = protocol::decode_z2m_bridge_logging(payload);
      if (!line) return count_bad();
      const bool failed = line->kind == protocol::Z2mLogKind::publish_failed ||
                          line->kind == protocol::Z2mLogKind::ping_failed;
      if (!failed || !line->device) return;
      const std::size_t i = by_name(base, *line->device);
      if (i == locks_.size()) return;
      monitor_.command(locks_[i].id, ts, std::nullopt, core::ActionStatus::expired, ts);
      if (!options_.doctor) return;
      evidence.command(locks_[i].id, ts, false);
      if (auto what = protocol::z2m_radio_status(*line)) evidence.bridge_log(locks_[i].id, ts, *what);
      return;
    }
    case K::bridge_event: {
      auto e = protocol::decode_z2m_bridge_event(payload);
      if (!e) return count_bad();
      if (e->type == protocol::Z2mBridgeEventType::device_announce) {
        const std::size_t i = by_name(base, e->friendly_name);
        if (i == locks_.size()) return;
        heard(i, ts);
        if (options_.doctor) evidence.rejoined(locks_[i].id, ts);
      }
      return;
    }
    case K::device_availability: {
      std::size_t i = by_name(base, t.friendly_name);
      if (i == locks_.size()) return;
      auto online = protocol::decode_z2m_availability(payload);
      if (!online) return count_bad();
      if (*online) return heard(i, ts);
      monitor_.link_down(locks_[i].id, ts, "Zigbee2MQTT availability");
      return;
    }
    case K::device: {
      std::size_t i = by_name(base, t.friendly_name);
      if (i == locks_.size()) {
        if (!options_.discover) return;
        i = add({t.friendly_name, base, t.friendly_name, Transport::zigbee, std::chrono::hours(1), bridge,
                 "alkaline", std::nullopt});
      }
      auto r = protocol::decode_z2m_device(payload);
      if (!r) return count_bad();
      heard(i, ts);
      const LockId& id = locks_[i].id;
      if (r->update && r->update->state == protocol::Z2mUpdateState::updating) monitor_.updating(id, ts);
      if (r->action) monitor_.operation(id, ts);
      if (r->linkquality) monitor_.signal(id, ts, *r->linkquality);
      if (r->battery || r->voltage_mv) gauge(i, ts, r->voltage_mv, r->battery);
      if (!options_.doctor) return;
      if (r->update && r->update->installed_version)
        evidence.firmware(id, ts, std::to_string(*r->update->installed_version));
      if (r->door_state == core::DoorState::jammed) {
        evidence.alarm(id, ts, "jammed");
      } else if (r->lock_state) {
        evidence.state(id, ts, *r->lock_state);
      }
      if (r->action && !r->action->ends_with("_failure_invalid_pin_or_id")) evidence.operated(id, ts);
      return;
    }
    default: return;
  }
}

void FleetEars::zwave(Timestamp ts, const std::string& bridge, const std::string& prefix,
                      const protocol::ZwaveTopic& t, std::string_view payload) {
  using K = protocol::ZwaveTopicKind;
  if (t.kind == K::gateway_status) {
    auto up = protocol::decode_zwave_gateway_status(payload);
    if (!up) return count_bad();
    monitor_.via_state(bridge, *up, ts);
    return;
  }
  if (t.kind == K::gateway_version) {
    auto v = protocol::decode_zwave_gateway_version(payload);
    if (!v) return count_bad();
    if (options_.doctor) doctor_.evidence().bridge_firmware(bridge, ts, *v);
    return;
  }
  const std::size_t i = by_name(prefix, t.node);
  if (i == locks_.size()) return;
  const LockId& id = locks_[i].id;
  if (t.kind == K::node_status) {
    auto s = protocol::decode_zwave_node_status(payload);
    if (!s) return count_bad();
    if (s->status == protocol::ZwaveNodeStatus::dead) {
      // zwave-js marks a node dead only after a command to it failed.
      if (options_.doctor) doctor_.evidence().command(id, ts, false);
      monitor_.link_down(id, ts, "Z-Wave JS: node dead");
    } else {
      heard(i, ts);
    }
    return;
  }
  if (t.kind != K::value && t.kind != K::node_last_active) return;
  heard(i, ts);
  if (t.kind != K::value || !t.value) return;
  auto v = protocol::decode_zwave_value(payload);
  if (!v) return count_bad();
  auto u = protocol::interpret_zwave_lock_value(*t.value, *v);
  if (!u) return count_bad();
  if (u->battery_pct) gauge(i, ts, std::nullopt, static_cast<double>(*u->battery_pct));
  const bool operated = u->event && u->event->operation && !u->event->alarm;
  if (operated) monitor_.operation(id, ts);  // the motor ran: the battery forecast counts it
  if (!options_.doctor) return;
  if (u->jammed && *u->jammed) doctor_.evidence().alarm(id, ts, "jammed");
  if (u->lock_state) doctor_.evidence().state(id, ts, *u->lock_state);
  if (operated) doctor_.evidence().operated(id, ts);
}

void FleetEars::pump(Timestamp now) {
  std::vector<core::ConnectivityChange> changes = monitor_.take_changes();
  std::vector<core::IncidentChange> incidents = monitor_.take_incident_changes();
  std::vector<core::HealthNotice> notices = monitor_.take_notices();
  if (listener_ != nullptr) {
    for (const core::ConnectivityChange& c : changes) listener_->change(c);
    for (const core::HealthNotice& n : notices) listener_->notice(n);
  }
  if (options_.doctor) doctor_.update(now, monitor_, changes, incidents);
}

}  // namespace lw::app
