#include "core/access/login_throttle.h"

#include <algorithm>

namespace lw::core::access {

std::optional<Duration> LoginThrottle::blocked_for(std::string_view key, Timestamp now) const {
  auto it = keys_.find(key);
  if (it == keys_.end() || it->second.blocked_until <= now) return std::nullopt;
  return std::chrono::duration_cast<Duration>(it->second.blocked_until - now);
}

void LoginThrottle::failed(const std::string& key, Timestamp now) {
  forget_stale(now);
  State& s = keys_[key];
  s.failures += 1;
  s.last_failure = now;
  const int over = s.failures - options_.free_failures;
  if (over <= 0) return;
  Duration wait = options_.backoff;
  for (int i = 1; i < over && wait < options_.max_backoff; ++i) wait *= 2;
  s.blocked_until = now + std::min(wait, options_.max_backoff);
}

void LoginThrottle::succeeded(std::string_view key) {
  auto it = keys_.find(key);
  if (it != keys_.end()) keys_.erase(it);
}

void LoginThrottle::forget_stale(Timestamp now) {
  std::erase_if(keys_, [&](const auto& entry) {
    return entry.second.blocked_until <= now && now - entry.second.last_failure > options_.forget_after;
  });
  while (keys_.size() >= options_.max_keys) {
    auto oldest = std::min_element(keys_.begin(), keys_.end(), [](const auto& a, const auto& b) {
      return a.second.last_failure < b.second.last_failure;
    });
    keys_.erase(oldest);
  }
}

}  // namespace lw::core::access
