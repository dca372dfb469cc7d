#include "core/lock/messages.h"

#include "base/enum_names.h"

namespace lw::core {
namespace {
constexpr EnumNames<CommandOutcome, 12> kOutcomes{{{
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
    {CommandOutcome::refused, "refused"},
    {CommandOutcome::not_allowed, "not_allowed"},
}}};
}  // namespace

std::string_view to_string(CommandOutcome v) noexcept { return kOutcomes.name(v, "malformed"); }
std::optional<CommandOutcome> parse_command_outcome(std::string_view s) noexcept {
  return kOutcomes.parse(s);
}

}  // namespace lw::core
