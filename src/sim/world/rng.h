// Rng: the world simulator's random source, SplitMix64 (Steele, Lea & Flood,
// "Fast splittable pseudorandom number generators", OOPSLA 2014). Every draw
// of the world (cell spread, shadowing, packet loss, door traffic) comes from
// an Rng seeded explicitly, so a seed always gives the same simulated world.
//
// The derived draws are built so that they give the same bits on every
// platform and standard library: std::*_distribution is not used (its output
// is implementation-defined), and neither are log/exp/cos, whose last bit may
// differ between math libraries.
//   uniform()      53 random bits scaled by 2^-53: exact.
//   normal()       Irwin–Hall: the sum of twelve 32-bit uniforms minus 6, summed
//                  as integers; mean 0, variance 1, bounded to ±6.
//   exponential()  von Neumann's method (comparisons of uniforms only).
//
// Example:
//   Rng rng(derive_seed(scenario_seed, "lock-7/battery"));
//   double spread = rng.uniform(-0.03, 0.03);
//
// Threading: plain value; give each consumer its own Rng.
#pragma once

#include <cstdint>
#include <string_view>

namespace lw::sim::world {

class Rng {
 public:
  explicit constexpr Rng(std::uint64_t seed) noexcept : state_(seed) {}

  /// The next raw 64-bit output.
  constexpr std::uint64_t next_u64() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  /// Uniform in [0, 1), in steps of 2^-53.
  constexpr double uniform() noexcept { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  /// Uniform in [lo, hi).
  constexpr double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }

  /// Uniform integer in [0, n); 0 when n is 0. Unbiased (rejection).
  constexpr std::uint64_t below(std::uint64_t n) noexcept {
    if (n == 0) return 0;
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x = next_u64();
    while (x >= limit) x = next_u64();
    return x % n;
  }

  /// True with probability p (p <= 0: never, p >= 1: always).
  constexpr bool chance(double p) noexcept { return uniform() < p; }

  /// Approximately standard normal: mean 0, variance 1, within ±6 (Irwin–Hall
  /// with twelve terms; the CDF is within 0.0025 of the normal's). Six raw draws.
  constexpr double normal() noexcept {
    std::uint64_t sum = 0;
    for (int i = 0; i < 6; ++i) {
      const std::uint64_t x = next_u64();
      sum += (x >> 32) + (x & 0xffffffffULL);
    }
    // sum / 2^32 is a sum of twelve uniforms in [0, 1); its mean is 6.
    return static_cast<double>(static_cast<std::int64_t>(sum) - (std::int64_t{6} << 32)) * 0x1.0p-32;
  }

  /// Normal with the given mean and standard deviation.
  constexpr double normal(double mean, double stddev) noexcept { return mean + stddev * normal(); }

  /// Exponential with mean 1 (von Neumann 1951; Devroye, "Non-Uniform Random
  /// Variate Generation", IV.2): a run of decreasing uniforms of odd length
  /// accepts its first value x with probability e^-x; each rejection adds 1.
  /// About six uniforms per draw on average.
  constexpr double exponential() noexcept {
    double whole = 0;
    for (;;) {
      const double first = uniform();
      double last = first;
      int run = 1;
      for (;;) {
        const double u = uniform();
        if (u >= last) break;
        last = u;
        ++run;
      }
      if (run % 2 == 1) return whole + first;
      whole += 1;
    }
  }

  /// Exponential with the given mean.
  constexpr double exponential(double mean) noexcept { return mean * exponential(); }

 private:
  std::uint64_t state_;
};

/// A seed for one named consumer, derived from a run's seed (FNV-1a of the
/// name, mixed with the seed), so adding a consumer does not shift the numbers
/// every other consumer sees.
constexpr std::uint64_t derive_seed(std::uint64_t seed, std::string_view name) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return Rng(seed ^ h).next_u64();
}

}  // namespace lw::sim::world
