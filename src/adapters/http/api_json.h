// JSON shapes of the REST API v1 (docs/openapi.yaml): one function per domain
// value. Times are `*_ms` (ms since the epoch), absent optional values null.
// Threading: pure functions.
#pragma once

#include <boost/json/value.hpp>

#include "core/diagnosis/lock_doctor.h"
#include "core/health/health_monitor.h"
#include "core/lock/records.h"
#include "core/ports/store.h"

namespace lw::adapters::http {

boost::json::value to_json(const core::HubRecord& hub);
boost::json::value to_json(const core::LockRecord& lock);
boost::json::value to_json(const core::Action& action);
boost::json::value to_json(const core::EventRecord& event);
boost::json::value to_json(const core::EventPage& page);
boost::json::value to_json(const core::BatteryForecast& forecast);
boost::json::value to_json(const core::DrainReport& drain);
boost::json::value to_json(const core::LinkReport& link);
boost::json::value to_json(const core::ServiceFigures& figures);
boost::json::value to_json(const core::Incident& incident);
/// The lock's health without its service figures (added by the route).
boost::json::value to_json(const core::LockHealth& health);
boost::json::value to_json(const core::Plan& plan);
/// A lock doctor's case: its locks, ranked causes with evidence, plan and history.
boost::json::value to_json(const core::Case& c);

}  // namespace lw::adapters::http
