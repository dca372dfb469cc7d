// A Z-Wave JS UI message as the hub hears it (docs/integrations.md): the
// topic is sorted under the gateway's prefix (named and value_id styles),
// then the payload decoded by its kind — a node's value (and what it means
// for a lock), status, lastActive, nodeinfo, the gateway's status and
// version. Input: topic, newline, payload.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_input.h"
#include "protocol/ecosystem/zwave_js_ui.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lw;
  using namespace lw::protocol;
  using K = ZwaveTopicKind;
  static const ZwaveTopics topics;  // prefix "zwave"
  const fuzz::Message m = fuzz::split_message(fuzz::as_text(data, size));
  auto topic = topics.classify(m.topic);
  if (!topic) return 0;
  switch (topic->kind) {
    case K::value:
      LW_FUZZ_CHECK(topic->value.has_value());
      if (auto value = fuzz::checked(decode_zwave_value(m.payload)))
        (void)fuzz::checked(interpret_zwave_lock_value(*topic->value, *value));
      break;
    case K::node_status: (void)fuzz::checked(decode_zwave_node_status(m.payload)); break;
    case K::node_last_active: (void)fuzz::checked(decode_zwave_last_active(m.payload)); break;
    case K::node_info: (void)fuzz::checked(decode_zwave_node_info(m.payload)); break;
    case K::gateway_status:
    case K::driver_status: (void)fuzz::checked(decode_zwave_gateway_status(m.payload)); break;
    case K::gateway_version: (void)fuzz::checked(decode_zwave_gateway_version(m.payload)); break;
    case K::gateway_api_result:
    case K::gateway_other:
    case K::gateway_event:
    case K::write_request:
    case K::other: break;
  }
  return 0;
}
