#include "core/diagnosis/planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

namespace lw::core {
namespace {

using Hypotheses = std::vector<std::pair<Cause, double>>;

constexpr PlanContext kNothingKnown{};
constexpr PlanContext kBackedUp{.backup_held = true};

std::vector<Step> steps_of(const Plan& p) {
  std::vector<Step> out;
  for (const PlannedStep& s : p.steps) out.push_back(s.step);
  return out;
}

/// Index of `s` in the plan, or -1.
int position(const Plan& p, Step s) {
  const std::vector<Step> steps = steps_of(p);
  const auto it = std::find(steps.begin(), steps.end(), s);
  return it == steps.end() ? -1 : static_cast<int>(it - steps.begin());
}

/// The first step the user has to do (after the hub's own and any question).
Step first_user_repair(const Plan& p) {
  for (const PlannedStep& s : p.steps) {
    if (!s.automatic && info(s.step).kind == StepKind::repair) return s.step;
  }
  return Step::contact_support;
}

double posterior_of(const Plan& p, Cause c) {
  for (const auto& [cause, prob] : p.posterior) {
    if (cause == c) return prob;
  }
  return 0;
}

const std::vector<Hypotheses>& typical_hypotheses() {
  static const std::vector<Hypotheses> sets{
      {{Cause::battery_depleted, 0.9}, {Cause::firmware_bug, 0.05}, {Cause::weak_signal, 0.05}},
      {{Cause::router_power_outage, 0.5}, {Cause::internet_outage, 0.5}},
      {{Cause::weak_signal, 0.4}, {Cause::interference, 0.3}, {Cause::out_of_range, 0.3}},
      {{Cause::app_permissions, 0.4}, {Cause::out_of_range, 0.4}, {Cause::weak_signal, 0.2}},
      {{Cause::hub_offline, 0.5}, {Cause::router_power_outage, 0.5}},
      {{Cause::firmware_bug, 0.3},
       {Cause::calibration_drift, 0.3},
       {Cause::bolt_jammed, 0.2},
       {Cause::hardware_fault, 0.2}},
      {{Cause::network_credentials_changed, 0.6},
       {Cause::router_replaced, 0.3},
       {Cause::mesh_route_lost, 0.1}},
      {{Cause::hardware_fault, 0.5}, {Cause::battery_low_dropouts, 0.5}},
      {},  // nothing known: every cause equally likely
  };
  return sets;
}

TEST(Planner, ReplacesTheBatteriesFirstWhenTheyAreAlmostSurelyEmpty) {
  const Plan p =
      plan({{Cause::battery_depleted, 0.9}, {Cause::firmware_bug, 0.05}, {Cause::weak_signal, 0.05}},
           kNothingKnown, {});
  ASSERT_FALSE(p.steps.empty());
  EXPECT_EQ(p.steps[0].step, Step::replace_batteries);
  EXPECT_GE(p.steps[0].p_fix, 0.9);
  EXPECT_FALSE(p.steps[0].automatic);
  EXPECT_EQ(p.steps[0].instructions, info(Step::replace_batteries).instructions);
  EXPECT_EQ(p.posterior.front().first, Cause::battery_depleted);
}

TEST(Planner, WaitsOrAsksAboutOtherWifiDevicesBeforeAnyHalfHourStep) {
  for (const PlanContext& ctx : {kNothingKnown, kBackedUp}) {
    const Plan p = plan({{Cause::router_power_outage, 0.5}, {Cause::internet_outage, 0.5}}, ctx, {});
    const int wait = position(p, Step::wait);
    const int ask = position(p, Step::observe_other_wifi_devices);
    ASSERT_TRUE(wait >= 0 || ask >= 0);
    const int first = wait < 0 ? ask : (ask < 0 ? wait : std::min(wait, ask));
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
      if (info(p.steps[i].step).minutes >= 30) {
        EXPECT_GT(static_cast<int>(i), first) << to_string(p.steps[i].step);
      }
    }
    if (wait >= 0) {
      EXPECT_TRUE(p.steps[static_cast<std::size_t>(wait)].automatic);
    }
  }
}

TEST(Planner, AStepThatDidNotHelpIsNotOfferedAgainAndItsCausesDrop) {
  const Hypotheses h{
      {Cause::battery_depleted, 0.5}, {Cause::battery_low_dropouts, 0.2}, {Cause::firmware_bug, 0.3}};
  const Plan before = plan(h, kNothingKnown, {});
  const Plan after = plan(h, kNothingKnown, {{Step::replace_batteries, false}});
  EXPECT_EQ(position(after, Step::replace_batteries), -1);
  EXPECT_LT(posterior_of(after, Cause::battery_depleted), posterior_of(before, Cause::battery_depleted));
  EXPECT_LT(posterior_of(after, Cause::battery_low_dropouts),
            posterior_of(before, Cause::battery_low_dropouts));
  EXPECT_GT(posterior_of(after, Cause::firmware_bug), posterior_of(before, Cause::firmware_bug));
  EXPECT_EQ(after.posterior.front().first, Cause::firmware_bug);
  EXPECT_EQ(first_user_repair(after), Step::power_cycle_lock);
}

TEST(Planner, AStepThatFixedItEndsThePlan) {
  const Plan p = plan({{Cause::battery_depleted, 0.5}, {Cause::firmware_bug, 0.5}}, kNothingKnown,
                      {{Step::replace_batteries, true}});
  EXPECT_TRUE(p.steps.empty());
  EXPECT_EQ(p.fixed_by, Step::replace_batteries);
  EXPECT_EQ(p.posterior.front().first, Cause::battery_depleted);
}

TEST(Planner, FactoryResetComesOnlyAfterEveryCheaperStepThatStillHasAChance) {
  // The recalibration did not help; a lock that lost its end positions is still the best guess.
  const Hypotheses h{{Cause::calibration_drift, 0.6}, {Cause::weak_signal, 0.2}, {Cause::interference, 0.2}};
  const std::vector<Outcome> tried{{Step::recalibrate, false}};
  const Plan p = plan(h, kBackedUp, tried);
  const int reset = position(p, Step::factory_reset);
  ASSERT_GE(reset, 0);
  EXPECT_EQ(p.steps.back().step, Step::contact_support) << "the only step after it may be support";
  const double reset_cost = step_cost(Step::factory_reset, kBackedUp);
  for (std::size_t i = static_cast<std::size_t>(reset) + 1; i + 1 < p.steps.size(); ++i) {
    EXPECT_GE(step_cost(p.steps[i].step, kBackedUp), reset_cost) << to_string(p.steps[i].step);
  }
  for (const Hypotheses& set : typical_hypotheses()) {
    const Plan q = plan(set, kBackedUp, {});
    const int r = position(q, Step::factory_reset);
    if (r < 0) continue;
    for (std::size_t i = static_cast<std::size_t>(r) + 1; i + 1 < q.steps.size(); ++i) {
      EXPECT_GE(step_cost(q.steps[i].step, kBackedUp), reset_cost) << to_string(q.steps[i].step);
    }
  }
}

TEST(Planner, FactoryResetWaitsForACheaperStepEvenWhenTheRankingAllButRulesItsCauseOut) {
  // The evidence all but ruled a weak signal out, and it was wrong: before
  // the lock is wiped, the extender is tried.
  const Hypotheses h{{Cause::calibration_drift, 1 - 1e-12}, {Cause::weak_signal, 1e-12}};
  const std::vector<Outcome> tried{{Step::recalibrate, false}};
  const Plan p = plan(h, kBackedUp, tried);
  const int reset = position(p, Step::factory_reset);
  ASSERT_GE(reset, 0);
  const int extender = position(p, Step::move_router_or_add_extender);
  ASSERT_GE(extender, 0) << "a step with any chance is tried before a reset";
  EXPECT_LT(extender, reset);
  // Without the reset in view, a step with next to no chance is not worth the user's time.
  const Plan no_backup = plan(h, kNothingKnown, tried);
  EXPECT_EQ(position(no_backup, Step::move_router_or_add_extender), -1);
}

TEST(Planner, AFactoryResetIsPlannedOnlyWhenItIsAtLeastAsLikelyToFixItAsNot) {
  // Every cheaper repair was tried and did not help; what is left is a lock
  // that lost its end positions (a reset ends it), a weak signal (it does
  // not), or a trouble nobody named.
  std::vector<Outcome> tried;
  for (const StepInfo& s : all_steps()) {
    if (s.kind == StepKind::repair && s.step != Step::factory_reset && s.step != Step::contact_support)
      tried.push_back({s.step, false});
  }
  bool planned = false;
  bool left_out = false;
  for (double drift = 0.05; drift < 1.0; drift += 0.05) {
    const Plan p =
        plan({{Cause::calibration_drift, drift}, {Cause::weak_signal, 1 - drift}}, kBackedUp, tried);
    const int reset = position(p, Step::factory_reset);
    if (reset < 0) {
      left_out = true;
      continue;
    }
    planned = true;
    EXPECT_GE(p.steps[static_cast<std::size_t>(reset)].p_fix, 0.5) << "calibration_drift " << drift;
  }
  EXPECT_TRUE(planned);
  EXPECT_TRUE(left_out) << "a likelier weak signal leaves the lock unwiped: support is the better call";
}

TEST(Planner, AfterEveryFixOfTheLikelyCauseFailedSupportComesBeforeAReset) {
  // A firmware hang survives a restart one time in five, new batteries one in
  // two, an update one in two and a re-pair one in five: after all four it is
  // less likely than a trouble nobody named, which a reset need not end.
  const std::vector<Outcome> tried{{Step::power_cycle_lock, false},
                                   {Step::replace_batteries, false},
                                   {Step::update_firmware, false},
                                   {Step::repair, false}};
  const Plan p = plan({{Cause::firmware_bug, 0.9}, {Cause::weak_signal, 0.1}}, kBackedUp, tried);
  EXPECT_EQ(position(p, Step::factory_reset), -1);
  ASSERT_FALSE(p.steps.empty());
  EXPECT_EQ(p.steps.back().step, Step::contact_support);
  EXPECT_EQ(p.posterior.front().first, Cause::weak_signal) << "the failures moved the weight to the signal";
  double named = 0;
  for (const auto& [cause, w] : p.posterior) named += w;
  EXPECT_NEAR(named, 1.0, 1e-9) << "the posterior is over the named causes";
}

TEST(Planner, NeverProposesFactoryResetOrRepairWithoutABackupAndSaysSo) {
  const Hypotheses h{{Cause::firmware_bug, 0.6}, {Cause::weak_signal, 0.2}, {Cause::interference, 0.2}};
  const Plan p = plan(h, kNothingKnown, {{Step::power_cycle_lock, false}});
  EXPECT_EQ(position(p, Step::factory_reset), -1);
  EXPECT_EQ(position(p, Step::repair), -1);
  const bool noted = std::any_of(p.notes.begin(), p.notes.end(), [](const std::string& n) {
    return n.find("factory_reset") != std::string::npos;
  });
  EXPECT_TRUE(noted);
  for (const Hypotheses& set : typical_hypotheses()) {
    EXPECT_EQ(position(plan(set, kNothingKnown, {}), Step::factory_reset), -1);
  }
}

TEST(Planner, ContactSupportIsAlwaysLast) {
  for (const PlanContext& ctx : {kNothingKnown, kBackedUp, PlanContext{true, true, true, true}}) {
    for (const Hypotheses& set : typical_hypotheses()) {
      const Plan p = plan(set, ctx, {});
      ASSERT_FALSE(p.steps.empty());
      EXPECT_EQ(p.steps.back().step, Step::contact_support);
      EXPECT_EQ(position(p, Step::contact_support), static_cast<int>(p.steps.size()) - 1);
    }
  }
}

TEST(Planner, TheAnswerNextToTheLockMovesTheRanking) {
  const Hypotheses h{{Cause::app_permissions, 0.4}, {Cause::out_of_range, 0.4}, {Cause::weak_signal, 0.2}};
  const Plan no = plan(h, kNothingKnown, {{Step::observe_phone_near_lock, false}});
  EXPECT_EQ(no.posterior.front().first, Cause::app_permissions);
  EXPECT_EQ(first_user_repair(no), Step::grant_app_permissions);
  EXPECT_EQ(position(no, Step::observe_phone_near_lock), -1) << "not asked twice";

  const Plan yes = plan(h, kNothingKnown, {{Step::observe_phone_near_lock, true}});
  EXPECT_EQ(yes.posterior.front().first, Cause::out_of_range);
  EXPECT_LT(posterior_of(yes, Cause::app_permissions), 0.1);
  EXPECT_EQ(first_user_repair(yes), Step::move_bridge_closer);
}

TEST(Planner, ADarkLockPointsAtTheBatteries) {
  const Hypotheses h{{Cause::battery_depleted, 0.3}, {Cause::firmware_bug, 0.4}, {Cause::weak_signal, 0.3}};
  const Plan dark = plan(h, kNothingKnown, {{Step::observe_lock_lights, false}});
  EXPECT_EQ(dark.posterior.front().first, Cause::battery_depleted);
  EXPECT_EQ(first_user_repair(dark), Step::replace_batteries);
  const Plan lit = plan(h, kNothingKnown, {{Step::observe_lock_lights, true}});
  EXPECT_LT(posterior_of(lit, Cause::battery_depleted), 0.05);
}

TEST(Planner, AsksAQuestionOnlyWhenTheAnswerCanSaveTime) {
  // One cause: nothing to learn.
  const Plan sure = plan({{Cause::battery_depleted, 1.0}}, kNothingKnown, {});
  for (const PlannedStep& s : sure.steps) EXPECT_EQ(info(s.step).kind, StepKind::repair) << to_string(s.step);

  // Hub or router down: a look at the other Wi-Fi devices says which to restart.
  const Hypotheses h{{Cause::hub_offline, 0.5}, {Cause::router_power_outage, 0.5}};
  const Plan p = plan(h, kNothingKnown, {});
  ASSERT_FALSE(p.steps.empty());
  EXPECT_EQ(info(p.steps[0].step).kind, StepKind::observation) << to_string(p.steps[0].step);
  EXPECT_EQ(p.steps[0].p_fix, 0);
  std::vector<Step> without_asking;
  for (const PlannedStep& s : p.steps) {
    if (info(s.step).kind == StepKind::repair) without_asking.push_back(s.step);
  }
  EXPECT_LT(p.expected_cost, expected_cost_of_repair(without_asking, h, kNothingKnown).cost);
}

TEST(Planner, ThePlannedOrderCostsNoMoreUserTimeThanTheGuidesChecklist) {
  for (const PlanContext& ctx : {kNothingKnown, kBackedUp, PlanContext{true, true, true, true}}) {
    for (const Hypotheses& set : typical_hypotheses()) {
      const Plan p = plan(set, ctx, {});
      const SequenceCost guide = expected_cost_of_repair(guide_order(), set, ctx);
      EXPECT_LE(p.expected_user_minutes, guide.user_minutes + 1e-9)
          << (set.empty() ? "uniform" : to_string(set.front().first));
      EXPECT_LE(p.expected_cost, guide.cost + 1e-9);
    }
  }
  // Batteries nearly sure: both start with them; the plan then skips what cannot help.
  const Hypotheses h{{Cause::battery_depleted, 0.9}, {Cause::firmware_bug, 0.05}, {Cause::weak_signal, 0.05}};
  EXPECT_LT(plan(h, kNothingKnown, {}).expected_user_minutes,
            expected_cost_of_repair(guide_order(), h, kNothingKnown).user_minutes);
}

TEST(Planner, TheHubRecalibratesByItselfANativeLockThatAnswers) {
  const Hypotheses h{{Cause::calibration_drift, 0.7}, {Cause::bolt_jammed, 0.3}};
  const Plan by_hub = plan(h, PlanContext{.hub_answers = true, .lock_answers = true, .native = true}, {});
  ASSERT_FALSE(by_hub.steps.empty());
  EXPECT_EQ(by_hub.steps[0].step, Step::recalibrate);
  EXPECT_TRUE(by_hub.steps[0].automatic);
  EXPECT_EQ(by_hub.steps[0].instructions, info(Step::recalibrate).hub_action);

  const Plan by_user = plan(h, kNothingKnown, {});
  const int r = position(by_user, Step::recalibrate);
  ASSERT_GE(r, 0);
  EXPECT_FALSE(by_user.steps[static_cast<std::size_t>(r)].automatic);
  EXPECT_EQ(user_minutes(Step::recalibrate, kNothingKnown), 3);
  EXPECT_EQ(user_minutes(Step::recalibrate, PlanContext{.lock_answers = true, .native = true}), 0);
  // A lock behind a bridge has no recalibrate command the hub could send: the user does it.
  EXPECT_EQ(user_minutes(Step::recalibrate, PlanContext{.hub_answers = true, .lock_answers = true}), 3);
}

TEST(Planner, WithNothingToGoOnEveryCauseIsEquallyLikely) {
  const Plan p = plan({}, kNothingKnown, {});
  EXPECT_EQ(p.posterior.size(), causes().size());
  EXPECT_DOUBLE_EQ(p.posterior.front().second, 1.0 / static_cast<double>(causes().size()));
  EXPECT_EQ(p.steps.back().step, Step::contact_support);
}

TEST(Planner, WhenEverySuspectIsRuledOutItSendsTheUserToSupport) {
  const Plan p =
      plan({{Cause::router_replaced, 1.0}}, kNothingKnown, {{Step::reenter_network_credentials, false}});
  ASSERT_EQ(p.steps.size(), 1U);
  EXPECT_EQ(p.steps[0].step, Step::contact_support);
  EXPECT_TRUE(p.posterior.empty());
  EXPECT_FALSE(p.notes.empty());
}

TEST(StepCatalogue, EveryCauseHasAStepThatEndsIt) {
  for (const CauseInfo& c : causes()) {
    EXPECT_GE(effectiveness(to_step(c.fix), c.cause), 0.5) << c.id;
    EXPECT_EQ(effectiveness(Step::contact_support, c.cause), 1.0) << c.id;
  }
  EXPECT_EQ(effectiveness(Step::power_cycle_router, Cause::network_overloaded), 0.5);
  EXPECT_EQ(effectiveness(Step::observe_lock_lights, Cause::battery_depleted), 0.0);
}

TEST(StepCatalogue, EveryStepHasInstructionsAndAUniqueIdThatRoundTrips) {
  std::set<std::string> ids;
  std::size_t i = 0;
  for (const StepInfo& s : all_steps()) {
    EXPECT_EQ(static_cast<std::size_t>(s.step), i++) << s.id;
    EXPECT_FALSE(s.instructions.empty()) << s.id;
    EXPECT_TRUE(ids.insert(std::string(s.id)).second) << s.id;
    EXPECT_EQ(parse_step(s.id), s.step);
    EXPECT_EQ(to_string(s.step), s.id);
    EXPECT_EQ(s.automatic_when == AutomaticWhen::never, s.hub_action.empty()) << s.id;
    EXPECT_GE(s.minutes, 0);
    EXPECT_GE(s.risk, 0);
    EXPECT_LE(s.risk, 1);
  }
  EXPECT_EQ(ids.size(), kStepCount);
  EXPECT_EQ(parse_step("kick_the_door"), std::nullopt);
  EXPECT_GT(info(Step::factory_reset).risk, info(Step::power_cycle_lock).risk);
  EXPECT_GT(info(Step::repair).risk, info(Step::update_app).risk);
}

TEST(StepCatalogue, EveryFixStepIsAStepOfTheSameName) {
  for (int i = 0; i <= static_cast<int>(FixStep::wait); ++i) {
    const auto fix = static_cast<FixStep>(i);
    EXPECT_EQ(to_string(to_step(fix)), to_string(fix));
    EXPECT_EQ(to_fix_step(to_step(fix)), fix);
  }
  EXPECT_EQ(to_fix_step(Step::observe_bridge_lights), std::nullopt);
}

TEST(StepCatalogue, ObservationAnswersFollowTheCause) {
  EXPECT_LT(p_yes(Step::observe_other_wifi_devices, Cause::router_power_outage), 0.1);
  EXPECT_GT(p_yes(Step::observe_other_wifi_devices, Cause::battery_depleted), 0.9);
  EXPECT_LT(p_yes(Step::observe_bridge_lights, Cause::hub_offline), 0.2);
  EXPECT_LT(p_yes(Step::observe_bolt_moves_freely, Cause::bolt_jammed), 0.2);
  EXPECT_LT(p_yes(Step::observe_lock_lights, Cause::hardware_fault), 0.5);
  EXPECT_EQ(p_yes(Step::replace_batteries, Cause::battery_depleted), 1.0);
}

TEST(StepCatalogue, TheGuideOrderListsTheGuidesStepsOnce) {
  const std::span<const Step> g = guide_order();
  EXPECT_EQ(g.front(), Step::replace_batteries);
  EXPECT_EQ(g.back(), Step::contact_support);
  EXPECT_EQ(g[g.size() - 2], Step::factory_reset);
  const std::set<Step> unique(g.begin(), g.end());
  EXPECT_EQ(unique.size(), g.size());
  EXPECT_EQ(unique.count(Step::restore_repeater), 0U);
  for (const Step s : g) EXPECT_TRUE(to_fix_step(s).has_value()) << to_string(s);
}

}  // namespace
}  // namespace lw::core
