#include "core/diagnosis/planner.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace lw::core {
namespace {

constexpr std::size_t kCauseCount = 20;
/// Per cause, in declaration order, and last the trouble none of them names
/// (a cause nobody listed, two at once, a wrong report): only support ends it.
/// It is what makes the planner humble after every step has failed: the
/// catalogue's causes lose weight with each failure, it keeps its own, and a
/// factory reset that only fits a cause the failures have all but ruled out
/// gives way to support.
using Weights = std::array<double, kCauseCount + 1>;
constexpr std::size_t kUnexplained = kCauseCount;
/// Its prior: one trouble in fifty.
constexpr double kUnexplainedPrior = 0.02;
using StepSet = std::array<bool, kStepCount>;

/// A chance at or below this counts as none.
constexpr double kNoChance = 1e-9;
/// A step this risky (a re-pair, a factory reset) is planned only with a
/// chance of fixing what the steps before it did not of at least half its
/// risk: a factory reset (risk 1), which wipes the lock, only when it is at
/// least as likely to fix it as not; a re-pair (0.5) with a quarter.
constexpr double kRiskyStep = 0.5;
constexpr double kChancePerRisk = 0.5;

constexpr std::size_t index(Cause c) { return static_cast<std::size_t>(c); }
constexpr std::size_t index(Step s) { return static_cast<std::size_t>(s); }

using K = StepKind;
using A = AutomaticWhen;

// Instructions follow the guide's wording (seeds/000: "Troubleshooting Your
// Smart Lock"). Minutes are the user's time; risk 0..1 (see planner.h).
constexpr std::array<StepInfo, kStepCount> kSteps{{
    {Step::replace_batteries, "replace_batteries", K::repair, 5, 0,
     "Replace the lock's batteries with fresh, high-quality ones, or fully charge a rechargeable pack."},
    {Step::power_cycle_lock, "power_cycle_lock", K::repair, 2, 0,
     "Restart the lock: take the batteries out for 10 seconds and put them back, or press its reboot "
     "button."},
    {Step::power_cycle_phone, "power_cycle_phone", K::repair, 2, 0,
     "Restart your phone, then open the lock app again."},
    {Step::power_cycle_router, "power_cycle_router", K::repair, 5, 0.05,
     "Unplug the Wi-Fi router and the modem for 30 seconds, plug them back in and wait for their lights."},
    {Step::power_cycle_hub, "power_cycle_hub", K::repair, 3, 0,
     "Unplug the hub or bridge for 30 seconds, plug it back in and wait until its status light is steady.",
     "Nothing to do: the hub restarts its own software, which takes about a minute.", A::hub_answers},
    {Step::check_network, "check_network", K::repair, 5, 0,
     "Check the Wi-Fi is up and not overloaded: disconnect devices you do not need, pause big downloads."},
    {Step::move_router_or_add_extender, "move_router_or_add_extender", K::repair, 30, 0,
     "Move the Wi-Fi router closer to the door, or add a Wi-Fi extender or mesh point near the lock."},
    {Step::move_bridge_closer, "move_bridge_closer", K::repair, 10, 0,
     "Move the Bluetooth bridge (or your phone) within 10 to 30 feet of the lock, with few walls between."},
    {Step::reenter_network_credentials, "reenter_network_credentials", K::repair, 10, 0,
     "In the lock app, give the lock the current Wi-Fi name and password (the maker's change-network "
     "steps)."},
    {Step::update_firmware, "update_firmware", K::repair, 15, 0.05,
     "In the app's device settings of the lock and the hub, install any pending firmware update.",
     "Nothing to do: the hub installs the available firmware update; the lock may be offline meanwhile.",
     A::update_available},
    {Step::update_app, "update_app", K::repair, 5, 0,
     "Update the lock app to its latest version from your phone's app store."},
    {Step::grant_app_permissions, "grant_app_permissions", K::repair, 2, 0,
     "In your phone's settings, give the lock app access to Bluetooth, Wi-Fi (local network) and location."},
    {Step::recalibrate, "recalibrate", K::repair, 3, 0,
     "With the door closed, run the calibration from the lock's settings in the app or as its manual says.",
     "Nothing to do: the hub runs the lock's calibration; keep the door closed for a minute.",
     A::lock_answers},
    {Step::repair, "repair", K::repair, 15, 0.5,
     "Write down the user codes, remove the lock from the app, then add it again as a new device.", "",
     A::never, true},
    {Step::remove_interference, "remove_interference", K::repair, 10, 0,
     "Move metal objects, microwave ovens, cordless phones and baby monitors away from the lock and its "
     "hub."},
    {Step::restore_repeater, "restore_repeater", K::repair, 5, 0,
     "Plug the Zigbee or Z-Wave repeater between the lock and the hub back in, or put a new one there."},
    {Step::factory_reset, "factory_reset", K::repair, 30, 1.0,
     "Reset the lock to factory settings as its manual describes (this wipes its codes), then set it up "
     "again.",
     "", A::never, true},
    {Step::contact_support, "contact_support", K::repair, 60, 0,
     "Contact the maker's support with the lock's model number, what it does and the steps already tried."},
    {Step::wait, "wait", K::repair, 0, 0, "Wait 15 minutes while the hub keeps trying to reach the lock.",
     "Nothing to do yet: the hub keeps retrying for 15 minutes; an outage or an update often ends by itself.",
     A::always},
    {Step::observe_other_wifi_devices, "observe_other_wifi_devices", K::observation, 1, 0,
     "On a phone or laptop connected to the same Wi-Fi, open a web page: does it load?"},
    {Step::observe_lock_lights, "observe_lock_lights", K::observation, 1, 0,
     "Press a key on the lock or turn its thumb-turn: does it light up or beep?"},
    {Step::observe_bridge_lights, "observe_bridge_lights", K::observation, 1, 0,
     "Look at the hub or bridge: is it powered, with its status light showing normal?"},
    {Step::observe_phone_near_lock, "observe_phone_near_lock", K::observation, 2, 0,
     "Stand next to the lock with Bluetooth on and open the lock app: does it connect to the lock?"},
    {Step::observe_bolt_moves_freely, "observe_bolt_moves_freely", K::observation, 2, 0,
     "Lock and unlock at the lock with the door open, then closed: does the bolt travel fully both times?"},
}};

/// The table's rows are in the order of their enum.
template <typename Row, std::size_t N, typename Key>
constexpr bool in_declaration_order(const std::array<Row, N>& table, Key key) {
  for (std::size_t i = 0; i < N; ++i) {
    if (index(key(table[i])) != i) return false;
  }
  return true;
}
static_assert(in_declaration_order(kSteps, [](const StepInfo& s) { return s.step; }));

struct Effect {
  Step step;
  Cause cause;
  double p;
};

// A cause's catalogue fix ends it with certainty, and contact_support (the
// last resort) ends every cause, except where this table says otherwise. It
// also lists what steps end beyond their catalogue causes: real effects only.
constexpr std::array kEffects{
    // Catalogue fixes that do not always work.
    Effect{Step::power_cycle_lock, Cause::firmware_bug, 0.8},  // the hang can come straight back
    Effect{Step::check_network, Cause::network_overloaded, 0.8},
    Effect{Step::move_router_or_add_extender, Cause::weak_signal, 0.9},
    Effect{Step::update_firmware, Cause::hub_software_regression, 0.8},  // once the maker ships the fix
    Effect{Step::recalibrate, Cause::calibration_drift, 0.9},
    Effect{Step::recalibrate, Cause::bolt_jammed, 0.6},  // a strike plate far out of line needs moving
    // Taking the batteries out restarts the lock (guide step 2); less sure than a restart.
    Effect{Step::replace_batteries, Cause::firmware_bug, 0.5},
    // A router restart drops stale clients and restarts the modem; the load comes back.
    Effect{Step::power_cycle_router, Cause::network_overloaded, 0.5},
    Effect{Step::power_cycle_router, Cause::internet_outage, 0.3},
    Effect{Step::power_cycle_router, Cause::interference, 0.2},    // it may pick a quieter channel
    Effect{Step::power_cycle_hub, Cause::mesh_route_lost, 0.3},    // the coordinator rebuilds its routes
    Effect{Step::check_network, Cause::router_power_outage, 0.3},  // finds the router off, plugs it in
    Effect{Step::move_router_or_add_extender, Cause::interference, 0.5},
    Effect{Step::move_bridge_closer, Cause::weak_signal, 0.6},
    Effect{Step::move_bridge_closer, Cause::mesh_route_lost, 0.5},
    Effect{Step::move_bridge_closer, Cause::interference, 0.3},
    // Guide FAQ: an update fixes an offline lock if the bug is a known one.
    Effect{Step::update_firmware, Cause::firmware_bug, 0.5},
    // Re-pairing re-joins the network and the mesh and restarts the lock's radio.
    Effect{Step::repair, Cause::network_credentials_changed, 1.0},
    Effect{Step::repair, Cause::router_replaced, 1.0},
    Effect{Step::repair, Cause::mesh_route_lost, 1.0},
    Effect{Step::repair, Cause::firmware_bug, 0.8},
    Effect{Step::remove_interference, Cause::weak_signal, 0.4},  // guide step 8: obstructions
    // A factory reset is set up again from scratch: network, mesh, calibration, firmware state.
    Effect{Step::factory_reset, Cause::firmware_bug, 1.0},
    Effect{Step::factory_reset, Cause::calibration_drift, 1.0},
    Effect{Step::factory_reset, Cause::network_credentials_changed, 1.0},
    Effect{Step::factory_reset, Cause::router_replaced, 1.0},
    Effect{Step::factory_reset, Cause::mesh_route_lost, 1.0},
};

constexpr std::size_t kObservationCount = 5;
constexpr std::size_t kFirstObservation = index(Step::observe_other_wifi_devices);

// P(yes | cause) for each observation. Never 0 or 1: a mistaken answer must
// not rule a cause out for good.
struct Answers {
  Cause cause;
  //  other_wifi  lock_lights  bridge_lights  phone_near_lock  bolt_moves_freely
  std::array<double, kObservationCount> p_yes;
};
constexpr std::array<Answers, kCauseCount> kAnswers{{
    {Cause::battery_depleted, {0.95, 0.03, 0.90, 0.03, 0.30}},  // thumb-turn still moves the bolt
    {Cause::battery_low_dropouts, {0.95, 0.60, 0.90, 0.50, 0.50}},
    {Cause::weak_signal, {0.90, 0.95, 0.90, 0.90, 0.95}},
    {Cause::interference, {0.85, 0.95, 0.90, 0.70, 0.95}},
    {Cause::network_overloaded, {0.40, 0.95, 0.80, 0.90, 0.95}},
    {Cause::router_power_outage, {0.03, 0.95, 0.30, 0.90, 0.95}},
    {Cause::internet_outage, {0.05, 0.95, 0.40, 0.90, 0.95}},              // the page does not load
    {Cause::network_credentials_changed, {0.85, 0.95, 0.60, 0.90, 0.95}},  // phones know the new password
    {Cause::router_replaced, {0.85, 0.95, 0.50, 0.90, 0.95}},
    {Cause::mesh_route_lost, {0.95, 0.95, 0.90, 0.90, 0.95}},
    {Cause::out_of_range, {0.95, 0.95, 0.90, 0.90, 0.95}},       // next to the lock the phone is in range
    {Cause::firmware_bug, {0.95, 0.90, 0.90, 0.20, 0.90}},       // the radio hung, Bluetooth too
    {Cause::firmware_updating, {0.95, 0.70, 0.90, 0.10, 0.30}},  // busy: no radio, motor held
    {Cause::app_permissions, {0.95, 0.95, 0.90, 0.05, 0.95}},
    {Cause::app_outdated, {0.95, 0.95, 0.90, 0.10, 0.95}},
    {Cause::hub_offline, {0.90, 0.95, 0.10, 0.90, 0.95}},
    {Cause::hub_software_regression, {0.95, 0.95, 0.70, 0.90, 0.95}},
    {Cause::calibration_drift, {0.95, 0.95, 0.90, 0.90, 0.30}},  // stops short of the end positions
    {Cause::bolt_jammed, {0.95, 0.90, 0.90, 0.90, 0.10}},        // binds with the door closed
    {Cause::hardware_fault, {0.95, 0.30, 0.90, 0.20, 0.30}},
}};

static_assert(in_declaration_order(kAnswers, [](const Answers& a) { return a.cause; }));

// The guide's checklist, section by section. Step 4's "reconnection ...
// within 48 hours" is the wait; the guide has no repeater.
// clang-format off
constexpr std::array kGuideOrder{
    Step::replace_batteries,  // 1. Check and Replace Batteries
    Step::power_cycle_lock, Step::power_cycle_phone, Step::power_cycle_router,  // 2. Power Cycle Everything
    Step::power_cycle_hub,
    Step::check_network, Step::move_router_or_add_extender, Step::move_bridge_closer,  // 3. Verify Network
    Step::reenter_network_credentials,
    Step::update_firmware, Step::update_app, Step::wait,  // 4. Update Firmware and App
    Step::grant_app_permissions,  // 5. Review App Permissions
    Step::recalibrate,            // 6. Recalibrate Your Lock
    Step::repair,                 // 7. Re-pair or Re-add the Lock
    Step::remove_interference,    // 8. Check for Obstructions and Interference
    Step::factory_reset, Step::contact_support,  // Advanced Troubleshooting and When to Seek Help
};
// clang-format on

bool allowed(Step s, const PlanContext& ctx) { return !info(s).needs_backup || ctx.backup_held; }
bool is_observation(Step s) { return info(s).kind == StepKind::observation; }

double mass(const Weights& w) {
  double m = 0;
  for (const double x : w) m += x;
  return m;
}

/// Weight of the causes `s` ends: mass(w) x P(s fixes it).
double fix_mass(Step s, const Weights& w) {
  double m = s == Step::contact_support ? w[kUnexplained] : 0;
  for (const CauseInfo& c : causes()) m += w[index(c.cause)] * effectiveness(s, c.cause);
  return m;
}

/// P(yes) of an observation for the unnamed trouble: that of a cause picked at random.
double p_yes_unexplained(Step s) {
  double sum = 0;
  for (const CauseInfo& c : causes()) sum += p_yes(s, c.cause);
  return sum / static_cast<double>(kCauseCount);
}

/// `s` was tried and did not help (or, for an observation, the answer).
Weights condition(Step s, Weights w, bool yes) {
  for (const CauseInfo& c : causes()) {
    const double p = p_yes(s, c.cause);
    w[index(c.cause)] *= yes ? p : 1 - p;
  }
  const double p = is_observation(s) ? p_yes_unexplained(s) : (s == Step::contact_support ? 1.0 : 0.0);
  w[kUnexplained] *= yes ? p : 1 - p;
  return w;
}

Weights prior(const std::vector<std::pair<Cause, double>>& hypotheses) {
  Weights w{};
  for (const auto& [cause, p] : hypotheses) {
    if (std::isfinite(p) && p > 0 && index(cause) < kCauseCount) w[index(cause)] += p;
  }
  const double m = mass(w);
  const bool known = m > 0 && std::isfinite(m);
  for (double& x : w) x = (1 - kUnexplainedPrior) * (known ? x / m : 1.0 / kCauseCount);
  w[kUnexplained] = kUnexplainedPrior;
  return w;
}

/// Drops steps with no chance left given the ones before them, and risky
/// ones (a re-pair, a factory reset) without a real chance: then support is
/// the better call. contact_support stays; so do the steps in `before_reset`
/// with any chance at all, which a factory reset must not skip.
std::vector<Step> prune(const std::vector<Step>& order, Weights w, const StepSet& before_reset) {
  std::vector<Step> kept;
  for (const Step s : order) {
    const double m = mass(w);
    const double needed = info(s).risk >= kRiskyStep ? kChancePerRisk * info(s).risk
                          : before_reset[index(s)]   ? 0.0
                                                     : kNoChance;
    if (s != Step::contact_support && !(m > 0 && fix_mass(s, w) / m > needed)) continue;
    kept.push_back(s);
    w = condition(s, w, false);
  }
  return kept;
}

/// The next step to plan: among the hub's own steps (`by_hub`) the likeliest
/// to fix it, among the user's the highest chance per minute of cost
/// (Kadane & Simon). nullopt when none has a chance left.
std::optional<Step> next_step(const Weights& w, const StepSet& used, const PlanContext& ctx, bool by_hub) {
  const double m = mass(w);
  if (!(m > 0)) return std::nullopt;
  std::optional<Step> best;
  double best_score = 0;
  for (const StepInfo& s : kSteps) {
    if (used[index(s.step)] || s.kind == StepKind::observation || s.step == Step::contact_support ||
        automatic(s.step, ctx) != by_hub || !allowed(s.step, ctx)) {
      continue;
    }
    const double p = fix_mass(s.step, w) / m;
    const double score = by_hub ? p : p / step_cost(s.step, ctx);
    if (p > kNoChance && score > best_score) {
      best = s.step;
      best_score = score;
    }
  }
  return best;
}

/// The user's repair steps for weights `start`, next first, contact_support
/// last; `skip`: tried or already planned.
std::vector<Step> order_user_steps(const Weights& start, const StepSet& skip, const PlanContext& ctx) {
  Weights w = start;
  StepSet used = skip;
  std::vector<Step> order;
  while (const std::optional<Step> s = next_step(w, used, ctx, /*by_hub=*/false)) {
    order.push_back(*s);
    used[index(*s)] = true;
    w = condition(*s, w, false);
  }
  // Guide: a factory reset is the last resort, after every cheaper step with
  // any chance at all, also one the ranking all but rules out: a ranking can
  // be wrong, and a reset wipes the lock.
  StepSet before_reset{};
  const auto reset = std::find(order.begin(), order.end(), Step::factory_reset);
  if (reset != order.end()) {
    const double reset_cost = step_cost(Step::factory_reset, ctx);
    std::vector<Step> head(order.begin(), reset);
    std::vector<Step> tail;
    for (auto it = reset + 1; it != order.end(); ++it) {
      if (step_cost(*it, ctx) >= reset_cost) tail.push_back(*it);
    }
    StepSet planned = skip;
    for (const Step s : head) planned[index(s)] = true;
    std::vector<Step> cheaper;
    for (const StepInfo& s : kSteps) {
      if (s.kind == StepKind::repair && s.step != Step::contact_support && s.step != Step::factory_reset &&
          !planned[index(s.step)] && allowed(s.step, ctx) && step_cost(s.step, ctx) < reset_cost &&
          fix_mass(s.step, start) > 0) {
        cheaper.push_back(s.step);
      }
    }
    std::stable_sort(cheaper.begin(), cheaper.end(),
                     [&](Step a, Step b) { return step_cost(a, ctx) < step_cost(b, ctx); });
    head.insert(head.end(), cheaper.begin(), cheaper.end());
    for (const Step s : head) before_reset[index(s)] = true;
    head.push_back(Step::factory_reset);
    head.insert(head.end(), tail.begin(), tail.end());
    order = std::move(head);
  }
  if (!skip[index(Step::contact_support)]) order.push_back(Step::contact_support);
  return prune(order, start, before_reset);
}

SequenceCost cost_of(std::span<const Step> steps, Weights w, const PlanContext& ctx) {
  SequenceCost out;
  for (const Step s : steps) {
    const double reach = mass(w);
    out.user_minutes += reach * user_minutes(s, ctx);
    out.cost += reach * step_cost(s, ctx);
    if (!is_observation(s)) w = condition(s, w, false);
  }
  return out;
}

/// Appends `steps` to `out` with each one's chance given the ones before it
/// failed; support, which ends everything, keeps 1 where the model sees no
/// way to get there.
void append(std::vector<PlannedStep>& out, std::span<const Step> steps, Weights w, const PlanContext& ctx) {
  for (const Step s : steps) {
    const double m = mass(w);
    const double p = m > 0 ? fix_mass(s, w) / m : (s == Step::contact_support ? 1.0 : 0.0);
    const bool automatic_now = automatic(s, ctx);
    out.push_back({s, p, automatic_now, automatic_now ? info(s).hub_action : info(s).instructions});
    if (!is_observation(s)) w = condition(s, w, false);
  }
}

}  // namespace

std::span<const StepInfo> all_steps() noexcept { return kSteps; }
const StepInfo& info(Step step) noexcept { return kSteps[index(step)]; }
std::string_view to_string(Step step) noexcept { return info(step).id; }

std::optional<Step> parse_step(std::string_view id) noexcept {
  for (const StepInfo& s : kSteps) {
    if (s.id == id) return s.step;
  }
  return std::nullopt;
}

Step to_step(FixStep fix) noexcept { return static_cast<Step>(static_cast<std::size_t>(fix)); }

std::optional<FixStep> to_fix_step(Step step) noexcept {
  return is_observation(step) ? std::nullopt : std::optional(static_cast<FixStep>(index(step)));
}

namespace {

/// effectiveness() as a table, built once from kEffects and the catalogue.
using EffectTable = std::array<std::array<double, kCauseCount>, kStepCount>;

EffectTable build_effects() {
  EffectTable t{};
  for (std::size_t s = 0; s < kStepCount; ++s) {
    const auto step = static_cast<Step>(s);
    for (std::size_t c = 0; c < kCauseCount; ++c) {
      const auto cause = static_cast<Cause>(c);
      double p = 0;
      if (!is_observation(step)) {
        p = step == Step::contact_support || to_step(info(cause).fix) == step ? 1 : 0;
        for (const Effect& e : kEffects) {
          if (e.step == step && e.cause == cause) p = e.p;
        }
      }
      t[s][c] = p;
    }
  }
  return t;
}

}  // namespace

double effectiveness(Step step, Cause cause) noexcept {
  static const EffectTable kTable = build_effects();
  return kTable[static_cast<std::size_t>(step)][static_cast<std::size_t>(cause)];
}

double p_yes(Step step, Cause cause) noexcept {
  if (!is_observation(step)) return effectiveness(step, cause);
  return kAnswers[index(cause)].p_yes[index(step) - kFirstObservation];
}

bool automatic(Step step, const PlanContext& ctx) noexcept {
  switch (info(step).automatic_when) {
    case A::never: return false;
    case A::always: return true;
    case A::hub_answers: return ctx.hub_answers;
    case A::lock_answers: return ctx.lock_answers && ctx.native;
    case A::update_available: return ctx.update_available;
  }
  return false;
}

double user_minutes(Step step, const PlanContext& ctx) noexcept {
  return automatic(step, ctx) ? 0 : info(step).minutes;
}

double step_cost(Step step, const PlanContext& ctx) noexcept {
  return automatic(step, ctx) ? 0 : info(step).minutes + info(step).risk * kRiskPenaltyMinutes;
}

std::span<const Step> guide_order() noexcept { return kGuideOrder; }

SequenceCost expected_cost_of_repair(std::span<const Step> steps,
                                     const std::vector<std::pair<Cause, double>>& hypotheses,
                                     const PlanContext& ctx) {
  return cost_of(steps, prior(hypotheses), ctx);
}

Plan plan(const std::vector<std::pair<Cause, double>>& hypotheses, const PlanContext& ctx,
          const std::vector<Outcome>& history) {
  Plan out;
  Weights w = prior(hypotheses);
  StepSet tried{};
  for (const Outcome& o : history) {
    tried[index(o.step)] = true;
    w = condition(o.step, w, o.fixed_or_yes);
    if (!is_observation(o.step) && o.fixed_or_yes) {
      out.fixed_by = o.step;
      break;
    }
  }
  const double total = mass(w);
  const double named = total - w[kUnexplained];
  if (total > 0) {
    for (double& x : w) x /= total;
    // The posterior over the named causes, as the ranking is.
    for (const CauseInfo& c : causes()) {
      if (w[index(c.cause)] > 0) out.posterior.emplace_back(c.cause, w[index(c.cause)] * total / named);
    }
    std::stable_sort(out.posterior.begin(), out.posterior.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
  }
  if (out.fixed_by) return out;
  if (!(named > 0)) {
    out.notes.emplace_back(
        "None of the suspected causes fits the outcomes so far: contact the maker's support.");
    if (!tried[index(Step::contact_support)]) {
      append(out.steps, std::array{Step::contact_support}, w, ctx);
      out.expected_user_minutes = user_minutes(Step::contact_support, ctx);
      out.expected_cost = step_cost(Step::contact_support, ctx);
    }
    return out;
  }

  for (const StepInfo& s : kSteps) {
    if (!allowed(s.step, ctx) && !tried[index(s.step)] && fix_mass(s.step, w) > kNoChance) {
      out.notes.push_back(std::string(s.id) +
                          " left out: it can erase the user codes and the hub holds no backup of them; "
                          "back them up first (guide step 7).");
    }
  }

  // The hub's own steps with a chance, likeliest first: they cost the user nothing.
  StepSet skip = tried;
  std::vector<Step> by_hub;
  Weights after_hub = w;
  while (const std::optional<Step> s = next_step(after_hub, skip, ctx, /*by_hub=*/true)) {
    by_hub.push_back(*s);
    skip[index(*s)] = true;
    after_hub = condition(*s, after_hub, false);
  }

  // The user's order, and whether asking a question first lowers its expected cost.
  const std::vector<Step> by_user = order_user_steps(after_hub, skip, ctx);
  SequenceCost best = cost_of(by_user, after_hub, ctx);
  std::optional<Step> ask;
  for (std::size_t i = kFirstObservation; i < kStepCount; ++i) {
    const auto q = static_cast<Step>(i);
    if (tried[i]) continue;
    const Weights yes = condition(q, after_hub, true);
    const Weights no = condition(q, after_hub, false);
    const SequenceCost if_yes = cost_of(order_user_steps(yes, skip, ctx), yes, ctx);
    const SequenceCost if_no = cost_of(order_user_steps(no, skip, ctx), no, ctx);
    const double reach = mass(after_hub);
    const SequenceCost asking{reach * user_minutes(q, ctx) + if_yes.user_minutes + if_no.user_minutes,
                              reach * step_cost(q, ctx) + if_yes.cost + if_no.cost};
    if (asking.cost < best.cost - kNoChance) {
      best = asking;
      ask = q;
    }
  }

  append(out.steps, by_hub, w, ctx);
  if (ask) append(out.steps, std::array{*ask}, after_hub, ctx);
  append(out.steps, by_user, after_hub, ctx);
  out.expected_user_minutes = best.user_minutes;
  out.expected_cost = best.cost;
  return out;
}

}  // namespace lw::core
