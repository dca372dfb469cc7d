// What lockwarden asks of Zigbee2MQTT (Z2M) and how Z2M says a request
// failed: the payloads of <base>/<name>/set and <base>/<name>/get for a ZCL
// door lock (lock, unlock, read the state, set or clear a PIN code), the
// decoder the simulator reads them with, and what a failure line of
// bridge/logging says about the request and the lock's radio. Formats:
// research notes ecosystem-formats.md 1.3 (commands) and 1.7 (failure lines).
//
// Z2M commands carry no signature of lockwarden's: what protects them on the
// air is Zigbee's own network and link security, and on the broker its access
// control.
//
// Threading: pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "core/diagnosis/bridge_log.h"
#include "core/lock/credentials.h"
#include "core/lock/vocabulary.h"
#include "protocol/ecosystem/zigbee2mqtt.h"

namespace lw::protocol {

// --- /set and /get ----------------------------------------------------------------

/// {"state":"LOCK"} or {"state":"UNLOCK"}, for <base>/<name>/set.
/// Errors: invalid_argument ("action: a Zigbee door lock has no unlatch") for
/// unlatch: the ZCL DoorLock cluster Z2M drives has lock and unlock only.
Result<std::string> encode_z2m_lock_command(core::LockAction action);

/// {"state":""}, for <base>/<name>/get: Z2M reads lockState from the lock,
/// and the lock's answer arrives as a device report.
std::string encode_z2m_state_read();

/// `user_type` of a PIN code (zigbee-herdsman-converters `pincode_lock`).
enum class Z2mUserType { unrestricted, year_day_schedule, week_day_schedule, master, non_access };
std::string_view to_string(Z2mUserType v) noexcept;

/// One PIN slot of the lock.
struct Z2mPinCode {
  int user{1};  ///< the slot, 0..65535 (the lock's pinCodeCount bounds it further)
  Z2mUserType user_type{Z2mUserType::unrestricted};
  bool enabled{true};
  /// The digits, 4..10 of them, kept as text so leading zeros survive;
  /// nullopt clears the slot.
  std::optional<std::string> pin;
};

/// {"pin_code":{"user":1,"user_type":"unrestricted","user_enabled":true,"pin_code":"1234"}},
/// or {"pin_code":{"user":1,"pin_code":null}} to clear the slot.
/// Errors: invalid_argument naming the field ("pin_code.user: must be an
/// integer 0..65535", "pin_code.pin_code: must be 4..10 digits").
Result<std::string> encode_z2m_pin_code(const Z2mPinCode& code);

/// {"pin_code":{"user":N}}, for <base>/<name>/get: Z2M asks the lock for
/// that slot (getPinCode), and the answer arrives in the device report's
/// `users`. Errors: invalid_argument ("pin_code.user: must be an integer 0..65535").
Result<std::string> encode_z2m_pin_read(int user);

/// {"auto_relock_time":30,"sound_volume":"low_volume"}, for <base>/<name>/set:
/// the lock's settings a ZCL door lock has (zigbee-herdsman-converters
/// `lock_auto_relock_time`, `lock_sound_volume`); Z2M writes the attributes
/// and publishes the new values in the device's state. Errors:
/// invalid_argument naming the setting a Zigbee lock lacks
/// ("settings.wrong_code_entry_limit: a Zigbee door lock behind Zigbee2MQTT
/// has no such setting"), or "settings: names no setting".
Result<std::string> encode_z2m_settings(const core::LockSettings& settings);

/// {"auto_relock_time":"","sound_volume":""}, for <base>/<name>/get: Z2M reads
/// both attributes, and the answers arrive in the device's state.
std::string encode_z2m_settings_read();

/// What a /get payload asks: the lock state, one PIN slot, the settings.
struct Z2mGetRequest {
  bool state{false};            ///< "state" is present
  std::optional<int> pin_user;  ///< "pin_code": {"user": N}
  bool settings{false};         ///< "auto_relock_time" or "sound_volume" is present
};
/// Reads a /get payload (at most 4 KiB). Errors: invalid_argument naming the
/// field ("get.pin_code.user: missing").
Result<Z2mGetRequest> decode_z2m_get(std::string_view payload);

/// What a /set payload asks, as a lock behind Z2M would take it.
struct Z2mSetRequest {
  std::optional<core::LockAction> lock;  ///< "state": LOCK / UNLOCK
  std::optional<Z2mPinCode> pin_code;
  std::optional<int> auto_relock_time;  ///< seconds, 0..65535
  std::optional<core::SoundVolume> sound_volume;
};
/// Reads a /set payload (at most 4 KiB). Fields other than state, pin_code,
/// auto_relock_time and sound_volume are ignored. Errors: invalid_argument
/// naming the field ("set.state: must be LOCK or UNLOCK", "set.pin_code.user:
/// missing", "set.sound_volume: must be one of silent_mode, low_volume, high_volume").
Result<Z2mSetRequest> decode_z2m_set(std::string_view payload);

// --- OTA updates (ecosystem-formats.md 1.6) ----------------------------------------

/// {"id":"<friendly name>"}, for <base>/bridge/request/device/ota_update/update:
/// Zigbee2MQTT installs the update it found for the device.
std::string encode_z2m_ota_update(std::string_view device);

/// Zigbee2MQTT's answer on <base>/bridge/response/device/ota_update/update.
struct Z2mOtaResponse {
  std::string device;  ///< data.id: the friendly name (or IEEE address) asked
  bool ok{false};      ///< status "ok": the update was installed
  std::string error;   ///< status "error": why ("Device didn't respond to OTA request", ...)
};
/// Reads that answer (at most 16 KiB). Errors: invalid_argument naming the
/// field ("ota_update.status: must be ok or error", "ota_update.data.id: missing").
Result<Z2mOtaResponse> decode_z2m_ota_response(std::string_view payload);

// --- failures in bridge/logging ---------------------------------------------------

/// A request to a device that failed, as the line tells it.
struct Z2mFailedRequest {
  std::string device;  ///< the friendly name
  /// "set" / "get" for "Publish 'set' 'state' to ...", "ping" for a failed
  /// availability ping, "read" for a read after a reconnect.
  std::string type;
  std::string key;  ///< "state" for a lock command or state read; empty for ping and read
};
/// nullopt when the line is not a failed request to a named device.
std::optional<Z2mFailedRequest> z2m_failed_request(const Z2mLogLine& line);

/// What the line's stack status says about the device's radio, for the lock
/// doctor: 205 no network route, 233 MAC no ack and 240 MAC transaction
/// expired say the route is gone; 225 MAC channel access failure says the
/// channel is busy; anything else (or no status) says nothing.
std::optional<core::BridgeLog> z2m_radio_status(const Z2mLogLine& line);

}  // namespace lw::protocol
