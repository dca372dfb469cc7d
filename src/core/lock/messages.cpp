#include "core/lock/messages.h"

#include <array>
#include <utility>

namespace lw::core {
namespace {
constexpr std::array<std::pair<CommandOutcome, std::string_view>, 10> kOutcomes{{
    {CommandOutcome::ok, "ok"},
    {CommandOutcome::malformed, "malformed"},
    {CommandOutcome::unknown_key, "unknown_key"},
    {CommandOutcome::bad_signature, "bad_signature"},
    {CommandOutcome::wrong_target, "wrong_target"},
    {CommandOutcome::expired, "expired"},
    {CommandOutcome::replayed, "replayed"},
    {CommandOutcome::unsupported, "unsupported"},
    {CommandOutcome::jammed, "jammed"},
    {CommandOutcome::low_battery, "low_battery"},
}};
}  // namespace

std::string_view to_string(CommandOutcome v) noexcept {
  for (const auto& [e, n] : kOutcomes) {
    if (e == v) return n;
  }
  return "malformed";
}

std::optional<CommandOutcome> parse_command_outcome(std::string_view s) noexcept {
  for (const auto& [e, n] : kOutcomes) {
    if (n == s) return e;
  }
  return std::nullopt;
}

}  // namespace lw::core
