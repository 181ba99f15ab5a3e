#include "core/strategies/selection.h"

#include <cmath>

namespace leadroute {

uint64_t Rng::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double Rng::uniform() {
  // 53 random bits, never exactly 0 or 1.
  return (static_cast<double>(next() >> 11) + 0.5) / 9007199254740992.0;
}

double Rng::normal() {
  double u1 = uniform(), u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

double Rng::gamma(double shape) {
  if (shape < 1.0) return gamma(shape + 1.0) * std::pow(uniform(), 1.0 / shape);
  double d = shape - 1.0 / 3.0;
  double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = normal();
    double v = 1.0 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    double u = uniform();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double Rng::beta(double a, double b) {
  double x = gamma(a);
  double y = gamma(b);
  return x / (x + y);
}

double load_score(int open_leads, double weight, std::optional<int32_t> max_open_leads) {
  double w = weight > 0 ? weight : 1.0;
  double capacity =
      max_open_leads && *max_open_leads > 0 ? static_cast<double>(*max_open_leads) : 1.0;
  return static_cast<double>(open_leads) / (w * capacity);
}

double pool_rate(int64_t converted, int64_t decided) {
  // Laplace's rule: an empty history is a coin flip, not zero.
  return (static_cast<double>(converted) + 1.0) / (static_cast<double>(decided) + 2.0);
}

double shrunk_rate(const RepOutcomes& rep, double p) {
  double m = kPerformancePriorWeight;
  return (static_cast<double>(rep.converted) + m * p) /
         (static_cast<double>(rep.converted + rep.lost) + m);
}

double sample_rate(const RepOutcomes& rep, double p, Rng& rng) {
  double m = kPerformancePriorWeight;
  return rng.beta(static_cast<double>(rep.converted) + m * p,
                  static_cast<double>(rep.lost) + m * (1.0 - p));
}

}  // namespace leadroute
