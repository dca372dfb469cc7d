// The Nuki Smart Lock's own MQTT API (Smart Lock 3.0 Pro and 4.0, MQTT API
// specification v1.4) as lockwarden reads and writes it: every topic sits
// under nuki/<deviceId>/ and every payload is plain text (a number, "true" or
// "false", or a comma-separated list). Pure decoders and encoders (no I/O,
// no clock) for the Nuki adapter. Formats: research notes
// ecosystem-formats.md section 4.
//
// Errors are invalid_argument and name the topic's leaf without echoing the
// value: "state: must be an integer 0..255", "connected: must be true or
// false", "lockActionEvent: must be 4 or 5 comma-separated integers".
//
// Threading: pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "core/lock/vocabulary.h"

namespace lw::protocol {

/// The first level of every Nuki topic.
inline constexpr std::string_view kNukiBase = "nuki";

// --- topics -------------------------------------------------------------------

enum class NukiTopicKind {
  device_type,                  ///< deviceType: 0 Smart Lock, 2 Opener, 3 Smart Door, 4 Smart Lock 3.0 (Pro)
  name,                         ///< name: the name given in the Nuki app
  firmware,                     ///< firmware: "3.4.12"
  mode,                         ///< mode: 2 door mode (3 continuous, Opener)
  state,                        ///< state: the lock state, a number
  battery_critical,             ///< batteryCritical: true / false
  battery_charge_state,         ///< batteryChargeState: percent
  battery_charging,             ///< batteryCharging: true / false
  keypad_battery_critical,      ///< keypadBatteryCritical
  doorsensor_state,             ///< doorsensorState: a number
  doorsensor_battery_critical,  ///< doorsensorBatteryCritical
  ring_action_timestamp,        ///< ringactionTimestamp (Opener)
  server_connected,             ///< serverConnected: connected to the Nuki server
  timestamp,                    ///< timestamp: of the last update
  connected,                    ///< connected: to the broker; its Last Will is false
  lock_action,                  ///< lockAction: a command (ours; not input)
  lock,                         ///< lock: "true" commands a lock (ours)
  unlock,                       ///< unlock: "true" commands an unlock (ours)
  command_response,             ///< commandResponse: 0 success, 1..255 a Bluetooth API error
  lock_action_event,            ///< lockActionEvent: who did what
  other,                        ///< any other leaf under nuki/<deviceId>/
};

struct NukiTopic {
  std::string device_id;  ///< "2BB28570": the Nuki id in hex, as printed on the lock
  NukiTopicKind kind{NukiTopicKind::other};
};

/// nuki/<deviceId>/<leaf>; nullopt when the topic is not of that shape.
std::optional<NukiTopic> classify_nuki_topic(std::string_view topic);

/// nuki/<deviceId>/<leaf> for a leaf such as "lockAction".
std::string nuki_topic(std::string_view device_id, std::string_view leaf);

// --- payloads -------------------------------------------------------------------

/// "true" / "false" (surrounding white space ignored). `what` names the leaf in errors.
Result<bool> decode_nuki_flag(std::string_view what, std::string_view payload);

/// A decimal integer lo..hi. `what` names the leaf in errors.
Result<int> decode_nuki_number(std::string_view what, std::string_view payload, int lo, int hi);

/// `state` 0..255 in domain words: 1 locked; 3 unlocked and 6 unlocked (lock
/// 'n' go); 5 unlatched; 254 motor blocked -> jammed; 0 uncalibrated and 255
/// undefined -> unknown. nullopt for the moves in progress (2 unlocking, 4
/// locking, 7 unlatching) and 253 (boot run): they say nothing settled.
std::optional<core::LockState> nuki_lock_state(int state);

/// `doorsensorState` in domain words: 2 closed, 3 opened; 1 deactivated, 4
/// unknown, 5 calibrating, 16 uncalibrated, 240 tampered or removed and 255
/// -> unknown (240 is told apart by the adapter: a tamper alarm).
core::DoorState nuki_door_state(int state);
inline constexpr int kNukiDoorSensorTampered = 240;
inline constexpr int kNukiMotorBlocked = 254;

/// One lockActionEvent: "LockAction,Trigger,Auth-ID,Code-ID[,extra]", published
/// when a lock action is about to run. Unsuccessful keypad entries and
/// commands outside a time window are not published (spec v1.4).
struct NukiLockActionEvent {
  int action{0};   ///< 1 unlock .. 6 full lock; 80 fob, 90 button (plus the action they ran)
  int trigger{0};  ///< 0 system / Bluetooth, 2 button, 3 automatic, 6 auto lock, 171 HomeKit, 172 MQTT
  int auth_id{0};  ///< the user's Auth-ID; 0 none
  int code_id{0};  ///< the keypad code's id; 0 unknown
  /// Auto-unlock (0/1), button presses (button and fob) or keypad source
  /// (0 back key, 1 code, 2 fingerprint), depending on the action.
  std::optional<int> extra;
};
Result<NukiLockActionEvent> decode_nuki_lock_action_event(std::string_view payload);

/// What a lockActionEvent means in domain words.
struct NukiOperation {
  /// 1 unlock and 4 lock 'n' go (it unlocks first) -> unlock; 2 lock and 6
  /// full lock -> lock; 3 unlatch and 5 lock 'n' go with unlatch -> unlatch;
  /// nullopt for a fob or button press without an action (80, 90).
  std::optional<core::LockAction> operation;
  /// Keypad when the trigger is 255 or a Code-ID is given; else by trigger:
  /// 0 phone (a Bluetooth command), 1 manual, 2 button, 3 schedule, 6
  /// auto_relock, 171 and 172 remote (HomeKit, MQTT); a fob (81..86) remote,
  /// the button (91..96) button.
  core::OperationSource source{core::OperationSource::unknown};
  /// "<Auth-ID>" when not 0, else "code <Code-ID>" when not 0.
  std::optional<std::string> user;
};
NukiOperation interpret_nuki_lock_action_event(const NukiLockActionEvent& e);

/// The `lockAction` payload for a domain action: "1" unlock, "2" lock, "3" unlatch.
std::string encode_nuki_lock_action(core::LockAction action);

}  // namespace lw::protocol
