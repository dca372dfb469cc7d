#include "sim/sim_runner.h"

#include <spdlog/spdlog.h>

#include <map>
#include <utility>

#include "adapters/mqtt/broker_access.h"
#include "protocol/codec.h"
#include "protocol/envelope.h"
#include "protocol/topics.h"

namespace lw::sim {
namespace {

using adapters::mqtt::MqttClient;
using adapters::mqtt::Qos;
using protocol::Channel;

Qos qos_of(Channel channel) {
  return protocol::publish_traits(channel).qos == 0 ? Qos::at_most_once : Qos::at_least_once;
}

std::string describe(const ScenarioFault& fault) {
  switch (fault.kind) {
    case FaultKind::power_loss: return "loses power";
    case FaultKind::power_restore: return "gets power back and reboots";
    case FaultKind::jam: return "bolt binds (jam)";
    case FaultKind::unjam: return "bolt is free again";
    case FaultKind::battery_drain: return "battery drains to " + std::to_string(fault.pct.value_or(0)) + "%";
    case FaultKind::silence: return "radio firmware hangs (silence)";
    case FaultKind::resume: return "radio firmware recovers";
    case FaultKind::pairing_button: return "pairing button pressed";
    case FaultKind::keypad: return "someone types a PIN on the keypad";
    case FaultKind::factory_reset: return "someone factory-resets the lock";
    case FaultKind::keypad_program:
      return "someone programs a code into slot " + std::to_string(fault.slot.value_or(0)) + " at the lock";
    case FaultKind::guest_key: return "a guest's phone presents its guest key";
  }
  return "?";
}

}  // namespace

SimRunner::Device::Device(boost::asio::io_context& io, std::unique_ptr<DeviceModel> m)
    : model(std::move(m)), heartbeat_timer(io) {}

SimRunner::SimRunner(boost::asio::io_context& io, Scenario scenario,
                     std::optional<std::string> hub_public_key_b64, double speed)
    : io_(io),
      scenario_(std::move(scenario)),
      hub_key_override_(std::move(hub_public_key_b64)),
      speed_(speed) {}

SimRunner::~SimRunner() { stop(); }

SimRunner::SteadyDuration SimRunner::scaled(Duration d) const {
  return std::chrono::duration_cast<SteadyDuration>(
      std::chrono::duration<double, std::milli>(static_cast<double>(d.count()) / speed_));
}

SimRunner::Device* SimRunner::find(std::string_view lock_id) {
  for (auto& d : devices_) {
    if (d->model->address().lock == lock_id) return d.get();
  }
  return nullptr;
}

const SimRunner::Device* SimRunner::find(std::string_view lock_id) const {
  for (const auto& d : devices_) {
    if (d->model->address().lock == lock_id) return d.get();
  }
  return nullptr;
}

const DeviceModel* SimRunner::device(std::string_view lock_id) const {
  const Device* d = find(lock_id);
  return d ? d->model.get() : nullptr;
}

bool SimRunner::connected(std::string_view lock_id) const {
  const Device* d = find(lock_id);
  return d && d->client->connected();
}

std::size_t SimRunner::pending_events(std::string_view lock_id) const {
  const Device* d = find(lock_id);
  return d ? d->pending_events.size() : 0;
}

Result<void> SimRunner::start() {
  if (started_) return failed_precondition("the simulator is already started");
  if (!(speed_ > 0)) return invalid_argument("speed", "must be greater than 0");
  if (scenario_.needs_world()) {
    return failed_precondition(
        scenario_.file +
        ": networks, bridges, repeaters, interference, phones, placement, door traffic "
        "per day and catalogue faults run on virtual time only (sim --virtual); a "
        "real-time run simulates plain Wi-Fi locks");
  }
  const std::string key_b64 = hub_key_override_.value_or(scenario_.hub.public_key);
  if (key_b64.empty()) {
    return failed_precondition(
        scenario_.file + ": no hub public key: set hub.public_key or hub.public_key_file, or pass the key");
  }
  auto hub_key = protocol::decode_public_key(key_b64);
  if (!hub_key) return invalid_argument("hub public key", "must be base64 of a 32-byte Ed25519 public key");

  std::map<std::string, std::string, std::less<>> credentials;
  if (!scenario_.broker.credentials_file.empty()) {
    auto read = adapters::mqtt::read_broker_credentials(scenario_.broker.credentials_file);
    if (!read) return Error{read.error().code, "broker.credentials_file: " + read.error().message};
    credentials = std::move(*read);
  }
  const Timestamp now = clock_.now();
  std::vector<std::unique_ptr<Device>> devices;
  for (const ScenarioLock& lock : scenario_.locks) {
    auto model = make_device_model(lock, scenario_.hub.key_id, *hub_key, now);
    if (!model) return model.error();
    auto device = std::make_unique<Device>(io_, std::move(*model));

    MqttClient::Options options;
    options.host = scenario_.broker.host;
    options.port = scenario_.broker.port;
    options.tls_ca_file = scenario_.broker.tls_ca_file;
    options.client_id = "lw-sim-" + lock.id;
    if (!scenario_.broker.credentials_file.empty()) {
      const std::string user = adapters::mqtt::lock_username(device->model->address());
      auto account = credentials.find(user);
      if (account == credentials.end()) {
        return invalid_argument(
            "broker.credentials_file",
            scenario_.broker.credentials_file + " has no account " + user + " for lock " + lock.id);
      }
      options.username = user;
      options.password = account->second;
    }
    options.keepalive = std::chrono::seconds(device->model->keepalive_s());
    // docs/protocol.md section 1: a lock keeps a persistent session, so a
    // command queued while it was briefly away is still delivered.
    options.clean_session = false;
    options.will =
        adapters::mqtt::LastWill{protocol::topic_for(device->model->address(), Channel::status),
                                 std::string(protocol::kLastWillPayload), Qos::at_least_once, true};
    if (auto valid = MqttClient::validate(options); !valid) {
      return Error{valid.error().code, "lock " + lock.id + ": " + valid.error().message};
    }
    device->client = std::make_unique<MqttClient>(io_, std::move(options));
    devices.push_back(std::move(device));
  }
  devices_ = std::move(devices);

  for (auto& d : devices_) {
    Device* device = d.get();
    device->client->on_connected([this, device] { on_connected(*device); });
    device->client->on_disconnected([device](const std::string& reason) {
      spdlog::warn("sim: {}: connection lost ({}); reconnecting", device->model->address().lock, reason);
    });
    device->client->on_message([this, device](std::string_view topic, std::string_view payload,
                                              bool /*retained*/) { on_message(*device, topic, payload); });
    if (auto r = device->client->subscribe(protocol::topic_for(device->model->address(), Channel::cmd),
                                           Qos::at_least_once);
        !r) {
      return r.error();
    }
  }

  started_ = true;
  started_at_ = std::chrono::steady_clock::now();
  for (auto& d : devices_) d->client->start();
  schedule_faults();
  schedule_traffic();
  spdlog::info("sim: {} locks connecting to {}:{}", devices_.size(), scenario_.broker.host,
               scenario_.broker.port);
  return ok();
}

void SimRunner::stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  for (auto& timer : fault_timers_) timer->cancel();
  for (auto& timer : traffic_timers_) timer->cancel();
  for (auto& d : devices_) {
    d->heartbeat_timer.cancel();
    if (d->client->connected()) {
      core::StatusReport offline;
      offline.online = false;
      offline.ts = clock_.now();
      (void)publish(*d, Channel::status, protocol::encode_status(offline));
    }
    d->client->stop();
  }
}

void SimRunner::on_connected(Device& device) {
  if (stopped_) return;
  const Timestamp now = clock_.now();
  if (!device.model->publishing()) return;  // a hung radio says nothing
  core::StatusReport online;
  online.online = true;
  online.ts = now;
  (void)publish(device, Channel::status, protocol::encode_status(online));
  emit(device, device.model->on_connected(now));
  arm_heartbeat(device);
}

void SimRunner::on_message(Device& device, std::string_view topic, std::string_view payload) {
  if (stopped_ || topic != protocol::topic_for(device.model->address(), Channel::cmd)) return;
  std::optional<DeviceOutput> out = device.model->on_command(payload, clock_.now());
  if (!out) return;
  if (out->result) {
    spdlog::info("sim: {}: command {} -> {}", device.model->address().lock, out->result->command_id,
                 core::to_string(out->result->outcome));
  }
  emit(device, std::move(*out));
}

void SimRunner::arm_heartbeat(Device& device) {
  device.heartbeat_timer.expires_after(scaled(device.model->heartbeat()));
  device.heartbeat_timer.async_wait([this, &device](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    if (device.model->powered()) emit(device, device.model->tick(clock_.now()));
    arm_heartbeat(device);
  });
}

void SimRunner::schedule_faults() {
  for (const ScenarioFault& fault : scenario_.faults) {
    auto timer = std::make_unique<boost::asio::steady_timer>(io_, started_at_ + scaled(fault.at));
    timer->async_wait([this, &fault](const boost::system::error_code& ec) {
      if (ec || stopped_) return;
      apply_fault(fault);
    });
    fault_timers_.push_back(std::move(timer));
  }
}

void SimRunner::schedule_traffic() {
  for (const ScenarioTraffic& traffic : scenario_.traffic) {
    traffic_timers_.push_back(
        std::make_unique<boost::asio::steady_timer>(io_, started_at_ + scaled(traffic.start)));
  }
  for (std::size_t i = 0; i < traffic_timers_.size(); ++i) arm_traffic(i);
}

void SimRunner::arm_traffic(std::size_t index) {
  traffic_timers_[index]->async_wait([this, index](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    const ScenarioTraffic& traffic = scenario_.traffic[index];
    run_traffic(traffic);
    // From the previous expiry, so the schedule does not drift.
    boost::asio::steady_timer& timer = *traffic_timers_[index];
    timer.expires_at(timer.expiry() + scaled(traffic.every));
    arm_traffic(index);
  });
}

void SimRunner::apply_fault(const ScenarioFault& fault) {
  Device* device = find(fault.lock);
  if (device == nullptr) return;  // the scenario parser checked the reference
  DeviceModel& model = *device->model;
  const bool was_powered = model.powered();
  const bool was_publishing = model.publishing();
  spdlog::info("sim: {}: {}", fault.lock, describe(fault));

  DeviceOutput out = model.apply_fault(fault, clock_.now());

  if (was_powered && !model.powered()) {
    device->heartbeat_timer.cancel();
    device->client->abort_connection();
    return;
  }
  if (!was_powered && model.powered()) {
    // Boot: connect again; on_connected publishes status, state and telemetry.
    device->client->start();
    return;
  }
  if (!was_publishing && model.publishing() && device->client->connected()) {
    core::StatusReport online;
    online.online = true;
    online.ts = clock_.now();
    (void)publish(*device, Channel::status, protocol::encode_status(online));
    emit(*device, std::move(out));
    arm_heartbeat(*device);
    return;
  }
  emit(*device, std::move(out));
}

void SimRunner::run_traffic(const ScenarioTraffic& traffic) {
  Device* device = find(traffic.lock);
  if (device == nullptr) return;
  const std::string who = traffic.user.value_or("someone");
  if (!device->model->powered()) {
    spdlog::info("sim: {}: {} cannot {} it: the lock has no power", traffic.lock, who,
                 core::to_string(traffic.operation));
    return;
  }
  DeviceOutput out = device->model->on_traffic(traffic, clock_.now());
  std::string alarms;
  for (const core::DeviceEvent& event : out.events) {
    if (event.kind == core::DeviceEventKind::alarm) alarms += " — alarm " + event.alarm.value_or("?");
  }
  spdlog::info("sim: {}: {} {}s it {}{}", traffic.lock, who, core::to_string(traffic.operation),
               traffic.source == core::OperationSource::manual ? "by hand" : "at the keypad", alarms);
  emit(*device, std::move(out));
}

Result<void> SimRunner::publish(Device& device, Channel channel, const std::string& payload) {
  const protocol::PublishTraits traits = protocol::publish_traits(channel);
  return device.client->publish(protocol::topic_for(device.model->address(), channel), payload,
                                qos_of(channel), traits.retained);
}

void SimRunner::emit(Device& device, DeviceOutput out) {
  for (core::DeviceEvent& event : out.events) {
    if (device.pending_events.size() >= kMaxPendingEvents) {
      spdlog::warn("sim: {}: event buffer full; dropping event {}", device.model->address().lock,
                   device.pending_events.front().seq);
      device.pending_events.pop_front();
    }
    device.pending_events.push_back(std::move(event));
  }
  if (!device.model->publishing() || !device.client->connected()) return;

  const char* lock = device.model->address().lock.c_str();
  if (out.result) {
    if (auto r = publish(device, Channel::result, protocol::encode_result(*out.result)); !r) {
      spdlog::warn("sim: {}: result not sent: {}", lock, r.error().message);
    }
  }
  if (out.state) (void)publish(device, Channel::state, protocol::encode_state(*out.state));
  if (out.telemetry) (void)publish(device, Channel::telemetry, protocol::encode_telemetry(*out.telemetry));
  flush_events(device);
}

void SimRunner::flush_events(Device& device) {
  while (!device.pending_events.empty()) {
    if (!publish(device, Channel::event, protocol::encode_event(device.pending_events.front()))) return;
    device.pending_events.pop_front();
  }
}

}  // namespace lw::sim
