// SodiumRandom: the live implementation of core::Random, from libsodium's
// randombytes (the OS CSPRNG).
// Threading: thread-safe.
#pragma once

#include "core/ports/random.h"

namespace lw::adapters {

class SodiumRandom final : public core::Random {
 public:
  SodiumRandom();
  std::uint64_t next_u64() override;
};

}  // namespace lw::adapters
