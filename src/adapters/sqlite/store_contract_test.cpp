// The Store contract (src/core/ports/store.h, docs/storage.md), run against
// every implementation: SqliteStore on a real file, MemoryStore, and a
// FaultInjectingStore with nothing armed. A behaviour the core relies on is
// tested here once, so the in-memory fake cannot drift from the real store.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "adapters/sqlite/sqlite_store.h"
#include "tests/support/fault_injecting_store.h"
#include "tests/support/memory_store.h"

namespace lw::adapters::sqlite {
namespace {

using core::Action;
using core::ActionStatus;
using core::EventKind;
using core::EventRecord;
using core::LockAction;
using core::LockRecord;

/// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lw-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// --- the implementations under test: make() gives a fresh, empty store ---

struct OnSqlite {
  static constexpr const char* kName = "SqliteStore";
  TempDir dir;
  std::unique_ptr<core::Store> make() {
    auto store = SqliteStore::open(dir.file("contract.db"));
    if (!store) {
      ADD_FAILURE() << store.error().to_string();
      return nullptr;
    }
    return std::move(*store);
  }
};

struct InMemory {
  static constexpr const char* kName = "MemoryStore";
  static std::unique_ptr<core::Store> make() { return std::make_unique<core::MemoryStore>(); }
};

struct ThroughUnarmedFaultInjection {
  static constexpr const char* kName = "FaultInjectingStore";
  core::MemoryStore inner;
  std::unique_ptr<core::Store> make() { return std::make_unique<lw::testing::FaultInjectingStore>(inner); }
};

struct KindName {
  template <typename Kind>
  static std::string GetName(int /*index*/) {  // NOLINT(readability-identifier-naming): GoogleTest's name
    return Kind::kName;
  }
};

template <typename Kind>
class StoreContract : public ::testing::Test {
 protected:
  StoreContract() : store_(kind_.make()) {}
  void SetUp() override { ASSERT_NE(store_, nullptr); }

  core::Store& store() { return *store_; }

  std::int64_t append(const EventRecord& e) {
    auto id = store().append_event(e);
    EXPECT_TRUE(id) << id.error().to_string();
    EXPECT_TRUE(id && *id) << "event was not stored";
    return id && *id ? **id : 0;
  }

  Kind kind_;
  std::unique_ptr<core::Store> store_;
};

using Implementations = ::testing::Types<OnSqlite, InMemory, ThroughUnarmedFaultInjection>;
TYPED_TEST_SUITE(StoreContract, Implementations, KindName);

// --- sample values ---

constexpr Timestamp kT0 = from_epoch_ms(1'700'000'000'000);

LockRecord every_field_set(const std::string& id) {
  LockRecord l;
  l.id = id;
  l.site = "home";
  l.name = "Front door";
  l.transport = core::Transport::zigbee;
  l.lock_state = core::LockState::not_fully_locked;
  l.door_state = core::DoorState::forced_open;
  l.battery_pct = 37;
  l.battery_mv = 4812;
  l.rssi_dbm = -71;
  l.firmware = "2.4.1-rc3";
  l.uptime_s = 86'400LL * 400;
  l.reboot_count = 12;
  l.boot_reason = core::BootReason::brown_out;
  l.heartbeat = 15s;
  l.link_up = true;
  l.connectivity = core::Connectivity::suspect;
  l.last_seen = kT0 + 1234ms;
  l.connectivity_since = kT0 - 5min;
  return l;
}

void expect_same_lock(const LockRecord& got, const LockRecord& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.site, want.site);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.transport, want.transport);
  EXPECT_EQ(got.lock_state, want.lock_state);
  EXPECT_EQ(got.door_state, want.door_state);
  EXPECT_EQ(got.battery_pct, want.battery_pct);
  EXPECT_EQ(got.battery_mv, want.battery_mv);
  EXPECT_EQ(got.rssi_dbm, want.rssi_dbm);
  EXPECT_EQ(got.firmware, want.firmware);
  EXPECT_EQ(got.uptime_s, want.uptime_s);
  EXPECT_EQ(got.reboot_count, want.reboot_count);
  EXPECT_EQ(got.boot_reason, want.boot_reason);
  EXPECT_EQ(got.heartbeat, want.heartbeat);
  EXPECT_EQ(got.link_up, want.link_up);
  EXPECT_EQ(got.connectivity, want.connectivity);
  EXPECT_EQ(got.last_seen, want.last_seen);
  EXPECT_EQ(got.connectivity_since, want.connectivity_since);
}

EventRecord device_event(const std::string& lock, std::uint64_t seq) {
  EventRecord e;
  e.lock = lock;
  e.ts = kT0 + std::chrono::seconds(seq % 1000);
  e.kind = EventKind::lock_operation;
  e.device_seq = seq;
  e.operation = LockAction::unlock;
  e.source = core::OperationSource::keypad;
  e.user = "alice";
  return e;
}

EventRecord hub_event(const std::string& lock, const std::string& detail) {
  EventRecord e;
  e.lock = lock;
  e.ts = kT0;
  e.kind = EventKind::connectivity;
  e.detail = detail;
  return e;
}

void expect_same_event(const EventRecord& got, const EventRecord& want) {
  EXPECT_EQ(got.lock, want.lock);
  EXPECT_EQ(got.ts, want.ts);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.device_seq, want.device_seq);
  EXPECT_EQ(got.operation, want.operation);
  EXPECT_EQ(got.source, want.source);
  EXPECT_EQ(got.user, want.user);
  EXPECT_EQ(got.detail, want.detail);
}

Action pending_action(const std::string& id, Timestamp created) {
  Action a;
  a.id = id;
  a.lock = "front";
  a.site = "home";
  a.action = LockAction::unlatch;
  a.status = ActionStatus::pending;
  a.created_at = created;
  a.expires_at = created + 30s;
  a.counter = 41;
  a.key_id = "hub";
  return a;
}

void expect_same_action(const Action& got, const Action& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.lock, want.lock);
  EXPECT_EQ(got.site, want.site);
  EXPECT_EQ(got.action, want.action);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.reason, want.reason);
  EXPECT_EQ(got.detail, want.detail);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.expires_at, want.expires_at);
  EXPECT_EQ(got.completed_at, want.completed_at);
  EXPECT_EQ(got.counter, want.counter);
  EXPECT_EQ(got.key_id, want.key_id);
}

std::vector<std::string> ids_of(const std::vector<Action>& actions) {
  std::vector<std::string> out;
  out.reserve(actions.size());
  for (const auto& a : actions) out.push_back(a.id);
  return out;
}

// --- sites and locks ---

TYPED_TEST(StoreContract, NewStoreHoldsNothing) {
  auto sites = this->store().load_sites();
  auto locks = this->store().load_locks();
  auto pending = this->store().load_pending_actions();
  auto page = this->store().list_events("front", 10, std::nullopt);
  auto action = this->store().find_action("a1");
  ASSERT_TRUE(sites && locks && pending && page && action);
  EXPECT_TRUE(sites->empty());
  EXPECT_TRUE(locks->empty());
  EXPECT_TRUE(pending->empty());
  EXPECT_TRUE(page->events.empty());
  EXPECT_FALSE(page->next_before);
  EXPECT_FALSE(*action);
}

TYPED_TEST(StoreContract, SiteWithTheSameIdIsRenamedNotDuplicated) {
  ASSERT_TRUE(this->store().upsert_site({"home", "Home"}));
  ASSERT_TRUE(this->store().upsert_site({"home", "Our house"}));
  auto sites = this->store().load_sites();
  ASSERT_TRUE(sites);
  ASSERT_EQ(sites->size(), 1U);
  EXPECT_EQ((*sites)[0].name, "Our house");
}

TYPED_TEST(StoreContract, HubRestartUpdatesItsRecordInPlace) {
  ASSERT_TRUE(this->store().upsert_hub({"hub-b", "0.1.0", kT0, "a2V5LWI="}));
  ASSERT_TRUE(this->store().upsert_hub({"hub-a", "0.1.0", kT0, "a2V5LWE="}));
  ASSERT_TRUE(this->store().upsert_hub({"hub-a", "0.2.0", kT0 + 1h, "a2V5LWE="}));
  auto hubs = this->store().load_hubs();
  ASSERT_TRUE(hubs);
  ASSERT_EQ(hubs->size(), 2U);
  EXPECT_EQ((*hubs)[0].id, "hub-a");
  EXPECT_EQ((*hubs)[0].version, "0.2.0");
  EXPECT_EQ((*hubs)[0].started_at, kT0 + 1h);
  EXPECT_EQ((*hubs)[1].id, "hub-b");
}

TYPED_TEST(StoreContract, SitesAndLocksLoadInIdOrder) {
  for (const char* id : {"garage", "back", "front"}) {
    ASSERT_TRUE(this->store().upsert_site({id, id}));
    ASSERT_TRUE(this->store().upsert_lock(every_field_set(id)));
  }
  auto sites = this->store().load_sites();
  auto locks = this->store().load_locks();
  ASSERT_TRUE(sites && locks);
  ASSERT_EQ(sites->size(), 3U);
  ASSERT_EQ(locks->size(), 3U);
  EXPECT_EQ((*sites)[0].id, "back");
  EXPECT_EQ((*sites)[2].id, "garage");
  EXPECT_EQ((*locks)[0].id, "back");
  EXPECT_EQ((*locks)[1].id, "front");
  EXPECT_EQ((*locks)[2].id, "garage");
}

TYPED_TEST(StoreContract, LockReadsBackWithEveryField) {
  LockRecord lock = every_field_set("front");
  ASSERT_TRUE(this->store().upsert_lock(lock));
  auto locks = this->store().load_locks();
  ASSERT_TRUE(locks) << locks.error().to_string();
  ASSERT_EQ(locks->size(), 1U);
  expect_same_lock((*locks)[0], lock);
}

TYPED_TEST(StoreContract, LockNeverHeardFromReadsBackWithNothingReported) {
  LockRecord lock;
  lock.id = "front";
  lock.site = "home";
  lock.name = "front";
  ASSERT_TRUE(this->store().upsert_lock(lock));
  auto locks = this->store().load_locks();
  ASSERT_TRUE(locks) << locks.error().to_string();
  ASSERT_EQ(locks->size(), 1U);
  expect_same_lock((*locks)[0], lock);
  EXPECT_FALSE((*locks)[0].battery_pct);
  EXPECT_FALSE((*locks)[0].last_seen);
}

TYPED_TEST(StoreContract, UpsertingALockReplacesItsWholeRecord) {
  ASSERT_TRUE(this->store().upsert_lock(every_field_set("front")));
  LockRecord changed = every_field_set("front");
  changed.lock_state = core::LockState::locked;
  changed.battery_pct.reset();  // a value can go back to "not reported"
  changed.link_up = false;
  changed.connectivity = core::Connectivity::offline;
  ASSERT_TRUE(this->store().upsert_lock(changed));
  auto locks = this->store().load_locks();
  ASSERT_TRUE(locks);
  ASSERT_EQ(locks->size(), 1U);
  expect_same_lock((*locks)[0], changed);
}

TYPED_TEST(StoreContract, NamesWithQuotesAndNonAsciiTextAreStoredVerbatim) {
  const std::string name = "O'Brien's \"Tür\" ; DROP TABLE locks; -- 🔒";
  ASSERT_TRUE(this->store().upsert_site({"home", name}));
  LockRecord lock = every_field_set("front");
  lock.name = name;
  ASSERT_TRUE(this->store().upsert_lock(lock));
  auto sites = this->store().load_sites();
  auto locks = this->store().load_locks();
  ASSERT_TRUE(sites && locks);
  ASSERT_EQ(locks->size(), 1U);
  EXPECT_EQ((*sites)[0].name, name);
  EXPECT_EQ((*locks)[0].name, name);
}

// --- events ---

TYPED_TEST(StoreContract, EventReadsBackWithEveryFieldAndItsAssignedId) {
  EventRecord e = device_event("front", 7);
  e.detail = "auto-relock after 30 s";
  std::int64_t id = this->append(e);
  EventRecord observed = hub_event("front", "offline");
  std::int64_t observed_id = this->append(observed);
  auto page = this->store().list_events("front", 10, std::nullopt);
  ASSERT_TRUE(page) << page.error().to_string();
  ASSERT_EQ(page->events.size(), 2U);
  EXPECT_EQ(page->events[0].id, observed_id);
  expect_same_event(page->events[0], observed);
  EXPECT_EQ(page->events[1].id, id);
  expect_same_event(page->events[1], e);
}

TYPED_TEST(StoreContract, EventIdsIncreaseAcrossLocks) {
  std::int64_t a = this->append(hub_event("front", "online"));
  std::int64_t b = this->append(hub_event("back", "online"));
  std::int64_t c = this->append(device_event("front", 1));
  EXPECT_GT(a, 0);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
}

TYPED_TEST(StoreContract, RedeliveredDeviceEventIsIgnored) {
  this->append(device_event("front", 42));
  EventRecord again = device_event("front", 42);
  again.detail = "redelivered by the broker";
  auto second = this->store().append_event(again);
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_FALSE(*second);
  auto page = this->store().list_events("front", 10, std::nullopt);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->events.size(), 1U);
  EXPECT_EQ(page->events[0].detail, "");
}

TYPED_TEST(StoreContract, SameDeviceSequenceFromAnotherLockIsADifferentEvent) {
  this->append(device_event("front", 5));
  auto other = this->store().append_event(device_event("back", 5));
  ASSERT_TRUE(other);
  EXPECT_TRUE(*other);
}

TYPED_TEST(StoreContract, EventsTheHubObservedAreNeverTakenForRedeliveries) {
  this->append(hub_event("front", "offline"));
  this->append(hub_event("front", "offline"));
  auto page = this->store().list_events("front", 10, std::nullopt);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->events.size(), 2U);
}

TYPED_TEST(StoreContract, SequenceNumbersAboveTheSignedRangeReadBackExactly) {
  constexpr std::uint64_t kHuge = std::numeric_limits<std::uint64_t>::max();
  this->append(device_event("front", kHuge));
  this->append(device_event("front", kHuge - 1));
  auto again = this->store().append_event(device_event("front", kHuge));
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  auto page = this->store().list_events("front", 10, std::nullopt);
  ASSERT_TRUE(page) << page.error().to_string();
  ASSERT_EQ(page->events.size(), 2U);
  EXPECT_EQ(page->events[0].device_seq, kHuge - 1);
  EXPECT_EQ(page->events[1].device_seq, kHuge);
}

TYPED_TEST(StoreContract, EventsPageNewestFirstWithoutGapsOrRepeats) {
  std::vector<std::int64_t> stored;
  for (int i = 0; i < 25; ++i) {
    stored.push_back(this->append(hub_event("front", "e" + std::to_string(i))));
    this->append(hub_event("back", "noise"));
  }
  std::vector<std::int64_t> seen;
  std::vector<std::size_t> page_sizes;
  std::optional<std::int64_t> before;
  do {
    auto page = this->store().list_events("front", 10, before);
    ASSERT_TRUE(page) << page.error().to_string();
    page_sizes.push_back(page->events.size());
    for (const auto& e : page->events) {
      EXPECT_EQ(e.lock, "front");
      seen.push_back(e.id);
    }
    before = page->next_before;
    ASSERT_LE(page_sizes.size(), 4U) << "paging does not end";
  } while (before);
  EXPECT_EQ(page_sizes, (std::vector<std::size_t>{10, 10, 5}));
  std::vector<std::int64_t> newest_first(stored.rbegin(), stored.rend());
  EXPECT_EQ(seen, newest_first);
}

TYPED_TEST(StoreContract, PageThatReachesTheOldestEventSaysThereIsNoMore) {
  for (int i = 0; i < 20; ++i) this->append(hub_event("front", "e"));
  auto first = this->store().list_events("front", 10, std::nullopt);
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->next_before);
  EXPECT_EQ(*first->next_before, first->events.back().id);
  auto second = this->store().list_events("front", 10, first->next_before);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->events.size(), 10U);
  EXPECT_FALSE(second->next_before);
}

TYPED_TEST(StoreContract, BeforeExcludesTheEventWithThatId) {
  std::int64_t oldest = this->append(hub_event("front", "a"));
  std::int64_t middle = this->append(hub_event("front", "b"));
  this->append(hub_event("front", "c"));
  auto page = this->store().list_events("front", 10, middle);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->events.size(), 1U);
  EXPECT_EQ(page->events[0].id, oldest);
  EXPECT_FALSE(page->next_before);
}

TYPED_TEST(StoreContract, LimitOutsideOneToAThousandIsRejectedNamingLimit) {
  for (int bad : {0, -1, 1001}) {
    auto page = this->store().list_events("front", bad, std::nullopt);
    ASSERT_FALSE(page) << "limit " << bad;
    EXPECT_EQ(page.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(page.error().message, "limit: must be 1..1000");
  }
  for (int good : {1, 1000}) EXPECT_TRUE(this->store().list_events("front", good, std::nullopt));
}

// --- actions ---

TYPED_TEST(StoreContract, ActionReadsBackWithEveryField) {
  Action done = pending_action("a1", kT0);
  done.status = ActionStatus::failed;
  done.reason = "jammed";
  done.detail = "the bolt did not reach its end stop";
  done.completed_at = kT0 + 2500ms;
  done.counter = std::numeric_limits<std::uint64_t>::max() - 3;
  ASSERT_TRUE(this->store().save_action(done));
  auto found = this->store().find_action("a1");
  ASSERT_TRUE(found) << found.error().to_string();
  ASSERT_TRUE(*found);
  expect_same_action(**found, done);
}

TYPED_TEST(StoreContract, UnknownActionIsNotFound) {
  ASSERT_TRUE(this->store().save_action(pending_action("a1", kT0)));
  auto found = this->store().find_action("a2");
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
}

TYPED_TEST(StoreContract, SavingACompletedActionReplacesThePendingOne) {
  Action a = pending_action("a1", kT0);
  ASSERT_TRUE(this->store().save_action(a));
  a.status = ActionStatus::succeeded;
  a.completed_at = kT0 + 1s;
  ASSERT_TRUE(this->store().save_action(a));
  auto found = this->store().find_action("a1");
  auto pending = this->store().load_pending_actions();
  ASSERT_TRUE(found && pending);
  ASSERT_TRUE(*found);
  expect_same_action(**found, a);
  EXPECT_TRUE(pending->empty());
}

TYPED_TEST(StoreContract, OnlyPendingActionsAreLoadedOldestFirst) {
  ASSERT_TRUE(this->store().save_action(pending_action("late", kT0 + 2s)));
  ASSERT_TRUE(this->store().save_action(pending_action("b-early", kT0)));
  ASSERT_TRUE(this->store().save_action(pending_action("a-early", kT0)));
  Action expired = pending_action("gone", kT0 - 1s);
  expired.status = ActionStatus::expired;
  expired.reason = "expired";
  ASSERT_TRUE(this->store().save_action(expired));
  auto pending = this->store().load_pending_actions();
  ASSERT_TRUE(pending) << pending.error().to_string();
  EXPECT_EQ(ids_of(*pending), (std::vector<std::string>{"a-early", "b-early", "late"}));
}

// --- command counters ---

TYPED_TEST(StoreContract, CommandCounterStartsAtOneAndIncreasesPerKey) {
  std::vector<std::uint64_t> hub;
  for (int i = 0; i < 3; ++i) {
    auto c = this->store().next_command_counter("hub");
    ASSERT_TRUE(c) << c.error().to_string();
    hub.push_back(*c);
  }
  auto other = this->store().next_command_counter("backup-key");
  ASSERT_TRUE(other);
  EXPECT_EQ(hub, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(*other, 1U);
}

TYPED_TEST(StoreContract, DoctorLessonsComeBackInOrderWithTheirAnswers) {
  core::Lesson first{kT0, core::Transport::zigbee, core::Cause::weak_signal, {}, "front"};
  first.clues.set(core::Clue::went_silent, true);
  first.clues.set(core::Clue::mesh_no_route, true);
  first.clues.set(core::Clue::signal_weak, false);
  const core::Lesson second{kT0 + 1h, core::Transport::wifi, core::Cause::router_power_outage, {}, ""};
  ASSERT_TRUE(this->store().keep_lesson(first));
  ASSERT_TRUE(this->store().keep_lesson(second));
  auto lessons = this->store().load_lessons();
  ASSERT_TRUE(lessons) << lessons.error().to_string();
  ASSERT_EQ(lessons->size(), 2U);
  const core::Lesson& a = (*lessons)[0];
  EXPECT_EQ(a.at, kT0);
  EXPECT_EQ(a.transport, core::Transport::zigbee);
  EXPECT_EQ(a.cause, core::Cause::weak_signal);
  EXPECT_EQ(a.lock, "front");
  EXPECT_EQ(core::encode_answers(a.clues), "went_silent=yes signal_weak=no mesh_no_route=yes");
  EXPECT_EQ((*lessons)[1].cause, core::Cause::router_power_outage);
  EXPECT_EQ((*lessons)[1].lock, "");
  EXPECT_EQ(core::encode_answers((*lessons)[1].clues), "");
}

TYPED_TEST(StoreContract, ACorrectedCauseReplacesItsCasesLessonInPlace) {
  const Timestamp opened = kT0 - 2h;
  core::Lesson wrong{kT0, core::Transport::wifi, core::Cause::battery_depleted, {}, "front", opened};
  const core::Lesson other{kT0 + 1min, core::Transport::wifi, core::Cause::weak_signal, {}, "back", opened};
  ASSERT_TRUE(this->store().keep_lesson(wrong));
  ASSERT_TRUE(this->store().keep_lesson(other));  // same opening, another lock: another case
  core::Lesson right = wrong;
  right.at = kT0 + 5min;
  right.cause = core::Cause::battery_low_dropouts;
  right.clues.set(core::Clue::battery_dropouts, true);
  ASSERT_TRUE(this->store().keep_lesson(right));
  // Lessons kept before cases were known are never merged.
  const core::Lesson old{kT0, core::Transport::wifi, core::Cause::interference, {}, "front"};
  ASSERT_TRUE(this->store().keep_lesson(old));
  ASSERT_TRUE(this->store().keep_lesson(old));
  auto lessons = this->store().load_lessons();
  ASSERT_TRUE(lessons) << lessons.error().to_string();
  ASSERT_EQ(lessons->size(), 4U);
  EXPECT_EQ((*lessons)[0].cause, core::Cause::battery_low_dropouts);
  EXPECT_EQ((*lessons)[0].at, kT0 + 5min);
  EXPECT_EQ((*lessons)[0].case_opened, opened);
  EXPECT_EQ(core::encode_answers((*lessons)[0].clues), "battery_dropouts=yes");
  EXPECT_EQ((*lessons)[1].lock, "back");
  EXPECT_EQ((*lessons)[2].case_opened, Timestamp{});
}

// --- telemetry history ---

core::TelemetrySample reading(const std::string& lock, Timestamp t, int battery_pct, int rssi_dbm) {
  core::TelemetrySample s;
  s.lock = lock;
  s.t = t;
  s.battery_pct = battery_pct;
  s.voltage_mv = 5000 + battery_pct;
  s.rssi_dbm = rssi_dbm;
  return s;
}

TYPED_TEST(StoreContract, FewSamplesReadBackOnePointEachWithEveryFieldOldestFirst) {
  core::TelemetrySample full = reading("front", kT0 + 2min, 81, -67);
  full.lqi = 142;
  full.temperature_c = -7;
  ASSERT_TRUE(this->store().append_sample(full));
  ASSERT_TRUE(this->store().append_sample(reading("front", kT0 + 1min, 82, -60)));
  core::TelemetrySample bare;
  bare.lock = "front";
  bare.t = kT0 + 3min;
  bare.temperature_c = 21;
  ASSERT_TRUE(this->store().append_sample(bare));

  auto points = this->store().list_samples("front", kT0, kT0 + 1h, 10);
  ASSERT_TRUE(points) << points.error().to_string();
  ASSERT_EQ(points->size(), 3U);
  EXPECT_EQ((*points)[0].t, kT0 + 1min);
  EXPECT_EQ((*points)[0].battery_pct, 82);
  const core::TelemetryPoint& p = (*points)[1];
  EXPECT_EQ(p.t, kT0 + 2min);
  EXPECT_EQ(p.samples, 1);
  EXPECT_EQ(p.battery_pct, 81);
  EXPECT_EQ(p.battery_min_pct, 81);
  EXPECT_EQ(p.voltage_mv, 5081);
  EXPECT_EQ(p.rssi_dbm, -67);
  EXPECT_EQ(p.lqi, 142);
  EXPECT_EQ(p.temperature_c, -7);
  EXPECT_EQ((*points)[2].temperature_c, 21);
  EXPECT_FALSE((*points)[2].battery_pct);
  EXPECT_FALSE((*points)[2].battery_min_pct);
  EXPECT_FALSE((*points)[2].voltage_mv);
  EXPECT_FALSE((*points)[2].rssi_dbm);
  EXPECT_FALSE((*points)[2].lqi);
}

TYPED_TEST(StoreContract, SamplesOutsideTheRangeOrOfAnotherLockAreLeftOut) {
  for (int minute = 0; minute <= 10; ++minute) {
    ASSERT_TRUE(this->store().append_sample(reading("front", kT0 + std::chrono::minutes(minute), 90, -60)));
    ASSERT_TRUE(this->store().append_sample(reading("back", kT0 + std::chrono::minutes(minute), 50, -80)));
  }
  // Both ends are inclusive.
  auto points = this->store().list_samples("front", kT0 + 2min, kT0 + 5min, 100);
  ASSERT_TRUE(points) << points.error().to_string();
  ASSERT_EQ(points->size(), 4U);
  EXPECT_EQ(points->front().t, kT0 + 2min);
  EXPECT_EQ(points->back().t, kT0 + 5min);
  for (const auto& p : *points) EXPECT_EQ(p.battery_pct, 90);
  auto nobody = this->store().list_samples("garage", kT0, kT0 + 1h, 100);
  ASSERT_TRUE(nobody);
  EXPECT_TRUE(nobody->empty());
}

TYPED_TEST(StoreContract, MoreSamplesThanPointsAreAveragedInEqualTimeBuckets) {
  // 10 minutes of one sample a second; 10 points: buckets of 60'001 ms from kT0.
  for (int s = 0; s < 600; ++s) {
    const int battery = 90 - s / 120;  // 90, 89, ... 86: steps every 2 minutes
    ASSERT_TRUE(this->store().append_sample(reading("front", kT0 + std::chrono::seconds(s), battery, -70)));
  }
  const Timestamp until = kT0 + 10min;
  auto points = this->store().list_samples("front", kT0, until, 10);
  ASSERT_TRUE(points) << points.error().to_string();
  ASSERT_EQ(core::history_bucket_ms(kT0, until, 10), 60'001);
  ASSERT_EQ(points->size(), 10U);
  int total = 0;
  for (std::size_t i = 0; i < points->size(); ++i) {
    const core::TelemetryPoint& p = (*points)[i];
    total += p.samples;
    if (i > 0) {
      EXPECT_LT((*points)[i - 1].t, p.t);
    }
    EXPECT_EQ(p.rssi_dbm, -70) << "point " << i;
    EXPECT_FALSE(p.lqi);
  }
  EXPECT_EQ(total, 600);
  // Bucket 0 is seconds 0..60 (61 samples): mean time 30 s, all at 90 %.
  EXPECT_EQ((*points)[0].samples, 61);
  EXPECT_EQ((*points)[0].t, kT0 + 30s);
  EXPECT_EQ((*points)[0].battery_pct, 90);
  EXPECT_EQ((*points)[0].battery_min_pct, 90);
  // Bucket 1 is seconds 61..120: 59 samples at 90 %, one at 89 %.
  EXPECT_EQ((*points)[1].samples, 60);
  EXPECT_EQ((*points)[1].t, kT0 + 90500ms);
  EXPECT_EQ((*points)[1].battery_pct, 90);
  EXPECT_EQ((*points)[1].battery_min_pct, 89);
  EXPECT_EQ((*points)[1].voltage_mv, 5090);
}

TYPED_TEST(StoreContract, MeansRoundHalvesAwayFromZero) {
  ASSERT_TRUE(this->store().append_sample(reading("front", kT0, 80, -60)));
  ASSERT_TRUE(this->store().append_sample(reading("front", kT0 + 1s, 81, -71)));
  auto points = this->store().list_samples("front", kT0, kT0 + 1s, 1);
  ASSERT_TRUE(points) << points.error().to_string();
  ASSERT_EQ(points->size(), 1U);
  EXPECT_EQ((*points)[0].samples, 2);
  EXPECT_EQ((*points)[0].t, kT0 + 500ms);
  EXPECT_EQ((*points)[0].battery_pct, 81);
  EXPECT_EQ((*points)[0].battery_min_pct, 80);
  EXPECT_EQ((*points)[0].rssi_dbm, -66);
}

TYPED_TEST(StoreContract, BucketsWithoutSamplesGiveNoPoint) {
  // 2 h in 12 points: buckets of 600'001 ms; the two bursts fall in buckets 0 and 6.
  for (int s = 0; s < 30; ++s) {
    ASSERT_TRUE(this->store().append_sample(reading("front", kT0 + std::chrono::seconds(s), 70, -70)));
    ASSERT_TRUE(
        this->store().append_sample(reading("front", kT0 + 1h + 10s + std::chrono::seconds(s), 60, -70)));
  }
  auto points = this->store().list_samples("front", kT0, kT0 + 2h, 12);
  ASSERT_TRUE(points) << points.error().to_string();
  ASSERT_EQ(points->size(), 2U);
  EXPECT_EQ((*points)[0].battery_pct, 70);
  EXPECT_EQ((*points)[0].samples, 30);
  EXPECT_EQ((*points)[1].battery_pct, 60);
  EXPECT_EQ((*points)[1].t, kT0 + 1h + 24500ms);
}

TYPED_TEST(StoreContract, SampleAtTheSameMillisecondReplacesTheFirst) {
  ASSERT_TRUE(this->store().append_sample(reading("front", kT0, 80, -60)));
  ASSERT_TRUE(this->store().append_sample(reading("front", kT0, 79, -75)));
  auto points = this->store().list_samples("front", kT0, kT0, 10);
  ASSERT_TRUE(points) << points.error().to_string();
  ASSERT_EQ(points->size(), 1U);
  EXPECT_EQ((*points)[0].battery_pct, 79);
  EXPECT_EQ((*points)[0].rssi_dbm, -75);
}

TYPED_TEST(StoreContract, DeletingOldSamplesKeepsTheNewerOnesOfEveryLock) {
  for (const char* lock : {"front", "back", "garage"}) {
    for (int day = 0; day < 5; ++day) {
      ASSERT_TRUE(this->store().append_sample(reading(lock, kT0 + std::chrono::days(day), 90 - day, -60)));
    }
  }
  auto deleted = this->store().delete_samples_before(kT0 + std::chrono::days(3));
  ASSERT_TRUE(deleted) << deleted.error().to_string();
  EXPECT_EQ(*deleted, 9);
  for (const char* lock : {"front", "back", "garage"}) {
    auto points =
        this->store().list_samples(lock, kT0 - std::chrono::days(1), kT0 + std::chrono::days(9), 100);
    ASSERT_TRUE(points);
    ASSERT_EQ(points->size(), 2U) << lock;
    EXPECT_EQ(points->front().t, kT0 + std::chrono::days(3)) << "`before` itself is kept";
  }
  auto again = this->store().delete_samples_before(kT0 + std::chrono::days(3));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
}

TYPED_TEST(StoreContract, HistoryWithNoPointsOrAnInvertedRangeIsRejectedNamingTheArgument) {
  auto none = this->store().list_samples("front", kT0, kT0 + 1h, 0);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(none.error().message, "max_points: must be at least 1");
  auto inverted = this->store().list_samples("front", kT0 + 1h, kT0, 10);
  ASSERT_FALSE(inverted);
  EXPECT_EQ(inverted.error().message, "until: must not be before since");
}

// --- FaultInjectingStore over a real SqliteStore ---

class FaultInjectingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteStore::open(dir_.file("faults.db"));
    ASSERT_TRUE(opened) << opened.error().to_string();
    real_ = std::move(*opened);
    faults_ = std::make_unique<lw::testing::FaultInjectingStore>(*real_);
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> real_;
  std::unique_ptr<lw::testing::FaultInjectingStore> faults_;
};

TEST_F(FaultInjectingStoreTest, RefusedWriteStoresNothingAndTheNextOneGoesThrough) {
  faults_->fail_next_writes(1);
  auto refused = faults_->upsert_lock(every_field_set("front"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
  auto locks = real_->load_locks();
  ASSERT_TRUE(locks);
  EXPECT_TRUE(locks->empty());

  EXPECT_TRUE(faults_->upsert_lock(every_field_set("front")));
  locks = real_->load_locks();
  ASSERT_TRUE(locks);
  EXPECT_EQ(locks->size(), 1U);
  EXPECT_EQ(faults_->refused_writes(), 1);
}

TEST_F(FaultInjectingStoreTest, ReadsDoNotUseUpInjectedFailures) {
  faults_->fail_next_writes(1, ErrorCode::corruption);
  EXPECT_TRUE(faults_->load_locks());
  EXPECT_TRUE(faults_->list_events("front", 10, std::nullopt));
  auto refused = faults_->save_action(pending_action("a1", kT0));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::corruption);
}

TEST_F(FaultInjectingStoreTest, FailuresRestrictedToOneOperationLetTheOthersThrough) {
  faults_->fail_only("append_sample");
  faults_->fail_all_writes(true);
  EXPECT_TRUE(faults_->upsert_lock(every_field_set("front")));
  EXPECT_FALSE(faults_->append_sample(reading("front", kT0, 80, -60)));
  EXPECT_EQ(faults_->refused_writes(), 1);
  auto points = real_->list_samples("front", kT0, kT0, 10);
  ASSERT_TRUE(points);
  EXPECT_TRUE(points->empty());
}

TEST_F(FaultInjectingStoreTest, EveryKindOfWriteFailsWhileAllWritesFail) {
  faults_->fail_all_writes(true, ErrorCode::internal);
  EXPECT_FALSE(faults_->upsert_site({"home", "Home"}));
  EXPECT_FALSE(faults_->upsert_lock(every_field_set("front")));
  EXPECT_FALSE(faults_->append_event(hub_event("front", "online")));
  EXPECT_FALSE(faults_->save_action(pending_action("a1", kT0)));
  EXPECT_FALSE(faults_->append_sample(reading("front", kT0, 80, -60)));
  EXPECT_FALSE(faults_->delete_samples_before(kT0));
  auto counter = faults_->next_command_counter("hub");
  ASSERT_FALSE(counter);
  EXPECT_EQ(counter.error().code, ErrorCode::internal);
  EXPECT_EQ(faults_->refused_writes(), 7);

  faults_->fail_all_writes(false);
  // The refused counter draw never reached the real store.
  counter = faults_->next_command_counter("hub");
  ASSERT_TRUE(counter);
  EXPECT_EQ(*counter, 1U);
  auto sites = real_->load_sites();
  ASSERT_TRUE(sites);
  EXPECT_TRUE(sites->empty());
}

}  // namespace
}  // namespace lw::adapters::sqlite
