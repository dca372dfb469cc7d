// The hub's config file (docs/configuration.md) as `lockwarden serve --config`
// reads it: TOML parsed, then every table and key checked by StrictTable.
// Input: the file's text.
#include <cstddef>
#include <cstdint>

#include "app/config.h"
#include "fuzz/fuzz_input.h"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)lw::fuzz::checked(lw::app::parse_hub_config(lw::fuzz::as_text(data, size), "fuzz.toml"), 600);
  return 0;
}
