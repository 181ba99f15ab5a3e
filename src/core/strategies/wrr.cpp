#include "core/strategies/wrr.h"

#include <cmath>
#include <numeric>

namespace leadroute {

std::vector<uint64_t> integer_weights(const std::vector<double>& weights, uint64_t max_period) {
  std::vector<uint64_t> out;
  out.reserve(weights.size());
  for (double w : weights) {
    double scaled = std::round(w * 1000.0);
    out.push_back(scaled < 1 ? 1 : static_cast<uint64_t>(scaled));
  }
  uint64_t g = 0;
  for (uint64_t w : out) g = std::gcd(g, w);
  if (g > 1)
    for (uint64_t& w : out) w /= g;
  uint64_t total = 0;
  for (uint64_t w : out) total += w;
  if (max_period > 0 && total > max_period) {
    // Keep proportions as closely as the period allows; every member keeps at least one slot.
    double factor = static_cast<double>(max_period) / static_cast<double>(total);
    for (uint64_t& w : out) {
      double scaled = std::round(static_cast<double>(w) * factor);
      w = scaled < 1 ? 1 : static_cast<uint64_t>(scaled);
    }
    g = 0;
    for (uint64_t w : out) g = std::gcd(g, w);
    if (g > 1)
      for (uint64_t& w : out) w /= g;
  }
  return out;
}

std::vector<uint32_t> smooth_wrr_schedule(const std::vector<uint64_t>& weights) {
  uint64_t total = 0;
  for (uint64_t w : weights) total += w;
  std::vector<uint32_t> schedule;
  schedule.reserve(total);
  std::vector<int64_t> current(weights.size(), 0);
  for (uint64_t step = 0; step < total; ++step) {
    size_t best = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
      current[i] += static_cast<int64_t>(weights[i]);
      if (current[i] > current[best]) best = i;
    }
    current[best] -= static_cast<int64_t>(total);
    schedule.push_back(static_cast<uint32_t>(best));
  }
  return schedule;
}

}  // namespace leadroute
