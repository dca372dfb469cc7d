// What the Home Assistant entities of one lock show: the retained state (and
// JSON attributes) messages for the topics the discovery configs point at
// (docs/integrations.md, "Home Assistant").
//
//   availability      "online" unless the hub sees the lock offline, unreachable or never heard
//   lock              LOCKED, UNLOCKED, JAMMED (also Matter's NotFullyLocked, as Home
//                     Assistant's Matter lock does), OPEN (unlatched), LOCKING / UNLOCKING /
//                     OPENING while a hub action is in flight, None (unknown)
//   battery           percent, or None
//   battery_forecast  the forecast's day the motor stops, ISO 8601 UTC to the hour, or None;
//                     attributes: days_left (whole days), earliest, latest, method, basis
//   signal            RSSI in dBm, or None
//   connectivity      ON / OFF; attributes: connectivity (online, suspect, ...), since
//   diagnosis         the open case's likely cause in words, or "ok"; attributes: case_id,
//                     likely_cause, probability_pct, next_step, next_step_instructions
//   door              ON (open, ajar, forced open), OFF (closed), None (unknown)
//
// "None" is Home Assistant's MQTT word for "unknown" (mqtt/const.py PAYLOAD_NONE).
// Pure: builds messages, publishes nothing.
// Threading: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/homeassistant/discovery.h"
#include "core/battery/forecast.h"
#include "core/diagnosis/lock_doctor.h"
#include "core/lock/records.h"

namespace lw::adapters::homeassistant {

/// The part of a lock doctor's case the diagnosis entity shows.
struct CaseSummary {
  std::uint64_t id{0};
  core::Cause likely_cause{core::Cause::hardware_fault};
  double p{0};  ///< the likely cause's probability, 0..1
  std::optional<core::Step> next_step;
  std::string next_step_instructions;  ///< what the plan tells the user (or what the hub does by itself)
};

/// The summary of `in_case`; nullopt when there is no case or no diagnosis yet
/// (as the REST API's case summary).
std::optional<CaseSummary> summarize(const core::Case* in_case);

/// Everything the state topics of one lock are made from.
struct LockView {
  const core::LockRecord& lock;
  core::BatteryForecast battery;
  std::optional<CaseSummary> diagnosis;
  std::optional<core::LockAction> in_flight;  ///< the newest hub action still pending
};

/// The lock entity's state: see the table above.
std::string_view lock_state_payload(core::LockState state,
                                    std::optional<core::LockAction> in_flight) noexcept;

/// Whether Home Assistant should see the lock as reachable.
bool available(core::Connectivity connectivity) noexcept;

/// "2026-03-01T12:00:00+00:00".
std::string iso8601(Timestamp t);

/// The availability message and every entity's state (and attributes) message, retained.
std::vector<Message> state_messages(const Topics& topics, const LockView& view);

}  // namespace lw::adapters::homeassistant
