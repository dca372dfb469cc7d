// The signed unpair command (docs/protocol.md, section 6.3): an enrolled key
// asks the lock to stop trusting a key (its own or another). It travels on the
// `cmd` topic in the envelope of section 5.1; its body is the command body of
// 5.2 with `"action":"unpair"` and the key to remove in `subject_key_id`, so
// the lock's checks (signature, target, validity window, counter) are the
// same as for every command.
//
// Threading: pure functions over plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "core/lock/messages.h"
#include "protocol/envelope.h"

namespace lw::protocol {

struct UnpairCommand {
  /// id, target, issued_at, expires_at, counter, key_id as in 5.2; `action` is unused.
  core::Command command;
  std::string subject_key_id;
};

/// True when the body's `action` is "unpair" (read WITHOUT authentication: only
/// to choose the decoder after the signature verified).
bool is_unpair_body(std::string_view body);

/// Decodes an unpair body. Errors (invalid_argument) name the field as
/// decode_command_body does; "cmd.body.action: must be unpair",
/// "cmd.body.subject_key_id: missing".
Result<UnpairCommand> decode_unpair_body(std::string_view body);

std::string encode_unpair_body(const UnpairCommand& unpair);
/// The unpair command as an envelope signed by `key` under unpair.command.key_id.
std::string seal_unpair(const UnpairCommand& unpair, const SigningKey& key);

}  // namespace lw::protocol
