// Step 5 of routing (docs/sla.md): which SLA policy a rep's new lead falls under, and when first
// contact is due. (sla.h does the time arithmetic; the shim's pg/sla.cpp runs the clocks.)
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <optional>

#include "core/config/config.h"
#include "core/sla/sla.h"

namespace leadroute {

// The first enabled policy whose condition matches; nullopt when none.
struct SlaDue {
  int64_t policy_id;
  int64_t due_us;
};
std::optional<SlaDue> sla_due(const RoutingConfig& config, const LeadValues& lead, const Rep& rep,
                              int64_t assigned_us, ZoneClock& clock);

}  // namespace leadroute
