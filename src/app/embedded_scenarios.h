// Scenario files compiled into the binary, so `lockwarden demo` runs from any
// directory. The text is the file in scenarios/ at build time.
#pragma once

#include <string_view>

namespace lw::app {

/// scenarios/home.toml
std::string_view home_scenario();

}  // namespace lw::app
