// A small deterministic random number generator: the same seed gives the same org and the same
// leads on every machine and compiler (std::uniform_int_distribution and friends do not promise
// that), so two runs, and the three contenders of one run, see identical data.
#pragma once

#include <cstddef>
#include <cstdint>

namespace leadroute::bench {

// SplitMix64 (Steele, Lea, Flood 2014): one 64-bit state, passes BigCrush, trivially seekable.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t next();
  // Uniform in [0, n); n > 0.
  uint64_t below(uint64_t n);
  // Uniform in [lo, hi], inclusive.
  int64_t between(int64_t lo, int64_t hi);
  // Uniform in [0, 1).
  double unit();
  bool chance(double p) { return unit() < p; }

 private:
  uint64_t state_;
};

// An independent stream for item `index` of kind `stream`: lead 17 is the same lead whether or
// not leads 0..16 were generated before it.
uint64_t stream_seed(uint64_t seed, uint64_t stream, uint64_t index);

// Picks an index from non-negative weights (at least one positive).
size_t pick_weighted(Rng& rng, const double* weights, size_t n);

}  // namespace leadroute::bench
