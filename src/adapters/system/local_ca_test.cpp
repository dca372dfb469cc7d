#include "adapters/system/local_ca.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace lw::adapters {
namespace {

namespace fs = std::filesystem;

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned mode_of(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777U;
}

class LocalCaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lw-local-ca-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(LocalCaTest, WritesPemCertificatesAndPrivateKeysOnlyTheOwnerCanRead) {
  auto files = create_local_ca((dir_ / "tls").string());
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_TRUE(files->created);
  EXPECT_NE(read(files->ca_cert).find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  EXPECT_NE(read(files->server_cert).find("-----BEGIN CERTIFICATE-----"), std::string::npos);
  EXPECT_NE(read(files->server_key).find("PRIVATE KEY-----"), std::string::npos);
  EXPECT_EQ(mode_of(files->ca_key), 0600U);
  EXPECT_EQ(mode_of(files->server_key), 0600U);
  EXPECT_EQ(mode_of(files->ca_cert), 0644U);
}

TEST_F(LocalCaTest, ASecondRunKeepsTheCaThatClientsAlreadyTrust) {
  auto first = create_local_ca(dir_.string());
  ASSERT_TRUE(first) << first.error().message;
  const std::string ca = read(first->ca_cert);
  auto second = create_local_ca(dir_.string());
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(second->created);
  EXPECT_EQ(read(second->ca_cert), ca);
}

TEST_F(LocalCaTest, AHostThatIsNeitherANameNorAnAddressIsRefusedByField) {
  auto files = create_local_ca(dir_.string(), {"hub.example", "bad host!"});
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(files.error().message.find("hosts"), std::string::npos);
  EXPECT_NE(files.error().message.find("bad host!"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "ca.key"));
}

}  // namespace
}  // namespace lw::adapters
