// A REST request as the hub's HTTP server hands it on (docs/api.md): the
// request target is split and percent-decoded, then dispatched through the
// real router and API routes over a Hub holding one lock (home/front) with an action and a case, so
// path matching, {id} parsing, query strings (limits, history ranges, ISO
// times) and JSON request bodies are all read from fuzzed bytes.
// Input: "<METHOD> <target>" on the first line, the body after it.
//
// Properties: every answer has a status 200..599, and a JSON answer is JSON.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/http/api_routes.h"
#include "adapters/http/history_query.h"
#include "adapters/http/router.h"
#include "core/hub/hub.h"
#include "fuzz/fuzz_input.h"
#include "tests/support/memory_store.h"
#include "tests/support/recording_device_link.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lw;
  using namespace lw::adapters::http;
  constexpr Timestamp kNow = from_epoch_ms(1'772'352'000'000);  // 2026-03-01T08:00:00Z

  const fuzz::Message m = fuzz::split_message(fuzz::as_text(data, size));
  const auto space = m.topic.find(' ');
  if (space == std::string_view::npos) return 0;
  Request request;
  request.method = std::string(m.topic.substr(0, space));
  request.body = std::string(m.payload);
  if (!fuzz::checked(parse_target(m.topic.substr(space + 1), request))) return 0;
  for (const auto& [name, value] : request.query) (void)parse_time_param(value);
  (void)fuzz::checked(parse_history_query(request, kNow));

  core::ManualClock clock{kNow};
  core::MemoryStore store;
  testing::RecordingDeviceLink link;
  core::NullEventSink sink;
  core::SeededRandom random{7};
  core::Hub hub{clock, store, link, sink, random, core::HubOptions{}};
  LW_FUZZ_CHECK(hub.load().has_value());
  core::Telemetry telemetry;
  telemetry.ts = kNow;
  telemetry.battery_pct = 80;
  LW_FUZZ_CHECK(hub.on_telemetry({"home", "front"}, telemetry).has_value());
  core::DeviceEvent jam;  // opens a doctor case (id 1), so /cases/1/... reach the doctor
  jam.seq = 1;
  jam.ts = kNow;
  jam.kind = core::DeviceEventKind::alarm;
  jam.alarm = "jammed";
  (void)hub.on_event({"home", "front"}, jam);
  (void)hub.request_action("front", core::LockAction::unlock);
  Router router;
  add_api_routes(router, hub);

  const Response response = router.dispatch(request);
  LW_FUZZ_CHECK(response.status >= 200 && response.status <= 599);
  if (response.content_type == "application/json" && !response.stream) {
    boost::json::error_code ec;
    (void)boost::json::parse(response.body, ec);
    LW_FUZZ_CHECK(!ec);
  }
  return 0;
}
