#include "app/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/mosquitto_broker.h"

namespace lw::app {
namespace {

TEST(HubConfig, EmptyFileGivesTheDocumentedDefaults) {
  auto c = parse_hub_config("", "hub.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->mqtt.host, "127.0.0.1");
  EXPECT_EQ(c->mqtt.port, 1883);
  EXPECT_EQ(c->http.port, 8080);
  EXPECT_EQ(c->liveness.offline_phi, 8.0);
  EXPECT_EQ(c->commands.ttl, Duration{30s});
  EXPECT_EQ(c->store_path(), "./data/lockwarden.db");
  EXPECT_EQ(c->mqtt_client_id(), "lockwarden-hub-1");
}

TEST(HubConfig, SitesAndLocksAreRead) {
  auto c = parse_hub_config(R"(
[[site]]
id = "home"
name = "Our house"

[[lock]]
id = "front"
site = "home"
name = "Front door"
transport = "zigbee"
)",
                            "hub.toml");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->sites.size(), 1U);
  EXPECT_EQ(c->sites[0].name, "Our house");
  ASSERT_EQ(c->locks.size(), 1U);
  EXPECT_EQ(c->locks[0].transport, core::Transport::zigbee);
}

TEST(HubConfig, BadValueStopsStartUpNamingTheKey) {
  auto c = parse_hub_config("[liveness]\noffline_phi = 0\n", "hub.toml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "hub.toml:2:15: liveness.offline_phi: must be a number 0.1..50");
}

TEST(HubConfig, TheDoctorsSettleTimeIsReadAndBounded) {
  auto good = parse_hub_config("[doctor]\nsettle = \"5s\"\n", "hub.toml");
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(good->doctor.settle, 5s);
  auto bad = parse_hub_config("[doctor]\nsettle = \"0s\"\n", "hub.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("doctor.settle"), std::string::npos) << bad.error().message;
}

TEST(HubConfig, TheLivenessWatchIsOffUnlessSetAndIsBounded) {
  auto off = parse_hub_config("", "hub.toml");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(off->liveness.watch_after, Duration::zero());
  auto on = parse_hub_config("[liveness]\nwatch_after = \"15m\"\n", "hub.toml");
  ASSERT_TRUE(on) << on.error().message;
  EXPECT_EQ(on->liveness.watch_after, 15min);
  auto bad = parse_hub_config("[liveness]\nwatch_after = \"2d\"\n", "hub.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("liveness.watch_after"), std::string::npos) << bad.error().message;
}

TEST(HubConfig, ALocksAmbientTemperatureIsOptionalAndChecked) {
  auto none = parse_hub_config("[[lock]]\nid = \"a\"\nsite = \"s\"\n", "hub.toml");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE(none->locks.at(0).ambient_c.has_value());
  auto gate = parse_hub_config("[[lock]]\nid = \"gate\"\nsite = \"s\"\nambient_c = -5\n", "hub.toml");
  ASSERT_TRUE(gate) << gate.error().message;
  EXPECT_EQ(gate->locks.at(0).ambient_c, -5.0);
  auto bad = parse_hub_config("[[lock]]\nid = \"a\"\nsite = \"s\"\nambient_c = 120\n", "hub.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("lock[0].ambient_c"), std::string::npos) << bad.error().message;
}

TEST(HubConfig, ALocksBatteryChemistryIsReadAndCheckedByName) {
  auto good = parse_hub_config("[[lock]]\nid = \"a\"\nsite = \"s\"\nbattery = \"lithium\"\n", "hub.toml");
  ASSERT_TRUE(good) << good.error().message;
  EXPECT_EQ(good->locks.at(0).battery, "lithium");
  auto bad = parse_hub_config("[[lock]]\nid = \"a\"\nsite = \"s\"\nbattery = \"lipo\"\n", "hub.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("lock[0].battery: must be one of alkaline, lithium, nimh, unknown"),
            std::string::npos)
      << bad.error().message;
}

TEST(HubConfig, UnknownTransportIsNamedWithItsLock) {
  auto c = parse_hub_config("[[lock]]\nid = \"a\"\nsite = \"s\"\ntransport = \"lora\"\n", "hub.toml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("lock[0].transport: must be one of"), std::string::npos)
      << c.error().message;
}

TEST(HubConfig, TheBridgeIntegrationsAreOffUntilEnabledWithASite) {
  auto defaults = parse_hub_config("", "hub.toml");
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_FALSE(defaults->zigbee2mqtt.enabled);
  EXPECT_EQ(defaults->zigbee2mqtt.base_topic, "zigbee2mqtt");
  EXPECT_EQ(defaults->zigbee2mqtt.report_interval, 1h);
  EXPECT_FALSE(defaults->nuki.enabled);
  auto on = parse_hub_config(
      "[zigbee2mqtt]\nenabled = true\nbase_topic = \"z2m/house\"\nsite = \"house\"\nreport_interval = "
      "\"15m\"\n"
      "[nuki]\nenabled = true\nsite = \"flat\"\n",
      "hub.toml");
  ASSERT_TRUE(on) << on.error().message;
  EXPECT_TRUE(on->zigbee2mqtt.enabled);
  EXPECT_EQ(on->zigbee2mqtt.base_topic, "z2m/house");
  EXPECT_EQ(on->zigbee2mqtt.site, "house");
  EXPECT_EQ(on->zigbee2mqtt.report_interval, 15min);
  EXPECT_TRUE(on->nuki.enabled);
  EXPECT_EQ(on->nuki.site, "flat");
  auto no_site = parse_hub_config("[zigbee2mqtt]\nenabled = true\n", "hub.toml");
  ASSERT_FALSE(no_site);
  EXPECT_NE(no_site.error().message.find("zigbee2mqtt.site: must name the site of its locks"),
            std::string::npos)
      << no_site.error().message;
  auto wildcard = parse_hub_config("[zigbee2mqtt]\nbase_topic = \"z2m/#\"\n", "hub.toml");
  ASSERT_FALSE(wildcard);
  EXPECT_NE(wildcard.error().message.find("zigbee2mqtt.base_topic: must be a topic without wildcards"),
            std::string::npos)
      << wildcard.error().message;
  auto nuki = parse_hub_config("[nuki]\nenabled = true\nsite = \"a b\"\n", "hub.toml");
  ASSERT_FALSE(nuki);
  EXPECT_NE(nuki.error().message.find("nuki.site:"), std::string::npos) << nuki.error().message;
}

TEST(HubConfig, ZwaveJsNeedsASiteAndAWebSocketUrl) {
  auto defaults = parse_hub_config("", "hub.toml");
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_FALSE(defaults->zwave_js.enabled);
  EXPECT_EQ(defaults->zwave_js.url, "ws://127.0.0.1:3000");
  EXPECT_EQ(defaults->zwave_js.id_prefix, "zwave");
  auto on = parse_hub_config(
      "[zwave_js]\nenabled = true\nurl = \"ws://10.0.0.5:3001\"\nsite = \"flat\"\nname = \"stick\"\n"
      "id_prefix = \"zw\"\nreport_interval = \"30m\"\n",
      "hub.toml");
  ASSERT_TRUE(on) << on.error().message;
  EXPECT_EQ(on->zwave_js.url, "ws://10.0.0.5:3001");
  EXPECT_EQ(on->zwave_js.site, "flat");
  EXPECT_EQ(on->zwave_js.name, "stick");
  EXPECT_EQ(on->zwave_js.id_prefix, "zw");
  EXPECT_EQ(on->zwave_js.report_interval, 30min);
  auto error_of = [](const std::string& text) {
    auto c = parse_hub_config(text, "hub.toml");
    return c ? std::string("accepted") : c.error().message;
  };
  EXPECT_NE(error_of("[zwave_js]\nenabled = true\n").find("zwave_js.site: must name the site of its locks"),
            std::string::npos);
  EXPECT_NE(
      error_of("[zwave_js]\nurl = \"http://127.0.0.1:3000\"\n").find("zwave_js.url: must start with ws://"),
      std::string::npos)
      << error_of("[zwave_js]\nurl = \"http://127.0.0.1:3000\"\n");
  EXPECT_NE(error_of("[zwave_js]\nurl = \"ws://host:99999\"\n").find("zwave_js.url: port must be 1..65535"),
            std::string::npos);
  EXPECT_NE(error_of("[zwave_js]\nid_prefix = \"a b\"\n").find("zwave_js.id_prefix:"), std::string::npos);
}

TEST(HubConfig, HomeAssistantDiscoveryIsOffUntilEnabledAndItsPrefixesAreTopics) {
  auto defaults = parse_hub_config("", "hub.toml");
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_FALSE(defaults->home_assistant.enabled);
  EXPECT_EQ(defaults->home_assistant.discovery_prefix, "homeassistant");
  EXPECT_EQ(defaults->home_assistant.state_prefix, "lockwarden/ha");

  auto on = parse_hub_config(
      "[home_assistant]\nenabled = true\ndiscovery_prefix = \"ha\"\nstate_prefix = \"home/locks\"\n",
      "hub.toml");
  ASSERT_TRUE(on) << on.error().message;
  EXPECT_TRUE(on->home_assistant.enabled);
  EXPECT_EQ(on->home_assistant.discovery_prefix, "ha");
  EXPECT_EQ(on->home_assistant.state_prefix, "home/locks");

  auto wildcard = parse_hub_config("[home_assistant]\ndiscovery_prefix = \"ha/#\"\n", "hub.toml");
  ASSERT_FALSE(wildcard);
  EXPECT_NE(
      wildcard.error().message.find("home_assistant.discovery_prefix: must be a topic without wildcards"),
      std::string::npos)
      << wildcard.error().message;
  auto native = parse_hub_config("[home_assistant]\nstate_prefix = \"lw/ha\"\n", "hub.toml");
  ASSERT_FALSE(native);
  EXPECT_NE(native.error().message.find("home_assistant.state_prefix: must not be under lw/"),
            std::string::npos)
      << native.error().message;
}

TEST(HubConfig, MisspelledKeyIsRejected) {
  auto c = parse_hub_config("[store]\nsyncronous = \"full\"\n", "hub.toml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("store.syncronous: unknown key"), std::string::npos) << c.error().message;
}

TEST(HubConfig, MissingFileIsNotFound) {
  auto c = load_hub_config("/nonexistent/lockwarden.toml");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::not_found);
}

TEST(WebRoot, ConfiguredRootWinsAndMustHoldAnIndex) {
  const auto dir = lw::testing::make_temp_dir("webroot");
  std::filesystem::create_directories(dir / "app");
  std::filesystem::create_directories(dir / "built");
  std::ofstream(dir / "app" / "index.html") << "<!doctype html>";
  std::ofstream(dir / "built" / "index.html") << "<!doctype html>";
  HubConfig c;
  c.http.web_root = (dir / "app").string();
  auto chosen = select_web_root(c, dir / "built");
  ASSERT_TRUE(chosen) << chosen.error().message;
  EXPECT_EQ(*chosen, dir / "app");

  c.http.web_root = (dir / "empty").string();
  auto missing = select_web_root(c, dir / "built");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(missing.error().message.find("http.web_root"), std::string::npos) << missing.error().message;
  EXPECT_NE(missing.error().message.find("index.html"), std::string::npos) << missing.error().message;
  lw::testing::remove_temp_dir_unless_failed(dir);
}

TEST(WebRoot, BuiltAppIsServedOnlyWhenItHasAnIndex) {
  const auto dir = lw::testing::make_temp_dir("webroot");
  HubConfig c;
  auto none = select_web_root(c, dir / "dist");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none) << "no build: the status page";
  std::filesystem::create_directories(dir / "dist");
  std::ofstream(dir / "dist" / "index.html") << "<!doctype html>";
  auto built = select_web_root(c, dir / "dist");
  ASSERT_TRUE(built);
  EXPECT_EQ(*built, dir / "dist");
  EXPECT_FALSE(built_web_root().empty());
  lw::testing::remove_temp_dir_unless_failed(dir);
}

}  // namespace
}  // namespace lw::app
