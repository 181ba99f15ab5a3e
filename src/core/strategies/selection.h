// The numbers behind least-loaded and performance routing, as pure functions.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <optional>

namespace leadroute {

// A small, portable, seedable generator (splitmix64): the same seed gives the same draws on every
// machine, which std:: distributions do not promise.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  double uniform();  // (0, 1)
  double normal();
  double gamma(double shape);  // Marsaglia and Tsang
  double beta(double a, double b);

 private:
  uint64_t state_;
};

// Capacity-based routing: open leads relative to the rep's weight and cap. Lower is less loaded.
double load_score(int open_leads, double weight, std::optional<int32_t> max_open_leads);

// Performance routing (Thompson sampling on a Beta posterior shrunk toward the pool's rate):
// a rep's conversion rate is drawn from Beta(converted + m·p, lost + m·(1 − p)), where p is the
// pool's rate and m = kPerformancePriorWeight pseudo-leads. One lucky win barely moves it; reps
// without history draw from the pool's rate, so new and unlucky reps keep getting leads.
constexpr double kPerformancePriorWeight = 20.0;
// Share of leads given to a uniformly random eligible member: a rep whose record is confidently
// poor still gets leads and the chance to improve it.
constexpr double kPerformanceExploration = 0.1;
struct RepOutcomes {
  int64_t converted = 0;
  int64_t lost = 0;
};
double shrunk_rate(const RepOutcomes& rep, double pool_rate);
double sample_rate(const RepOutcomes& rep, double pool_rate, Rng& rng);
double pool_rate(int64_t converted, int64_t decided);

}  // namespace leadroute
