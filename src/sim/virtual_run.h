// Virtual-time runs of the world simulator: the scenario's sites, networks,
// bridges, repeaters, interference, phones, locks, people and fault timeline,
// simulated as fast as the CPU allows, with no broker. The output is the trace
// of every MQTT message the hub would receive — including retained status
// messages and Last Will deliveries at the moment the broker would deliver
// them — and the ground-truth labels of the faults, kept apart from the trace.
//
// What the hub hears, by transport (docs/scenarios.md, "What the trace holds"):
//   - wifi and ble_bridge locks: the native protocol (docs/protocol.md);
//   - zigbee locks: Zigbee2MQTT 2.x topics under the bridge's base topic;
//   - zwave locks: Z-Wave JS UI's MQTT gateway, named topics under its prefix;
//   - phones: companion app reports on the native `app` channel.
//
// Broker semantics modelled: a native lock that connects publishes status
// "online" (retained), then its state and telemetry; a lock that stops
// answering sends nothing more, and the broker publishes its Last Will 1.5
// keep-alives after the last packet it had from it (MQTT 3.1.1 §3.1.2.10); a
// hung radio keeps its connection and stays silent. Events a native lock cannot
// publish are kept and delivered in order once it can.
//
// Determinism: the same scenario (its `seed`) and options give a
// byte-identical trace. The virtual clock starts at `options.start`; ties are
// broken by scheduling order.
//
// Threading: single-threaded, blocking; runs to completion.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "sim/scenario.h"

namespace lw::sim {

/// Receives what a virtual run produces. `payload` is the exact MQTT payload;
/// `json` says whether it is a JSON document.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  virtual void message(Timestamp ts, std::string_view topic, std::string_view payload, bool json) = 0;
};

/// Ground truth for one fault: what happened to what, which locks it struck,
/// when, and when and how it ended (nullopt: still active at the end).
struct FaultLabel {
  std::string id;  // "f<n>": n-th [[fault]] of the scenario; "n<n>": arose in the world (a battery ran flat)
  std::string kind;  // a cause id (core/diagnosis/catalogue.h) or a low-level action name
  std::string target;
  std::vector<LockId> devices;  // the locks it struck
  Timestamp onset{};
  std::string fix;  // the step that ended it, or "wait"; empty while active
  std::optional<Timestamp> fixed;
};

class LabelSink {
 public:
  virtual ~LabelSink() = default;
  /// A fault ended (or the run ended while it lasted): the whole label.
  virtual void label(const FaultLabel& label) = 0;
  /// A fault began: the label so far (no fix yet).
  virtual void began(const FaultLabel& /*label*/) {}
};

struct VirtualRunOptions {
  Duration until{std::chrono::hours(24)};
  /// Virtual start: 2026-01-01T00:00:00Z unless set.
  Timestamp start{from_epoch_ms(1'767'225'600'000)};
};

struct VirtualRunStats {
  std::uint64_t messages{0};
  std::uint64_t payload_bytes{0};
  std::uint64_t events_processed{0};
  std::size_t locks{0};
  std::size_t labels{0};
};

/// Runs `scenario` from options.start to options.start + options.until.
/// The hub key the locks enrol is the scenario's, or a fixed test key when the
/// scenario has none (no hub sends commands in a virtual run).
/// Errors: invalid_argument (the scenario's hub key is not a key).
Result<VirtualRunStats> run_virtual(const Scenario& scenario, const VirtualRunOptions& options,
                                    TraceSink& trace, LabelSink& labels);

/// Writes the trace as JSON lines: {"ts_ms":<ms>,"topic":"...","payload":<JSON value, or string when not
/// JSON>}.
class JsonLinesTrace final : public TraceSink {
 public:
  explicit JsonLinesTrace(std::FILE* out) : out_(out) {}
  void message(Timestamp ts, std::string_view topic, std::string_view payload, bool json) override;

 private:
  std::FILE* out_;
  std::string line_;
};

/// Writes labels as JSON lines:
/// {"id","kind","target","devices":[...],"onset_ms","fix","fixed_ms"}.
class JsonLinesLabels final : public LabelSink {
 public:
  explicit JsonLinesLabels(std::FILE* out) : out_(out) {}
  void label(const FaultLabel& label) override;

 private:
  std::FILE* out_;
};

}  // namespace lw::sim
