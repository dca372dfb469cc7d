#include "protocol/topics.h"

#include <array>

#include "base/enum_names.h"
#include "base/ids.h"

namespace lw::protocol {
namespace {

constexpr EnumNames<Channel, 9> kChannels{{{
    {Channel::status, "status"},
    {Channel::telemetry, "telemetry"},
    {Channel::state, "state"},
    {Channel::event, "event"},
    {Channel::result, "result"},
    {Channel::cmd, "cmd"},
    {Channel::app, "app"},
    {Channel::pair, "pair"},
    {Channel::pair_reply, "pair_reply"},
}}};

constexpr std::size_t kLevels = 5;

}  // namespace

std::string_view to_string(Channel channel) noexcept { return kChannels.name(channel, "status"); }
std::optional<Channel> parse_channel(std::string_view s) noexcept { return kChannels.parse(s); }

Result<Topic> parse_topic(std::string_view topic) {
  std::array<std::string_view, kLevels> levels{};
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = topic.find('/', start);
    const std::string_view level =
        topic.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (count == kLevels)
      return invalid_argument("topic", "must have 5 levels lw/v1/{site}/{lock}/{channel}");
    levels[count++] = level;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (count != kLevels) return invalid_argument("topic", "must have 5 levels lw/v1/{site}/{lock}/{channel}");
  if (levels[0] != "lw") return invalid_argument("topic", "must start with lw/v1/");
  if (levels[1] != "v1") {
    if (levels[1].size() >= 2 && levels[1][0] == 'v') {
      return invalid_argument("topic", "unsupported protocol version; this side speaks v1");
    }
    return invalid_argument("topic", "must start with lw/v1/");
  }
  if (auto r = validate_id("topic.site", levels[2]); !r) return r.error();
  if (auto r = validate_id("topic.lock", levels[3]); !r) return r.error();
  const auto channel = parse_channel(levels[4]);
  if (!channel) {
    return invalid_argument(
        "topic.channel",
        "must be one of status, telemetry, state, event, result, cmd, app, pair, pair_reply");
  }
  return Topic{core::LockAddress{std::string(levels[2]), std::string(levels[3])}, *channel};
}

std::string topic_for(const core::LockAddress& address, Channel channel) {
  std::string out;
  const std::string_view name = to_string(channel);
  out.reserve(kTopicRoot.size() + address.site.size() + address.lock.size() + name.size() + 3);
  out += kTopicRoot;
  out += '/';
  out += address.site;
  out += '/';
  out += address.lock;
  out += '/';
  out += name;
  return out;
}

}  // namespace lw::protocol
