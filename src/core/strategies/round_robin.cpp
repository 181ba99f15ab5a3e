// round_robin: smooth weighted round-robin over the pool's schedule (wrr.h), one turn of the
// pool's rotation per lead. An unavailable rep loses the turn (catch_up pools owe it back); the
// lead goes to the rep's backup if available, else to the next turn's rep. Turns, not a ranking,
// decide, so this strategy does not use the candidate loop.
#include <unordered_map>

#include "core/routing/eligibility.h"
#include "core/strategies/selection.h"
#include "core/strategies/strategy.h"
#include "core/strategies/wrr.h"

namespace leadroute {

namespace {

// Turns drawn from a rotation before the remaining members are scanned in schedule order.
constexpr int kMaxDraws = 16;

// catch_up pools: a member owed a turn takes this one, when they can take the lead.
const Rep* pay_owed_turn(RouteContext& ctx, const Pool& pool, const Demand& demand, int64_t ticket,
                         int64_t slot_rep) {
  for (const Rep* rep : active_members(ctx, pool)) {
    if (rep->id == slot_rep) continue;  // the turn is this rep's anyway
    if (!check(ctx, *rep, demand, false).ok) continue;
    if (!ctx.tickets.claim_owed_turn(pool, rep->id)) continue;
    if (!check(ctx, *rep, demand, true).ok) continue;
    ctx.trace.pick(rep->id).catch_up().ticket(ticket);
    return rep;
  }
  return nullptr;
}

void trace_turn(RouteContext& ctx, const Pool& pool, const PoolMember& member, int64_t ticket,
                uint64_t slot) {
  PickStep step = ctx.trace.pick(member.rep_id);
  step.ticket(ticket).slot(slot, pool.schedule.size());
  if (pool.weighted && member.weight > 0) step.weight(member.weight);
}

}  // namespace

Placement pick_round_robin(RouteContext& ctx, const Pool& pool, RoutingModel model) {
  const uint64_t period = pool.schedule.size();
  Demand demand = ctx.demand_for(&pool);
  if (pool.weighted && model == RoutingModel::RoundRobin) model = RoutingModel::WeightedRoundRobin;
  std::unordered_map<int64_t, Eligibility> seen;
  size_t distinct_members = active_members(ctx, pool).size() + (ctx.excluded ? 1 : 0);
  int64_t ticket = 0;
  uint64_t slot = 0;
  for (int draw = 0; draw < kMaxDraws && seen.size() < distinct_members; ++draw) {
    ticket = ctx.tickets.take_ticket(pool);
    slot = ticket_slot(ticket, period);
    const PoolMember& member = pool.members[pool.schedule[slot]];
    const Rep& rep = *ctx.config.rep(member.rep_id);
    // catch_up pools pay owed turns back out of other reps' turns, at most about every other
    // turn (a coin from the ticket: not aligned with the rotation's period).
    if (pool.absence_policy == AbsencePolicy::CatchUp &&
        (Rng(static_cast<uint64_t>(ticket)).next() & 1)) {
      if (const Rep* owed = pay_owed_turn(ctx, pool, demand, ticket, rep.id))
        return assigned(*owed, model, &pool);
    }
    auto it = seen.find(rep.id);
    if (it == seen.end())
      it = seen.emplace(rep.id,
                        rep.id == ctx.excluded
                            ? Eligibility{false, "the rep the lead is escalated from", std::nullopt}
                            : check(ctx, rep, demand, true))
               .first;
    const Eligibility& e = it->second;
    if (e.ok) {
      trace_turn(ctx, pool, member, ticket, slot);
      return assigned(rep, model, &pool);
    }
    ctx.trace.candidate_skip(rep.id, e.why + " (turn " + std::to_string(ticket) + ")");
    if (pool.absence_policy == AbsencePolicy::CatchUp) ctx.tickets.owe_turn(pool, rep.id);
    if (const Rep* cover = eligible_cover(ctx, rep, e, demand)) {
      ctx.trace.pick(cover->id).backup_for(rep.id).ticket(ticket);
      return assigned(*cover, model, &pool);
    }
  }
  // Many turns lost: take the remaining members in schedule order from the last turn.
  for (uint64_t k = 1; k <= period && seen.size() < distinct_members; ++k) {
    const PoolMember& member = pool.members[pool.schedule[(slot + k) % period]];
    const Rep& rep = *ctx.config.rep(member.rep_id);
    if (seen.count(rep.id) || rep.id == ctx.excluded) continue;
    Eligibility e = check(ctx, rep, demand, true);
    seen.emplace(rep.id, e);
    if (e.ok) {
      trace_turn(ctx, pool, member, ticket, (slot + k) % period);
      return assigned(rep, model, &pool);
    }
    ctx.trace.candidate_skip(rep.id, e.why);
  }
  return not_placed("no member can take the lead now");
}

}  // namespace leadroute
