// The lines of a recorded fixture under tests/fixtures, for tests that replay
// what a real peer sent (one message per line).
#pragma once

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace lw::testing {

/// The non-empty lines of tests/fixtures/<name>; empty when it cannot be read.
/// Needs LW_SOURCE_DIR, which every layer's tests define.
inline std::vector<std::string> fixture_lines(std::string_view name) {
  std::ifstream in(std::string(LW_SOURCE_DIR) + "/tests/fixtures/" + std::string(name));
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace lw::testing
