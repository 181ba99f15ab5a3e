// Latency percentiles (nearest rank, the definition PostgreSQL's percentile_disc uses).
#pragma once

#include <cstddef>
#include <vector>

namespace leadroute::bench {

struct Percentiles {
  size_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

// Sorts `samples` in place.
Percentiles percentiles(std::vector<double>& samples);

// The median of a few values (rounds of one scenario); 0 for none.
double median(std::vector<double> values);

}  // namespace leadroute::bench
