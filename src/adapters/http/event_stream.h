// EventStream: the hub's live updates as Server-Sent Events on
// GET /api/v1/stream (docs/openapi.yaml). It is the Hub's EventSink: every
// notification goes on to the inner sink (the log) and, as a frame, to every
// connected client.
//
// Frames (data is one line of compact JSON; ids increase by one per frame,
// across clients):
//   id: 1
//   event: hello                   {"hub":"hub-1","time_ms":1796294941120}, on connecting
//   event: lock                    as GET /api/v1/locks/{id}
//   event: event                   as one element of GET /api/v1/locks/{id}/events
//   event: action                  as GET /api/v1/actions/{id}, i.e. {"action":{...}}
//   event: cases                   {"open":2,"ids":[7,5]}, newest first as GET /api/v1/cases
// and a `: keep-alive` comment every `keep_alive`.
//
// A lock frame goes out whenever the hub stores the lock (lock_changed: a
// report, a connectivity change, an action's result) and also, from tick(),
// when what the lock JSON shows changes without that: its case summary (a
// case opened, re-ranked, re-planned or closed) or the whole days of its
// battery forecast. tick() costs O(members of open cases) plus O(log locks)
// per battery day boundary due, never a pass over every lock: the next
// boundary of each lock is kept in a queue, rescheduled when it is stored.
// A `cases` frame goes out from tick() when the open cases, or any open
// case's likely cause, ranking of causes, next step or history change.
// The lock changes found by tick() are also told to the on_view_changed
// listener (the inner sink hears only what the hub stores), so other
// adapters reuse this detection instead of repeating it.
//
// Each client may have a filter (the route gives it the caller's): a lock
// frame goes only to clients that may view the lock's site, an event, action
// or cases frame only to those that may read its site's activity (a cases
// frame lists just the cases of those sites). A client so sees gaps in the ids.
//
// A client whose StreamSink refuses a write (gone, or too slow: the session's
// queue limit) is dropped. Nothing is serialized while no client is connected.
//
// Example:
//   app::LogEventSink log;
//   EventStream stream(log, {.hub_id = "hub-1"});
//   core::Hub hub(clock, store, link, stream, random, options);
//   stream.attach(hub);
//   add_event_stream_route(router, stream);
//   // every tick: hub.tick(); stream.tick();
//
// Threading: everything on the io_context thread that owns the Hub.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/ids.h"
#include "base/time.h"
#include "core/access/policy.h"
#include "core/ports/event_sink.h"

namespace boost::json {
class value;
}  // namespace boost::json

namespace lw::core {
class Hub;
}  // namespace lw::core

namespace lw::adapters::http {

class Router;
class StreamSink;

class EventStream final : public core::EventSink {
 public:
  struct Options {
    std::string hub_id;        ///< named in the hello frame
    Duration keep_alive{15s};  ///< between keep-alive comments
  };

  EventStream(core::EventSink& inner, Options options);
  ~EventStream() override;
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  /// The hub whose state the frames show; call once, right after constructing
  /// the hub (before its first notification). `hub` must outlive the stream.
  void attach(const core::Hub& hub);

  // core::EventSink
  void lock_changed(const core::LockRecord& lock) override;
  void event_recorded(const core::EventRecord& event) override;
  void action_changed(const core::Action& action) override;
  /// Passed on to the inner sink only (no frame: the notice's event follows).
  void health_noticed(const core::HealthNotice& notice) override;

  /// Called with each lock whose case summary or battery forecast's whole
  /// days tick() found changed without the hub storing it (see above).
  void on_view_changed(std::function<void(const core::LockRecord&)> listener) {
    view_changed_ = std::move(listener);
  }

  /// Whether a client may see a frame about `site` that needs `permission`.
  using Filter = std::function<bool(core::access::Permission permission, const SiteId& site)>;

  /// A client connected: sends it the hello frame and then every frame its
  /// `filter` lets through (every frame without one).
  void add_client(std::shared_ptr<StreamSink> client, Filter filter = {});

  /// The changes no notification tells (see above) and the keep-alive, as of
  /// the hub's clock. Call after every Hub::tick().
  void tick();

  [[nodiscard]] std::size_t client_count() const { return clients_.size(); }

  /// "id: 7\nevent: lock\ndata: {...}\n\n".
  static std::string frame(std::uint64_t id, std::string_view event, const boost::json::value& data);

 private:
  struct CaseMark;  // what of an open case the cases frame tracks
  struct BatteryDue {
    Timestamp at;
    LockId lock;
    std::uint64_t generation{0};
    bool operator>(const BatteryDue& other) const { return at > other.at; }
  };
  struct LockMark {
    std::optional<std::int64_t> battery_days;
    std::optional<Timestamp> due;  // the next boundary queued
    std::uint64_t generation{0};   // of that BatteryDue entry
  };

  /// Sends `lock`'s frame (when a client listens) and notes what it showed.
  void send_lock(const core::LockRecord& lock);
  /// Notes the forecast's whole days and queues the next boundary.
  void mark_battery(const core::LockRecord& lock);
  void check_battery_days(Timestamp now);
  void check_case_summaries();
  void check_cases();
  struct Client {
    std::shared_ptr<StreamSink> sink;
    Filter filter;
  };
  /// Sends `event` with `data` to every client whose filter lets `permission`
  /// on `site` through (every client when `site` is null), dropping those that refuse it.
  void broadcast(std::string_view event, const boost::json::value& data,
                 core::access::Permission permission = core::access::Permission::view,
                 const SiteId* site = nullptr);
  /// The site of lock `id` ("" when unknown: only a grant on every site sees it).
  [[nodiscard]] SiteId site_of(const LockId& id) const;

  core::EventSink& inner_;
  Options options_;
  const core::Hub* hub_{nullptr};
  std::vector<Client> clients_;
  std::uint64_t next_id_{1};
  std::optional<Timestamp> last_keep_alive_;
  std::map<LockId, LockMark> locks_;
  std::priority_queue<BatteryDue, std::vector<BatteryDue>, std::greater<>> battery_due_;
  std::map<LockId, std::string> summaries_;  // serialized case summary of locks in an open case
  std::vector<CaseMark> cases_;
  std::function<void(const core::LockRecord&)> view_changed_;
};

/// Registers GET /api/v1/stream (text/event-stream, Cache-Control: no-cache)
/// on `router`; `stream` must outlive the router.
void add_event_stream_route(Router& router, EventStream& stream);

}  // namespace lw::adapters::http
