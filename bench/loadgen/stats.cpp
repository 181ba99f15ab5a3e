#include "stats.h"

#include <algorithm>
#include <cmath>

namespace leadroute::bench {

namespace {

double nearest_rank(const std::vector<double>& sorted, double q) {
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::max<size_t>(rank, 1) - 1];
}

}  // namespace

Percentiles percentiles(std::vector<double>& samples) {
  Percentiles p;
  p.count = samples.size();
  if (samples.empty()) return p;
  std::sort(samples.begin(), samples.end());
  p.p50 = nearest_rank(samples, 0.50);
  p.p90 = nearest_rank(samples, 0.90);
  p.p99 = nearest_rank(samples, 0.99);
  p.max = samples.back();
  double sum = 0;
  for (double s : samples) sum += s;
  p.mean = sum / static_cast<double>(samples.size());
  return p;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace leadroute::bench
