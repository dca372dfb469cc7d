#include "sim/device_model.h"

#include <utility>

namespace lw::sim {
namespace {

firmware::SimpleLockSetup setup_for(const ScenarioLock& lock) {
  firmware::SimpleLockSetup setup;
  setup.address = core::LockAddress{lock.site, lock.id};
  setup.name = lock.name;
  setup.heartbeat = lock.heartbeat.value_or(30s);
  setup.battery_pct = lock.battery_pct;
  setup.rssi_dbm = lock.rssi_dbm;
  setup.firmware = lock.firmware;
  setup.lock_state = lock.lock_state;
  setup.door_state = lock.door_state;
  return setup;
}

}  // namespace

SimpleLockModel::SimpleLockModel(const ScenarioLock& lock, Timestamp now)
    : lock_(setup_for(lock), now), keepalive_s_(lock.keepalive_s) {}

DeviceOutput SimpleLockModel::on_connected(Timestamp now) {
  DeviceOutput out;
  if (!publishing()) return out;
  out.state = lock_.state(now);
  out.telemetry = lock_.telemetry(now);
  return out;
}

DeviceOutput SimpleLockModel::tick(Timestamp now) {
  DeviceOutput out;
  if (publishing()) out.telemetry = lock_.telemetry(now);
  return out;
}

std::optional<DeviceOutput> SimpleLockModel::on_command(std::string_view payload, Timestamp now) {
  if (!publishing()) return std::nullopt;
  firmware::CommandHandling handled = lock_.handle(payload, now);
  DeviceOutput out;
  out.result = std::move(handled.result);
  // The bolt was driven (or stalled) only when something happened.
  if (!handled.events.empty()) out.state = lock_.state(now);
  out.events = std::move(handled.events);
  return out;
}

DeviceOutput SimpleLockModel::on_traffic(const ScenarioTraffic& traffic, Timestamp now) {
  DeviceOutput out;
  if (!lock_.powered()) return out;
  out.events = lock_.operate(traffic.operation, traffic.source, traffic.user, now);
  out.state = lock_.state(now);
  return out;
}

DeviceOutput SimpleLockModel::apply_fault(const ScenarioFault& fault, Timestamp now) {
  DeviceOutput out;
  switch (fault.kind) {
    case FaultKind::power_loss: lock_.power_off(now); break;
    case FaultKind::power_restore:
      // A reboot also brings a hung radio back.
      silenced_ = false;
      lock_.power_on(now);
      break;
    case FaultKind::jam: lock_.jam(); break;
    case FaultKind::unjam: {
      const core::LockState before = lock_.lock_state();
      lock_.unjam();
      if (lock_.lock_state() != before) out.state = lock_.state(now);
      break;
    }
    case FaultKind::battery_drain:
      out.events = lock_.set_battery_pct(fault.pct.value_or(lock_.battery_pct()), now);
      break;
    case FaultKind::silence: silenced_ = true; break;
    case FaultKind::resume:
      if (!silenced_) break;
      silenced_ = false;
      if (lock_.powered()) {
        out.state = lock_.state(now);
        out.telemetry = lock_.telemetry(now);
      }
      break;
  }
  return out;
}

Result<std::unique_ptr<DeviceModel>> make_device_model(const ScenarioLock& lock, std::string_view hub_key_id,
                                                       const protocol::PublicKey& hub_key, Timestamp now) {
  auto model = std::make_unique<SimpleLockModel>(lock, now);
  if (auto r = model->enroll(hub_key_id, hub_key); !r) return r.error();
  return std::unique_ptr<DeviceModel>(std::move(model));
}

}  // namespace lw::sim
