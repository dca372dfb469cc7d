// Code sync against real lock firmware: the hub's CodeService seals, signs
// and sends; each simulated lock (LockFirmware) verifies, stores, answers and
// reads back over the wire codec. The locks' answers are the only truth the
// hub goes by.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/codes/code_service.h"
#include "firmware/lock_firmware.h"
#include "protocol/codec.h"
#include "protocol/envelope.h"
#include "tests/support/memory_store.h"
#include "tests/support/recording_device_link.h"

namespace lw::sim {
namespace {

using adapters::codes::CodeService;
using core::CodeNoticeKind;
using core::CodeSchedule;
using core::SyncState;

const Timestamp kStart = from_epoch_ms(1'767'225'600'000);  // 2026-01-01
const protocol::KeyPair kHubKey = *protocol::key_pair_from_text_seed("lockwarden-protocol-v1-test-key!");

class SteadyPower final : public firmware::PowerSource {
 public:
  double voltage_mv(double load_ma) const override { return 6000 - load_ma * 0.6; }
};

struct Door {
  Door(const core::LockAddress& address, std::uint64_t seed) : random(seed) {
    firmware::LockSetup s;
    s.address = address;
    s.name = address.lock;
    s.vendor_key = kHubKey.public_key;
    fw = std::make_unique<firmware::LockFirmware>(s, power, random, kStart);
    EXPECT_TRUE(fw->enroll("hub", kHubKey.public_key));
  }
  SteadyPower power;
  core::SeededRandom random;
  std::unique_ptr<firmware::LockFirmware> fw;
  bool reachable{true};  // the radio is up: commands arrive and answers return
};

/// A site's locks and the hub's code service between them, on virtual time.
class CodeWorld {
 public:
  explicit CodeWorld(core::CodeSync::Options sync = fast_sync()) { make_service(sync); }

  static core::CodeSync::Options fast_sync() {
    core::CodeSync::Options o;
    o.answer_timeout = 10s;
    o.max_backoff = 2min;
    o.give_up_after = 30min;
    o.readback_interval = 1h;
    return o;
  }

  void make_service(core::CodeSync::Options sync) {
    CodeService::Options options;
    options.sync = sync;
    options.wrong_codes.window = 10min;
    options.wrong_codes.doors = 2;
    service = std::make_unique<CodeService>(
        link, store,
        [this](const std::string& id) -> Result<std::string> {
          auto it = pins.find(id);
          if (it == pins.end()) return not_found("no code " + id);
          return it->second;
        },
        options);
    service->set_site_key("home", site_key);
  }

  Door& door(const std::string& lock) {
    auto it = doors.find(lock);
    if (it == doors.end()) {
      it = doors.emplace(lock, std::make_unique<Door>(core::LockAddress{"home", lock}, doors.size() + 3))
               .first;
    }
    return *it->second;
  }

  /// Advances virtual time by `step`, `times` times: the hub ticks, commands
  /// reach reachable locks, their answers reach the hub.
  void run(Duration step, int times = 1) {
    for (int i = 0; i < times; ++i) {
      now += step;
      collect(service->tick(now));
      deliver();
    }
  }

  void deliver() {
    while (delivered < link.sent().size()) {
      const core::Command command = link.sent()[delivered++];
      Door& d = door(command.target.lock);
      const std::string payload = protocol::seal_command(command, kHubKey.secret);
      traffic += payload + "\n";
      if (!d.reachable) continue;
      firmware::LockCommandHandling h = d.fw->handle(payload, now);
      if (!h.result) continue;
      const std::string answer = protocol::encode_result(*h.result);
      traffic += answer + "\n";
      auto decoded = protocol::decode_result(answer);
      ASSERT_TRUE(decoded) << decoded.error().message;
      collect(service->on_result(command.target, *decoded, now));
    }
  }

  void collect(std::vector<CodeService::Notice> got) {
    for (auto& n : got) notices.push_back(std::move(n));
  }

  [[nodiscard]] bool noticed(CodeNoticeKind kind, int slot = 0) const {
    for (const auto& n : notices) {
      if (n.code && n.code->kind == kind && (slot == 0 || n.code->slot == slot)) return true;
    }
    return false;
  }

  SyncState state(const std::string& code_id, const std::string& lock) const {
    const core::SyncEntry* e = service->sync().find(code_id, {"home", lock});
    EXPECT_NE(e, nullptr) << code_id;
    return e != nullptr ? e->state : SyncState::failed;
  }

  core::MemoryStore store;
  testing::RecordingDeviceLink link;
  protocol::CodeKey site_key = protocol::generate_code_key();
  std::map<std::string, std::string> pins;
  std::unique_ptr<CodeService> service;
  std::map<std::string, std::unique_ptr<Door>> doors;
  std::size_t delivered{0};
  std::vector<CodeService::Notice> notices;
  std::string traffic;
  Timestamp now{kStart};
};

TEST(CodeSync, CodeIsSetOnlyOnceTheLocksAnswerShowsItAndItsPinNeverTravelsInClear) {
  CodeWorld w;
  w.door("front-door");
  w.pins["c1"] = "482916";
  ASSERT_TRUE(w.service->put("c1", {"home", "front-door"}, 3, 12, CodeSchedule::weekly(0x1F, 8 * 60, 18 * 60),
                             w.now));
  EXPECT_EQ(w.state("c1", "front-door"), SyncState::pending);
  w.run(1s, 5);
  EXPECT_EQ(w.state("c1", "front-door"), SyncState::set);
  EXPECT_TRUE(w.noticed(CodeNoticeKind::set, 3));
  // The lock really opens with it on a weekday at 09:00 UTC (2026-01-02 is a Friday).
  auto opened =
      w.door("front-door")
          .fw->enter_pin("482916", core::LockAction::unlock, utc_day_start(utc_day(kStart) + 1) + 9h);
  ASSERT_EQ(opened.size(), 1U);
  EXPECT_EQ(opened.front().kind, core::DeviceEventKind::lock_operation);
  EXPECT_EQ(w.traffic.find("482916"), std::string::npos);
  EXPECT_NE(w.traffic.find("pin_sealed"), std::string::npos);
}

TEST(CodeSync, UnreachableLockIsRetriedWithBackOffAndGetsTheCodeWhenItReturns) {
  CodeWorld w;
  w.door("back-door");
  w.run(1s);
  w.door("back-door").reachable = false;
  w.pins["c2"] = "7391";
  ASSERT_TRUE(w.service->put("c2", {"home", "back-door"}, 1, 4, CodeSchedule::always(), w.now));
  // The hub first needs the lock's box key: read-backs go out unanswered and are retried.
  w.run(5s, 60);
  EXPECT_EQ(w.state("c2", "back-door"), SyncState::pending);
  const std::size_t sent_while_away = w.link.sent().size();
  EXPECT_GE(sent_while_away, 3U);
  EXPECT_LE(sent_while_away, 40U);  // backed off, not one per tick
  // The broker's Last Will: offline; nothing more is sent.
  w.service->lock_offline({"home", "back-door"});
  w.run(5s, 60);
  EXPECT_EQ(w.link.sent().size(), sent_while_away);
  // It comes back and says so: everything due goes at once.
  w.door("back-door").reachable = true;
  w.service->lock_online({"home", "back-door"}, w.now);
  w.run(1s, 6);
  EXPECT_EQ(w.state("c2", "back-door"), SyncState::set);
}

TEST(CodeSync, CodeNeverAnsweredFailsAfterTheTimeOutWithAReason) {
  CodeWorld w;
  w.door("garage").reachable = false;
  w.pins["c3"] = "2468";
  ASSERT_TRUE(w.service->put("c3", {"home", "garage"}, 2, 5, CodeSchedule::always(), w.now));
  w.run(1min, 29);
  EXPECT_EQ(w.state("c3", "garage"), SyncState::pending);
  w.run(1min, 2);
  EXPECT_EQ(w.state("c3", "garage"), SyncState::failed);
  EXPECT_TRUE(w.noticed(CodeNoticeKind::failed, 2));
  const core::SyncEntry* e = w.service->sync().find("c3", {"home", "garage"});
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->reason.find("not confirmed by the lock within 1800 s"), std::string::npos) << e->reason;
}

TEST(CodeSync, ReadBackFindsSlotsChangedBehindTheHubsBackAndRewritesThem) {
  CodeWorld w;
  w.pins["a"] = "1111";
  w.pins["b"] = "2222";
  w.pins["c"] = "3333";
  const core::LockAddress front{"home", "front-door"};
  ASSERT_TRUE(w.service->put("a", front, 1, 1, CodeSchedule::always(), w.now));
  ASSERT_TRUE(w.service->put("b", front, 2, 2, CodeSchedule::always(), w.now));
  ASSERT_TRUE(w.service->put("c", front, 3, 3, CodeSchedule::always(), w.now));
  w.run(1s, 10);
  ASSERT_EQ(w.state("a", "front-door"), SyncState::set);
  ASSERT_EQ(w.state("c", "front-door"), SyncState::set);
  firmware::LockFirmware& lock = *w.door("front-door").fw;
  // At the lock's own menu: slot 1 cleared, slot 2 given another schedule,
  // slot 3 another PIN, and a code in slot 9 nobody told the hub about.
  ASSERT_TRUE(lock.clear_code(1));
  ASSERT_TRUE(lock.set_code(2, 2, "2222", CodeSchedule::one_time()));
  ASSERT_TRUE(lock.set_code(3, 3, "3939", CodeSchedule::always()));
  ASSERT_TRUE(lock.set_code(9, 40, "5050", CodeSchedule::always()));
  w.notices.clear();
  w.service->request_readback(front, w.now);
  w.run(1s);
  EXPECT_TRUE(w.noticed(CodeNoticeKind::missing, 1));
  EXPECT_TRUE(w.noticed(CodeNoticeKind::schedule_differs, 2));
  EXPECT_TRUE(w.noticed(CodeNoticeKind::pin_differs, 3));
  EXPECT_TRUE(w.noticed(CodeNoticeKind::extra, 9));
  w.run(1s, 10);
  EXPECT_EQ(w.state("a", "front-door"), SyncState::set);
  EXPECT_EQ(w.state("b", "front-door"), SyncState::set);
  EXPECT_EQ(w.state("c", "front-door"), SyncState::set);
  EXPECT_EQ(lock.credentials().code_slot(2)->schedule, CodeSchedule::always());
  auto opened = lock.enter_pin("3333", core::LockAction::unlock, w.now);
  ASSERT_EQ(opened.size(), 1U);
  EXPECT_EQ(opened.front().kind, core::DeviceEventKind::lock_operation);
  EXPECT_TRUE(lock.credentials().code_slot(9).has_value());  // extra codes are reported, not removed
}

// Issue: "before any re-pair or factory reset the hub holds a verified backup
// of the lock's codes and restores them afterwards".
TEST(CodeSync, AVerifiedBackupBringsEveryCodeBackAfterAFactoryResetAndARepairInPerson) {
  CodeWorld w;
  w.pins["a"] = "1111";
  w.pins["b"] = "2468";
  const core::LockAddress front{"home", "front-door"};
  ASSERT_TRUE(w.service->put("a", front, 1, 1, CodeSchedule::always(), w.now));
  ASSERT_TRUE(w.service->put("b", front, 2, 2, CodeSchedule::always(), w.now));
  w.run(1s, 10);
  ASSERT_EQ(w.state("b", "front-door"), SyncState::set);
  w.service->request_readback(front, w.now);
  w.run(1s, 3);
  core::CodeBackup backup = w.service->backup(front, w.now);
  EXPECT_TRUE(backup.verified);
  EXPECT_EQ(backup.codes, 2);
  EXPECT_TRUE(w.service->restore(front, w.now).empty()) << "no reset, nothing to restore";
  w.run(1s, 3);
  EXPECT_FALSE(w.noticed(CodeNoticeKind::restored));

  // A code added at the lock's own menu cannot be restored: no verified backup while it is there.
  firmware::LockFirmware& lock = *w.door("front-door").fw;
  ASSERT_TRUE(lock.set_code(9, 40, "5050", CodeSchedule::always()));
  w.service->request_readback(front, w.now);
  w.run(1s, 3);
  backup = w.service->backup(front, w.now);
  EXPECT_FALSE(backup.verified);
  EXPECT_EQ(backup.unknown, std::vector<int>{9});
  ASSERT_TRUE(lock.clear_code(9));
  w.service->request_readback(front, w.now);
  w.run(1s, 3);
  EXPECT_TRUE(w.service->backup(front, w.now).verified);

  // Unheard for over two read-back intervals: the backup is no longer vouched for.
  w.door("front-door").reachable = false;
  w.run(10min, 13);
  EXPECT_FALSE(w.service->backup(front, w.now).verified);
  w.door("front-door").reachable = true;
  w.service->request_readback(front, w.now);
  w.run(1s, 15);  // the read-back lost while it was away times out first
  ASSERT_TRUE(w.service->backup(front, w.now).verified);

  // Factory reset: codes, keys and box key gone. The hub sees a new box key and does not take it on its word.
  lock.factory_reset(w.now);
  ASSERT_TRUE(lock.enroll("hub", kHubKey.public_key));  // paired again, in person
  w.notices.clear();
  w.service->request_readback(front, w.now);
  w.run(1s, 3);
  EXPECT_TRUE(w.noticed(CodeNoticeKind::box_key_changed));
  EXPECT_FALSE(lock.credentials().code_slot(1).has_value());
  EXPECT_FALSE(w.service->backup(front, w.now).verified);

  // The pairing in person accepts the new key: every code is written back and the PINs open the door again.
  const auto restored = w.service->restore(front, w.now);
  ASSERT_EQ(restored.size(), 1U);
  EXPECT_EQ(restored.front().code->kind, CodeNoticeKind::restored);
  EXPECT_EQ(w.state("a", "front-door"), SyncState::pending);
  w.run(1s, 15);
  EXPECT_EQ(w.state("a", "front-door"), SyncState::set);
  EXPECT_EQ(w.state("b", "front-door"), SyncState::set);
  ASSERT_TRUE(lock.credentials().code_slot(2).has_value());
  EXPECT_TRUE(lock.has_code_key()) << "the site's code key went again, sealed to the new box key";
  auto opened = lock.enter_pin("2468", core::LockAction::unlock, w.now);
  ASSERT_EQ(opened.size(), 1U);
  EXPECT_EQ(opened.front().kind, core::DeviceEventKind::lock_operation);
  w.service->request_readback(front, w.now);
  w.run(1s, 3);
  EXPECT_TRUE(w.service->backup(front, w.now).verified);

  // Reset again, and this time the pairing comes before the lock's first answer: its new key is taken then.
  lock.factory_reset(w.now);
  ASSERT_TRUE(lock.enroll("hub", kHubKey.public_key));
  w.notices.clear();
  EXPECT_TRUE(w.service->restore(front, w.now).empty());
  w.run(1s, 15);
  EXPECT_TRUE(w.noticed(CodeNoticeKind::restored));
  EXPECT_FALSE(w.noticed(CodeNoticeKind::box_key_changed));
  EXPECT_EQ(w.state("a", "front-door"), SyncState::set);
  EXPECT_EQ(lock.enter_pin("1111", core::LockAction::unlock, w.now).front().kind,
            core::DeviceEventKind::lock_operation);
}

TEST(CodeSync, RemovedCodeLeavesTheSlotEmpty) {
  CodeWorld w;
  w.pins["a"] = "1111";
  const core::LockAddress front{"home", "front-door"};
  ASSERT_TRUE(w.service->put("a", front, 4, 1, CodeSchedule::always(), w.now));
  w.run(1s, 6);
  ASSERT_EQ(w.state("a", "front-door"), SyncState::set);
  w.service->remove("a", front, w.now);
  EXPECT_EQ(w.state("a", "front-door"), SyncState::removing);
  w.run(1s, 3);
  EXPECT_EQ(w.state("a", "front-door"), SyncState::removed);
  EXPECT_TRUE(w.noticed(CodeNoticeKind::removed, 4));
  EXPECT_FALSE(w.door("front-door").fw->credentials().code_slot(4).has_value());
}

TEST(CodeSync, RestartedHubKeepsCodesAndStatesAndFinishesWhatWasPending) {
  CodeWorld w;
  w.pins["a"] = "1111";
  w.pins["b"] = "2222";
  const core::LockAddress front{"home", "front-door"};
  ASSERT_TRUE(w.service->put("a", front, 1, 1, CodeSchedule::always(), w.now));
  w.run(1s, 6);
  w.door("front-door").reachable = false;
  ASSERT_TRUE(w.service->put("b", front, 2, 2, CodeSchedule::always(), w.now));
  w.run(1s, 3);
  const std::vector<core::SyncEntry> saved = w.service->sync().entries();
  // The hub restarts: a new service from what was stored.
  w.make_service(CodeWorld::fast_sync());
  w.service->sync().restore(saved, w.now);
  EXPECT_EQ(w.state("a", "front-door"), SyncState::set);
  EXPECT_EQ(w.state("b", "front-door"), SyncState::pending);
  w.door("front-door").reachable = true;
  w.run(1s, 10);
  EXPECT_EQ(w.state("b", "front-door"), SyncState::set);
}

TEST(CodeSync, SameWrongPinAtTwoDoorsOfTheSiteRaisesOneAlertWithoutTheDigits) {
  CodeWorld w;
  w.pins["a"] = "1111";
  ASSERT_TRUE(w.service->put("a", {"home", "front-door"}, 1, 1, CodeSchedule::always(), w.now));
  w.pins["a2"] = "1112";
  ASSERT_TRUE(w.service->put("a2", {"home", "back-door"}, 1, 1, CodeSchedule::always(), w.now));
  w.run(1s, 10);  // both locks now hold the site's code key
  ASSERT_TRUE(w.door("front-door").fw->has_code_key());
  ASSERT_TRUE(w.door("back-door").fw->has_code_key());
  auto try_pin = [&](const std::string& lock, const std::string& pin) {
    for (const core::DeviceEvent& e : w.door(lock).fw->enter_pin(pin, core::LockAction::unlock, w.now)) {
      const std::string wire = protocol::encode_event(e);
      EXPECT_EQ(wire.find(pin), std::string::npos);
      auto decoded = protocol::decode_event(wire);
      ASSERT_TRUE(decoded);
      w.collect(w.service->on_event({"home", lock}, *decoded));
    }
  };
  try_pin("front-door", "9876");
  try_pin("front-door", "5432");  // a different guess
  EXPECT_TRUE(std::none_of(w.notices.begin(), w.notices.end(),
                           [](const auto& n) { return n.wrong_codes.has_value(); }));
  w.now += 2min;
  try_pin("back-door", "9876");
  std::vector<core::WrongCodeAlert> alerts;
  for (const auto& n : w.notices) {
    if (n.wrong_codes) alerts.push_back(*n.wrong_codes);
  }
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0].locks, (std::vector<LockId>{"front-door", "back-door"}));
  EXPECT_EQ(alerts[0].describe().find("9876"), std::string::npos);
  w.now += 1min;
  try_pin("back-door", "9876");  // the same trail: no second alert
  std::size_t count = 0;
  for (const auto& n : w.notices) count += n.wrong_codes ? 1 : 0;
  EXPECT_EQ(count, 1U);
}

}  // namespace
}  // namespace lw::sim
