#include "adapters/http/event_stream.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>

#include "adapters/http/api_json.h"
#include "adapters/http/router.h"
#include "core/hub/hub.h"
#include "tests/support/memory_store.h"
#include "tests/support/recording_device_link.h"

namespace lw::adapters::http {
namespace {

namespace json = boost::json;

struct Frame {
  std::uint64_t id{0};
  std::string event;
  json::value data;
};

/// A client that reads everything: keeps each chunk.
class ListeningClient final : public StreamSink {
 public:
  bool write(std::string chunk) override {
    if (!open_) return false;
    chunks_.push_back(std::move(chunk));
    return true;
  }
  void close() override { open_ = false; }
  [[nodiscard]] bool is_open() const override { return open_; }

  [[nodiscard]] const std::vector<std::string>& chunks() const { return chunks_; }
  /// The chunks that are frames, parsed; a chunk that is not exactly
  /// "id: N\nevent: E\ndata: JSON\n\n" fails the test.
  [[nodiscard]] std::vector<Frame> frames() const {
    std::vector<Frame> out;
    for (const std::string& c : chunks_) {
      if (c.starts_with(":")) continue;
      Frame f;
      const auto event_at = c.find("\nevent: ");
      const auto data_at = c.find("\ndata: ");
      EXPECT_TRUE(c.starts_with("id: ") && event_at != std::string::npos && data_at != std::string::npos &&
                  c.ends_with("\n\n"))
          << c;
      if (!c.starts_with("id: ") || event_at == std::string::npos || data_at == std::string::npos) continue;
      f.id = std::stoull(c.substr(4, event_at - 4));
      f.event = c.substr(event_at + 8, data_at - event_at - 8);
      const std::string data = c.substr(data_at + 7, c.size() - data_at - 7 - 2);
      EXPECT_EQ(data.find('\n'), std::string::npos) << "data is one line: " << c;
      f.data = json::parse(data);
      out.push_back(std::move(f));
    }
    return out;
  }
  [[nodiscard]] std::vector<Frame> frames(std::string_view event) const {
    std::vector<Frame> out;
    for (Frame& f : frames()) {
      if (f.event == event) out.push_back(std::move(f));
    }
    return out;
  }
  void clear() { chunks_.clear(); }

 private:
  std::vector<std::string> chunks_;
  bool open_{true};
};

/// A client that has gone: every write is refused.
class GoneClient final : public StreamSink {
 public:
  bool write(std::string /*chunk*/) override { return false; }
  void close() override {}
  [[nodiscard]] bool is_open() const override { return false; }
};

/// A client that reads `budget` chunks and then falls behind for good (the
/// session refuses writes once its queue limit is passed).
class SlowClient final : public StreamSink {
 public:
  explicit SlowClient(int budget) : budget_(budget) {}
  bool write(std::string /*chunk*/) override {
    if (budget_ == 0) return false;
    --budget_;
    return true;
  }
  void close() override { budget_ = 0; }
  [[nodiscard]] bool is_open() const override { return budget_ > 0; }

 private:
  int budget_;
};

/// The inner sink: counts what was passed on.
class CountingSink final : public core::EventSink {
 public:
  void lock_changed(const core::LockRecord& /*lock*/) override { ++locks; }
  void event_recorded(const core::EventRecord& /*event*/) override { ++events; }
  void action_changed(const core::Action& /*action*/) override { ++actions; }
  int locks{0};
  int events{0};
  int actions{0};
};

class EventStreamTest : public ::testing::Test {
 protected:
  EventStreamTest() {
    EXPECT_TRUE(hub_.load());
    stream_.attach(hub_);
  }

  std::shared_ptr<ListeningClient> connect() {
    auto client = std::make_shared<ListeningClient>();
    stream_.add_client(client);
    return client;
  }

  void telemetry(Duration heartbeat = 10s) {
    core::Telemetry t;
    t.ts = clock_.now();
    t.battery_pct = 80;
    t.battery_mv = 5200;
    t.rssi_dbm = -60;
    t.heartbeat = heartbeat;
    ASSERT_TRUE(hub_.on_telemetry(front_, t));
  }

  /// The lock as GET /api/v1/locks/front answers now.
  json::value front_json() { return lock_json(hub_, *hub_.find_lock("front")); }

  /// Runs the hub and the stream for `d`, in ticks of `step`.
  void run_for(Duration d, Duration step = 500ms) {
    for (Duration t{0}; t < d; t += step) {
      clock_.advance(step);
      hub_.tick();
      stream_.tick();
    }
  }

  core::ManualClock clock_;
  core::MemoryStore store_;
  lw::testing::RecordingDeviceLink link_;
  CountingSink log_;
  EventStream stream_{log_, {.hub_id = "hub-1"}};
  core::SeededRandom random_{42};
  core::Hub hub_{clock_, store_, link_, stream_, random_, core::HubOptions{}};
  core::LockAddress front_{"home", "front"};
};

TEST_F(EventStreamTest, NewClientIsGreetedWithTheHubAndTheTime) {
  auto client = connect();
  auto frames = client->frames();
  ASSERT_EQ(frames.size(), 1U);
  EXPECT_EQ(frames[0].event, "hello");
  EXPECT_EQ(json::serialize(frames[0].data), R"({"hub":"hub-1","time_ms":1700000000000})");
  EXPECT_EQ(stream_.client_count(), 1U);
}

TEST_F(EventStreamTest, FrameIsIdEventAndOneLineOfJson) {
  EXPECT_EQ(EventStream::frame(7, "cases", json::parse(R"({"open":1,"ids":[3]})")),
            "id: 7\nevent: cases\ndata: {\"open\":1,\"ids\":[3]}\n\n");
  EXPECT_EQ(EventStream::frame(8, "event", json::object{{"detail", "a\nb"}}),
            "id: 8\nevent: event\ndata: {\"detail\":\"a\\nb\"}\n\n");
}

TEST_F(EventStreamTest, StoredLockIsSentAsTheLockResourceShowsIt) {
  auto client = connect();
  telemetry();
  auto locks = client->frames("lock");
  ASSERT_FALSE(locks.empty());
  EXPECT_EQ(json::serialize(locks.back().data), json::serialize(front_json()));
  EXPECT_TRUE(locks.back().data.as_object().contains("case"));
  EXPECT_TRUE(locks.back().data.as_object().contains("battery_forecast"));
  EXPECT_EQ(log_.locks, static_cast<int>(locks.size())) << "every notification also reaches the log";
}

TEST_F(EventStreamTest, RecordedEventIsSentAsAnElementOfTheLockHistory) {
  telemetry();
  auto client = connect();
  core::DeviceEvent e;
  e.seq = 1;
  e.ts = clock_.now();
  e.operation = core::LockAction::unlock;
  e.source = core::OperationSource::keypad;
  e.user = "anna";
  ASSERT_TRUE(hub_.on_event(front_, e));
  auto events = client->frames("event");
  ASSERT_EQ(events.size(), 1U);
  auto page = hub_.events("front", 1, std::nullopt);
  ASSERT_TRUE(page);
  EXPECT_EQ(json::serialize(events[0].data), json::serialize(to_json(page->events.at(0))));
  EXPECT_EQ(events[0].data.at("user").as_string(), "anna");
  EXPECT_GE(log_.events, 1);
}

TEST_F(EventStreamTest, ActionIsSentAsTheActionResourceShowsIt) {
  telemetry();
  auto client = connect();
  auto action = hub_.request_action("front", core::LockAction::lock);
  ASSERT_TRUE(action);
  auto actions = client->frames("action");
  ASSERT_EQ(actions.size(), 1U);
  auto found = hub_.find_action(action->id);
  ASSERT_TRUE(found);
  EXPECT_EQ(json::serialize(actions[0].data), json::serialize(json::object{{"action", to_json(*found)}}));
  EXPECT_EQ(actions[0].data.at("action").at("status").as_string(), "pending");
  EXPECT_EQ(log_.actions, 1);
}

TEST_F(EventStreamTest, FrameIdsIncreaseAcrossClients) {
  auto first = connect();
  telemetry();
  auto second = connect();
  telemetry();
  std::uint64_t last = 0;
  for (const Frame& f : first->frames()) {
    EXPECT_GT(f.id, last);
    last = f.id;
  }
  EXPECT_EQ(second->frames().back().id, first->frames().back().id) << "one frame, one id, for every client";
}

TEST_F(EventStreamTest, ClientsThatAreGoneOrTooSlowAreDropped) {
  telemetry();  // the first report also brings the lock online: two lock frames
  stream_.add_client(std::make_shared<GoneClient>());
  EXPECT_EQ(stream_.client_count(), 0U) << "a client that cannot take the hello is never added";
  stream_.add_client(std::make_shared<SlowClient>(2));  // the hello and one frame
  auto reader = connect();
  auto leaver = connect();
  EXPECT_EQ(stream_.client_count(), 3U);
  telemetry();
  EXPECT_EQ(stream_.client_count(), 3U);
  leaver->close();
  telemetry();
  EXPECT_EQ(stream_.client_count(), 1U);
  telemetry();
  EXPECT_EQ(reader->frames("lock").size(), 3U);
}

TEST_F(EventStreamTest, NotificationsReachTheLogWithoutClients) {
  telemetry();
  const int first = log_.locks;
  EXPECT_GE(first, 1);
  telemetry();
  EXPECT_EQ(log_.locks, first + 1);
}

TEST_F(EventStreamTest, KeepAliveCommentEveryFifteenSeconds) {
  auto client = connect();
  stream_.tick();
  clock_.advance(14s);
  stream_.tick();
  EXPECT_EQ(client->chunks().size(), 1U);
  clock_.advance(1s);
  stream_.tick();
  ASSERT_EQ(client->chunks().size(), 2U);
  EXPECT_EQ(client->chunks().back(), ": keep-alive\n\n");
  clock_.advance(15s);
  stream_.tick();
  EXPECT_EQ(client->chunks().back(), ": keep-alive\n\n");
  EXPECT_EQ(client->chunks().size(), 3U);
}

TEST_F(EventStreamTest, LastWillSendsTheLockOfflineAndTheOpenCases) {
  for (int i = 0; i < 5; ++i) {
    telemetry();
    run_for(10s);
  }
  auto client = connect();
  ASSERT_TRUE(hub_.on_status(front_, core::StatusReport{false, std::nullopt}));
  auto locks = client->frames("lock");
  ASSERT_FALSE(locks.empty());
  EXPECT_EQ(locks.back().data.at("connectivity").as_string(), "offline");
  auto offline = client->frames("event");
  ASSERT_FALSE(offline.empty());
  EXPECT_EQ(offline.front().data.at("kind").as_string(), "connectivity");

  stream_.tick();
  auto cases = client->frames("cases");
  ASSERT_EQ(cases.size(), 1U);
  const auto open = hub_.doctor().open_cases();
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(json::serialize(cases[0].data), R"({"open":1,"ids":[)" + std::to_string(open[0]->id) + "]}");
  stream_.tick();
  EXPECT_EQ(client->frames("cases").size(), 1U) << "nothing changed: no second frame";
}

TEST_F(EventStreamTest, ReportedOutcomeResendsTheCaseAndItsLocksWithoutAStore) {
  for (int i = 0; i < 5; ++i) {
    telemetry();
    run_for(10s);
  }
  ASSERT_TRUE(hub_.on_status(front_, core::StatusReport{false, std::nullopt}));
  run_for(2min);
  const auto open = hub_.doctor().open_cases();
  ASSERT_EQ(open.size(), 1U);
  const core::Case& c = *open[0];
  ASSERT_FALSE(c.plan.steps.empty());
  auto client = connect();
  stream_.tick();
  EXPECT_TRUE(client->frames("lock").empty()) << "nothing changed yet";

  const int stored = log_.locks;
  std::vector<LockId> viewed;
  stream_.on_view_changed([&](const core::LockRecord& lock) { viewed.push_back(lock.id); });
  const core::Step first = c.plan.steps.front().step;
  ASSERT_TRUE(hub_.report_outcome(c.id, {first, false}));
  stream_.tick();
  EXPECT_EQ(viewed, std::vector<LockId>{"front"}) << "the view listener hears what tick() found";
  auto cases = client->frames("cases");
  ASSERT_EQ(cases.size(), 1U) << "the history changed";
  ASSERT_FALSE(c.plan.steps.empty());
  ASSERT_NE(c.plan.steps.front().step, first) << "a step that did not help is not offered again";
  auto locks = client->frames("lock");
  ASSERT_EQ(locks.size(), 1U) << "the next step in the lock's case summary changed";
  EXPECT_EQ(json::serialize(locks[0].data), json::serialize(front_json()));
  EXPECT_EQ(locks[0].data.at("case").at("id").as_int64(), static_cast<std::int64_t>(c.id));
  EXPECT_EQ(log_.locks, stored) << "the log is told only what the hub stores";
}

TEST_F(EventStreamTest, BatteryForecastLosingADaySendsTheLockWithoutAStore) {
  telemetry(60s);
  run_for(10min, 1s);  // goes quiet: suspect, then offline
  auto forecast = hub_.health_monitor().forecast("front", clock_.now());
  ASSERT_TRUE(forecast.dies_at && forecast.days_left) << forecast.basis;
  ASSERT_GE(*forecast.days_left, 1.0);
  const auto days = static_cast<std::int64_t>(std::floor(*forecast.days_left));
  const Timestamp boundary =
      *forecast.dies_at - std::chrono::duration_cast<Duration>(std::chrono::days(days));

  auto client = connect();
  int viewed = 0;
  stream_.on_view_changed([&](const core::LockRecord& /*lock*/) { ++viewed; });
  clock_.set(boundary - 1s);
  stream_.tick();
  EXPECT_TRUE(client->frames("lock").empty());
  EXPECT_EQ(viewed, 0);
  clock_.set(boundary + 1s);
  stream_.tick();
  EXPECT_EQ(viewed, 1);
  auto locks = client->frames("lock");
  ASSERT_EQ(locks.size(), 1U);
  EXPECT_EQ(std::floor(locks[0].data.at("battery_forecast").at("days_left").as_double()),
            static_cast<double>(days - 1));
  EXPECT_EQ(json::serialize(locks[0].data), json::serialize(front_json()));
}

TEST_F(EventStreamTest, StreamRouteAnswersAnEventStream) {
  Router router;
  add_event_stream_route(router, stream_);
  Request r;
  r.method = "GET";
  r.path = "/api/v1/stream";
  Response res = router.dispatch(r);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.content_type, "text/event-stream");
  ASSERT_TRUE(res.stream);
  auto client = std::make_shared<ListeningClient>();
  res.stream(client);
  EXPECT_EQ(stream_.client_count(), 1U);
  EXPECT_EQ(client->frames("hello").size(), 1U);
}

}  // namespace
}  // namespace lw::adapters::http
