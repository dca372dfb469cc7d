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
  r.codes = CodeReadback{
      "box", {CodeSlotReport{1, 7, {}, std::string("wrong"), false}}, std::nullopt, std::nullopt};
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
  r.codes = CodeReadback{"first", {}, std::nullopt, std::nullopt};
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
  page.codes = CodeReadback{"box", {}, 13, std::nullopt};
  EXPECT_TRUE(sync.on_result(kFront, page, kT0 + 1s).empty());
  // The write lands, then the rest of the read-back.
  CommandResult done;
  done.command_id = "write-1";
  done.codes =
      CodeReadback{"box", {CodeSlotReport{3, 7, {}, std::nullopt, false}}, std::nullopt, std::nullopt};
  ASSERT_EQ(sync.on_result(kFront, done, kT0 + 2s).size(), 1U);
  due = sync.due(kT0 + 2s);
  ASSERT_EQ(due.size(), 1U);
  EXPECT_EQ(due[0].command.slot, 13);
  sync.sent(due[0], "read-2", kT0 + 2s);
  page.command_id = "read-2";
  page.codes = CodeReadback{"box", {}, std::nullopt, std::nullopt};
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

/// The lock's answer to `send` (sent as `id`): box key `box`, no slots, `settings`.
CommandResult answer(const std::string& id, const std::string& box, std::optional<LockSettings> settings,
                     CommandOutcome outcome = CommandOutcome::ok) {
  CommandResult r;
  r.command_id = id;
  r.outcome = outcome;
  r.codes = CodeReadback{box, {}, std::nullopt, settings};
  return r;
}

/// Sends the read-back due now as `id` and answers it.
std::vector<CodeNotice> read_back(CodeSync& sync, const std::string& id, const std::string& box,
                                  std::optional<LockSettings> settings, Timestamp at) {
  sync.request_readback(kFront, at);
  for (const CodeSend& s : sync.due(at)) {
    if (s.command.action == CodeAction::read_codes) sync.sent(s, id, at);
  }
  return sync.on_result(kFront, answer(id, box, settings), at + 1s);
}

TEST(CodeSync, ALocksOwnSettingsAreLearntFromItsReadBacksAndHeldInItsBackup) {
  CodeSync sync(options());
  EXPECT_TRUE(read_back(sync, "rb-1", "box", LockSettings::keypad(3, 30), kT0).empty());
  const CodeBackup b = sync.backup(kFront, kT0 + 2s);
  EXPECT_TRUE(b.verified);
  EXPECT_EQ(b.settings, (LockSettings::keypad(3, 30)));
  EXPECT_FALSE(sync.settings(kFront)->from_hub);
  // Changed at the lock's own menu: the lock is where they live, so the hub follows.
  EXPECT_TRUE(read_back(sync, "rb-2", "box", LockSettings::keypad(4, 30), kT0 + 1h).empty());
  EXPECT_EQ(sync.backup(kFront, kT0 + 1h).settings, (LockSettings::keypad(4, 30)));
  // A lock behind a bridge tells none: its backup is its codes.
  CodeSync bridged(options());
  EXPECT_TRUE(read_back(bridged, "rb-1", "box", std::nullopt, kT0).empty());
  EXPECT_TRUE(bridged.backup(kFront, kT0 + 2s).verified);
  EXPECT_FALSE(bridged.backup(kFront, kT0 + 2s).settings.has_value());
}

TEST(CodeSync, SettingsSetThroughTheHubAreWrittenConfirmedAndHeldTo) {
  CodeSync sync(options());
  (void)read_back(sync, "rb-1", "box", LockSettings::keypad(5, 60), kT0);
  sync.want_settings(kFront, LockSettings::keypad(2, 120), kT0 + 1min);
  std::vector<CodeSend> due = sync.due(kT0 + 1min);
  ASSERT_EQ(due.size(), 1U);
  EXPECT_EQ(due[0].command.action, CodeAction::set_settings);
  EXPECT_EQ(due[0].command.settings, (LockSettings::keypad(2, 120)));
  sync.sent(due[0], "set-1", kT0 + 1min);
  // An answer to an earlier command still shows the old ones: no drift while the write is out.
  EXPECT_TRUE(sync.on_result(kFront, answer("old", "box", LockSettings::keypad(5, 60)), kT0 + 1min).empty());
  std::vector<CodeNotice> n =
      sync.on_result(kFront, answer("set-1", "box", LockSettings::keypad(2, 120)), kT0 + 61s);
  ASSERT_EQ(n.size(), 1U);
  EXPECT_EQ(n[0].kind, CodeNoticeKind::settings_set);
  EXPECT_EQ(sync.settings(kFront)->state, SyncState::set);

  // Someone set them back at the lock: the hub reports it and writes its own again.
  n = read_back(sync, "rb-2", "box", LockSettings::keypad(5, 60), kT0 + 2h);
  ASSERT_EQ(n.size(), 1U);
  EXPECT_EQ(n[0].kind, CodeNoticeKind::settings_differ);
  EXPECT_NE(n[0].detail.find("keypad off for 60 s after 5 wrong PINs"), std::string::npos) << n[0].detail;
  due = sync.due(kT0 + 2h + 2s);
  ASSERT_EQ(due.size(), 1U);
  EXPECT_EQ(due[0].command.settings, (LockSettings::keypad(2, 120)));

  // A lock that will not take them says why, and is not asked again and again.
  sync.sent(due[0], "set-2", kT0 + 2h + 2s);
  n = sync.on_result(kFront, answer("set-2", "box", LockSettings::keypad(5, 60), CommandOutcome::unsupported),
                     kT0 + 2h + 3s);
  ASSERT_EQ(n.size(), 1U);
  EXPECT_EQ(n[0].kind, CodeNoticeKind::settings_failed);
  EXPECT_EQ(sync.settings(kFront)->state, SyncState::failed);
  EXPECT_TRUE(sync.due(kT0 + 3h).empty());
}

TEST(CodeSync, AResetLocksSettingsAreNotTakenFromItAndAreWrittenBackOncePairedAgain) {
  CodeSync sync(options());
  (void)read_back(sync, "rb-1", "old-box", LockSettings::keypad(3, 30), kT0);
  // Reset: another box key, and the factory's settings.
  const std::vector<CodeNotice> n = read_back(sync, "rb-2", "new-box", LockSettings::keypad(5, 60), kT0 + 1h);
  ASSERT_EQ(n.size(), 1U);
  EXPECT_EQ(n[0].kind, CodeNoticeKind::box_key_changed);
  EXPECT_EQ(sync.settings(kFront)->settings, (LockSettings::keypad(3, 30))) << "what is to be restored stays";
  const std::vector<CodeNotice> restored = sync.accept_box_key(kFront, kT0 + 1h + 1min);
  ASSERT_EQ(restored.size(), 1U);
  EXPECT_NE(restored[0].detail.find("with its settings (keypad off for 30 s after 3 wrong PINs)"),
            std::string::npos)
      << restored[0].detail;
  bool written = false;
  for (const CodeSend& s : sync.due(kT0 + 1h + 1min))
    written |=
        s.command.action == CodeAction::set_settings && s.command.settings == LockSettings::keypad(3, 30);
  EXPECT_TRUE(written);
}

TEST(CodeSync, KeptSettingsSurviveARestart) {
  CodeSync sync(options());
  sync.want_settings(kFront, LockSettings::keypad(2, 120), kT0);
  std::vector<SettingsEntry> kept = sync.settings_entries();
  ASSERT_EQ(kept.size(), 1U);
  CodeSync restarted(options());
  restarted.restore_settings(kept, kT0 + 1h);
  const std::vector<CodeSend> due = restarted.due(kT0 + 1h);
  ASSERT_EQ(due.size(), 1U) << "a write the lock never confirmed goes again";
  EXPECT_EQ(due[0].command.settings, (LockSettings::keypad(2, 120)));
}

}  // namespace
}  // namespace lw::core
