#include "base/ids.h"

namespace lw {

Result<void> validate_id(std::string_view field, std::string_view id) {
  if (id.empty()) return invalid_argument(field, "must not be empty");
  if (id.size() > 64) return invalid_argument(field, "must be at most 64 characters");
  for (char c : id) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return invalid_argument(field, "may contain only letters, digits, '_' and '-'");
  }
  return ok();
}

}  // namespace lw
