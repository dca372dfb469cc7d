#include "base/time.h"

#include <array>
#include <cstdio>

namespace lw {

std::string utc_date(Timestamp t) {
  const std::chrono::year_month_day d{std::chrono::floor<std::chrono::days>(t)};
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf.data();
}

}  // namespace lw
