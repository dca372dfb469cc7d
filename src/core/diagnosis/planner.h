// The troubleshooting planner: given ranked guesses at why a lock is offline
// or misbehaving (cause -> probability), it orders the steps of the
// troubleshooting guide by expected cost of repair, and re-plans after every
// reported outcome.
//
// Steps. Every FixStep of the catalogue (same meaning, same id) plus
// observations: questions a person answers yes or no that fix nothing but
// move the ranking ("Does the lock light up when you press a key?"). Each step
// has plain-word instructions, the user's minutes, a risk weight (0..1; a
// factory reset wipes codes and settings, a re-pair re-enrols the lock), the
// condition under which the hub does it by itself, and, per cause, the chance
// it ends that cause (effectiveness) or, for an observation, the chance the
// answer is yes (p_yes). The tables are in planner.cpp.
//
// The plan (Heckerman, Breese & Rommelse 1995, "Decision-theoretic
// troubleshooting", single fault, steps independent given the cause):
//  - The posterior: the hypotheses, normalised, times for each outcome in the
//    history: a repair step that did not help multiplies each cause by
//    (1 - effectiveness); an answer multiplies by P(answer | cause). A step
//    that helped ends the plan (`fixed`).
//  - Order: steps the hub can do by itself (PlanContext says which) and that
//    have any chance come first: they cost the user nothing. Then the user's
//    repair steps by Kadane & Simon's ratio p_fix / cost, highest first, where
//    cost = minutes + risk x kRiskPenaltyMinutes and p_fix is the chance the
//    step ends the problem given that the steps before it did not (the ratio
//    is recomputed after each pick; for steps ending disjoint causes with
//    certainty this is exactly Kadane & Simon's order). Steps already tried
//    are not repeated, steps with no chance left are dropped.
//  - Guide, "Factory Reset": a last resort. It comes after every cheaper step
//    that still has a chance, and, like a re-pair (guide step 7: user codes
//    may be erased), only when the hub holds a backup of the codes; else it is
//    left out with a note. A step as risky as a re-pair or a reset is
//    planned only with at least a 20 % chance of fixing what the steps before
//    it did not; below that, support is the better call.
//  - Guide, "Contacting Manufacturer Support": always the last step.
//  - An observation goes first among the user's steps when its myopic value
//    of information is positive: its minutes plus the expected cost of the
//    re-planned order after each answer, weighted by the answer's
//    probability, is below the expected cost of the order without asking.
//    One question at a time; re-plan with the answer.
// Expected cost of repair of s1..sn = sum_i cost(s_i) x P(not fixed by s1..s_i-1).
//
// Example:
//   PlanContext ctx{.hub_answers = true, .backup_held = true};
//   Plan p = plan({{Cause::battery_depleted, 0.7}, {Cause::firmware_bug, 0.3}}, ctx, {});
//   p.steps[0].step == Step::replace_batteries
//   p = plan(..., ctx, {{Step::replace_batteries, /*fixed_or_yes=*/false}});  // re-plan
//
// Pure: no I/O, no clock; constexpr tables and pure functions.
// Threading: every function is safe to call from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/diagnosis/catalogue.h"

namespace lw::core {

/// Every FixStep (same order, same id), then the observations.
enum class Step {
  replace_batteries,
  power_cycle_lock,
  power_cycle_phone,
  power_cycle_router,
  power_cycle_hub,
  check_network,
  move_router_or_add_extender,
  move_bridge_closer,
  reenter_network_credentials,
  update_firmware,
  update_app,
  grant_app_permissions,
  recalibrate,
  repair,
  remove_interference,
  restore_repeater,
  factory_reset,
  contact_support,
  wait,
  // Observations: a yes/no answer, nothing fixed.
  observe_other_wifi_devices,
  observe_lock_lights,
  observe_bridge_lights,
  observe_phone_near_lock,
  observe_bolt_moves_freely,
};

inline constexpr std::size_t kStepCount = 24;

enum class StepKind { repair, observation };

/// When the hub can do a step by itself, without the user.
enum class AutomaticWhen {
  never,
  always,            ///< wait: the hub keeps retrying
  hub_answers,       ///< power_cycle_hub: a software restart
  lock_answers,      ///< recalibrate: the hub starts the calibration run (a native lock that answers)
  update_available,  ///< update_firmware: the hub installs it
};

/// What the hub knows about the situation.
struct PlanContext {
  bool hub_answers{false};       ///< the hub (bridge) is reachable
  bool lock_answers{false};      ///< the lock answers the hub
  bool update_available{false};  ///< a firmware update is available or in progress
  /// lockwarden's own firmware, reached without a bridge: the hub can ask it to
  /// recalibrate (protocol 5.7). A bridged lock's recalibration is the user's.
  bool native{false};
  bool backup_held{false};  ///< the hub holds a backup of the user codes: repair and factory_reset allowed
};

struct StepInfo {
  Step step;
  std::string_view id;  ///< snake_case, the enum's name
  StepKind kind;
  double minutes;  ///< the user's time, minutes
  double risk;     ///< 0..1: harm if it goes wrong or wipes the lock
  /// For a person, imperative (an observation ends with its question).
  std::string_view instructions;
  /// What the user is told while the hub does it by itself; empty if never automatic.
  std::string_view hub_action{};
  AutomaticWhen automatic_when{AutomaticWhen::never};
  bool needs_backup{false};  ///< allowed only when the hub holds a backup of the codes
};

/// A repair step's risk of 1 costs as much as this many minutes of the user's time.
inline constexpr double kRiskPenaltyMinutes = 60;

/// Every step, in declaration order.
std::span<const StepInfo> all_steps() noexcept;
const StepInfo& info(Step step) noexcept;
std::string_view to_string(Step step) noexcept;
std::optional<Step> parse_step(std::string_view id) noexcept;

Step to_step(FixStep fix) noexcept;
/// nullopt for an observation.
std::optional<FixStep> to_fix_step(Step step) noexcept;

/// Chance a repair step ends `cause` when it is the cause, 0..1; 0 for an
/// observation. A cause's catalogue fix ends it (0.6..1: a restart may not
/// clear a firmware hang), contact_support ends everything.
double effectiveness(Step step, Cause cause) noexcept;
/// Chance the outcome is "yes" given `cause`: an observation's answer, a
/// repair step's "fixed" (its effectiveness).
double p_yes(Step step, Cause cause) noexcept;

/// The hub does the step by itself in this context.
bool automatic(Step step, const PlanContext& ctx) noexcept;
/// Cost of the step in minutes: 0 when automatic, else the user's minutes
/// plus risk x kRiskPenaltyMinutes.
double step_cost(Step step, const PlanContext& ctx) noexcept;
/// The user's minutes: 0 when automatic.
double user_minutes(Step step, const PlanContext& ctx) noexcept;

/// The guide's fixed checklist, the baseline: every FixStep but
/// restore_repeater (the guide has no repeater), `wait` where step 4 says an
/// update can keep the lock offline for a while.
std::span<const Step> guide_order() noexcept;

/// One tried step and what came of it.
struct Outcome {
  Step step;
  /// A repair step: it fixed the problem. An observation: the answer was yes.
  bool fixed_or_yes;
};

struct PlannedStep {
  Step step;
  /// Chance it ends the problem given the steps before it did not, 0..1 (0 for
  /// an observation; 1 for contact_support even where the earlier steps
  /// should surely have fixed it).
  double p_fix;
  bool automatic;
  /// info(step).instructions, or info(step).hub_action when automatic.
  std::string_view instructions;
};

struct Plan {
  /// Next step first. When steps[0] (after the automatic ones) is an
  /// observation, the steps after it are the order before the answer: re-plan.
  std::vector<PlannedStep> steps;
  /// Expected user minutes of this plan (asking, then following the
  /// re-planned order after either answer when an observation is planned).
  double expected_user_minutes{0};
  /// The same with risk penalties: what the order minimises.
  double expected_cost{0};
  /// Causes with a non-zero probability after the history, most likely first; sums to 1.
  std::vector<std::pair<Cause, double>> posterior;
  /// A step in the history fixed it (the first one that did); steps is then empty.
  std::optional<Step> fixed_by;
  /// Plain words: steps left out and why.
  std::vector<std::string> notes;
};

/// The plan for hypotheses (cause, weight >= 0; need not sum to 1, repeated
/// causes add up; no positive weight at all: every cause equally likely),
/// given what the hub knows and the outcomes so far (in order).
Plan plan(const std::vector<std::pair<Cause, double>>& hypotheses, const PlanContext& ctx,
          const std::vector<Outcome>& history);

/// Expected user minutes and cost of working through `steps` in order until
/// one fixes it (observations cost their minutes and fix nothing), for the
/// hypotheses normalised as in plan().
struct SequenceCost {
  double user_minutes{0};
  double cost{0};
};
SequenceCost expected_cost_of_repair(std::span<const Step> steps,
                                     const std::vector<std::pair<Cause, double>>& hypotheses,
                                     const PlanContext& ctx);

}  // namespace lw::core
