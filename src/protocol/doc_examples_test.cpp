#include "protocol/testing/doc_examples.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace lw::protocol {
namespace {

std::string read_protocol_doc() {
  const auto path =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "docs" / "protocol.md";
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The contents of every ```json block, one string per block, without the final newline.
std::vector<std::string> json_blocks(const std::string& doc) {
  std::vector<std::string> blocks;
  std::istringstream in(doc);
  std::string line;
  std::string block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```json") {
      inside = true;
      block.clear();
    } else if (inside && line == "```") {
      inside = false;
      if (!block.empty()) block.pop_back();
      blocks.push_back(block);
    } else if (inside) {
      block += line;
      block += '\n';
    }
  }
  return blocks;
}

TEST(ProtocolDoc, EveryJsonExampleInTheDocIsTheOneTheTestsDecode) {
  const std::string doc = read_protocol_doc();
  ASSERT_FALSE(doc.empty()) << "docs/protocol.md not found next to the sources";
  const std::vector<std::string> blocks = json_blocks(doc);
  ASSERT_EQ(blocks.size(), doc_examples::kAllJsonExamples.size())
      << "docs/protocol.md gained or lost a JSON example; copy it into protocol/testing/doc_examples.h";
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    EXPECT_EQ(blocks[i], doc_examples::kAllJsonExamples[i]) << "example " << i;
  }
}

TEST(ProtocolDoc, TestVectorKeyAndSeedAreTheOnesInTheDoc) {
  const std::string doc = read_protocol_doc();
  EXPECT_NE(doc.find("\n" + std::string(doc_examples::kTestPublicKey) + "\n"), std::string::npos);
  EXPECT_NE(doc.find("`" + std::string(doc_examples::kTestKeySeed) + "`"), std::string::npos);
}

}  // namespace
}  // namespace lw::protocol
