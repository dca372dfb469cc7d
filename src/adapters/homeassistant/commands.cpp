#include "adapters/homeassistant/commands.h"

namespace lw::adapters::homeassistant {
namespace {

std::string_view trimmed(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

Traits traits_for(core::Transport /*transport*/) noexcept { return Traits{}; }

Result<core::LockAction> parse_command(std::string_view payload, const Traits& traits) {
  const std::string_view p = trimmed(payload);
  if (p == kPayloadLock) return core::LockAction::lock;
  if (p == kPayloadUnlock) return core::LockAction::unlock;
  if (p == kPayloadOpen) {
    if (!traits.unlatch) return invalid_argument("command", "OPEN: the lock cannot unlatch");
    return core::LockAction::unlatch;
  }
  return invalid_argument("command",
                          traits.unlatch ? "must be LOCK, UNLOCK or OPEN" : "must be LOCK or UNLOCK");
}

}  // namespace lw::adapters::homeassistant
