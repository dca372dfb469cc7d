// Broker access control: who may connect to Mosquitto, and on which topics
// (security anchor D14; docs/security.md, docs/protocol.md section 1).
//
// Mosquitto's own files are generated: a password file (hashed by Debian's
// `mosquitto_passwd -U`, PBKDF2-SHA512) and an ACL file. With them a client
// without an account is refused at CONNECT, and an account may publish or
// receive only on its own topics: a publish outside them is dropped by the
// broker and never reaches a subscriber.
//
//   hub         every topic (it relays commands and speaks to the bridges)
//   lock        `lock.<site>.<lock>`: publishes only its own lock -> hub
//               channels (status, telemetry, state, event, result,
//               pair_reply) and reads only its own `cmd` and `pair`
//   phone       `phone.<site>.<phone>`: publishes only its own `app` reports
//   bridge      a Zigbee2MQTT or Nuki instance: its base topic tree only
//   simulator   one client speaking for many simulated locks and phones (the
//               demo's world): their lock -> hub channels and app reports,
//               every `cmd` and `pair` to read, and the simulated bridges'
//               trees; never `cmd` to write
//
// The plain-text credentials (`username:password` lines, the form
// `mosquitto_passwd -U` takes) are what each device is provisioned with; a
// lock's credentials are its own, like its label code.
//
// Threading: free functions; write_broker_access blocks on the child process.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "core/lock/messages.h"

namespace lw::adapters::mqtt {

struct BrokerAccount {
  std::string username;
  std::string password;
};

struct BrokerAccess {
  BrokerAccount hub;
  struct Lock {
    core::LockAddress address;
    BrokerAccount account;
  };
  std::vector<Lock> locks;
  /// Companion apps: the address holds the phone's id in the lock's place.
  std::vector<Lock> phones;
  struct Bridge {
    std::string base_topic;  ///< "zigbee2mqtt"
    BrokerAccount account;
  };
  std::vector<Bridge> bridges;
  /// Speaks for every lock in `locks` and every bridge in `bridges` (a simulated world).
  std::optional<BrokerAccount> simulator;
};

/// "lock.<site>.<lock>": ids never hold '.', so the name is unambiguous.
std::string lock_username(const core::LockAddress& lock);
/// "phone.<site>.<phone>".
std::string phone_username(const core::LockAddress& phone);

/// Accounts with fresh random passwords (adapters::new_password) for the hub
/// (`hub_username`), each lock, each phone, each bridge base topic
/// ("bridge.<base>") and, if asked, the simulator ("lw-simulator").
BrokerAccess generate_broker_access(const std::string& hub_username,
                                    const std::vector<core::LockAddress>& locks,
                                    const std::vector<core::LockAddress>& phones,
                                    const std::vector<std::string>& bridge_base_topics, bool simulator);

/// Mosquitto's acl_file for `access`.
std::string render_acl(const BrokerAccess& access);

/// Every account as `username:password` lines, in plain text.
std::string render_credentials(const BrokerAccess& access);

/// Reads `username:password` lines (blank lines and '#' comments skipped).
/// Errors: not_found (unreadable), invalid_argument ("FILE:LINE: why").
Result<std::map<std::string, std::string, std::less<>>> read_broker_credentials(const std::string& path);

struct BrokerAccessFiles {
  std::filesystem::path password_file;  ///< for Mosquitto's password_file: hashed
  std::filesystem::path acl_file;       ///< for Mosquitto's acl_file
  std::filesystem::path credentials;    ///< plain text, for provisioning the clients
};

/// Writes the three files into `dir` (created; files mode 0600):
/// mosquitto.passwd, mosquitto.acl and broker-credentials.txt. Errors:
/// unavailable (a file cannot be written, `mosquitto_passwd` cannot run or
/// fails; its words are quoted).
Result<BrokerAccessFiles> write_broker_access(
    const BrokerAccess& access, const std::filesystem::path& dir,
    const std::string& mosquitto_passwd = "/usr/bin/mosquitto_passwd");

}  // namespace lw::adapters::mqtt
