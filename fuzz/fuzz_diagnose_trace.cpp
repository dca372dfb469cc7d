// A recorded trace as `lockwarden diagnose --trace` replays it
// (docs/diagnosis.md): JSON lines of {"ts_ms","topic","payload"}, heard as
// the hub hears native or Zigbee2MQTT traffic, fed to the health engine and
// the lock doctor on virtual time, then printed as text and JSON.
// Input: the first byte picks the format (even: native, odd: zigbee2mqtt),
// the rest is the trace.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "app/diagnose_command.h"
#include "fuzz/fuzz_input.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  lw::app::DiagnoseOptions options;
  options.format = (data[0] & 1) != 0 ? "zigbee2mqtt" : "native";
  std::istringstream in(std::string(lw::fuzz::as_text(data + 1, size - 1)));
  std::ostringstream out;
  std::ostringstream err;
  const lw::app::Diagnosis diagnosis = lw::app::diagnose_trace(in, "fuzz.jsonl", options, err);
  lw::app::print_diagnosis(diagnosis, false, out);
  lw::app::print_diagnosis(diagnosis, true, out);
  return 0;
}
