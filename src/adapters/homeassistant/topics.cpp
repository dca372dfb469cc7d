#include "adapters/homeassistant/topics.h"

namespace lw::adapters::homeassistant {
namespace {

constexpr std::string_view kLockNodePrefix = "lockwarden_";

std::string join(std::string_view a, std::string_view b) {
  std::string out(a);
  out += '/';
  out += b;
  return out;
}

/// `text` without `prefix` + "/", or nullopt when it does not start so.
std::optional<std::string_view> after(std::string_view text, std::string_view prefix) {
  if (text.size() <= prefix.size() || !text.starts_with(prefix) || text[prefix.size()] != '/') {
    return std::nullopt;
  }
  return text.substr(prefix.size() + 1);
}

}  // namespace

std::string Topics::lock_node(std::string_view lock) {
  return std::string(kLockNodePrefix) + std::string(lock);
}
std::string Topics::hub_node() const { return "lockwarden-hub_" + hub_id; }

std::string Topics::config(std::string_view component, std::string_view node, std::string_view object) const {
  return join(join(join(join(discovery_prefix, component), node), object), "config");
}
std::string Topics::birth() const { return join(discovery_prefix, "status"); }
std::string Topics::config_filter() const { return join(discovery_prefix, "+/+/+/config"); }

std::string Topics::hub_status() const { return join(join(state_prefix, "hub"), hub_id) + "/status"; }
std::string Topics::lock_base(std::string_view lock) const { return join(join(state_prefix, "lock"), lock); }
std::string Topics::availability(std::string_view lock) const {
  return join(lock_base(lock), "availability");
}
std::string Topics::state(std::string_view lock, std::string_view object) const {
  return join(lock_base(lock), object);
}
std::string Topics::attributes(std::string_view lock, std::string_view object) const {
  return join(state(lock, object), "attributes");
}
std::string Topics::command(std::string_view lock) const { return join(lock_base(lock), "set"); }
std::string Topics::command_filter() const { return join(state_prefix, "lock/+/set"); }

std::optional<LockId> Topics::command_lock(std::string_view topic) const {
  auto rest = after(topic, state_prefix);
  if (!rest) return std::nullopt;
  auto id = after(*rest, "lock");
  if (!id || !id->ends_with("/set")) return std::nullopt;
  std::string_view lock = id->substr(0, id->size() - 4);
  if (!validate_id("lock", lock)) return std::nullopt;
  return LockId(lock);
}

std::optional<LockId> Topics::config_lock(std::string_view topic) const {
  auto rest = after(topic, discovery_prefix);  // <component>/<node>/<object>/config
  if (!rest) return std::nullopt;
  auto component_end = rest->find('/');
  if (component_end == std::string_view::npos) return std::nullopt;
  std::string_view node_and_more = rest->substr(component_end + 1);
  auto node_end = node_and_more.find('/');
  if (node_end == std::string_view::npos) return std::nullopt;
  std::string_view node = node_and_more.substr(0, node_end);
  std::string_view object_and_more = node_and_more.substr(node_end + 1);
  auto object_end = object_and_more.find('/');
  if (object_end == std::string_view::npos || object_and_more.substr(object_end) != "/config") {
    return std::nullopt;
  }
  if (!node.starts_with(kLockNodePrefix)) return std::nullopt;
  std::string_view lock = node.substr(kLockNodePrefix.size());
  if (!validate_id("lock", lock)) return std::nullopt;
  return LockId(lock);
}

}  // namespace lw::adapters::homeassistant
