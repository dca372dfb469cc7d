#include "adapters/webhook/webhook_body.h"

#include <gtest/gtest.h>

#include "adapters/webhook/webhook_signature.h"

namespace lw::adapters::webhook {
namespace {

// docs/integrations.md, "Webhooks", The request: verbatim.
constexpr std::string_view kDocBody =
    R"({"id":"d-6b1f0c2a9e7d4b3f8a5c1e0d2b4f6a8c","type":"lock.offline","time_ms":1796294941120,)"
    R"("hub":"home-hub","data":{"lock":"front","site":"home","name":"Front door","connectivity":"offline",)"
    R"("previous":"online","transport":"wifi"}})";
constexpr std::string_view kDocSecret = "change-me-to-a-long-random-string";
constexpr std::string_view kDocSignature =
    "sha256=c066d90ede375d8b616f0bc448f9cf44c78b00dcb051d5c1921732dc9da736b7";

TEST(WebhookBody, IsTheDocumentedExample) {
  core::WebhookEvent e;
  e.type = core::WebhookEventType::lock_offline;
  e.time = from_epoch_ms(1796294941120);
  e.set("lock", "front")
      .set("site", "home")
      .set("name", "Front door")
      .set("connectivity", "offline")
      .set("previous", "online")
      .set("transport", "wifi");
  EXPECT_EQ(webhook_body("d-6b1f0c2a9e7d4b3f8a5c1e0d2b4f6a8c", e, "home-hub"), kDocBody);
}

TEST(WebhookBody, DocumentedSignatureVerifies) {
  // hmac.new(b"change-me-to-a-long-random-string", body, hashlib.sha256).hexdigest() in Python.
  EXPECT_EQ(sign(kDocSecret, kDocBody), kDocSignature);
  EXPECT_TRUE(verify(kDocSecret, kDocBody, kDocSignature));
}

TEST(WebhookBody, DataValuesKeepTheirJsonTypes) {
  core::WebhookEvent e;
  e.type = core::WebhookEventType::incident_opened;
  e.time = from_epoch_ms(1000);
  e.set("incident", std::uint64_t{7})
      .set("locks", std::vector<std::string>{"front", "back"})
      .set("p", 0.5)
      .set("told", true)
      .set_null("case")
      .set("opened_at_ms", from_epoch_ms(900));
  EXPECT_EQ(webhook_body("d-1", e, "hub-1"),
            R"({"id":"d-1","type":"incident.opened","time_ms":1000,"hub":"hub-1","data":{"incident":7,)"
            R"("locks":["front","back"],"p":5E-1,"told":true,"case":null,"opened_at_ms":900}})");
}

}  // namespace
}  // namespace lw::adapters::webhook
