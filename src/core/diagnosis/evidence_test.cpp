#include "core/diagnosis/evidence.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/diagnosis/doctor.h"

namespace lw::core {
namespace {

using namespace std::chrono_literals;

const Timestamp kT0 = from_epoch_ms(1'767'225'600'000);

/// Three Wi-Fi locks on one network and one Zigbee lock behind a bridge, at one site.
class EvidenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* id : {"front", "back", "garage"}) place(id, "", "home/OurHouse", Transport::wifi);
    place("gate", "zb1", "", Transport::zigbee);
    for (int k = 0; k < 6 * 24; ++k) report_all(kT0 + 10min * k);
  }

  void place(const LockId& id, const std::string& via, const std::string& network, Transport t) {
    DevicePlace p;
    p.site = "home";
    p.via = via;
    p.network = network;
    p.cadence = 10min;
    p.probe = !via.empty();
    BatteryProfile b;
    b.chemistry = Chemistry::alkaline;
    b.cells = 4;
    monitor_.place(id, p, b, t);
  }

  void report(const LockId& id, Timestamp at, int mv = 5600) {
    Telemetry t;
    t.ts = at;
    t.battery_mv = mv;
    t.rssi_dbm = -55;
    t.temperature_c = 20;
    t.firmware = "2.4.1";
    monitor_.telemetry(id, at, t);
    book_.telemetry(id, at, t, 10min);
  }
  void report_all(Timestamp at) {
    for (const char* id : {"front", "back", "garage"}) report(id, at);
    monitor_.heard("gate", at);
    settle(at);
  }
  void settle(Timestamp at) {
    monitor_.tick(at);
    for (const ConnectivityChange& c : monitor_.take_changes()) book_.connectivity(c, monitor_);
    (void)monitor_.take_incident_changes();
    (void)monitor_.take_notices();
    (void)monitor_.take_probes();
  }

  HealthMonitor monitor_;
  EvidenceBook book_;
  const Timestamp day1_ = kT0 + 24h;
};

TEST_F(EvidenceTest, AWholeNetworkGoingAtOnceIsSeenAsSuch) {
  for (const char* id : {"front", "back", "garage"}) monitor_.link_down(id, day1_ + 1min, "Last Will");
  settle(day1_ + 2min);
  const Clues c = book_.clues("front", Transport::wifi, day1_ + 5min, day1_ + 1min, monitor_);
  EXPECT_EQ(c.get(Clue::told_gone), true);
  EXPECT_EQ(c.get(Clue::went_silent), false);
  EXPECT_EQ(c.get(Clue::network_peers_down), true);
  EXPECT_EQ(c.get(Clue::came_back_alone), false);
  EXPECT_EQ(c.get(Clue::battery_low), false);
  const auto ranked = Doctor().diagnose(Transport::wifi, c);
  const Cause top = ranked.at(0).cause;
  EXPECT_TRUE(top == Cause::network_credentials_changed || top == Cause::router_replaced ||
              top == Cause::router_power_outage)
      << to_string(top);
}

TEST_F(EvidenceTest, AWholeNetworkThatWentAndCameBackIsStillTheNetworkOnceItsIncidentCloses) {
  for (const char* id : {"front", "back", "garage"}) monitor_.link_down(id, day1_ + 1min, "Last Will");
  settle(day1_ + 2min);
  const std::optional<std::uint64_t> incident = monitor_.liveness().incident_of("front");
  ASSERT_TRUE(incident);
  report_all(day1_ + 4min);
  ASSERT_FALSE(monitor_.liveness().incident_of("front")) << "every lock is back: the incident closed";
  const Clues c = book_.clues("front", Transport::wifi, day1_ + 10min, day1_ + 1min, monitor_, incident);
  EXPECT_EQ(c.get(Clue::network_peers_down), true);
  EXPECT_EQ(c.get(Clue::came_back_alone), true);
  EXPECT_NE(c.get(Clue::network_peers_lossy), std::optional(true)) << "the peers that dropped went with it";
  EXPECT_EQ(Doctor().diagnose(Transport::wifi, c).at(0).cause, Cause::router_power_outage);
}

TEST_F(EvidenceTest, OneLockGoingQuietAloneIsNotTheNetwork) {
  // front stops reporting; the others carry on.
  Timestamp t = day1_;
  for (int k = 1; k <= 12; ++k) {
    t = day1_ + 10min * k;
    report("back", t);
    report("garage", t);
    monitor_.heard("gate", t);
    settle(t);
  }
  ASSERT_EQ(monitor_.liveness().state("front"), Connectivity::offline);
  const Clues c = book_.clues("front", Transport::wifi, t, day1_ + 20min, monitor_);
  EXPECT_EQ(c.get(Clue::went_silent), true);
  EXPECT_EQ(c.get(Clue::network_peers_down), false);
  EXPECT_EQ(Doctor().diagnose(Transport::wifi, c).at(0).cause, Cause::firmware_bug);
}

TEST_F(EvidenceTest, ReportsLostAcrossTheWholeWifiPointAtTheNetworkNotTheLock) {
  // For a day every other report is lost: of `lossy` locks only, the others' arrive.
  const auto day_of_loss = [&](Timestamp from, const std::vector<LockId>& lossy) {
    Timestamp t = from;
    for (int k = 1; k <= 6 * 24; ++k) {
      t = from + 10min * k;
      for (const char* id : {"front", "back", "garage"}) {
        if (k % 2 == 0 || std::find(lossy.begin(), lossy.end(), id) == lossy.end()) report(id, t);
      }
      monitor_.heard("gate", t);
      settle(t);
    }
    return book_.clues("front", Transport::wifi, t, std::nullopt, monitor_);
  };
  const Clues alone = day_of_loss(day1_, {"front"});
  EXPECT_EQ(alone.get(Clue::loss_high), true);
  EXPECT_EQ(alone.get(Clue::network_peers_lossy), false) << "the others lose few: it is this lock's link";
  const Clues all = day_of_loss(day1_ + 24h, {"front", "back", "garage"});
  EXPECT_EQ(all.get(Clue::network_peers_lossy), true);
  const auto ranked = Doctor().diagnose(Transport::wifi, all);
  const auto p = [&](Cause c) {
    return std::find_if(ranked.begin(), ranked.end(), [&](const Hypothesis& h) { return h.cause == c; })->p;
  };
  const auto alone_ranked = Doctor().diagnose(Transport::wifi, alone);
  const auto p_alone = [&](Cause c) {
    return std::find_if(alone_ranked.begin(), alone_ranked.end(),
                        [&](const Hypothesis& h) { return h.cause == c; })
        ->p;
  };
  EXPECT_GT(p(Cause::network_overloaded), 3 * p_alone(Cause::network_overloaded));
  // A bridged lock's radio loss is not the Wi-Fi's: the clue is not asked.
  EXPECT_FALSE(book_.clues("gate", Transport::zigbee, day1_ + 48h, std::nullopt, monitor_)
                   .get(Clue::network_peers_lossy));
  // Losing that much all week is not a network that became crowded: a site far from its router.
  Clues chronic;
  for (int d = 2; d < 6; ++d) chronic = day_of_loss(day1_ + 24h * d, {"front", "back", "garage"});
  EXPECT_EQ(chronic.get(Clue::loss_high), true);
  EXPECT_EQ(chronic.get(Clue::network_peers_lossy), false);
}

TEST_F(EvidenceTest, ReportsOverdueAcrossTheWifiWhenALockDropsPointAtACrowd) {
  // front drops while the others report on time: its own trouble.
  for (int k = 0; k <= 1; ++k) {
    report("back", day1_ + 10min * k);
    report("garage", day1_ + 10min * k);
    monitor_.heard("gate", day1_ + 10min * k);
    settle(day1_ + 10min * k);
  }
  monitor_.link_down("front", day1_ + 17min, "Last Will");
  settle(day1_ + 17min);
  EXPECT_EQ(book_.clues("front", Transport::wifi, day1_ + 18min, day1_ + 17min, monitor_)
                .get(Clue::network_peers_lossy),
            false);
  // Later back and garage miss their reports, and front (back since) drops again: a crowd.
  const Timestamp later = day1_ + 2h;
  for (Timestamp t = day1_ + 20min; t < later; t += 10min) {
    report_all(t);
  }
  for (int k = 1; k <= 2; ++k) {
    report("front", later + 8min * k);
    monitor_.heard("gate", later + 8min * k);
    settle(later + 8min * k);
  }
  monitor_.link_down("front", later + 17min, "Last Will");
  settle(later + 17min);
  const Connectivity back = monitor_.liveness().state("back");
  ASSERT_TRUE(back == Connectivity::suspect || back == Connectivity::offline) << to_string(back);
  EXPECT_EQ(book_.clues("front", Transport::wifi, later + 18min, later + 17min, monitor_)
                .get(Clue::network_peers_lossy),
            true);
}

TEST_F(EvidenceTest, PeersThatDroppedAndRejoinedInTheLastHourPointAtACrowd) {
  // A crowded Wi-Fi breaks sessions; each lock rejoins at once and loses no report.
  for (const char* id : {"back", "garage"}) monitor_.link_down(id, day1_ + 1min, "Last Will");
  settle(day1_ + 1min);
  report("back", day1_ + 2min);
  report("garage", day1_ + 3min);
  settle(day1_ + 3min);
  ASSERT_EQ(monitor_.liveness().state("back"), Connectivity::online);
  monitor_.link_down("front", day1_ + 20min, "Last Will");
  settle(day1_ + 20min);
  EXPECT_EQ(book_.clues("front", Transport::wifi, day1_ + 25min, day1_ + 20min, monitor_)
                .get(Clue::network_peers_lossy),
            true);
  // Two hours on, those drops are old news.
  report("front", day1_ + 21min);
  for (Timestamp t = day1_ + 30min; t <= day1_ + 150min; t += 10min) report_all(t);
  monitor_.link_down("front", day1_ + 151min, "Last Will");
  settle(day1_ + 151min);
  EXPECT_EQ(book_.clues("front", Transport::wifi, day1_ + 155min, day1_ + 151min, monitor_)
                .get(Clue::network_peers_lossy),
            false);
}

TEST_F(EvidenceTest, AlarmsAndFailingCommandsAreMisbehaviour) {
  EXPECT_TRUE(book_.take_misbehaving().empty());
  book_.alarm("front", day1_ + 1min, "jammed");
  EXPECT_EQ(book_.take_misbehaving(), std::vector<LockId>{"front"});
  EXPECT_TRUE(book_.take_misbehaving().empty()) << "each once";
  EXPECT_EQ(book_.clues("front", Transport::wifi, day1_ + 2min, std::nullopt, monitor_).get(Clue::jam_alarm),
            true);

  book_.command("back", day1_ + 1min, false);
  book_.command("back", day1_ + 2min, false);
  report("back", day1_ + 3min);
  EXPECT_EQ(book_.take_misbehaving(), std::vector<LockId>{"back"});
  EXPECT_EQ(
      book_.clues("back", Transport::wifi, day1_ + 4min, std::nullopt, monitor_).get(Clue::alive_but_deaf),
      true);
  book_.command("back", day1_ + 5min, true);
  EXPECT_EQ(
      book_.clues("back", Transport::wifi, day1_ + 6min, std::nullopt, monitor_).get(Clue::alive_but_deaf),
      false);
}

TEST_F(EvidenceTest, ABridgeUpgradeAndItsNoRouteLinesAreClues) {
  book_.bridge_firmware("zb1", kT0, "1.40.0");
  book_.bridge_firmware("zb1", day1_, "2.0.0");
  book_.bridge_log("gate", day1_ + 1min, BridgeLog::no_route);
  const Clues c = book_.clues("gate", Transport::zigbee, day1_ + 2min, day1_ + 1min, monitor_);
  EXPECT_EQ(c.get(Clue::firmware_changed), true);
  EXPECT_EQ(c.get(Clue::mesh_no_route), true);
  EXPECT_EQ(c.get(Clue::channel_busy), false);
  EXPECT_EQ(c.get(Clue::bridge_down), false);
  // A Wi-Fi lock has no bridge log to read: the clue stays unanswered.
  EXPECT_FALSE(book_.clues("front", Transport::wifi, day1_ + 2min, day1_, monitor_).get(Clue::mesh_no_route));
}

TEST_F(EvidenceTest, TheBootInTheFirstReportHeardIsNotARebootAroundADrop) {
  Telemetry t;
  t.boot_reason = BootReason::power_on;
  t.uptime_s = 5;
  book_.telemetry("porch", day1_, t, 10min);  // the hub meets a lock that just started
  const auto rebooted = [&](Timestamp now) {
    return book_.clues("porch", Transport::wifi, now, now - 1min, monitor_).get(Clue::rebooted);
  };
  EXPECT_EQ(rebooted(day1_ + 2min), false);
  t.uptime_s = 630;
  book_.telemetry("porch", day1_ + 10min, t, 10min);
  t.uptime_s = 8;
  book_.telemetry("porch", day1_ + 20min, t, 10min);  // it restarted since
  EXPECT_EQ(rebooted(day1_ + 22min), true);
}

TEST_F(EvidenceTest, ReportsLostInTheHubsFirstMinutesWithALockAreNotItsLink) {
  place("porch", "", "home/OurHouse", Transport::wifi);
  report("porch", day1_);
  report("porch", day1_ + 10min);
  report("porch", day1_ + 50min);  // three reports lost to one outage
  const auto loss_high = [&](Timestamp now) {
    return book_.clues("porch", Transport::wifi, now, std::nullopt, monitor_).get(Clue::loss_high);
  };
  EXPECT_EQ(loss_high(day1_ + 51min), std::nullopt) << "50 minutes of history: one outage, not a link";
  for (Timestamp t = day1_ + 60min; t <= day1_ + 3h; t += 10min) report("porch", t);
  EXPECT_EQ(loss_high(day1_ + 3h), false) << "3 lost of 19: the link is fine";
}

TEST_F(EvidenceTest, FreshBatteriesAfterTheDropPointAtTheBatteriesNotAtALockThatCameBackAlone) {
  monitor_.link_down("front", day1_ + 1min, "Last Will");
  settle(day1_ + 2min);
  for (Timestamp t = day1_ + 10min; t <= day1_ + 40min; t += 10min) {
    report("back", t);
    report("garage", t);
  }
  const auto at = [&](Timestamp now) {
    return book_.clues("front", Transport::wifi, now, day1_ + 1min, monitor_);
  };
  EXPECT_EQ(at(day1_ + 20min).get(Clue::batteries_replaced), std::nullopt)
      << "still away: nobody may have been to it yet";
  // Two hours later it is back at 1.6 V a cell, 0.2 V over its old pack.
  report("front", day1_ + 2h, 6400);
  report("front", day1_ + 2h + 10min, 6400);
  settle(day1_ + 2h + 10min);
  const Clues c = at(day1_ + 2h + 11min);
  EXPECT_EQ(c.get(Clue::batteries_replaced), true);
  EXPECT_EQ(c.get(Clue::came_back_alone), false) << "someone put the cells in";
  EXPECT_EQ(c.get(Clue::battery_low), false) << "the pack the drop is about, as it was at the drop";
  EXPECT_EQ(c.get(Clue::rebooted), std::nullopt) << "a lock restarts when its cells go in";
  EXPECT_EQ(Doctor().diagnose(Transport::wifi, c).at(0).cause, Cause::battery_depleted);
}

TEST_F(EvidenceTest, ABrownOutBootIsADropoutClue) {
  Telemetry t;
  t.ts = day1_;
  t.boot_reason = BootReason::brown_out;
  t.uptime_s = 12;
  book_.telemetry("front", day1_, t, 10min);
  const Clues c = book_.clues("front", Transport::wifi, day1_ + 1min, day1_, monitor_);
  EXPECT_EQ(c.get(Clue::battery_dropouts), true);
}

}  // namespace
}  // namespace lw::core
