#include "adapters/homeassistant/states.h"

#include <gtest/gtest.h>

#include <map>

namespace lw::adapters::homeassistant {
namespace {

/// The topics of hub "home-hub" with the default prefixes.
Topics ha_topics() { return {"homeassistant", "lockwarden/ha", "home-hub"}; }
constexpr Timestamp kNow = from_epoch_ms(1767261600000);  // 2026-01-01T10:00:00Z

core::LockRecord front_door() {
  core::LockRecord lock;
  lock.id = "front";
  lock.site = "home";
  lock.name = "Front door";
  lock.lock_state = core::LockState::locked;
  lock.door_state = core::DoorState::closed;
  lock.battery_pct = 76;
  lock.rssi_dbm = -61;
  lock.connectivity = core::Connectivity::online;
  lock.connectivity_since = kNow - 1h;
  return lock;
}

/// topic -> payload of what state_messages() gives.
std::map<std::string, std::string> states(const LockView& view) {
  std::map<std::string, std::string> out;
  for (const Message& m : state_messages(ha_topics(), view)) {
    EXPECT_TRUE(m.retain) << m.topic;
    EXPECT_FALSE(out.contains(m.topic)) << "twice: " << m.topic;
    out[m.topic] = m.payload;
  }
  return out;
}

TEST(HomeAssistantStates, LockStatesAreTheWordsTheDiscoveryConfigDeclares) {
  EXPECT_EQ(lock_state_payload(core::LockState::locked, std::nullopt), "LOCKED");
  EXPECT_EQ(lock_state_payload(core::LockState::unlocked, std::nullopt), "UNLOCKED");
  EXPECT_EQ(lock_state_payload(core::LockState::jammed, std::nullopt), "JAMMED");
  EXPECT_EQ(lock_state_payload(core::LockState::not_fully_locked, std::nullopt), "JAMMED");
  EXPECT_EQ(lock_state_payload(core::LockState::unlatched, std::nullopt), "OPEN");
  EXPECT_EQ(lock_state_payload(core::LockState::unknown, std::nullopt), "None") << "HA's payload_reset";
}

TEST(HomeAssistantStates, AnActionInFlightShowsTheMovementHomeAssistantWaitsFor) {
  EXPECT_EQ(lock_state_payload(core::LockState::unlocked, core::LockAction::lock), "LOCKING");
  EXPECT_EQ(lock_state_payload(core::LockState::locked, core::LockAction::unlock), "UNLOCKING");
  EXPECT_EQ(lock_state_payload(core::LockState::locked, core::LockAction::unlatch), "OPENING");
}

TEST(HomeAssistantStates, OneRetainedMessagePerStateTopicOfAnOnlineLock) {
  const core::LockRecord lock = front_door();
  auto s = states(LockView{lock, {}, std::nullopt, std::nullopt});
  EXPECT_EQ(s.size(), 12U);
  EXPECT_EQ(s["lockwarden/ha/lock/front/availability"], "online");
  EXPECT_EQ(s["lockwarden/ha/lock/front/lock"], "LOCKED");
  EXPECT_EQ(s["lockwarden/ha/lock/front/lock/attributes"],
            R"({"lock_state":"locked","door_state":"closed"})");
  EXPECT_EQ(s["lockwarden/ha/lock/front/battery"], "76");
  EXPECT_EQ(s["lockwarden/ha/lock/front/signal"], "-61");
  EXPECT_EQ(s["lockwarden/ha/lock/front/connectivity"], "ON");
  EXPECT_EQ(s["lockwarden/ha/lock/front/connectivity/attributes"],
            R"({"connectivity":"online","since":"2026-01-01T09:00:00+00:00"})");
  EXPECT_EQ(s["lockwarden/ha/lock/front/diagnosis"], "ok");
  EXPECT_EQ(s["lockwarden/ha/lock/front/diagnosis/attributes"], "{}");
  EXPECT_EQ(s["lockwarden/ha/lock/front/door"], "OFF");
}

TEST(HomeAssistantStates, WhatTheHubDoesNotKnowIsNone) {
  core::LockRecord lock = front_door();
  lock.battery_pct.reset();
  lock.rssi_dbm.reset();
  lock.lock_state = core::LockState::unknown;
  lock.door_state = core::DoorState::unknown;
  auto s = states(LockView{lock, {}, std::nullopt, std::nullopt});
  EXPECT_EQ(s["lockwarden/ha/lock/front/battery"], "None");
  EXPECT_EQ(s["lockwarden/ha/lock/front/signal"], "None");
  EXPECT_EQ(s["lockwarden/ha/lock/front/lock"], "None");
  EXPECT_EQ(s["lockwarden/ha/lock/front/door"], "None");
  EXPECT_EQ(s["lockwarden/ha/lock/front/battery_forecast"], "None");
  EXPECT_EQ(s["lockwarden/ha/lock/front/battery_forecast/attributes"],
            R"({"days_left":null,"earliest":null,"latest":null,"method":"none","basis":""})");
}

TEST(HomeAssistantStates, AnOpenDoorIsOnWhetherWideOpenAjarOrForced) {
  for (auto d : {core::DoorState::open, core::DoorState::ajar, core::DoorState::forced_open}) {
    core::LockRecord lock = front_door();
    lock.door_state = d;
    EXPECT_EQ(states(LockView{lock, {}, std::nullopt, std::nullopt})["lockwarden/ha/lock/front/door"], "ON")
        << core::to_string(d);
  }
}

TEST(HomeAssistantStates, AnOfflineLockIsUnavailableAndDisconnectedASuspectOneNotYet) {
  core::LockRecord lock = front_door();
  for (auto c : {core::Connectivity::offline, core::Connectivity::unreachable, core::Connectivity::unknown}) {
    lock.connectivity = c;
    auto s = states(LockView{lock, {}, std::nullopt, std::nullopt});
    EXPECT_EQ(s["lockwarden/ha/lock/front/availability"], "offline") << core::to_string(c);
    EXPECT_EQ(s["lockwarden/ha/lock/front/connectivity"], "OFF") << core::to_string(c);
  }
  for (auto c : {core::Connectivity::suspect, core::Connectivity::updating, core::Connectivity::asleep}) {
    lock.connectivity = c;
    auto s = states(LockView{lock, {}, std::nullopt, std::nullopt});
    EXPECT_EQ(s["lockwarden/ha/lock/front/availability"], "online") << core::to_string(c);
    EXPECT_EQ(s["lockwarden/ha/lock/front/connectivity"], "ON") << core::to_string(c);
  }
}

TEST(HomeAssistantStates, BatteryForecastIsTheDayTheMotorStopsToTheHourWithWholeDaysLeft) {
  const core::LockRecord lock = front_door();
  core::BatteryForecast f;
  f.dies_at = kNow + std::chrono::duration_cast<Duration>(std::chrono::days(12)) + 5h + 17min + 3s;
  f.earliest = kNow + std::chrono::duration_cast<Duration>(std::chrono::days(9));
  f.days_left = 12.22;
  f.method = core::ForecastMethod::voltage_trend;
  f.basis = "voltage trend over 21 days";
  auto s = states(LockView{lock, f, std::nullopt, std::nullopt});
  EXPECT_EQ(s["lockwarden/ha/lock/front/battery_forecast"], "2026-01-13T15:00:00+00:00");
  EXPECT_EQ(
      s["lockwarden/ha/lock/front/battery_forecast/attributes"],
      R"({"days_left":12,"earliest":"2026-01-10T10:00:00+00:00","latest":null,"method":"voltage_trend","basis":"voltage trend over 21 days"})");
}

TEST(HomeAssistantStates, DiagnosisIsTheLikelyCauseInWordsWithItsNextStep) {
  core::Case c;
  c.id = 7;
  c.hypotheses.push_back({core::Cause::battery_depleted, 0.8234, {}, {}});
  c.hypotheses.push_back({core::Cause::weak_signal, 0.1, {}, {}});
  c.plan.steps.push_back({core::Step::replace_batteries, 0.9, false, "Replace the batteries."});
  const auto summary = summarize(&c);
  ASSERT_TRUE(summary);

  const core::LockRecord lock = front_door();
  auto s = states(LockView{lock, {}, summary, std::nullopt});
  EXPECT_EQ(s["lockwarden/ha/lock/front/diagnosis"], core::info(core::Cause::battery_depleted).what);
  EXPECT_EQ(
      s["lockwarden/ha/lock/front/diagnosis/attributes"],
      R"({"case_id":7,"likely_cause":"battery_depleted","probability_pct":82,"next_step":"replace_batteries","next_step_instructions":"Replace the batteries."})");
}

TEST(HomeAssistantStates, ACaseWithoutADiagnosisYetIsNoSummary) {
  EXPECT_FALSE(summarize(nullptr));
  core::Case c;
  c.id = 3;
  EXPECT_FALSE(summarize(&c));
}

TEST(HomeAssistantStates, TimestampsAreIso8601InUtc) {
  EXPECT_EQ(iso8601(from_epoch_ms(0)), "1970-01-01T00:00:00+00:00");
  EXPECT_EQ(iso8601(from_epoch_ms(1767261600999)), "2026-01-01T10:00:00+00:00");
}

}  // namespace
}  // namespace lw::adapters::homeassistant
