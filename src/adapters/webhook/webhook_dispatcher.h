// WebhookDispatcher: sends the hub's events to the configured webhook
// receivers (`[[webhook]]`, docs/configuration.md; the events, body, headers
// and delivery rules are in docs/integrations.md, "Webhooks").
//
// It is an EventSink beside the log and the live stream. A WebhookMapper
// (core) turns notifications — and, after every tick, incidents and cases —
// into events; for each receiver subscribed to an event's type a delivery is
// stored in the outbox (WebhookOutbox) before anything is sent. Deliveries are
// POSTed with the async client on the hub's io_context, so the event loop
// never waits for a receiver; the RetrySchedule (core) decides what each
// answer means. One request at a time per receiver: while a receiver fails
// with a retryable error, its other deliveries wait for the same back-off
// rather than each knocking in turn. At start the pending deliveries are
// loaded again (a delivery in flight when the hub stopped is sent again:
// receivers drop duplicates by X-Lockwarden-Delivery). Secrets are never
// logged or stored, and logs name a receiver by http[s]://host:port only.
//
// Example:
//   auto outbox = sqlite::WebhookOutbox::open(path, sync, clock.now());
//   WebhookDispatcher webhooks(io, **outbox, clock, random,
//                              {.hub_id = "home-hub", .endpoints = {{url, secret, {}, 10s}}});
//   fan_out.add(webhooks);            // hears what the hub tells its sink
//   webhooks.attach(hub);             // after hub.load() and the configured locks
//   webhooks.start();
//   // after every hub.tick(): webhooks.tick();
//   // on SIGTERM: webhooks.stop();
//
// Threading: everything on the io_context thread that owns the Hub.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/http/async_http_client.h"
#include "adapters/sqlite/webhook_outbox.h"
#include "base/result.h"
#include "core/ports/clock.h"
#include "core/ports/event_sink.h"
#include "core/ports/random.h"
#include "core/webhook/retry_schedule.h"
#include "core/webhook/webhook_mapper.h"

namespace lw::core {
class Hub;
}  // namespace lw::core

namespace lw::adapters::webhook {

/// One receiver, as configured.
struct Endpoint {
  std::string url;                             ///< http[s]://host[:port]/path
  std::string secret;                          ///< the HMAC key; never logged or stored
  std::vector<core::WebhookEventType> events;  ///< what it wants; empty: everything
  Duration timeout{10s};                       ///< per attempt
  std::string ca_file;  ///< https://: the receiver's CA (PEM); empty: the system's trusted CAs
};

class WebhookDispatcher final : public core::EventSink {
 public:
  struct Options {
    std::string hub_id;  ///< the body's "hub"
    std::vector<Endpoint> endpoints;
    core::RetrySchedule::Options retry;
    Duration keep_finished{std::chrono::days{7}};  ///< delivered, failed and expired rows
  };

  /// Errors: invalid_argument ("webhook[0].url: ...") for a url that is not
  /// http[s]://host[:port]/path. The outbox, clock and random must outlive it.
  static Result<std::unique_ptr<WebhookDispatcher>> create(boost::asio::io_context& io,
                                                           sqlite::WebhookOutbox& outbox,
                                                           const core::Clock& clock, core::Random& random,
                                                           Options options);
  ~WebhookDispatcher() override;
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  /// The hub whose incidents and cases tick() reviews; what it knows now is
  /// not told. Call after the hub has loaded and before the first
  /// notification; `hub` must outlive the dispatcher.
  void attach(const core::Hub& hub);

  /// Loads the pending deliveries (those for a url no longer configured
  /// expire), deletes rows finished over `keep_finished` ago, and starts
  /// sending. Errors: the outbox's.
  Result<void> start();

  /// Stops sending: the timer and the requests in flight are cancelled
  /// (what was in flight stays pending in the outbox). Idempotent.
  void stop();

  /// Sends an event another part of the hub found (access codes) to the
  /// receivers that want its type, like the hub's own.
  void emit(core::WebhookEvent event);

  /// Incidents and cases opened or closed since the last tick; once a day
  /// the outbox is pruned. Call after every Hub::tick().
  void tick();

  // core::EventSink
  void lock_changed(const core::LockRecord& lock) override;
  void event_recorded(const core::EventRecord& event) override;
  void action_changed(const core::Action& action) override;
  void health_noticed(const core::HealthNotice& notice) override;

  /// Pending deliveries of every receiver.
  [[nodiscard]] std::size_t pending() const;

 private:
  struct Target;
  WebhookDispatcher(boost::asio::io_context& io, sqlite::WebhookOutbox& outbox, const core::Clock& clock,
                    core::Random& random, Options options, std::vector<Target> targets);

  /// Stores a delivery per subscribed receiver for each event the mapper found.
  void flush();
  /// Starts every attempt that is due; arms the timer for the next one.
  void pump();
  void attempt(std::size_t target, core::WebhookDelivery& delivery, Timestamp now);
  void finished(std::size_t target, const std::string& id, Timestamp attempted_at,
                const Result<http::AsyncHttpClient::Answer>& answer);
  /// Saves `d`; a failure is logged (the delivery goes on from memory).
  void save(const core::WebhookDelivery& d);
  void prune(Timestamp now);
  std::string new_id();

  boost::asio::io_context& io_;
  sqlite::WebhookOutbox& outbox_;
  const core::Clock& clock_;
  core::Random& random_;
  Options options_;
  core::RetrySchedule schedule_;
  core::WebhookMapper mapper_;
  std::vector<Target> targets_;
  http::AsyncHttpClient client_;
  boost::asio::steady_timer timer_;
  const core::Hub* hub_{nullptr};
  std::optional<std::int64_t> pruned_day_;
  bool started_{false};
  bool stopping_{false};
};

}  // namespace lw::adapters::webhook
