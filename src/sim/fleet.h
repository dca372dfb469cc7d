// The fleet generator: N sites of M locks each, with mixed transports, their
// routers, bridges and repeaters, phones, door traffic, and faults drawn at
// realistic rates per lock-, network-, bridge- or phone-year (docs/scenarios.md,
// "Fleets"). The same seed gives the same fleet. A scenario file asks for one
// with a [fleet] table; the generated sites come after those the file declares.
//
// Threading: pure function over plain values.
#pragma once

#include <cstdint>

#include "base/time.h"
#include "sim/scenario.h"

namespace lw::sim {

struct FleetSpec {
  int sites{10};
  int locks_per_site{10};
  Duration horizon{std::chrono::hours(24 * 365)};  // faults are drawn over this span
  std::uint64_t seed{1};
};

/// Appends the generated fleet to `scenario` (sites, networks, bridges,
/// repeaters, interference, phones, locks and faults). Ids start with "s<n>".
void generate_fleet(const FleetSpec& spec, Scenario& scenario);

}  // namespace lw::sim
