// LockDoctor: the hub's lock doctor. It opens a case for every incident the
// health engine opens (a lock, or a bridge, network or site with its locks)
// and for a lock that misbehaves while online (a jam or motor-fault alarm, a
// reported state that cannot be, the app's complaints, commands failing while
// reports arrive); ranks the causes (Doctor) from the clues (EvidenceBook);
// plans the troubleshooting steps (planner.h) and re-plans after each
// outcome; and closes the case once the lock has been healthy for `settle`,
// recording what fixed it. A confirmed cause — the user's, or the one the
// fixing step ends — teaches the Doctor's priors.
//
// The diagnosis is refreshed as evidence arrives (at most every `refresh`)
// while the case is open; a case reports the ranking as of its latest
// refresh.
//
// Inputs come from the owner, with the health engine's outputs it took
// (changes and incident changes) passed on. Pure: no I/O, no clock.
//
// Threading: not thread-safe; one owner.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "base/time.h"
#include "core/diagnosis/doctor.h"
#include "core/diagnosis/evidence.h"
#include "core/diagnosis/planner.h"
#include "core/health/health_monitor.h"

namespace lw::core {

struct Case {
  std::uint64_t id{0};
  LockId lock;  ///< the lock it is about (a grouped incident's first member)
  Transport transport{Transport::wifi};
  std::vector<LockId> members;            ///< every lock affected
  std::optional<std::uint64_t> incident;  ///< the health engine's incident, if it opened the case
  std::optional<Clue> misbehaviour;       ///< what opened a case for a lock still online
  Timestamp opened_at{};
  std::optional<Timestamp> back_at;  ///< every member healthy again since
  std::optional<Timestamp> closed_at;
  Timestamp diagnosed_at{};
  std::vector<Hypothesis> hypotheses;  ///< most likely first
  Clues clues;                         ///< the answers they were ranked on
  Plan plan;
  PlanContext context;           ///< what the hub could do by itself when it planned
  std::size_t planned_after{0};  ///< history entries the plan accounts for
  std::vector<Outcome> history;  ///< the steps reported, in order
  std::optional<Step> fixed_by;  ///< the step that fixed it; `wait` when it came back by itself
  /// A step reported as fixing it, until its effect is checked: every lock
  /// back online and the evidence of what it ends gone (fresh batteries
  /// reading healthy, the signal recovered). Failing that within
  /// Options::check_within it counts as not having helped.
  struct Check {
    Step step{Step::wait};
    Timestamp since{};
    std::string waiting_for;  ///< what is not seen yet, in plain words
  };
  std::optional<Check> checking;
  std::vector<std::string> check_notes;  ///< steps reported as fixing it that did not
  std::optional<Cause> confirmed;
  std::optional<Lesson> lesson;  ///< what the confirmation taught (a correction takes it back)
};

class LockDoctor {
 public:
  struct Options {
    Duration settle{std::chrono::minutes(30)};     ///< healthy this long: the case closes
    Duration check_within{std::chrono::hours(1)};  ///< a reported fix shows its effect within this
    Duration refresh{std::chrono::minutes(1)};     ///< re-diagnose at most this often
    std::size_t closed_kept{1000};
  };

  LockDoctor();
  explicit LockDoctor(Options options);

  /// How the lock reaches the hub (its transport decides which causes apply).
  void place(const LockId& lock, Transport transport) { transports_[lock] = transport; }
  /// Whether the hub holds a verified backup of the lock's users and codes
  /// (re-pair and factory reset are planned only then).
  void backup(const LockId& lock, bool held) { backups_[lock] = held; }
  /// Whether the lock's bridge has a firmware update for it: update_firmware
  /// is then a step the hub does itself. True when that changed.
  bool update_available(const LockId& lock, bool available) {
    return available ? updates_.insert(lock).second : updates_.erase(lock) > 0;
  }

  EvidenceBook& evidence() { return evidence_; }
  [[nodiscard]] const EvidenceBook& evidence() const { return evidence_; }

  /// What the health engine reported since the last call, then the due work
  /// (new cases for misbehaviour, refreshed diagnoses, cases that settled).
  void update(Timestamp now, const HealthMonitor& health, const std::vector<ConnectivityChange>& changes,
              const std::vector<IncidentChange>& incidents);

  /// A step's outcome reported by the user (or done by the hub): re-plans.
  /// A repair reported as fixing it is checked first (Case::checking): the
  /// plan then has no steps and says what it waits for; the cause is
  /// confirmed once the effect shows. nullopt: no such open case.
  std::optional<Plan> outcome(std::uint64_t case_id, Outcome outcome, Timestamp now,
                              const HealthMonitor& health);
  /// The user (or support) confirms the cause: the case keeps it and the
  /// doctor learns it (a Lesson, also kept for take_lessons()). A cause
  /// confirmed again differently corrects it: what the first taught is
  /// taken back, and its lesson (same lock and case_opened) replaced.
  bool confirm(std::uint64_t case_id, Cause cause, Timestamp now);
  /// What confirm() taught since the last call, for the store (which keeps
  /// one lesson per case: a correction replaces the one before).
  std::vector<Lesson> take_lessons() { return std::exchange(lessons_, {}); }
  /// A lesson kept from before a restart: learnt again, not kept again.
  void relearn(const Lesson& lesson);
  /// The lock's own confirmed causes (an empty record for a lock without any).
  [[nodiscard]] const CauseRecord& record(const LockId& lock) const;

  [[nodiscard]] const Case* find(std::uint64_t case_id) const;
  /// The open case a lock is in, if any.
  [[nodiscard]] const Case* case_of(const LockId& lock) const;
  [[nodiscard]] std::vector<const Case*> open_cases() const;
  /// Open and recently closed cases, newest first.
  [[nodiscard]] std::vector<const Case*> cases() const;
  /// Cases opened or closed since the last call, by id.
  std::vector<std::uint64_t> take_changed();

  [[nodiscard]] const Doctor& doctor() const { return doctor_; }
  /// What the hub can do by itself for the case now, and whether it holds a backup.
  [[nodiscard]] PlanContext context(const Case& c, const HealthMonitor& health) const;

 private:
  Case& open(const LockId& lock, Timestamp at);
  /// The open case whose own lock is `lock` (not one it is only a member of).
  Case* own_case(const LockId& lock, const Case* besides = nullptr);
  /// What the checked step's effect still lacks ("" once it shows).
  [[nodiscard]] std::string effect_missing(const Case& c, Timestamp now, const HealthMonitor& health) const;
  /// Settles a check that passed or ran out; true when it did.
  bool settle_check(Case& c, Timestamp now, const HealthMonitor& health);
  /// `step` fixed it: kept, and the cause it ends confirmed.
  void fixed(Case& c, Step step, Timestamp now);
  void diagnose(Case& c, Timestamp now, const HealthMonitor& health);
  void close(Case& c, Timestamp at);
  [[nodiscard]] Transport transport_of(const LockId& lock) const;
  /// The case, open or recently closed; const or not as `self` is.
  template <typename Self>
  static auto* find_in(Self& self, std::uint64_t case_id) {
    if (auto it = self.open_.find(case_id); it != self.open_.end()) return &it->second;
    for (auto& c : self.closed_) {
      if (c.id == case_id) return &c;
    }
    return static_cast<decltype(&self.closed_.front())>(nullptr);
  }

  Options options_;
  Doctor doctor_;
  EvidenceBook evidence_;
  std::vector<Lesson> lessons_;
  std::map<LockId, Transport> transports_;
  std::map<LockId, bool> backups_;
  std::set<LockId> updates_;  // locks whose bridge has a firmware update for them
  std::map<LockId, CauseRecord> records_;
  std::map<std::uint64_t, Case> open_;
  std::deque<Case> closed_;
  std::map<std::uint64_t, std::uint64_t> by_incident_;  // health incident -> case
  std::uint64_t next_id_{1};
  std::vector<std::uint64_t> changed_;
};

}  // namespace lw::core
