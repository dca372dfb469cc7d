// The Z-Wave JS adapter against a Hub on an in-memory store, fed the messages
// the real zwave-js-server sent (tests/fixtures/zwave_js_server/session.jsonl)
// and messages shaped like them.
#include "adapters/zwave_js/zwave_js_adapter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "protocol/code_crypto.h"
#include "tests/support/fixture_lines.h"
#include "tests/support/memory_store.h"
#include "tests/support/recording_device_link.h"

namespace lw::adapters::zwave_js {
namespace {

namespace json = boost::json;
using core::Connectivity;
using core::LockState;

std::vector<std::string> recorded() { return lw::testing::fixture_lines("zwave_js_server/session.jsonl"); }

std::string value_event(std::string_view args) {
  return R"({"type":"event","event":{"source":"node","event":"value updated","nodeId":2,"args":)" +
         std::string(args) + "}}";
}

class ZwaveJsAdapterTest : public ::testing::Test {
 protected:
  ZwaveJsAdapterTest() {
    EXPECT_TRUE(hub_.load());
    router_.claim_with(adapter_);
  }

  /// The server's greeting and the state after start_listening (the recorded ones).
  void connect() {
    connect_mid_interview();
    // The node's interview ends (a first start: the state had no values yet).
    for (const std::string& l : recorded()) {
      if (l.find(R"("event":"ready")") != std::string::npos) adapter_.handle(l);
    }
  }
  /// Connected, with the lock's interview still running (the recorded state: ready false).
  void connect_mid_interview() {
    adapter_.connected();
    const auto lines = recorded();
    adapter_.handle(lines.at(0));  // version
    ASSERT_EQ(sent_.size(), 2U);
    EXPECT_EQ(command(0).at("command"), "set_api_schema");
    EXPECT_EQ(command(1).at("command"), "start_listening");
    for (const std::string& l : lines) {
      if (l.find(R"("result":{"state")") == std::string::npos) continue;
      json::value v = json::parse(l);
      v.as_object()["messageId"] = command(1).at("messageId");  // answers our start_listening
      adapter_.handle(json::serialize(v));
    }
    ASSERT_TRUE(adapter_.listening());
  }
  /// The recorded "ready" event of the lock: its interview ended.
  static std::string ready_event() {
    for (const std::string& l : recorded()) {
      if (l.find(R"("event":"ready")") != std::string::npos) return l;
    }
    return {};
  }
  json::value command(std::size_t i) { return json::parse(sent_.at(i)); }
  void answer(std::size_t i, std::string_view result) {
    adapter_.handle(R"({"type":"result","messageId":")" +
                    std::string(command(i).at("messageId").as_string()) + "\"," + std::string(result) + "}");
  }

  [[nodiscard]] const core::LockRecord& lock() const {
    const core::LockRecord* l = hub_.find_lock(id_);
    EXPECT_NE(l, nullptr);
    return *l;
  }
  std::vector<core::EventRecord> history() {
    auto page = hub_.events(id_, 100, std::nullopt);
    EXPECT_TRUE(page);
    return page ? page->events : std::vector<core::EventRecord>{};
  }
  int count(core::EventKind kind, std::string_view detail = "") {
    const auto h = history();
    return static_cast<int>(std::count_if(h.begin(), h.end(), [&](const core::EventRecord& e) {
      return e.kind == kind && (detail.empty() || e.detail == detail);
    }));
  }

  const LockId id_{"zwave-2"};
  core::ManualClock clock_;
  core::MemoryStore store_;
  lw::testing::RecordingDeviceLink native_;
  LinkRouter router_{native_};
  core::NullEventSink sink_;
  core::SeededRandom random_{9};
  core::Hub hub_{clock_, store_, router_, sink_, random_, core::HubOptions{}};
  /// Sends a code command as CodeService does; answers come at the next tick.
  void send_code(core::CodeCommand code) {
    core::Command c;
    c.id = "code-" + std::to_string(++commands_);
    c.target = {"flat", id_};
    c.issued_at = clock_.now();
    c.expires_at = clock_.now() + std::chrono::seconds(30);
    c.code = std::move(code);
    ASSERT_TRUE(adapter_.send_command(c));
  }
  std::vector<core::CommandResult> answers() {
    adapter_.tick();
    return std::exchange(answers_, {});
  }
  /// Answers sent message `i` with a recorded result line (its messageId replaced).
  void answer_with(std::size_t i, const std::string& line) {
    json::value v = json::parse(line);
    v.as_object()["messageId"] = command(i).at("messageId");
    adapter_.handle(json::serialize(v));
  }
  /// A read-back of slots 1..12 answered "available" (254 past slot 10): the bridge's box key.
  protocol::BoxPublicKey read_empty_lock() {
    core::CodeCommand read;
    read.action = core::CodeAction::read_codes;
    read.slot = 1;
    const std::size_t first = sent_.size();
    send_code(read);
    EXPECT_EQ(sent_.size(), first + 13) << "its Door Lock configuration, then 12 slots";
    EXPECT_EQ(command(first).at("methodName"), "getConfiguration");
    answer_with(first, std::string(kConfiguration));
    for (std::size_t i = first + 1; i < sent_.size(); ++i)
      answer_with(i, user_codes_.at(i - first - 1 >= 10 ? 3 : 2));
    auto got = answers();
    EXPECT_EQ(got.size(), 1U);
    EXPECT_TRUE(got.at(0).codes->slots.empty());
    EXPECT_FALSE(got.at(0).codes->next_slot) << "slot 11 answered 254: the lock has 10 users";
    return *protocol::decode_box_key(got.at(0).codes->box_key);
  }

  const std::vector<std::string> user_codes_ = lw::testing::fixture_lines("zwave_js_server/user_codes.jsonl");
  /// Door Lock "getConfiguration" (DoorLockCCAPI.getConfiguration's pick of the report), auto-relock off.
  static constexpr std::string_view kConfiguration =
      R"({"type":"result","success":true,"messageId":"1","result":{"response":{"operationType":1,)"
      R"("outsideHandlesCanOpenDoorConfiguration":[true,true,true,true],)"
      R"("insideHandlesCanOpenDoorConfiguration":[true,true,true,true],"autoRelockTime":0}}})";
  std::vector<std::string> sent_;
  std::vector<core::CommandResult> answers_;
  int commands_{0};
  bool open_{true};
  ZwaveJsAdapter adapter_{{"zwave-js", "zwave", "flat", std::chrono::hours(1), true},
                          hub_,
                          [this](std::string_view text) -> Result<void> {
                            if (!open_) return unavailable("the WebSocket is not open");
                            sent_.emplace_back(text);
                            return ok();
                          }};
  bool wired_ = [this] {
    adapter_.on_code_result(
        [this](const core::LockAddress&, const core::CommandResult& r) { answers_.push_back(r); });
    return true;
  }();
};

TEST(ZwaveJsLockIds, ThePrefixAndTheNodeId) { EXPECT_EQ(lock_id_for("zwave", 12), "zwave-12"); }

TEST_F(ZwaveJsAdapterTest, TheDoorLockNodeJoinsWithItsStateAndTheControllerDoesNot) {
  connect();
  EXPECT_EQ(hub_.locks().size(), 1U);
  EXPECT_TRUE(adapter_.speaks_for(id_));
  EXPECT_EQ(lock().transport, core::Transport::zwave);
  EXPECT_EQ(lock().site, "flat");
  EXPECT_EQ(lock().name, "Z-Wave node 2");
  EXPECT_EQ(lock().connectivity, Connectivity::online);
  EXPECT_EQ(lock().lock_state, LockState::unlocked);
  EXPECT_EQ(adapter_.server_version(), "driver 15.29.0, server 3.10.2");
}

TEST_F(ZwaveJsAdapterTest, ALockIncludedWithoutS2RaisesOneInsecureInclusionAlarm) {
  // The recorded mock lock was included with no security (highestSecurityClass -1),
  // reported in the state and again when its interview ended: one alarm.
  connect();
  EXPECT_EQ(count(core::EventKind::alarm, "insecure_inclusion"), 1);
}

TEST_F(ZwaveJsAdapterTest, ALockOnS2AccessControlOrNotYetKnownRaisesNoAlarm) {
  adapter_.connected();
  const auto lines = recorded();
  adapter_.handle(lines.at(0));
  for (const std::string& l : lines) {
    if (l.find(R"("result":{"state")") == std::string::npos &&
        l.find(R"("event":"ready")") == std::string::npos)
      continue;
    std::string secure = l;
    for (std::size_t at = 0; (at = secure.find(R"("highestSecurityClass":-1)", at)) != std::string::npos;)
      secure.replace(at, 25, R"("highestSecurityClass":2)");
    json::value v = json::parse(secure);
    if (l.find(R"("result":{"state")") != std::string::npos)
      v.as_object()["messageId"] = command(1).at("messageId");
    adapter_.handle(json::serialize(v));
  }
  ASSERT_NE(hub_.find_lock(id_), nullptr);
  EXPECT_EQ(count(core::EventKind::alarm, "insecure_inclusion"), 0);
  EXPECT_TRUE(protocol::insecure_security_class(7)) << "S0: its key is exchanged under a known key";
  EXPECT_FALSE(protocol::insecure_security_class(2));
}

TEST_F(ZwaveJsAdapterTest, ANodeThatSleepsBetweenWakeUpsIsAsleepWhenSilentNotOffline) {
  adapter_.connected();
  const auto lines = recorded();
  adapter_.handle(lines.at(0));
  for (const std::string& l : lines) {
    if (l.find(R"("result":{"state")") == std::string::npos) continue;
    std::string sleepy = l;
    // The recorded lock, as a battery node that neither listens nor frequently listens.
    for (std::size_t at = 0; (at = sleepy.find(R"("isListening":true)", at)) != std::string::npos;)
      sleepy.replace(at, 18, R"("isListening":false)");
    json::value v = json::parse(sleepy);
    v.as_object()["messageId"] = command(1).at("messageId");
    adapter_.handle(json::serialize(v));
  }
  ASSERT_EQ(lock().connectivity, Connectivity::online);
  clock_.advance(std::chrono::minutes(5));
  hub_.tick();
  EXPECT_EQ(lock().connectivity, Connectivity::asleep) << "silent between wake-ups: asleep";
  adapter_.handle(R"({"type":"event","event":{"source":"node","event":"wake up","nodeId":2}})");
  EXPECT_EQ(lock().connectivity, Connectivity::online);
}

TEST_F(ZwaveJsAdapterTest, TheRecordedSessionPlaysOutAsTheLockLived) {
  connect();
  // The rest of the session: a lock, a jam, a keypad unlock by user 3, battery
  // 15 %, the thumb turn, silence (a failed unlock, dead), and back (alive).
  bool after_state = false;
  for (const std::string& l : recorded()) {
    if (l.find(R"("result":{"state")") != std::string::npos) {
      after_state = true;
      continue;
    }
    if (after_state) adapter_.handle(l);
  }
  EXPECT_EQ(lock().battery_pct, 15);
  EXPECT_EQ(lock().lock_state, LockState::locked);
  EXPECT_EQ(lock().connectivity, Connectivity::online);  // "alive" came last
  EXPECT_EQ(count(core::EventKind::alarm, "jammed"), 1);
  const auto h = history();
  EXPECT_TRUE(std::any_of(h.begin(), h.end(), [](const core::EventRecord& e) {
    return e.kind == core::EventKind::lock_operation && e.source == core::OperationSource::keypad &&
           e.user == "3" && e.operation == core::LockAction::unlock;
  }));
  EXPECT_TRUE(std::any_of(h.begin(), h.end(), [](const core::EventRecord& e) {
    return e.kind == core::EventKind::connectivity && e.detail.find("dead") != std::string::npos;
  }));
}

TEST_F(ZwaveJsAdapterTest, ALockIsSetValueOfTargetModeAndCompletesOnCurrentMode) {
  connect();
  auto action = hub_.request_action(id_, core::LockAction::lock);
  ASSERT_TRUE(action);
  ASSERT_EQ(sent_.size(), 3U);
  const json::value set = command(2);
  EXPECT_EQ(set.at("command"), "node.set_value");
  EXPECT_EQ(set.at("nodeId"), 2);
  EXPECT_EQ(set.at("valueId").at("commandClass"), 98);
  EXPECT_EQ(set.at("valueId").at("property"), "targetMode");
  EXPECT_EQ(set.at("value"), 255);
  answer(2, R"("success":true,"result":{"result":{"status":254}})");
  EXPECT_EQ(hub_.find_action(action->id)->status, core::ActionStatus::pending);  // unsupervised: wait
  adapter_.handle(value_event(R"({"commandClass":98,"endpoint":0,"property":"currentMode","newValue":255})"));
  EXPECT_EQ(hub_.find_action(action->id)->status, core::ActionStatus::succeeded);
  EXPECT_EQ(lock().lock_state, LockState::locked);
}

TEST_F(ZwaveJsAdapterTest, ASupervisedSuccessCompletesAtOnceAndAFailureSaysWhy) {
  connect();
  auto locked = hub_.request_action(id_, core::LockAction::lock);
  ASSERT_TRUE(locked);
  answer(2, R"("success":true,"result":{"result":{"status":255}})");
  EXPECT_EQ(hub_.find_action(locked->id)->status, core::ActionStatus::succeeded);

  auto unlocked = hub_.request_action(id_, core::LockAction::unlock);
  ASSERT_TRUE(unlocked);
  answer(3, R"("success":false,"errorCode":"zwave_error","zwaveErrorCode":204,)"
            R"x("zwaveErrorMessage":"The node did not acknowledge the command (ZW0204)")x");
  auto done = hub_.find_action(unlocked->id);
  EXPECT_EQ(done->status, core::ActionStatus::failed);
  EXPECT_EQ(done->reason, "undelivered");
  EXPECT_EQ(done->detail, "Z-Wave JS: The node did not acknowledge the command (ZW0204)");

  auto refused = hub_.request_action(id_, core::LockAction::unlock);
  ASSERT_TRUE(refused);
  answer(4, R"("success":true,"result":{"result":{"status":2}})");
  EXPECT_EQ(hub_.find_action(refused->id)->status, core::ActionStatus::failed);
  EXPECT_EQ(hub_.find_action(refused->id)->reason, "refused");
}

TEST_F(ZwaveJsAdapterTest, AJamFailsTheWaitingActionAndRaisesOneAlarm) {
  connect();
  auto action = hub_.request_action(id_, core::LockAction::lock);
  ASSERT_TRUE(action);
  answer(2, R"("success":true,"result":{"result":{"status":1}})");
  const std::string jam = value_event(
      R"({"commandClass":113,"endpoint":0,"property":"Access Control","propertyKey":"Lock state","newValue":11})");
  adapter_.handle(jam);
  adapter_.handle(jam);
  EXPECT_EQ(hub_.find_action(action->id)->status, core::ActionStatus::failed);
  EXPECT_EQ(lock().lock_state, LockState::jammed);
  EXPECT_EQ(count(core::EventKind::alarm, "jammed"), 1);
}

TEST_F(ZwaveJsAdapterTest, UnlatchIsRefusedAndACodeCommandIsNeverABoltMove) {
  connect();
  auto unlatch = hub_.request_action(id_, core::LockAction::unlatch);
  ASSERT_TRUE(unlatch);
  adapter_.tick();
  EXPECT_EQ(hub_.find_action(unlatch->id)->status, core::ActionStatus::failed);
  EXPECT_EQ(hub_.find_action(unlatch->id)->reason, "unsupported");
  // Nothing went to the server but the tick's question for firmware updates.
  ASSERT_EQ(sent_.size(), 3U);
  EXPECT_EQ(command(2).at("command"), "controller.get_available_firmware_updates");

  // A keypad-code command that also names a bolt action is a User Code read, never a bolt move.
  core::Command code;
  code.target = {"flat", id_};
  code.action = core::LockAction::unlock;
  code.code = core::CodeCommand{};
  ASSERT_TRUE(adapter_.send_command(code));
  ASSERT_GT(sent_.size(), 4U);
  EXPECT_EQ(command(3).at("methodName"), "getConfiguration") << "the lock's settings: a read too";
  for (std::size_t i = 3; i < sent_.size(); ++i) {
    EXPECT_EQ(command(i).at("command"), "endpoint.invoke_cc_api") << sent_[i];
    EXPECT_EQ(command(i).at("commandClass"), i == 3 ? 98 : 99) << sent_[i];
  }
}

TEST_F(ZwaveJsAdapterTest, TheServerGoingAwayMakesItsLocksUnreachableAndFailsWhatWasOnItsWay) {
  connect();
  auto action = hub_.request_action(id_, core::LockAction::lock);
  ASSERT_TRUE(action);
  open_ = false;
  adapter_.disconnected("the server closed the connection");
  EXPECT_EQ(lock().connectivity, Connectivity::unreachable);
  EXPECT_EQ(hub_.find_action(action->id)->status, core::ActionStatus::failed);
  EXPECT_EQ(hub_.find_action(action->id)->reason, "undelivered");
  EXPECT_FALSE(adapter_.send_command({}).has_value());

  // Back: the greeting again, the state again; online without a second jam or operation.
  open_ = true;
  sent_.clear();
  const int operations = count(core::EventKind::lock_operation);
  connect();
  EXPECT_EQ(lock().connectivity, Connectivity::online);
  EXPECT_EQ(count(core::EventKind::lock_operation), operations);
}

TEST_F(ZwaveJsAdapterTest, ADeadNodeIsOfflineAndAPingThatIsAnsweredBringsItBack) {
  connect();
  adapter_.handle(R"({"type":"event","event":{"source":"node","event":"dead","nodeId":2,"oldStatus":4}})");
  EXPECT_EQ(lock().connectivity, Connectivity::offline);
  core::Command ping;
  ping.target = {"flat", id_};
  ping.ping = true;
  ASSERT_TRUE(adapter_.probe(ping));
  EXPECT_EQ(command(2).at("command"), "node.ping");
  answer(2, R"("success":true,"result":{"responded":true})");
  EXPECT_EQ(lock().connectivity, Connectivity::online);
}

TEST_F(ZwaveJsAdapterTest, RestartingTheBridgeSoftResetsTheControllerOnlyWhileTheServerIsConnected) {
  connect();
  ASSERT_TRUE(adapter_.restart_bridge({"flat", id_}));
  EXPECT_EQ(command(2).at("command"), "driver.soft_reset");
  answer(2, R"("success":false,"errorCode":"zwave_error","message":"Soft reset is not supported")");
  EXPECT_FALSE(adapter_.restart_bridge({"flat", "no-such-lock"}));
  open_ = false;
  adapter_.disconnected("the server closed the connection");
  const auto refused = adapter_.restart_bridge({"flat", id_});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("not connected"), std::string::npos);
  EXPECT_EQ(sent_.size(), 3U);
}

TEST_F(ZwaveJsAdapterTest, AnUpdateTheServiceOffersIsInstalledWhenTheDoctorAsksAndItsOutcomeIsTheSteps) {
  connect_mid_interview();
  adapter_.tick();
  EXPECT_EQ(sent_.size(), 2U) << "updates are asked for once the interview ended";
  adapter_.handle(ready_event());
  adapter_.tick();
  ASSERT_EQ(sent_.size(), 3U);
  EXPECT_EQ(command(2).at("command"), "controller.get_available_firmware_updates");
  EXPECT_EQ(command(2).at("nodeId"), 2);
  EXPECT_FALSE(adapter_.update_firmware({"flat", id_})) << "nothing offered yet";
  answer(
      2,
      R"("success":true,"result":{"updates":[)"
      R"({"version":"2.1.0","changelog":"","channel":"stable","downgrade":false,"normalizedVersion":"2.1.0",)"
      R"("files":[{"target":0,"url":"https://example.com/lock-2.1.0.otz","integrity":"sha256:9f"}]}]})");
  EXPECT_EQ(count(core::EventKind::health, "its bridge has a firmware update for it"), 1)
      << "update_firmware is a step the hub does";
  adapter_.tick();
  EXPECT_EQ(sent_.size(), 3U) << "asked again only after update_check";

  ASSERT_TRUE(adapter_.update_firmware({"flat", id_}));
  ASSERT_EQ(sent_.size(), 4U);
  EXPECT_EQ(command(3).at("command"), "controller.firmware_update_ota");
  EXPECT_EQ(command(3).at("updateInfo").at("files").at(0).at("integrity"), "sha256:9f");
  EXPECT_EQ(hub_.health(id_)->connectivity, Connectivity::updating) << "no alarm while it installs";
  ASSERT_TRUE(adapter_.update_firmware({"flat", id_}));
  EXPECT_EQ(sent_.size(), 4U) << "one install at a time";
  answer(3, R"("success":true,"result":{"result":{"status":255,"success":true,"reInterview":false}})");
  adapter_.tick();
  ASSERT_EQ(sent_.size(), 5U) << "installed: what is offered now is asked at once";
  EXPECT_EQ(command(4).at("command"), "controller.get_available_firmware_updates");
  answer(4, R"("success":true,"result":{"updates":[]})");
  EXPECT_EQ(count(core::EventKind::health, "its bridge installed the firmware update"), 1);
  EXPECT_FALSE(adapter_.update_firmware({"flat", id_})) << "nothing offered any more";
}

TEST_F(ZwaveJsAdapterTest, AnInstallTheLockRefusedOrTheServerDroppedFailsTheStepWithWhy) {
  connect();
  adapter_.tick();
  answer(2, R"("success":true,"result":{"updates":[{"version":"2.1.0","downgrade":false,"files":[]},)"
            R"({"version":"1.0.0","downgrade":true,"files":[]}]})");
  ASSERT_TRUE(adapter_.update_firmware({"flat", id_}));
  answer(3, R"("success":true,"result":{"result":{"status":1,"success":false,"reInterview":false}})");
  bool refused = false;
  for (const core::EventRecord& e : history())
    refused |= e.detail.find("the lock did not take the update (status 1)") != std::string::npos;
  EXPECT_TRUE(refused) << "the step's outcome says why";
  // Still offered: tried again, and the server goes away mid-install.
  ASSERT_TRUE(adapter_.update_firmware({"flat", id_}));
  open_ = false;
  adapter_.disconnected("the server closed the connection");
  bool dropped = false;
  for (const core::EventRecord& e : history())
    dropped |= e.detail.find("closed during the install") != std::string::npos;
  EXPECT_TRUE(dropped);
  EXPECT_FALSE(adapter_.update_firmware({"flat", id_})) << "not connected";
}

TEST_F(ZwaveJsAdapterTest, TheNodesRssiIsItsSignalOnlyWhenTheControllerHeardItAgain) {
  connect();
  auto stats = [](std::string_view last_seen, int rssi) {
    return R"({"type":"event","event":{"source":"node","event":"statistics updated","nodeId":2,)"
           R"("statistics":{"commandsTX":3,"commandsRX":2,"commandsDroppedRX":0,"commandsDroppedTX":0,)"
           R"("timeoutResponse":0,"rtt":80.4,"rssi":)" +
           std::to_string(rssi) + R"(,"lastSeen":")" + std::string(last_seen) + R"("}}})";
  };
  adapter_.handle(stats("2026-12-03T20:00:00.000Z", -60));  // the first: nothing to compare with
  EXPECT_FALSE(lock().rssi_dbm.has_value());
  adapter_.handle(stats("2026-12-03T20:00:05.000Z", -67));
  EXPECT_EQ(lock().rssi_dbm, -67);
  // A failed send updates the statistics too, but lastSeen stays: no news of the node.
  adapter_.handle(stats("2026-12-03T20:00:05.000Z", -90));
  EXPECT_EQ(lock().rssi_dbm, -67);
  // 127: zwave-js has no reading.
  adapter_.handle(stats("2026-12-03T20:00:09.000Z", 127));
  EXPECT_EQ(lock().rssi_dbm, -67);
}

TEST_F(ZwaveJsAdapterTest, AMalformedMessageIsCountedNotApplied) {
  connect();
  adapter_.handle(value_event(R"({"commandClass":128,"endpoint":0,"property":"level","newValue":400})"));
  adapter_.handle("{not json");
  EXPECT_EQ(lock().battery_pct, 87);
  const core::RejectCounters& rejected = hub_.rejected();
  EXPECT_EQ(rejected.size(), 2U);
  EXPECT_EQ(rejected.count("zwave-js: message: not valid JSON"), 1U);
  EXPECT_EQ(rejected.count("zwave-js: battery.level: must be an integer 0..100"), 1U);
}

// Keypad codes through the User Code CC, answered with what the real server
// sent (tests/fixtures/zwave_js_server/user_codes.jsonl): a set_value of
// userCode[4] (254), Gets of slots 4 (enabled, 0482157), 5 (available) and
// 11 (254: no such user), a clear (254), and a refused PIN (status 5).

TEST_F(ZwaveJsAdapterTest, APinGoesToAUserCodeSlotAndTheLocksReportIsTheAnswerWithItsDigest) {
  connect();
  ASSERT_EQ(user_codes_.size(), 6U);
  const protocol::BoxPublicKey box = read_empty_lock();
  const protocol::CodeKey key = protocol::generate_code_key();
  core::CodeCommand give;
  give.action = core::CodeAction::set_code_key;
  give.sealed = protocol::seal_to(
      std::string_view(reinterpret_cast<const char*>(key.bytes.data()), key.bytes.size()), box);
  send_code(give);
  ASSERT_EQ(answers().at(0).outcome, core::CommandOutcome::ok);

  core::CodeCommand set;
  set.action = core::CodeAction::set_code;
  set.slot = 4;
  set.user = 4;
  set.sealed = protocol::seal_to("0482157", box);
  const std::size_t at = sent_.size();
  send_code(set);
  ASSERT_EQ(sent_.size(), at + 1);
  const json::value write = command(at);
  EXPECT_EQ(write.at("command"), "node.set_value");
  EXPECT_EQ(json::serialize(write.at("valueId")),
            R"({"commandClass":99,"endpoint":0,"property":"userCode","propertyKey":4})");
  EXPECT_EQ(write.at("value"), "0482157");
  answer_with(at, user_codes_[0]);  // status 254: sent, not supervised
  EXPECT_TRUE(answers().empty()) << "the write alone is not the answer";
  ASSERT_EQ(sent_.size(), at + 2);
  EXPECT_EQ(command(at + 1).at("command"), "endpoint.invoke_cc_api");
  EXPECT_EQ(command(at + 1).at("methodName"), "get");
  EXPECT_EQ(json::serialize(command(at + 1).at("args")), "[4]");
  answer_with(at + 1, user_codes_[1]);  // enabled, 0482157
  auto got = answers();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].outcome, core::CommandOutcome::ok);
  ASSERT_EQ(got[0].codes->slots.size(), 1U);
  EXPECT_EQ(got[0].codes->slots[0].slot, 4);
  EXPECT_EQ(got[0].codes->slots[0].digest, protocol::code_digest(key, 4, 4, "0482157"));

  // Clearing: userIdStatus 0, then the slot reads available.
  core::CodeCommand clear;
  clear.action = core::CodeAction::clear_code;
  clear.slot = 4;
  send_code(clear);
  EXPECT_EQ(json::serialize(command(at + 2).at("valueId")),
            R"({"commandClass":99,"endpoint":0,"property":"userIdStatus","propertyKey":4})");
  EXPECT_EQ(command(at + 2).at("value"), 0);
  answer_with(at + 2, user_codes_[4]);
  answer_with(at + 3, user_codes_[2]);
  got = answers();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_TRUE(got[0].codes->slots.empty());
}

TEST_F(ZwaveJsAdapterTest, ACodeCommandWaitsForTheNodesInterviewToEnd) {
  // The state after start_listening has the lock mid-interview (ready false): Z-Wave JS would
  // refuse a User Code command as unsupported, so the read-back waits for the "ready" event.
  connect_mid_interview();
  const std::string ready = ready_event();
  ASSERT_FALSE(ready.empty());
  core::CodeCommand read;
  read.action = core::CodeAction::read_codes;
  read.slot = 1;
  const std::size_t before = sent_.size();
  send_code(read);
  EXPECT_EQ(sent_.size(), before) << "nothing goes to a node whose command classes are not known yet";
  EXPECT_TRUE(answers().empty());

  adapter_.handle(ready);
  ASSERT_EQ(sent_.size(), before + 13) << "its interview ended: the read-back goes out";
  EXPECT_EQ(command(before).at("command"), "endpoint.invoke_cc_api");
}

TEST_F(ZwaveJsAdapterTest, ACodeCommandWaitingForAnInterviewPastItsValidityIsDropped) {
  connect_mid_interview();
  core::CodeCommand read;
  read.action = core::CodeAction::read_codes;
  read.slot = 1;
  const std::size_t before = sent_.size();
  send_code(read);
  clock_.advance(std::chrono::seconds(31));
  EXPECT_TRUE(answers().empty()) << "dropped without an answer: the sync sends it again";
  adapter_.handle(ready_event());
  EXPECT_EQ(sent_.size(), before) << "a command past its validity never goes out";
}

TEST_F(ZwaveJsAdapterTest, ARefusedWriteSaysWhyAndAnUnansweredOneLetsTheNextGo) {
  connect();
  const protocol::BoxPublicKey box = read_empty_lock();
  core::CodeCommand set;
  set.action = core::CodeAction::set_code;
  set.slot = 4;
  set.user = 4;
  set.sealed = protocol::seal_to("0482157", box);
  const std::size_t at = sent_.size();
  send_code(set);
  answer_with(at, user_codes_[5]);  // status 5 with the driver's words
  auto got = answers();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].outcome, core::CommandOutcome::refused);
  EXPECT_EQ(got[0].detail,
            "Z-Wave JS: UserCodeCCSet: The user code must have a length of 4 to 10 characters (ZW0322)");

  // Two queued: the first's failed result (the node did not answer) drops it, the second goes.
  send_code(set);
  set.slot = 5;
  set.user = 5;
  send_code(set);
  ASSERT_EQ(sent_.size(), at + 2) << "one code command at a time";
  adapter_.handle(R"({"type":"result","messageId":")" +
                  std::string(command(at + 1).at("messageId").as_string()) +
                  R"json(","success":false,"errorCode":"zwave_error","zwaveErrorCode":204,)json"
                  R"json("zwaveErrorMessage":"The node did not acknowledge the command (ZW0204)"})json");
  ASSERT_EQ(sent_.size(), at + 3);
  EXPECT_EQ(command(at + 2).at("valueId").at("propertyKey"), 5);
  EXPECT_TRUE(answers().empty()) << "the sync retries the dropped one after its back-off";

  // Past the lock's 10 user codes (the read-back's 254 at slot 11): refused, nothing sent.
  answer_with(at + 2, user_codes_[0]);
  answer_with(at + 3, user_codes_[2]);
  ASSERT_EQ(answers().size(), 1U);
  const std::size_t before = sent_.size();
  set.slot = 12;
  set.user = 12;
  send_code(set);
  EXPECT_EQ(sent_.size(), before);
  got = answers();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].outcome, core::CommandOutcome::refused);
  EXPECT_NE(got[0].detail.find("slot 12: the lock has 10 user codes"), std::string::npos) << got[0].detail;
}

TEST_F(ZwaveJsAdapterTest, TheAutoRelockTimeIsReadWithTheSlotsAndWrittenAsItsValue) {
  connect();
  read_empty_lock();
  core::CodeCommand set;
  set.action = core::CodeAction::set_settings;
  set.settings = {std::nullopt, std::nullopt, 45, std::nullopt};
  std::size_t at = sent_.size();
  send_code(set);
  ASSERT_EQ(sent_.size(), at + 1);
  EXPECT_EQ(command(at).at("command"), "node.set_value");
  EXPECT_EQ(command(at).at("valueId").at("property"), "autoRelockTime");
  EXPECT_EQ(command(at).at("value"), 45);
  answer_with(at, user_codes_[0]);  // SetValueStatus 254: sent, unsupervised
  ASSERT_EQ(sent_.size(), at + 2) << "what the lock keeps now is read back";
  EXPECT_TRUE(answers().empty());
  std::string told(kConfiguration);
  told.replace(told.find(R"("autoRelockTime":0)"), 18, R"("autoRelockTime":45)");
  answer_with(at + 1, told);
  auto got = answers();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].outcome, core::CommandOutcome::ok);
  EXPECT_EQ(got[0].codes->settings, set.settings);

  // A lock that keeps the old value after the write: refused, with the reason.
  at = sent_.size();
  send_code(set);
  answer_with(at, user_codes_[0]);
  answer_with(at + 1, std::string(kConfiguration));
  got = answers();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].outcome, core::CommandOutcome::refused);

  // What a Z-Wave lock does not have is named, and nothing is sent.
  at = sent_.size();
  set.settings = {std::nullopt, std::nullopt, std::nullopt, core::SoundVolume::low};
  send_code(set);
  EXPECT_EQ(sent_.size(), at);
  got = answers();
  ASSERT_EQ(got.size(), 1U);
  EXPECT_EQ(got[0].outcome, core::CommandOutcome::unsupported);
  EXPECT_EQ(got[0].detail, "settings.sound_volume: a Z-Wave lock behind Z-Wave JS has no such setting");
}

}  // namespace
}  // namespace lw::adapters::zwave_js
