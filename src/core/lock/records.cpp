#include "core/lock/records.h"

#include <array>
#include <utility>

namespace lw::core {
namespace {
constexpr std::array<std::pair<ActionStatus, std::string_view>, 4> kActionStatus{{
    {ActionStatus::pending, "pending"},
    {ActionStatus::succeeded, "succeeded"},
    {ActionStatus::failed, "failed"},
    {ActionStatus::expired, "expired"},
}};
constexpr std::array<std::pair<EventKind, std::string_view>, 4> kEventKinds{{
    {EventKind::lock_operation, "lock_operation"},
    {EventKind::alarm, "alarm"},
    {EventKind::connectivity, "connectivity"},
    {EventKind::command, "command"},
}};

template <typename Table, typename E>
std::string_view name_of(const Table& t, E v) {
  for (const auto& [e, n] : t) {
    if (e == v) return n;
  }
  return "unknown";
}
template <typename E, typename Table>
std::optional<E> parse(const Table& t, std::string_view s) {
  for (const auto& [e, n] : t) {
    if (n == s) return e;
  }
  return std::nullopt;
}
}  // namespace

std::string_view to_string(ActionStatus v) noexcept { return name_of(kActionStatus, v); }
std::optional<ActionStatus> parse_action_status(std::string_view s) noexcept {
  return parse<ActionStatus>(kActionStatus, s);
}
std::string_view to_string(EventKind v) noexcept { return name_of(kEventKinds, v); }
std::optional<EventKind> parse_event_kind(std::string_view s) noexcept {
  return parse<EventKind>(kEventKinds, s);
}

}  // namespace lw::core
