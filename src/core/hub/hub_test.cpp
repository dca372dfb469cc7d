#include "core/hub/hub.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>

#include "tests/support/fault_injecting_store.h"
#include "tests/support/memory_store.h"
#include "tests/support/recording_device_link.h"

namespace lw::core {
namespace {

class HubTest : public ::testing::Test {
 protected:
  HubTest() { EXPECT_TRUE(hub_.load()); }

  void hear_telemetry(const LockAddress& from, Duration heartbeat = 10s) {
    Telemetry t;
    t.ts = clock_.now();
    t.battery_pct = 80;
    t.rssi_dbm = -60;
    t.heartbeat = heartbeat;
    ASSERT_TRUE(hub_.on_telemetry(from, t));
  }
  /// The front lock reports its bolt short of locked: the doctor opens a case.
  const Case* bolt_short_of_locked() {
    hear_telemetry(front_);
    StateReport short_of_locked;
    short_of_locked.ts = clock_.now();
    short_of_locked.lock_state = LockState::not_fully_locked;
    short_of_locked.door_state = DoorState::closed;
    if (!hub_.on_state(front_, short_of_locked)) return nullptr;
    clock_.advance(1s);
    hub_.tick();
    return hub_.doctor().case_of("front");
  }

  ManualClock clock_;
  MemoryStore store_;
  lw::testing::RecordingDeviceLink link_;
  NullEventSink sink_;
  SeededRandom random_{42};
  Hub hub_{clock_, store_, link_, sink_, random_, HubOptions{}};
  LockAddress front_{"home", "front"};
};

TEST_F(HubTest, LockHeardForTheFirstTimeIsRegisteredOnline) {
  hear_telemetry(front_);
  const LockRecord* lock = hub_.find_lock("front");
  ASSERT_NE(lock, nullptr);
  EXPECT_EQ(lock->site, "home");
  EXPECT_EQ(lock->connectivity, Connectivity::online);
  EXPECT_EQ(lock->battery_pct, 80);
  EXPECT_EQ(lock->rssi_dbm, -60);
}

TEST_F(HubTest, LockThatStopsReportingIsSuspectThenOffline) {
  for (int i = 0; i < 20; ++i) {
    hear_telemetry(front_, 10s);
    clock_.advance(10s);
    hub_.tick();
  }
  EXPECT_EQ(hub_.find_lock("front")->connectivity, Connectivity::online);
  std::optional<Duration> suspect;
  std::optional<Duration> offline;
  for (Duration silent = 10s; silent < 5min; silent += 500ms) {
    clock_.advance(500ms);
    hub_.tick();
    const Connectivity c = hub_.find_lock("front")->connectivity;
    if (c == Connectivity::suspect && !suspect) suspect = silent;
    if (c == Connectivity::offline && !offline) offline = silent;
  }
  ASSERT_TRUE(suspect);
  ASSERT_TRUE(offline);
  EXPECT_GT(*suspect, 10s) << "not before the next report is due";
  EXPECT_LT(*suspect, 13s);
  EXPECT_GT(*offline, 30s) << "a few missed reports, not one";
  EXPECT_LT(*offline, 70s);
  auto page = hub_.events("front", 1, std::nullopt);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->events[0].detail.rfind("offline: ", 0), 0U) << page->events[0].detail;
  EXPECT_NE(page->events[0].detail.find("reports overdue"), std::string::npos) << page->events[0].detail;
}

/// After a lock's last report: when it went offline, and the offline words.
struct Silence {
  std::optional<Duration> offline;
  std::string why;
};

class HubPingTest : public HubTest {
 protected:
  void report_for_a_day() {
    for (int i = 0; i < 144; ++i) {
      hear_telemetry(front_, 10min);
      clock_.advance(10min);
      hub_.tick();
    }
    hear_telemetry(front_, 10min);
  }
  Silence stay_silent(const std::function<void()>& each_second = nullptr) {
    Silence s;
    for (Duration silent = 1s; silent < 3h && !s.offline; silent += 1s) {
      clock_.advance(1s);
      hub_.tick();
      if (each_second) each_second();
      if (hub_.find_lock("front")->connectivity == Connectivity::offline) s.offline = silent;
    }
    if (auto page = hub_.events("front", 1, std::nullopt); page && !page->events.empty()) {
      s.why = page->events[0].detail;
    }
    return s;
  }
};

TEST_F(HubPingTest, AnOverdueLockIsPingedSignedAndItsAnswerKeepsItOnline) {
  report_for_a_day();
  const Timestamp last_report = clock_.now();
  const std::size_t before = link_.pings().size();
  bool answered = false;
  Duration pinged_after{};
  (void)stay_silent([&] {
    if (answered || link_.pings().size() == before) return;
    const Command& ping = link_.pings().back();
    EXPECT_TRUE(ping.ping);
    EXPECT_EQ(ping.target, front_);
    EXPECT_EQ(ping.key_id, "hub");
    EXPECT_GT(ping.counter, 0U);
    EXPECT_EQ(ping.expires_at - ping.issued_at, 20s);
    EXPECT_TRUE(link_.sent().empty()) << "a ping is no action";
    CommandResult r;
    r.command_id = ping.id;
    r.ts = clock_.now();
    r.outcome = CommandOutcome::ok;
    ASSERT_TRUE(hub_.on_command_result(front_, r));
    answered = true;
    pinged_after = clock_.now() - last_report;
    EXPECT_EQ(hub_.find_lock("front")->connectivity, Connectivity::online) << "the answer is a sign of life";
  });
  ASSERT_TRUE(answered);
  EXPECT_GT(pinged_after, 10min) << "not before a report is overdue";
  EXPECT_LT(pinged_after, 12min);
}

TEST_F(HubPingTest, ALockThatAnswersNoPingIsOfflineWithinMinutesNotAfterTheSilenceAlone) {
  report_for_a_day();
  const Silence pinged = stay_silent();
  ASSERT_TRUE(pinged.offline);
  EXPECT_EQ(link_.pings().size(), 3U);
  EXPECT_LT(*pinged.offline, 12min + 3 * 20s) << "one report overdue, then three unanswered pings";
  EXPECT_NE(pinged.why.find("did not answer 3 probes"), std::string::npos) << pinged.why;
}

TEST_F(HubPingTest, ALockWhoseLinkCannotAskIsLeftToTheSilence) {
  // A third-party lock's API with no way to ask: the probe is refused, and
  // the lock goes offline only when the silence alone is unlikely enough.
  link_.refuse_probes();
  report_for_a_day();
  const Silence s = stay_silent();
  ASSERT_TRUE(s.offline);
  EXPECT_TRUE(link_.pings().empty());
  EXPECT_GT(*s.offline, 12min + 3 * 20s + 10min) << "no answer to wait for: well after a pinged lock";
  EXPECT_NE(s.why.find("reports overdue"), std::string::npos) << s.why;
}

TEST_F(HubTest, LastWillMakesTheLockOfflineImmediatelyAndTelemetryBringsItBack) {
  hear_telemetry(front_);
  ASSERT_TRUE(hub_.on_status(front_, StatusReport{false, std::nullopt}));
  EXPECT_EQ(hub_.find_lock("front")->connectivity, Connectivity::offline);
  clock_.advance(1s);
  hear_telemetry(front_);
  EXPECT_EQ(hub_.find_lock("front")->connectivity, Connectivity::online);
  auto page = hub_.events("front", 10, std::nullopt);
  ASSERT_TRUE(page);
  ASSERT_GE(page->events.size(), 2U);
  EXPECT_EQ(page->events[0].kind, EventKind::connectivity);
  EXPECT_EQ(page->events[0].detail, "online");
  EXPECT_EQ(page->events[1].detail, "offline: Last Will");
}

TEST_F(HubTest, LocksDroppingTogetherShareOneIncidentInTheirHistories) {
  const LockAddress back{"home", "back"};
  hear_telemetry(front_);
  hear_telemetry(back);
  clock_.advance(5s);
  ASSERT_TRUE(hub_.on_status(front_, StatusReport{false, std::nullopt}));
  clock_.advance(3s);
  ASSERT_TRUE(hub_.on_status(back, StatusReport{false, std::nullopt}));
  auto front_events = hub_.events("front", 1, std::nullopt);
  auto back_events = hub_.events("back", 1, std::nullopt);
  ASSERT_TRUE(front_events && back_events);
  EXPECT_EQ(front_events->events[0].kind, EventKind::health);
  EXPECT_EQ(front_events->events[0].detail, back_events->events[0].detail);
  EXPECT_NE(front_events->events[0].detail.find("site home, 2 locks"), std::string::npos)
      << front_events->events[0].detail;
  ASSERT_EQ(hub_.health_monitor().liveness().open_incidents().size(), 1U);
}

// Issue 5, automatic remedies: a native lock whose bolt stops short gets the
// hub's recalibrate command by itself; the answer is the step's outcome.
TEST_F(HubTest, ABoltThatStopsShortIsRecalibratedByTheHubAndTheAnswerIsTheStepsOutcome) {
  for (int i = 0; i < 3; ++i) {
    hear_telemetry(front_);
    clock_.advance(10s);
    hub_.tick();
  }
  StateReport short_of_locked;
  short_of_locked.ts = clock_.now();
  short_of_locked.lock_state = LockState::not_fully_locked;
  short_of_locked.door_state = DoorState::closed;
  ASSERT_TRUE(hub_.on_state(front_, short_of_locked));
  const Command* recalibrate = nullptr;
  for (int i = 0; i < 130 && recalibrate == nullptr; ++i) {
    hear_telemetry(front_);
    clock_.advance(1s);
    hub_.tick();
    for (const Command& c : link_.sent()) {
      if (c.recalibrate) recalibrate = &c;
    }
  }
  ASSERT_NE(recalibrate, nullptr) << "the hub did not recalibrate the lock";
  EXPECT_EQ(recalibrate->target, front_);
  EXPECT_EQ(recalibrate->key_id, "hub");
  const Case* c = hub_.doctor().case_of("front");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->hypotheses.front().cause, Cause::calibration_drift);
  // Once only, whatever the ticks.
  const std::string id = recalibrate->id;
  clock_.advance(1s);
  hub_.tick();
  int sent = 0;
  for (const Command& cmd : link_.sent()) sent += cmd.recalibrate ? 1 : 0;
  EXPECT_EQ(sent, 1);

  CommandResult answer;
  answer.command_id = id;
  answer.ts = clock_.now();
  answer.outcome = CommandOutcome::ok;
  answer.lock_state = LockState::locked;
  ASSERT_TRUE(hub_.on_command_result(front_, answer));
  c = hub_.doctor().case_of("front");
  ASSERT_NE(c, nullptr);
  ASSERT_FALSE(c->history.empty());
  EXPECT_EQ(c->history.back().step, Step::recalibrate);
  EXPECT_TRUE(c->history.back().fixed_or_yes);
  auto page = hub_.events("front", 50, std::nullopt);
  ASSERT_TRUE(page);
  bool told = false;
  for (const EventRecord& e : page->events) {
    if (e.detail.find("recalibrate") == std::string::npos) continue;
    told |= e.detail.find("recalibrated its bolt") != std::string::npos;
    // Stamped when it happened, not at the epoch: the history shows it in its place.
    EXPECT_GT(e.ts, Timestamp{}) << e.detail;
  }
  EXPECT_TRUE(told);
}

TEST_F(HubTest, WhatTheDoctorLearntFromAConfirmedCauseSurvivesARestart) {
  const Case* c = bolt_short_of_locked();
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(hub_.confirm_cause(c->id, Cause::bolt_jammed, "owner"));
  const auto learnt = [](const Hub& h) {
    return h.doctor().doctor().likelihood(Transport::wifi, Cause::bolt_jammed, Clue::state_mismatch);
  };
  const double fresh = Doctor().likelihood(Transport::wifi, Cause::bolt_jammed, Clue::state_mismatch);
  ASSERT_NE(learnt(hub_), fresh);

  Hub restarted{clock_, store_, link_, sink_, random_, HubOptions{}};
  ASSERT_TRUE(restarted.load());
  EXPECT_DOUBLE_EQ(learnt(restarted), learnt(hub_));
  EXPECT_DOUBLE_EQ(restarted.doctor().doctor().prior(Transport::wifi, Cause::bolt_jammed),
                   hub_.doctor().doctor().prior(Transport::wifi, Cause::bolt_jammed));
  EXPECT_EQ(restarted.doctor().record("front").confirmed(Cause::bolt_jammed), 1)
      << "the lock's own record comes back too";
  EXPECT_EQ(restarted.doctor().record("back").confirmed(), 0);
  EXPECT_EQ(hub_.lessons_lost(), 0U);
}

TEST_F(HubTest, ACorrectedCauseIsLearntOnceAndTheRestartedHubLearnsOnlyTheCorrection) {
  const Case* c = bolt_short_of_locked();
  ASSERT_NE(c, nullptr);
  const Doctor fresh;
  const auto prior = [](const Doctor& d, Cause cause) { return d.prior(Transport::wifi, cause); };
  ASSERT_TRUE(hub_.confirm_cause(c->id, Cause::bolt_jammed, "owner"));
  ASSERT_TRUE(hub_.confirm_cause(c->id, Cause::calibration_drift, "support"));  // it was not the bolt
  const Doctor& now = hub_.doctor().doctor();
  EXPECT_EQ(now.learnt(), 1) << "one case, one lesson";
  EXPECT_DOUBLE_EQ(prior(now, Cause::bolt_jammed) / prior(fresh, Cause::bolt_jammed),
                   prior(now, Cause::hardware_fault) / prior(fresh, Cause::hardware_fault))
      << "the bolt was taken back: it moved like every cause not confirmed";
  EXPECT_DOUBLE_EQ(now.likelihood(Transport::wifi, Cause::bolt_jammed, Clue::state_mismatch),
                   fresh.likelihood(Transport::wifi, Cause::bolt_jammed, Clue::state_mismatch));
  EXPECT_EQ(hub_.doctor().record("front").confirmed(Cause::bolt_jammed), 0);
  EXPECT_EQ(hub_.doctor().record("front").confirmed(Cause::calibration_drift), 1);

  Hub restarted{clock_, store_, link_, sink_, random_, HubOptions{}};
  ASSERT_TRUE(restarted.load());
  EXPECT_EQ(restarted.doctor().doctor().learnt(), 1);
  EXPECT_DOUBLE_EQ(prior(restarted.doctor().doctor(), Cause::calibration_drift),
                   prior(now, Cause::calibration_drift));
  EXPECT_EQ(restarted.doctor().record("front").confirmed(Cause::bolt_jammed), 0);
  EXPECT_EQ(restarted.doctor().record("front").confirmed(Cause::calibration_drift), 1);
}

TEST_F(HubTest, LockIdReusedUnderAnotherSiteIsRejected) {
  hear_telemetry(front_);
  Telemetry t;
  t.ts = clock_.now();
  EXPECT_FALSE(hub_.on_telemetry({"elsewhere", "front"}, t));
  EXPECT_EQ(hub_.find_lock("front")->site, "home");
}

TEST_F(HubTest, UnlockIsSentSignedWithIncreasingCounterAndSucceedsOnResult) {
  hear_telemetry(front_);
  auto first = hub_.request_action("front", LockAction::unlock);
  auto second = hub_.request_action("front", LockAction::lock);
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  EXPECT_EQ(first->status, ActionStatus::pending);
  ASSERT_EQ(link_.sent().size(), 2U);
  EXPECT_EQ(link_.sent()[0].id, first->id);
  EXPECT_EQ(link_.sent()[0].target, front_);
  EXPECT_EQ(link_.sent()[0].action, LockAction::unlock);
  EXPECT_LT(link_.sent()[0].counter, link_.sent()[1].counter);
  EXPECT_EQ(link_.sent()[0].expires_at - link_.sent()[0].issued_at, Duration{30s});

  CommandResult r;
  r.command_id = first->id;
  r.ts = clock_.now();
  r.outcome = CommandOutcome::ok;
  r.lock_state = LockState::unlocked;
  ASSERT_TRUE(hub_.on_command_result(front_, r));
  auto done = hub_.find_action(first->id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, ActionStatus::succeeded);
  EXPECT_EQ(hub_.find_lock("front")->lock_state, LockState::unlocked);
}

TEST_F(HubTest, RefusedCommandFailsWithTheLocksReason) {
  hear_telemetry(front_);
  auto a = hub_.request_action("front", LockAction::lock);
  ASSERT_TRUE(a);
  CommandResult r;
  r.command_id = a->id;
  r.ts = clock_.now();
  r.outcome = CommandOutcome::jammed;
  ASSERT_TRUE(hub_.on_command_result(front_, r));
  auto done = hub_.find_action(a->id);
  EXPECT_EQ(done->status, ActionStatus::failed);
  EXPECT_EQ(done->reason, "jammed");
}

TEST_F(HubTest, UnansweredCommandExpiresAndALateResultDoesNotReviveIt) {
  hear_telemetry(front_);
  auto a = hub_.request_action("front", LockAction::unlock);
  ASSERT_TRUE(a);
  clock_.advance(29s);
  hub_.tick();
  EXPECT_EQ(hub_.find_action(a->id)->status, ActionStatus::pending);
  clock_.advance(1s);
  hub_.tick();
  EXPECT_EQ(hub_.find_action(a->id)->status, ActionStatus::expired);
  CommandResult late;
  late.command_id = a->id;
  late.ts = clock_.now();
  late.outcome = CommandOutcome::ok;
  ASSERT_TRUE(hub_.on_command_result(front_, late));
  EXPECT_EQ(hub_.find_action(a->id)->status, ActionStatus::expired);
}

TEST_F(HubTest, CommandForUnknownLockIsNotFound) {
  auto a = hub_.request_action("ghost", LockAction::unlock);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, ErrorCode::not_found);
  EXPECT_TRUE(link_.sent().empty());
}

TEST_F(HubTest, CommandIsResentWhenTheBrokerComesBackBeforeExpiry) {
  hear_telemetry(front_);
  link_.set_down(true);
  auto a = hub_.request_action("front", LockAction::unlock);
  ASSERT_TRUE(a);
  EXPECT_TRUE(link_.sent().empty());
  link_.set_down(false);
  clock_.advance(1s);
  hub_.tick();
  ASSERT_EQ(link_.sent().size(), 1U);
  EXPECT_EQ(link_.sent()[0].id, a->id);
}

TEST_F(HubTest, PendingActionSurvivesARestartAndCompletesAfterIt) {
  hear_telemetry(front_);
  auto a = hub_.request_action("front", LockAction::unlock);
  ASSERT_TRUE(a);

  Hub restarted{clock_, store_, link_, sink_, random_, HubOptions{}};
  ASSERT_TRUE(restarted.load());
  ASSERT_NE(restarted.find_lock("front"), nullptr);
  EXPECT_EQ(restarted.find_action(a->id)->status, ActionStatus::pending);
  CommandResult r;
  r.command_id = a->id;
  r.ts = clock_.now();
  r.outcome = CommandOutcome::ok;
  ASSERT_TRUE(restarted.on_command_result(front_, r));
  EXPECT_EQ(restarted.find_action(a->id)->status, ActionStatus::succeeded);
}

TEST_F(HubTest, RedeliveredDeviceEventIsStoredOnce) {
  hear_telemetry(front_);
  DeviceEvent e;
  e.seq = 7;
  e.ts = clock_.now();
  e.kind = DeviceEventKind::lock_operation;
  e.operation = LockAction::unlock;
  e.source = OperationSource::keypad;
  e.user = "alice";
  ASSERT_TRUE(hub_.on_event(front_, e));
  ASSERT_TRUE(hub_.on_event(front_, e));
  auto page = hub_.events("front", 100, std::nullopt);
  ASSERT_TRUE(page);
  int operations = 0;
  for (const auto& ev : page->events) {
    if (ev.kind == EventKind::lock_operation) {
      ++operations;
      EXPECT_EQ(ev.user, "alice");
      EXPECT_EQ(ev.source, OperationSource::keypad);
    }
  }
  EXPECT_EQ(operations, 1);
}

TEST_F(HubTest, HubInstanceIsRememberedAcrossRestarts) {
  ASSERT_TRUE(hub_.register_hub({"hub-1", "0.1.0", clock_.now(), "cHVi"}));
  EXPECT_FALSE(hub_.register_hub({"bad/id", "0.1.0", clock_.now(), "cHVi"}));
  Hub restarted{clock_, store_, link_, sink_, random_, HubOptions{}};
  ASSERT_TRUE(restarted.load());
  ASSERT_EQ(restarted.hubs().size(), 1U);
  EXPECT_EQ(restarted.hubs()[0].id, "hub-1");
}

TEST_F(HubTest, RejectedMessagesAreCountedByReason) {
  hub_.on_rejected("telemetry.battery_pct: must be an integer 0..100");
  hub_.on_rejected("telemetry.battery_pct: must be an integer 0..100");
  hub_.on_rejected("payload: not valid JSON");
  EXPECT_EQ(hub_.rejected().at("telemetry.battery_pct: must be an integer 0..100"), 2U);
  EXPECT_EQ(hub_.rejected().at("payload: not valid JSON"), 1U);
}

// --- telemetry history ---

class HubHistoryTest : public HubTest {
 protected:
  void report(int battery_pct, int rssi_dbm) {
    Telemetry t;
    t.ts = clock_.now();
    t.battery_pct = battery_pct;
    t.battery_mv = 5000 + battery_pct;
    t.rssi_dbm = rssi_dbm;
    t.temperature_c = 19;
    ASSERT_TRUE(hub_.on_telemetry(front_, t));
  }
  /// Every stored sample of the front lock in the last year, one point each.
  std::vector<TelemetryPoint> samples() {
    auto points = hub_.history("front", clock_.now() - std::chrono::days(365), clock_.now(), 100'000);
    EXPECT_TRUE(points) << points.error().to_string();
    return points ? *points : std::vector<TelemetryPoint>{};
  }
};

TEST_F(HubHistoryTest, SteadyTelemetryIsSampledOncePerMinute) {
  const Timestamp start = clock_.now();
  for (int i = 0; i < 30; ++i) {  // every 10 s for 5 minutes
    report(80, -60);
    clock_.advance(10s);
  }
  auto kept = samples();
  ASSERT_EQ(kept.size(), 5U);
  for (std::size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(kept[i].t, start + std::chrono::minutes(static_cast<int>(i)));
    EXPECT_EQ(kept[i].battery_pct, 80);
    EXPECT_EQ(kept[i].voltage_mv, 5080);
    EXPECT_EQ(kept[i].rssi_dbm, -60);
    EXPECT_EQ(kept[i].temperature_c, 19);
    EXPECT_FALSE(kept[i].lqi) << "native telemetry carries no LQI";
  }
}

TEST_F(HubHistoryTest, BatteryChangeOrSixDecibelsOfSignalIsSampledAtOnce) {
  report(80, -60);  // kept: the first
  clock_.advance(10s);
  report(80, -65);  // 5 dB: not yet
  clock_.advance(10s);
  report(79, -65);  // battery changed
  clock_.advance(10s);
  report(79, -60);  // 5 dB from the last kept (-65)
  clock_.advance(10s);
  report(79, -71);  // 6 dB down
  clock_.advance(10s);
  report(79, -65);  // 6 dB up
  auto kept = samples();
  ASSERT_EQ(kept.size(), 4U);
  EXPECT_EQ(kept[0].rssi_dbm, -60);
  EXPECT_EQ(kept[1].battery_pct, 79);
  EXPECT_EQ(kept[1].rssi_dbm, -65);
  EXPECT_EQ(kept[2].rssi_dbm, -71);
  EXPECT_EQ(kept[3].rssi_dbm, -65);
  // The minute is counted from the last sample kept.
  clock_.advance(50s);
  report(79, -65);
  EXPECT_EQ(samples().size(), 4U);
  clock_.advance(10s);
  report(79, -65);
  EXPECT_EQ(samples().size(), 5U);
}

TEST_F(HubHistoryTest, TelemetryWithoutReadingsIsNotSampled) {
  Telemetry t;
  t.ts = clock_.now();
  t.firmware = "1.4.2";
  t.uptime_s = 120;
  ASSERT_TRUE(hub_.on_telemetry(front_, t));
  EXPECT_TRUE(samples().empty());
  EXPECT_NE(hub_.find_lock("front"), nullptr);
}

TEST_F(HubHistoryTest, ManySamplesComeBackAsAtMostTheAskedNumberOfPoints) {
  for (int i = 0; i < 24 * 60; ++i) {  // a day, one sample a minute
    report(90 - i / 240, -60);
    clock_.advance(1min);
  }
  auto day = hub_.history("front", clock_.now() - std::chrono::days(1), clock_.now(), 24);
  ASSERT_TRUE(day) << day.error().to_string();
  ASSERT_EQ(day->size(), 24U);
  EXPECT_EQ(day->front().battery_pct, 90);
  EXPECT_EQ(day->back().battery_pct, 85);
  for (std::size_t i = 1; i < day->size(); ++i) EXPECT_LT((*day)[i - 1].t, (*day)[i].t);
}

TEST_F(HubHistoryTest, HistoryOfAnUnknownLockIsNotFoundAndAnInvertedRangeIsRejected) {
  auto ghost = hub_.history("ghost", clock_.now() - 1h, clock_.now(), 10);
  ASSERT_FALSE(ghost);
  EXPECT_EQ(ghost.error().code, ErrorCode::not_found);
  report(80, -60);
  auto inverted = hub_.history("front", clock_.now(), clock_.now() - 1h, 10);
  ASSERT_FALSE(inverted);
  EXPECT_EQ(inverted.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(inverted.error().message, "until: must not be before since");
}

TEST_F(HubHistoryTest, SamplesOlderThanTheRetentionGoOnTheFirstSampleOfADay) {
  report(90, -60);
  const Timestamp first = clock_.now();
  clock_.advance(Hub::kTelemetryRetention - 1h);
  report(50, -60);  // still within 400 days: nothing to delete
  auto both = hub_.history("front", first, clock_.now(), 10);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->size(), 2U);
  clock_.advance(std::chrono::days(1));
  report(49, -60);  // a new day: the first sample is now past the retention
  auto kept = hub_.history("front", first, clock_.now(), 10);
  ASSERT_TRUE(kept);
  ASSERT_EQ(kept->size(), 2U);
  EXPECT_EQ(kept->front().battery_pct, 50);
}

class HubHistoryStoreFailureTest : public ::testing::Test {
 protected:
  HubHistoryStoreFailureTest() { EXPECT_TRUE(hub_.load()); }

  Result<void> report(int battery_pct) {
    Telemetry t;
    t.ts = clock_.now();
    t.battery_pct = battery_pct;
    return hub_.on_telemetry({"home", "front"}, t);
  }

  ManualClock clock_;
  MemoryStore memory_;
  lw::testing::FaultInjectingStore store_{memory_};
  lw::testing::RecordingDeviceLink link_;
  NullEventSink sink_;
  SeededRandom random_{42};
  Hub hub_{clock_, store_, link_, sink_, random_, HubOptions{}};
};

TEST_F(HubHistoryStoreFailureTest, SampleTheStoreRefusedIsReportedAndStoredWithTheNextMessage) {
  store_.fail_only("append_sample");
  store_.fail_next_writes(1);
  auto refused = report(80);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
  EXPECT_EQ(refused.error().message, "telemetry history: injected write failure (append_sample)");
  EXPECT_EQ(hub_.find_lock("front")->battery_pct, 80) << "the lock record is still updated";

  clock_.advance(5s);
  ASSERT_TRUE(report(80));
  auto points = hub_.history("front", clock_.now() - 1h, clock_.now(), 10);
  ASSERT_TRUE(points);
  ASSERT_EQ(points->size(), 1U);
  EXPECT_EQ(points->front().t, clock_.now());
}

TEST_F(HubHistoryStoreFailureTest, FailedRetentionPassIsReportedAndTriedAgain) {
  store_.fail_only("delete_samples_before");
  store_.fail_next_writes(1);
  auto refused = report(80);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "telemetry history: injected write failure (delete_samples_before)");
  clock_.advance(1min);
  ASSERT_TRUE(report(80));
  EXPECT_EQ(store_.refused_writes(), 1);
}

}  // namespace
}  // namespace lw::core
