// Pairing: how a lock comes to trust a new controller key. A person presses
// the pairing button on the lock (physical presence), which opens a pairing
// window (2 minutes by default); within it a controller presents the pairing
// code printed on the lock's label, its key id and its Ed25519 public key.
// When the code matches (compared in constant time) the key is enrolled into
// the lock's CommandVerifier and the window closes. Too many wrong codes close
// the window early, so the code cannot be guessed within one button press.
//
// factory_reset() unenrolls every key this Pairing enrolled (the verifier
// keeps their replay counters, so commands signed before the reset can never
// be replayed after a re-pairing) and closes the window.
//
// Pure: no I/O and no clock; every time-dependent call takes `now`. No
// allocation: the code and the enrolled key ids live in fixed arrays.
//
// Threading: not thread-safe; owned by the lock's main loop.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "base/result.h"
#include "base/time.h"
#include "firmware/command_verifier.h"
#include "protocol/envelope.h"

namespace lw::firmware {

enum class PairingOutcome {
  paired,               ///< the key is enrolled; the window is closed
  not_in_pairing_mode,  ///< no button press, or the window timed out
  wrong_code,           ///< the code does not match; the window stays open
  too_many_attempts,    ///< this wrong code used the last attempt; the window is closed
  enroll_failed         ///< the verifier refused the key (bad key id, key table full)
};

std::string_view to_string(PairingOutcome v) noexcept;

class Pairing {
 public:
  static constexpr std::size_t kMinCodeBytes = 6;
  static constexpr std::size_t kMaxCodeBytes = 16;
  static constexpr int kMaxAttemptsPerWindow = 5;

  /// A pairing for the lock whose verifier is `verifier` (it must outlive
  /// this) and whose label shows `label_code` (6..16 characters).
  /// Errors: invalid_argument ("pairing_code: must be 6..16 characters").
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

  CommandVerifier* verifier_;
  std::array<unsigned char, kMaxCodeBytes> code_{};
  std::size_t code_size_{0};
  Duration window_;
  Timestamp window_ends_{};
  int attempts_left_{0};
  std::array<KeyIdSlot, CommandVerifier::kMaxKeys> paired_{};
};

}  // namespace lw::firmware
