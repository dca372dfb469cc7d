// What a scenario lock is made of in the simulator: the firmware it runs
// (firmware::LockSetup), the pack of cells it runs on (world::BatteryPack),
// and the wire through which the firmware measures the pack.
//
// Threading: plain values; a BatterySupply reads its pack, owned elsewhere.
#pragma once

#include "firmware/lock_firmware.h"
#include "sim/scenario.h"
#include "sim/world/battery.h"

namespace lw::sim {

/// The lock's firmware as the scenario describes it: address, name,
/// transport, version, bolt and door, cells; the heartbeat the scenario sets
/// (nullopt: the firmware's cadence for the transport).
firmware::LockSetup firmware_setup(const ScenarioLock& lock);

/// The lock's pack: chemistry and number of cells.
world::BatterySpec battery_spec(const ScenarioLock& lock);

/// The pack's voltage under a load, at the lock's temperature, as the
/// firmware's ADC reads it. `pack` must outlive the supply.
class BatterySupply final : public firmware::PowerSource {
 public:
  BatterySupply(const world::BatteryPack& pack, double temp_c) : pack_(&pack), temp_c_(temp_c) {}
  [[nodiscard]] double voltage_mv(double load_ma) const override {
    return pack_->voltage_mv(load_ma, temp_c_);
  }

 private:
  const world::BatteryPack* pack_;
  double temp_c_;
};

}  // namespace lw::sim
