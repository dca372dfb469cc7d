// `lockwarden bench doctor`: scores the lock doctor against the world
// simulator's ground truth, and the same incidents walked through the
// troubleshooting guide's fixed checklist as the baseline.
//
// The world runs in this process on virtual time; what it publishes reaches
// the health engine and the lock doctor through FleetEars, as the hub hears
// it. Ten minutes after a case opens (the user's first look) its ranking and
// plan are kept. A case is matched to the fault label that explains it (a
// label of the catalogue striking one of its locks, with its onset before the
// case and not fixed more than two hours before it); when a fault ends, its
// label confirms the cause of the cases it explains, as a resolution would,
// and the doctor's priors learn it. After the run each kept case is walked:
// the planner's next step is taken, its outcome drawn from the true cause
// (a repair works with the step's effectiveness for that cause, an answer is
// yes with its likelihood), and the planner re-plans, until it is fixed. The
// guide walks its checklist in order on the same incidents. A case whose lock
// came back before the user's first look needs no step from either.
//
// Threading: single-threaded, blocking.
#pragma once

#include <ostream>
#include <string>

namespace lw::app {

struct DoctorBenchOptions {
  std::string scenario;
  std::string until{"365d"};
  bool json{false};
  bool explain{false};  ///< list each wrong top-1 on the error stream
};

/// Runs the benchmark; prints a table (or JSON with --json) on `out`.
/// Returns 0, or 1 with the reason on `err`.
int run_bench_doctor(const DoctorBenchOptions& options, std::ostream& out, std::ostream& err);

}  // namespace lw::app
