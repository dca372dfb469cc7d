// A Zigbee2MQTT message as the hub's Zigbee2MQTT adapter (and the simulated
// bridge, for /set) receives it (docs/integrations.md): the topic is sorted under
// the base topic, then the payload decoded by its kind — device state,
// availability, action, /set, bridge state, info, event, logging (with the log
// line's failure and radio reading) and devices. Input: topic, newline, payload.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_input.h"
#include "protocol/ecosystem/zigbee2mqtt.h"
#include "protocol/ecosystem/zigbee2mqtt_requests.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lw;
  using namespace lw::protocol;
  static const Z2mTopics topics;  // base "zigbee2mqtt"
  const fuzz::Message m = fuzz::split_message(fuzz::as_text(data, size));
  auto topic = topics.classify(m.topic);
  if (!topic) return 0;
  switch (topic->kind) {
    case Z2mTopicKind::device:
      if (auto report = fuzz::checked(decode_z2m_device(m.payload))) {
        const Z2mLockView view = to_lock_view(*report, from_epoch_ms(1'700'000'000'000));
        if (view.telemetry.battery_pct) LW_FUZZ_CHECK(*view.telemetry.battery_pct >= 0);
        if (view.telemetry.battery_pct) LW_FUZZ_CHECK(*view.telemetry.battery_pct <= 100);
      }
      break;
    case Z2mTopicKind::device_availability: (void)fuzz::checked(decode_z2m_availability(m.payload)); break;
    case Z2mTopicKind::device_action:
      if (auto action = fuzz::checked(decode_z2m_action(m.payload)); action && *action) {
        (void)interpret_z2m_action(**action, std::nullopt);
        (void)interpret_z2m_action(**action, std::string_view(**action));
      }
      break;
    case Z2mTopicKind::device_set: (void)fuzz::checked(decode_z2m_set(m.payload)); break;
    case Z2mTopicKind::bridge_state: (void)fuzz::checked(decode_z2m_bridge_state(m.payload)); break;
    case Z2mTopicKind::bridge_info: (void)fuzz::checked(decode_z2m_bridge_info(m.payload)); break;
    case Z2mTopicKind::bridge_event: (void)fuzz::checked(decode_z2m_bridge_event(m.payload)); break;
    case Z2mTopicKind::bridge_logging:
    case Z2mTopicKind::bridge_log:
      if (auto line = fuzz::checked(decode_z2m_bridge_logging(m.payload))) {
        (void)z2m_failed_request(*line);
        (void)z2m_radio_status(*line);
      }
      break;
    case Z2mTopicKind::bridge_devices: (void)fuzz::checked(decode_z2m_bridge_devices(m.payload)); break;
    case Z2mTopicKind::device_get:
    case Z2mTopicKind::bridge_other:
    case Z2mTopicKind::other: break;
  }
  return 0;
}
