#include "protocol/ecosystem/zigbee2mqtt.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace lw::protocol {
namespace {

using core::DoorState;
using core::LockState;
using core::OperationSource;

std::string error_of(const Error& e) { return e.message; }

// --- topics ---------------------------------------------------------------------

TEST(Z2mTopics, SortsDeviceAndBridgeTopicsUnderTheDefaultBase) {
  const Z2mTopics topics;
  struct Case {
    std::string_view topic;
    Z2mTopicKind kind;
    std::string_view name;
  };
  const std::vector<Case> cases = {
      {"zigbee2mqtt/Front door", Z2mTopicKind::device, "Front door"},
      {"zigbee2mqtt/Front door/availability", Z2mTopicKind::device_availability, "Front door"},
      {"zigbee2mqtt/Front door/action", Z2mTopicKind::device_action, "Front door"},
      {"zigbee2mqtt/Front door/set", Z2mTopicKind::device_set, "Front door"},
      {"zigbee2mqtt/Front door/get", Z2mTopicKind::device_get, "Front door"},
      {"zigbee2mqtt/0x000b57fffe59da21", Z2mTopicKind::device, "0x000b57fffe59da21"},
      {"zigbee2mqtt/bridge/state", Z2mTopicKind::bridge_state, ""},
      {"zigbee2mqtt/bridge/info", Z2mTopicKind::bridge_info, ""},
      {"zigbee2mqtt/bridge/event", Z2mTopicKind::bridge_event, ""},
      {"zigbee2mqtt/bridge/logging", Z2mTopicKind::bridge_logging, ""},
      {"zigbee2mqtt/bridge/log", Z2mTopicKind::bridge_log, ""},
      {"zigbee2mqtt/bridge/devices", Z2mTopicKind::bridge_devices, ""},
      {"zigbee2mqtt/bridge/groups", Z2mTopicKind::bridge_other, ""},
  };
  for (const Case& c : cases) {
    auto t = topics.classify(c.topic);
    ASSERT_TRUE(t) << c.topic;
    EXPECT_EQ(t->kind, c.kind) << c.topic << " read as " << static_cast<int>(t->kind);
    EXPECT_EQ(t->friendly_name, c.name) << c.topic;
  }
  auto response = topics.classify("zigbee2mqtt/bridge/response/health_check");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->kind, Z2mTopicKind::bridge_other);
  EXPECT_EQ(response->subtopic, "response/health_check");
}

TEST(Z2mTopics, FriendlyNamesMayContainSlashes) {
  const Z2mTopics topics;
  auto state = topics.classify("zigbee2mqtt/kitchen/floor_light");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->kind, Z2mTopicKind::device);
  EXPECT_EQ(state->friendly_name, "kitchen/floor_light");
  auto availability = topics.classify("zigbee2mqtt/house/front/door lock/availability");
  ASSERT_TRUE(availability);
  EXPECT_EQ(availability->kind, Z2mTopicKind::device_availability);
  EXPECT_EQ(availability->friendly_name, "house/front/door lock");
  auto set_attr = topics.classify("zigbee2mqtt/a/b/set/state");
  ASSERT_TRUE(set_attr);
  EXPECT_EQ(set_attr->kind, Z2mTopicKind::device_set);
  EXPECT_EQ(set_attr->friendly_name, "a/b");
  EXPECT_EQ(set_attr->subtopic, "state");
}

TEST(Z2mTopics, CustomBaseTopicIsHonouredAndForeignTopicsAreNotOurs) {
  const Z2mTopics topics("z2m-reg");
  EXPECT_EQ(topics.base(), "z2m-reg");
  auto lock = topics.classify("z2m-reg/Behind upgraded hub");
  ASSERT_TRUE(lock);
  EXPECT_EQ(lock->kind, Z2mTopicKind::device);
  EXPECT_EQ(lock->friendly_name, "Behind upgraded hub");
  auto logging = topics.classify("z2m-reg/bridge/logging");
  ASSERT_TRUE(logging);
  EXPECT_EQ(logging->kind, Z2mTopicKind::bridge_logging);
  EXPECT_FALSE(topics.classify("zigbee2mqtt/Front door"));
  EXPECT_FALSE(topics.classify("z2m-regular/Front door"));
  EXPECT_FALSE(topics.classify("z2m-reg"));
  EXPECT_FALSE(topics.classify("z2m-reg/"));
  auto empty_name = topics.classify("z2m-reg//availability");
  ASSERT_TRUE(empty_name);
  EXPECT_EQ(empty_name->kind, Z2mTopicKind::other);
}

// --- device payloads: research notes 1.2, verbatim --------------------------------

TEST(Z2mDevice, KwiksetManualUnlockDecodesEveryField) {
  // https://github.com/Koenkk/zigbee2mqtt/issues/22779: the action says
  // manual_unlock while the state is still locked.
  auto d = decode_z2m_device(
      R"({"action":"manual_unlock","action_source":2,"action_source_name":"manual","action_user":65535,"battery":70,"last_seen":"2025-08-07T22:10:54+00:00","linkquality":112,"lock_state":"locked","sound_volume":"silent_mode","state":"LOCK","voltage":5000})");
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->action, "manual_unlock");
  EXPECT_EQ(d->action_source, 2);
  EXPECT_EQ(d->action_source_name, "manual");
  EXPECT_EQ(d->action_user, 65535);
  EXPECT_EQ(d->battery, 70.0);
  ASSERT_TRUE(d->last_seen);
  EXPECT_EQ(to_epoch_ms(*d->last_seen), 1'754'604'654'000);
  EXPECT_EQ(d->linkquality, 112);
  EXPECT_EQ(d->lock_state, LockState::locked);
  EXPECT_EQ(d->state, Z2mStateWord::lock);
  EXPECT_EQ(d->voltage_mv, 5000);
  EXPECT_EQ(d->sound_volume, core::SoundVolume::silent);
  EXPECT_FALSE(d->auto_relock_time);

  const Z2mLockView view = to_lock_view(*d, from_epoch_ms(1'800'000'000'000));
  EXPECT_EQ(view.lock_state, LockState::locked);
  EXPECT_EQ(view.telemetry.ts, *d->last_seen) << "last_seen stamps the telemetry";
  EXPECT_EQ(view.telemetry.battery_pct, 70);
  EXPECT_EQ(view.telemetry.battery_mv, 5000);
  EXPECT_FALSE(view.telemetry.rssi_dbm) << "LQI is not an RSSI";
  EXPECT_EQ(view.linkquality, 112);
  ASSERT_TRUE(view.action);
  EXPECT_EQ(view.action->operation, core::LockAction::unlock);
  EXPECT_EQ(view.action->source, OperationSource::manual);
  EXPECT_FALSE(view.action->alarm);
}

TEST(Z2mDevice, IdLockManualLockIsFollowedByAnEmptyActionThatReadsAsAbsent) {
  // https://github.com/Koenkk/zigbee-herdsman-converters/issues/2456
  auto first = decode_z2m_device(
      R"({"action":"manual_lock","action_source":2,"action_source_name":"manual","action_user":0,"battery":55,"linkquality":81,"lock_state":"unlocked","state":"UNLOCK"})");
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first->action, "manual_lock");
  EXPECT_EQ(first->action_user, 0);
  auto second = decode_z2m_device(
      R"({"action":"","battery":55,"linkquality":81,"lock_state":"unlocked","state":"UNLOCK"})");
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_FALSE(second->action);
  EXPECT_FALSE(to_lock_view(*second, {}).action);
}

TEST(Z2mDevice, RfUnlockArrivesBeforeTheStateReport) {
  // https://github.com/Koenkk/zigbee2mqtt/issues/11713
  auto d = decode_z2m_device(
      R"({"action":"unlock","action_source":1,"action_source_name":"rf","action_user":65535,"battery":95,"linkquality":138,"lock_state":"locked","state":"LOCK"})");
  ASSERT_TRUE(d) << d.error().to_string();
  const Z2mLockView view = to_lock_view(*d, from_epoch_ms(1'700'000'000'000));
  EXPECT_EQ(view.lock_state, LockState::locked);
  ASSERT_TRUE(view.action);
  EXPECT_EQ(view.action->operation, core::LockAction::unlock);
  EXPECT_EQ(view.action->source, OperationSource::remote);
  EXPECT_EQ(to_epoch_ms(view.telemetry.ts), 1'700'000'000'000) << "no last_seen: the receive time";
}

TEST(Z2mDevice, YaleBounceAndYmc420PayloadsDecode) {
  // https://github.com/itavero/homebridge-z2m/issues/358 and
  // https://github.com/Koenkk/zigbee2mqtt/issues/8946
  for (
      std::string_view p : {
          std::string_view(
              R"({"action":"unlock","action_source":1,"action_source_name":"rf","action_user":65535,"battery":100,"linkquality":193,"lock_state":"locked","state":"LOCK"})"),
          std::string_view(R"({"battery":100,"linkquality":189,"lock_state":"unlocked","state":"UNLOCK"})"),
          std::string_view(R"({"battery":88,"linkquality":92,"lock_state":"unlocked","state":"UNLOCK"})"),
      }) {
    auto d = decode_z2m_device(p);
    ASSERT_TRUE(d) << p << ": " << d.error().to_string();
    EXPECT_TRUE(d->battery && d->linkquality && d->lock_state && d->state) << p;
  }
}

TEST(Z2mDevice, YaleKeypadPayloadReadsNullsAsAbsent) {
  // https://github.com/Koenkk/zigbee2mqtt/issues/12230
  auto d = decode_z2m_device(
      R"({"battery":100,"linkquality":255,"lock_state":"unlocked","state":"UNLOCK","action":null,"action_source":0,"action_source_name":null,"action_source_user":null,"action_user":2})");
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_FALSE(d->action);
  EXPECT_FALSE(d->action_source_name);
  EXPECT_EQ(d->action_source, 0);
  EXPECT_EQ(d->action_user, 2);
  EXPECT_EQ(d->linkquality, 255);
}

TEST(Z2mDevice, DanalockWithoutLockStateFallsBackToTheStateWord) {
  // https://github.com/Koenkk/zigbee2mqtt/issues/1968
  auto d = decode_z2m_device(R"({"battery":91,"linkquality":5,"battery_low":false,"state":"UNLOCK"})");
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_FALSE(d->lock_state);
  const Z2mLockView view = to_lock_view(*d, {});
  EXPECT_EQ(view.lock_state, LockState::unlocked);
  EXPECT_EQ(view.battery_low, false);
  EXPECT_EQ(view.linkquality, 5);
}

TEST(Z2mDevice, OtaUpdateObjectsOf1xAnd2xDecode) {
  auto updating = decode_z2m_device(R"({"update":{"state":"updating","progress":13.37,"remaining":219}})");
  ASSERT_TRUE(updating) << updating.error().to_string();
  ASSERT_TRUE(updating->update);
  EXPECT_EQ(updating->update->state, Z2mUpdateState::updating);
  EXPECT_DOUBLE_EQ(updating->update->progress_pct.value_or(0), 13.37);
  EXPECT_EQ(updating->update->remaining_s, 219);
  auto idle = decode_z2m_device(
      R"({"update":{"installed_version":58,"latest_release_notes":null,"latest_source":"https://raw.githubusercontent.com/Koenkk/zigbee-OTA/master/images/x.ota","latest_version":54,"state":"idle"}})");
  ASSERT_TRUE(idle) << idle.error().to_string();
  EXPECT_EQ(idle->update->state, Z2mUpdateState::idle);
  EXPECT_EQ(idle->update->installed_version, 58);
  EXPECT_EQ(idle->update->latest_version, 54);
  auto danalock = decode_z2m_device(
      R"({"update":{"state":"available","installed_version":285212692,"latest_version":285474816},"update_available":true})");
  ASSERT_TRUE(danalock) << danalock.error().to_string();
  EXPECT_EQ(danalock->update->latest_version, 285'474'816);
  EXPECT_EQ(danalock->update_available, true);
}

TEST(Z2mDevice, HalvedBatteryPercentIsKeptAndRoundedInTheView) {
  auto d = decode_z2m_device(R"({"battery":70.5,"voltage":2950.4})");
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_DOUBLE_EQ(*d->battery, 70.5);
  EXPECT_EQ(d->voltage_mv, 2950);
  EXPECT_EQ(to_lock_view(*d, {}).telemetry.battery_pct, 71);
}

TEST(Z2mDevice, LastSeenAcceptsUtcWithFractionOffsetsAndEpochMs) {
  auto utc = decode_z2m_device(R"({"last_seen":"2019-10-20T08:45:22.123Z"})");
  ASSERT_TRUE(utc) << utc.error().to_string();
  EXPECT_EQ(to_epoch_ms(*utc->last_seen), 1'571'561'122'123);
  auto offset = decode_z2m_device(R"({"last_seen":"2024-03-01T12:00:00-05:00"})");
  ASSERT_TRUE(offset) << offset.error().to_string();
  EXPECT_EQ(to_epoch_ms(*offset->last_seen), 1'709'312'400'000);
  auto epoch = decode_z2m_device(R"({"last_seen":1571561122123})");
  ASSERT_TRUE(epoch) << epoch.error().to_string();
  EXPECT_EQ(to_epoch_ms(*epoch->last_seen), 1'571'561'122'123);
}

// --- device payloads: what the simulator publishes ----------------------------------

TEST(Z2mDevice, SimulatorReportBecomesZigbeeTelemetry) {
  auto d = decode_z2m_device(
      R"({"battery":87,"linkquality":140,"lock_state":"locked","state":"LOCK","voltage":5712})");
  ASSERT_TRUE(d) << d.error().to_string();
  const Z2mLockView view = to_lock_view(*d, from_epoch_ms(1'700'000'000'000));
  EXPECT_EQ(view.lock_state, LockState::locked);
  EXPECT_EQ(view.telemetry.battery_pct, 87);
  EXPECT_EQ(view.telemetry.battery_mv, 5712);
  EXPECT_EQ(view.telemetry.transport, core::Transport::zigbee);
  EXPECT_EQ(view.linkquality, 140);
}

TEST(Z2mDevice, SimulatorJamReadsAsJammedFromTheDoorState) {
  auto d =
      decode_z2m_device(R"({"door_state":"error_jammed","lock_state":"not_fully_locked","state":"UNLOCK"})");
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->door_state, DoorState::jammed);
  EXPECT_EQ(d->lock_state, LockState::not_fully_locked);
  EXPECT_EQ(to_lock_view(*d, {}).lock_state, LockState::jammed);
}

TEST(Z2mDevice, SimulatorFailedKeypadEntryIsAWrongCodeAlarm) {
  // The simulator writes lockwarden's own lock_state names on events.
  auto d = decode_z2m_device(
      R"({"action":"unlock_failure_invalid_pin_or_id","action_source_name":"keypad","action_user":17,"battery":80,"linkquality":120,"lock_state":"jammed","state":"UNLOCK"})");
  ASSERT_TRUE(d) << d.error().to_string();
  EXPECT_EQ(d->lock_state, LockState::jammed);
  const Z2mLockView view = to_lock_view(*d, {});
  ASSERT_TRUE(view.action);
  EXPECT_EQ(view.action->alarm, "wrong_code");
  EXPECT_EQ(view.action->operation, core::LockAction::unlock);
  EXPECT_EQ(view.action->source, OperationSource::keypad);
}

TEST(Z2mDevice, VendorAndGenericActionsMapToTheSameOperations) {
  auto generic = interpret_z2m_action("unlock", "keypad");
  auto vendor = interpret_z2m_action("keypad_unlock", std::nullopt);
  ASSERT_TRUE(generic && vendor);
  EXPECT_EQ(generic->operation, vendor->operation);
  EXPECT_EQ(generic->source, OperationSource::keypad);
  EXPECT_EQ(vendor->source, OperationSource::keypad);
  EXPECT_EQ(interpret_z2m_action("auto_lock", std::nullopt)->source, OperationSource::auto_relock);
  EXPECT_EQ(interpret_z2m_action("zigbee_unlock", std::nullopt)->source, OperationSource::remote);
  EXPECT_EQ(interpret_z2m_action("unlock", "fingerprint")->source, OperationSource::unknown);
  EXPECT_EQ(interpret_z2m_action("lock_failure_invalid_schedule", "keypad")->alarm, "outside_schedule");
  EXPECT_FALSE(interpret_z2m_action("pin_code_added", std::nullopt));
  EXPECT_FALSE(interpret_z2m_action("single", std::nullopt));
}

TEST(Z2mDevice, MalformedPayloadsGiveErrorsThatNameTheField) {
  struct Case {
    std::string_view payload;
    std::string_view error;
  };
  const std::vector<Case> cases = {
      {R"({"linkquality":300})", "device.linkquality: must be an integer 0..255"},
      {R"({"linkquality":-1})", "device.linkquality: must be an integer 0..255"},
      {R"({"battery":"70"})", "device.battery: must be a number 0..100"},
      {R"({"battery":101})", "device.battery: must be a number 0..100"},
      {R"({"voltage":70000})", "device.voltage: must be a number 0..65535"},
      {R"({"state":"ON"})", "device.state: must be one of LOCK, UNLOCK"},
      {R"({"door_state":"ajar"})",
       "device.door_state: must be one of open, closed, error_jammed, error_forced_open, error_unspecified, "
       "undefined"},
      {R"({"action_user":70000})", "device.action_user: must be an integer 0..65535"},
      {R"({"battery_low":"no"})", "device.battery_low: must be true or false"},
      {R"({"update":{"state":"done"}})",
       "device.update.state: must be one of idle, available, updating, scheduled"},
      {R"({"update":{"progress":140}})", "device.update.progress: must be a number 0..100"},
      {R"({"update":"idle"})", "device.update: must be a JSON object"},
      {R"({"last_seen":"2025-08-07T22:10:54"})",
       "device.last_seen: must be ISO 8601 with a zone, or ms since the Unix epoch"},
      {R"({"last_seen":"yesterday"})",
       "device.last_seen: must be ISO 8601 with a zone, or ms since the Unix epoch"},
      {R"({"battery":70)", "device: not valid JSON"},
      {R"([{"battery":70}])", "device: must be a JSON object"},
  };
  for (const Case& c : cases) {
    auto d = decode_z2m_device(c.payload);
    ASSERT_FALSE(d) << c.payload;
    EXPECT_EQ(d.error().code, ErrorCode::invalid_argument);
    EXPECT_EQ(error_of(d.error()), c.error) << c.payload;
  }
  auto bad_lock_state = decode_z2m_device(R"({"lock_state":"open"})");
  ASSERT_FALSE(bad_lock_state);
  EXPECT_TRUE(bad_lock_state.error().message.starts_with("device.lock_state: must be one of "));
}

// --- availability, bridge state, action -----------------------------------------------

TEST(Z2mAvailability, AcceptsThe2xJsonAndThe1xPlainForms) {
  EXPECT_EQ(decode_z2m_availability(R"({"state":"online"})").value_or(false), true);
  EXPECT_EQ(decode_z2m_availability(R"({"state":"offline"})").value_or(true), false);
  EXPECT_EQ(decode_z2m_availability("online").value_or(false), true);
  EXPECT_EQ(decode_z2m_availability("offline\n").value_or(true), false);
  EXPECT_EQ(decode_z2m_availability(R"("online")").value_or(false), true);
}

TEST(Z2mAvailability, RejectsAnythingElseNamingTheField) {
  auto wrong_word = decode_z2m_availability(R"({"state":"gone"})");
  ASSERT_FALSE(wrong_word);
  EXPECT_EQ(error_of(wrong_word.error()), "availability.state: must be one of online, offline");
  auto missing = decode_z2m_availability("{}");
  ASSERT_FALSE(missing);
  EXPECT_EQ(error_of(missing.error()), "availability.state: missing");
  auto plain = decode_z2m_availability("maybe");
  ASSERT_FALSE(plain);
  EXPECT_TRUE(plain.error().message.starts_with("availability: must be online or offline"));
}

TEST(Z2mBridgeState, AcceptsBothFormsAsTheSimulatorAndZ2m1xSendThem) {
  EXPECT_EQ(decode_z2m_bridge_state(R"({"state":"online"})").value_or(false), true);
  EXPECT_EQ(decode_z2m_bridge_state(R"({"state":"offline"})").value_or(true), false);
  EXPECT_EQ(decode_z2m_bridge_state("offline").value_or(true), false);
  auto bad = decode_z2m_bridge_state(R"({"state":1})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(error_of(bad.error()), "bridge_state.state: must be one of online, offline");
}

TEST(Z2mAction, PlainActionTopicCarriesTheActionWord) {
  EXPECT_EQ(decode_z2m_action("manual_unlock").value_or(std::nullopt), "manual_unlock");
  auto empty = decode_z2m_action("");
  ASSERT_TRUE(empty);
  EXPECT_FALSE(*empty);
  EXPECT_FALSE(decode_z2m_action("a\x01"));
}

// --- bridge/info ------------------------------------------------------------------

TEST(Z2mBridgeInfo, SimulatorPayloadDecodes) {
  auto info = decode_z2m_bridge_info(
      R"({"version":"1.41.0","coordinator":{"type":"zStack3x0"},"network":{"channel":15,"pan_id":6754},"permit_join":false})");
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_EQ(info->version, "1.41.0");
  EXPECT_EQ(info->coordinator_type, "zStack3x0");
  EXPECT_FALSE(info->coordinator_revision);
  EXPECT_EQ(info->channel, 15);
  EXPECT_EQ(info->pan_id, 6754);
  EXPECT_EQ(info->permit_join, false);
}

TEST(Z2mBridgeInfo, DocExampleGivesTheCoordinatorRevision) {
  // Koenkk/zigbee2mqtt.io mqtt_topics_and_messages.md, without its comments and "{...}".
  auto info = decode_z2m_bridge_info(R"({
    "version":"1.13.0-dev", "commit":"772f6c0",
    "coordinator":{"ieee_address":"0x12345678abcdef01","type":"zStack30x",
      "meta":{"revision":20190425, "transportrev":2, "product":2, "majorrel":2, "minorrel":7, "maintrel":2}},
    "network":{"channel":15,"pan_id":5674,"extended_pan_id":[0,11,22]},
    "log_level":"debug", "permit_join":true, "permit_join_timeout":10,
    "config":{"homeassistant":false,"advanced":{"last_seen":"ISO_8601"}}, "restart_required":false})");
  ASSERT_TRUE(info) << info.error().to_string();
  EXPECT_EQ(info->commit, "772f6c0");
  EXPECT_EQ(info->coordinator_type, "zStack30x");
  EXPECT_EQ(info->coordinator_revision, "20190425");
  EXPECT_EQ(info->coordinator_ieee_address, "0x12345678abcdef01");
  EXPECT_EQ(info->restart_required, false);
  auto ember = decode_z2m_bridge_info(
      R"({"version":"2.1.3","coordinator":{"type":"ember","meta":{"revision":"7.4.1 [GA]"}}})");
  ASSERT_TRUE(ember) << ember.error().to_string();
  EXPECT_EQ(ember->coordinator_revision, "7.4.1 [GA]");
}

TEST(Z2mBridgeInfo, TheJoinWindowAndNetworkIdentifiersOfBothMajorVersions) {
  auto v1 = decode_z2m_bridge_info(
      R"({"version":"1.32.2","network":{"channel":11,"pan_id":6754,"extended_pan_id":[221,221,221,221,221,221,221,221]},)"
      R"("permit_join":true,"permit_join_timeout":10})");
  ASSERT_TRUE(v1) << v1.error().to_string();
  EXPECT_EQ(v1->permit_join_timeout_s, 10);
  EXPECT_EQ(v1->extended_pan_id, "dddddddddddddddd");
  EXPECT_TRUE(z2m_default_network(*v1));
  EXPECT_EQ(z2m_major_version(v1->version), 1);
  auto v2 = decode_z2m_bridge_info(
      R"({"version":"2.1.3-dev","network":{"channel":25,"pan_id":6754,"extended_pan_id":"0x3BD7C5A2E1F40096"},)"
      R"("permit_join":true,"permit_join_end":1733334455000})");
  ASSERT_TRUE(v2) << v2.error().to_string();
  EXPECT_EQ(v2->permit_join_end_ms, 1733334455000);
  EXPECT_EQ(v2->extended_pan_id, "3bd7c5a2e1f40096");
  EXPECT_FALSE(z2m_default_network(*v2)) << "the default PAN id alone is no default key";
  EXPECT_EQ(z2m_major_version(v2->version), 2);
  EXPECT_FALSE(z2m_major_version("dev"));
  // The documentation's own example abbreviates it to 3 bytes: unknown, not a refusal.
  auto short_id = decode_z2m_bridge_info(R"({"version":"2.1.3","network":{"extended_pan_id":[0,11,22]}})");
  ASSERT_TRUE(short_id) << short_id.error().to_string();
  EXPECT_FALSE(short_id->extended_pan_id);
}

TEST(Z2mBridgeInfo, ErrorsNameTheField) {
  auto no_version = decode_z2m_bridge_info(R"({"coordinator":{"type":"zStack3x0"}})");
  ASSERT_FALSE(no_version);
  EXPECT_EQ(error_of(no_version.error()), "bridge_info.version: missing");
  auto channel = decode_z2m_bridge_info(R"({"version":"1.41.0","network":{"channel":99}})");
  ASSERT_FALSE(channel);
  EXPECT_EQ(error_of(channel.error()), "bridge_info.network.channel: must be an integer 0..26");
}

// --- bridge/event -----------------------------------------------------------------

TEST(Z2mBridgeEvent, DocExamplesDecode) {
  struct Case {
    std::string_view payload;
    Z2mBridgeEventType type;
    std::string_view name;
    std::optional<Z2mInterviewStatus> status;
  };
  const std::vector<Case> cases = {
      {R"({"type":"device_joined","data":{"friendly_name":"0x90fd9ffffe6494fc","ieee_address":"0x90fd9ffffe6494fc"}})",
       Z2mBridgeEventType::device_joined, "0x90fd9ffffe6494fc", std::nullopt},
      {R"({"type":"device_announce","data":{"friendly_name":"0x90fd9ffffe6494fc","ieee_address":"0x90fd9ffffe6494fc"}})",
       Z2mBridgeEventType::device_announce, "0x90fd9ffffe6494fc", std::nullopt},
      {R"({"type":"device_interview","data":{"friendly_name":"0x90fd9ffffe6494fc","status":"started","ieee_address":"0x90fd9ffffe6494fc"}})",
       Z2mBridgeEventType::device_interview, "0x90fd9ffffe6494fc", Z2mInterviewStatus::started},
      {R"({"type":"device_interview","data":{"friendly_name":"0x90fd9ffffe6494fc","status":"failed","ieee_address":"0x90fd9ffffe6494fc"}})",
       Z2mBridgeEventType::device_interview, "0x90fd9ffffe6494fc", Z2mInterviewStatus::failed},
      {R"({"type":"device_leave","data":{"ieee_address":"0x90fd9ffffe6494fc","friendly_name":"my_bulb"}})",
       Z2mBridgeEventType::device_leave, "my_bulb", std::nullopt},
      // The simulator's announce after a lock rejoins.
      {R"({"type":"device_announce","data":{"friendly_name":"Meshed lock","ieee_address":"0x1f2e3d4c5b6a7988"}})",
       Z2mBridgeEventType::device_announce, "Meshed lock", std::nullopt},
  };
  for (const Case& c : cases) {
    auto e = decode_z2m_bridge_event(c.payload);
    ASSERT_TRUE(e) << c.payload << ": " << e.error().to_string();
    EXPECT_EQ(e->type, c.type) << c.payload;
    EXPECT_EQ(e->friendly_name, c.name) << c.payload;
    EXPECT_EQ(e->interview_status, c.status) << c.payload;
  }
  auto success = decode_z2m_bridge_event(
      R"({"type":"device_interview","data":{"friendly_name":"0x90fd9ffffe6494fc","status":"successful","ieee_address":"0x90fd9ffffe6494fc","supported":true,"definition":{"model":"LED1624G9","vendor":"IKEA","description":"TRADFRI LED bulb E14/E26/E27 600 lumen, dimmable, color, opal white"}}})");
  ASSERT_TRUE(success) << success.error().to_string();
  EXPECT_EQ(success->supported, true);
  EXPECT_EQ(success->model, "LED1624G9");
  EXPECT_EQ(success->vendor, "IKEA");
}

TEST(Z2mBridgeEvent, OtherTypesPassAndBrokenDeviceEventsNameTheField) {
  auto renamed = decode_z2m_bridge_event(R"({"type":"device_renamed","data":{"from":"a","to":"b"}})");
  ASSERT_TRUE(renamed) << renamed.error().to_string();
  EXPECT_EQ(renamed->type, Z2mBridgeEventType::other);
  EXPECT_EQ(renamed->type_name, "device_renamed");
  struct Case {
    std::string_view payload;
    std::string_view error;
  };
  const std::vector<Case> cases = {
      {R"({"data":{}})", "bridge_event.type: missing"},
      {R"({"type":"device_leave"})", "bridge_event.data: missing"},
      {R"({"type":"device_joined","data":{"friendly_name":"x"}})", "bridge_event.data.ieee_address: missing"},
      {R"({"type":"device_joined","data":{"friendly_name":"x","ieee_address":"0x90fd"}})",
       "bridge_event.data.ieee_address: must be 0x and 16 hex digits"},
      {R"({"type":"device_interview","data":{"friendly_name":"x","ieee_address":"0x90fd9ffffe6494fc"}})",
       "bridge_event.data.status: missing"},
  };
  for (const Case& c : cases) {
    auto e = decode_z2m_bridge_event(c.payload);
    ASSERT_FALSE(e) << c.payload;
    EXPECT_EQ(error_of(e.error()), c.error) << c.payload;
  }
}

// --- bridge/logging ---------------------------------------------------------------

TEST(Z2mLogging, SimulatorPublishFailureNamesTheLockAndTheMacStatus) {
  auto line = decode_z2m_bridge_logging(
      R"({"level":"error","message":"Publish 'set' 'state' to 'Behind upgraded hub' failed: 'Error: Data request failed with error: 'MAC no ack' (233)'"})");
  ASSERT_TRUE(line) << line.error().to_string();
  EXPECT_EQ(line->level, "error");
  EXPECT_EQ(line->kind, Z2mLogKind::publish_failed);
  EXPECT_EQ(line->device, "Behind upgraded hub");
  EXPECT_EQ(line->mac_status, 233);
  EXPECT_EQ(line->status_name, "MAC no ack");
  EXPECT_FALSE(line->timed_out);
}

TEST(Z2mLogging, ResearchFailureLinesGiveDeviceStatusAndTimeOut) {
  struct Case {
    std::string_view message;
    Z2mLogKind kind;
    std::optional<std::string> device;
    std::optional<int> mac_status;
    std::optional<std::string> status_name;
    bool timed_out;
  };
  const std::vector<Case> cases = {
      {"Publish 'set' 'state' to '0x000b57fffe59da21' failed: 'Error: Data request failed with error: 'MAC "
       "transaction expired' (240)'",
       Z2mLogKind::publish_failed, "0x000b57fffe59da21", 240, "MAC transaction expired", false},
      {R"(Publish 'get' 'state' to 'Main Door Lock' failed: 'Error: Read 0x000b57fffe59d3d5/1 closuresDoorLock(["lockState"], {"timeout":10000,...}) failed (Data request failed with error: 'MAC no ack' (233))')",
       Z2mLogKind::publish_failed, "Main Door Lock", 233, "MAC no ack", false},
      {R"(Publish 'set' 'state' to 'Main Door Lock' failed: 'Error: Command 0x000b57fffe59d3d5/1 closuresDoorLock.unlockDoor({"pincodevalue":""}, {"timeout":10000,...}) failed (Timeout - 7966 - 1 - 12 - 257 - 1 after 10000ms)')",
       Z2mLogKind::publish_failed, "Main Door Lock", std::nullopt, std::nullopt, true},
      {R"(Publish 'set' 'state' to 'backdoorlock' failed: 'Error: Command 0x002446fffd01e4f3/2 closuresDoorLock.lockDoor({"pincodevalue":""}, {"timeout":6000,"manufacturerCode":null,"disableDefaultResponse":true}) failed (Error: AREQ - AF - dataConfirm after 3000ms)')",
       Z2mLogKind::publish_failed, "backdoorlock", std::nullopt, std::nullopt, true},
      {"Publish 'set' 'state' to '0x7cb03eaa0a01b20d' failed: 'Error: Data request failed with error: 'MAC "
       "channel access failure' (225)'",
       Z2mLogKind::publish_failed, "0x7cb03eaa0a01b20d", 225, "MAC channel access failure", false},
      {"Error: Data request failed with error: 'No network route' (205)", Z2mLogKind::other, std::nullopt,
       205, "No network route", false},
      {"SRSP - AF - dataRequest after 6000ms", Z2mLogKind::other, std::nullopt, std::nullopt, std::nullopt,
       true},
      {"Failed to configure 'wohnungstuer', attempt 1 (Error: Bind 0x000b57fffe59ce99/1 closuresDoorLock "
       "from "
       "'0x00124b001caabc06/1' failed (Error: AREQ - ZDO - bindRsp after 10000ms))",
       Z2mLogKind::configure_failed, "wohnungstuer", std::nullopt, std::nullopt, true},
      {"Failed to interview '0x000b57fffe59cf4a', device has not successfully been paired",
       Z2mLogKind::interview_failed, "0x000b57fffe59cf4a", std::nullopt, std::nullopt, false},
      {"Adapter disconnected, stopping", Z2mLogKind::adapter_disconnected, std::nullopt, std::nullopt,
       std::nullopt, false},
      {"Failed to ping 'Front door' (attempt 1/2, Timeout)", Z2mLogKind::ping_failed, "Front door",
       std::nullopt, std::nullopt, true},
      {"Successfully pinged 'Front door' (attempt 1/2)", Z2mLogKind::ping_succeeded, "Front door",
       std::nullopt, std::nullopt, false},
      {"Passive device 'Front door' was last seen '25.01' hours ago.", Z2mLogKind::last_seen, "Front door",
       std::nullopt, std::nullopt, false},
      {"Device 'kitchen/door' reconnected", Z2mLogKind::reconnected, "kitchen/door", std::nullopt,
       std::nullopt, false},
      {"Failed to read state of 'Front door' after reconnect (Error: x)",
       Z2mLogKind::read_after_reconnect_failed, "Front door", std::nullopt, std::nullopt, false},
      {"Zigbee: allowing new devices to join.", Z2mLogKind::other, std::nullopt, std::nullopt, std::nullopt,
       false},
  };
  for (const Case& c : cases) {
    const Z2mLogLine line = read_z2m_log_message("error", std::string(c.message));
    EXPECT_EQ(line.kind, c.kind) << c.message << " read as " << to_string(line.kind);
    EXPECT_EQ(line.device, c.device) << c.message;
    EXPECT_EQ(line.mac_status, c.mac_status) << c.message;
    EXPECT_EQ(line.status_name, c.status_name) << c.message;
    EXPECT_EQ(line.timed_out, c.timed_out) << c.message;
  }
}

TEST(Z2mLogging, Legacy1xBridgeLogTakesTheDeviceFromMeta) {
  auto line = decode_z2m_bridge_logging(
      R"json({"type":"zigbee_publish_error","message":"Error: Data request failed with error: 'MAC transaction expired' (240)","meta":{"friendly_name":"0x680ae2fffe7b5e49"}})json");
  ASSERT_TRUE(line) << line.error().to_string();
  EXPECT_EQ(line->level, "error");
  EXPECT_EQ(line->device, "0x680ae2fffe7b5e49");
  EXPECT_EQ(line->mac_status, 240);
}

TEST(Z2mLogging, MissingFieldsAreNamed) {
  auto no_message = decode_z2m_bridge_logging(R"({"level":"info"})");
  ASSERT_FALSE(no_message);
  EXPECT_EQ(error_of(no_message.error()), "bridge_logging.message: missing");
  auto no_level = decode_z2m_bridge_logging(R"({"message":"x"})");
  ASSERT_FALSE(no_level);
  EXPECT_EQ(error_of(no_level.error()), "bridge_logging.level: missing");
  auto doc =
      decode_z2m_bridge_logging(R"({"level": "info", "message": "Zigbee: allowing new devices to join."})");
  ASSERT_TRUE(doc) << doc.error().to_string();
  EXPECT_EQ(doc->kind, Z2mLogKind::other);
  EXPECT_FALSE(doc->device);
}

// --- bridge/devices ---------------------------------------------------------------

constexpr std::string_view kDevices = R"json([
  {"ieee_address":"0x00158d00018255df","type":"Router","network_address":29159,"supported":true,
   "friendly_name":"my_plug",
   "endpoints":{"1":{"bindings":[],"configured_reportings":[],"clusters":{"input":["genOnOff","genBasic"],"output":[]}}},
   "definition":{"model":"ZNCZ02LM","vendor":"Xiaomi","description":"Mi power plug ZigBee","options":[],
     "exposes":[{"type":"switch","features":[{"type":"binary","name":"state","property":"state"}]}]},
   "power_source":"Mains (single phase)","date_code":"02-28-2017","model_id":"lumi.plug","scenes":[],
   "interviewing":false,"interview_completed":true},
  {"ieee_address":"0x000b57fffe59d3d5","type":"EndDevice","network_address":7966,"supported":true,
   "friendly_name":"house/Main Door Lock",
   "definition":{"model":"V3-BTZB","vendor":"Danalock","description":"BT/ZB smartlock","options":[],
     "exposes":[{"type":"lock","features":[
        {"type":"binary","name":"state","property":"state","value_on":"LOCK","value_off":"UNLOCK"},
        {"type":"enum","name":"lock_state","property":"lock_state","values":["not_fully_locked","locked","unlocked"]}]},
       {"type":"numeric","name":"battery","property":"battery","unit":"%"},
       {"type":"numeric","name":"linkquality","property":"linkquality"}]},
   "power_source":"Battery","model_id":"V3-BTZB","interviewing":false,"interview_completed":true},
  {"ieee_address":"0x00169a00022256da","type":"Router","network_address":22160,"supported":false,
   "friendly_name":"my_sensor","definition":null,"power_source":"Battery","date_code":"04-28-2019",
   "model_id":null,"scenes":[],"interviewing":false,"interview_completed":true},
  {"ieee_address":"0x00124b00120144ae","type":"Coordinator","network_address":0,"supported":false,
   "friendly_name":"Coordinator","definition":null,"power_source":null,"date_code":null,"scenes":[],
   "model_id":null,"interviewing":false,"interview_completed":true}
])json";

TEST(Z2mBridgeDevices, FindsTheBatteryLockAmongTheDocExampleDevices) {
  auto devices = decode_z2m_bridge_devices(kDevices);
  ASSERT_TRUE(devices) << devices.error().to_string();
  ASSERT_EQ(devices->size(), 4U);
  const Z2mDevice& plug = (*devices)[0];
  EXPECT_EQ(plug.type, Z2mDeviceType::router);
  EXPECT_FALSE(plug.is_lock);
  EXPECT_FALSE(plug.is_battery);
  EXPECT_EQ(plug.model, "ZNCZ02LM");
  const Z2mDevice& lock = (*devices)[1];
  EXPECT_EQ(lock.friendly_name, "house/Main Door Lock");
  EXPECT_EQ(lock.type, Z2mDeviceType::end_device);
  EXPECT_TRUE(lock.is_lock);
  EXPECT_TRUE(lock.is_battery);
  EXPECT_EQ(lock.vendor, "Danalock");
  EXPECT_EQ(lock.interview_completed, true);
  const Z2mDevice& sensor = (*devices)[2];
  EXPECT_FALSE(sensor.is_lock);
  EXPECT_TRUE(sensor.is_battery);
  EXPECT_FALSE(sensor.model);
  EXPECT_EQ((*devices)[3].type, Z2mDeviceType::coordinator);
  EXPECT_FALSE((*devices)[3].power_source);
}

TEST(Z2mBridgeDevices, ErrorsNameTheEntryAndField) {
  struct Case {
    std::string_view payload;
    std::string_view error;
  };
  const std::vector<Case> cases = {
      {R"({"devices":[]})", "bridge_devices: must be a JSON array"},
      {R"([{"ieee_address":"0x00124b00120144ae","type":"Coordinator","friendly_name":"Coordinator"},
           {"ieee_address":"0x00124b00120144af","type":"Sensor","friendly_name":"x"}])",
       "bridge_devices[1].type: must be one of Coordinator, Router, EndDevice, GreenPower, Unknown"},
      {R"([{"ieee_address":"00124b00120144ae","type":"Router","friendly_name":"x"}])",
       "bridge_devices[0].ieee_address: must be 0x and 16 hex digits"},
      {R"([{"ieee_address":"0x00124b00120144ae","type":"Router"}])",
       "bridge_devices[0].friendly_name: missing"},
      {R"([{"ieee_address":"0x00124b00120144ae","type":"Router","friendly_name":"x","definition":{"exposes":{}}}])",
       "bridge_devices[0].definition.exposes: must be a JSON array"},
      {R"([7])", "bridge_devices[0]: must be a JSON object"},
  };
  for (const Case& c : cases) {
    auto d = decode_z2m_bridge_devices(c.payload);
    ASSERT_FALSE(d) << c.payload;
    EXPECT_EQ(error_of(d.error()), c.error) << c.payload;
  }
}

// lock_pin_code_response and lock_set_pin_code_response (zigbee-herdsman-converters
// fromZigbee): users by id, the PIN only with expose_pin; Date.now() of the last save.
TEST(Z2mDevice, PinSlotsAndTheLastSaveAndClearAreRead) {
  auto r = decode_z2m_device(
      R"({"last_successful_pincode_save":1733260800123,"last_successful_pincode_clear":1733260700000,)"
      R"("users":{"1":{"status":"enabled","pin_code":"0482"},"2":{"status":"available"},)"
      R"("3":{"status":"disabled"},"4":{"status":"not_supported_2"}}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->pincode_saved_ms, 1733260800123);
  EXPECT_EQ(r->pincode_cleared_ms, 1733260700000);
  ASSERT_EQ(r->users.size(), 4U);
  EXPECT_TRUE(r->users.at(1).occupied());
  EXPECT_EQ(r->users.at(1).pin, "0482");
  EXPECT_FALSE(r->users.at(2).occupied());
  EXPECT_TRUE(r->users.at(3).occupied());
  EXPECT_FALSE(r->users.at(4).occupied());
  EXPECT_EQ(decode_z2m_device(R"({"users":{"x":{"status":"enabled"}}})").error().message,
            "device.users.x: must be a user id 0..65535 holding an object");
  EXPECT_EQ(decode_z2m_device(R"({"users":{"1":{"pin_code":"12"}}})").error().message,
            "device.users.1.status: missing");
}

}  // namespace
}  // namespace lw::protocol
