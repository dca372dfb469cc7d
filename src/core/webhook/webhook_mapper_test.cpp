#include "core/webhook/webhook_mapper.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/hub/hub.h"
#include "tests/support/memory_store.h"
#include "tests/support/recording_device_link.h"

namespace lw::core {
namespace {

std::vector<std::string> types(const std::vector<WebhookEvent>& events) {
  std::vector<std::string> out;
  out.reserve(events.size());
  for (const WebhookEvent& e : events) out.emplace_back(to_string(e.type));
  return out;
}

std::string text(const WebhookEvent& e, std::string_view key) {
  const WebhookValue* v = e.get(key);
  if (v == nullptr) return "<absent>";
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(v)) return std::to_string(*n);
  if (std::holds_alternative<std::monostate>(*v)) return "null";
  return "<other>";
}

class WebhookMapperTest : public ::testing::Test {
 protected:
  LockRecord front(Connectivity c, LockState s = LockState::unknown) {
    LockRecord l;
    l.id = "front";
    l.site = "home";
    l.name = "Front door";
    l.connectivity = c;
    l.connectivity_since = clock_.now();
    l.lock_state = s;
    return l;
  }

  ManualClock clock_;
  WebhookMapper mapper_{clock_};
};

TEST_F(WebhookMapperTest, LockThatDropsAndReturnsIsToldOfflineThenOnlineButALateReportIsNot) {
  for (Connectivity c :
       {Connectivity::online, Connectivity::suspect, Connectivity::online, Connectivity::suspect,
        Connectivity::offline, Connectivity::offline, Connectivity::online}) {
    clock_.advance(1s);
    mapper_.lock_changed(front(c));
  }
  const auto events = mapper_.take();
  EXPECT_EQ(types(events), (std::vector<std::string>{"lock.online", "lock.offline", "lock.online"}));
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(text(events[1], "lock"), "front");
  EXPECT_EQ(text(events[1], "site"), "home");
  EXPECT_EQ(text(events[1], "name"), "Front door");
  EXPECT_EQ(text(events[1], "connectivity"), "offline");
  EXPECT_EQ(text(events[1], "previous"), "online");
  EXPECT_EQ(events[1].time, from_epoch_ms(1'700'000'005'000));
  EXPECT_TRUE(mapper_.take().empty());
}

TEST_F(WebhookMapperTest, UnreachableUpdatingAndAsleepAreConnectivityChangedWithTheState) {
  mapper_.lock_changed(front(Connectivity::online));
  for (Connectivity c : {Connectivity::unreachable, Connectivity::updating, Connectivity::asleep}) {
    mapper_.lock_changed(front(c));
  }
  const auto events = mapper_.take();
  ASSERT_EQ(types(events), (std::vector<std::string>{"lock.online", "connectivity.changed",
                                                     "connectivity.changed", "connectivity.changed"}));
  EXPECT_EQ(text(events[1], "connectivity"), "unreachable");
  EXPECT_EQ(text(events[2], "connectivity"), "updating");
  EXPECT_EQ(text(events[3], "connectivity"), "asleep");
  EXPECT_EQ(text(events[3], "previous"), "updating");
}

TEST_F(WebhookMapperTest, WhatTheHubKnewAtStartIsNotToldAgain) {
  LivenessEngine liveness;
  LockDoctor doctor;
  mapper_.seed({front(Connectivity::online, LockState::locked)}, liveness, doctor);
  mapper_.lock_changed(front(Connectivity::online, LockState::locked));
  EXPECT_TRUE(mapper_.take().empty());
  mapper_.lock_changed(front(Connectivity::online, LockState::unlocked));
  EXPECT_EQ(types(mapper_.take()), (std::vector<std::string>{"lock.unlocked"}));
}

TEST_F(WebhookMapperTest, LockStateChangesAreToldButTheFirstStateLearntIsNotUnlessItIsAJam) {
  mapper_.lock_changed(front(Connectivity::online, LockState::locked));  // learnt
  mapper_.lock_changed(front(Connectivity::online, LockState::unlocked));
  mapper_.lock_changed(front(Connectivity::online, LockState::unlocked));
  mapper_.lock_changed(front(Connectivity::online, LockState::jammed));
  mapper_.lock_changed(front(Connectivity::online, LockState::locked));
  const auto events = mapper_.take();
  ASSERT_EQ(types(events),
            (std::vector<std::string>{"lock.online", "lock.unlocked", "lock.jammed", "lock.locked"}));
  EXPECT_EQ(text(events[1], "lock_state"), "unlocked");
  EXPECT_EQ(text(events[1], "previous"), "locked");
  EXPECT_EQ(text(events[2], "previous"), "unlocked");

  LockRecord other = front(Connectivity::online, LockState::jammed);
  other.id = "back";
  mapper_.lock_changed(other);
  EXPECT_EQ(types(mapper_.take()), (std::vector<std::string>{"lock.online", "lock.jammed"}));
}

TEST_F(WebhookMapperTest, BatteryForecastCrossingIsToldAndAtSevenDaysOrLessAlsoAsLow) {
  mapper_.lock_changed(front(Connectivity::online));
  (void)mapper_.take();
  HealthNotice n{"front", clock_.now(), HealthNotice::Kind::battery_forecast, 14,
                 "battery: about 13 days left"};
  mapper_.health_noticed(n);
  n.days = 7;
  mapper_.health_noticed(n);
  const auto events = mapper_.take();
  ASSERT_EQ(types(events), (std::vector<std::string>{"battery.forecast", "battery.forecast", "battery.low"}));
  EXPECT_EQ(text(events[0], "within_days"), "14");
  EXPECT_EQ(text(events[0], "message"), "battery: about 13 days left");
  EXPECT_EQ(text(events[0], "name"), "Front door");
  EXPECT_EQ(text(events[2], "reason"), "forecast");
  EXPECT_EQ(text(events[2], "within_days"), "7");
}

TEST_F(WebhookMapperTest, DropOutsOnALowBatteryAreBatteryLowAndLinkNoticesAreNotTold) {
  mapper_.health_noticed({"front", clock_.now(), HealthNotice::Kind::low_battery_dropouts, 0, "drops out"});
  mapper_.health_noticed({"front", clock_.now(), HealthNotice::Kind::weak_link, 0, "weak link"});
  const auto events = mapper_.take();
  ASSERT_EQ(types(events), (std::vector<std::string>{"battery.low"}));
  EXPECT_EQ(text(events[0], "reason"), "dropouts");
  EXPECT_EQ(text(events[0], "within_days"), "null");
  EXPECT_EQ(text(events[0], "site"), "null");  // a lock the mapper has not seen yet
}

TEST_F(WebhookMapperTest, FailedAndExpiredActionsAreToldAndOthersAreNot) {
  Action a;
  a.id = "a-1";
  a.lock = "front";
  a.action = LockAction::unlock;
  a.created_at = clock_.now();
  mapper_.action_changed(a);  // pending
  a.status = ActionStatus::succeeded;
  mapper_.action_changed(a);
  a.status = ActionStatus::failed;
  a.reason = "jammed";
  a.completed_at = clock_.now() + 2s;
  mapper_.action_changed(a);
  a.status = ActionStatus::expired;
  a.reason = "expired";
  mapper_.action_changed(a);
  const auto events = mapper_.take();
  ASSERT_EQ(types(events), (std::vector<std::string>{"action.failed", "action.failed"}));
  EXPECT_EQ(text(events[0], "action"), "a-1");
  EXPECT_EQ(text(events[0], "operation"), "unlock");
  EXPECT_EQ(text(events[0], "status"), "failed");
  EXPECT_EQ(text(events[0], "reason"), "jammed");
  EXPECT_EQ(events[0].time, clock_.now() + 2s);
  EXPECT_EQ(text(events[1], "status"), "expired");
}

// Through a real Hub: its incidents and the lock doctor's cases.
TEST_F(WebhookMapperTest, IncidentAndCaseAreToldWhenTheyOpenAndWhenTheyAreResolved) {
  MemoryStore store;
  lw::testing::RecordingDeviceLink link;
  SeededRandom random(3);
  HubOptions options;
  options.doctor.settle = 1min;
  Hub hub(clock_, store, link, mapper_, random, options);
  ASSERT_TRUE(hub.load());
  mapper_.seed(hub.locks(), hub.health_monitor().liveness(), hub.doctor());
  const LockAddress front{"home", "front"};
  Telemetry t;
  t.heartbeat = 10s;
  t.battery_pct = 80;
  ASSERT_TRUE(hub.on_telemetry(front, t));
  clock_.advance(5s);
  ASSERT_TRUE(hub.on_status(front, StatusReport{false, std::nullopt}));  // the Last Will
  hub.tick();
  mapper_.review(hub.health_monitor().liveness(), hub.doctor());
  auto events = mapper_.take();
  ASSERT_EQ(types(events),
            (std::vector<std::string>{"lock.online", "lock.offline", "incident.opened", "case.opened"}));
  EXPECT_EQ(text(events[2], "scope"), "lock");
  EXPECT_EQ(text(events[2], "subject"), "front");
  EXPECT_EQ(text(events[3], "lock"), "front");
  const std::string case_id = text(events[3], "case");
  EXPECT_NE(case_id, "<absent>");

  clock_.advance(5s);
  ASSERT_TRUE(hub.on_status(front, StatusReport{true, clock_.now()}));
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(hub.on_telemetry(front, t));
    clock_.advance(5s);
    hub.tick();
    mapper_.review(hub.health_monitor().liveness(), hub.doctor());
  }
  events = mapper_.take();
  ASSERT_EQ(types(events), (std::vector<std::string>{"lock.online", "incident.resolved", "case.resolved"}));
  EXPECT_EQ(text(events[1], "subject"), "front");
  EXPECT_NE(text(events[1], "closed_at_ms"), "<absent>");
  EXPECT_EQ(text(events[2], "case"), case_id);
  EXPECT_NE(text(events[2], "closed_at_ms"), "<absent>");
}

TEST(WebhookEventType, NamesRoundTripAndEveryTypeIsListed) {
  EXPECT_EQ(webhook_event_types().size(), 18U);
  EXPECT_EQ(to_string(WebhookEventType::access_code_wrong_pins), "access_code.wrong_pins");
  for (WebhookEventType t : webhook_event_types()) EXPECT_EQ(parse_webhook_event_type(to_string(t)), t);
  EXPECT_EQ(to_string(WebhookEventType::connectivity_changed), "connectivity.changed");
  EXPECT_FALSE(parse_webhook_event_type("lock.exploded"));
}

}  // namespace
}  // namespace lw::core
