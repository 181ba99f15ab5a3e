#include "core/routing/sla_clock.h"

#include "core/sla/policy.h"

namespace leadroute {

void start_sla_clock(RouteContext& ctx, Decision& d) {
  if (d.status != LeadStatus::Assigned || !d.owner_id) return;
  const Rep* rep = ctx.config.rep(*d.owner_id);
  if (!rep) return;
  auto due = sla_due(ctx.config, ctx.lead, *rep, ctx.now(), ctx.clock);
  if (!due) return;
  d.sla_policy_id = due->policy_id;
  d.sla_due_us = due->due_us;
}

void trace_sla_clock(RouteContext& ctx, const Decision& d) {
  if (!d.sla_policy_id) return;
  ctx.trace.sla(*d.sla_policy_id, *d.sla_due_us, (*d.sla_due_us - ctx.now()) / kMicrosPerMinute);
}

}  // namespace leadroute
