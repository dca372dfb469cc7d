// Shared by the ecosystem decoders (Zigbee2MQTT, Z-Wave JS UI): reading a
// payload as JSON within size and depth limits, and trimming plain-text
// payloads. Errors name the payload (`what`).
// Threading: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <cstddef>
#include <string_view>

#include "base/result.h"

namespace lw::protocol::ecosystem {

/// `s` without leading and trailing spaces, tabs and line breaks.
std::string_view trim(std::string_view s);

/// Parses any JSON value. Errors (invalid_argument, naming `what`): "larger
/// than N bytes", "nested deeper than N levels", "not valid JSON".
Result<boost::json::value> parse_json(std::string_view what, std::string_view text, std::size_t max_bytes,
                                      std::size_t max_depth);

}  // namespace lw::protocol::ecosystem
