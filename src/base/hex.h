// Lower-case hexadecimal of bytes (MACs and hashes in files and messages).
// Threading: pure functions.
#pragma once

#include <cstddef>
#include <string>

namespace lw {

/// "00ff..": two lower-case digits per byte.
inline std::string to_hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4U];
    out += kDigits[data[i] & 0x0FU];
  }
  return out;
}

}  // namespace lw
