#include "adapters/webhook/webhook_dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

#include "adapters/webhook/webhook_body.h"
#include "adapters/webhook/webhook_signature.h"
#include "core/hub/hub.h"

namespace lw::adapters::webhook {
namespace {

/// Retry-After in whole seconds; an HTTP date is not read (the back-off applies).
std::optional<Duration> retry_after_seconds(const std::optional<std::string>& header) {
  if (!header) return std::nullopt;
  std::int64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(header->data(), header->data() + header->size(), seconds);
  if (ec != std::errc{} || ptr != header->data() + header->size() || seconds < 0) return std::nullopt;
  return std::chrono::duration_cast<Duration>(std::chrono::seconds(std::min<std::int64_t>(seconds, 86400)));
}

std::string seconds_text(Duration d) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%.1f s", static_cast<double>(d.count()) / 1000.0);
  return buf.data();
}

}  // namespace

struct WebhookDispatcher::Target {
  Endpoint endpoint;
  http::HttpUrl url;
  std::vector<core::WebhookDelivery> queue;  // pending, oldest first
  bool busy{false};                          // a request in flight
  std::string in_flight;                     // its delivery's id
  std::optional<Timestamp> held_until;       // the receiver is failing: nothing before this
  [[nodiscard]] bool wants(core::WebhookEventType type) const {
    return endpoint.events.empty() ||
           std::find(endpoint.events.begin(), endpoint.events.end(), type) != endpoint.events.end();
  }
};

Result<std::unique_ptr<WebhookDispatcher>> WebhookDispatcher::create(boost::asio::io_context& io,
                                                                     sqlite::WebhookOutbox& outbox,
                                                                     const core::Clock& clock,
                                                                     core::Random& random, Options options) {
  std::vector<Target> targets;
  for (std::size_t i = 0; i < options.endpoints.size(); ++i) {
    const Endpoint& e = options.endpoints[i];
    auto url = http::parse_http_url(e.url, "webhook[" + std::to_string(i) + "].url");
    if (!url) return url.error();
    targets.push_back(Target{e, *url, {}, false, {}, std::nullopt});
  }
  return std::unique_ptr<WebhookDispatcher>(
      new WebhookDispatcher(io, outbox, clock, random, std::move(options), std::move(targets)));
}

WebhookDispatcher::WebhookDispatcher(boost::asio::io_context& io, sqlite::WebhookOutbox& outbox,
                                     const core::Clock& clock, core::Random& random, Options options,
                                     std::vector<Target> targets)
    : io_(io),
      outbox_(outbox),
      clock_(clock),
      random_(random),
      options_(std::move(options)),
      schedule_(options_.retry),
      mapper_(clock),
      targets_(std::move(targets)),
      client_(io),
      timer_(io) {}

WebhookDispatcher::~WebhookDispatcher() { stop(); }

void WebhookDispatcher::attach(const core::Hub& hub) {
  hub_ = &hub;
  mapper_.seed(hub.locks(), hub.health_monitor().liveness(), hub.doctor());
}

Result<void> WebhookDispatcher::start() {
  auto pending = outbox_.load_pending();
  if (!pending) return pending.error();
  const Timestamp now = clock_.now();
  std::size_t resumed = 0;
  for (core::WebhookDelivery& d : *pending) {
    auto t = std::find_if(targets_.begin(), targets_.end(),
                          [&](const Target& x) { return x.endpoint.url == d.url; });
    if (t == targets_.end()) {
      d.status = core::DeliveryStatus::expired;
      d.last_error = "no [[webhook]] with this url is configured any more";
      d.done_at = now;
      save(d);
      continue;
    }
    t->queue.push_back(std::move(d));
    ++resumed;
  }
  if (resumed > 0) spdlog::info("webhooks: {} deliveries still pending from before the restart", resumed);
  started_ = true;
  prune(now);
  pump();
  return ok();
}

void WebhookDispatcher::stop() {
  if (stopping_) return;
  stopping_ = true;
  timer_.cancel();
  client_.stop();
}

void WebhookDispatcher::tick() {
  if (hub_ == nullptr) return;
  mapper_.review(hub_->health_monitor().liveness(), hub_->doctor());
  flush();
  prune(clock_.now());
}

void WebhookDispatcher::lock_changed(const core::LockRecord& lock) {
  mapper_.lock_changed(lock);
  flush();
}

void WebhookDispatcher::emit(core::WebhookEvent event) {
  mapper_.add(std::move(event));
  flush();
}

void WebhookDispatcher::event_recorded(const core::EventRecord& event) {
  mapper_.event_recorded(event);
  flush();
}

void WebhookDispatcher::action_changed(const core::Action& action) {
  mapper_.action_changed(action);
  flush();
}

void WebhookDispatcher::health_noticed(const core::HealthNotice& notice) {
  mapper_.health_noticed(notice);
  flush();
}

std::size_t WebhookDispatcher::pending() const {
  std::size_t n = 0;
  for (const Target& t : targets_) n += t.queue.size();
  return n;
}

std::string WebhookDispatcher::new_id() {
  std::array<char, 40> buf{};
  std::snprintf(buf.data(), buf.size(), "d-%016llx%016llx",
                static_cast<unsigned long long>(random_.next_u64()),
                static_cast<unsigned long long>(random_.next_u64()));
  return buf.data();
}

void WebhookDispatcher::flush() {
  std::vector<core::WebhookEvent> events = mapper_.take();
  if (events.empty() || stopping_) return;
  const Timestamp now = clock_.now();
  std::vector<std::pair<std::size_t, core::WebhookDelivery>> fresh;
  for (const core::WebhookEvent& e : events) {
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      if (!targets_[i].wants(e.type)) continue;
      core::WebhookDelivery d;
      d.id = new_id();
      d.url = targets_[i].endpoint.url;
      d.event_type = e.type;
      d.body = webhook_body(d.id, e, options_.hub_id);
      d.created_at = now;
      d.next_attempt_at = now;
      fresh.emplace_back(i, std::move(d));
    }
  }
  if (fresh.empty()) return;
  std::vector<core::WebhookDelivery> rows;
  rows.reserve(fresh.size());
  for (const auto& [target, d] : fresh) rows.push_back(d);
  if (auto r = outbox_.add(rows); !r) {
    // Nothing is sent that is not stored: a receiver could not tell it apart from a loss later.
    spdlog::error("webhooks: could not store {} deliveries, they are not sent: {}", rows.size(),
                  r.error().message);
    return;
  }
  for (auto& [target, d] : fresh) targets_[target].queue.push_back(std::move(d));
  if (started_) pump();
}

void WebhookDispatcher::pump() {
  if (stopping_ || !started_) return;
  const Timestamp now = clock_.now();
  std::optional<Timestamp> wake;
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    Target& t = targets_[i];
    // Deliveries past their deadline expire even while the receiver is held.
    std::erase_if(t.queue, [&](core::WebhookDelivery& d) {
      if ((t.busy && d.id == t.in_flight) || now < schedule_.deadline(d.created_at)) return false;
      d.status = core::DeliveryStatus::expired;
      if (d.last_error.empty())
        d.last_error = "not sent within " + seconds_text(options_.retry.give_up_after);
      d.done_at = now;
      spdlog::warn("webhooks: {} {} to {} expired after {} attempts: {}", core::to_string(d.event_type), d.id,
                   t.url.origin(), d.attempts, d.last_error);
      save(d);
      return true;
    });
    if (t.busy || t.queue.empty()) continue;
    if (t.held_until && now < *t.held_until) {
      wake = wake ? std::min(*wake, *t.held_until) : *t.held_until;
      continue;
    }
    // The oldest delivery that is due.
    core::WebhookDelivery* next = nullptr;
    for (core::WebhookDelivery& d : t.queue) {
      if (d.next_attempt_at <= now) {
        next = &d;
        break;
      }
      wake = wake ? std::min(*wake, d.next_attempt_at) : d.next_attempt_at;
    }
    if (next != nullptr) attempt(i, *next, now);
  }
  if (!wake) return;
  timer_.expires_after(std::max(*wake - clock_.now(), Duration{0}));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) pump();
  });
}

void WebhookDispatcher::attempt(std::size_t target, core::WebhookDelivery& d, Timestamp now) {
  Target& t = targets_[target];
  t.busy = true;
  t.in_flight = d.id;
  http::AsyncHttpClient::Request req;
  req.url = t.url;
  req.method = "POST";
  req.timeout = t.endpoint.timeout;
  req.ca_file = t.endpoint.ca_file;
  req.body = d.body;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  req.headers = {{"Content-Type", "application/json"},
                 {"X-Lockwarden-Event", std::string(core::to_string(d.event_type))},
                 {"X-Lockwarden-Delivery", d.id},
                 {"X-Lockwarden-Signature", sign(t.endpoint.secret, d.body)},
                 {"X-Lockwarden-Timestamp", std::to_string(seconds)}};
  client_.send(std::move(req),
               [this, target, id = d.id, now](const Result<http::AsyncHttpClient::Answer>& answer) {
                 finished(target, id, now, answer);
               });
}

void WebhookDispatcher::finished(std::size_t target, const std::string& id, Timestamp attempted_at,
                                 const Result<http::AsyncHttpClient::Answer>& answer) {
  Target& t = targets_[target];
  t.busy = false;
  t.in_flight.clear();
  auto it = std::find_if(t.queue.begin(), t.queue.end(),
                         [&](const core::WebhookDelivery& d) { return d.id == id; });
  if (it == t.queue.end()) {
    pump();
    return;
  }
  core::WebhookDelivery& d = *it;
  core::AttemptResult result;
  if (answer) {
    result.http_status = answer->status;
    result.retry_after = retry_after_seconds(answer->retry_after);
    if (answer->status < 200 || answer->status > 299) result.error = "HTTP " + std::to_string(answer->status);
  } else {
    result.error = answer.error().message;
  }
  const Timestamp now = clock_.now();
  const core::Verdict v = schedule_.after_attempt(d.created_at, d.attempts + 1, result, now, random_);
  ++d.attempts;
  d.last_attempt_at = attempted_at;
  d.last_status = result.http_status;
  d.last_error = result.error;
  d.status = v.status;
  d.next_attempt_at = v.next_attempt_at;
  if (v.status != core::DeliveryStatus::pending) d.done_at = now;
  save(d);

  const std::string origin = t.url.origin();
  switch (v.status) {
    case core::DeliveryStatus::delivered:
      if (t.held_until) spdlog::info("webhooks: {} takes deliveries again", origin);
      t.held_until.reset();
      spdlog::debug("webhooks: delivered {} {} to {} (attempt {})", core::to_string(d.event_type), d.id,
                    origin, d.attempts);
      break;
    case core::DeliveryStatus::pending:
      if (!t.held_until) {
        spdlog::warn("webhooks: {} did not take {} {}: {}; retrying with back-off", origin,
                     core::to_string(d.event_type), d.id, d.last_error);
      }
      t.held_until = d.next_attempt_at;
      break;
    case core::DeliveryStatus::failed:
      spdlog::warn("webhooks: {} refused {} {} for good: {}", origin, core::to_string(d.event_type), d.id,
                   d.last_error);
      t.held_until.reset();
      break;
    case core::DeliveryStatus::expired:
      spdlog::warn("webhooks: {} {} to {} expired after {} attempts: {}", core::to_string(d.event_type), d.id,
                   origin, d.attempts, d.last_error);
      break;
  }
  if (v.status != core::DeliveryStatus::pending) t.queue.erase(it);
  pump();
}

void WebhookDispatcher::save(const core::WebhookDelivery& d) {
  if (auto r = outbox_.save(d); !r) {
    spdlog::error("webhooks: could not save delivery {}: {}", d.id, r.error().message);
  }
}

void WebhookDispatcher::prune(Timestamp now) {
  const std::int64_t today = utc_day(now);
  if (pruned_day_ == today) return;
  auto deleted = outbox_.delete_finished_before(now - options_.keep_finished);
  if (!deleted) {
    spdlog::error("webhooks: could not delete old deliveries: {}", deleted.error().message);
    return;
  }
  pruned_day_ = today;
  if (*deleted > 0) spdlog::info("webhooks: deleted {} finished deliveries older than a week", *deleted);
}

}  // namespace lw::adapters::webhook
