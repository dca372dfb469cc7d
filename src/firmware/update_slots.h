// UpdateSlots: A/B firmware slots with signed images and anti-rollback.
//
// A firmware image is a version (a semantic version string for people and a
// monotonically increasing integer security counter for the anti-rollback
// check), the payload bytes, and the vendor's Ed25519 signature over a
// manifest:
//     "lw-fw-v1\n" <version> "\n" <security counter, decimal> "\n"
//     <BLAKE2b-256 of the payload, lowercase hex> "\n"
// so changing the payload, the version or the counter breaks the signature.
//
// Life of an update:
//   install(image)  verify (signature by the vendor key, counter not below the
//                   anti-rollback counter) → write into the inactive slot;
//                   the lock is `installing` (offline) for install_window.
//   boot()          after the window the device reboots into the new slot
//                   on trial (BootResult::trial) — or, with the fault hook
//                   fail_next_boot set, the new image crashes
//                   (BootResult::crashed) and the next boot() rolls back to the
//                   previous slot (BootResult::rolled_back).
//   confirm()       the application found the new image healthy: the trial
//                   ends and the anti-rollback counter rises to the image's.
// A trial image that reboots before confirm() is rolled back, too (the
// bootloader never boots an unconfirmed image twice). A reboot during the
// install window leaves the inactive slot incomplete: it is discarded.
//
// Slots hold the image's metadata and payload hash (the flash contents stand
// behind them); no allocation after construction.
//
// Threading: not thread-safe; owned by the lock's main loop.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "protocol/envelope.h"

namespace lw::firmware {

inline constexpr std::size_t kPayloadHashBytes = 32;  // BLAKE2b-256
using PayloadHash = std::array<unsigned char, kPayloadHashBytes>;

/// An image as the vendor publishes it.
struct FirmwareImage {
  std::string version;                ///< "1.4.2"; 1..31 bytes
  std::uint64_t security_counter{0};  ///< anti-rollback level
  std::vector<unsigned char> payload;
  protocol::Signature signature{};  ///< Ed25519 over image_manifest()
};

/// BLAKE2b-256 of `payload` (libsodium crypto_generichash).
PayloadHash payload_hash(std::span<const unsigned char> payload);
/// The exact bytes the vendor signs (see the header comment); a version
/// longer than UpdateSlots::kMaxVersionBytes is cut (the lock refuses such an
/// image anyway).
std::string image_manifest(std::string_view version, std::uint64_t security_counter, const PayloadHash& hash);
/// Vendor side: an image signed with `key` (for tools, tests and the simulator).
FirmwareImage sign_image(std::string version, std::uint64_t security_counter,
                         std::vector<unsigned char> payload, const protocol::SigningKey& key);

enum class InstallOutcome {
  installing,             ///< verified and being written; the lock is offline until the window ends
  refused_bad_signature,  ///< tampered, or signed by another key
  refused_rollback,       ///< security counter below the anti-rollback counter
  refused_busy,           ///< an install or an unconfirmed trial is in progress
  refused_malformed       ///< version empty or longer than kMaxVersionBytes
};

enum class BootResult {
  normal,              ///< booted the active slot; nothing pending
  trial,               ///< booted a new image; call confirm() once healthy
  crashed,             ///< the new image failed to start; boot() again to roll back
  rolled_back,         ///< back on the previous image; the new one is discarded
  install_interrupted  ///< rebooted during the install window; the partial image is discarded
};

std::string_view to_string(InstallOutcome v) noexcept;
std::string_view to_string(BootResult v) noexcept;

class UpdateSlots {
 public:
  static constexpr std::size_t kMaxVersionBytes = 31;

  /// Slot A holds the factory image `factory_version` with
  /// `factory_counter`, which is also the starting anti-rollback counter.
  /// `vendor` is the only key images may be signed with. A factory version
  /// longer than kMaxVersionBytes is cut.
  UpdateSlots(const protocol::PublicKey& vendor, std::string_view factory_version,
              std::uint64_t factory_counter, Duration install_window = std::chrono::minutes{2});

  /// Verifies `image` and writes it into the inactive slot at `now`.
  InstallOutcome install(const FirmwareImage& image, Timestamp now);

  /// True while an install is being written (the lock is offline).
  [[nodiscard]] bool installing(Timestamp now) const;
  /// When the current install window ends (meaningful while installing).
  [[nodiscard]] Timestamp install_done_at() const { return install_done_at_; }

  /// The device (re)starts at `now`. See BootResult.
  BootResult boot(Timestamp now);

  /// Ends the trial of a new image and raises the anti-rollback counter to its
  /// security counter. Errors: failed_precondition (no image on trial).
  Result<void> confirm();

  // --- fault hooks ---
  /// The next image booted from a new slot crashes before it can confirm.
  void fail_next_boot() { fail_next_boot_ = true; }

  [[nodiscard]] std::string_view active_version() const;
  [[nodiscard]] std::uint64_t active_security_counter() const { return slots_[active_].security_counter; }
  /// 0 for slot A, 1 for slot B.
  [[nodiscard]] int active_slot() const { return active_; }
  [[nodiscard]] std::uint64_t anti_rollback_counter() const { return anti_rollback_; }
  [[nodiscard]] bool on_trial() const { return phase_ == Phase::trial; }
  /// The version that the last roll-back discarded (empty when none).
  [[nodiscard]] std::string_view rolled_back_version() const;
  [[nodiscard]] int rollback_count() const { return rollbacks_; }

 private:
  struct Slot {
    std::array<char, kMaxVersionBytes> version{};
    std::size_t version_size{0};
    std::uint64_t security_counter{0};
    PayloadHash hash{};
    bool valid{false};
  };
  enum class Phase { idle, installing, trial, crashed };

  [[nodiscard]] int inactive() const { return 1 - active_; }
  static void set_version(Slot& slot, std::string_view version);

  protocol::PublicKey vendor_;
  Duration install_window_;
  std::array<Slot, 2> slots_{};
  int active_{0};
  int previous_{0};
  Phase phase_{Phase::idle};
  Timestamp install_done_at_{};
  std::uint64_t anti_rollback_;
  bool fail_next_boot_{false};
  std::array<char, kMaxVersionBytes> rolled_back_{};
  std::size_t rolled_back_size_{0};
  int rollbacks_{0};
};

}  // namespace lw::firmware
