#include "core/health/liveness_engine.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace lw::core {
namespace {

std::string missed_words(const PhiAccrual& d, Timestamp now) {
  const auto last = d.last_heard();
  if (!last) return "never heard";
  const double periods = std::chrono::duration<double>(now - *last) / std::chrono::duration<double>(d.mean());
  const int missed = static_cast<int>(std::floor(periods));
  return missed == 1 ? "1 report overdue" : std::to_string(missed) + " reports overdue";
}

}  // namespace

std::string_view to_string(IncidentScope v) noexcept {
  switch (v) {
    case IncidentScope::lock: return "lock";
    case IncidentScope::bridge: return "bridge";
    case IncidentScope::network: return "network";
    case IncidentScope::site: return "site";
  }
  return "lock";
}

LivenessEngine::LivenessEngine() : LivenessEngine(Options{}) {}
LivenessEngine::LivenessEngine(Options options) : options_(options) {}

LivenessEngine::Device* LivenessEngine::find(const LockId& lock) {
  auto it = index_.find(lock);
  return it == index_.end() ? nullptr : &devices_[it->second];
}
const LivenessEngine::Device* LivenessEngine::find(const LockId& lock) const {
  auto it = index_.find(lock);
  return it == index_.end() ? nullptr : &devices_[it->second];
}

void LivenessEngine::place(const LockId& lock, const DevicePlace& place) {
  if (Device* d = find(lock)) {
    if (d->place.cadence != place.cadence) d->detector.declare(place.cadence);
    d->place = place;
    return;
  }
  index_.emplace(lock, devices_.size());
  Device d{.id = lock, .place = place, .detector = PhiAccrual(place.cadence)};
  devices_.push_back(std::move(d));
  if (!place.via.empty()) vias_.try_emplace(place.via);
}

void LivenessEngine::heard(const LockId& lock, Timestamp at) {
  auto it = index_.find(lock);
  if (it == index_.end()) return;
  Device& d = devices_[it->second];
  if (d.gone_by_watch && at - *d.gone_by_watch <= d.place.cadence && d.watch_wrong < 255) ++d.watch_wrong;
  d.gone_by_watch.reset();
  d.watch_probe = false;
  d.detector.heard(at);
  d.link_down = false;
  d.probe_failed = false;
  d.probes_sent = 0;
  d.probe_deadline.reset();
  d.updating_until.reset();  // back from the install
  evaluate(it->second, at);
}

void LivenessEngine::declared(const LockId& lock, Duration cadence, Timestamp at) {
  auto it = index_.find(lock);
  if (it == index_.end() || cadence <= Duration::zero()) return;
  Device& d = devices_[it->second];
  if (d.place.cadence == cadence) return;
  d.place.cadence = cadence;
  const auto last = d.detector.last_heard();
  d.detector.declare(cadence);
  if (last) d.detector.heard(*last);
  evaluate(it->second, at);
}

void LivenessEngine::link_down(const LockId& lock, Timestamp at, std::string why) {
  auto it = index_.find(lock);
  if (it == index_.end()) return;
  Device& d = devices_[it->second];
  d.link_down = true;
  d.why = std::move(why);
  evaluate(it->second, at);
}

void LivenessEngine::via_network(const std::string& via, const std::string& network) {
  vias_[via].network = network;
}

void LivenessEngine::via_state(const std::string& via, bool up, Timestamp at) {
  Via& v = vias_[via];
  if (v.up == up) return;
  v.up = up;
  if (!up) {
    // One incident for the bridge and every device behind it: the router's,
    // when the bridge dropped with its Wi-Fi network, else the bridge's own.
    SiteId site;
    for (const Device& d : devices_) {
      if (d.place.via == via) site = d.place.site;
    }
    Incident* inc = nullptr;
    if (!v.network.empty()) {
      for (auto& [id, open] : open_) {
        if (network_of(open) == v.network && at - open.last_joined <= options_.group_window) {
          inc = &open;
          inc->scope = IncidentScope::network;
          inc->subject = v.network;
          incident_changes_.push_back({IncidentChange::What::grew, id, at});
          break;
        }
      }
    }
    if (inc == nullptr) inc = &open_incident(IncidentScope::bridge, via, site, at);
    inc->last_joined = at;
    for (std::size_t i = 0; i < devices_.size(); ++i) {
      Device& d = devices_[i];
      if (d.place.via != via) continue;
      d.why = "bridge " + via + " is down";
      if (!d.incident || *d.incident == inc->id) {
        // (A device already down on its own stays in its incident.)
        if (!d.incident) {
          d.incident = inc->id;
          inc->members.push_back(d.id);
          inc->down.push_back(d.id);
        }
      }
      evaluate(i, at);
    }
    return;
  }
  for (std::size_t i = 0; i < devices_.size();
       ++i) {  // NOLINT(modernize-loop-convert): evaluate() takes the index
    if (devices_[i].place.via == via) evaluate(i, at);
  }
  // A bridge incident with no member left down closes with the bridge.
  for (auto& [id, inc] : open_) {
    if (inc.scope == IncidentScope::bridge && inc.subject == via && inc.down.empty()) {
      inc.closed_at = at;
      incident_changes_.push_back({IncidentChange::What::closed, id, at});
      retire(id);  // invalidates the loop: leave it at once
      break;
    }
  }
}

std::string LivenessEngine::network_of(const Incident& inc) const {
  auto of_via = [this](const std::string& via) {
    auto it = vias_.find(via);
    return it == vias_.end() ? std::string() : it->second.network;
  };
  switch (inc.scope) {
    case IncidentScope::network: return inc.subject;
    case IncidentScope::bridge: return of_via(inc.subject);
    case IncidentScope::site: return {};
    case IncidentScope::lock: {
      const Device* d = find(inc.subject);
      if (d == nullptr) return {};
      return d->place.network.empty() && !d->place.via.empty() ? of_via(d->place.via) : d->place.network;
    }
  }
  return {};
}

void LivenessEngine::updating(const LockId& lock, Timestamp at) {
  auto it = index_.find(lock);
  if (it == index_.end()) return;
  devices_[it->second].updating_until = at + options_.update_window;
  evaluate(it->second, at);
}

void LivenessEngine::command_timed_out(const LockId& lock, Timestamp at) {
  auto it = index_.find(lock);
  if (it == index_.end()) return;
  // Unanswered while overdue: confirmed gone. While reports still arrive, the
  // lock is alive but deaf (the lock doctor's business), not offline.
  if (devices_[it->second].detector.phi(at) >= options_.suspect_phi) {
    probe_missed(it->second, at, "overdue and did not answer");
  }
  evaluate(it->second, at);
}

void LivenessEngine::cannot_probe(const LockId& lock, Timestamp at) {
  auto it = index_.find(lock);
  if (it == index_.end()) return;
  Device& d = devices_[it->second];
  d.place.probe = false;
  d.probe_deadline.reset();
  d.probes_sent = 0;
  evaluate(it->second, at);
}

void LivenessEngine::probe_missed(std::size_t index, Timestamp at, std::string why) {
  Device& d = devices_[index];
  d.probe_deadline.reset();
  if (d.place.probe && d.probes_sent < options_.probe_attempts) {
    ++d.probes_sent;
    d.probe_deadline = at + options_.probe_timeout;
    probes_.push_back(d.id);
    return;
  }
  d.probe_failed = true;
  if (d.watch_probe) d.gone_by_watch = at;
  d.why = std::move(why);
}

void LivenessEngine::tick(Timestamp now) {
  while (!due_.empty() && due_.top().at <= now) {
    const Due next = due_.top();
    due_.pop();
    Device& d = devices_[next.device];
    if (next.epoch != d.epoch) continue;
    if (d.probe_deadline && *d.probe_deadline <= next.at) {
      const auto last = d.detector.last_heard();
      const std::string why =
          d.watch_probe && last
              ? "quiet for " +
                    std::to_string(
                        std::chrono::duration_cast<std::chrono::minutes>(next.at - *last).count()) +
                    " min"
              : std::string("overdue");
      probe_missed(next.device, next.at,
                   why + " and did not answer " + std::to_string(d.probes_sent) + " probes");
    }
    evaluate(next.device, next.at);
  }
}

void LivenessEngine::evaluate(std::size_t index, Timestamp now) {
  Device& d = devices_[index];
  const auto last = d.detector.last_heard();
  Connectivity next = Connectivity::online;
  std::string why;
  bool told = false;
  const bool via_down = !d.place.via.empty() && !via_up(d.place.via);
  if (via_down) {
    next = Connectivity::unreachable;
    why = "bridge " + d.place.via + " is down";
    told = true;
  } else if (d.updating_until && now < *d.updating_until) {
    next = Connectivity::updating;
    why = "installing firmware";
  } else if (d.link_down || d.probe_failed) {
    next = Connectivity::offline;
    why = d.why;
    told = d.link_down;
  } else if (!last) {
    next = Connectivity::unknown;
  } else {
    const double phi = d.detector.phi(now);
    if (phi >= options_.offline_phi) {
      next = Connectivity::offline;
      why = missed_words(d.detector, now);
    } else if (phi >= options_.suspect_phi) {
      next = Connectivity::suspect;
      why = missed_words(d.detector, now);
      if (d.place.probe && !d.probe_deadline && d.probes_sent == 0) send_probe(d, now, false);
    } else if (d.place.sleepy && now - *last > options_.awake_window) {
      next = Connectivity::asleep;
    } else if (watched(d) && now - *last >= options_.watch_after && !d.probe_deadline && d.probes_sent == 0) {
      send_probe(d, now, true);  // quiet a while, not overdue: asked, still online
    }
  }
  if (next != d.state) {
    const Connectivity before = d.state;
    d.state = next;
    changes_.push_back({d.id, before, next, now, why, told});
    if (is_down(next) && !is_down(before)) went_down(d, now);
    if (!is_down(next) && is_down(before)) came_back(d, now);
  }
  schedule(index, now);
}

void LivenessEngine::send_probe(Device& d, Timestamp now, bool watch) {
  d.watch_probe = watch;
  d.probes_sent = 1;
  d.probe_deadline = now + options_.probe_timeout;
  probes_.push_back(d.id);
}

bool LivenessEngine::watched(const Device& d) const {
  // A lossy link misses asks too: three in a row would be a false alarm a
  // day. Its overdue reports, weighed by its own loss, decide instead; so
  // for a lock whose link takes reports but not asks (the watch called it
  // gone and it was back at its next report, twice).
  return d.place.probe && !d.place.sleepy && options_.watch_after > Duration::zero() &&
         d.place.cadence > options_.watch_after && d.detector.loss_rate() < options_.watch_max_loss &&
         d.watch_wrong < options_.watch_max_wrong;
}

void LivenessEngine::schedule(std::size_t index, Timestamp now) {
  Device& d = devices_[index];
  ++d.epoch;
  std::optional<Timestamp> at;
  auto earliest = [&at](std::optional<Timestamp> t) {
    if (t && (!at || *t < *at)) at = t;
  };
  earliest(d.probe_deadline);
  if (d.updating_until && *d.updating_until > now) earliest(d.updating_until);
  if (!d.link_down && !d.probe_failed && d.detector.last_heard()) {
    if (d.state == Connectivity::online || d.state == Connectivity::asleep ||
        d.state == Connectivity::updating) {
      earliest(d.detector.crosses(options_.suspect_phi));
    }
    if (d.state == Connectivity::online && watched(d) && !d.probe_deadline && d.probes_sent == 0)
      earliest(*d.detector.last_heard() + options_.watch_after);
    if (d.state == Connectivity::suspect) earliest(d.detector.crosses(options_.offline_phi));
    if (d.place.sleepy && d.state == Connectivity::online)
      earliest(*d.detector.last_heard() + options_.awake_window);
  }
  if (!at) return;
  // Never due again at `now` itself: what is due now was just evaluated.
  due_.push({std::max(*at, now + Duration{1}), index, d.epoch});
}

Incident& LivenessEngine::open_incident(IncidentScope scope, const std::string& subject, const SiteId& site,
                                        Timestamp at) {
  const std::uint64_t id = next_incident_++;
  Incident inc;
  inc.id = id;
  inc.scope = scope;
  inc.subject = subject;
  inc.site = site;
  inc.opened_at = at;
  inc.last_joined = at;
  incident_changes_.push_back({IncidentChange::What::opened, id, at});
  return open_[id] = std::move(inc);
}

void LivenessEngine::went_down(Device& d, Timestamp at) {
  if (d.incident) return;  // already a member (a bridge incident took it in)
  // Told at once (a Last Will), drops of one cause arrive within seconds;
  // found by silence, they arrive up to a report interval (and the probes)
  // apart, as each lock's next report falls due.
  const Duration window = d.link_down
                              ? options_.group_window
                              : std::max(options_.group_window,
                                         d.place.cadence + options_.probe_timeout * options_.probe_attempts);
  // The place it shares with others, most specific first.
  IncidentScope scope = IncidentScope::site;
  std::string subject = d.place.site;
  if (!d.place.network.empty()) {
    scope = IncidentScope::network;
    subject = d.place.network;
  } else if (!d.place.via.empty()) {
    scope = IncidentScope::bridge;
    subject = d.place.via;
  }
  for (auto& [id, inc] : open_) {
    bool same_place = false;
    if (scope == IncidentScope::network) {
      same_place = network_of(inc) == subject;
    } else if (scope == IncidentScope::bridge) {
      const Device* first = inc.scope == IncidentScope::lock ? find(inc.subject) : nullptr;
      same_place = (inc.scope == IncidentScope::bridge && inc.subject == subject) ||
                   (first != nullptr && first->place.via == subject);
    } else {
      const Device* first = inc.scope == IncidentScope::lock ? find(inc.subject) : nullptr;
      same_place = (inc.scope == IncidentScope::site && inc.subject == subject) ||
                   (first != nullptr && first->place.site == subject && first->place.network.empty() &&
                    first->place.via.empty());
    }
    if (!same_place || at - inc.last_joined > window) continue;
    if (inc.scope == IncidentScope::lock ||
        (scope == IncidentScope::network && inc.scope == IncidentScope::bridge)) {
      inc.scope = scope;
      inc.subject = subject;
    }
    inc.members.push_back(d.id);
    inc.down.push_back(d.id);
    inc.last_joined = at;
    d.incident = id;
    incident_changes_.push_back({IncidentChange::What::grew, id, at});
    return;
  }
  Incident& inc = open_incident(IncidentScope::lock, d.id, d.place.site, at);
  inc.members.push_back(d.id);
  inc.down.push_back(d.id);
  d.incident = inc.id;
}

void LivenessEngine::came_back(Device& d, Timestamp at) {
  if (!d.incident) return;
  auto it = open_.find(*d.incident);
  d.incident.reset();
  if (it == open_.end()) return;
  Incident& inc = it->second;
  std::erase(inc.down, d.id);
  const bool bridge_still_down = inc.scope == IncidentScope::bridge && !via_up(inc.subject);
  if (!inc.down.empty() || bridge_still_down) return;
  inc.closed_at = at;
  incident_changes_.push_back({IncidentChange::What::closed, inc.id, at});
  retire(inc.id);
}

void LivenessEngine::retire(std::uint64_t id) {
  auto it = open_.find(id);
  if (it == open_.end()) return;
  closed_.push_front(std::move(it->second));
  open_.erase(it);
  while (closed_.size() > options_.closed_kept) closed_.pop_back();
}

std::vector<LockId> LivenessEngine::take_probes() { return std::exchange(probes_, {}); }
std::vector<ConnectivityChange> LivenessEngine::take_changes() { return std::exchange(changes_, {}); }
std::vector<IncidentChange> LivenessEngine::take_incident_changes() {
  return std::exchange(incident_changes_, {});
}

Connectivity LivenessEngine::state(const LockId& lock) const {
  const Device* d = find(lock);
  return d == nullptr ? Connectivity::unknown : d->state;
}

std::optional<Timestamp> LivenessEngine::last_heard(const LockId& lock) const {
  const Device* d = find(lock);
  return d == nullptr ? std::nullopt : d->detector.last_heard();
}

const Incident* LivenessEngine::incident(std::uint64_t id) const {
  if (auto it = open_.find(id); it != open_.end()) return &it->second;
  for (const Incident& inc : closed_) {
    if (inc.id == id) return &inc;
  }
  return nullptr;
}

std::optional<std::uint64_t> LivenessEngine::incident_of(const LockId& lock) const {
  const Device* d = find(lock);
  return d == nullptr ? std::nullopt : d->incident;
}

std::string LivenessEngine::via_network_of(const std::string& via) const {
  auto it = vias_.find(via);
  return it == vias_.end() ? std::string() : it->second.network;
}

const DevicePlace* LivenessEngine::place(const LockId& lock) const {
  const Device* d = find(lock);
  return d == nullptr ? nullptr : &d->place;
}

std::string LivenessEngine::network_of(const Device& d) const {
  // A bridged device is on its bridge's Wi-Fi network.
  return d.place.network.empty() && !d.place.via.empty() ? via_network_of(d.place.via) : d.place.network;
}

std::vector<LockId> LivenessEngine::network_peers(const LockId& lock) const {
  std::vector<LockId> out;
  const Device* me = find(lock);
  if (me == nullptr) return out;
  const std::string mine = network_of(*me);
  if (mine.empty()) return out;
  for (const Device& d : devices_) {
    if (&d != me && network_of(d) == mine) out.push_back(d.id);
  }
  return out;
}

LivenessEngine::Neighbours LivenessEngine::neighbours(const LockId& lock) const {
  Neighbours n;
  const Device* me = find(lock);
  if (me == nullptr) return n;
  const std::string my_network = network_of(*me);
  for (const Device& d : devices_) {
    if (&d == me) continue;
    if (!my_network.empty() && network_of(d) == my_network) ++n.network;
    if (!me->place.via.empty() && d.place.via == me->place.via) ++n.via;
    if (d.place.site == me->place.site) ++n.site;
  }
  return n;
}

std::vector<const Incident*> LivenessEngine::open_incidents() const {
  std::vector<const Incident*> out;
  out.reserve(open_.size());
  for (const auto& [id, inc] : open_) out.push_back(&inc);
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<const Incident*> LivenessEngine::incidents() const {
  std::vector<const Incident*> out = open_incidents();
  for (const Incident& inc : closed_) out.push_back(&inc);
  return out;
}

bool LivenessEngine::via_up(const std::string& via) const {
  auto it = vias_.find(via);
  return it == vias_.end() || it->second.up;
}

}  // namespace lw::core
