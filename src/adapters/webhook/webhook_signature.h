// The signature of a webhook delivery (docs/integrations.md, "Webhooks"):
// `X-Lockwarden-Signature: sha256=<hex>`, the HMAC-SHA256 (RFC 2104) of the
// raw request body keyed with the webhook's secret, in lower-case hex.
// libsodium computes it (crypto_auth_hmacsha256 over a key of any length).
//
// Example (the receiver's side, in Python):
//   expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
//   ok = hmac.compare_digest(expected, request.headers["X-Lockwarden-Signature"])
//
// Threading: pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace lw::adapters::webhook {

/// "sha256=" followed by the 64 lower-case hex digits of HMAC-SHA256(secret, body).
std::string sign(std::string_view secret, std::string_view body);

/// Whether `header` is the signature of `body` under `secret`, compared in
/// constant time. Hex digits may be upper or lower case.
bool verify(std::string_view secret, std::string_view body, std::string_view header);

}  // namespace lw::adapters::webhook
