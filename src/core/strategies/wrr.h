// Smooth weighted round-robin (nginx's algorithm): over one period every member gets exactly its
// weighted share, spread out rather than in bursts. Weights 5,1,1 give a a b a c a a.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <vector>

namespace leadroute {

// Integer weights proportional to `weights` (positive reals, honored to 1/1000), reduced by their
// greatest common divisor and scaled down if the period would exceed `max_period`.
std::vector<uint64_t> integer_weights(const std::vector<double>& weights, uint64_t max_period);

// One period of the schedule: member indexes, length = sum of the integer weights.
std::vector<uint32_t> smooth_wrr_schedule(const std::vector<uint64_t>& weights);

// The slot a ticket lands on: tickets count from 1 (a sequence's first value), slots from 0.
inline uint64_t ticket_slot(int64_t ticket, uint64_t period) {
  if (period == 0) return 0;
  uint64_t t = static_cast<uint64_t>(ticket - 1);
  return t % period;
}

}  // namespace leadroute
