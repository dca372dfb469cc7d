#include "app/doctor_bench.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "app/bench_world.h"
#include "app/fleet_ears.h"
#include "core/diagnosis/lock_doctor.h"
#include "protocol/codec.h"
#include "protocol/envelope.h"
#include "sim/scenario.h"
#include "sim/world/rng.h"
#include "sim/world_engine.h"

namespace lw::app {
namespace {

using core::Cause;
using core::Step;
using sim::FaultLabel;
using namespace std::chrono_literals;

constexpr Duration kFirstLook = 10min;  // when the user first looks at a case
constexpr Duration kAfterFix = 2h;      // a case this long after a fault's fix still belongs to it
constexpr Duration kBeforeOnset = 1min;
constexpr int kMaxSteps = 40;

/// A case as the user first saw it.
struct Kept {
  std::uint64_t id{0};
  LockId lock;
  std::vector<LockId> members;
  core::Transport transport{core::Transport::wifi};
  Timestamp opened_at{};
  bool misbehaviour{false};  ///< opened for a lock still online (no incident)
  bool back_by_look{false};
  std::vector<std::pair<Cause, double>> ranking;
  core::PlanContext context;
  core::Clues clues;
};

/// "told_gone went_silent=no ...": the answered clues, for --explain.
std::string clue_words(const core::Clues& c) {
  std::string out;
  for (std::size_t k = 0; k < core::kClueCount; ++k) {
    const auto clue = static_cast<core::Clue>(k);
    const std::optional<bool> seen = c.get(clue);
    if (!seen) continue;
    out += std::string(out.empty() ? "" : " ") + std::string(core::to_string(clue)) + (*seen ? "" : "=no");
  }
  return out.empty() ? "no clue seen" : out;
}

/// A drop of a lock's link that arose in the world itself (WorldEngine's
/// link labels: the session was lost on a weak, jammed or crowded link).
bool link_drop(const FaultLabel& label) {
  return label.id.starts_with("n") && (label.kind == core::to_string(Cause::weak_signal) ||
                                       label.kind == core::to_string(Cause::interference) ||
                                       label.kind == core::to_string(Cause::network_overloaded));
}

/// Whether `label` explains a case about these locks opened at `opened`. A
/// case opened for a lock that was still online (a state mismatch, a jam, a
/// refused command) is not explained by a drop of its link nearby in time.
bool explains(const FaultLabel& label, const std::vector<LockId>& members, Timestamp opened,
              bool misbehaviour) {
  if (!core::parse_cause(label.kind)) return false;
  if (misbehaviour && link_drop(label)) return false;
  if (label.onset > opened + kBeforeOnset) return false;
  if (label.fixed && *label.fixed + kAfterFix < opened) return false;
  for (const LockId& m : members) {
    if (std::find(label.devices.begin(), label.devices.end(), m) != label.devices.end()) return true;
  }
  return false;
}

/// The label that explains the case: the latest onset, the case's own lock first.
const FaultLabel* truth_of(const Kept& k, const std::vector<FaultLabel>& labels) {
  const FaultLabel* best = nullptr;
  auto own = [&k](const FaultLabel* l) {
    return std::find(l->devices.begin(), l->devices.end(), k.lock) != l->devices.end();
  };
  for (const FaultLabel& l : labels) {
    if (!explains(l, k.members, k.opened_at, k.misbehaviour)) continue;
    if (best == nullptr || (own(&l) && !own(best)) || (own(&l) == own(best) && l.onset > best->onset))
      best = &l;
  }
  return best;
}

class Run final : public sim::LabelSink {
 public:
  explicit Run(const sim::Scenario& s) : ears_(roster_of(s), {.doctor = true}) {}

  sim::TraceSink& sink() { return ears_; }

  void tick(Timestamp now, sim::WorldEngine& world) {
    for (const LockId& id : probes_) world.probe(id);
    probes_ = ears_.tick(now);
    for (const core::Case* c : ears_.doctor().open_cases()) {
      if (now - c->opened_at < kFirstLook || kept_index_.contains(c->id)) continue;
      keep(*c);
    }
  }

  /// A fault ended: its label confirms the cause of the cases it explains (a
  /// resolution), once they were seen; the doctor's priors learn it.
  void label(const FaultLabel& l) override {
    labels_.push_back(l);
    const auto cause = core::parse_cause(l.kind);
    if (!cause) return;
    const Timestamp at = l.fixed.value_or(l.onset);
    for (const Kept& k : kept_) {
      if (explains(l, k.members, k.opened_at, k.misbehaviour)) ears_.doctor().confirm(k.id, *cause, at);
    }
    (void)ears_.doctor().take_lessons();  // learnt already; nothing keeps them here
  }

  void finish(Timestamp end) { (void)ears_.tick(end); }

  [[nodiscard]] const std::vector<Kept>& kept() const { return kept_; }
  [[nodiscard]] const std::vector<FaultLabel>& labels() const { return labels_; }
  [[nodiscard]] const FleetEars& ears() const { return ears_; }

 private:
  void keep(const core::Case& c) {
    Kept k;
    k.id = c.id;
    k.lock = c.lock;
    k.members = c.members;
    k.transport = c.transport;
    k.opened_at = c.opened_at;
    k.misbehaviour = c.misbehaviour.has_value() && !c.incident.has_value();
    k.back_by_look = c.back_at.has_value();
    for (const core::Hypothesis& h : c.hypotheses) k.ranking.emplace_back(h.cause, h.p);
    k.context = ears_.doctor().context(c, ears_.monitor());
    k.clues = c.clues;
    kept_index_[c.id] = kept_.size();
    kept_.push_back(std::move(k));
  }

  FleetEars ears_;
  std::vector<LockId> probes_;
  std::vector<Kept> kept_;
  std::map<std::uint64_t, std::size_t> kept_index_;
  std::vector<FaultLabel> labels_;
};

/// What one walk through the steps cost.
struct Walk {
  int user_steps{0};
  double minutes{0};
  bool no_user_action{false};
  int factory_resets{0};
  int needless_resets{0};
  int codes_lost{0};
  std::vector<core::Outcome> steps;  ///< taken, with their drawn outcomes (for --explain)
  std::vector<double> chances;       ///< each one's chance as planned
};

/// A reset is needless when it cannot fix the cause, or a cheaper repair
/// that could was not tried. Contacting support is no such repair: it is the
/// last resort, after a reset, as the guide orders them.
bool needless_reset(Cause truth, const std::set<Step>& tried, const core::PlanContext& ctx) {
  if (core::effectiveness(Step::factory_reset, truth) <= 0) return true;
  const double reset_cost = core::step_cost(Step::factory_reset, ctx);
  for (const core::StepInfo& s : core::all_steps()) {
    if (s.kind != core::StepKind::repair || tried.contains(s.step) || s.step == Step::factory_reset ||
        s.step == Step::contact_support)
      continue;
    if (core::effectiveness(s.step, truth) > 0 && core::step_cost(s.step, ctx) < reset_cost) return true;
  }
  return false;
}

void took(Walk& w, Step step, bool by_user, bool backup_held, Cause truth, const std::set<Step>& tried,
          const core::PlanContext& ctx) {
  if (by_user) {
    ++w.user_steps;
    w.minutes += core::info(step).minutes;
  }
  if (step == Step::factory_reset) {
    ++w.factory_resets;
    if (needless_reset(truth, tried, ctx)) ++w.needless_resets;
  }
  if ((step == Step::factory_reset || step == Step::repair) && !backup_held && w.codes_lost == 0)
    w.codes_lost = 1;
}

bool outcome(Step step, Cause truth, sim::world::Rng& rng) {
  if (step == Step::contact_support) return true;
  if (core::info(step).kind == core::StepKind::observation) return rng.chance(core::p_yes(step, truth));
  return rng.chance(core::effectiveness(step, truth));
}

/// The planner's walk: next step, outcome, re-plan.
Walk walk_plan(const Kept& k, Cause truth, sim::world::Rng& rng) {
  Walk w;
  if (k.back_by_look) {
    w.no_user_action = true;
    return w;
  }
  std::vector<core::Outcome> history;
  std::set<Step> tried;
  for (int n = 0; n < kMaxSteps; ++n) {
    const core::Plan p = core::plan(k.ranking, k.context, history);
    if (p.fixed_by || p.steps.empty()) break;
    const core::PlannedStep& s = p.steps.front();
    took(w, s.step, !s.automatic, k.context.backup_held, truth, tried, k.context);
    tried.insert(s.step);
    const bool result = outcome(s.step, truth, rng);
    history.push_back({s.step, result});
    w.steps.push_back({s.step, result});
    w.chances.push_back(s.p_fix);
    if (result && core::info(s.step).kind == core::StepKind::repair) break;
  }
  w.no_user_action = w.user_steps == 0;
  return w;
}

/// The guide's checklist, in order, every step by the user, no backup kept.
Walk walk_guide(const Kept& k, Cause truth, sim::world::Rng& rng) {
  Walk w;
  if (k.back_by_look) {
    w.no_user_action = true;
    return w;
  }
  std::set<Step> tried;
  core::PlanContext ctx;
  for (Step step : core::guide_order()) {
    took(w, step, true, false, truth, tried, ctx);
    tried.insert(step);
    if (outcome(step, truth, rng)) break;
  }
  return w;
}

struct Figures {
  int incidents{0};
  int top1{0};
  int top3{0};
  long user_steps{0};
  double minutes{0};
  int no_user_action{0};
  int factory_resets{0};
  int needless_resets{0};
  int codes_lost{0};
  void add(const Walk& w) {
    ++incidents;
    user_steps += w.user_steps;
    minutes += w.minutes;
    no_user_action += w.no_user_action ? 1 : 0;
    factory_resets += w.factory_resets;
    needless_resets += w.needless_resets;
    codes_lost += w.codes_lost;
  }
};

double share(int n, int of) { return of > 0 ? static_cast<double>(n) / of : 0.0; }

void json_figures(std::ostream& out, const Figures& f, bool ranks) {
  if (ranks) {
    out << R"("top1":)" << fmt::format("{:.4f}", share(f.top1, f.incidents)) << R"(,"top3":)"
        << fmt::format("{:.4f}", share(f.top3, f.incidents));
  } else {
    out << R"("top1":null,"top3":null)";
  }
  out << R"(,"mean_user_steps":)"
      << fmt::format("{:.3f}", f.incidents ? static_cast<double>(f.user_steps) / f.incidents : 0)
      << R"(,"mean_user_minutes":)" << fmt::format("{:.2f}", f.incidents ? f.minutes / f.incidents : 0)
      << R"(,"auto_fixed_share":)" << fmt::format("{:.4f}", share(f.no_user_action, f.incidents))
      << R"(,"factory_resets":)" << f.factory_resets << R"(,"needless_factory_resets":)" << f.needless_resets
      << R"(,"codes_lost":)" << f.codes_lost << R"(,"incidents":)" << f.incidents;
}

}  // namespace

int run_bench_doctor(const DoctorBenchOptions& options, std::ostream& out, std::ostream& err) {
  auto setup = bench_setup(options.scenario, options.until);
  if (!setup) {
    err << "bench doctor: " << setup.error().message << "\n";
    return 1;
  }
  const sim::Scenario* scenario = &setup->scenario;
  const Timestamp end = setup->end;
  Run run(*scenario);
  auto ran =
      run_world(*setup, run.sink(), run, [&](Timestamp t, sim::WorldEngine& world) { run.tick(t, world); });
  if (!ran) {
    err << "bench doctor: " << ran.error().message << "\n";
    return 1;
  }
  run.finish(end);

  Figures ours;
  Figures guide;
  int unexplained = 0;
  std::map<std::string, std::map<std::string, int>> confusion;  // truth -> top-1 -> cases
  std::map<std::string, std::pair<int, int>> by_cause;          // truth -> (cases, top-1 right)
  for (const Kept& k : run.kept()) {
    const FaultLabel* label = truth_of(k, run.labels());
    if (label == nullptr) {
      ++unexplained;
      continue;
    }
    const Cause truth = *core::parse_cause(label->kind);
    const std::string truth_id(core::to_string(truth));
    sim::world::Rng rng(sim::world::derive_seed(scenario->seed, "doctor/" + std::to_string(k.id)));
    sim::world::Rng guide_rng(sim::world::derive_seed(scenario->seed, "guide/" + std::to_string(k.id)));
    const Walk walked = walk_plan(k, truth, rng);
    ours.add(walked);
    guide.add(walk_guide(k, truth, guide_rng));
    if (options.explain && walked.needless_resets > 0) {
      err << "case " << k.id << " " << k.lock << ": needless factory reset, truth " << core::to_string(truth)
          << ", ranked";
      for (std::size_t r = 0; r < k.ranking.size() && r < 3; ++r) {
        err << (r == 0 ? " " : ", ") << core::to_string(k.ranking[r].first) << " "
            << std::lround(100 * k.ranking[r].second) << "%";
      }
      err << "; steps:";
      for (std::size_t i = 0; i < walked.steps.size(); ++i) {
        err << " " << core::to_string(walked.steps[i].step) << "(" << std::lround(100 * walked.chances[i])
            << "%)" << (walked.steps[i].fixed_or_yes ? "=yes" : "=no");
      }
      err << "\n";
    }
    const bool right = !k.ranking.empty() && k.ranking[0].first == truth;
    bool in3 = false;
    for (std::size_t r = 0; r < k.ranking.size() && r < 3; ++r) in3 = in3 || k.ranking[r].first == truth;
    ours.top1 += right ? 1 : 0;
    ours.top3 += in3 ? 1 : 0;
    const std::string top = k.ranking.empty() ? "none" : std::string(core::to_string(k.ranking[0].first));
    ++confusion[truth_id][top];
    ++by_cause[truth_id].first;
    by_cause[truth_id].second += right ? 1 : 0;
    if (options.explain && !right) {
      err << "case " << k.id << " " << k.lock << " (" << core::to_string(k.transport) << "): truth "
          << truth_id << " (" << label->id << "), ranked";
      for (std::size_t r = 0; r < k.ranking.size() && r < 3; ++r) {
        err << (r == 0 ? " " : ", ") << core::to_string(k.ranking[r].first) << " "
            << std::lround(100 * k.ranking[r].second) << "%";
      }
      err << "; answered: " << clue_words(k.clues) << "\n";
    }
  }

  if (options.json) {
    std::string scenario_name;
    protocol::append_json_string(scenario_name, options.scenario);
    out << R"({"scenario":)" << scenario_name << R"(,"locks":)" << run.ears().locks().size()
        << R"(,"messages":)" << run.ears().messages() << R"(,"cases":)" << run.kept().size()
        << R"(,"cases_without_fault":)" << unexplained << R"(,"priors_learnt":)"
        << run.ears().doctor().doctor().learnt() << ",";
    json_figures(out, ours, true);
    out << R"(,"by_cause":{)";
    bool first = true;
    for (const auto& [cause, n] : by_cause) {
      out << (first ? "" : ",") << "\"" << cause << R"(":{"incidents":)" << n.first << R"(,"top1":)"
          << fmt::format("{:.4f}", share(n.second, n.first)) << "}";
      first = false;
    }
    out << R"(},"confusion":{)";
    first = true;
    for (const auto& [truth, row] : confusion) {
      out << (first ? "" : ",") << "\"" << truth << "\":{";
      bool inner = true;
      for (const auto& [top, n] : row) {
        out << (inner ? "" : ",") << "\"" << top << "\":" << n;
        inner = false;
      }
      out << "}";
      first = false;
    }
    out << R"(},"baseline":{)";
    json_figures(out, guide, false);
    out << "}}\n";
    return 0;
  }
  out << "doctor benchmark: " << options.scenario << ", " << run.ears().locks().size() << " locks, "
      << run.kept().size() << " cases (" << unexplained << " without a fault)\n";
  out << "| | top-1 | top-3 | user steps | user minutes | no user action | factory resets | codes lost |\n";
  out << "|---|---|---|---|---|---|---|---|\n";
  const auto row = [&out](const char* name, const Figures& f, bool ranks) {
    out << "| " << name << " | "
        << (ranks ? fmt::format("{:.1f}", 100 * share(f.top1, f.incidents)) + " %" : "—") << " | "
        << (ranks ? fmt::format("{:.1f}", 100 * share(f.top3, f.incidents)) + " %" : "—") << " | "
        << fmt::format("{:.2f}", f.incidents ? static_cast<double>(f.user_steps) / f.incidents : 0) << " | "
        << fmt::format("{:.1f}", f.incidents ? f.minutes / f.incidents : 0) << " | "
        << fmt::format("{:.1f}", 100 * share(f.no_user_action, f.incidents)) << " % | " << f.factory_resets
        << " (" << f.needless_resets << " needless) | " << f.codes_lost << " |\n";
  };
  row("lockwarden", ours, true);
  row("the guide's checklist", guide, false);
  out << "\n| cause | incidents | top-1 |\n|---|---|---|\n";
  for (const auto& [cause, n] : by_cause) {
    out << "| " << cause << " | " << n.first << " | " << fmt::format("{:.1f}", 100 * share(n.second, n.first))
        << " % |\n";
  }
  return 0;
}

}  // namespace lw::app
