// `lockwarden diagnose --trace FILE.jsonl`: replays recorded MQTT traffic
// through the real engines (the health engine and the lock doctor, heard
// through FleetEars) on virtual time, and prints each incident they opened:
// the devices it struck, when, the causes ranked and the troubleshooting plan.
//
// The trace is JSON lines, the simulator's trace format (docs/scenarios.md,
// "Virtual time"): {"ts_ms":<ms since the epoch>,"topic":"...","payload":<JSON
// value, or a string when the payload is not JSON>}, in non-decreasing ts_ms.
// Formats:
//   - native: lockwarden's own topics (docs/protocol.md); a lock joins when
//     first heard;
//   - zigbee2mqtt: the same, plus Zigbee2MQTT topics under `base_topic`
//     (its friendly names are the device ids).
//
// Virtual time: the engines tick every second for 10 minutes after each line,
// then every 10 seconds up to 2 hours after it, then every minute (a deadline
// falling in a long silence fires at most that late). Each case is reported
// as it stood when the recording ended: the trace says nothing of how long an
// outage lasted past its end, and that length moves the ranking (a cause that
// passes by itself loses weight the longer a lock stays down). Then the
// engines run on for 2 hours of silence, and a lock that was already overdue
// or down when the recording ended and is found offline in them opens a case,
// reported as first diagnosed; a lock the engines held online, asleep or
// updating at the end is not judged on the silence after it.
//
// A line that cannot be read (not JSON, a field missing or of the wrong type,
// a time going back) is reported on the error stream with its line number and
// skipped; so is a message the engines could not decode for its topic.
//
// Output (--json), incidents by opening time, causes most likely first:
//   {"incidents":[{"device":"front","members":["front"],"opened_ms":1767312000000,
//     "closed_ms":null,"hypotheses":[{"cause":"battery_depleted","p":0.6132},...],
//     "plan":["replace_batteries",...,"contact_support"]}]}
//
// Threading: single-threaded, blocking.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/time.h"
#include "core/diagnosis/doctor.h"
#include "core/diagnosis/planner.h"

namespace lw::app {

struct DiagnoseOptions {
  std::string trace;                      ///< the JSON-lines file
  std::string format{"native"};           ///< native or zigbee2mqtt
  std::string base_topic{"zigbee2mqtt"};  ///< zigbee2mqtt: Zigbee2MQTT's mqtt.base_topic
  bool json{false};                       ///< print JSON for scripts
};

/// One incident as the lock doctor saw it when the replay ended.
struct DiagnosedIncident {
  LockId device;                ///< the lock it is about (a grouped incident's first member)
  std::vector<LockId> members;  ///< every device affected
  Timestamp opened_at{};
  std::optional<Timestamp> closed_at;        ///< nullopt: still open
  std::vector<core::Hypothesis> hypotheses;  ///< most likely first; p sums to 1
  std::vector<core::Step> plan;              ///< next step first
};

struct Diagnosis {
  std::vector<DiagnosedIncident> incidents;  ///< by opening time
  std::uint64_t lines{0};                    ///< lines read, blank ones excepted
  std::uint64_t skipped{0};                  ///< lines reported and left out
  std::size_t devices{0};                    ///< locks heard
};

/// Replays the trace read from `in`. `name` names it in the messages written
/// to `err`, one per skipped line: "diagnose: <name>:17: ts_ms: missing".
/// `options.format` and `options.base_topic` must be valid (check_options).
Diagnosis diagnose_trace(std::istream& in, std::string_view name, const DiagnoseOptions& options,
                         std::ostream& err);

/// Why the format or base topic cannot be used ("--format: must be native or
/// zigbee2mqtt"); nullopt when they can.
std::optional<std::string> check_options(const DiagnoseOptions& options);

/// Prints the diagnosis: JSON (one object and a newline) or text, one block
/// per incident.
void print_diagnosis(const Diagnosis& diagnosis, bool json, std::ostream& out);

/// diagnose_trace and print_diagnosis on a stream. Returns 0, or 1 with the
/// reason on `err` when an option is bad.
int diagnose_stream(std::istream& in, std::string_view name, const DiagnoseOptions& options,
                    std::ostream& out, std::ostream& err);

/// The subcommand: reads options.trace. Returns 0 when the file could be read
/// (even with lines skipped), 1 with the reason on `err` when it cannot be
/// opened or an option is bad.
int run_diagnose(const DiagnoseOptions& options, std::ostream& out, std::ostream& err);

}  // namespace lw::app
