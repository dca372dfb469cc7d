#include "core/diagnosis/evidence.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace lw::core {
namespace {

using namespace std::chrono_literals;

constexpr Duration kAroundDrop = 1h;
constexpr Duration kDay = 24h;
/// A lock behind a router that went notices when it next talks: within its report interval (Zigbee: 1 h).
constexpr Duration kRouterBeforeDrop = 2h;
constexpr Duration kFirmwareRecent = 72h;
constexpr Duration kUpdateWindow = 45min;
constexpr Duration kBrownOutRecent = 7 * 24h;
constexpr double kHighLoss = 0.2;
/// The share of reports lost is a clue once counted this long.
constexpr Duration kLossHistory = 2h;
/// Loss that rose: the last two hours' share at least this many times the week's before.
constexpr double kLossRise = 2.0;
/// Peers that dropped this recently (and are not down with the lock) count towards a crowd.
constexpr Duration kPeersDropped = std::chrono::hours(1);
constexpr int kDeafFailures = 2;

bool within(const std::optional<Timestamp>& t, Timestamp from, Timestamp to) {
  return t && *t >= from && *t <= to;
}

}  // namespace

void EvidenceBook::telemetry(const LockId& lock, Timestamp at, const Telemetry& t, Duration cadence) {
  Seen& s = seen(lock);
  if (t.boot_reason && t.uptime_s && std::chrono::seconds(*t.uptime_s) < cadence) {
    // The first report the hub hears is the hub meeting the lock, not the lock restarting.
    if (s.reported) s.boot = at;
    if (*t.boot_reason == BootReason::brown_out) s.brown_out = at;
  }
  s.reported = true;
  if (t.firmware) firmware(lock, at, *t.firmware);
}

void EvidenceBook::misbehaved(const LockId& lock, Seen& s, Timestamp at) {
  if (!s.misbehaved || *s.misbehaved < at) {
    if (std::find(misbehaving_.begin(), misbehaving_.end(), lock) == misbehaving_.end())
      misbehaving_.push_back(lock);
  }
  s.misbehaved = at;
}

void EvidenceBook::alarm(const LockId& lock, Timestamp at, std::string_view name) {
  Seen& s = seen(lock);
  if (name == "jammed") s.jam = at;
  if (name == "motor_fault") s.motor_fault = at;
  if (name == "firmware_update") s.update_alarm = at;
  if (name == "jammed" || name == "motor_fault") misbehaved(lock, s, at);
}

void EvidenceBook::state(const LockId& lock, Timestamp at, LockState state) {
  Seen& s = seen(lock);
  if (state == LockState::not_fully_locked) s.mismatch = at;
  if (state == LockState::jammed) s.jam = at;
  if (state == LockState::not_fully_locked || state == LockState::jammed) misbehaved(lock, s, at);
}

void EvidenceBook::operated(const LockId& lock, Timestamp at) { seen(lock).worked = at; }

std::vector<LockId> EvidenceBook::take_misbehaving() { return std::exchange(misbehaving_, {}); }

std::optional<Timestamp> EvidenceBook::last_misbehaviour(const LockId& lock) const {
  auto it = locks_.find(lock);
  return it == locks_.end() ? std::nullopt : it->second.misbehaved;
}

std::optional<Timestamp> EvidenceBook::last_worked(const LockId& lock) const {
  auto it = locks_.find(lock);
  return it == locks_.end() ? std::nullopt : it->second.worked;
}

void EvidenceBook::command(const LockId& lock, Timestamp at, bool succeeded) {
  Seen& s = seen(lock);
  if (succeeded) {
    s.worked = at;
    s.failures = 0;
    s.failed_from.reset();
    return;
  }
  if (s.failures++ == 0) s.failed_from = at;
  if (s.failures == kDeafFailures) misbehaved(lock, s, at);
}

void EvidenceBook::firmware(const LockId& lock, Timestamp at, const std::string& version) {
  Seen& s = seen(lock);
  if (!s.firmware.empty() && s.firmware != version) s.firmware_changed = at;
  s.firmware = version;
}

void EvidenceBook::bridge_firmware(const std::string& via, Timestamp at, const std::string& version) {
  Bridge& b = bridges_[via];
  if (!b.firmware.empty() && b.firmware != version) b.changed = at;
  b.firmware = version;
}

void EvidenceBook::router_gone(const std::string& via, Timestamp at) { bridges_[via].router_gone = at; }

void EvidenceBook::bridge_log(const LockId& lock, Timestamp at, BridgeLog what) {
  Seen& s = seen(lock);
  (what == BridgeLog::no_route ? s.no_route : s.channel_busy) = at;
}

void EvidenceBook::rejoined(const LockId& lock, Timestamp at) { seen(lock).rejoin = at; }

void EvidenceBook::app(const LockId& lock, Timestamp at, AppComplaint what) {
  Seen& s = seen(lock);
  (what == AppComplaint::permission_denied ? s.app_denied : s.app_old) = at;
  misbehaved(lock, s, at);
}

void EvidenceBook::connectivity(const ConnectivityChange& change, const HealthMonitor& health) {
  if (!is_down(change.to) || is_down(change.from)) return;
  Seen& s = seen(change.lock);
  s.last_down = change.at;
  s.told_gone = change.told;
  // Kept for when fresh cells replace the pack the drop is about.
  const std::optional<double> days = health.health(change.lock, change.at).battery.days_left;
  s.low_at_drop = days ? std::optional(*days < kBatteryLowDays) : std::nullopt;
}

bool EvidenceBook::alive_but_deaf(const Seen& s, Timestamp now, const HealthMonitor& health,
                                  const LockId& lock) const {
  if (s.failures < kDeafFailures || !s.failed_from || now - *s.failed_from > kDay) return false;
  const std::optional<Timestamp> heard = health.liveness().last_heard(lock);
  return heard && *heard >= *s.failed_from;
}

Clues EvidenceBook::clues(const LockId& lock, Transport transport, Timestamp now,
                          std::optional<Timestamp> down_at, const HealthMonitor& health,
                          std::optional<std::uint64_t> incident, std::span<const LockId> with) const {
  Clues c;
  static const Seen nothing{};
  auto it = locks_.find(lock);
  const Seen& s = it == locks_.end() ? nothing : it->second;
  const LivenessEngine& live = health.liveness();
  const DevicePlace* place = live.place(lock);
  const LockHealth h = health.health(lock, now);

  // How it went, and whether it is back.
  const bool dropped = down_at && s.last_down && *s.last_down >= *down_at - kAroundDrop;
  c.set(Clue::told_gone, dropped && s.told_gone);
  c.set(Clue::went_silent, dropped && !s.told_gone);
  if (down_at) {
    c.set(Clue::came_back_alone, dropped && !is_down(h.connectivity));
    c.set_down_for(now - *down_at);
  }

  // Who else dropped: the incident it joined says (once closed too: the
  // peers that are back went down with it all the same).
  const Incident* inc = nullptr;
  if (const auto id = incident ? incident : h.incident) inc = live.incident(*id);
  const LivenessEngine::Neighbours n = live.neighbours(lock);
  const auto in_incident = [&](const LockId& m) {
    return inc != nullptr && std::find(inc->members.begin(), inc->members.end(), m) != inc->members.end();
  };
  // The members that went down with it: the incident's, less those whose own trouble it was.
  const auto went_with = [&](const LockId& m) {
    return in_incident(m) && (with.empty() || std::find(with.begin(), with.end(), m) != with.end());
  };
  const bool shared =
      inc != nullptr && std::count_if(inc->members.begin(), inc->members.end(), went_with) > 1;
  if (place != nullptr && !place->via.empty()) c.set(Clue::bridge_down, !live.via_up(place->via));
  if (n.network > 0 || (shared && inc->scope == IncidentScope::network))
    c.set(Clue::network_peers_down, shared && inc->scope == IncidentScope::network);
  // With its bridge down, the bridge itself says it all.
  if (n.via > 0 && place != nullptr && live.via_up(place->via))
    c.set(Clue::bridge_peers_down, shared && inc->scope == IncidentScope::bridge);
  if (n.site > n.network) c.set(Clue::site_peers_down, shared && inc->scope == IncidentScope::site);

  // Where the hub is: over the internet, or on the lock's own network.
  if (place != nullptr) {
    const std::string net = !place->network.empty() ? place->network : live.via_network_of(place->via);
    if (auto r = remote_.find(net); r != remote_.end()) c.set(Clue::over_internet, r->second);
  }

  // Battery. Fresh cells around the drop: someone acted (it did not come back
  // by itself), and the pack the drop is about is gone (its level is the one
  // the forecast gave at the drop).
  const bool swapped = down_at && within(h.battery.replaced_at, *down_at - kAroundDrop, now);
  if (swapped) {
    if (s.low_at_drop) c.set(Clue::battery_low, *s.low_at_drop);  // the old pack, as it was at the drop
  } else if (h.battery.days_left) {
    c.set(Clue::battery_low, *h.battery.days_left < kBatteryLowDays);
  }
  c.set(Clue::battery_dropouts,
        h.battery.low_battery_dropouts || within(s.brown_out, now - kBrownOutRecent, now));
  if (down_at) {
    // While it is away nobody may have been to it yet: no fresh cells says nothing.
    if (swapped || !is_down(h.connectivity)) c.set(Clue::batteries_replaced, swapped);
    if (swapped) c.set(Clue::came_back_alone, false);
    // A lock restarts when its cells go in: that boot is the swap's.
    if (!swapped) {
      c.set(Clue::rebooted,
            within(s.boot, *down_at - kAroundDrop, now) || within(s.rejoin, *down_at - kAroundDrop, now));
    }
  }

  // Link.
  if (!std::isnan(h.link.level)) {
    c.set(Clue::signal_weak, h.link.weak);
    c.set(Clue::signal_degrading, h.link.degrading);
  }
  c.set(Clue::loss_recurring, h.link.recurring_loss_hour.has_value());
  // Reports lost over a hub's first minutes are the one outage it saw, not the link.
  if (h.link.counted_for >= kLossHistory) c.set(Clue::loss_high, h.link.loss_rate_24h >= kHighLoss);
  // A crowded Wi-Fi loses everyone's reports, from the moment it became
  // crowded; a weak link only this lock's, and a site far from its router
  // every lock's all week. A peer counts when its loss of the last two hours
  // rose over its week before, its report is overdue now, or it dropped in
  // the last hour.
  if (n.network > 0 && transport == Transport::wifi) {
    int peers = 0;
    int lossy = 0;
    for (const LockId& peer : live.network_peers(lock)) {
      const DevicePlace* where = live.place(peer);
      if (where == nullptr || !where->via.empty()) continue;  // a bridged lock's loss is its radio's
      // Those that went down with this lock lost their reports to the same
      // outage (network_peers_down speaks for them), and what befell them
      // since is their own.
      if (in_incident(peer)) continue;
      const std::optional<LinkReport> r = health.link(peer, now);
      if (!r || !r->loss_rate_recent) continue;
      ++peers;
      const double before = r->loss_rate_before.value_or(0);
      const bool rose = *r->loss_rate_recent >= kHighLoss && *r->loss_rate_recent >= kLossRise * before;
      // A crowd of minutes shows first as reports overdue across the network.
      const Connectivity now_state = live.state(peer);
      const bool overdue = now_state == Connectivity::suspect || now_state == Connectivity::offline;
      // A crowd breaks sessions, and a lock that rejoins at once loses no report: a drop of its own
      // in the last hour counts too.
      auto peer_seen = locks_.find(peer);
      const bool dropped = peer_seen != locks_.end() && peer_seen->second.last_down &&
                           within(*peer_seen->second.last_down, now - kPeersDropped, now);
      if (rose || overdue || dropped) ++lossy;
    }
    if (peers > 0) c.set(Clue::network_peers_lossy, 2 * lossy >= peers);
  }

  // Firmware.
  c.set(Clue::updating,
        h.connectivity == Connectivity::updating || within(s.update_alarm, now - kUpdateWindow, now));
  bool changed = within(s.firmware_changed, now - kFirmwareRecent, now);
  if (place != nullptr && !place->via.empty()) {
    if (auto b = bridges_.find(place->via); b != bridges_.end())
      changed = changed || within(b->second.changed, now - kFirmwareRecent, now);
  }
  c.set(Clue::firmware_changed, changed);

  // What it did and what it said.
  c.set(Clue::alive_but_deaf, alive_but_deaf(s, now, health, lock));
  c.set(Clue::jam_alarm, within(s.jam, now - kDay, now));
  c.set(Clue::motor_fault_alarm, within(s.motor_fault, now - kDay, now));
  c.set(Clue::state_mismatch, within(s.mismatch, now - kDay, now));
  c.set(Clue::app_permission_denied, within(s.app_denied, now - kDay, now));
  c.set(Clue::app_too_old, within(s.app_old, now - kDay, now));

  // The Zigbee bridge's own words.
  if (transport == Transport::zigbee) {
    const Timestamp from = down_at ? *down_at - kAroundDrop : now - kAroundDrop;
    c.set(Clue::mesh_no_route, within(s.no_route, from, now));
    c.set(Clue::channel_busy, within(s.channel_busy, from, now));
    // Only a router seen going is a clue: the bridge says nothing of routers that stay.
    if (place != nullptr && !place->via.empty()) {
      if (auto b = bridges_.find(place->via);
          b != bridges_.end() && within(b->second.router_gone, from - kRouterBeforeDrop, now))
        c.set(Clue::mesh_router_gone, true);
    }
  }
  return c;
}

}  // namespace lw::core
