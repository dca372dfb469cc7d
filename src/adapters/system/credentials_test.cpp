#include "adapters/system/credentials.h"

#include <gtest/gtest.h>

namespace lw::adapters {
namespace {

TEST(Credentials, APasswordVerifiesAgainstItsArgon2idHashAndNothingElseDoes) {
  auto hash = hash_password("correct horse battery");
  ASSERT_TRUE(hash);
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_EQ(hash->find("correct"), std::string::npos);
  EXPECT_TRUE(verify_password(*hash, "correct horse battery"));
  EXPECT_FALSE(verify_password(*hash, "correct horse batterY"));
  EXPECT_FALSE(verify_password("not a hash", "correct horse battery"));
  EXPECT_NE(*hash, *hash_password("correct horse battery"));  // salted
}

TEST(Credentials, TokensAreFreshAndStoredOnlyAsTheirHash) {
  const std::string a = new_token();
  const std::string b = new_token();
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("lwt_"));
  EXPECT_EQ(a.size(), 4U + 43U);
  EXPECT_EQ(token_hash(a).size(), 64U);
  EXPECT_EQ(token_hash(a), token_hash(a));
  EXPECT_NE(token_hash(a), token_hash(b));
  EXPECT_EQ(token_hash(a).find(a.substr(4, 8)), std::string::npos);
}

TEST(Credentials, GeneratedPasswordsAreLongAndDiffer) {
  const std::string a = new_password();
  EXPECT_EQ(a.size(), 20U);
  EXPECT_NE(a, new_password());
}

}  // namespace
}  // namespace lw::adapters
