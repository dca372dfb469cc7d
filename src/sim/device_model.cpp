#include "sim/device_model.h"

#include <utility>

#include "sim/guest_phone.h"

namespace lw::sim {
FirmwareLockModel::FirmwareLockModel(const ScenarioLock& lock, Timestamp now)
    : address_{lock.site, lock.id},
      name_(lock.name),
      rssi_dbm_(lock.rssi_dbm),
      keepalive_s_(lock.keepalive_s),
      rng_(world::derive_seed(1, lock.id)),
      battery_(battery_spec(lock), rng_),
      supply_(battery_, lock.temperature_c),
      random_(world::derive_seed(2, lock.id)) {
  battery_.set_state_of_charge(lock.battery_pct / 100.0);
  firmware::LockSetup setup = firmware_setup(lock);
  setup.heartbeat = lock.heartbeat.value_or(30s);  // docs/scenarios.md: 30 s in real time
  fw_ = std::make_unique<firmware::LockFirmware>(setup, supply_, random_, now);
}

std::vector<core::DeviceEvent> FirmwareLockModel::hand_over(std::vector<core::DeviceEvent> events) {
  for (const core::DeviceEvent& e : events) {
    (void)fw_->mark_sent(e.seq);
    (void)fw_->ack(e.seq);
  }
  return events;
}

std::vector<core::DeviceEvent> FirmwareLockModel::take_events(Timestamp now) {
  std::vector<core::DeviceEvent> out;
  while (const core::DeviceEvent* e = fw_->next_unsent(now)) {
    out.push_back(*e);
    (void)fw_->mark_sent(e->seq);
    (void)fw_->ack(e->seq);
  }
  return out;
}

core::Telemetry FirmwareLockModel::telemetry(Timestamp now) {
  core::Telemetry t = fw_->telemetry(now, rssi_dbm_);
  t.name = name_;
  return t;
}

DeviceOutput FirmwareLockModel::on_connected(Timestamp now) {
  DeviceOutput out;
  if (!publishing()) return out;
  out.state = fw_->state(now);
  out.telemetry = telemetry(now);
  out.events = take_events(now);  // kept in flash across a power loss
  return out;
}

DeviceOutput FirmwareLockModel::tick(Timestamp now) {
  DeviceOutput out;
  if (publishing()) out.telemetry = telemetry(now);
  return out;
}

std::optional<DeviceOutput> FirmwareLockModel::on_command(std::string_view payload, Timestamp now) {
  if (!publishing()) return std::nullopt;
  firmware::LockCommandHandling handled = fw_->handle(payload, now);
  DeviceOutput out;
  out.result = std::move(handled.result);
  out.events = hand_over(std::move(handled.events));
  // The bolt was driven (or stalled) only when something happened.
  if (!out.events.empty()) out.state = fw_->state(now);
  return out;
}

DeviceOutput FirmwareLockModel::on_traffic(const ScenarioTraffic& traffic, Timestamp now) {
  DeviceOutput out;
  if (!fw_->powered()) return out;
  out.events = hand_over(fw_->operate(traffic.operation, traffic.source, traffic.user, now));
  out.state = fw_->state(now);
  return out;
}

DeviceOutput FirmwareLockModel::apply_fault(const ScenarioFault& fault, Timestamp now) {
  DeviceOutput out;
  switch (fault.kind) {
    case FaultKind::power_loss: fw_->power_off(now); break;
    case FaultKind::power_restore:
      // A reboot also brings a hung radio back.
      if (!fw_->powered()) fw_->power_on(now, core::BootReason::power_on);
      break;
    case FaultKind::jam: fw_->set_binding(true); break;
    case FaultKind::unjam:
      fw_->set_binding(false);
      if (fw_->state(now).lock_state == core::LockState::jammed && fw_->powered()) {
        // The bolt is free: the lock settles it back home.
        out.events = hand_over(
            fw_->operate(core::LockAction::lock, core::OperationSource::auto_relock, std::nullopt, now));
        out.state = fw_->state(now);
      }
      break;
    case FaultKind::battery_drain: battery_.set_state_of_charge(fault.pct.value_or(100) / 100.0); break;
    case FaultKind::pairing_button: fw_->press_pairing_button(now); break;
    case FaultKind::keypad:
      if (!fw_->powered()) break;
      out.events = hand_over(fw_->enter_pin(fault.pin.value_or(""), fault.operation, now));
      out.state = fw_->state(now);
      break;
    case FaultKind::factory_reset:
      if (!fw_->powered()) break;
      fw_->factory_reset(now);
      out.state = fw_->state(now);
      out.telemetry = telemetry(now);
      break;
    case FaultKind::keypad_program:
      if (!fw_->powered()) break;
      if (auto programmed = fw_->program_code(fault.slot.value_or(1), 900 + fault.slot.value_or(1),
                                              fault.pin.value_or(""), now)) {
        out.events = hand_over(std::move(*programmed));
      }
      break;
    case FaultKind::guest_key:
      if (!fw_->powered()) break;
      out.events = hand_over(present_guest_key(*fw_, fault, now).events);
      out.state = fw_->state(now);
      break;
    case FaultKind::silence: fw_->hang_radio(true); break;
    case FaultKind::resume:
      if (!fw_->radio_hung()) break;
      fw_->hang_radio(false);
      if (fw_->powered()) {
        out.state = fw_->state(now);
        out.telemetry = telemetry(now);
        out.events = take_events(now);  // what happened at the door meanwhile
      }
      break;
  }
  return out;
}

Result<std::unique_ptr<DeviceModel>> make_device_model(const ScenarioLock& lock, std::string_view hub_key_id,
                                                       const protocol::PublicKey& hub_key, Timestamp now) {
  auto model = std::make_unique<FirmwareLockModel>(lock, now);
  if (auto r = model->enroll(hub_key_id, hub_key); !r) return r.error();
  return std::unique_ptr<DeviceModel>(std::move(model));
}

}  // namespace lw::sim
