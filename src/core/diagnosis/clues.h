// Clues: the facts about a lock that the lock doctor weighs. Each is a yes/no
// question the hub can answer from what it heard ("did the other locks on its
// Wi-Fi drop at the same moment?"), or leave unanswered when it heard nothing
// about it. The doctor (doctor.h) holds, per cause, how likely each clue is
// when that cause is at work; the evidence collector (evidence.h) answers the
// clues from the health engine's observations.
//
// Threading: constexpr data and pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"

namespace lw::core {

enum class Clue : std::uint8_t {
  told_gone,              ///< its peer said it is gone (Last Will, availability, Z-Wave "Dead")
  went_silent,            ///< it stopped reporting without anyone saying so
  bridge_down,            ///< the bridge or hub it talks through says it is down
  network_peers_down,     ///< other devices on its Wi-Fi dropped within the same minutes
  bridge_peers_down,      ///< other locks behind its bridge dropped while the bridge stayed up
  site_peers_down,        ///< locks of its site on other networks dropped too
  came_back_alone,        ///< it came back before anyone did anything
  battery_low,            ///< gauge under 15 %, or the forecast says under 14 days
  battery_dropouts,       ///< brown-out reboots, drop-outs right after motor runs
  rebooted,               ///< a reboot (power-on or watchdog) around the drop
  signal_weak,            ///< its link level is weak
  signal_degrading,       ///< its link level has been falling for days
  loss_recurring,         ///< messages lost at the same hour every day
  loss_high,              ///< many expected reports lost in the last day
  updating,               ///< a firmware install is in progress
  firmware_changed,       ///< its (or its bridge's) firmware changed in the last days
  alive_but_deaf,         ///< reports still arrive while commands fail
  jam_alarm,              ///< a jammed alarm or state
  motor_fault_alarm,      ///< a motor-fault alarm
  state_mismatch,         ///< it reports not fully locked for a bolt that is thrown
  app_permission_denied,  ///< the phone app says it lacks Bluetooth or location permission
  app_too_old,            ///< the phone app says it is too old for the lock
  mesh_no_route,          ///< the Zigbee bridge logs no route / no ack for it (MAC 205, 233, 240)
  channel_busy,           ///< the Zigbee bridge logs channel access failures (MAC 225)
  over_internet,          ///< its network reaches the hub over the internet (configured)
  mesh_router_gone,       ///< a router of its Zigbee mesh went offline or left around the drop
  network_peers_lossy,    ///< other locks on its Wi-Fi lost many of their reports too
  batteries_replaced,     ///< a fresh pack went in around the drop (its voltage jumped)
};

inline constexpr std::size_t kClueCount = 28;

/// Plain words, as the user reads them under "evidence for" / "against".
struct ClueWords {
  std::string_view id;
  std::string_view yes;  ///< the clue seen: "the other devices on its Wi-Fi dropped at the same time"
  std::string_view no;   ///< the clue checked and absent: "the other devices on its Wi-Fi stayed online"
};

const ClueWords& words(Clue clue) noexcept;
std::string_view to_string(Clue clue) noexcept;
std::optional<Clue> parse_clue(std::string_view id) noexcept;

/// The answers known about one lock: yes, no, or not known.
class Clues {
 public:
  void set(Clue c, bool yes) {
    known_[index(c)] = true;
    yes_[index(c)] = yes;
  }
  void forget(Clue c) { known_[index(c)] = false; }
  [[nodiscard]] std::optional<bool> get(Clue c) const {
    if (!known_[index(c)]) return std::nullopt;
    return yes_[index(c)];
  }
  [[nodiscard]] bool yes(Clue c) const { return known_[index(c)] && yes_[index(c)]; }
  /// How long ago the lock dropped, when it did: came_back_alone weighs
  /// against the time a cause takes to pass.
  void set_down_for(Duration d) { down_for_ = d; }
  [[nodiscard]] std::optional<Duration> down_for() const { return down_for_; }

 private:
  static constexpr std::size_t index(Clue c) { return static_cast<std::size_t>(c); }
  std::array<bool, kClueCount> known_{};
  std::array<bool, kClueCount> yes_{};
  std::optional<Duration> down_for_;
};

/// The answered clues as text, in clue order: "told_gone=yes went_silent=no".
std::string encode_answers(const Clues& clues);
/// Reads encode_answers' text back. A clue id this version does not know is
/// skipped (a newer hub wrote it); nullopt for text of another shape.
std::optional<Clues> parse_answers(std::string_view text);

}  // namespace lw::core
