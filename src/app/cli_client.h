// The CLI's client commands: `status`, `lock ID`, `unlock ID`, `events ID`.
// Each talks to a running hub's REST API (--server URL) and prints a human
// table, or JSON with --json. Return value is the process exit code:
// 0 success, 1 the action failed or was refused, 2 bad usage or unknown lock,
// 3 the hub cannot be reached.
// Threading: runs on the calling thread; blocking HTTP with time-outs.
#pragma once

#include <boost/json/object.hpp>
#include <ostream>
#include <string>

#include "adapters/http/http_client.h"
#include "base/result.h"
#include "base/time.h"

namespace lw::app {

struct ClientOptions {
  std::string server{"http://127.0.0.1:8080"};
  /// The API token: --token, else $LOCKWARDEN_TOKEN, else the first line of
  /// `token_file` (the hub writes <data_dir>/cli-token on its first start;
  /// when the default file is absent, .demo/cli-token: `make demo`'s).
  std::string token;
  std::string token_file{"data/cli-token"};
  bool json{false};
  Duration timeout{5s};
  std::string ca_file;  // for an https:// server: the CA that signs its certificate
};

/// The token `options` names (see ClientOptions::token); "" when none is found.
std::string resolve_token(const ClientOptions& options);
/// Sends a request to the hub as the CLI does: with the resolved token and the
/// CA file of `options`.
Result<adapters::http::HttpResponse> request_hub(const ClientOptions& options, std::string_view method,
                                                 const std::string& path, std::string_view body);

/// Calls the hub with `body` (JSON, or empty) and expects a JSON object back.
/// On failure prints a clear message to `err` (with a hint on 401), sets
/// `exit_code` (1 refused, 2 bad request or not found, 3 unreachable) and
/// returns the error.
Result<boost::json::object> call_hub(const ClientOptions& options, std::string_view method,
                                     const std::string& path, std::string_view body, std::ostream& err,
                                     int& exit_code);

int cmd_status(const ClientOptions& options, std::ostream& out, std::ostream& err);
/// `action` is "lock", "unlock" or "unlatch". Waits until the action is
/// finished (or `wait` passes), prints the outcome and the round-trip latency.
int cmd_action(const ClientOptions& options, const std::string& lock_id, const std::string& action,
               Duration wait, std::ostream& out, std::ostream& err);
int cmd_events(const ClientOptions& options, const std::string& lock_id, int limit, std::ostream& out,
               std::ostream& err);

}  // namespace lw::app
