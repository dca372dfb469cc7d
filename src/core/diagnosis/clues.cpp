#include "core/diagnosis/clues.h"

#include <algorithm>

namespace lw::core {
namespace {

constexpr std::array<ClueWords, kClueCount> kWords{{
    {"told_gone", "its connection was reported lost (Last Will, availability or \"dead\")",
     "nobody reported its connection lost"},
    {"went_silent", "it went quiet without a goodbye", "it did not simply go quiet"},
    {"bridge_down", "the hub or bridge it talks through is down", "its hub or bridge is up"},
    {"network_peers_down", "other devices on its Wi-Fi dropped at the same time",
     "the other devices on its Wi-Fi stayed online"},
    {"bridge_peers_down", "other locks behind its bridge dropped while the bridge stayed up",
     "the other locks behind its bridge stayed online"},
    {"site_peers_down", "locks on other networks of the site dropped too",
     "locks on the site's other networks stayed online"},
    {"came_back_alone", "it came back by itself", "it has not come back by itself"},
    {"battery_low", "the battery is low", "the battery reads healthy"},
    {"battery_dropouts", "it reboots or drops off when the motor runs (brown-outs)", "no brown-out reboots"},
    {"rebooted", "it rebooted around the drop", "no reboot around the drop"},
    {"signal_weak", "its signal is weak", "its signal is good"},
    {"signal_degrading", "its signal has been getting worse for days", "its signal is steady"},
    {"loss_recurring", "messages are lost at the same hour every day", "no daily pattern of loss"},
    {"loss_high", "many of its reports were lost in the last day", "few of its reports were lost"},
    {"updating", "a firmware update is being installed", "no firmware update in progress"},
    {"firmware_changed", "its firmware or its hub's changed in the last days", "no recent firmware change"},
    {"alive_but_deaf", "it still reports but does not act on commands", "it acts on commands"},
    {"jam_alarm", "it reported the bolt jammed", "no jam reported"},
    {"motor_fault_alarm", "it reported a motor fault", "no motor fault reported"},
    {"state_mismatch", "it reports the bolt not fully locked after locking",
     "its reported state is plausible"},
    {"app_permission_denied", "the phone app lacks Bluetooth or location permission",
     "the phone app has its permissions"},
    {"app_too_old", "the phone app is too old for the lock", "the phone app is up to date"},
    {"mesh_no_route", "the Zigbee bridge finds no route to it", "the bridge reaches it"},
    {"channel_busy", "the radio channel is busy (channel access failures)", "the radio channel is clear"},
    {"over_internet", "its network reaches the hub over the internet", "the hub is on its own network"},
    {"mesh_router_gone", "a router of its Zigbee mesh went offline or left around the drop",
     "the routers of its mesh stayed"},
    {"network_peers_lossy", "the other locks on its Wi-Fi began losing their reports too",
     "the other locks on its Wi-Fi report as they did in the week before"},
    {"batteries_replaced", "fresh batteries went in around the drop",
     "the same batteries as before the drop"},
}};

}  // namespace

const ClueWords& words(Clue clue) noexcept { return kWords[static_cast<std::size_t>(clue)]; }

std::string_view to_string(Clue clue) noexcept { return words(clue).id; }

std::optional<Clue> parse_clue(std::string_view id) noexcept {
  for (std::size_t i = 0; i < kWords.size(); ++i) {
    if (kWords[i].id == id) return static_cast<Clue>(i);
  }
  return std::nullopt;
}

std::string encode_answers(const Clues& clues) {
  std::string out;
  for (std::size_t k = 0; k < kClueCount; ++k) {
    const auto clue = static_cast<Clue>(k);
    const std::optional<bool> seen = clues.get(clue);
    if (!seen) continue;
    if (!out.empty()) out += ' ';
    out += to_string(clue);
    out += *seen ? "=yes" : "=no";
  }
  return out;
}

std::optional<Clues> parse_answers(std::string_view text) {
  Clues clues;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find(' '), text.size());
    const std::string_view item = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view answer = item.substr(eq + 1);
    if (answer != "yes" && answer != "no") return std::nullopt;
    if (const auto clue = parse_clue(item.substr(0, eq))) clues.set(*clue, answer == "yes");
  }
  return clues;
}

}  // namespace lw::core
