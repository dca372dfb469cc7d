#include "core/health/liveness_engine.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace lw::core {
namespace {

const Timestamp kT0 = from_epoch_ms(1'767'225'600'000);

DevicePlace wifi(const std::string& site, const std::string& network) {
  DevicePlace p;
  p.site = site;
  p.network = network;
  p.cadence = std::chrono::minutes(10);
  return p;
}

DevicePlace zigbee(const std::string& site, const std::string& bridge) {
  DevicePlace p;
  p.site = site;
  p.via = bridge;
  p.cadence = std::chrono::hours(1);
  p.probe = true;
  return p;
}

/// Feeds `lock` a report every cadence from kT0 for `n` reports; returns the last time.
Timestamp reports(LivenessEngine& e, const LockId& lock, Duration cadence, int n, Timestamp from = kT0) {
  Timestamp t = from;
  for (int i = 0; i < n; ++i) {
    t = from + cadence * i;
    e.tick(t);
    e.heard(lock, t);
  }
  return t;
}

TEST(LivenessEngine, ADeviceOnCadenceIsOnlineAndASilentOneGoesSuspectThenOffline) {
  LivenessEngine e;
  e.place("front", wifi("home", "home-wifi"));
  EXPECT_EQ(e.state("front"), Connectivity::unknown);
  const Timestamp last = reports(e, "front", std::chrono::minutes(10), 30);
  EXPECT_EQ(e.state("front"), Connectivity::online);
  e.tick(last + std::chrono::minutes(9));
  EXPECT_EQ(e.state("front"), Connectivity::online) << "not overdue yet";
  e.tick(last + std::chrono::minutes(12));
  EXPECT_EQ(e.state("front"), Connectivity::suspect) << "one report overdue";
  e.tick(last + std::chrono::hours(2));
  EXPECT_EQ(e.state("front"), Connectivity::offline);
  auto changes = e.take_changes();
  ASSERT_FALSE(changes.empty());
  EXPECT_EQ(changes.back().to, Connectivity::offline);
  EXPECT_NE(changes.back().why.find("overdue"), std::string::npos) << changes.back().why;
  e.heard("front", last + std::chrono::hours(2) + 1s);
  EXPECT_EQ(e.state("front"), Connectivity::online);
}

TEST(LivenessEngine, TheLastWillIsBelievedAtOnce) {
  LivenessEngine e;
  e.place("front", wifi("home", "home-wifi"));
  const Timestamp last = reports(e, "front", std::chrono::minutes(10), 3);
  e.link_down("front", last + 12s, "Last Will");
  EXPECT_EQ(e.state("front"), Connectivity::offline);
  EXPECT_EQ(e.take_changes().back().why, "Last Will");
}

/// Ticks every 5 s, as the hub's loop does, until `to`; returns when `lock` first reached `state`.
std::optional<Timestamp> first_time(LivenessEngine& e, const LockId& lock, Connectivity state, Timestamp from,
                                    Timestamp to) {
  for (Timestamp t = from; t <= to; t += 5s) {
    e.tick(t);
    if (e.state(lock) == state) return t;
  }
  return std::nullopt;
}

/// Also asks a lock reporting less often once it has been quiet 15 minutes.
LivenessEngine::Options watching() {
  LivenessEngine::Options o;
  o.watch_after = std::chrono::minutes(15);
  return o;
}

TEST(LivenessEngine, AnOverdueDeviceIsProbedAndOfflineWhenTheProbeGoesUnanswered) {
  LivenessEngine e;
  e.place("porch", zigbee("home", "zb"));
  const Timestamp last = reports(e, "porch", std::chrono::hours(1), 24);
  const auto suspect = first_time(e, "porch", Connectivity::suspect, last, last + 2h);
  ASSERT_TRUE(suspect);
  EXPECT_GT(*suspect, last + 60min) << "not before the report is due";
  EXPECT_LT(*suspect, last + 65min);
  auto probes = e.take_probes();
  ASSERT_EQ(probes.size(), 1U);
  EXPECT_EQ(probes[0], "porch");
  const auto second = first_time(e, "porch", Connectivity::offline, *suspect, *suspect + 20s);
  EXPECT_FALSE(second) << "the first probe has 20 s to be answered";
  EXPECT_EQ(e.take_probes(), std::vector<LockId>{"porch"}) << "then a second chance";
  const auto offline = first_time(e, "porch", Connectivity::offline, *suspect + 20s, last + 2h);
  ASSERT_TRUE(offline);
  EXPECT_EQ(e.take_probes(), std::vector<LockId>{"porch"}) << "and a third";
  EXPECT_TRUE(e.take_probes().empty()) << "three probes per suspicion";
  EXPECT_GE(*offline - *suspect, 60s);
  EXPECT_LE(*offline - *suspect, 65s);
}

TEST(LivenessEngine, AnAnsweredProbeClearsTheSuspicion) {
  LivenessEngine e;
  e.place("porch", zigbee("home", "zb"));
  const Timestamp last = reports(e, "porch", std::chrono::hours(1), 24);
  const auto suspect = first_time(e, "porch", Connectivity::suspect, last, last + 2h);
  ASSERT_TRUE(suspect);
  ASSERT_EQ(e.take_probes().size(), 1U);
  e.heard("porch", *suspect + 2s);
  e.tick(*suspect + 5min);
  EXPECT_EQ(e.state("porch"), Connectivity::online);
}

TEST(LivenessEngine, AnHourlyLockQuietForAQuarterOfAnHourIsAskedAndFoundGoneWithinMinutes) {
  LivenessEngine e{watching()};
  e.place("porch", zigbee("home", "zb"));
  e.place("front", wifi("home", "home-wifi"));  // reports every 10 min: never asked between reports
  Timestamp t = kT0;
  e.heard("porch", t);
  e.heard("front", t);
  // The hub asks at 15 min; the lock answers (its bridge relays the report).
  e.tick(t + 14min);
  EXPECT_TRUE(e.take_probes().empty());
  e.tick(t + 15min);
  EXPECT_EQ(e.take_probes(), std::vector<LockId>{"porch"});
  EXPECT_EQ(e.state("porch"), Connectivity::online) << "asked, not suspected";
  t += 15min + 2s;
  e.heard("porch", t);
  e.heard("front", t);
  // Then it dies: three unanswered probes, 20 s apart, make it offline.
  const auto offline = first_time(e, "porch", Connectivity::offline, t, t + 1h);
  ASSERT_TRUE(offline);
  EXPECT_LE(*offline - t, 16min + 1s) << "not an hour later, at its next report";
  EXPECT_EQ(e.take_probes().size(), 3U);
  const auto changes = e.take_changes();
  const auto down = std::find_if(changes.begin(), changes.end(), [](const ConnectivityChange& c) {
    return c.lock == "porch" && c.to == Connectivity::offline;
  });
  ASSERT_NE(down, changes.end());
  EXPECT_EQ(down->why, "quiet for 16 min and did not answer 3 probes");
  EXPECT_FALSE(down->told);
}

TEST(LivenessEngine, ALockThatLosesManyReportsIsNotAskedBetweenThem) {
  // A lossy link misses asks as often as reports: asking it would raise false
  // alarms. Of its hourly reports one in three is lost.
  LivenessEngine e{watching()};
  e.place("shed", zigbee("home", "zb"));
  Timestamp t = kT0;
  for (int h = 0; h < 48; ++h) {
    t = kT0 + std::chrono::hours(h);
    e.tick(t);
    if (h % 3 != 2) e.heard("shed", t);
  }
  (void)e.take_probes();
  e.heard("shed", t + 1min);
  e.tick(t + 1min + 20min);
  EXPECT_TRUE(e.take_probes().empty()) << "quiet 20 min: not asked";
  EXPECT_EQ(e.state("shed"), Connectivity::online);
}

TEST(LivenessEngine, ALockTheWatchTwiceCalledGoneWrongIsNoLongerAskedBetweenReports) {
  // Its link carries its reports but not the hub's asks: each quiet quarter
  // hour ends in three unanswered probes, then its next report arrives.
  LivenessEngine e{watching()};
  e.place("porch", zigbee("home", "zb"));
  Timestamp t = kT0;
  e.heard("porch", t);
  for (int round = 0; round < 2; ++round) {
    const auto gone = first_time(e, "porch", Connectivity::offline, t, t + 30min);
    ASSERT_TRUE(gone) << "round " << round;
    t = t + 1h;
    e.heard("porch", t);  // back at its next report
  }
  (void)e.take_probes();
  e.tick(t + 30min);
  EXPECT_TRUE(e.take_probes().empty()) << "the watch no longer asks it";
  EXPECT_EQ(e.state("porch"), Connectivity::online);
  // It is still asked once a report is overdue.
  const auto suspect = first_time(e, "porch", Connectivity::suspect, t + 30min, t + 2h);
  ASSERT_TRUE(suspect);
  EXPECT_EQ(e.take_probes(), std::vector<LockId>{"porch"});
}

TEST(LivenessEngine, ABridgeGoingDownMakesItsDevicesUnreachableInOneIncident) {
  LivenessEngine e;
  for (const char* id : {"a", "b", "c"}) e.place(id, zigbee("home", "zb"));
  e.place("wifi-lock", wifi("home", "home-wifi"));
  for (const char* id : {"a", "b", "c", "wifi-lock"}) e.heard(id, kT0);
  e.via_state("zb", false, kT0 + 1min);
  for (const char* id : {"a", "b", "c"}) EXPECT_EQ(e.state(id), Connectivity::unreachable) << id;
  EXPECT_EQ(e.state("wifi-lock"), Connectivity::online);
  auto open = e.open_incidents();
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0]->scope, IncidentScope::bridge);
  EXPECT_EQ(open[0]->subject, "zb");
  EXPECT_EQ(open[0]->members.size(), 3U);
  e.via_state("zb", true, kT0 + 5min);
  for (const char* id : {"a", "b", "c"}) EXPECT_EQ(e.state(id), Connectivity::online) << id;
  EXPECT_TRUE(e.open_incidents().empty());
  ASSERT_EQ(e.incidents().size(), 1U);
  EXPECT_EQ(e.incidents()[0]->closed_at, kT0 + 5min);
}

TEST(LivenessEngine, LocksDroppingWithTheirRouterMakeOneNetworkIncident) {
  LivenessEngine e;
  for (const char* id : {"front", "back", "garage"}) e.place(id, wifi("home", "home-wifi"));
  e.place("elsewhere", wifi("cabin", "cabin-wifi"));
  for (const char* id : {"front", "back", "garage", "elsewhere"}) e.heard(id, kT0);
  e.link_down("front", kT0 + 10s, "Last Will");
  e.link_down("back", kT0 + 14s, "Last Will");
  e.link_down("elsewhere", kT0 + 15s, "Last Will");
  e.link_down("garage", kT0 + 20s, "Last Will");
  auto open = e.open_incidents();
  ASSERT_EQ(open.size(), 2U);
  const Incident* router = e.incident(*e.incident_of("front"));
  ASSERT_NE(router, nullptr);
  EXPECT_EQ(router->scope, IncidentScope::network);
  EXPECT_EQ(router->subject, "home-wifi");
  EXPECT_EQ(router->members, (std::vector<LockId>{"front", "back", "garage"}));
  const Incident* cabin = e.incident(*e.incident_of("elsewhere"));
  ASSERT_NE(cabin, nullptr);
  EXPECT_EQ(cabin->scope, IncidentScope::lock);
  // The incident closes when the last member is back.
  e.heard("front", kT0 + 2min);
  e.heard("back", kT0 + 2min);
  EXPECT_EQ(e.open_incidents().size(), 2U);
  e.heard("garage", kT0 + 3min);
  const Incident* closed = e.incident(1);
  ASSERT_NE(closed, nullptr);
  EXPECT_EQ(closed->closed_at, kT0 + 3min);
}

TEST(LivenessEngine, ABridgeThatDropsWithItsRouterJoinsTheRoutersIncident) {
  LivenessEngine e;
  e.place("front", wifi("home", "home-wifi"));
  e.place("back", wifi("home", "home-wifi"));
  e.place("porch", zigbee("home", "zb"));
  e.via_network("zb", "home-wifi");
  for (const char* id : {"front", "back", "porch"}) e.heard(id, kT0);
  e.link_down("front", kT0 + 8s, "Last Will");
  e.via_state("zb", false, kT0 + 11s);
  e.link_down("back", kT0 + 14s, "Last Will");
  ASSERT_EQ(e.open_incidents().size(), 1U);
  const Incident* inc = e.open_incidents()[0];
  EXPECT_EQ(inc->scope, IncidentScope::network);
  EXPECT_EQ(inc->subject, "home-wifi");
  EXPECT_EQ(inc->members, (std::vector<LockId>{"front", "porch", "back"}));
  EXPECT_EQ(e.state("porch"), Connectivity::unreachable);
}

TEST(LivenessEngine, DropsFarApartAreSeparateIncidents) {
  LivenessEngine e;
  for (const char* id : {"front", "back"}) e.place(id, wifi("home", "home-wifi"));
  e.heard("front", kT0);
  e.heard("back", kT0);
  e.link_down("front", kT0 + 10s, "Last Will");
  e.heard("back", kT0 + 30min);
  e.link_down("back", kT0 + 31min, "Last Will");
  EXPECT_EQ(e.open_incidents().size(), 2U);
}

TEST(LivenessEngine, AFirmwareInstallIsNoAlarmUntilItsWindowPasses) {
  LivenessEngine e;
  e.place("front", wifi("home", "home-wifi"));
  const Timestamp last = reports(e, "front", std::chrono::minutes(10), 5);
  e.updating("front", last + 1min);
  e.link_down("front", last + 1min + 12s, "Last Will");
  EXPECT_EQ(e.state("front"), Connectivity::updating);
  e.tick(last + 15min);
  EXPECT_EQ(e.state("front"), Connectivity::updating);
  EXPECT_TRUE(e.open_incidents().empty());
  e.tick(last + 22min);
  EXPECT_EQ(e.state("front"), Connectivity::offline) << "the install window passed";
  e.heard("front", last + 25min);
  EXPECT_EQ(e.state("front"), Connectivity::online);
}

TEST(LivenessEngine, ASleepyDeviceIsAsleepBetweenCheckIns) {
  LivenessEngine e;
  DevicePlace p = zigbee("home", "zw");
  p.sleepy = true;
  e.place("cellar", p);
  const Timestamp last = reports(e, "cellar", std::chrono::hours(1), 5);
  EXPECT_EQ(e.state("cellar"), Connectivity::online);
  e.tick(last + 5min);
  EXPECT_EQ(e.state("cellar"), Connectivity::asleep);
  e.tick(last + 50min);
  EXPECT_EQ(e.state("cellar"), Connectivity::asleep);
  const auto suspect = first_time(e, "cellar", Connectivity::suspect, last + 50min, last + 2h);
  ASSERT_TRUE(suspect) << "its check-in is overdue";
  EXPECT_GT(*suspect, last + 60min);
}

TEST(LivenessEngine, ACommandUnansweredWhileOverdueConfirmsOffline) {
  LivenessEngine e;
  e.place("front", wifi("home", "home-wifi"));
  const Timestamp last = reports(e, "front", std::chrono::minutes(10), 10);
  e.command_timed_out("front", last + 1min);
  EXPECT_EQ(e.state("front"), Connectivity::online) << "reports still arrive: alive, perhaps deaf";
  e.tick(last + 12min);
  ASSERT_EQ(e.state("front"), Connectivity::suspect);
  e.command_timed_out("front", last + 13min);
  EXPECT_EQ(e.state("front"), Connectivity::offline);
}

}  // namespace
}  // namespace lw::core
