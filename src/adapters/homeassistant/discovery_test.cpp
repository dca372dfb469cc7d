#include "adapters/homeassistant/discovery.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <set>
#include <sstream>

namespace lw::adapters::homeassistant {
namespace {

namespace json = boost::json;

/// The topics of hub "home-hub" with the default prefixes.
Topics ha_topics() { return {"homeassistant", "lockwarden/ha", "home-hub"}; }
constexpr std::string_view kVersion = "0.1.0";

core::LockRecord front_door() {
  core::LockRecord lock;
  lock.id = "front";
  lock.site = "home";
  lock.name = "Front door";
  lock.transport = core::Transport::wifi;
  lock.firmware = "1.4.2";
  return lock;
}

json::object config_of(const std::vector<Message>& messages, std::string_view object) {
  for (const Message& m : messages) {
    if (m.topic.ends_with("/" + std::string(object) + "/config")) return json::parse(m.payload).as_object();
  }
  ADD_FAILURE() << "no config for " << object;
  return {};
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string("<missing>");
}

std::vector<std::string> availability_topics(const json::object& config) {
  std::vector<std::string> out;
  for (const json::value& a : config.at("availability").as_array()) {
    out.emplace_back(a.at("topic").as_string());
    EXPECT_EQ(a.at("payload_available").as_string(), "online");
    EXPECT_EQ(a.at("payload_not_available").as_string(), "offline");
  }
  return out;
}

TEST(HomeAssistantDiscovery, EveryEntityOfALockIsARetainedConfigUnderItsNode) {
  const auto messages = discovery_messages(ha_topics(), front_door(), {}, kVersion);
  std::vector<std::string> topics;
  for (const Message& m : messages) {
    EXPECT_TRUE(m.retain) << m.topic;
    topics.push_back(m.topic);
  }
  EXPECT_EQ(topics, (std::vector<std::string>{
                        "homeassistant/lock/lockwarden_front/lock/config",
                        "homeassistant/sensor/lockwarden_front/battery/config",
                        "homeassistant/sensor/lockwarden_front/battery_forecast/config",
                        "homeassistant/sensor/lockwarden_front/signal/config",
                        "homeassistant/binary_sensor/lockwarden_front/connectivity/config",
                        "homeassistant/sensor/lockwarden_front/diagnosis/config",
                        "homeassistant/binary_sensor/lockwarden_front/door/config",
                    }));
}

// The keys Home Assistant's MQTT lock reads (docs/integrations.md; home-assistant/core
// components/mqtt/lock.py): command_topic is required, the rest keep HA's defaults
// spelled out so the contract is visible in the config itself.
TEST(HomeAssistantDiscovery, LockConfigHasWhatHomeAssistantsMqttLockNeeds) {
  const json::object c = config_of(discovery_messages(ha_topics(), front_door(), {}, kVersion), "lock");
  EXPECT_EQ(str(c, "command_topic"), "lockwarden/ha/lock/front/set");
  EXPECT_EQ(str(c, "state_topic"), "lockwarden/ha/lock/front/lock");
  EXPECT_EQ(str(c, "json_attributes_topic"), "lockwarden/ha/lock/front/lock/attributes");
  EXPECT_EQ(str(c, "payload_lock"), "LOCK");
  EXPECT_EQ(str(c, "payload_unlock"), "UNLOCK");
  EXPECT_FALSE(c.contains("payload_open")) << "declaring it enables HA's open feature";
  EXPECT_EQ(str(c, "state_locked"), "LOCKED");
  EXPECT_EQ(str(c, "state_unlocked"), "UNLOCKED");
  EXPECT_EQ(str(c, "state_locking"), "LOCKING");
  EXPECT_EQ(str(c, "state_unlocking"), "UNLOCKING");
  EXPECT_EQ(str(c, "state_jammed"), "JAMMED");
  EXPECT_EQ(str(c, "state_open"), "OPEN");
  EXPECT_EQ(str(c, "state_opening"), "OPENING");
  EXPECT_EQ(str(c, "payload_reset"), "None");
  EXPECT_FALSE(c.at("optimistic").as_bool()) << "the state topic tells the truth";
  EXPECT_FALSE(c.at("retain").as_bool()) << "commands must never be retained";
  EXPECT_EQ(c.at("qos").as_int64(), 1);
  EXPECT_TRUE(c.at("name").is_null()) << "the lock is the device's main entity";
  EXPECT_EQ(str(c, "unique_id"), "lockwarden_front_lock");
  EXPECT_FALSE(c.contains("availability_topic")) << "not together with availability";
  EXPECT_EQ(availability_topics(c), (std::vector<std::string>{"lockwarden/ha/hub/home-hub/status",
                                                              "lockwarden/ha/lock/front/availability"}));
  EXPECT_EQ(str(c, "availability_mode"), "all");
  EXPECT_FALSE(c.contains("entity_category"));

  const json::object& device = c.at("device").as_object();
  EXPECT_EQ(json::serialize(device.at("identifiers")), R"(["lockwarden_front"])");
  EXPECT_EQ(str(device, "name"), "Front door");
  EXPECT_EQ(str(device, "manufacturer"), "lockwarden");
  EXPECT_EQ(str(device, "model"), "Wi-Fi lock");
  EXPECT_EQ(str(device, "sw_version"), "1.4.2");
  EXPECT_EQ(str(device, "via_device"), "lockwarden-hub_home-hub");
  const json::object& origin = c.at("origin").as_object();
  EXPECT_EQ(str(origin, "name"), "lockwarden");
  EXPECT_EQ(str(origin, "sw_version"), "0.1.0");
}

TEST(HomeAssistantDiscovery, ALockThatCanUnlatchDeclaresOpen) {
  const json::object c =
      config_of(discovery_messages(ha_topics(), front_door(), Traits{.unlatch = true}, kVersion), "lock");
  EXPECT_EQ(str(c, "payload_open"), "OPEN");
}

TEST(HomeAssistantDiscovery, SensorsHaveTheirDeviceClassUnitAndCategory) {
  const auto messages = discovery_messages(ha_topics(), front_door(), {}, kVersion);
  struct Expected {
    std::string_view object, device_class, unit, category;
  };
  for (const Expected& e : {
           Expected{"battery", "battery", "%", "diagnostic"},
           Expected{"battery_forecast", "timestamp", "<missing>", "diagnostic"},
           Expected{"signal", "signal_strength", "dBm", "diagnostic"},
           Expected{"connectivity", "connectivity", "<missing>", "diagnostic"},
           Expected{"diagnosis", "<missing>", "<missing>", "diagnostic"},
           Expected{"door", "door", "<missing>", "<missing>"},
       }) {
    const json::object c = config_of(messages, e.object);
    EXPECT_EQ(str(c, "device_class"), e.device_class) << e.object;
    EXPECT_EQ(str(c, "unit_of_measurement"), e.unit) << e.object;
    EXPECT_EQ(str(c, "entity_category"), e.category) << e.object;
    EXPECT_EQ(str(c, "state_topic"), "lockwarden/ha/lock/front/" + std::string(e.object)) << e.object;
    EXPECT_NE(str(c, "name"), "<missing>") << e.object;
  }
  EXPECT_EQ(str(config_of(messages, "door"), "payload_on"), "ON");
  EXPECT_EQ(str(config_of(messages, "connectivity"), "payload_off"), "OFF");
  EXPECT_EQ(str(config_of(messages, "battery"), "state_class"), "measurement");
}

TEST(HomeAssistantDiscovery, EntitiesShareOneDeviceEachWithItsOwnUniqueId) {
  const auto messages = discovery_messages(ha_topics(), front_door(), {}, kVersion);
  std::set<std::string> ids;
  const json::value device = config_of(messages, "lock").at("device");
  for (const Message& m : messages) {
    const json::object c = json::parse(m.payload).as_object();
    ids.insert(str(c, "unique_id"));
    EXPECT_EQ(c.at("device"), device) << m.topic;
    EXPECT_EQ(str(c.at("origin").as_object(), "name"), "lockwarden") << m.topic;
  }
  EXPECT_EQ(ids.size(), messages.size());
}

TEST(HomeAssistantDiscovery, LiveReadingsNeedTheLockWhileHealthFollowsTheHubAlone) {
  const auto messages = discovery_messages(ha_topics(), front_door(), {}, kVersion);
  for (std::string_view object : {"lock", "battery", "signal", "door"}) {
    const json::object c = config_of(messages, object);
    EXPECT_EQ(availability_topics(c).size(), 2U) << object;
    EXPECT_EQ(str(c, "availability_mode"), "all") << object;
  }
  for (std::string_view object : {"battery_forecast", "connectivity", "diagnosis"}) {
    const json::object c = config_of(messages, object);
    EXPECT_EQ(availability_topics(c), std::vector<std::string>{"lockwarden/ha/hub/home-hub/status"})
        << object;
    EXPECT_FALSE(c.contains("availability_mode")) << object;
  }
}

TEST(HomeAssistantDiscovery, UnknownFirmwareIsLeftOutAndANamelessLockShowsItsId) {
  core::LockRecord lock = front_door();
  lock.firmware.clear();
  lock.name.clear();
  lock.transport = core::Transport::zigbee;
  const json::object device =
      config_of(discovery_messages(ha_topics(), lock, {}, kVersion), "lock").at("device").as_object();
  EXPECT_FALSE(device.contains("sw_version"));
  EXPECT_EQ(str(device, "name"), "front");
  EXPECT_EQ(str(device, "model"), "Zigbee lock");
}

TEST(HomeAssistantDiscovery, HubIsTheDeviceLocksAreConnectedThrough) {
  const Message hub = hub_discovery_message(ha_topics(), kVersion);
  EXPECT_EQ(hub.topic, "homeassistant/binary_sensor/lockwarden-hub_home-hub/status/config");
  EXPECT_TRUE(hub.retain);
  const json::object c = json::parse(hub.payload).as_object();
  EXPECT_EQ(json::serialize(c.at("device").at("identifiers")), R"(["lockwarden-hub_home-hub"])");
  EXPECT_EQ(str(c, "state_topic"), "lockwarden/ha/hub/home-hub/status");
  EXPECT_EQ(str(c, "payload_on"), "online");
  EXPECT_EQ(str(c, "payload_off"), "offline");
  EXPECT_EQ(str(c, "device_class"), "connectivity");
  EXPECT_FALSE(c.contains("availability")) << "it shows the hub's status itself";

  EXPECT_EQ(hub_status_message(ha_topics(), true),
            (Message{"lockwarden/ha/hub/home-hub/status", "online", true}));
  EXPECT_EQ(hub_status_message(ha_topics(), false),
            (Message{"lockwarden/ha/hub/home-hub/status", "offline", true}));
}

TEST(HomeAssistantDiscovery, RemovalEmptiesEveryConfigAndStateTopicRetained) {
  const auto removal = removal_messages(ha_topics(), "front");
  std::set<std::string> topics;
  for (const Message& m : removal) {
    EXPECT_TRUE(m.payload.empty()) << m.topic;
    EXPECT_TRUE(m.retain) << m.topic;
    topics.insert(m.topic);
  }
  for (const Message& m : discovery_messages(ha_topics(), front_door(), {}, kVersion)) {
    EXPECT_TRUE(topics.contains(m.topic)) << m.topic;
  }
  EXPECT_TRUE(topics.contains("lockwarden/ha/lock/front/availability"));
  EXPECT_TRUE(topics.contains("lockwarden/ha/lock/front/diagnosis/attributes"));
  EXPECT_EQ(topics.size(), 7U + 1U + 11U);  // configs, availability, states and attributes
}

/// The ```json blocks of docs/integrations.md's "Home Assistant" section.
std::vector<json::value> doc_examples() {
  std::ifstream in(std::string(LW_SOURCE_DIR) + "/docs/integrations.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const auto start = doc.find("\n## Home Assistant");
  if (start == std::string::npos) return {};
  const auto end = doc.find("\n## ", start + 1);
  const std::string section = doc.substr(start, end == std::string::npos ? std::string::npos : end - start);
  std::vector<json::value> out;
  for (auto at = section.find("```json\n"); at != std::string::npos; at = section.find("```json\n", at)) {
    at += 8;
    const auto close = section.find("```", at);
    out.push_back(json::parse(section.substr(at, close - at)));
    at = close + 3;
  }
  return out;
}

TEST(HomeAssistantDiscovery, ConfigsAreTheExamplesOfTheDocs) {
  const Message hub = hub_discovery_message(ha_topics(), kVersion);
  std::vector<Message> configs = discovery_messages(ha_topics(), front_door(), {}, kVersion);
  configs.push_back(hub);
  int compared = 0;
  for (const json::value& example : doc_examples()) {
    if (!example.is_object() || !example.as_object().contains("unique_id")) continue;  // a state example
    const std::string id = str(example.as_object(), "unique_id");
    bool found = false;
    for (const Message& m : configs) {
      const json::value c = json::parse(m.payload);
      if (str(c.as_object(), "unique_id") != id) continue;
      found = true;
      EXPECT_EQ(c, example) << id << ": the code says\n" << m.payload;
    }
    EXPECT_TRUE(found) << id;
    ++compared;
  }
  EXPECT_GE(compared, 3) << "docs/integrations.md lost its Home Assistant config examples";
}

}  // namespace
}  // namespace lw::adapters::homeassistant
