// RadioLink: the lock's network membership. It holds the Wi-Fi credentials
// in fixed buffers, decides when to (re)join, backs off exponentially with
// jitter between failed attempts, and knows the heartbeat cadence of its
// transport.
//
// States:
//   down        — no credentials, or stopped (stop())
//   joining     — an attempt is due now (after start(), set_credentials() or
//                 a lost link)
//   backing_off — the last attempt failed; the next is due at next_attempt()
//   up          — joined
// The host drives it: when attempt_due(now) it shows the link what the radio
// sees (NetworkOffer) through attempt(); link_lost() when the association drops.
//
// Joining Wi-Fi needs the SSID, the passphrase and — once the lock has joined
// an access point — the same BSSID: the lock pins the access point it last
// joined (fast reconnect), so a replaced router makes joins fail until
// set_credentials() is called again (the companion app's "change Wi-Fi").
// Zigbee, Z-Wave, Thread and the BLE bridge keep their network keys in the
// radio stack; for them only reachability matters.
//
// Back-off: attempt n (n = 1 after the first failure) waits
//   nominal = min(max_backoff, initial_backoff × 2^(n−1)),
//   delay   = nominal/2 + uniform[0, nominal/2]        ("equal jitter"),
// so delays never shrink while growing and never exceed max_backoff. The
// jitter comes from the injected core::Random (SeededRandom in tests and the
// simulator), so runs replay identically.
//
// Pure: no I/O and no clock; every time-dependent call takes `now`. No
// allocation: credentials live in fixed arrays.
//
// Threading: not thread-safe; owned by the lock's main loop.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "base/time.h"
#include "core/lock/vocabulary.h"
#include "core/ports/random.h"

namespace lw::firmware {

/// One transport's heartbeat (telemetry) cadence in normal and low-battery power.
struct HeartbeatCadence {
  core::Transport transport;
  Duration normal;
  Duration low_battery;
};

/// Heartbeat cadence per transport. Wi-Fi stays associated and pays for every
/// wake-up, so it stretches most when the battery is low. Zigbee and Z-Wave
/// sleepy devices report on their wake-up interval, which the controller sets
/// (1 h is the common default); the lock does not stretch it. BLE reaches the
/// hub only through a bridge that polls it.
inline constexpr std::array<HeartbeatCadence, 5> kHeartbeatCadences{{
    {core::Transport::wifi, std::chrono::minutes{10}, std::chrono::minutes{30}},
    {core::Transport::ble_bridge, std::chrono::minutes{15}, std::chrono::minutes{30}},
    {core::Transport::zigbee, std::chrono::hours{1}, std::chrono::hours{1}},
    {core::Transport::zwave, std::chrono::hours{1}, std::chrono::hours{1}},
    {core::Transport::thread, std::chrono::minutes{15}, std::chrono::minutes{30}},
}};

/// The heartbeat interval of `transport` from kHeartbeatCadences.
constexpr Duration heartbeat_interval(core::Transport transport, bool low_battery) {
  for (const HeartbeatCadence& c : kHeartbeatCadences) {
    if (c.transport == transport) return low_battery ? c.low_battery : c.normal;
  }
  return std::chrono::hours{1};
}

enum class LinkState { down, joining, backing_off, up };

/// Why an attempt did or did not join.
enum class JoinOutcome {
  joined,
  no_credentials,     ///< Wi-Fi without credentials: nothing to join
  network_not_found,  ///< no access point with our SSID (renamed network, or out of range)
  auth_failed,        ///< the SSID is there but our passphrase is refused
  bssid_mismatch,     ///< a different access point than the pinned one (router replaced)
  unreachable,        ///< no signal / no coordinator answers
  not_due             ///< no attempt was due (state up or down, or still backing off)
};

std::string_view to_string(LinkState v) noexcept;
std::string_view to_string(JoinOutcome v) noexcept;

using Bssid = std::array<std::uint8_t, 6>;

/// What the radio sees of the network at the moment of an attempt.
struct NetworkOffer {
  bool reachable{true};
  std::string_view ssid;        ///< Wi-Fi: the SSID of the access point in range
  std::string_view passphrase;  ///< Wi-Fi: the passphrase that access point accepts
  Bssid bssid{};                ///< Wi-Fi: its MAC address
};

struct RadioLinkConfig {
  core::Transport transport{core::Transport::wifi};
  Duration initial_backoff{1s};
  Duration max_backoff{std::chrono::minutes{5}};
};

class RadioLink {
 public:
  static constexpr std::size_t kMaxSsidBytes = 32;        // IEEE 802.11
  static constexpr std::size_t kMinPassphraseBytes = 8;   // WPA2-PSK
  static constexpr std::size_t kMaxPassphraseBytes = 63;  // WPA2-PSK

  /// `random` must outlive the link.
  RadioLink(RadioLinkConfig config, core::Random& random);

  /// Stores new Wi-Fi credentials (an empty passphrase: an open network),
  /// forgets the pinned BSSID and the back-off, and makes an attempt due now.
  /// Errors: invalid_argument ("ssid: ..." 1..32 bytes, "passphrase: ..." 8..63
  /// bytes or empty); the old credentials stay then.
  Result<void> set_credentials(std::string_view ssid, std::string_view passphrase, Timestamp now);

  /// Leaves `down`: an attempt is due now.
  void start(Timestamp now);
  /// Stops joining (radio off); state down.
  void stop();

  /// True when the host should call attempt() now.
  [[nodiscard]] bool attempt_due(Timestamp now) const;
  /// One join attempt against what the radio sees. On failure the back-off
  /// grows and next_attempt() moves on; not_due changes nothing.
  JoinOutcome attempt(const NetworkOffer& offer, Timestamp now);
  /// The association dropped: rejoin at once (the back-off starts afresh).
  void link_lost(Timestamp now);

  [[nodiscard]] LinkState state() const { return state_; }
  [[nodiscard]] core::Transport transport() const { return config_.transport; }
  /// When the next attempt is due (meaningful in joining and backing_off).
  [[nodiscard]] Timestamp next_attempt() const { return next_attempt_; }
  /// Consecutive failed attempts since the last join or credential change.
  [[nodiscard]] int failures() const { return failures_; }
  /// The delay chosen after the last failure.
  [[nodiscard]] Duration last_backoff() const { return last_backoff_; }
  [[nodiscard]] std::string_view ssid() const { return {ssid_.data(), ssid_size_}; }
  /// The BSSID the lock last joined, if it has joined since set_credentials.
  [[nodiscard]] const Bssid* pinned_bssid() const { return bssid_pinned_ ? &bssid_ : nullptr; }
  /// The heartbeat interval for this transport (kHeartbeatCadences).
  [[nodiscard]] Duration heartbeat(bool low_battery) const {
    return heartbeat_interval(config_.transport, low_battery);
  }

 private:
  [[nodiscard]] JoinOutcome check(const NetworkOffer& offer) const;
  void back_off(Timestamp now);

  RadioLinkConfig config_;
  core::Random* random_;
  std::array<char, kMaxSsidBytes> ssid_{};
  std::size_t ssid_size_{0};
  std::array<char, kMaxPassphraseBytes> passphrase_{};
  std::size_t passphrase_size_{0};
  bool has_credentials_{false};
  Bssid bssid_{};
  bool bssid_pinned_{false};
  LinkState state_{LinkState::down};
  Timestamp next_attempt_{};
  int failures_{0};
  Duration last_backoff_{Duration::zero()};
};

}  // namespace lw::firmware
