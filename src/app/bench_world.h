// What every `lockwarden bench` command starts from: the scenario, the span
// of virtual time it runs, and the world simulator running in this process
// with the hub's tick after each second.
//
// Threading: single-threaded, blocking.
#pragma once

#include <functional>
#include <string>

#include "base/result.h"
#include "base/time.h"
#include "protocol/envelope.h"
#include "sim/scenario.h"
#include "sim/virtual_run.h"
#include "sim/world_engine.h"

namespace lw::app {

struct BenchSetup {
  sim::Scenario scenario;
  Timestamp start{};  ///< the simulator's fixed virtual start, 2026-01-01T00:00:00Z
  Timestamp end{};
  protocol::PublicKey key;  ///< the hub's key the simulated locks trust
};

/// Reads the scenario and `until` ("365d"). Errors: the scenario's own
/// message, or "--until: ..." for a span that does not parse or is not positive.
Result<BenchSetup> bench_setup(const std::string& scenario, const std::string& until);

/// Runs the world from start to end: after each second of virtual time,
/// `tick(now, world)` (the hub's tick; it may probe the world). Then the
/// world finishes (open labels are emitted). Errors: the world's.
Result<void> run_world(const BenchSetup& setup, sim::TraceSink& trace, sim::LabelSink& labels,
                       const std::function<void(Timestamp, sim::WorldEngine&)>& tick);

}  // namespace lw::app
