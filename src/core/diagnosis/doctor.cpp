#include "core/diagnosis/doctor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace lw::core {
namespace {

using enum Clue;

/// How often each clue shows whatever the cause: a lock drops off by going
/// quiet or with a Last Will about equally; few drops share a network.
constexpr std::array<double, kClueCount> kBackground{
    0.35,  // told_gone
    0.40,  // went_silent
    0.03,  // bridge_down
    0.05,  // network_peers_down
    0.03,  // bridge_peers_down
    0.02,  // site_peers_down
    0.30,  // came_back_alone
    0.10,  // battery_low
    0.03,  // battery_dropouts
    0.10,  // rebooted
    0.10,  // signal_weak
    0.05,  // signal_degrading
    0.03,  // loss_recurring
    0.10,  // loss_high
    0.02,  // updating
    0.05,  // firmware_changed
    0.03,  // alive_but_deaf
    0.02,  // jam_alarm
    0.01,  // motor_fault_alarm
    0.02,  // state_mismatch
    0.01,  // app_permission_denied
    0.01,  // app_too_old
    0.05,  // mesh_no_route
    0.03,  // channel_busy
    0.30,  // over_internet
    0.02,  // mesh_router_gone
    0.05,  // network_peers_lossy
    0.03,  // batteries_replaced
};

struct Sign {
  Clue clue;
  double p;  // P(clue shows | cause)
};

/// What each cause looks like to the hub (docs/diagnosis.md prints this table).
struct Profile {
  Cause cause;
  std::array<Sign, 9> signs;  // unused entries have p < 0
};

constexpr Sign kNone{told_gone, -1};

constexpr std::array<Profile, Doctor::kCauses> kProfiles{{
    {Cause::battery_depleted,
     {{{told_gone, 0.7},
       {went_silent, 0.3},
       {battery_low, 0.9},
       {battery_dropouts, 0.4},
       {came_back_alone, 0.02},
       {rebooted, 0.05},
       {signal_weak, 0.1},
       {batteries_replaced, 0.6},  // once it is back: fresh cells are how it came back
       kNone}}},
    {Cause::battery_low_dropouts,
     {{{battery_low, 0.8},
       {battery_dropouts, 0.9},
       {rebooted, 0.8},
       {came_back_alone, 0.95},
       {told_gone, 0.6},
       {batteries_replaced, 0.3},
       kNone,
       kNone,
       kNone}}},
    {Cause::weak_signal,
     {{{signal_weak, 0.8},
       {signal_degrading, 0.3},
       {loss_high, 0.8},
       {came_back_alone, 0.8},
       {mesh_no_route, 0.4},
       {network_peers_down, 0.03},
       kNone,
       kNone,
       kNone}}},
    {Cause::interference,
     {{{loss_recurring, 0.7},
       {loss_high, 0.6},
       {came_back_alone, 0.9},
       {signal_weak, 0.25},
       {channel_busy, 0.5},
       {network_peers_down, 0.05},
       kNone,
       kNone,
       kNone}}},
    {Cause::network_overloaded,
     {{{network_peers_down, 0.6},
       {loss_high, 0.8},
       {came_back_alone, 0.8},
       {told_gone, 0.6},
       {signal_weak, 0.1},
       {network_peers_lossy, 0.85},
       kNone,
       kNone,
       kNone}}},
    {Cause::router_power_outage,
     {{{network_peers_down, 0.95},
       {told_gone, 0.8},
       {came_back_alone, 0.9},
       {bridge_down, 0.4},
       {site_peers_down, 0.05},
       {rebooted, 0.05},
       kNone,
       kNone,
       kNone}}},
    {Cause::internet_outage,
     {{{network_peers_down, 0.95},
       {told_gone, 0.8},
       {came_back_alone, 0.95},
       {bridge_down, 0.4},
       {site_peers_down, 0.05},
       {over_internet, 0.999},
       kNone,
       kNone,
       kNone}}},
    {Cause::network_credentials_changed,
     {{{network_peers_down, 0.95},
       {told_gone, 0.8},
       {came_back_alone, 0.02},
       {bridge_down, 0.4},
       {site_peers_down, 0.05},
       kNone,
       kNone,
       kNone,
       kNone}}},
    {Cause::router_replaced,
     {{{network_peers_down, 0.95},
       {told_gone, 0.8},
       {came_back_alone, 0.02},
       {bridge_down, 0.4},
       {site_peers_down, 0.05},
       kNone,
       kNone,
       kNone,
       kNone}}},
    {Cause::mesh_route_lost,
     {{{bridge_peers_down, 0.7},
       {mesh_no_route, 0.8},
       {came_back_alone, 0.2},
       {told_gone, 0.6},
       {bridge_down, 0.01},
       {mesh_router_gone, 0.7},
       kNone,
       kNone,
       kNone}}},
    {Cause::out_of_range,
     {{{signal_weak, 0.6},
       {came_back_alone, 0.1},
       {told_gone, 0.5},
       {loss_high, 0.5},
       kNone,
       kNone,
       kNone,
       kNone,
       kNone}}},
    {Cause::firmware_bug,
     {{{went_silent, 0.95},
       {told_gone, 0.03},
       {alive_but_deaf, 0.3},
       {signal_weak, 0.05},
       {battery_low, 0.05},
       {came_back_alone, 0.02},
       {network_peers_down, 0.02},
       kNone,
       kNone}}},
    // Seen while the install runs: the new version and its reboot come at its end.
    {Cause::firmware_updating,
     {{{updating, 0.95},
       {firmware_changed, 0.4},
       {came_back_alone, 0.98},
       {rebooted, 0.4},
       {told_gone, 0.8},
       kNone,
       kNone,
       kNone,
       kNone}}},
    {Cause::app_permissions,
     {{{app_permission_denied, 0.95},
       {told_gone, 0.05},
       {went_silent, 0.05},
       kNone,
       kNone,
       kNone,
       kNone,
       kNone,
       kNone}}},
    {Cause::app_outdated,
     {{{app_too_old, 0.95},
       {told_gone, 0.05},
       {went_silent, 0.05},
       kNone,
       kNone,
       kNone,
       kNone,
       kNone,
       kNone}}},
    {Cause::hub_offline,
     {{{bridge_down, 0.97},
       {told_gone, 0.7},
       {came_back_alone, 0.3},
       {bridge_peers_down, 0.5},
       kNone,
       kNone,
       kNone,
       kNone,
       kNone}}},
    {Cause::hub_software_regression,
     {{{firmware_changed, 0.8},
       {alive_but_deaf, 0.9},
       {bridge_peers_down, 0.3},
       {told_gone, 0.05},
       {went_silent, 0.05},
       kNone,
       kNone,
       kNone,
       kNone}}},
    {Cause::calibration_drift,
     {{{state_mismatch, 0.9},
       {jam_alarm, 0.1},
       {told_gone, 0.03},
       {went_silent, 0.03},
       kNone,
       kNone,
       kNone,
       kNone,
       kNone}}},
    {Cause::bolt_jammed,
     {{{jam_alarm, 0.95},
       {state_mismatch, 0.2},
       {told_gone, 0.03},
       {went_silent, 0.03},
       kNone,
       kNone,
       kNone,
       kNone,
       kNone}}},
    {Cause::hardware_fault,
     {{{motor_fault_alarm, 0.95},
       {jam_alarm, 0.1},
       {told_gone, 0.03},
       {went_silent, 0.03},
       kNone,
       kNone,
       kNone,
       kNone,
       kNone}}},
}};

/// How long a cause typically lasts when it ends by itself, minutes: a lock
/// is back by itself t minutes after the drop with P = (the profile's
/// came_back_alone) × (1 − exp(−t / τ)). A reboot after a brown-out takes
/// minutes, a firmware install tens of minutes, a power cut or an internet
/// outage about an hour; a hub left down waits for someone.
constexpr std::array<double, Doctor::kCauses> kRecoveryMinutes{
    60,   // battery_depleted
    3,    // battery_low_dropouts
    20,   // weak_signal
    15,   // interference
    20,   // network_overloaded
    45,   // router_power_outage
    60,   // internet_outage
    60,   // network_credentials_changed
    60,   // router_replaced
    120,  // mesh_route_lost
    60,   // out_of_range
    60,   // firmware_bug
    20,   // firmware_updating
    60,   // app_permissions
    60,   // app_outdated
    60,   // hub_offline
    60,   // hub_software_regression
    60,   // calibration_drift
    60,   // bolt_jammed
    60,   // hardware_fault
};
constexpr double kBackgroundRecoveryMinutes = 30;

std::size_t idx(Cause c) { return static_cast<std::size_t>(c); }

/// The share of the eventual recoveries that happened within `down_for`.
double recovered_by(std::optional<Duration> down_for, double tau_minutes) {
  if (!down_for) return 1.0;
  const double t = std::chrono::duration<double, std::ratio<60>>(*down_for).count();
  return 1.0 - std::exp(-std::max(t, 0.0) / tau_minutes);
}
std::size_t idx(Transport t) { return static_cast<std::size_t>(t); }

/// How far a likelihood ratio must go to count as evidence in words.
constexpr double kTelling = 2.0;

}  // namespace

bool applies(Cause cause, Transport transport) noexcept {
  const bool bridged = transport != Transport::wifi;
  const bool mesh =
      transport == Transport::zigbee || transport == Transport::zwave || transport == Transport::thread;
  switch (cause) {
    case Cause::mesh_route_lost: return mesh;
    case Cause::out_of_range: return transport == Transport::ble_bridge;
    case Cause::hub_offline:
    case Cause::hub_software_regression: return bridged;
    default: return true;
  }
}

double background(Clue clue) noexcept { return kBackground[static_cast<std::size_t>(clue)]; }

double likelihood(Cause cause, Clue clue) noexcept {
  for (const Sign& s : kProfiles[idx(cause)].signs) {
    if (s.p >= 0 && s.clue == clue) return s.p;
  }
  return background(clue);
}

Doctor::Doctor() {
  // Even over what applies: one imagined incident per cause and transport.
  for (std::size_t t = 0; t < kTransports; ++t) {
    for (const CauseInfo& c : causes()) {
      counts_[t][idx(c.cause)] = applies(c.cause, static_cast<Transport>(t)) ? 1.0 : 0.0;
    }
  }
}

namespace {
/// Whether confirmations teach a clue's likelihood: not those whose answer
/// depends on when it was asked (whether it came back by itself, whether
/// fresh cells went in yet: a confirmation often comes before either shows).
bool teaches(Clue clue) { return clue != Clue::came_back_alone && clue != Clue::batteries_replaced; }
}  // namespace

void Doctor::learn(Transport transport, Cause cause) {
  if (!applies(cause, transport)) return;
  counts_[idx(transport)][idx(cause)] += 1.0;
  ++learnt_;
}

void Doctor::learn(Transport transport, Cause cause, const Clues& clues) {
  if (!applies(cause, transport)) return;
  learn(transport, cause);
  auto& row = tallies_[idx(transport)][idx(cause)];
  for (std::size_t k = 0; k < kClueCount; ++k) {
    const auto clue = static_cast<Clue>(k);
    if (!teaches(clue)) continue;
    const std::optional<bool> seen = clues.get(clue);
    if (!seen) continue;
    row[k].answered += 1;
    if (*seen) row[k].yes += 1;
  }
}

void Doctor::unlearn(const Lesson& lesson) {
  if (!applies(lesson.cause, lesson.transport)) return;
  double& count = counts_[idx(lesson.transport)][idx(lesson.cause)];
  if (count < 1.0) return;  // never learnt here
  count -= 1.0;
  --learnt_;
  auto& row = tallies_[idx(lesson.transport)][idx(lesson.cause)];
  for (std::size_t k = 0; k < kClueCount; ++k) {
    const auto clue = static_cast<Clue>(k);
    if (!teaches(clue)) continue;
    const std::optional<bool> seen = lesson.clues.get(clue);
    if (!seen) continue;
    row[k].answered = std::max(0.0F, row[k].answered - 1);
    if (*seen) row[k].yes = std::max(0.0F, row[k].yes - 1);
  }
}

double Doctor::likelihood(Transport transport, Cause cause, Clue clue) const {
  const double table = core::likelihood(cause, clue);
  const Tally& t = tallies_[idx(transport)][idx(cause)][static_cast<std::size_t>(clue)];
  const double p = (table * kTableWeight + t.yes) / (kTableWeight + t.answered);
  return std::clamp(p, 0.001, 0.999);
}

void CauseRecord::add(Cause cause) {
  for (float& w : weight_) w *= kRecordDecay;
  weight_[static_cast<std::size_t>(cause)] += 1;
  ++confirmed_;
  auto& n = confirmed_of_[static_cast<std::size_t>(cause)];
  if (n < std::numeric_limits<std::uint16_t>::max()) ++n;
}

void CauseRecord::correct(Cause was, std::optional<Cause> is) {
  auto& w = weight_[static_cast<std::size_t>(was)];
  const float moved = std::min(w, 1.0F);
  w -= moved;
  if (auto& n = confirmed_of_[static_cast<std::size_t>(was)]; n > 0) --n;
  if (!is) {
    if (confirmed_ > 0) --confirmed_;
    return;
  }
  weight_[static_cast<std::size_t>(*is)] += moved;
  if (auto& n = confirmed_of_[static_cast<std::size_t>(*is)]; n < std::numeric_limits<std::uint16_t>::max())
    ++n;
}

double Doctor::prior(Transport transport, Cause cause, const CauseRecord& record) const {
  const double fleet = prior(transport, cause);
  if (fleet <= 0 || record.confirmed() == 0) return fleet;
  // Only the lock's cases that can strike it count (a lesson of another
  // transport, kept before the lock moved, is not its).
  double own = 0;
  for (const CauseInfo& c : causes()) {
    if (applies(c.cause, transport)) own += record.cases(c.cause);
  }
  return (record.cases(cause) + kFleetWeight * fleet) / (own + kFleetWeight);
}

double Doctor::prior(Transport transport, Cause cause) const {
  const auto& row = counts_[idx(transport)];
  double total = 0;
  for (double n : row) total += n;
  return total > 0 ? row[idx(cause)] / total : 0.0;
}

std::vector<Hypothesis> Doctor::diagnose(Transport transport, const Clues& clues,
                                         const CauseRecord& record) const {
  struct Scored {
    Hypothesis h;
    double log_p;
  };
  std::vector<Scored> scored;
  for (const CauseInfo& c : causes()) {
    const double fleet_p = prior(transport, c.cause);
    if (fleet_p <= 0) continue;
    const double prior_p = prior(transport, c.cause, record);
    Scored s{Hypothesis{c.cause, 0, {}, {}}, std::log(prior_p)};
    std::vector<std::pair<double, std::string>> for_words;
    std::vector<std::pair<double, std::string>> against_words;
    if (record.confirmed(c.cause) > 0) {
      const double ratio = prior_p / fleet_p;
      const std::string text = "this lock had it before: " + std::to_string(record.confirmed(c.cause)) +
                               " of its " + std::to_string(record.confirmed()) + " confirmed cases";
      if (ratio >= kTelling) for_words.emplace_back(ratio, text);
    }
    for (std::size_t k = 0; k < kClueCount; ++k) {
      const auto clue = static_cast<Clue>(k);
      const std::optional<bool> seen = clues.get(clue);
      if (!seen) continue;
      double p = likelihood(transport, c.cause, clue);
      double b = background(clue);
      if (clue == Clue::came_back_alone) {
        p *= recovered_by(clues.down_for(), kRecoveryMinutes[idx(c.cause)]);
        b *= recovered_by(clues.down_for(), kBackgroundRecoveryMinutes);
      }
      const double p_obs = *seen ? p : 1 - p;
      const double b_obs = *seen ? b : 1 - b;
      s.log_p += std::log(std::max(p_obs, 1e-6));
      const double ratio = std::max(p_obs, 1e-6) / std::max(b_obs, 1e-6);
      const std::string_view text = *seen ? words(clue).yes : words(clue).no;
      if (ratio >= kTelling) for_words.emplace_back(ratio, std::string(text));
      if (ratio <= 1 / kTelling) against_words.emplace_back(1 / ratio, std::string(text));
    }
    auto strongest = [](std::vector<std::pair<double, std::string>>& v) {
      std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      std::vector<std::string> out;
      for (std::size_t i = 0; i < v.size() && i < kMaxWords; ++i) out.push_back(std::move(v[i].second));
      return out;
    };
    s.h.evidence_for = strongest(for_words);
    s.h.evidence_against = strongest(against_words);
    scored.push_back(std::move(s));
  }
  double top = -1e300;
  for (const Scored& s : scored) top = std::max(top, s.log_p);
  double sum = 0;
  for (Scored& s : scored) {
    s.h.p = std::exp(s.log_p - top);
    sum += s.h.p;
  }
  std::vector<Hypothesis> out;
  out.reserve(scored.size());
  for (Scored& s : scored) {
    s.h.p /= sum;
    out.push_back(std::move(s.h));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Hypothesis& a, const Hypothesis& b) { return a.p > b.p; });
  return out;
}

}  // namespace lw::core
