#include "core/lock/records.h"

#include "base/enum_names.h"

namespace lw::core {
namespace {
constexpr EnumNames<ActionStatus, 4> kActionStatus{{{
    {ActionStatus::pending, "pending"},
    {ActionStatus::succeeded, "succeeded"},
    {ActionStatus::failed, "failed"},
    {ActionStatus::expired, "expired"},
}}};
constexpr EnumNames<EventKind, 6> kEventKinds{{{
    {EventKind::lock_operation, "lock_operation"},
    {EventKind::alarm, "alarm"},
    {EventKind::connectivity, "connectivity"},
    {EventKind::command, "command"},
    {EventKind::access_code, "access_code"},
    {EventKind::health, "health"},
}}};

}  // namespace

std::string_view to_string(ActionStatus v) noexcept { return kActionStatus.name(v); }
std::optional<ActionStatus> parse_action_status(std::string_view s) noexcept {
  return kActionStatus.parse(s);
}
std::string_view to_string(EventKind v) noexcept { return kEventKinds.name(v); }
std::optional<EventKind> parse_event_kind(std::string_view s) noexcept { return kEventKinds.parse(s); }

}  // namespace lw::core
