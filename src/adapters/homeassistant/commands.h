// What Home Assistant may ask of a lock on its command topic
// (<state>/lock/<lock>/set), checked against what the lock can do, and the
// hub action it becomes. Home Assistant's MQTT lock sends `payload_lock`,
// `payload_unlock` and, when the config declares `payload_open`, that one
// (docs/integrations.md; the defaults LOCK / UNLOCK / OPEN are kept).
//
// Security: a command here is trusted as far as the broker trusts whoever
// published it — it becomes the same hub action as POST /api/v1/locks/{id}/unlock,
// signed with the hub's key. Who may publish on <state>/lock/+/set is decided
// by the broker's ACLs alone.
//
// Threading: pure functions.
#pragma once

#include <string_view>

#include "base/result.h"
#include "core/lock/vocabulary.h"

namespace lw::adapters::homeassistant {

inline constexpr std::string_view kPayloadLock = "LOCK";
inline constexpr std::string_view kPayloadUnlock = "UNLOCK";
inline constexpr std::string_view kPayloadOpen = "OPEN";

/// What a lock can do beyond lock and unlock, as its discovery config declares it.
struct Traits {
  bool unlatch{false};  ///< pulls the latch (Home Assistant's "open"); declared with payload_open
};

/// The traits the hub knows for `transport`. The lock record does not carry
/// an unlatch capability yet, and native lockwarden locks refuse unlatch
/// (firmware Bolt: refused_unsupported), so no lock declares `open` today.
Traits traits_for(core::Transport transport) noexcept;

/// The hub action for a command payload (exact, case-sensitive, surrounding
/// whitespace ignored). Errors: invalid_argument naming "command" — an
/// unknown payload ("must be LOCK or UNLOCK"), or OPEN for a lock whose
/// traits do not include unlatch ("OPEN: the lock cannot unlatch").
Result<core::LockAction> parse_command(std::string_view payload, const Traits& traits);

}  // namespace lw::adapters::homeassistant
