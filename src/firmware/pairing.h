// Pairing: how a lock comes to trust a new controller key. A person presses
// the pairing button on the lock (physical presence), which opens a pairing
// window (2 minutes by default). Within it a controller pairs over the air
// (receive(): the X25519 exchange bound to the label code of
// docs/protocol.md 6.2, protocol/pairing_exchange.h), or, on a local link, presents
// the code itself (present(), compared in constant time). Either way the key
// is enrolled into the lock's CommandVerifier and the window closes. Too many
// wrong codes close the window early, so the code cannot be guessed within one
// button press.
//
// factory_reset() unenrolls every key this Pairing enrolled (the verifier
// keeps their replay counters, so commands signed before the reset can never
// be replayed after a re-pairing) and closes the window.
//
// Pure: no I/O and no clock; every time-dependent call takes `now`. The code
// and the enrolled key ids live in fixed arrays.
//
// Threading: not thread-safe; owned by the lock's main loop.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"
#include "firmware/command_verifier.h"
#include "protocol/envelope.h"
#include "protocol/pairing_exchange.h"

namespace lw::firmware {

enum class PairingOutcome {
  paired,               ///< the key is enrolled; the window is closed
  not_in_pairing_mode,  ///< no button press, or the window timed out
  wrong_code,           ///< the code does not match; the window stays open
  too_many_attempts,    ///< this wrong code used the last attempt; the window is closed
  enroll_failed,        ///< the verifier refused the key (bad key id, key table full)
  challenged,           ///< over the air: the lock answered a hello; the session waits for confirm
  code_too_short,       ///< over the air: the label code is shorter than kMinAirPairingCodeBytes
  malformed             ///< over the air: not a pair message, or none for the open session
};

std::string_view to_string(PairingOutcome v) noexcept;

class Pairing {
 public:
  static constexpr std::size_t kMinCodeBytes = 6;
  static constexpr std::size_t kMaxCodeBytes = 32;
  static constexpr int kMaxAttemptsPerWindow = 5;

  /// A pairing for the lock whose verifier is `verifier` (it must outlive
  /// this) and whose label shows `label_code` (6..32 characters; pairing
  /// over the air needs at least 16).
  /// Errors: invalid_argument ("pairing_code: must be 6..32 characters").
  static Result<Pairing> create(CommandVerifier& verifier, std::string_view label_code,
                                Duration window = std::chrono::minutes{2});

  Pairing(const Pairing&) = delete;
  Pairing& operator=(const Pairing&) = delete;
  Pairing(Pairing&& other) noexcept;
  Pairing& operator=(Pairing&&) = delete;
  ~Pairing();

  /// The pairing button was pressed: the window opens (or restarts) at `now`
  /// with a fresh set of attempts.
  void button_pressed(Timestamp now);
  [[nodiscard]] bool in_pairing_mode(Timestamp now) const { return now < window_ends_; }
  /// When the window closes (meaningful while in pairing mode).
  [[nodiscard]] Timestamp window_ends() const { return window_ends_; }

  /// A controller presents `code` with the key it wants trusted.
  PairingOutcome present(std::string_view code, std::string_view key_id, const protocol::PublicKey& key,
                         Timestamp now);

  /// What one message of the pair channel did.
  struct AirStep {
    std::string reply;  ///< the payload to publish on the pair channel; empty: nothing
    PairingOutcome outcome{PairingOutcome::malformed};
    std::string key_id;   ///< paired: the key now trusted
    bool hub_key{false};  ///< paired: the controller enrolled it as a hub key
  };
  /// One message of the `pair` channel (docs/protocol.md 6.2) for this lock
  /// (`self`) at `now`. hello → challenge (a fresh X25519 key; replaces any
  /// pending session); confirm → done: the controller's MAC is checked
  /// first; a wrong one costs an attempt (wrong_code, too_many_attempts) and
  /// ends the session; a right one opens the sealed enrolment and enrols it.
  AirStep receive(std::string_view payload, const core::LockAddress& self, Timestamp now);

  /// Closes the window and drops a pending session (a reboot: both lived in RAM).
  void close_window();

  /// Removes the trust of every key enrolled through this pairing and closes the window.
  void factory_reset();

  /// Keys enrolled through this pairing since the last factory_reset().
  [[nodiscard]] std::size_t paired_count() const;

 private:
  Pairing(CommandVerifier& verifier, std::string_view label_code, Duration window);

  struct KeyIdSlot {
    std::array<char, CommandVerifier::kMaxKeyIdBytes> id{};
    std::size_t size{0};
    [[nodiscard]] std::string_view view() const { return {id.data(), size}; }
  };

  void remember(std::string_view key_id);
  AirStep hello(const protocol::PairHello& hello, const core::LockAddress& self, Timestamp now);
  AirStep confirm(const protocol::PairConfirm& confirm, Timestamp now);
  /// Counts a failed attempt; closes the window at the last one.
  PairingOutcome wrong_code();

  CommandVerifier* verifier_;
  std::array<unsigned char, kMaxCodeBytes> code_{};
  std::size_t code_size_{0};
  Duration window_;
  Timestamp window_ends_{};
  int attempts_left_{0};
  std::array<KeyIdSlot, CommandVerifier::kMaxKeys> paired_{};
  /// The over-the-air session waiting for its confirm.
  std::string session_;
  std::optional<protocol::PairingKeys> session_keys_;
};

}  // namespace lw::firmware
