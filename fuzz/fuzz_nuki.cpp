// A Nuki MQTT message as the hub's Nuki adapter receives it
// (docs/integrations.md): nuki/<deviceId>/<leaf>, then the leaf's payload —
// a number, a flag or the lockActionEvent list — decoded and interpreted.
// Input: topic, newline, payload.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_input.h"
#include "protocol/ecosystem/nuki.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lw;
  using namespace lw::protocol;
  using K = NukiTopicKind;
  const fuzz::Message m = fuzz::split_message(fuzz::as_text(data, size));
  auto topic = classify_nuki_topic(m.topic);
  if (!topic) return 0;
  switch (topic->kind) {
    case K::state:
      if (auto code = fuzz::checked(decode_nuki_number("state", m.payload, 0, 255)))
        (void)nuki_lock_state(*code);
      break;
    case K::doorsensor_state:
      if (auto code = fuzz::checked(decode_nuki_number("doorsensorState", m.payload, 0, 255)))
        (void)nuki_door_state(*code);
      break;
    case K::battery_charge_state:
      if (auto pct = fuzz::checked(decode_nuki_number("batteryChargeState", m.payload, 0, 100))) {
        LW_FUZZ_CHECK(*pct >= 0 && *pct <= 100);
      }
      break;
    case K::command_response:
    case K::device_type:
    case K::mode:
    case K::ring_action_timestamp:
    case K::timestamp: (void)fuzz::checked(decode_nuki_number("number", m.payload, 0, 255)); break;
    case K::connected:
    case K::battery_critical:
    case K::battery_charging:
    case K::keypad_battery_critical:
    case K::doorsensor_battery_critical:
    case K::server_connected:
    case K::lock:
    case K::unlock: (void)fuzz::checked(decode_nuki_flag("flag", m.payload)); break;
    case K::lock_action_event:
      if (auto e = fuzz::checked(decode_nuki_lock_action_event(m.payload)))
        (void)interpret_nuki_lock_action_event(*e);
      break;
    case K::name:
    case K::firmware:
    case K::lock_action:
    case K::other: break;
  }
  // The topic the adapter would publish back to this device is well formed.
  const std::string back = nuki_topic(topic->device_id, "lockAction");
  auto again = classify_nuki_topic(back);
  LW_FUZZ_CHECK(again && again->device_id == topic->device_id && again->kind == K::lock_action);
  return 0;
}
