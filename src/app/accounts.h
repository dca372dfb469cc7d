// Accounts from the command line and on the hub's first start (docs/api.md,
// "First start and the CLI").
//
// bootstrap_accounts(): when the database holds no account, creates the owner
// account (auth.owner, "admin" by default) with an owner grant on every site
// and a generated password written to <data_dir>/owner-password, and a CLI
// token for it in <data_dir>/cli-token (both mode 0600; neither is logged).
// `lockwarden status` and friends read that token, so the machine the hub runs
// on keeps working without flags.
//
// `lockwarden user add|list|remove|grant|revoke|passwd|token` work on the
// database file directly (the hub may be running; it sees changes at once),
// so an owner who lost every password can still get in: whoever can write
// the data directory owns the hub.
//
// Threading: blocking; the hub calls bootstrap_accounts() before it serves.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "adapters/sqlite/account_store.h"
#include "base/result.h"

namespace lw::app {

/// The file names in <data_dir>.
inline constexpr std::string_view kCliTokenFile = "cli-token";
inline constexpr std::string_view kOwnerPasswordFile = "owner-password";

/// See above. Returns true when it created the owner.
Result<bool> bootstrap_accounts(adapters::sqlite::AccountStore& accounts, const std::string& data_dir,
                                const std::string& owner, Timestamp now);

struct UserCommand {
  std::string config;    ///< --config: the hub's file, for its data_dir and store path
  std::string data_dir;  ///< --data-dir, when there is no config file
  std::string action;    ///< add, list, remove, grant, revoke, passwd, token
  std::string name;
  std::string role;
  std::string site{"*"};
  bool password_stdin{false};   ///< read the password from stdin instead of generating one
  bool write_cli_token{false};  ///< token: also write it to <data_dir>/cli-token
};

/// Runs `lockwarden user ...`. Exit codes: 0 done, 1 refused or failed, 2 bad usage.
int run_user_command(const UserCommand& command, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace lw::app
