// `lockwarden bench health`: scores the health engine against the world
// simulator's ground truth, and the same traffic with the baselines users live
// with today (Zigbee2MQTT's and ZHA's availability time-outs, a fixed 20 %
// battery alert).
//
// The world runs in this process on virtual time; everything it publishes
// goes to the engine the way the hub would hear it (native protocol,
// Zigbee2MQTT, Z-Wave JS UI), and the probes the engine asks for go back into
// the world (a Zigbee /get, a Z-Wave ping) one second of virtual time later.
// The labels (which lock really lost its link, when) are read only by the
// scoring, after the run. docs/benchmarks.md explains each figure.
//
// Threading: single-threaded, blocking.
#pragma once

#include <ostream>
#include <string>

namespace lw::app {

struct HealthBenchOptions {
  std::string scenario;
  std::string until{"365d"};
  bool json{false};
  bool explain{false};  // list each false alarm and split outage on the error stream
};

/// Runs the benchmark; prints a table (or JSON with --json) on `out`.
/// Returns 0, or 1 with the reason on `err`.
int run_bench_health(const HealthBenchOptions& options, std::ostream& out, std::ostream& err);

}  // namespace lw::app
