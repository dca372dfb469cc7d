// lockwarden's version, as shown by `lockwarden --version` and recorded per hub.
#pragma once

#include <string_view>

namespace lw {

inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace lw
