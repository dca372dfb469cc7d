// MQTT topics of the native lock protocol v1 (docs/protocol.md, section 2):
// `lw/v1/{site}/{lock}/{channel}`. Parsing a topic validates the site and lock
// ids, so a decoded Topic is safe to use in SQL, URLs and new topics.
//
// Threading: pure functions over plain values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "core/lock/messages.h"

namespace lw::protocol {

/// The last topic level. Every channel but `cmd` and `pair` is published by
/// the lock; `app` carries the companion app's reports, with a phone id in the
/// lock level. `pair` (controller → lock) and `pair_reply` (lock → controller)
/// carry the pairing exchange (docs/protocol.md 6.2).
enum class Channel { status, telemetry, state, event, result, cmd, app, pair, pair_reply };

/// "status", "telemetry", ... as in the topic.
std::string_view to_string(Channel channel) noexcept;
std::optional<Channel> parse_channel(std::string_view s) noexcept;

/// True for the channels a lock publishes (all but `cmd` and `pair`).
constexpr bool sent_by_lock(Channel channel) noexcept {
  return channel != Channel::cmd && channel != Channel::pair;
}

/// How a message on a channel is published (docs/protocol.md, the table in section 2).
struct PublishTraits {
  int qos{1};
  bool retained{false};
};
constexpr PublishTraits publish_traits(Channel channel) noexcept {
  if (channel == Channel::telemetry) return {0, false};
  return {1, channel == Channel::status || channel == Channel::state};
}

/// The first two topic levels.
inline constexpr std::string_view kTopicRoot = "lw/v1";
/// What the hub subscribes to: every channel of every lock of every site.
inline constexpr std::string_view kHubSubscription = "lw/v1/+/+/+";

struct Topic {
  core::LockAddress address;
  Channel channel{Channel::status};
  friend bool operator==(const Topic&, const Topic&) = default;
};

/// Parses `lw/v1/{site}/{lock}/{channel}`. Errors (invalid_argument), naming the part:
///   "topic: must have 5 levels lw/v1/{site}/{lock}/{channel}"
///   "topic: must start with lw/v1/"
///   "topic: unsupported protocol version; this side speaks v1"   (lw/v2/...)
///   "topic.site: ..." / "topic.lock: ..."   (not an id, see lw::validate_id)
///   "topic.channel: must be one of status, telemetry, state, event, result, cmd, app, pair, pair_reply"
Result<Topic> parse_topic(std::string_view topic);

/// `lw/v1/{site}/{lock}/{channel}`. The address must hold valid ids.
std::string topic_for(const core::LockAddress& address, Channel channel);

}  // namespace lw::protocol
