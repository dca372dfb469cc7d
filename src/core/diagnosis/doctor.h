// Doctor: ranks the causes of the catalogue (catalogue.h) for one lock from
// the clues the hub could answer (clues.h), with the evidence for and against
// each in plain words.
//
// The model is naive Bayes: P(cause | clues) ∝ prior(cause | transport) ×
// Π over answered clues of P(answer | cause). The likelihood table says, per
// cause, how often each clue shows when that cause is at work; a clue a cause
// does not mention shows at its background rate (how often it shows whatever
// the cause). Unanswered clues weigh nothing. The priors start even over the
// causes that can strike a lock of that transport (a Wi-Fi lock has no mesh
// repeater, only a Bluetooth lock has a bridge out of range) and learn from
// every resolved incident's confirmed cause (learn()), so a fleet's own
// history shapes them. A lock's own confirmed cases move its prior further
// (CauseRecord): a lock next to a microwave oven, or at the edge of its
// router's reach, tends to drop for the same reason again. Its prior is
// (its own recent cases of the cause + kFleetWeight × the fleet's prior) /
// (its own recent cases + kFleetWeight); each new case makes the older ones
// weigh kRecordDecay of what they did, so a fixed cause fades.
//
// Example:
//   Doctor doctor;
//   Clues c;
//   c.set(Clue::network_peers_down, true);
//   c.set(Clue::came_back_alone, false);
//   auto ranked = doctor.diagnose(Transport::wifi, c);
//   // ranked[0].cause: router_power_outage, network_credentials_changed or router_replaced
//
// Threading: not thread-safe; one owner. Pure: no I/O, no clock.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "core/diagnosis/catalogue.h"
#include "core/diagnosis/clues.h"
#include "core/lock/vocabulary.h"

namespace lw::core {

struct Hypothesis {
  Cause cause{Cause::hardware_fault};
  double p{0};
  std::vector<std::string> evidence_for;      ///< plain words, strongest first
  std::vector<std::string> evidence_against;  ///< plain words, strongest first
};

/// A confirmed case as the doctor learnt it (Doctor::learn): kept by the hub
/// so that a restarted hub learns its fleet's history again.
struct Lesson {
  Timestamp at{};
  Transport transport{Transport::wifi};
  Cause cause{Cause::hardware_fault};
  Clues clues;  ///< the answers the case was last ranked on
  LockId lock;  ///< the lock of the case (empty: not known, e.g. a lesson kept before it was)
  /// When the case opened: with `lock`, which case taught it, so that a
  /// corrected cause replaces the lesson (epoch: not known, kept before it was).
  Timestamp case_opened{};
};

/// A lock's own confirmed causes, the recent ones weighing most.
class CauseRecord {
 public:
  static constexpr std::size_t kCauses = 20;  ///< the catalogue's causes
  /// Each new case makes the older ones weigh this much of what they did.
  static constexpr float kRecordDecay = 0.8F;
  void add(Cause cause);
  /// The latest case's cause was corrected: its weight moves from `was` to
  /// `is` (nullopt: a cause that cannot strike the lock; the weight goes).
  void correct(Cause was, std::optional<Cause> is);
  /// The decayed count of its cases of `cause`.
  [[nodiscard]] double cases(Cause cause) const { return weight_[static_cast<std::size_t>(cause)]; }
  /// Confirmed cases seen, not decayed.
  [[nodiscard]] int confirmed() const { return confirmed_; }
  [[nodiscard]] int confirmed(Cause cause) const { return confirmed_of_[static_cast<std::size_t>(cause)]; }

 private:
  std::array<float, kCauses> weight_{};
  std::array<std::uint16_t, kCauses> confirmed_of_{};
  int confirmed_{0};
};

/// Whether `cause` can strike a lock of this transport at all.
bool applies(Cause cause, Transport transport) noexcept;
/// P(clue shows | cause at work).
double likelihood(Cause cause, Clue clue) noexcept;
/// P(clue shows), whatever the cause.
double background(Clue clue) noexcept;

class Doctor {
 public:
  static constexpr std::size_t kCauses = CauseRecord::kCauses;
  static constexpr std::size_t kTransports = 5;
  /// At most this many words for and against each hypothesis.
  static constexpr std::size_t kMaxWords = 4;

  Doctor();

  /// Every cause that applies to the transport, most likely first; the
  /// probabilities sum to 1.
  /// `record`: the lock's own confirmed cases (none: the fleet's prior alone).
  [[nodiscard]] std::vector<Hypothesis> diagnose(Transport transport, const Clues& clues,
                                                 const CauseRecord& record = {}) const;

  /// The fleet's prior weighs as this many of a lock's own recent cases.
  static constexpr double kFleetWeight = 3;

  /// The table's likelihoods weigh as this many confirmed incidents.
  static constexpr double kTableWeight = 20;

  /// A resolved incident's confirmed cause: the prior for its transport learns it.
  void learn(Transport transport, Cause cause);
  /// As above, and the likelihoods of its transport learn the answers it was ranked on.
  void learn(Transport transport, Cause cause, const Clues& clues);
  void learn(const Lesson& lesson) { learn(lesson.transport, lesson.cause, lesson.clues); }
  /// Takes back what learn(lesson) taught: its cause was corrected.
  void unlearn(const Lesson& lesson);
  [[nodiscard]] double prior(Transport transport, Cause cause) const;
  /// The prior for a lock with this record of its own cases.
  [[nodiscard]] double prior(Transport transport, Cause cause, const CauseRecord& record) const;
  /// Incidents learnt so far, all transports.
  [[nodiscard]] long learnt() const { return learnt_; }
  /// P(clue shows | cause) on this transport: the table's value, moved by
  /// what the confirmed incidents showed.
  [[nodiscard]] double likelihood(Transport transport, Cause cause, Clue clue) const;

 private:
  struct Tally {
    float yes{0};
    float answered{0};
  };
  std::array<std::array<double, kCauses>, kTransports> counts_{};
  std::array<std::array<std::array<Tally, kClueCount>, kCauses>, kTransports> tallies_{};
  long learnt_{0};
};

}  // namespace lw::core
