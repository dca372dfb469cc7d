// Rng: a small deterministic random source (SplitMix64) whose numbers are the
// same on every platform and standard library, so a seed always gives the
// same simulated world. std::*_distribution is not used: its output is
// implementation-defined.
//
// Threading: plain value; one per consumer.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace lw::sim::physics {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  /// Standard normal (Box–Muller).
  double normal() {
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  /// Exponentially distributed with mean `mean`.
  double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }
  bool chance(double p) { return uniform() < p; }

 private:
  std::uint64_t state_;
};

/// A stable 64-bit hash of a name (FNV-1a), to derive per-thing seeds.
constexpr std::uint64_t hash_name(std::string_view s, std::uint64_t seed = 0xcbf29ce484222325ULL) {
  std::uint64_t h = seed;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace lw::sim::physics
