// Escalation of a lead whose SLA ran out (docs/sla.md): no rules; the owner's cover, the pool's
// next member (never the same rep), or the manager's queue.
#include "core/routing/eligibility.h"
#include "core/routing/router.h"
#include "core/routing/sla_clock.h"
#include "core/strategies/strategy.h"

namespace leadroute {

namespace {

Placement escalation_target(RouteContext& ctx, const EscalationInput& in, const Rep* owner) {
  if (in.escalations >= in.max_escalations)
    return not_placed("escalated " + std::to_string(in.escalations) +
                      " times already (leadroute.max_escalations)");
  Placement p;
  // The owner's backup first (time-off backup, then backup_id), then the pool's next member.
  if (owner) {
    Demand demand = ctx.demand_for(nullptr);
    Eligibility away{false, "did not make first contact in time", std::nullopt};
    away.cover = owner->backup_id;
    for (const TimeOff& t : owner->time_off)
      if (t.contains(ctx.now()) && t.backup_id) away.cover = t.backup_id;
    if (const Rep* cover = eligible_cover(ctx, *owner, away, demand)) {
      ctx.trace.pick(cover->id).backup_for(owner->id);
      p = assigned(*cover, RoutingModel::Territory);
    }
  }
  if (!p.placed && in.pool_id) {
    if (const Pool* pool = ctx.config.pool(*in.pool_id)) {
      p = pick_from_pool(ctx, *pool, false);
      if (!p.placed) p.reason = "nobody else is eligible in pool " + pool->name;
    }
  }
  if (!p.placed && p.reason.empty()) p.reason = "no backup and no pool to escalate to";
  return p;
}

}  // namespace

Decision escalate_lead(const RoutingConfig& config, const LeadValues& lead,
                       const EscalationInput& in, RoutingEnv& env, const RouteOptions& options) {
  AccountMatch none;
  RouteContext ctx(config, lead, none, env, options);
  Decision d;
  d.rule_id = in.rule_id;
  ctx.excluded = in.owner_id;
  const Rep* owner = config.rep(in.owner_id);
  ctx.trace.begin();
  ctx.trace.begin_escalation(in.owner_id, in.escalations + 1);
  Placement p = escalation_target(ctx, in, owner);
  if (p.placed) {
    d.status = p.status;
    d.owner_id = p.owner_id;
    d.pool_id = p.pool_id ? p.pool_id : in.pool_id;
    d.points = p.points;
    d.model = p.model;
    d.fallback = false;
    start_sla_clock(ctx, d);
  } else {
    const Rep* manager = owner && owner->manager_id ? config.rep(*owner->manager_id) : nullptr;
    d.status = LeadStatus::Queued;
    d.queue = manager ? "manager:" + manager->email : std::string("escalations");
    d.model = RoutingModel::Queue;
    d.fallback = false;
    ctx.trace.escalation_queue(*d.queue, p.reason);
  }
  ctx.trace.end_escalation();
  trace_sla_clock(ctx, d);
  d.trace = ctx.trace.finish();
  return d;
}

}  // namespace leadroute
