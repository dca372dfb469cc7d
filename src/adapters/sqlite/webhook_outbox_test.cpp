// The webhook outbox on a real database file: what is added survives
// reopening, saves replace, finished rows age out, bad values are corruption.
#include "adapters/sqlite/webhook_outbox.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "adapters/sqlite/schema.h"
#include "tests/support/mosquitto_broker.h"

namespace lw::adapters::sqlite {
namespace {

using core::DeliveryStatus;
using core::WebhookDelivery;

constexpr Timestamp kT0 = from_epoch_ms(1'700'000'000'000);

WebhookDelivery delivery(std::string id, Timestamp created) {
  WebhookDelivery d;
  d.id = std::move(id);
  d.url = "http://127.0.0.1:9000/hook";
  d.event_type = core::WebhookEventType::lock_offline;
  d.body = R"({"id":")" + d.id + R"(","type":"lock.offline"})";
  d.created_at = created;
  d.next_attempt_at = created;
  return d;
}

class WebhookOutboxTest : public ::testing::Test {
 protected:
  WebhookOutboxTest() : dir_(lw::testing::make_temp_dir("outbox")) {}
  ~WebhookOutboxTest() override { lw::testing::remove_temp_dir_unless_failed(dir_); }

  std::unique_ptr<WebhookOutbox> open() {
    auto outbox = WebhookOutbox::open(path(), Synchronous::full, kT0);
    EXPECT_TRUE(outbox) << outbox.error().message;
    return outbox ? std::move(*outbox) : nullptr;
  }
  [[nodiscard]] std::string path() const { return (dir_ / "lockwarden.db").string(); }

  std::filesystem::path dir_;
};

TEST_F(WebhookOutboxTest, AddedDeliveriesArePendingAfterReopeningOldestFirst) {
  {
    auto outbox = open();
    ASSERT_TRUE(outbox->add({delivery("d-2", kT0 + 1s), delivery("d-1", kT0)}));
  }
  auto outbox = open();
  auto pending = outbox->load_pending();
  ASSERT_TRUE(pending) << pending.error().message;
  ASSERT_EQ(pending->size(), 2U);
  EXPECT_EQ((*pending)[0], delivery("d-1", kT0));
  EXPECT_EQ((*pending)[1].id, "d-2");
}

TEST_F(WebhookOutboxTest, SaveReplacesTheRowAndFinishedOnesAreNoLongerPending) {
  auto outbox = open();
  ASSERT_TRUE(outbox->add({delivery("d-1", kT0), delivery("d-2", kT0)}));
  WebhookDelivery d = delivery("d-1", kT0);
  d.attempts = 2;
  d.last_attempt_at = kT0 + 1s;
  d.last_status = 503;
  d.last_error = "HTTP 503";
  d.next_attempt_at = kT0 + 3s;
  ASSERT_TRUE(outbox->save(d));
  auto found = outbox->find("d-1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ(**found, d);

  d.status = DeliveryStatus::delivered;
  d.attempts = 3;
  d.last_status = 200;
  d.last_error.clear();
  d.done_at = kT0 + 4s;
  ASSERT_TRUE(outbox->save(d));
  auto pending = outbox->load_pending();
  ASSERT_TRUE(pending);
  ASSERT_EQ(pending->size(), 1U);
  EXPECT_EQ((*pending)[0].id, "d-2");
  EXPECT_FALSE(*outbox->find("d-9"));
}

TEST_F(WebhookOutboxTest, AddIsAllOrNothing) {
  auto outbox = open();
  ASSERT_TRUE(outbox->add({delivery("d-1", kT0)}));
  auto again = outbox->add({delivery("d-2", kT0), delivery("d-1", kT0)});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_FALSE(*outbox->find("d-2"));
}

TEST_F(WebhookOutboxTest, FinishedRowsAreDeletedOnceOldEnoughAndPendingOnesNever) {
  auto outbox = open();
  ASSERT_TRUE(outbox->add({delivery("old", kT0), delivery("recent", kT0), delivery("waiting", kT0)}));
  for (auto [id, done] : {std::pair{"old", kT0 + 1h}, std::pair{"recent", kT0 + 48h}}) {
    WebhookDelivery d = delivery(id, kT0);
    d.status = DeliveryStatus::expired;
    d.done_at = done;
    ASSERT_TRUE(outbox->save(d));
  }
  auto deleted = outbox->delete_finished_before(kT0 + 24h);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 1);
  EXPECT_FALSE(*outbox->find("old"));
  EXPECT_TRUE(*outbox->find("recent"));
  EXPECT_TRUE(*outbox->find("waiting"));
}

TEST_F(WebhookOutboxTest, UnknownStatusIsCorruptionNamingTheColumnAndRow) {
  {
    auto outbox = open();
    ASSERT_TRUE(outbox->add({delivery("d-1", kT0)}));
  }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "UPDATE webhook_deliveries SET event_type = 'lock.exploded'", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  auto outbox = open();
  auto pending = outbox->load_pending();
  ASSERT_FALSE(pending);
  EXPECT_EQ(pending.error().code, ErrorCode::corruption);
  EXPECT_EQ(pending.error().message,
            "webhook_deliveries.event_type: unknown value 'lock.exploded' (delivery 'd-1')");
}

TEST_F(WebhookOutboxTest, OpeningMigratesAFreshFileToTheCurrentSchema) {
  auto outbox = open();
  ASSERT_TRUE(outbox);
  auto store = SqliteStore::open(path());
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_GE(schema_version(), 4);
}

}  // namespace
}  // namespace lw::adapters::sqlite
