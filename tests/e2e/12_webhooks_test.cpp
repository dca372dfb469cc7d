// A webhook receiver hears what happens, signed, even when it was down for a
// while and the hub restarted in between.
#include "adapters/webhook/webhook_signature.h"
#include "tests/e2e/harness.h"
#include "tests/e2e/webhook_receiver.h"

namespace lw::e2e {
namespace {

constexpr std::string_view kSecret = "e2e-webhook-secret-0123456789";

class Webhooks : public HubE2E {
 protected:
  [[nodiscard]] std::string webhook_config() const {
    return "[[webhook]]\nurl = \"" + receiver_.url() + "\"\nsecret = \"" + std::string(kSecret) +
           "\"\nevents = [\"lock.online\"]\ntimeout = \"2s\"\n";
  }
  /// Deliveries the receiver answered with `status`.
  std::vector<WebhookReceiver::Received> answered(int status) {
    std::vector<WebhookReceiver::Received> out;
    for (auto& r : receiver_.received()) {
      if (r.answered == status) out.push_back(r);
    }
    return out;
  }
  /// The receiver's side of the signature check (docs/integrations.md, "Webhooks").
  static void expect_signed(const WebhookReceiver::Received& r) {
    EXPECT_TRUE(adapters::webhook::verify(kSecret, r.body, r.headers.at("x-lockwarden-signature")))
        << r.headers.at("x-lockwarden-signature") << " " << r.body;
    EXPECT_TRUE(r.headers.at("x-lockwarden-signature").starts_with("sha256="));
    EXPECT_EQ(r.headers.at("content-type"), "application/json");
    EXPECT_EQ(r.headers.at("x-lockwarden-event"), "lock.online");
    EXPECT_EQ(r.headers.at(":target"), "/hooks/lockwarden?src=e2e");
    EXPECT_GT(std::stoll(r.headers.at("x-lockwarden-timestamp")), 1'600'000'000);
    const auto body = json::parse(r.body).as_object();
    EXPECT_EQ(body.at("id").as_string(), r.headers.at("x-lockwarden-delivery"));
    EXPECT_EQ(body.at("type").as_string(), "lock.online");
    EXPECT_EQ(body.at("hub").as_string(), "e2e-hub");
    EXPECT_GT(body.at("time_ms").as_int64(), 0);
    EXPECT_EQ(body.at("data").at("connectivity").as_string(), "online");
    EXPECT_EQ(body.at("data").at("site").as_string(), "e2e");
  }

  WebhookReceiver receiver_;
};

TEST_F(Webhooks, DeliveryRefusedWith503IsRetriedAfterABackOffAndArrivesSigned) {
  start_hub(webhook_config());
  start_sim();
  ASSERT_TRUE(eventually([&] { return !answered(503).empty(); }, 15s)) << logs();
  const WebhookReceiver::Received refused = answered(503).front();
  expect_signed(refused);
  receiver_.answer(200);
  // Both locks came online: two deliveries, the refused one among them, sent again.
  ASSERT_TRUE(eventually([&] { return answered(200).size() >= 2; }, 10s)) << logs();
  const std::string id = refused.headers.at("x-lockwarden-delivery");
  std::set<std::string> locks;
  bool retried = false;
  for (const auto& r : answered(200)) {
    expect_signed(r);
    locks.insert(std::string(json::parse(r.body).at("data").at("lock").as_string()));
    if (r.headers.at("x-lockwarden-delivery") != id) continue;
    retried = true;
    EXPECT_EQ(r.body, refused.body) << "a retry sends the same bytes";
    EXPECT_GE(r.at - refused.at, std::chrono::milliseconds(900)) << "the first retry waits a second";
  }
  EXPECT_TRUE(retried) << "the refused delivery was sent again";
  EXPECT_EQ(locks, (std::set<std::string>{"door-a", "door-b"}));
  const std::string log = testing::read_text_file(dir_ / "hub.log");
  EXPECT_NE(log.find("retrying with back-off"), std::string::npos) << log;
  EXPECT_EQ(log.find(kSecret), std::string::npos) << "the secret is never logged";
  EXPECT_EQ(log.find("/hooks/lockwarden"), std::string::npos) << "the receiver's path may hold a token";
}

TEST_F(Webhooks, StoredDeliveryIsSentAfterTheHubRestarts) {
  start_hub(webhook_config());
  start_sim();
  ASSERT_TRUE(eventually([&] { return !answered(503).empty(); }, 15s)) << logs();
  const std::string id = answered(503).front().headers.at("x-lockwarden-delivery");
  sim_->signal(SIGKILL);
  sim_->wait(5s);
  hub_->signal(SIGKILL);
  hub_->wait(5s);

  receiver_.answer(200);
  start_hub(webhook_config());
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& r : answered(200)) {
          if (r.headers.at("x-lockwarden-delivery") == id) return true;
        }
        return false;
      },
      10s))
      << logs();
  for (const auto& r : answered(200)) expect_signed(r);
  EXPECT_NE(testing::read_text_file(dir_ / "hub.log").find("still pending from before the restart"),
            std::string::npos)
      << logs();
}

}  // namespace
}  // namespace lw::e2e
