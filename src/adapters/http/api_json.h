// JSON shapes of the REST API v1 (docs/openapi.yaml): one function per domain
// value. Times are `*_ms` (ms since the epoch), absent optional values null —
// except in a telemetry history's points, made for charts, which leave absent
// values out.
// Threading: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "core/diagnosis/lock_doctor.h"
#include "core/health/health_monitor.h"
#include "core/lock/records.h"
#include "core/ports/store.h"

namespace lw::core {
class Hub;
}

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

/// A lock as GET /api/v1/locks/{id} answers it: its record, the short battery
/// forecast (as of hub.now()), its open incident and case_summary_json of its case.
boost::json::value lock_json(const core::Hub& hub, const core::LockRecord& lock);
/// The `case` of lock_json: {"id","likely_cause","p","next_step"} of `in_case`;
/// null when there is no case or it has no diagnosis yet.
boost::json::value case_summary_json(const core::Case* in_case);

/// One point of a telemetry history: {"t_ms":..,"samples":n,"battery_pct":..,
/// "battery_min_pct":..,"voltage_mv":..,"rssi_dbm":..,"lqi":..,"temperature_c":..};
/// absent values are left out.
boost::json::value to_json(const core::TelemetryPoint& point);
/// GET /api/v1/locks/{id}/history: {"lock","since_ms","until_ms","points":[...]}.
boost::json::value history_json(const LockId& lock, Timestamp since, Timestamp until,
                                const std::vector<core::TelemetryPoint>& points);

}  // namespace lw::adapters::http
