#include "adapters/system/sodium_random.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace lw::adapters {

SodiumRandom::SodiumRandom() {
  if (sodium_init() < 0) {
    std::fprintf(stderr, "lockwarden: libsodium failed to initialise\n");
    std::abort();
  }
}

std::uint64_t SodiumRandom::next_u64() {
  std::uint64_t v = 0;
  randombytes_buf(&v, sizeof v);
  return v;
}

}  // namespace lw::adapters
