#include "firmware/update_slots.h"

#include <sodium.h>

#include <algorithm>
#include <utility>

namespace lw::firmware {
namespace {

bool sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

}  // namespace

std::string_view to_string(InstallOutcome v) noexcept {
  switch (v) {
    case InstallOutcome::installing: return "installing";
    case InstallOutcome::refused_bad_signature: return "refused_bad_signature";
    case InstallOutcome::refused_rollback: return "refused_rollback";
    case InstallOutcome::refused_busy: return "refused_busy";
    case InstallOutcome::refused_malformed: return "refused_malformed";
    case InstallOutcome::refused_wrong_model: return "refused_wrong_model";
    case InstallOutcome::refused_stale_metadata: return "refused_stale_metadata";
    case InstallOutcome::refused_counter_jump: return "refused_counter_jump";
  }
  return "unknown";
}

std::string_view to_string(BootResult v) noexcept {
  switch (v) {
    case BootResult::normal: return "normal";
    case BootResult::trial: return "trial";
    case BootResult::crashed: return "crashed";
    case BootResult::rolled_back: return "rolled_back";
    case BootResult::install_interrupted: return "install_interrupted";
  }
  return "unknown";
}

PayloadHash payload_hash(std::span<const unsigned char> payload) {
  PayloadHash hash{};
  (void)sodium_ready();
  crypto_generichash(hash.data(), hash.size(), payload.data(), payload.size(), nullptr, 0);
  return hash;
}

namespace {

// "lw-fw-v2\n" + model (<= 31) + "\n" + version (<= 31) + "\n" + counter (<= 20 digits) + "\n" +
// expiry (<= 20 digits) + "\n" + 64 hex + "\n"
constexpr std::size_t kMaxManifestBytes = 9 + UpdateSlots::kMaxModelBytes + 1 +
                                          UpdateSlots::kMaxVersionBytes + 1 + 20 + 1 + 20 + 1 +
                                          kPayloadHashBytes * 2 + 1;

/// Writes the manifest into `out` without allocating; returns its length.
/// `model` and `version` must be at most kMaxModelBytes / kMaxVersionBytes long.
std::size_t write_manifest(std::array<char, kMaxManifestBytes>& out, std::string_view model,
                           std::string_view version, std::uint64_t security_counter, Timestamp expires_at,
                           const PayloadHash& hash) {
  std::size_t n = 0;
  const auto put = [&](std::string_view s) {
    std::copy(s.begin(), s.end(), out.begin() + static_cast<std::ptrdiff_t>(n));
    n += s.size();
  };
  const auto put_number = [&](std::uint64_t v) {
    std::array<char, 21> digits{};
    std::size_t d = digits.size();
    do {
      digits[--d] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    put({digits.data() + d, digits.size() - d});
    put("\n");
  };
  put("lw-fw-v2\n");
  put(model);
  put("\n");
  put(version);
  put("\n");
  put_number(security_counter);
  put_number(static_cast<std::uint64_t>(std::max<std::int64_t>(0, to_epoch_ms(expires_at))));
  std::array<char, kPayloadHashBytes * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), hash.data(), hash.size());
  put({hex.data(), kPayloadHashBytes * 2});
  put("\n");
  return n;
}

}  // namespace

std::string image_manifest(std::string_view model, std::string_view version, std::uint64_t security_counter,
                           Timestamp expires_at, const PayloadHash& hash) {
  std::array<char, kMaxManifestBytes> buffer{};
  const std::size_t n =
      write_manifest(buffer, model.substr(0, UpdateSlots::kMaxModelBytes),
                     version.substr(0, UpdateSlots::kMaxVersionBytes), security_counter, expires_at, hash);
  return {buffer.data(), n};
}

FirmwareImage sign_image(std::string model, std::string version, std::uint64_t security_counter,
                         Timestamp expires_at, std::vector<unsigned char> payload,
                         const protocol::SigningKey& key) {
  FirmwareImage image;
  image.model = std::move(model);
  image.version = std::move(version);
  image.security_counter = security_counter;
  image.expires_at = expires_at;
  image.payload = std::move(payload);
  image.signature = key.sign(
      image_manifest(image.model, image.version, security_counter, expires_at, payload_hash(image.payload)));
  return image;
}

UpdateSlots::UpdateSlots(const protocol::PublicKey& vendor, std::string_view model,
                         std::string_view factory_version, std::uint64_t factory_counter,
                         Duration install_window)
    : vendor_(vendor), install_window_(install_window), anti_rollback_(factory_counter) {
  model_size_ = std::min(model.size(), kMaxModelBytes);
  std::copy_n(model.begin(), model_size_, model_.begin());
  Slot& factory = slots_[0];
  set_version(factory, factory_version);
  factory.security_counter = factory_counter;
  factory.valid = true;
}

void UpdateSlots::set_version(Slot& slot, std::string_view version) {
  slot.version.fill('\0');
  slot.version_size = std::min(version.size(), kMaxVersionBytes);
  std::copy_n(version.begin(), slot.version_size, slot.version.begin());
}

InstallOutcome UpdateSlots::install(const FirmwareImage& image, Timestamp now) {
  if (phase_ != Phase::idle) return InstallOutcome::refused_busy;
  if (image.version.empty() || image.version.size() > kMaxVersionBytes || image.model.empty() ||
      image.model.size() > kMaxModelBytes)
    return InstallOutcome::refused_malformed;
  const PayloadHash hash = payload_hash(image.payload);
  std::array<char, kMaxManifestBytes> manifest{};
  const std::size_t manifest_size =
      write_manifest(manifest, image.model, image.version, image.security_counter, image.expires_at, hash);
  if (!sodium_ready() || crypto_sign_verify_detached(image.signature.data(),
                                                     reinterpret_cast<const unsigned char*>(manifest.data()),
                                                     manifest_size, vendor_.bytes.data()) != 0) {
    return InstallOutcome::refused_bad_signature;
  }
  // The rest is checked only on a signed manifest: an unsigned claim proves nothing.
  if (image.model != model()) return InstallOutcome::refused_wrong_model;
  // A manifest past its expiry may be one a network attacker froze: a newer
  // image (with a fix) may exist that the lock is not being shown.
  if (now >= image.expires_at) return InstallOutcome::refused_stale_metadata;
  if (image.security_counter < anti_rollback_) return InstallOutcome::refused_rollback;
  // A jump far beyond the running counter would, once confirmed, make every
  // later genuine image a "rollback": the lock could never be fixed again.
  if (image.security_counter - anti_rollback_ > kMaxCounterStep) return InstallOutcome::refused_counter_jump;
  Slot& slot = slots_[inactive()];
  slot = Slot{};
  set_version(slot, image.version);
  slot.security_counter = image.security_counter;
  slot.hash = hash;
  slot.valid = true;
  phase_ = Phase::installing;
  install_done_at_ = now + install_window_;
  return InstallOutcome::installing;
}

bool UpdateSlots::installing(Timestamp now) const {
  return phase_ == Phase::installing && now < install_done_at_;
}

BootResult UpdateSlots::boot(Timestamp now) {
  switch (phase_) {
    case Phase::idle: return BootResult::normal;
    case Phase::installing:
      if (now < install_done_at_) {
        slots_[inactive()] = Slot{};
        phase_ = Phase::idle;
        return BootResult::install_interrupted;
      }
      previous_ = active_;
      active_ = inactive();
      if (fail_next_boot_) {
        fail_next_boot_ = false;
        phase_ = Phase::crashed;
        return BootResult::crashed;
      }
      phase_ = Phase::trial;
      return BootResult::trial;
    case Phase::trial:
    case Phase::crashed: {
      // Never boot an unconfirmed image twice: back to the previous slot.
      Slot& failed = slots_[active_];
      rolled_back_ = failed.version;
      rolled_back_size_ = failed.version_size;
      failed = Slot{};
      active_ = previous_;
      phase_ = Phase::idle;
      ++rollbacks_;
      return BootResult::rolled_back;
    }
  }
  return BootResult::normal;
}

Result<void> UpdateSlots::confirm() {
  if (phase_ != Phase::trial) return failed_precondition("no firmware image is on trial");
  anti_rollback_ = std::max(anti_rollback_, slots_[active_].security_counter);
  phase_ = Phase::idle;
  return ok();
}

std::string_view UpdateSlots::active_version() const {
  const Slot& slot = slots_[active_];
  return {slot.version.data(), slot.version_size};
}

std::string_view UpdateSlots::rolled_back_version() const { return {rolled_back_.data(), rolled_back_size_}; }

}  // namespace lw::firmware
