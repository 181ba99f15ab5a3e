// Time across the boundary.
#pragma once

#include <cstdint>

#include "pg/boundary/pg.h"

namespace leadroute::pg {

// PostgreSQL counts time from 2000-01-01, the core from 1970-01-01 (microseconds both): every
// crossing of the boundary goes through these two.
constexpr int64_t kUnixEpochShiftUs = 946684800LL * 1000000LL;
constexpr TimestampTz to_pg(int64_t unix_us) {
  return static_cast<TimestampTz>(unix_us - kUnixEpochShiftUs);
}
constexpr int64_t to_unix(TimestampTz ts) {
  return static_cast<int64_t>(ts) + kUnixEpochShiftUs;
}

}  // namespace leadroute::pg
