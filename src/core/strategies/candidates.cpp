#include "core/strategies/candidates.h"

namespace leadroute {

Placement pick_ranked(RouteContext& ctx, const Pool& pool, RoutingModel model, Ranking& ranking) {
  Demand demand = ctx.demand_for(&pool);
  std::vector<Candidate> candidates;
  for (const Rep* rep : active_members(ctx, pool)) {
    Eligibility e = check(ctx, *rep, demand, false);
    if (!e.ok) {
      ctx.trace.candidate_skip(rep->id, e.why);
      continue;
    }
    candidates.push_back(ranking.score(*rep));
  }
  ranking.order(candidates);
  while (!candidates.empty()) {
    size_t i = ranking.next(candidates);
    const Candidate c = candidates[i];
    if (capped(*c.rep)) {
      Eligibility e = check(ctx, *c.rep, demand, true);  // claim, and count again
      if (!e.ok) {
        ctx.trace.candidate_skip(c.rep->id, e.why);
        candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
    }
    {
      PickStep step = ctx.trace.pick(c.rep->id);
      ranking.describe(step, c);
    }
    return assigned(*c.rep, model, &pool);
  }
  return not_placed(ranking.nobody(ctx));
}

}  // namespace leadroute
