// Key files: written whole or not at all, and created by exactly one process
// when several start at once (the hub and `lockwarden user` on a first start).
#include "adapters/system/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "adapters/system/mac_key.h"
#include "tests/support/mosquitto_broker.h"

namespace lw::adapters {
namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class KeyFileTest : public ::testing::Test {
 protected:
  KeyFileTest() : dir_(lw::testing::make_temp_dir("keyfile")) {}
  ~KeyFileTest() override { lw::testing::remove_temp_dir_unless_failed(dir_); }
  std::filesystem::path dir_;
};

TEST_F(KeyFileTest, CreateOnceWritesTheFileOnlyWhenItIsNotThere) {
  const std::string path = (dir_ / "a.key").string();
  auto first = create_file_once(path, "first\n", 0600);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(*first);
  auto second = create_file_once(path, "second\n", 0600);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(*second);
  EXPECT_EQ(read(path), "first\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  // No temporary file is left behind.
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1);
}

TEST_F(KeyFileTest, ProcessesCreatingTheSameMacKeyAtOnceAllEndWithTheOneThatWon) {
  // Sixteen processes, released together, race to create accounts.key; each
  // writes the MAC it computes for the same text. All must agree, and exactly
  // one says it created the key.
  const std::string path = (dir_ / "accounts.key").string();
  constexpr int kProcesses = 16;
  int gate[2];
  ASSERT_EQ(::pipe(gate), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(gate[1]);
      char byte = 0;
      (void)::read(gate[0], &byte, 1);  // returns when the parent closes its end: all start at once
      auto key = load_or_create_mac_key(path);
      {
        std::ofstream out(dir_ / ("mac-" + std::to_string(i)));
        if (key) out << key->mac("row") << (key->created ? " created" : "");
      }  // closed (flushed) before _Exit, which runs no destructors
      std::_Exit(key ? 0 : 1);
    }
    children.push_back(pid);
  }
  ::close(gate[0]);
  ::close(gate[1]);
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  const auto reopened = load_or_create_mac_key(path);
  ASSERT_TRUE(reopened);
  EXPECT_FALSE(reopened->created);
  const std::string mac = reopened->mac("row");
  int created = 0;
  for (int i = 0; i < kProcesses; ++i) {
    std::string line = read(dir_ / ("mac-" + std::to_string(i)));
    if (line.ends_with(" created")) {
      ++created;
      line.resize(line.size() - 8);
    }
    EXPECT_EQ(line, mac) << "process " << i;
  }
  EXPECT_EQ(created, 1);
}

}  // namespace
}  // namespace lw::adapters
