// What the Hub writes to the audit log: every command (requested, sent, its
// result), registrations, case answers, and the hook other parts call.
#include <gtest/gtest.h>

#include "core/audit/audit_detail.h"
#include "core/hub/hub.h"
#include "tests/support/fault_injecting_store.h"
#include "tests/support/memory_audit_log.h"
#include "tests/support/memory_store.h"

namespace lw::core {
namespace {

/// A DeviceLink that notes how many audit records existed when each command went out.
class WitnessLink final : public DeviceLink {
 public:
  explicit WitnessLink(const lw::testing::MemoryAuditLog& log) : log_(log) {}
  Result<void> send_command(const Command& command) override {
    if (down_) return unavailable("broker not connected");
    sent_.push_back(command);
    records_when_sent_.push_back(log_.entries().size());
    return ok();
  }
  Result<void> probe(const Command&) override { return ok(); }
  void set_down(bool down) { down_ = down; }
  std::vector<Command> sent_;
  std::vector<std::size_t> records_when_sent_;

 private:
  const lw::testing::MemoryAuditLog& log_;
  bool down_{false};
};

class HubAuditTest : public ::testing::Test {
 protected:
  HubAuditTest() {
    hub_.set_audit_log(audit_);
    EXPECT_TRUE(hub_.load());
    EXPECT_TRUE(hub_.add_lock(front()));
  }
  static LockRecord front() {
    LockRecord l;
    l.id = "front";
    l.site = "home";
    l.name = "Front door";
    return l;
  }

  ManualClock clock_;
  MemoryStore store_;
  lw::testing::MemoryAuditLog audit_;
  WitnessLink link_{audit_};
  NullEventSink sink_;
  SeededRandom random_{7};
  Hub hub_{clock_, store_, link_, sink_, random_, HubOptions{}};
};

TEST_F(HubAuditTest, ConfiguredLockIsRecordedOnceAndAgainWhenRenamed) {
  ASSERT_EQ(audit_.with_action("lock.register").size(), 1U);
  EXPECT_EQ(audit_.with_action("lock.register")[0].target, "lock:front");
  EXPECT_EQ(audit_.with_action("site.register").size(), 1U);
  ASSERT_TRUE(hub_.add_lock(front()));  // the next start says the same: nothing new
  EXPECT_EQ(audit_.with_action("lock.register").size(), 1U);
  EXPECT_TRUE(audit_.with_action("lock.update").empty());
  LockRecord renamed = front();
  renamed.name = "Back door";
  ASSERT_TRUE(hub_.add_lock(renamed));
  ASSERT_EQ(audit_.with_action("lock.update").size(), 1U);
  EXPECT_NE(audit_.with_action("lock.update")[0].detail.find("\"name\":\"Back door\""), std::string::npos);
}

TEST_F(HubAuditTest, UnlockIsRecordedBeforeItIsSentThenItsResult) {
  clock_.advance(5s);
  auto action = hub_.request_action("front", LockAction::unlock, "api:192.0.2.7");
  ASSERT_TRUE(action);
  auto requests = audit_.with_action("command.request");
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].actor, "api:192.0.2.7");
  EXPECT_EQ(requests[0].target, "lock:front");
  EXPECT_EQ(requests[0].outcome, "accepted");
  EXPECT_EQ(requests[0].time, clock_.now());
  EXPECT_NE(requests[0].detail.find("\"action\":\"unlock\""), std::string::npos);
  EXPECT_NE(requests[0].detail.find("\"action_id\":\"" + action->id + "\""), std::string::npos);
  // The request's record existed when the command went out.
  ASSERT_EQ(link_.records_when_sent_.size(), 1U);
  const std::size_t request_index = 2;  // after site.register and lock.register
  EXPECT_EQ(audit_.entries()[request_index].action, "command.request");
  EXPECT_GT(link_.records_when_sent_[0], request_index);
  ASSERT_EQ(audit_.with_action("command.send").size(), 1U);
  EXPECT_EQ(audit_.with_action("command.send")[0].outcome, "sent");

  CommandResult result;
  result.command_id = action->id;
  result.outcome = CommandOutcome::ok;
  ASSERT_TRUE(hub_.on_command_result({"home", "front"}, result));
  auto results = audit_.with_action("command.result");
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].outcome, "succeeded");
  EXPECT_EQ(results[0].actor, "lock:front");
}

TEST_F(HubAuditTest, CommandIsRefusedWhenItsRecordCannotBeWritten) {
  audit_.set_failing(true);
  auto action = hub_.request_action("front", LockAction::unlock, "api:192.0.2.7");
  ASSERT_FALSE(action);
  EXPECT_EQ(action.error().code, ErrorCode::unavailable);
  EXPECT_EQ(action.error().message, "audit log: disk full");
  EXPECT_TRUE(link_.sent_.empty());
  EXPECT_GE(hub_.audit_failures(), 1U);
  auto pending = store_.load_pending_actions();
  ASSERT_TRUE(pending);
  EXPECT_TRUE(pending->empty());
}

TEST_F(HubAuditTest, UnsentAndExpiredCommandsAreRecordedAsTheHubs) {
  link_.set_down(true);
  ASSERT_TRUE(hub_.request_action("front", LockAction::lock, "home_assistant"));
  ASSERT_EQ(audit_.with_action("command.send").size(), 1U);
  EXPECT_EQ(audit_.with_action("command.send")[0].outcome, "not_sent");
  hub_.tick();  // a failed retry is not recorded again
  EXPECT_EQ(audit_.with_action("command.send").size(), 1U);
  clock_.advance(31s);
  hub_.tick();
  auto results = audit_.with_action("command.result");
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].outcome, "expired");
  EXPECT_EQ(results[0].actor, "hub");
}

TEST_F(HubAuditTest, CommandForAnUnknownLockIsRecordedAsRejected) {
  ASSERT_FALSE(hub_.request_action("garage", LockAction::unlock, "api:203.0.113.9"));
  auto requests = audit_.with_action("command.request");
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].outcome, "rejected");
  EXPECT_EQ(requests[0].target, "lock:garage");
  EXPECT_EQ(requests[0].actor, "api:203.0.113.9");
}

TEST_F(HubAuditTest, LockFirstHeardOnTheWireIsRecordedAsRegistered) {
  Telemetry t;
  t.battery_pct = 90;
  ASSERT_TRUE(hub_.on_telemetry({"cabin", "shed"}, t));
  ASSERT_TRUE(hub_.on_telemetry({"cabin", "shed"}, t));
  std::vector<AuditEntry> registered;
  for (const AuditEntry& e : audit_.with_action("lock.register")) {
    if (e.target == "lock:shed") registered.push_back(e);
  }
  ASSERT_EQ(registered.size(), 1U);
  EXPECT_EQ(registered[0].actor, "hub");
  EXPECT_NE(registered[0].detail.find("auto_register"), std::string::npos);
}

TEST_F(HubAuditTest, AnswersAboutUnknownCasesAreRecordedAsRejected) {
  ASSERT_FALSE(hub_.confirm_cause(99, Cause::battery_depleted, "api:127.0.0.1"));
  auto confirmed = audit_.with_action("case.confirm_cause");
  ASSERT_EQ(confirmed.size(), 1U);
  EXPECT_EQ(confirmed[0].target, "case:99");
  EXPECT_EQ(confirmed[0].outcome, "rejected");
  EXPECT_EQ(confirmed[0].detail, R"({"cause":"battery_depleted"})");
}

TEST_F(HubAuditTest, HookStampsTheHubsTimeAndChecksTheEntry) {
  clock_.advance(1h);
  auto seq = hub_.audit(
      {{}, "owner@example.org", "user.create", "user:guest-1", audit_detail({{"role", "guest"}}), "ok"});
  ASSERT_TRUE(seq);
  EXPECT_EQ(*seq, audit_.entries().size());
  EXPECT_EQ(audit_.entries().back().time, clock_.now());
  auto bad = hub_.audit({{}, "", "user.create", "user:x", "", "ok"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "actor: must not be empty");
  audit_.set_failing(true);
  auto failed = hub_.audit({{}, "cli", "code.set", "lock:front", "", "ok"});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "audit log: disk full");
}

TEST_F(HubAuditTest, RecordsAreListedAfterASeq) {
  auto page = hub_.audit_records(1, 10);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), audit_.entries().size() - 1);
  EXPECT_EQ(page->front().seq, 2U);
  EXPECT_FALSE(hub_.audit_records(0, 0));
}

}  // namespace
}  // namespace lw::core
