#include "base/text.h"

#include <gtest/gtest.h>

namespace lw {
namespace {

TEST(Shown, ControlCharactersAndBrokenUtf8BecomeQuestionMarks) {
  EXPECT_EQ(shown("front-door"), "front-door");
  EXPECT_EQ(shown("a\nb\x1b[31m"), "a?b?[31m");
  EXPECT_EQ(shown("lock\x8d\x91"), "lock??");
  EXPECT_EQ(shown("\xc3\xa9t\xc3\xa9"), "\xc3\xa9t\xc3\xa9") << "valid UTF-8 stays";
  EXPECT_EQ(shown("\xed\xa0\x80"), "???") << "a surrogate is not UTF-8";
  EXPECT_EQ(shown("\xc0\xaf"), "??") << "an overlong form is not UTF-8";
}

TEST(Shown, LongTextIsCutAtACharacterBoundaryAndSaysSo) {
  EXPECT_EQ(shown(std::string(100, 'x'), 10), "xxxxxxx...");
  const std::string accents = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";  // 6 x e-acute, 12 bytes
  const std::string cut = shown(accents, 8);
  EXPECT_LE(cut.size(), 8U);
  EXPECT_EQ(cut, "\xc3\xa9\xc3\xa9...");
  EXPECT_EQ(shown("exactly10!", 10), "exactly10!");
}

}  // namespace
}  // namespace lw
