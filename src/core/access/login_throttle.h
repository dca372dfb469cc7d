// LoginThrottle: back-off for failed sign-ins, per key (the adapter uses one
// key per user name and one per client address, docs/api.md "Rate limits").
//
// The first `free_failures` failures of a key cost nothing; each one after
// them blocks the key for `backoff`, doubling with every further failure up
// to `max_backoff`. A success resets the key. While a key is blocked the
// adapter answers 429 with Retry-After and does not check the password, so a
// guesser gains nothing by waiting less. A key untouched for `forget_after`
// is forgotten, and at most `max_keys` keys are kept (the least recently
// failed go first), so memory stays bounded under a spray of names.
//
// Example:
//   LoginThrottle t({.free_failures = 5, .backoff = 1s});
//   for (int i = 0; i < 6; ++i) t.failed("user:ana", now);
//   t.blocked_for("user:ana", now);   // 1 s: answer 429, Retry-After: 1
//
// Pure: time comes in as a parameter. Threading: one thread at a time.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"

namespace lw::core::access {

class LoginThrottle {
 public:
  struct Options {
    int free_failures{5};
    Duration backoff{std::chrono::seconds(30)};
    Duration max_backoff{std::chrono::hours(1)};
    Duration forget_after{std::chrono::hours(24)};
    std::size_t max_keys{10000};
  };

  explicit LoginThrottle(Options options) : options_(options) {}

  /// How long `key` stays blocked after `now`; nullopt when it may try now.
  [[nodiscard]] std::optional<Duration> blocked_for(std::string_view key, Timestamp now) const;
  /// A failed attempt of `key` at `now`.
  void failed(const std::string& key, Timestamp now);
  /// A successful attempt: `key` starts afresh.
  void succeeded(std::string_view key);

  [[nodiscard]] std::size_t size() const { return keys_.size(); }

 private:
  struct State {
    int failures{0};
    Timestamp last_failure{};
    Timestamp blocked_until{};
  };
  void forget_stale(Timestamp now);

  Options options_;
  std::map<std::string, State, std::less<>> keys_;
};

}  // namespace lw::core::access
