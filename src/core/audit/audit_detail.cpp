#include "core/audit/audit_detail.h"

#include <array>

namespace lw::core {

std::string json_quote(std::string_view text) {
  static constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7',
                                             '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4U];
          out += kHex[c & 0x0FU];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

std::string audit_detail(std::initializer_list<AuditField> fields) {
  return audit_detail(std::span<const AuditField>(fields.begin(), fields.size()));
}

std::string audit_detail(std::span<const AuditField> fields) {
  std::string out = "{";
  bool first = true;
  for (const auto& [key, value] : fields) {
    if (!first) out += ',';
    first = false;
    out += json_quote(key);
    out += ':';
    out += json_quote(value);
  }
  out += '}';
  return out;
}

}  // namespace lw::core
