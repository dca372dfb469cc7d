#include "app/diagnose_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <system_error>
#include <utility>

#include "app/fleet_ears.h"
#include "base/result.h"
#include "core/diagnosis/catalogue.h"
#include "core/diagnosis/lock_doctor.h"
#include "protocol/codec.h"

namespace lw::app {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Virtual time between lines: the hub's one-second tick while a line is
// fresh, then coarser steps through a long silence (a deadline fires at most
// one step late).
constexpr Duration kFineStep = 1s;
constexpr Duration kFineFor = 10min;
constexpr Duration kCoarseStep = 10s;
constexpr Duration kCoarseFor = 2h;
constexpr Duration kSparseStep = 1min;
/// After the last line: long enough for a silent lock to be found offline
/// (three 10-minute heartbeats, a 1-hour Zigbee cadence) and its case diagnosed.
constexpr Duration kRunOn = 2h;
/// The largest time on the wire: 9999-12-31T23:59:59.999Z (docs/protocol.md).
constexpr std::int64_t kMaxEpochMs = 253'402'300'799'999;
/// Causes shown per incident in the text output.
constexpr std::size_t kTextCauses = 3;

/// One line of the trace, read.
struct TraceLine {
  Timestamp ts{};
  std::string topic;
  std::string payload;  ///< the exact MQTT payload
  bool json{true};      ///< the payload is a JSON document
};

Error bad_line(std::string message) { return Error{ErrorCode::invalid_argument, std::move(message)}; }

/// {"ts_ms":<ms>,"topic":"...","payload":<JSON value or string>}. Errors name
/// the field ("ts_ms: missing") and never echo a value.
Result<TraceLine> parse_line(std::string_view text) {
  json::error_code ec;
  const json::value v = json::parse(text, ec);
  if (ec) return bad_line("not valid JSON");
  const json::object* o = v.if_object();
  if (o == nullptr) return bad_line("must be a JSON object");
  TraceLine line;

  const json::value* ts = o->if_contains("ts_ms");
  if (ts == nullptr || ts->is_null()) return invalid_argument("ts_ms", "missing");
  if (!ts->is_int64() || ts->get_int64() < 0 || ts->get_int64() > kMaxEpochMs) {
    return invalid_argument(
        "ts_ms", "must be an integer 0.." + std::to_string(kMaxEpochMs) + " (ms since the Unix epoch)");
  }
  line.ts = from_epoch_ms(ts->get_int64());

  const json::value* topic = o->if_contains("topic");
  if (topic == nullptr || topic->is_null()) return invalid_argument("topic", "missing");
  const json::string* topic_text = topic->if_string();
  if (topic_text == nullptr || topic_text->empty())
    return invalid_argument("topic", "must be a non-empty string");
  line.topic.assign(topic_text->data(), topic_text->size());

  const json::value* payload = o->if_contains("payload");
  if (payload == nullptr) return invalid_argument("payload", "missing");
  if (const json::string* s = payload->if_string()) {
    // Not JSON on the wire: the trace keeps it as a string.
    line.payload.assign(s->data(), s->size());
    line.json = false;
  } else {
    line.payload = json::serialize(*payload);
  }
  return line;
}

Duration step_after(Duration since_line) {
  if (since_line < kFineFor) return kFineStep;
  if (since_line < kCoarseFor) return kCoarseStep;
  return kSparseStep;
}

/// Ticks the engines after the line at `last_line`, from `ticked` up to
/// (not including) `until`; `after` runs after each tick.
template <typename After>
void run_until(FleetEars& ears, Timestamp last_line, Timestamp& ticked, Timestamp until, After after) {
  for (Timestamp t = ticked + step_after(ticked - last_line); t < until;
       t = ticked + step_after(ticked - last_line)) {
    (void)ears.tick(t);  // a replay cannot probe: what the locks answered is in the trace
    ticked = t;
    after();
  }
}

/// The engines had nothing against the lock: the silence after the
/// recording is the recording's, not the lock's.
bool fine(core::Connectivity c) {
  return c == core::Connectivity::online || c == core::Connectivity::asleep ||
         c == core::Connectivity::updating;
}

std::string_view trim_line(std::string_view s) {
  if (s.ends_with('\r')) s.remove_suffix(1);
  return s;
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

DiagnosedIncident incident_of(const core::Case& c) {
  DiagnosedIncident d;
  d.device = c.lock;
  d.members = c.members;
  d.opened_at = c.opened_at;
  d.closed_at = c.closed_at;
  d.hypotheses = c.hypotheses;
  std::stable_sort(d.hypotheses.begin(), d.hypotheses.end(),
                   [](const core::Hypothesis& a, const core::Hypothesis& b) { return a.p > b.p; });
  for (const core::PlannedStep& s : c.plan.steps) d.plan.push_back(s.step);
  return d;
}

/// "2026-01-02T03:04:05Z"
std::string iso_utc(Timestamp t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(t - day)};
  std::array<char, 16> clock{};
  std::snprintf(clock.data(), clock.size(), "T%02d:%02d:%02dZ", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return utc_date(t) + clock.data();
}

void print_json(const Diagnosis& d, std::ostream& out) {
  std::string s = R"({"incidents":[)";
  for (std::size_t i = 0; i < d.incidents.size(); ++i) {
    const DiagnosedIncident& inc = d.incidents[i];
    s += i > 0 ? R"(,{"device":)" : R"({"device":)";
    protocol::append_json_string(s, inc.device);
    s += R"(,"members":[)";
    for (std::size_t m = 0; m < inc.members.size(); ++m) {
      if (m > 0) s += ',';
      protocol::append_json_string(s, inc.members[m]);
    }
    s += R"(],"opened_ms":)" + std::to_string(to_epoch_ms(inc.opened_at));
    s += R"(,"closed_ms":)" + (inc.closed_at ? std::to_string(to_epoch_ms(*inc.closed_at)) : "null");
    s += R"(,"hypotheses":[)";
    for (std::size_t h = 0; h < inc.hypotheses.size(); ++h) {
      s += h > 0 ? R"(,{"cause":)" : R"({"cause":)";
      protocol::append_json_string(s, core::to_string(inc.hypotheses[h].cause));
      s += R"(,"p":)" + fmt::format("{:.4f}", inc.hypotheses[h].p) + "}";
    }
    s += R"(],"plan":[)";
    for (std::size_t p = 0; p < inc.plan.size(); ++p) {
      if (p > 0) s += ',';
      protocol::append_json_string(s, core::to_string(inc.plan[p]));
    }
    s += "]}";
  }
  s += "]}\n";
  out << s;
}

void print_text(const Diagnosis& d, std::ostream& out) {
  const std::size_t n = d.incidents.size();
  out << (n == 0 ? "No" : std::to_string(n)) << (n == 1 ? " incident" : " incidents") << " in " << d.lines
      << (d.lines == 1 ? " line" : " lines") << " from " << d.devices
      << (d.devices == 1 ? " device" : " devices");
  if (d.skipped > 0) out << " (" << d.skipped << " skipped)";
  out << "\n";
  for (const DiagnosedIncident& inc : d.incidents) {
    out << "\n" << inc.device;
    if (inc.members.size() > 1) {
      out << " (with";
      for (const LockId& m : inc.members) {
        if (m != inc.device) out << " " << m;
      }
      out << ")";
    }
    out << "\n  opened " << iso_utc(inc.opened_at) << ", "
        << (inc.closed_at ? "closed " + iso_utc(*inc.closed_at) : std::string("still open")) << "\n";
    for (std::size_t h = 0; h < inc.hypotheses.size() && h < kTextCauses; ++h) {
      const core::Hypothesis& hyp = inc.hypotheses[h];
      out << (h == 0 ? "  causes: " : "          ") << fmt::format("{:.1f}", 100 * hyp.p) << " % "
          << core::to_string(hyp.cause);
      for (std::size_t w = 0; w < hyp.evidence_for.size(); ++w) {
        out << (w == 0 ? ": " : "; ") << hyp.evidence_for[w];
      }
      out << "\n";
    }
    out << "  plan:";
    for (std::size_t p = 0; p < inc.plan.size(); ++p)
      out << (p == 0 ? " " : ", ") << core::to_string(inc.plan[p]);
    out << "\n";
  }
}

}  // namespace

std::optional<std::string> check_options(const DiagnoseOptions& options) {
  if (options.format != "native" && options.format != "zigbee2mqtt") {
    return "--format: must be native or zigbee2mqtt";
  }
  const std::string_view base = options.base_topic;
  if (base.empty() || base.starts_with('/') || base.ends_with('/') ||
      base.find_first_of("+#") != std::string_view::npos) {
    return "--base-topic: must be a topic without wildcards or a leading or trailing '/', e.g. zigbee2mqtt";
  }
  if (options.format == "native" && base != DiagnoseOptions{}.base_topic) {
    return "--base-topic: applies to --format zigbee2mqtt only";
  }
  return std::nullopt;
}

Diagnosis diagnose_trace(std::istream& in, std::string_view name, const DiagnoseOptions& options,
                         std::ostream& err) {
  FleetEars::Options ears_options{.doctor = true, .discover = true};
  if (options.format == "zigbee2mqtt") ears_options.z2m_base_topics = {options.base_topic};
  FleetEars ears(Roster{}, ears_options);

  Diagnosis d;
  std::optional<Timestamp> last_line;
  std::uint64_t last_line_number = 0;
  Timestamp ticked{};
  std::string text;
  const auto report = [&](std::uint64_t number, std::string_view what) {
    ++d.skipped;
    err << "diagnose: " << name << ":" << number << ": " << what << "\n";
  };
  for (std::uint64_t number = 1; std::getline(in, text); ++number) {
    const std::string_view raw = trim_line(text);
    if (blank(raw)) continue;
    ++d.lines;
    auto line = parse_line(raw);
    if (!line) {
      report(number, line.error().message);
      continue;
    }
    if (last_line && line->ts < *last_line) {
      report(number, "ts_ms: goes back in time (earlier than line " + std::to_string(last_line_number) + ")");
      continue;
    }
    if (last_line) run_until(ears, *last_line, ticked, line->ts, [] {});
    const std::uint64_t undecodable = ears.undecodable();
    ears.message(line->ts, line->topic, line->payload, line->json);
    if (ears.undecodable() > undecodable)
      report(number, "payload: not a message the engines understand on its topic");
    last_line = line->ts;
    last_line_number = number;
    ticked = line->ts;
  }
  d.devices = ears.locks().size();
  if (!last_line) return d;

  // Every case as the recording ends. Then the run-on finds the locks that
  // had fallen silent in it; each such case is kept as first diagnosed.
  std::map<std::uint64_t, DiagnosedIncident> seen;
  for (const core::Case* c : ears.doctor().cases()) seen.emplace(c->id, incident_of(*c));
  std::set<LockId> fine_at_end;
  for (const RosterLock& l : ears.locks()) {
    if (fine(ears.monitor().liveness().state(l.id))) fine_at_end.insert(l.id);
  }
  const auto found = [&] {
    for (const core::Case* c : ears.doctor().open_cases()) {
      if (!seen.contains(c->id) && !fine_at_end.contains(c->lock)) seen.emplace(c->id, incident_of(*c));
    }
  };
  run_until(ears, *last_line, ticked, *last_line + kRunOn, found);
  (void)ears.tick(*last_line + kRunOn);
  found();

  for (auto& [id, incident] : seen) d.incidents.push_back(std::move(incident));
  std::stable_sort(
      d.incidents.begin(), d.incidents.end(),
      [](const DiagnosedIncident& a, const DiagnosedIncident& b) { return a.opened_at < b.opened_at; });
  return d;
}

void print_diagnosis(const Diagnosis& diagnosis, bool json, std::ostream& out) {
  if (json) {
    print_json(diagnosis, out);
  } else {
    print_text(diagnosis, out);
  }
}

int diagnose_stream(std::istream& in, std::string_view name, const DiagnoseOptions& options,
                    std::ostream& out, std::ostream& err) {
  if (auto bad = check_options(options)) {
    err << "diagnose: " << *bad << "\n";
    return 1;
  }
  print_diagnosis(diagnose_trace(in, name, options, err), options.json, out);
  return 0;
}

int run_diagnose(const DiagnoseOptions& options, std::ostream& out, std::ostream& err) {
  if (auto bad = check_options(options)) {
    err << "diagnose: " << *bad << "\n";
    return 1;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(options.trace, ec)) {
    err << "diagnose: " << options.trace << ": is a directory, not a trace file\n";
    return 1;
  }
  errno = 0;
  std::ifstream in(options.trace);
  if (!in) {
    err << "diagnose: " << options.trace << ": cannot open the trace file"
        << (errno != 0 ? ": " + std::generic_category().message(errno) : std::string()) << "\n";
    return 1;
  }
  const Diagnosis diagnosis = diagnose_trace(in, options.trace, options, err);
  if (in.bad()) {
    err << "diagnose: " << options.trace << ": read error\n";
    return 1;
  }
  print_diagnosis(diagnosis, options.json, out);
  return 0;
}

}  // namespace lw::app
