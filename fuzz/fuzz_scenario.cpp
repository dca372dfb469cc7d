// A scenario file (docs/scenarios.md) as `lockwarden sim`, `demo` and the
// benchmarks read it: TOML parsed, then every table and field checked.
// Input: the file's text.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_input.h"
#include "sim/scenario.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)lw::fuzz::checked(lw::sim::parse_scenario(lw::fuzz::as_text(data, size), "fuzz.toml"));
  return 0;
}
