// Helpers shared by the fuzz targets: the input as text, and a message split
// into its MQTT topic (the first line) and payload (the rest), so a corpus
// file reads like a captured message:
//   lw/v1/home/front/telemetry
//   {"v":1,"ts_ms":1700000120000}
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

/// Aborts (a finding) when a property the parser promises does not hold.
#define LW_FUZZ_CHECK(cond)                                                              \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      __builtin_fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      __builtin_trap();                                                                  \
    }                                                                                    \
  } while (false)

namespace lw::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

struct Message {
  std::string_view topic;
  std::string_view payload;
};

/// The first line is the topic, the rest the payload (empty without a newline).
inline Message split_message(std::string_view input) {
  const auto nl = input.find('\n');
  if (nl == std::string_view::npos) return {input, {}};
  return {input.substr(0, nl), input.substr(nl + 1)};
}

/// Rejections are logged and returned to API clients, so an error message must
/// name what was wrong in a line of plain text: not empty, at most 300 bytes,
/// no control characters (an echoed payload could forge log lines or
/// terminal escapes). Returns the result unchanged. A config file's errors,
/// printed once at start, may list the choices and go up to `max_bytes`.
template <typename R>
R checked(R result, std::size_t max_bytes = 300) {
  if (!result) {
    const std::string& message = result.error().message;
    LW_FUZZ_CHECK(!message.empty());
    LW_FUZZ_CHECK(message.size() <= max_bytes);
    for (const char c : message) {
      const auto byte = static_cast<unsigned char>(c);
      LW_FUZZ_CHECK(byte >= 0x20 && byte != 0x7f);
    }
  }
  return result;
}

}  // namespace lw::fuzz
