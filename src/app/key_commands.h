// The CLI's key commands (docs/protocol.md 5.5 and 6.2):
//   lockwarden key create [--key-file F] [--key-id ID]   a device key (mode 0600)
//   lockwarden pair --lock SITE/LOCK --code CODE [--key-file F]
//   lockwarden unpair --lock SITE/LOCK --key-id ID         the lock forgets the key
//   lockwarden lock|unlock ID --key-file F                 signed by the device key
// Exit codes as in cli_client.h: 0 done, 1 failed or refused, 2 bad usage,
// 3 the hub cannot be reached. The secret key and the label code are never printed.
// Threading: the calling thread; blocking HTTP.
#pragma once

#include <ostream>
#include <string>

#include "app/cli_client.h"
#include "base/time.h"

namespace lw::app {

int cmd_key_create(const std::string& key_file, const std::string& key_id, std::ostream& out,
                   std::ostream& err);

/// Pairs the lock (its pairing window must be open) with the hub's key, or
/// with the device key in `key_file` when given; waits up to `wait`.
int cmd_pair(const ClientOptions& options, const std::string& lock, const std::string& code,
             const std::string& key_file, Duration wait, std::ostream& out, std::ostream& err);

/// Asks the lock, through the hub (signed with the hub's key), to stop
/// trusting `key_id`; waits up to `wait` for the lock's answer.
int cmd_unpair(const ClientOptions& options, const std::string& lock, const std::string& key_id,
               Duration wait, std::ostream& out, std::ostream& err);

/// Signs `action` with the device key in `key_file` and has the hub relay it
/// unchanged; waits for the lock's answer like cmd_action.
int cmd_signed_action(const ClientOptions& options, const std::string& lock, const std::string& action,
                      const std::string& key_file, Duration wait, std::ostream& out, std::ostream& err);

}  // namespace lw::app
