// WebhookOutbox: the durable outbox of webhook deliveries, the
// `webhook_deliveries` table (docs/storage.md, schema version 4) of the hub's
// database file. A delivery is stored before its first attempt and saved after
// every attempt, so a restart resumes what was pending; rows that reached an
// end (delivered, failed, expired) are kept a week for inspection, then
// deleted by delete_finished_before().
//
// It opens its own connection to the file SqliteStore uses (WAL lets both
// work on it); durability is the store's: a write that returned success
// survives kill -9. Webhook secrets are never stored.
//
// Example:
//   auto outbox = WebhookOutbox::open(config.store_path(), Synchronous::full, clock.now());
//   if (!outbox) return outbox.error();
//   (*outbox)->add({delivery});      // before the first attempt
//   (*outbox)->save(delivery);       // after each attempt
//
// Threading: not thread-safe; the hub's event loop uses it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_handle.h"
#include "adapters/sqlite/sqlite_store.h"
#include "core/webhook/delivery.h"

namespace lw::adapters::sqlite {

class WebhookOutbox {
 public:
  /// Opens the database at `path` (WAL, `sync`, the store's busy timeout) and
  /// brings its schema up to date, stamping migrations with `now`. Errors: as
  /// SqliteStore::open.
  static Result<std::unique_ptr<WebhookOutbox>> open(const std::string& path, Synchronous sync,
                                                     Timestamp now);

  WebhookOutbox(const WebhookOutbox&) = delete;
  WebhookOutbox& operator=(const WebhookOutbox&) = delete;
  ~WebhookOutbox() = default;

  // Errors for every call: unavailable (disk full, I/O error, locked past the
  // busy timeout: nothing was written), corruption (a stored value this code
  // cannot read; the message names the column and the row), internal.

  /// Stores new deliveries, all or none (one transaction). conflict: an id is taken.
  Result<void> add(const std::vector<core::WebhookDelivery>& deliveries);
  /// Replaces a delivery's row (after an attempt).
  Result<void> save(const core::WebhookDelivery& delivery);
  /// Every pending delivery, oldest first (created_at, then id).
  Result<std::vector<core::WebhookDelivery>> load_pending();
  Result<std::optional<core::WebhookDelivery>> find(const std::string& id);
  /// Deletes delivered, failed and expired rows that ended before `before`;
  /// returns how many.
  Result<std::int64_t> delete_finished_before(Timestamp before);

 private:
  explicit WebhookOutbox(Connection db) noexcept : db_(std::move(db)) {}

  Connection db_;
};

}  // namespace lw::adapters::sqlite
