// A local certificate authority for a hub that has no other: `lockwarden tls
// init` and `lockwarden demo --tls` make one, so the REST API and the MQTT
// broker can speak TLS on a home network or a test machine without a public CA.
//
// In `dir` it writes (private keys mode 0600, never printed):
//   ca.crt       the CA certificate: give it to the CLI (`--ca-file`), the
//                browser or Mosquitto's `cafile` so they trust the hub
//   ca.key       the CA's private key (only needed to issue more certificates)
//   server.crt   a certificate for the hub and the broker, signed by the CA,
//                naming `hosts` (DNS names or IP addresses) as subject
//                alternative names
//   server.key   its private key
// Keys are ECDSA P-256; the CA is valid for 10 years, the server certificate for
// 825 days (the longest browsers accept). Existing files are kept: when all
// four are there a second run changes nothing, so clients that trust the CA
// keep trusting it (delete the folder to start afresh).
//
// Threading: blocking file I/O; call at start-up.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace lw::adapters {

struct LocalCaFiles {
  std::string ca_cert;
  std::string ca_key;
  std::string server_cert;
  std::string server_key;
  bool created{false};  ///< false: the files were already there and were kept
};

/// The files `create_local_ca` writes in `dir`, without touching the disk.
LocalCaFiles local_ca_paths(const std::string& dir);

/// Creates (or keeps, see above) the CA and server certificate in `dir`.
/// `hosts` default to localhost, 127.0.0.1 and ::1 when empty.
/// Errors: invalid_argument ("hosts: ...") for an empty or malformed name;
/// unavailable when `dir` or a file cannot be written; internal for an OpenSSL
/// failure (its reason in the message).
Result<LocalCaFiles> create_local_ca(const std::string& dir, std::vector<std::string> hosts = {});

}  // namespace lw::adapters
