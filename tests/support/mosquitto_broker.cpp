#include "tests/support/mosquitto_broker.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <system_error>

namespace lw::testing {

std::filesystem::path make_temp_dir(std::string_view prefix) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / ("lw-" + std::string(prefix) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
  }
  return pattern;
}

void remove_temp_dir_unless_failed(const std::filesystem::path& dir) {
  if (dir.empty()) return;
  if (::testing::Test::HasFailure()) {
    std::cerr << "kept " << dir.string() << " for inspection\n";
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

}  // namespace lw::testing
