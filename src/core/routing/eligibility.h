// Step 4a of routing (docs/architecture.md): can a rep take this lead now, and if not, why and
// who covers? Cheapest checks first (active, time off, working hours, skills); caps last, since
// they read the database and, when claiming, take the rep for this transaction.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/routing/route_context.h"

namespace leadroute {

struct Eligibility {
  bool ok = true;
  std::string why;
  std::optional<int64_t> cover;  // time-off backup, else the rep's backup
};

// With `claim`, a capped rep is taken for this transaction (busy when another has it).
Eligibility check(RouteContext& ctx, const Rep& rep, const Demand& demand, bool claim);

// The rep who covers for an unavailable rep, when that one can take the lead (claimed); nullptr
// otherwise (the cover's reason is listed in the trace).
const Rep* eligible_cover(RouteContext& ctx, const Rep& rep, const Eligibility& e,
                          const Demand& demand);

// A pool's active members in member order, each once, without the rep an escalation moves from.
std::vector<const Rep*> active_members(const RouteContext& ctx, const Pool& pool);

// A member's weight in the pool (1 when not a member).
double weight_of(const Pool& pool, int64_t rep_id);

// True when the rep has a cap, so that picking them claims and counts again.
inline bool capped(const Rep& rep) {
  return rep.max_open_leads || rep.max_daily_leads;
}

}  // namespace leadroute
