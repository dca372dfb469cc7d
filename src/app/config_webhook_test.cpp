// `[[webhook]]` in the hub's configuration (docs/configuration.md).
#include <gtest/gtest.h>

#include "app/config.h"

namespace lw::app {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef-secret";

std::string webhook(std::string_view body) { return "[[webhook]]\n" + std::string(body) + "\n"; }

std::string error_of(const std::string& text) {
  auto c = parse_hub_config(text, "hub.toml");
  return c ? "<accepted>" : c.error().message;
}

TEST(WebhookConfig, UrlAndSecretAreEnoughAndEveryEventTypeIsTheDefault) {
  auto c = parse_hub_config(webhook(R"(url = "http://127.0.0.1:9000/hooks/lockwarden"
secret = "0123456789abcdef-secret")"),
                            "hub.toml");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->webhooks.size(), 1U);
  EXPECT_EQ(c->webhooks[0].url, "http://127.0.0.1:9000/hooks/lockwarden");
  EXPECT_EQ(c->webhooks[0].secret, kSecret);
  EXPECT_EQ(c->webhooks[0].events.size(), core::webhook_event_types().size());
  EXPECT_EQ(c->webhooks[0].timeout, Duration{10s});
}

TEST(WebhookConfig, EventsAndTimeoutAreRead) {
  auto c = parse_hub_config(webhook(R"(url = "http://hooks.lan/in"
secret = "0123456789abcdef-secret"
events = ["lock.offline", "battery.low"]
timeout = "3s")"),
                            "hub.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->webhooks[0].events,
            (std::vector<core::WebhookEventType>{core::WebhookEventType::lock_offline,
                                                 core::WebhookEventType::battery_low}));
  EXPECT_EQ(c->webhooks[0].timeout, Duration{3s});
}

TEST(WebhookConfig, HttpsIsAcceptedAndItsCaFileMustExist) {
  auto c = parse_hub_config(R"(
[[webhook]]
url = "https://hooks.example.com/in"
secret = "0123456789abcdef-secret"
)",
                            "hub.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->webhooks[0].ca_file.empty()) << "the system's CAs by default";
  const std::string missing = error_of(webhook(R"(url = "https://hooks.example.com/in"
secret = "0123456789abcdef-secret"
ca_file = "/nonexistent/ca.crt")"));
  EXPECT_NE(missing.find("webhook[0].ca_file: no such file: '/nonexistent/ca.crt'"), std::string::npos)
      << missing;
  const std::string plain = error_of(webhook(R"(url = "http://hooks.lan/in"
secret = "0123456789abcdef-secret"
ca_file = "/etc/hostname")"));
  EXPECT_NE(plain.find("webhook[0].ca_file: only for an https:// url"), std::string::npos) << plain;
}

TEST(WebhookConfig, BadUrlsAreRefused) {
  EXPECT_NE(error_of(webhook(R"(secret = "0123456789abcdef-secret")")).find("webhook[0].url: required"),
            std::string::npos);
  EXPECT_NE(error_of(webhook(R"(url = "ftp://x/y"
secret = "0123456789abcdef-secret")"))
                .find("url: must start with http:// or https://"),
            std::string::npos);
  EXPECT_NE(error_of(webhook(R"(url = "http://host:99999/"
secret = "0123456789abcdef-secret")"))
                .find("url: port must be 1..65535"),
            std::string::npos);
  const std::string twice = webhook(R"(url = "http://a/b"
secret = "0123456789abcdef-secret")");
  EXPECT_NE(error_of(twice + twice).find("webhook[1].url: is the url of webhook[0] too"), std::string::npos);
}

TEST(WebhookConfig, ShortOrMissingSecretIsRefusedWithoutShowingIt) {
  const std::string short_secret = error_of(webhook(R"(url = "http://a/b"
secret = "tooshort")"));
  EXPECT_NE(short_secret.find("webhook[0].secret: must be at least 16 characters"), std::string::npos)
      << short_secret;
  EXPECT_EQ(short_secret.find("tooshort"), std::string::npos) << short_secret;
  EXPECT_NE(error_of(webhook(R"(url = "http://a/b")")).find("webhook[0].secret: required"),
            std::string::npos);
}

TEST(WebhookConfig, UnknownOrNoEventTypesAreRefused) {
  const std::string unknown = error_of(webhook(R"(url = "http://a/b"
secret = "0123456789abcdef-secret"
events = ["lock.online", "lock.exploded"])"));
  EXPECT_NE(unknown.find(R"(webhook[0].events: unknown event type "lock.exploded"; known: lock.online, )"),
            std::string::npos)
      << unknown;
  // Found by fuzz_hub_config (finding-error-over-300-bytes): the unknown name was echoed at any length.
  const std::string long_name = error_of(webhook(R"(url = "http://a/b"
secret = "0123456789abcdef-secret"
events = [")" + std::string(2000, 'q') + R"("])"));
  EXPECT_LT(long_name.size(), 600U) << long_name;
  EXPECT_NE(long_name.find("qqq...\"; known: lock.online"), std::string::npos) << long_name;
  EXPECT_NE(error_of(webhook(R"(url = "http://a/b"
secret = "0123456789abcdef-secret"
events = [])"))
                .find("webhook[0].events: must name at least one event type"),
            std::string::npos);
  EXPECT_NE(error_of(webhook(R"(url = "http://a/b"
secret = "0123456789abcdef-secret"
retries = 3)"))
                .find("webhook[0].retries: unknown key"),
            std::string::npos);
}

}  // namespace
}  // namespace lw::app
