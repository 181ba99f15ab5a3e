// The SLA clock of a decision that gives a rep the lead (core/sla/policy.h picks the policy).
#pragma once
#include "core/util/core_guard.h"

#include "core/routing/route_context.h"
#include "core/routing/router.h"

namespace leadroute {

// Sets sla_policy_id and sla_due_us when a rep got the lead and a policy matches.
void start_sla_clock(RouteContext& ctx, Decision& d);
// The clock in the trace, when one was started.
void trace_sla_clock(RouteContext& ctx, const Decision& d);

}  // namespace leadroute
