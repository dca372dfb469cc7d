// UpdateSlots: A/B firmware slots with signed images and anti-rollback.
//
// A firmware image is the model it is built for, a version (a semantic
// version string for people and a monotonically increasing integer security
// counter for the anti-rollback check), the manifest's expiry, the payload
// bytes, and the vendor's Ed25519 signature over a manifest:
//     "lw-fw-v2\n" <model> "\n" <version> "\n" <security counter, decimal> "\n"
//     <expiry, ms since the epoch, decimal> "\n"
//     <BLAKE2b-256 of the payload, lowercase hex> "\n"
// so changing the payload, the model, the version, the counter or the expiry
// breaks the signature. An authentic image is still refused when it is for
// another model, its manifest has expired by the lock's clock (a frozen
// update feed: TUF's freeze attack), its counter is below the anti-rollback
// counter (a downgrade), or its counter jumps more than kMaxCounterStep above
// it (fast-forward: once confirmed, every later genuine image would be a
// "rollback").
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
  std::string model;                  ///< the hardware it is built for; 1..31 bytes
  std::string version;                ///< "1.4.2"; 1..31 bytes
  std::uint64_t security_counter{0};  ///< anti-rollback level
  Timestamp expires_at{};             ///< the manifest is not installed from then on
  std::vector<unsigned char> payload;
  protocol::Signature signature{};  ///< Ed25519 over image_manifest()
};

/// BLAKE2b-256 of `payload` (libsodium crypto_generichash).
PayloadHash payload_hash(std::span<const unsigned char> payload);
/// The exact bytes the vendor signs (see the header comment); a model or
/// version longer than UpdateSlots::kMaxModelBytes / kMaxVersionBytes is cut
/// (the lock refuses such an image anyway).
std::string image_manifest(std::string_view model, std::string_view version, std::uint64_t security_counter,
                           Timestamp expires_at, const PayloadHash& hash);
/// Vendor side: an image signed with `key` (for tools, tests and the simulator).
FirmwareImage sign_image(std::string model, std::string version, std::uint64_t security_counter,
                         Timestamp expires_at, std::vector<unsigned char> payload,
                         const protocol::SigningKey& key);

enum class InstallOutcome {
  installing,              ///< verified and being written; the lock is offline until the window ends
  refused_bad_signature,   ///< tampered, or signed by another key
  refused_rollback,        ///< security counter below the anti-rollback counter
  refused_busy,            ///< an install or an unconfirmed trial is in progress
  refused_malformed,       ///< model or version empty or too long
  refused_wrong_model,     ///< signed for another model
  refused_stale_metadata,  ///< the manifest expired (by the lock's clock)
  refused_counter_jump     ///< security counter more than kMaxCounterStep above the anti-rollback counter
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
  static constexpr std::size_t kMaxModelBytes = 31;
  /// The most one image may raise the security counter (a vendor raises it by
  /// one per security fix).
  static constexpr std::uint64_t kMaxCounterStep = 65'536;

  /// Slot A holds the factory image `factory_version` with
  /// `factory_counter`, which is also the starting anti-rollback counter.
  /// `vendor` is the only key images may be signed with, for `model` only. A
  /// model or factory version longer than its maximum is cut.
  UpdateSlots(const protocol::PublicKey& vendor, std::string_view model, std::string_view factory_version,
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
  [[nodiscard]] std::string_view model() const { return {model_.data(), model_size_}; }
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
  std::array<char, kMaxModelBytes> model_{};
  std::size_t model_size_{0};
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
