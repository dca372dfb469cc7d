#include "core/diagnosis/doctor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lw::core {
namespace {

Clues clues(std::initializer_list<std::pair<Clue, bool>> answers) {
  Clues c;
  for (const auto& [clue, yes] : answers) c.set(clue, yes);
  return c;
}

Cause top(const std::vector<Hypothesis>& h) { return h.at(0).cause; }

double p_of(const std::vector<Hypothesis>& h, Cause c) {
  for (const Hypothesis& x : h) {
    if (x.cause == c) return x.p;
  }
  return 0;
}

TEST(Doctor, ProbabilitiesSumToOneAndAreSorted) {
  const Doctor d;
  const auto h = d.diagnose(Transport::zigbee, clues({{Clue::went_silent, true}}));
  const double sum =
      std::accumulate(h.begin(), h.end(), 0.0, [](double s, const Hypothesis& x) { return s + x.p; });
  EXPECT_NEAR(sum, 1.0, 1e-9);
  EXPECT_TRUE(
      std::is_sorted(h.begin(), h.end(), [](const Hypothesis& a, const Hypothesis& b) { return a.p > b.p; }));
}

TEST(Doctor, CausesThatCannotStrikeTheTransportAreNotOffered) {
  const Doctor d;
  const auto wifi = d.diagnose(Transport::wifi, {});
  EXPECT_EQ(p_of(wifi, Cause::mesh_route_lost), 0);
  EXPECT_EQ(p_of(wifi, Cause::out_of_range), 0);
  EXPECT_EQ(p_of(wifi, Cause::hub_offline), 0);
  const auto zigbee = d.diagnose(Transport::zigbee, {});
  EXPECT_GT(p_of(zigbee, Cause::mesh_route_lost), 0);
  EXPECT_EQ(p_of(zigbee, Cause::out_of_range), 0);
}

TEST(Doctor, AFlatBatteryWithALastWillIsTheBattery) {
  const Doctor d;
  const auto h = d.diagnose(Transport::wifi, clues({{Clue::told_gone, true},
                                                    {Clue::battery_low, true},
                                                    {Clue::network_peers_down, false},
                                                    {Clue::came_back_alone, false}}));
  EXPECT_EQ(top(h), Cause::battery_depleted);
  EXPECT_GT(h[0].p, 0.5);
  EXPECT_NE(std::find(h[0].evidence_for.begin(), h[0].evidence_for.end(), "the battery is low"),
            h[0].evidence_for.end());
}

TEST(Doctor, TheWholeWifiDroppingPointsAtTheNetworkAndComingBackTellsWhich) {
  const Doctor d;
  const auto gone = d.diagnose(Transport::wifi, clues({{Clue::network_peers_down, true},
                                                       {Clue::told_gone, true},
                                                       {Clue::battery_low, false},
                                                       {Clue::came_back_alone, false}}));
  const double network = p_of(gone, Cause::router_power_outage) +
                         p_of(gone, Cause::network_credentials_changed) + p_of(gone, Cause::router_replaced) +
                         p_of(gone, Cause::internet_outage);
  EXPECT_GT(network, 0.8);
  EXPECT_GT(p_of(gone, Cause::network_credentials_changed), p_of(gone, Cause::internet_outage));
  const auto back = d.diagnose(
      Transport::wifi,
      clues({{Clue::network_peers_down, true}, {Clue::told_gone, true}, {Clue::came_back_alone, true}}));
  EXPECT_GT(p_of(back, Cause::internet_outage), p_of(back, Cause::network_credentials_changed));
}

TEST(Doctor, SilentWithGoodSignalAndBatteryIsTheFirmware) {
  const Doctor d;
  const auto h = d.diagnose(Transport::wifi, clues({{Clue::went_silent, true},
                                                    {Clue::told_gone, false},
                                                    {Clue::signal_weak, false},
                                                    {Clue::battery_low, false},
                                                    {Clue::network_peers_down, false},
                                                    {Clue::came_back_alone, false}}));
  EXPECT_EQ(top(h), Cause::firmware_bug);
  EXPECT_FALSE(h[0].evidence_for.empty());
}

TEST(Doctor, AlarmsNameTheMechanicalCause) {
  const Doctor d;
  EXPECT_EQ(top(d.diagnose(Transport::zwave, clues({{Clue::jam_alarm, true}}))), Cause::bolt_jammed);
  EXPECT_EQ(top(d.diagnose(Transport::wifi, clues({{Clue::motor_fault_alarm, true}}))),
            Cause::hardware_fault);
  EXPECT_EQ(top(d.diagnose(Transport::wifi, clues({{Clue::state_mismatch, true}}))),
            Cause::calibration_drift);
}

TEST(Doctor, TheBridgeDownIsTheHub) {
  const Doctor d;
  const auto h =
      d.diagnose(Transport::zigbee, clues({{Clue::bridge_down, true}, {Clue::network_peers_down, false}}));
  EXPECT_EQ(top(h), Cause::hub_offline);
}

TEST(Doctor, EvidenceAgainstIsSaid) {
  const Doctor d;
  const auto h = d.diagnose(Transport::wifi, clues({{Clue::battery_low, false}, {Clue::went_silent, true}}));
  const Hypothesis* battery = nullptr;
  for (const Hypothesis& x : h) {
    if (x.cause == Cause::battery_depleted) battery = &x;
  }
  ASSERT_NE(battery, nullptr);
  EXPECT_NE(std::find(battery->evidence_against.begin(), battery->evidence_against.end(),
                      "the battery reads healthy"),
            battery->evidence_against.end());
}

TEST(Doctor, PriorsLearnFromResolvedIncidents) {
  Doctor d;
  const Clues silent = clues({{Clue::went_silent, true}});
  const double before = p_of(d.diagnose(Transport::wifi, silent), Cause::weak_signal);
  for (int i = 0; i < 30; ++i) d.learn(Transport::wifi, Cause::weak_signal);
  EXPECT_GT(p_of(d.diagnose(Transport::wifi, silent), Cause::weak_signal), before);
  EXPECT_EQ(d.learnt(), 30);
  // Another transport's prior does not move; a cause that cannot apply is not learnt.
  EXPECT_DOUBLE_EQ(d.prior(Transport::zigbee, Cause::weak_signal),
                   Doctor().prior(Transport::zigbee, Cause::weak_signal));
  d.learn(Transport::wifi, Cause::mesh_route_lost);
  EXPECT_EQ(d.prior(Transport::wifi, Cause::mesh_route_lost), 0);
}

TEST(Doctor, LikelihoodsLearnWhatACauseLooksLikeOnItsTransport) {
  // A Zigbee lock whose signal weakened: its route is gone before anyone
  // reads its link quality, so the bridge's "no route" is all that shows.
  Doctor d;
  const Clues seen =
      clues({{Clue::went_silent, true}, {Clue::mesh_no_route, true}, {Clue::signal_weak, false}});
  const double table = d.likelihood(Transport::zigbee, Cause::weak_signal, Clue::signal_weak);
  const auto before = d.diagnose(Transport::zigbee, seen);
  ASSERT_NE(top(before), Cause::weak_signal);
  for (int i = 0; i < 60; ++i) d.learn(Transport::zigbee, Cause::weak_signal, seen);
  for (int i = 0; i < 20; ++i) {
    d.learn(Transport::zigbee, Cause::firmware_bug,
            clues({{Clue::went_silent, true}, {Clue::mesh_no_route, false}, {Clue::signal_weak, false}}));
  }
  EXPECT_LT(d.likelihood(Transport::zigbee, Cause::weak_signal, Clue::signal_weak), table / 3);
  EXPECT_EQ(top(d.diagnose(Transport::zigbee, seen)), Cause::weak_signal);
  // Another transport keeps the table's view; came_back_alone is never learnt.
  EXPECT_DOUBLE_EQ(d.likelihood(Transport::wifi, Cause::weak_signal, Clue::signal_weak), table);
  d.learn(Transport::wifi, Cause::weak_signal, clues({{Clue::came_back_alone, false}}));
  EXPECT_DOUBLE_EQ(d.likelihood(Transport::wifi, Cause::weak_signal, Clue::came_back_alone),
                   likelihood(Cause::weak_signal, Clue::came_back_alone));
}

TEST(Doctor, ALocksOwnRecordTipsAnAmbiguousDropTowardsWhatItHadBefore) {
  // A Wi-Fi lock dropped and came back by itself, its signal fine: a weak
  // link and a microwave oven look alike. This lock had interference twice.
  Doctor d;
  const Clues seen =
      clues({{Clue::told_gone, true}, {Clue::came_back_alone, true}, {Clue::signal_weak, false}});
  CauseRecord oven;
  oven.add(Cause::interference);
  oven.add(Cause::interference);
  CauseRecord far;
  far.add(Cause::weak_signal);
  far.add(Cause::weak_signal);
  const auto by_oven = d.diagnose(Transport::wifi, seen, oven);
  const auto by_far = d.diagnose(Transport::wifi, seen, far);
  EXPECT_EQ(top(by_oven), Cause::interference);
  EXPECT_GT(p_of(by_far, Cause::weak_signal), p_of(by_oven, Cause::weak_signal) * 2);
  const auto words = by_oven.at(0).evidence_for;
  EXPECT_NE(std::find(words.begin(), words.end(), "this lock had it before: 2 of its 2 confirmed cases"),
            words.end());
  // An empty record is the fleet's prior.
  EXPECT_DOUBLE_EQ(p_of(d.diagnose(Transport::wifi, seen, CauseRecord{}), Cause::interference),
                   p_of(d.diagnose(Transport::wifi, seen), Cause::interference));
}

TEST(Doctor, ALocksOldCasesFadeAsNewOnesComeIn) {
  CauseRecord r;
  r.add(Cause::weak_signal);  // before the router was moved
  for (int i = 0; i < 6; ++i) r.add(Cause::firmware_updating);
  EXPECT_EQ(r.confirmed(), 7);
  EXPECT_EQ(r.confirmed(Cause::weak_signal), 1);
  EXPECT_NEAR(r.cases(Cause::weak_signal), std::pow(0.8, 6), 1e-6);
  Doctor d;
  // Fleet prior weighs as 3 cases: a faded one barely moves it.
  EXPECT_LT(d.prior(Transport::wifi, Cause::weak_signal, r),
            2 * d.prior(Transport::wifi, Cause::weak_signal));
  // A case of a cause that cannot strike the transport is not the lock's own.
  CauseRecord moved;
  moved.add(Cause::mesh_route_lost);
  EXPECT_DOUBLE_EQ(d.prior(Transport::wifi, Cause::weak_signal, moved),
                   d.prior(Transport::wifi, Cause::weak_signal));
}

TEST(Clues, AnswersRoundTripAsTextAndAnUnknownClueIsSkipped) {
  const Clues c = clues({{Clue::told_gone, true}, {Clue::battery_low, false}});
  EXPECT_EQ(encode_answers(c), "told_gone=yes battery_low=no");
  auto back = parse_answers("told_gone=yes battery_low=no clue_of_a_newer_hub=yes");
  ASSERT_TRUE(back);
  EXPECT_EQ(encode_answers(*back), "told_gone=yes battery_low=no");
  EXPECT_FALSE(parse_answers("told_gone"));
  EXPECT_FALSE(parse_answers("told_gone=maybe"));
  EXPECT_EQ(encode_answers(*parse_answers("")), "");
}

TEST(Clues, IdsRoundTripAndHaveWords) {
  for (std::size_t k = 0; k < kClueCount; ++k) {
    const auto c = static_cast<Clue>(k);
    EXPECT_EQ(parse_clue(to_string(c)), c);
    EXPECT_FALSE(words(c).yes.empty());
    EXPECT_FALSE(words(c).no.empty());
  }
}

TEST(Clues, UnansweredIsNotNo) {
  Clues c;
  EXPECT_FALSE(c.get(Clue::battery_low).has_value());
  c.set(Clue::battery_low, false);
  EXPECT_EQ(c.get(Clue::battery_low), false);
  c.forget(Clue::battery_low);
  EXPECT_FALSE(c.get(Clue::battery_low).has_value());
}

}  // namespace
}  // namespace lw::core
