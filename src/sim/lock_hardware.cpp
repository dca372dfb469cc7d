#include "sim/lock_hardware.h"

namespace lw::sim {

firmware::LockSetup firmware_setup(const ScenarioLock& lock) {
  firmware::LockSetup setup;
  setup.address = core::LockAddress{lock.site, lock.id};
  setup.name = lock.name;
  setup.transport = lock.transport;
  setup.firmware_version = lock.firmware;
  setup.lock_state = lock.lock_state;
  setup.door_state = lock.door_state;
  setup.heartbeat = lock.heartbeat;
  setup.pairing_code = lock.pairing_code;
  setup.end_to_end_only = lock.end_to_end_only;
  setup.cells = lock.cells;
  return setup;
}

world::BatterySpec battery_spec(const ScenarioLock& lock) {
  world::BatterySpec spec;
  spec.chemistry = world::parse_chemistry(lock.battery).value_or(world::Chemistry::alkaline);
  spec.cells = lock.cells;
  return spec;
}

}  // namespace lw::sim
