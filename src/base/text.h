// Input echoed into messages. Error messages are logged and answered to API
// clients (as JSON strings), so what they repeat of the input must be one
// line of valid UTF-8 of bounded length.
// Threading: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lw {

/// `text` as it may appear in a message: control characters and bytes that
/// are not valid UTF-8 become '?', and text longer than `max_bytes` is cut
/// (at a character boundary) and ends in "...".
/// Example: shown("a\nb\xff") == "a?b?".
std::string shown(std::string_view text, std::size_t max_bytes = 64);

}  // namespace lw
