#include "firmware/radio_link.h"

#include <sodium.h>

#include <algorithm>

namespace lw::firmware {

std::string_view to_string(LinkState v) noexcept {
  switch (v) {
    case LinkState::down: return "down";
    case LinkState::joining: return "joining";
    case LinkState::backing_off: return "backing_off";
    case LinkState::up: return "up";
  }
  return "unknown";
}

std::string_view to_string(JoinOutcome v) noexcept {
  switch (v) {
    case JoinOutcome::joined: return "joined";
    case JoinOutcome::no_credentials: return "no_credentials";
    case JoinOutcome::network_not_found: return "network_not_found";
    case JoinOutcome::auth_failed: return "auth_failed";
    case JoinOutcome::bssid_mismatch: return "bssid_mismatch";
    case JoinOutcome::unreachable: return "unreachable";
    case JoinOutcome::not_due: return "not_due";
  }
  return "unknown";
}

RadioLink::RadioLink(RadioLinkConfig config, core::Random& random) : config_(config), random_(&random) {}

Result<void> RadioLink::set_credentials(std::string_view ssid, std::string_view passphrase, Timestamp now) {
  if (ssid.empty() || ssid.size() > kMaxSsidBytes) return invalid_argument("ssid", "must be 1..32 bytes");
  if (!passphrase.empty() &&
      (passphrase.size() < kMinPassphraseBytes || passphrase.size() > kMaxPassphraseBytes)) {
    return invalid_argument("passphrase", "must be 8..63 bytes, or empty for an open network");
  }
  sodium_memzero(passphrase_.data(), passphrase_.size());
  ssid_.fill('\0');
  std::copy(ssid.begin(), ssid.end(), ssid_.begin());
  ssid_size_ = ssid.size();
  std::copy(passphrase.begin(), passphrase.end(), passphrase_.begin());
  passphrase_size_ = passphrase.size();
  has_credentials_ = true;
  bssid_pinned_ = false;
  bssid_ = {};
  failures_ = 0;
  last_backoff_ = Duration::zero();
  state_ = LinkState::joining;
  next_attempt_ = now;
  return ok();
}

void RadioLink::start(Timestamp now) {
  if (state_ != LinkState::down) return;
  state_ = LinkState::joining;
  next_attempt_ = now;
}

void RadioLink::stop() { state_ = LinkState::down; }

bool RadioLink::attempt_due(Timestamp now) const {
  return (state_ == LinkState::joining || state_ == LinkState::backing_off) && now >= next_attempt_;
}

JoinOutcome RadioLink::check(const NetworkOffer& offer) const {
  if (config_.transport != core::Transport::wifi) {
    return offer.reachable ? JoinOutcome::joined : JoinOutcome::unreachable;
  }
  if (!has_credentials_) return JoinOutcome::no_credentials;
  if (!offer.reachable) return JoinOutcome::unreachable;
  if (offer.ssid != ssid()) return JoinOutcome::network_not_found;
  if (bssid_pinned_ && offer.bssid != bssid_) return JoinOutcome::bssid_mismatch;
  // The passphrase is compared in constant time for its length.
  if (offer.passphrase.size() != passphrase_size_) return JoinOutcome::auth_failed;
  if (passphrase_size_ > 0 &&
      sodium_memcmp(offer.passphrase.data(), passphrase_.data(), passphrase_size_) != 0) {
    return JoinOutcome::auth_failed;
  }
  return JoinOutcome::joined;
}

JoinOutcome RadioLink::attempt(const NetworkOffer& offer, Timestamp now) {
  if (!attempt_due(now)) return JoinOutcome::not_due;
  const JoinOutcome outcome = check(offer);
  if (outcome == JoinOutcome::joined) {
    state_ = LinkState::up;
    failures_ = 0;
    last_backoff_ = Duration::zero();
    if (config_.transport == core::Transport::wifi) {
      bssid_ = offer.bssid;
      bssid_pinned_ = true;
    }
  } else {
    back_off(now);
  }
  return outcome;
}

void RadioLink::back_off(Timestamp now) {
  ++failures_;
  Duration nominal = config_.initial_backoff;
  for (int i = 1; i < failures_ && nominal < config_.max_backoff; ++i) nominal *= 2;
  nominal = std::min(nominal, config_.max_backoff);
  const auto half = nominal.count() / 2;
  const auto span = static_cast<std::uint64_t>(nominal.count() - half) + 1;
  const auto jitter = static_cast<Duration::rep>(random_->next_u64() % span);
  last_backoff_ = Duration{half + jitter};
  next_attempt_ = now + last_backoff_;
  state_ = LinkState::backing_off;
}

void RadioLink::link_lost(Timestamp now) {
  if (state_ != LinkState::up) return;
  state_ = LinkState::joining;
  failures_ = 0;
  next_attempt_ = now;
}

}  // namespace lw::firmware
