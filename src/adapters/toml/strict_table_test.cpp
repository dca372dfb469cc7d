#include "adapters/toml/strict_table.h"

#include <gtest/gtest.h>

namespace lw::adapters {
namespace {

struct Settings {
  std::string host{"127.0.0.1"};
  int port{1883};
  bool tls{false};
  Duration ttl{30s};
};

Result<Settings> read(std::string_view text) {
  auto doc = StrictTable::parse_text(text, "hub.toml");
  if (!doc) return doc.error();
  Settings s;
  StrictTable mqtt = doc->table("mqtt");
  mqtt.get("host", s.host);
  mqtt.get("port", s.port, 1, 65535);
  mqtt.get("tls", s.tls);
  mqtt.get_duration("ttl", s.ttl, 1s, 1h);
  if (auto r = doc->finish(); !r) return r.error();
  return s;
}

TEST(StrictTable, AbsentKeysKeepTheirDefaults) {
  auto s = read("");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->host, "127.0.0.1");
  EXPECT_EQ(s->port, 1883);
}

TEST(StrictTable, ASyntaxErrorQuotingAControlCharacterStaysOneCleanLine) {
  // Found by the fuzzer: toml++ repeats what it saw, control characters included.
  auto doc = StrictTable::parse_text("url =f\x15ont://x/y\"\n", "hub.toml");
  ASSERT_FALSE(doc);
  const std::string& message = doc.error().message;
  EXPECT_EQ(message.rfind("hub.toml:1:", 0), 0U) << message;
  for (char c : message) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << message;
}

TEST(StrictTable, ValuesAreRead) {
  auto s = read("[mqtt]\nhost = \"broker\"\nport = 8883\ntls = true\nttl = \"2m\"\n");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->host, "broker");
  EXPECT_EQ(s->port, 8883);
  EXPECT_TRUE(s->tls);
  EXPECT_EQ(s->ttl, Duration{120s});
}

TEST(StrictTable, OutOfRangeValueNamesFileLineAndKey) {
  auto s = read("[mqtt]\nport = 70000\n");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "hub.toml:2:8: mqtt.port: must be an integer 1..65535");
}

TEST(StrictTable, WrongTypeIsNamed) {
  auto s = read("[mqtt]\nhost = 5\n");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "hub.toml:2:8: mqtt.host: must be a string");
}

TEST(StrictTable, MisspelledKeyIsReportedAsUnknown) {
  auto s = read("[mqtt]\nprot = 1883\n");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "hub.toml:2:8: mqtt.prot: unknown key");
}

TEST(StrictTable, UnknownSectionIsReported) {
  auto s = read("[mqttt]\nport = 1\n");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("mqttt: unknown key"), std::string::npos) << s.error().message;
}

TEST(StrictTable, SyntaxErrorGivesLineAndColumn) {
  auto s = read("[mqtt\n");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message.rfind("hub.toml:1:", 0), 0U) << s.error().message;
}

TEST(StrictTable, BadDurationIsExplained) {
  auto s = read("[mqtt]\nttl = \"soon\"\n");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("mqtt.ttl: must be a duration"), std::string::npos);
}

TEST(ParseDuration, AcceptsTheDocumentedUnits) {
  EXPECT_EQ(*parse_duration("500ms"), Duration{500});
  EXPECT_EQ(*parse_duration("7d"), Duration{std::chrono::hours(168)});
  EXPECT_EQ(*parse_duration("15"), Duration{15s});
  EXPECT_FALSE(parse_duration("5y"));
  EXPECT_FALSE(parse_duration("-5s"));
}

}  // namespace
}  // namespace lw::adapters
