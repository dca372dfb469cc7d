#include "core/diagnosis/lock_doctor.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace lw::core {
namespace {

/// What opens a case for a lock that is still online, most telling first.
constexpr std::array<Clue, 6> kMisbehaviour{Clue::motor_fault_alarm, Clue::jam_alarm,
                                            Clue::state_mismatch,    Clue::app_permission_denied,
                                            Clue::app_too_old,       Clue::alive_but_deaf};

std::string minutes_text(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::minutes>(d).count()) + " minutes";
}

std::vector<std::pair<Cause, double>> ranked(const std::vector<Hypothesis>& h) {
  std::vector<std::pair<Cause, double>> out;
  out.reserve(h.size());
  for (const Hypothesis& x : h) out.emplace_back(x.cause, x.p);
  return out;
}

}  // namespace

LockDoctor::LockDoctor() : LockDoctor(Options{}) {}
LockDoctor::LockDoctor(Options options) : options_(options) {}

Transport LockDoctor::transport_of(const LockId& lock) const {
  auto it = transports_.find(lock);
  return it == transports_.end() ? Transport::wifi : it->second;
}

Case& LockDoctor::open(const LockId& lock, Timestamp at) {
  Case c;
  c.id = next_id_++;
  c.lock = lock;
  c.transport = transport_of(lock);
  c.members = {lock};
  c.opened_at = at;
  changed_.push_back(c.id);
  return open_.emplace(c.id, std::move(c)).first->second;
}

void LockDoctor::update(Timestamp now, const HealthMonitor& health,
                        const std::vector<ConnectivityChange>& changes,
                        const std::vector<IncidentChange>& incidents) {
  const LivenessEngine& live = health.liveness();
  for (const ConnectivityChange& ch : changes) evidence_.connectivity(ch, health);
  for (const IncidentChange& ic : incidents) {
    const Incident* inc = live.incident(ic.incident);
    if (inc == nullptr || inc->members.empty()) continue;
    auto mapped = by_incident_.find(ic.incident);
    Case* c = nullptr;
    if (mapped != by_incident_.end()) {
      auto it = open_.find(mapped->second);
      if (it != open_.end()) c = &it->second;
    }
    if (c == nullptr && ic.what != IncidentChange::What::closed) {
      // A lock with a case of its own (it misbehaved, or dropped again before
      // settling) stays in it; a lock that was only a member of another's
      // case (its router's) has new trouble of its own.
      const LockId& first = inc->members.front();
      Case* own = own_case(first);
      c = own != nullptr ? own : &open(first, inc->opened_at);
      c->incident = ic.incident;
      by_incident_[ic.incident] = c->id;
    }
    if (c == nullptr) continue;
    for (const LockId& m : inc->members) {
      // A lock with an open case of its own that drops again is that case's trouble.
      if (m != c->lock && own_case(m, c) != nullptr) continue;
      if (std::find(c->members.begin(), c->members.end(), m) == c->members.end()) c->members.push_back(m);
      // It leaves a case it was only a member of: that case settles without it.
      for (auto& [id, other] : open_) {
        if (&other != c && other.lock != m) std::erase(other.members, m);
      }
    }
    if (ic.what == IncidentChange::What::closed) c->back_at = ic.at;
    c->diagnosed_at = Timestamp{};  // re-diagnose now
  }
  // A member down again keeps its case open (once the incidents placed it).
  for (const ConnectivityChange& ch : changes) {
    if (!is_down(ch.to)) continue;
    for (auto& [id, c] : open_) {
      if (std::find(c.members.begin(), c.members.end(), ch.lock) != c.members.end()) c.back_at.reset();
    }
  }
  for (const LockId& lock : evidence_.take_misbehaving()) {
    if (case_of(lock) != nullptr) continue;
    const Clues clues = evidence_.clues(lock, transport_of(lock), now, std::nullopt, health);
    for (Clue k : kMisbehaviour) {
      if (!clues.yes(k)) continue;
      Case& c = open(lock, now);
      c.misbehaviour = k;
      break;
    }
  }

  std::vector<Case*> settled;
  for (auto& [id, c] : open_) {
    if (c.misbehaviour && !c.incident && !c.back_at) {
      // Back when the lock worked again after its last misbehaviour.
      const auto worked = evidence_.last_worked(c.lock);
      const auto bad = evidence_.last_misbehaviour(c.lock);
      if (worked && bad && *worked > *bad && !is_down(live.state(c.lock))) c.back_at = *worked;
    }
    if (!settle_check(c, now, health) && now - c.diagnosed_at >= options_.refresh) diagnose(c, now, health);
    if (c.back_at && !c.checking && now - *c.back_at >= options_.settle) settled.push_back(&c);
  }
  for (Case* c : settled) close(*c, now);
}

PlanContext LockDoctor::context(const Case& c, const HealthMonitor& health) const {
  const LivenessEngine& live = health.liveness();
  PlanContext ctx;
  const DevicePlace* place = live.place(c.lock);
  ctx.hub_answers = place == nullptr || place->via.empty() || live.via_up(place->via);
  ctx.lock_answers = !is_down(live.state(c.lock)) && live.state(c.lock) != Connectivity::unknown;
  ctx.update_available = live.state(c.lock) == Connectivity::updating || updates_.contains(c.lock);
  ctx.native = place == nullptr || place->via.empty();
  auto b = backups_.find(c.lock);
  ctx.backup_held = b != backups_.end() && b->second;
  return ctx;
}

void LockDoctor::diagnose(Case& c, Timestamp now, const HealthMonitor& health) {
  const std::optional<Timestamp> down_at = c.incident ? std::optional(c.opened_at) : std::nullopt;
  Clues clues = evidence_.clues(c.lock, c.transport, now, down_at, health, c.incident, c.members);
  if (c.misbehaviour) clues.set(*c.misbehaviour, true);  // what opened it stays in evidence
  std::vector<Hypothesis> hypotheses = doctor_.diagnose(c.transport, clues, record(c.lock));
  const PlanContext ctx = context(c, health);
  // Planning weighs every step against every cause: only when something changed.
  const bool same = !c.plan.steps.empty() && c.planned_after == c.history.size() &&
                    ctx.hub_answers == c.context.hub_answers && ctx.lock_answers == c.context.lock_answers &&
                    ctx.update_available == c.context.update_available &&
                    ctx.backup_held == c.context.backup_held && hypotheses.size() == c.hypotheses.size() &&
                    std::equal(hypotheses.begin(), hypotheses.end(), c.hypotheses.begin(),
                               [](const Hypothesis& a, const Hypothesis& b) {
                                 return a.cause == b.cause && std::abs(a.p - b.p) < 1e-4;
                               });
  c.hypotheses = std::move(hypotheses);
  c.clues = clues;
  if (c.checking) {
    // Planned as fixed, and saying what the check waits for.
    std::vector<Outcome> history = c.history;
    history.push_back({c.checking->step, true});
    c.plan = core::plan(ranked(c.hypotheses), ctx, history);
    c.plan.notes.insert(c.plan.notes.begin(), "Checking that " + std::string(to_string(c.checking->step)) +
                                                  " fixed it: waiting for " + c.checking->waiting_for +
                                                  " (up to " + minutes_text(options_.check_within) +
                                                  " after it was reported).");
    c.plan.notes.insert(c.plan.notes.end(), c.check_notes.begin(), c.check_notes.end());
    c.context = ctx;
    c.planned_after = 0;  // planned again once the check settles
  } else if (!same) {
    c.plan = core::plan(ranked(c.hypotheses), ctx, c.history);
    c.plan.notes.insert(c.plan.notes.end(), c.check_notes.begin(), c.check_notes.end());
    c.context = ctx;
    c.planned_after = c.history.size();
  }
  c.diagnosed_at = now;
}

Case* LockDoctor::own_case(const LockId& lock, const Case* besides) {
  auto it = std::find_if(open_.begin(), open_.end(),
                         [&](const auto& e) { return &e.second != besides && e.second.lock == lock; });
  return it == open_.end() ? nullptr : &it->second;
}

std::string LockDoctor::effect_missing(const Case& c, Timestamp now, const HealthMonitor& health) const {
  const LivenessEngine& live = health.liveness();
  for (const LockId& m : c.members) {
    if (is_down(live.state(m)) || live.state(m) == Connectivity::unknown) return m + " back online";
  }
  const Step step = c.checking->step;
  const LockHealth h = health.health(c.lock, now);
  if (step == Step::replace_batteries) {
    const bool fresh =
        h.battery.replaced_at && *h.battery.replaced_at >= c.checking->since - std::chrono::hours(1);
    if (!fresh && h.battery.days_left && *h.battery.days_left < kBatteryLowDays)
      return "fresh batteries to read a healthy voltage";
  }
  if ((step == Step::move_router_or_add_extender || step == Step::move_bridge_closer ||
       step == Step::remove_interference) &&
      !std::isnan(h.link.latest) && h.link.latest_weak) {
    return "the signal to recover";
  }
  return "";
}

bool LockDoctor::settle_check(Case& c, Timestamp now, const HealthMonitor& health) {
  if (!c.checking) return false;
  std::string missing = effect_missing(c, now, health);
  const Step step = c.checking->step;
  if (missing.empty()) {
    c.checking.reset();
    fixed(c, step, now);
  } else if (now - c.checking->since >= options_.check_within) {
    c.check_notes.push_back(std::string(to_string(step)) + " was reported to fix it, but after " +
                            minutes_text(now - c.checking->since) + " the hub was still waiting for " +
                            missing + ": it counts as not having helped.");
    c.checking.reset();
    c.history.push_back({step, false});
  } else {
    if (missing == c.checking->waiting_for) return false;
    c.checking->waiting_for = std::move(missing);
  }
  diagnose(c, now, health);
  return true;
}

void LockDoctor::fixed(Case& c, Step step, Timestamp now) {
  c.history.push_back({step, true});
  c.fixed_by = step;
  // The cause it confirms: the likeliest of those the step ends.
  std::optional<Cause> best;
  double best_p = 0;
  for (const Hypothesis& h : c.hypotheses) {
    const double p = h.p * effectiveness(step, h.cause);
    if (p > best_p) {
      best_p = p;
      best = h.cause;
    }
  }
  if (best && step != Step::contact_support) confirm(c.id, *best, now);
}

std::optional<Plan> LockDoctor::outcome(std::uint64_t case_id, Outcome outcome, Timestamp now,
                                        const HealthMonitor& health) {
  auto it = open_.find(case_id);
  if (it == open_.end()) return std::nullopt;
  Case& c = it->second;
  const bool repaired = outcome.fixed_or_yes && info(outcome.step).kind == StepKind::repair;
  if (!repaired) {
    c.history.push_back(outcome);
  } else if (c.fixed_by) {
    // Fixed already: nothing more to learn from it.
  } else if (outcome.step == Step::contact_support) {
    c.checking.reset();
    fixed(c, outcome.step, now);  // handed to the maker: nothing here to check
  } else if (!c.checking) {
    // Done only once its effect shows.
    c.checking = Case::Check{outcome.step, now, "the lock"};
    if (settle_check(c, now, health)) return c.plan;
  }
  diagnose(c, now, health);
  return c.plan;
}

bool LockDoctor::confirm(std::uint64_t case_id, Cause cause, Timestamp now) {
  Case* c = find_in(*this, case_id);
  if (c == nullptr) return false;
  if (c->confirmed == cause) return true;
  c->confirmed = cause;
  const bool counts = applies(cause, c->transport);
  if (c->lesson) {
    // A correction: what the earlier cause taught is taken back.
    doctor_.unlearn(*c->lesson);
    if (applies(c->lesson->cause, c->transport)) {
      records_[c->lock].correct(c->lesson->cause, counts ? std::optional(cause) : std::nullopt);
    } else if (counts) {
      records_[c->lock].add(cause);
    }
  } else if (counts) {
    records_[c->lock].add(cause);
  }
  const bool replaces = c->lesson.has_value();
  c->lesson = Lesson{now, c->transport, cause, c->clues, c->lock, c->opened_at};
  doctor_.learn(*c->lesson);
  if (counts || replaces) lessons_.push_back(*c->lesson);
  return true;
}

void LockDoctor::relearn(const Lesson& lesson) {
  doctor_.learn(lesson);
  if (!lesson.lock.empty() && applies(lesson.cause, lesson.transport))
    records_[lesson.lock].add(lesson.cause);
}

const CauseRecord& LockDoctor::record(const LockId& lock) const {
  static const CauseRecord none;
  auto it = records_.find(lock);
  return it == records_.end() ? none : it->second;
}

void LockDoctor::close(Case& c, Timestamp at) {
  c.closed_at = at;
  if (!c.fixed_by) c.fixed_by = Step::wait;
  std::erase_if(by_incident_, [&c](const auto& entry) { return entry.second == c.id; });
  changed_.push_back(c.id);
  closed_.push_front(std::move(c));
  open_.erase(closed_.front().id);
  while (closed_.size() > options_.closed_kept) closed_.pop_back();
}

const Case* LockDoctor::find(std::uint64_t case_id) const { return find_in(*this, case_id); }

const Case* LockDoctor::case_of(const LockId& lock) const {
  for (const auto& [id, c] : open_) {
    if (std::find(c.members.begin(), c.members.end(), lock) != c.members.end()) return &c;
  }
  return nullptr;
}

std::vector<const Case*> LockDoctor::open_cases() const {
  std::vector<const Case*> out;
  for (const auto& [id, c] : open_) out.push_back(&c);
  std::reverse(out.begin(), out.end());  // newest first
  return out;
}

std::vector<const Case*> LockDoctor::cases() const {
  std::vector<const Case*> out = open_cases();
  for (const Case& c : closed_) out.push_back(&c);
  return out;
}

std::vector<std::uint64_t> LockDoctor::take_changed() { return std::exchange(changed_, {}); }

}  // namespace lw::core
