#include "adapters/homeassistant/home_assistant_bridge.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <functional>

#include "adapters/homeassistant/commands.h"
#include "adapters/homeassistant/states.h"
#include "core/hub/hub.h"

namespace lw::adapters::homeassistant {
namespace {

namespace json = boost::json;

std::uint64_t hash_of(std::string_view payload) { return std::hash<std::string_view>{}(payload); }

/// `topic` is `prefix` followed by more levels.
bool under(std::string_view topic, std::string_view prefix) {
  return topic.size() > prefix.size() && topic.starts_with(prefix) && topic[prefix.size()] == '/';
}

}  // namespace

mqtt::LastWill HomeAssistantBridge::last_will(const Topics& topics) {
  Message offline = hub_status_message(topics, false);
  return mqtt::LastWill{offline.topic, offline.payload, mqtt::Qos::at_least_once, true};
}

HomeAssistantBridge::HomeAssistantBridge(mqtt::MqttClient& client, Options options)
    : client_(client), options_(std::move(options)) {}

void HomeAssistantBridge::attach(core::Hub& hub) {
  hub_ = &hub;
  const Topics& t = options_.topics;
  // QoS 0: a persistent session does not keep them while the hub is away, so
  // a command is carried out now or never.
  (void)client_.subscribe(t.command_filter(), mqtt::Qos::at_most_once);
  (void)client_.subscribe(t.birth(), mqtt::Qos::at_most_once);
  (void)client_.subscribe(t.config_filter(), mqtt::Qos::at_most_once);
}

void HomeAssistantBridge::connected() {
  swept_.clear();
  publish_everything();
}

void HomeAssistantBridge::publish_everything() {
  if (hub_ == nullptr) return;
  const Topics& t = options_.topics;
  (void)publish(hub_status_message(t, true));
  (void)publish(hub_discovery_message(t, options_.version));
  for (auto& [id, mark] : locks_) {
    mark.announced.reset();
    mark.states.clear();
  }
  const std::vector<core::LockRecord> locks = hub_->locks();
  for (const core::LockRecord& lock : locks) refresh(lock);
  spdlog::info("home assistant: announced {} locks under {}/", locks.size(), t.discovery_prefix);
}

void HomeAssistantBridge::stop() {
  if (client_.connected()) (void)publish(hub_status_message(options_.topics, false));
}

bool HomeAssistantBridge::handle(std::string_view topic, std::string_view payload, bool retained) {
  const Topics& t = options_.topics;
  if (under(topic, t.state_prefix)) {
    if (auto lock = t.command_lock(topic)) {
      // A retained command would act again on every reconnection: never obey one.
      if (retained) {
        reject("home_assistant.command: retained commands are ignored");
      } else {
        command(*lock, payload);
      }
      return true;
    }
  }
  if (under(topic, t.discovery_prefix)) {
    if (topic == t.birth()) {
      // Home Assistant (re)started and forgot what it was not retained for: tell it all again.
      // A retained birth message arrives on every connection, which publishes everything anyway.
      if (payload == "online" && !retained && client_.connected()) publish_everything();
      return true;
    }
    if (auto lock = t.config_lock(topic)) {
      if (retained && !payload.empty()) sweep(*lock, payload);
      return true;
    }
    return topic.ends_with("/config");  // another integration's config: not the hub's business
  }
  return false;
}

void HomeAssistantBridge::lock_changed(const core::LockRecord& lock) { refresh(lock); }

void HomeAssistantBridge::view_changed(const core::LockRecord& lock) { refresh(lock); }

void HomeAssistantBridge::action_changed(const core::Action& action) {
  LockMark& mark = locks_[action.lock];
  std::erase_if(mark.in_flight, [&](const auto& a) { return a.first == action.id; });
  if (action.status == core::ActionStatus::pending) mark.in_flight.emplace_back(action.id, action.action);
  if (hub_ == nullptr) return;
  if (const core::LockRecord* lock = hub_->find_lock(action.lock)) refresh(*lock);
}

void HomeAssistantBridge::lock_removed(const LockId& lock) {
  locks_.erase(lock);
  for (const Message& m : removal_messages(options_.topics, lock)) (void)publish(m);
}

void HomeAssistantBridge::refresh(const core::LockRecord& lock) {
  if (hub_ == nullptr || !client_.connected()) return;  // the next connection publishes everything
  const Topics& t = options_.topics;
  LockMark& mark = locks_[lock.id];
  const Traits traits = traits_for(lock.transport);
  Announced now{lock.name, lock.firmware, lock.transport, traits.unlatch};
  if (mark.announced != now) {
    bool all = true;
    for (const Message& m : discovery_messages(t, lock, traits, options_.version)) all = publish(m) && all;
    if (all) mark.announced = std::move(now);
  }
  std::optional<core::LockAction> in_flight;
  if (!mark.in_flight.empty()) in_flight = mark.in_flight.back().second;
  const LockView view{lock, hub_->health_monitor().forecast(lock.id, hub_->now()),
                      summarize(hub_->doctor().case_of(lock.id)), in_flight};
  const std::vector<Message> states = state_messages(t, view);
  mark.states.resize(states.size(), 0);
  for (std::size_t i = 0; i < states.size(); ++i) {
    const std::uint64_t h = hash_of(states[i].payload);
    if (mark.states[i] == h) continue;
    if (publish(states[i])) mark.states[i] = h;
  }
}

bool HomeAssistantBridge::publish(const Message& m) {
  auto r = client_.publish(m.topic, m.payload, mqtt::Qos::at_least_once, m.retain);
  if (!r && r.error().code != ErrorCode::unavailable) {
    spdlog::warn("home assistant: publishing on {} failed: {}", m.topic, r.error().message);
  }
  return r.has_value();
}

void HomeAssistantBridge::command(const LockId& lock, std::string_view payload) {
  if (hub_ == nullptr) return;
  const core::LockRecord* record = hub_->find_lock(lock);
  if (record == nullptr) return reject("home_assistant.command: unknown lock");
  auto action = parse_command(payload, traits_for(record->transport));
  if (!action) return reject("home_assistant." + action.error().message);
  auto started = hub_->request_action(lock, *action, "home_assistant");
  if (!started) {
    spdlog::warn("home assistant: {} {} not started: {}", core::to_string(*action), lock,
                 started.error().message);
    return;
  }
  spdlog::info("home assistant: {} {} requested (action {})", core::to_string(*action), lock, started->id);
}

void HomeAssistantBridge::reject(const std::string& reason) {
  if (hub_ != nullptr) hub_->on_rejected(reason);
  if (reported_.insert(reason).second) {
    spdlog::warn("rejected a message: {} (further rejections for this reason are only counted)", reason);
  }
}

void HomeAssistantBridge::sweep(const LockId& lock, std::string_view payload) {
  if (hub_ == nullptr || hub_->find_lock(lock) != nullptr || swept_.contains(lock)) return;
  boost::system::error_code ec;
  const json::value config = json::parse(payload, ec);
  if (ec || !config.is_object()) return;
  const json::value* device = config.as_object().if_contains("device");
  if (device == nullptr || !device->is_object()) return;
  const json::value* via = device->as_object().if_contains("via_device");
  if (via == nullptr || !via->is_string() || via->as_string() != options_.topics.hub_node())
    return;  // not ours
  swept_.insert(lock);
  spdlog::info("home assistant: removing the entities of {}, a lock this hub no longer has", lock);
  lock_removed(lock);
}

}  // namespace lw::adapters::homeassistant
