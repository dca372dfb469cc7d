// DeviceModel: what the simulator's runner needs from one simulated device —
// its address and link settings, what it publishes when it connects, on each
// heartbeat, in answer to a command, when someone uses the door, and how it
// reacts to a scenario fault. The runner owns the MQTT link, the clock and the
// schedule; the model owns the device's behaviour and answers in domain values
// that the runner encodes. FirmwareLockModel is the model of a plain Wi-Fi lock
// over the firmware core (firmware::LockFirmware).
//
// Threading: single-threaded; owned by the runner's event loop.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "core/lock/messages.h"
#include "core/ports/random.h"
#include "firmware/lock_firmware.h"
#include "protocol/envelope.h"
#include "sim/lock_hardware.h"
#include "sim/scenario.h"
#include "sim/world/battery.h"
#include "sim/world/rng.h"

namespace lw::sim {

/// What a device wants published, in this order: result, state, telemetry, events.
struct DeviceOutput {
  std::optional<core::CommandResult> result;
  std::optional<core::StateReport> state;
  std::optional<core::Telemetry> telemetry;
  std::vector<core::DeviceEvent> events;  // in seq order

  [[nodiscard]] bool empty() const { return !result && !state && events.empty() && !telemetry; }
};

class DeviceModel {
 public:
  virtual ~DeviceModel() = default;

  [[nodiscard]] virtual const core::LockAddress& address() const = 0;
  /// The telemetry cadence the device promises.
  [[nodiscard]] virtual Duration heartbeat() const = 0;
  /// MQTT keep-alive the device asks the broker for, seconds.
  [[nodiscard]] virtual int keepalive_s() const = 0;
  /// True while the device has power and so wants a broker connection.
  [[nodiscard]] virtual bool powered() const = 0;
  /// True while the device publishes; false while its radio firmware hangs.
  /// A powered device that does not publish keeps its connection open.
  [[nodiscard]] virtual bool publishing() const = 0;

  /// Just (re)connected: the state and telemetry to publish first.
  virtual DeviceOutput on_connected(Timestamp now) = 0;
  /// One heartbeat interval passed: what is periodically due (telemetry).
  virtual DeviceOutput tick(Timestamp now) = 0;
  /// A payload arrived on the command topic. nullopt when the device did not
  /// take it in (no power, or hung radio firmware).
  virtual std::optional<DeviceOutput> on_command(std::string_view payload, Timestamp now) = 0;
  /// A person uses the door. Nothing happens to a device without power.
  virtual DeviceOutput on_traffic(const ScenarioTraffic& traffic, Timestamp now) = 0;
  /// A fault from the scenario's timeline (fault.lock is this device).
  virtual DeviceOutput apply_fault(const ScenarioFault& fault, Timestamp now) = 0;
};

/// A plain Wi-Fi lock: the firmware core (firmware::LockFirmware) on a pack
/// of cells (world::BatteryPack), trusting one hub key. Its radio link is the
/// runner's MQTT client; the signal it reports is the scenario's.
class FirmwareLockModel final : public DeviceModel {
 public:
  /// The lock as the scenario describes it, powered on at `now`, trusting no key yet.
  FirmwareLockModel(const ScenarioLock& lock, Timestamp now);

  /// Trusts `key` under `key_id` for commands. Errors: as firmware::LockFirmware::enroll.
  Result<void> enroll(std::string_view key_id, const protocol::PublicKey& key) {
    return fw_->enroll(key_id, key);
  }

  [[nodiscard]] const core::LockAddress& address() const override { return address_; }
  [[nodiscard]] Duration heartbeat() const override { return fw_->heartbeat(); }
  [[nodiscard]] int keepalive_s() const override { return keepalive_s_; }
  [[nodiscard]] bool powered() const override { return fw_->powered(); }
  [[nodiscard]] bool publishing() const override { return fw_->powered() && !fw_->radio_hung(); }

  DeviceOutput on_connected(Timestamp now) override;
  DeviceOutput tick(Timestamp now) override;
  std::optional<DeviceOutput> on_command(std::string_view payload, Timestamp now) override;
  DeviceOutput on_traffic(const ScenarioTraffic& traffic, Timestamp now) override;
  DeviceOutput apply_fault(const ScenarioFault& fault, Timestamp now) override;

  /// The firmware, for inspection.
  [[nodiscard]] const firmware::LockFirmware& firmware() const { return *fw_; }

 private:
  /// Events the firmware produced go to the runner, which keeps and delivers them.
  std::vector<core::DeviceEvent> hand_over(std::vector<core::DeviceEvent> events);
  /// Whatever is still in the firmware's buffer.
  std::vector<core::DeviceEvent> take_events(Timestamp now);
  core::Telemetry telemetry(Timestamp now);

  core::LockAddress address_;
  std::string name_;
  int rssi_dbm_;
  int keepalive_s_;
  world::Rng rng_;
  world::BatteryPack battery_;
  BatterySupply supply_;
  core::SeededRandom random_;
  std::unique_ptr<firmware::LockFirmware> fw_;
};

/// The model for a scenario lock, powered on at `now` and enrolled with the hub
/// key. Every scenario lock is a Wi-Fi lock today.
/// Errors: invalid_argument (`hub_key_id` is not an id).
Result<std::unique_ptr<DeviceModel>> make_device_model(const ScenarioLock& lock, std::string_view hub_key_id,
                                                       const protocol::PublicKey& hub_key, Timestamp now);

}  // namespace lw::sim
