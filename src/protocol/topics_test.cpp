#include "protocol/topics.h"

#include <gtest/gtest.h>

namespace lw::protocol {
namespace {

TEST(Topics, TelemetryTopicNamesSiteLockAndChannel) {
  auto topic = parse_topic("lw/v1/home/front-door/telemetry");
  ASSERT_TRUE(topic) << topic.error().to_string();
  EXPECT_EQ(topic->address.site, "home");
  EXPECT_EQ(topic->address.lock, "front-door");
  EXPECT_EQ(topic->channel, Channel::telemetry);
}

TEST(Topics, EveryChannelRoundTripsThroughItsTopic) {
  const core::LockAddress address{"site_2", "Back-Door-7"};
  for (Channel c :
       {Channel::status, Channel::telemetry, Channel::state, Channel::event, Channel::result, Channel::cmd}) {
    const std::string text = topic_for(address, c);
    auto topic = parse_topic(text);
    ASSERT_TRUE(topic) << text;
    EXPECT_EQ(*topic, (Topic{address, c}));
  }
  EXPECT_EQ(topic_for({"home", "front-door"}, Channel::cmd), "lw/v1/home/front-door/cmd");
}

TEST(Topics, HubSubscriptionMatchesEveryLockTopicShape) {
  EXPECT_EQ(kHubSubscription, "lw/v1/+/+/+");
  EXPECT_EQ(std::string(kTopicRoot) + "/+/+/+", kHubSubscription);
}

TEST(Topics, OnlyCommandsFlowFromHubToLock) {
  EXPECT_FALSE(sent_by_lock(Channel::cmd));
  EXPECT_TRUE(sent_by_lock(Channel::status));
  EXPECT_TRUE(sent_by_lock(Channel::result));
}

TEST(Topics, StatusAndStateAreRetainedCommandsAndTelemetryAreNot) {
  EXPECT_TRUE(publish_traits(Channel::status).retained);
  EXPECT_TRUE(publish_traits(Channel::state).retained);
  EXPECT_FALSE(publish_traits(Channel::cmd).retained);
  EXPECT_EQ(publish_traits(Channel::cmd).qos, 1);
  EXPECT_EQ(publish_traits(Channel::telemetry).qos, 0);
  EXPECT_FALSE(publish_traits(Channel::event).retained);
}

void expect_rejected(std::string_view text, std::string_view message) {
  auto topic = parse_topic(text);
  ASSERT_FALSE(topic) << text;
  EXPECT_EQ(topic.error().code, ErrorCode::invalid_argument);
  EXPECT_EQ(topic.error().message, message) << text;
}

TEST(Topics, ExtraOrMissingLevelsAreRejected) {
  expect_rejected("lw/v1/home/front-door/telemetry/x",
                  "topic: must have 5 levels lw/v1/{site}/{lock}/{channel}");
  expect_rejected("lw/v1/home/front-door", "topic: must have 5 levels lw/v1/{site}/{lock}/{channel}");
  expect_rejected("", "topic: must have 5 levels lw/v1/{site}/{lock}/{channel}");
  expect_rejected("/lw/v1/home/front-door/state", "topic: must have 5 levels lw/v1/{site}/{lock}/{channel}");
}

TEST(Topics, ForeignRootOrVersionIsRejected) {
  expect_rejected("zigbee2mqtt/v1/home/front-door/state", "topic: must start with lw/v1/");
  expect_rejected("lw/x/home/front-door/state", "topic: must start with lw/v1/");
  expect_rejected("lw/v2/home/front-door/state", "topic: unsupported protocol version; this side speaks v1");
}

TEST(Topics, BadSiteOrLockIdsAreRejectedByName) {
  expect_rejected("lw/v1/ho me/front-door/state",
                  "topic.site: may contain only letters, digits, '_' and '-'");
  expect_rejected("lw/v1/home/+/state", "topic.lock: may contain only letters, digits, '_' and '-'");
  expect_rejected("lw/v1/home/#/state", "topic.lock: may contain only letters, digits, '_' and '-'");
  expect_rejected("lw/v1//front-door/state", "topic.site: must not be empty");
  expect_rejected("lw/v1/home/" + std::string(65, 'a') + "/state",
                  "topic.lock: must be at most 64 characters");
}

TEST(Topics, UnknownChannelIsRejected) {
  expect_rejected(
      "lw/v1/home/front-door/battery",
      "topic.channel: must be one of status, telemetry, state, event, result, cmd, app, pair, pair_reply");
  expect_rejected(
      "lw/v1/home/front-door/",
      "topic.channel: must be one of status, telemetry, state, event, result, cmd, app, pair, pair_reply");
}

}  // namespace
}  // namespace lw::protocol
