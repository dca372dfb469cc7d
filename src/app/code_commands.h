// The CLI's keypad-code commands (docs/api.md, "Access codes"):
//   lockwarden code list [--site S] [--lock L]
//   lockwarden code add --site S [--lock L] --name NAME [--pin-file F | PIN on stdin]
//                       [--slot N] [--user N] [--from T --to T | --weekly DAYS --start HH:MM
//                       --end HH:MM [--utc-offset MIN] | --one-time]
//   lockwarden code show ID
//   lockwarden code remove ID
//   lockwarden code retry ID
//   lockwarden code settings LOCK [--wrong-code-limit N] [--lockout-s N]
// and guest keys (docs/api.md, "Guest keys"):
//   lockwarden guest issue --site S --lock L [--lock L2 ...] --user U
//                          --guest-key BASE64 --to T [--from T] [--out FILE]
// The PIN is read from a file or standard input, never from the command line
// (where `ps` and shell history would keep it), and never printed.
// Exit codes as in cli_client.h: 0 done, 1 failed or refused, 2 bad usage,
// 3 the hub cannot be reached.
// Threading: the calling thread; blocking HTTP.
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/cli_client.h"

namespace lw::app {

struct CodeCommand {
  std::string action;  ///< list, add, show, remove, retry, settings
  std::string id;      ///< show, remove, retry; settings: the lock
  std::string site;
  std::string lock;
  std::string name;
  std::string pin_file;  ///< empty: the first line of standard input
  std::optional<int> slot;
  std::optional<int> user;
  // schedule: at most one of these forms
  std::string from;  ///< date range: YYYY-MM-DD or an RFC 3339 time (UTC)
  std::string to;
  std::string weekly;  ///< "mon,tue,fri"
  std::string start;   ///< "HH:MM"
  std::string end;
  int utc_offset_min{0};
  bool one_time{false};
  // settings: what to change (neither: show them)
  std::optional<int> wrong_code_limit;
  std::optional<int> lockout_s;
  std::optional<int> auto_relock_s;
  std::string sound;  ///< silent, low or high; empty: unchanged
};

int run_code_command(const ClientOptions& client, const CodeCommand& command, std::istream& in,
                     std::ostream& out, std::ostream& err);

struct GuestIssue {
  std::string site;
  std::vector<std::string> locks;
  std::string user;
  std::string guest_key;  ///< base64 of the phone's public key
  std::string from;       ///< YYYY-MM-DD[THH:MM] UTC; empty: now
  std::string to;
  std::string out_file;  ///< empty: the grant goes to standard output
};

/// Asks the hub for a grant and prints it (or writes it to out_file) for
/// the guest's phone; with --json, the hub's whole answer.
int run_guest_issue(const ClientOptions& client, const GuestIssue& issue, std::ostream& out,
                    std::ostream& err);

/// `lockwarden guest list --site S`: the site's grants with their state;
/// `lockwarden guest revoke ID`: revokes one and prints each lock's delivery.
struct GuestManage {
  std::string action;  ///< list, revoke
  std::string site;    ///< list
  std::string id;      ///< revoke
};
int run_guest_manage(const ClientOptions& client, const GuestManage& command, std::ostream& out,
                     std::ostream& err);

}  // namespace lw::app
