#include "core/codes/code_sync.h"

#include <gtest/gtest.h>

namespace lw::core {
namespace {

const Timestamp kT0 = from_epoch_ms(1'767'225'600'000);
const LockAddress kFront{"home", "front"};

CodeTarget target(const std::string& id, int slot) {
  CodeTarget t;
  t.code_id = id;
  t.lock = kFront;
  t.slot = slot;
  t.user = 7;
  return t;
}

CodeSync::Options options() {
  CodeSync::Options o;
  o.answer_timeout = 10s;
  o.max_backoff = 80s;
  o.give_up_after = std::chrono::hours{1};
  o.readback_interval = std::chrono::hours{6};
  return o;
}

/// Sends whatever is due as commands nobody answers; returns when each set_code went.
std::vector<Timestamp> run_unanswered(CodeSync& sync, Timestamp from, Duration span) {
  std::vector<Timestamp> sends;
  int n = 0;
  for (Timestamp t = from; t < from + span; t += 1s) {
    (void)sync.tick(t);
    for (const CodeSend& s : sync.due(t)) {
      if (s.command.action == CodeAction::set_code) sends.push_back(t);
      sync.sent(s, "cmd-" + std::to_string(++n), t);
    }
  }
  return sends;
}

TEST(CodeSync, UnansweredWritesAreRetriedWithDoublingBackOffUpToTheCap) {
  CodeSync sync(options());
  sync.upsert(target("c", 1), kT0);
  const std::vector<Timestamp> sends = run_unanswered(sync, kT0, 10min);
  ASSERT_GE(sends.size(), 6U);
  EXPECT_EQ(sends[1] - sends[0], 10s);
  EXPECT_EQ(sends[2] - sends[1], 20s);
  EXPECT_EQ(sends[3] - sends[2], 40s);
  EXPECT_EQ(sends[4] - sends[3], 80s);
  EXPECT_EQ(sends[5] - sends[4], 80s);
  EXPECT_EQ(sync.find("c", kFront)->state, SyncState::pending);
}

TEST(CodeSync, OfflineLockIsSentNothingAndGetsEverythingAtOnceWhenBack) {
  CodeSync sync(options());
  sync.lock_offline(kFront);
  sync.upsert(target("c", 1), kT0);
  EXPECT_TRUE(run_unanswered(sync, kT0, 5min).empty());
  sync.lock_online(kFront, kT0 + 5min);
  const std::vector<CodeSend> due = sync.due(kT0 + 5min);
  ASSERT_EQ(due.size(), 2U);  // the write and a read-back
  EXPECT_EQ(due[0].command.action, CodeAction::set_code);
  EXPECT_EQ(due[1].command.action, CodeAction::read_codes);
}

TEST(CodeSync, WriteNotConfirmedWithinTheLimitFailsWithItsReason) {
  CodeSync sync(options());
  sync.upsert(target("c", 1), kT0);
  (void)run_unanswered(sync, kT0, 59min);
  EXPECT_EQ(sync.find("c", kFront)->state, SyncState::pending);
  const std::vector<CodeNotice> notices = sync.tick(kT0 + 1h);
  ASSERT_EQ(notices.size(), 1U);
  EXPECT_EQ(notices[0].kind, CodeNoticeKind::failed);
  EXPECT_EQ(sync.find("c", kFront)->state, SyncState::failed);
  EXPECT_NE(sync.find("c", kFront)->reason.find("not confirmed by the lock within 3600 s"),
            std::string::npos);
  sync.retry("c", kFront, kT0 + 2h);
  EXPECT_EQ(sync.find("c", kFront)->state, SyncState::pending);
}

TEST(CodeSync, AnswerShowingAnotherPinInTheSlotDoesNotCountAsSet) {
  CodeSync sync(options());
  CodeTarget t = target("c", 1);
  t.expected_digest = "right";
  sync.upsert(t, kT0);
  const std::vector<CodeSend> due = sync.due(kT0);
  ASSERT_EQ(due.size(), 1U);
  sync.sent(due[0], "cmd-1", kT0);
  CommandResult r;
  r.command_id = "cmd-1";
  r.outcome = CommandOutcome::ok;
  r.codes = CodeReadback{"box", {CodeSlotReport{1, 7, {}, std::string("wrong"), false}}, std::nullopt};
  EXPECT_TRUE(sync.on_result(kFront, r, kT0 + 1s).empty());
  EXPECT_EQ(sync.find("c", kFront)->state, SyncState::pending);
  r.command_id = "cmd-2";
  sync.sent(due[0], "cmd-2", kT0 + 20s);
  r.codes->slots[0].digest = "right";
  const std::vector<CodeNotice> set = sync.on_result(kFront, r, kT0 + 21s);
  ASSERT_EQ(set.size(), 1U);
  EXPECT_EQ(set[0].kind, CodeNoticeKind::set);
}

TEST(CodeSync, AnotherBoxKeyThanTheFirstIsReportedAndNotAdopted) {
  CodeSync sync(options());
  CommandResult r;
  r.command_id = "x";
  r.codes = CodeReadback{"first", {}, std::nullopt};
  (void)sync.on_result(kFront, r, kT0);
  r.codes->box_key = "second";
  const std::vector<CodeNotice> n = sync.on_result(kFront, r, kT0 + 1s);
  ASSERT_EQ(n.size(), 1U);
  EXPECT_EQ(n[0].kind, CodeNoticeKind::box_key_changed);
  EXPECT_EQ(sync.box_key(kFront), "first");
}

TEST(CodeSync, AReadBackWhosePagesSpanAWriteSaysNothingOfThatCode) {
  CodeSync sync(options());
  sync.upsert(target("c", 3), kT0);
  sync.request_readback(kFront, kT0);
  std::vector<CodeSend> due = sync.due(kT0);
  ASSERT_EQ(due.size(), 2U);
  const CodeSend& write = due[0].command.action == CodeAction::set_code ? due[0] : due[1];
  const CodeSend& read = due[0].command.action == CodeAction::read_codes ? due[0] : due[1];
  sync.sent(read, "read-1", kT0);
  sync.sent(write, "write-1", kT0);
  // Page 1 (slots 1..12) was read before the write: slot 3 empty.
  CommandResult page;
  page.command_id = "read-1";
  page.codes = CodeReadback{"box", {}, 13};
  EXPECT_TRUE(sync.on_result(kFront, page, kT0 + 1s).empty());
  // The write lands, then the rest of the read-back.
  CommandResult done;
  done.command_id = "write-1";
  done.codes = CodeReadback{"box", {CodeSlotReport{3, 7, {}, std::nullopt, false}}, std::nullopt};
  ASSERT_EQ(sync.on_result(kFront, done, kT0 + 2s).size(), 1U);
  due = sync.due(kT0 + 2s);
  ASSERT_EQ(due.size(), 1U);
  EXPECT_EQ(due[0].command.slot, 13);
  sync.sent(due[0], "read-2", kT0 + 2s);
  page.command_id = "read-2";
  page.codes = CodeReadback{"box", {}, std::nullopt};
  EXPECT_TRUE(sync.on_result(kFront, page, kT0 + 3s).empty()) << "no drift from a page older than the write";
  EXPECT_EQ(sync.find("c", kFront)->state, SyncState::set);

  // The next read-back, all after the write, does check it.
  sync.request_readback(kFront, kT0 + 4s);
  due = sync.due(kT0 + 4s);
  ASSERT_EQ(due.size(), 1U);
  sync.sent(due[0], "read-3", kT0 + 4s);
  page.command_id = "read-3";
  const std::vector<CodeNotice> drift = sync.on_result(kFront, page, kT0 + 5s);
  ASSERT_EQ(drift.size(), 1U);
  EXPECT_EQ(drift[0].kind, CodeNoticeKind::missing);
}

}  // namespace
}  // namespace lw::core
