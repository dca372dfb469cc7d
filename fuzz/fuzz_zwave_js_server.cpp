// One zwave-js-server WebSocket message as the hub's Z-Wave JS adapter reads
// it (docs/integrations.md, "Z-Wave JS"): decoded, and every value in it
// interpreted as a lock's value. Errors must name a field in one bounded line.
// Input: the message text.
#include <cstddef>
#include <cstdint>
#include <variant>

#include "fuzz/fuzz_input.h"
#include "protocol/ecosystem/zwave_js_server.h"

namespace {

void interpret(const lw::protocol::ZwsValue& v) {
  if (auto u = lw::fuzz::checked(lw::protocol::interpret_zwave_lock_value(v.address(), v.value))) {
    if (u->battery_pct) LW_FUZZ_CHECK(*u->battery_pct >= 0 && *u->battery_pct <= 100);
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lw::protocol;
  auto m = lw::fuzz::checked(decode_zws_message(lw::fuzz::as_text(data, size)));
  if (!m) return 0;
  if (const auto* r = std::get_if<ZwsResult>(&*m); r != nullptr && r->nodes) {
    for (const ZwsNode& n : *r->nodes) {
      LW_FUZZ_CHECK(n.node_id >= 1 && n.node_id <= 4000);
      for (const ZwsValue& v : n.values) interpret(v);
    }
  }
  if (const auto* e = std::get_if<ZwsEvent>(&*m)) {
    if (e->value) interpret(*e->value);
    if (e->node) {
      for (const ZwsValue& v : e->node->values) interpret(v);
    }
    if (e->rssi_dbm) LW_FUZZ_CHECK(*e->rssi_dbm >= -128 && *e->rssi_dbm <= -1);
  }
  return 0;
}
