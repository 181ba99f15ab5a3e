#include "core/routing/actions.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/routing/eligibility.h"
#include "core/strategies/strategy.h"

namespace leadroute {

namespace {

Placement fall_through() {
  return not_placed(kFellThrough);
}

// A named rep, else the rep's backup (or time-off backup), else nobody.
Placement place_with_rep(RouteContext& ctx, int64_t rep_id, RoutingModel model) {
  const Rep* rep = ctx.config.rep(rep_id);
  if (!rep) {
    ctx.trace.skip(rep_id, "rep does not exist");
    return not_placed("rep " + std::to_string(rep_id) + " does not exist");
  }
  Demand demand = ctx.demand_for(nullptr);
  Eligibility e = check(ctx, *rep, demand, true);
  if (e.ok) {
    ctx.trace.pick(rep_id);
    return assigned(*rep, model);
  }
  ctx.trace.skip(rep_id, e.why);
  std::optional<int64_t> cover_id = e.cover ? e.cover : rep->backup_id;
  Eligibility with_backup = e;
  with_backup.cover = cover_id;
  if (const Rep* cover = eligible_cover(ctx, *rep, with_backup, demand)) {
    ctx.trace.pick(cover->id).backup_for(rep->id);
    return assigned(*cover, model);
  }
  return not_placed(rep->name + " is " + e.why +
                    (cover_id ? " and so is the backup" : " and has no backup"));
}

// The first territory whose condition matches; none → the next rule.
Placement place_in_territory(RouteContext& ctx) {
  for (const Territory& t : ctx.config.territories) {
    if (!t.broken.empty()) throw ConfigFault(t.broken);
    if (t.condition.evaluate(ctx.lead) != Tri::True) continue;
    ctx.trace.territory(t.id, t.name);
    if (t.rep_id) return place_with_rep(ctx, *t.rep_id, RoutingModel::Territory);
    return place_in_pool(ctx, t.pool_id.value_or(0), RoutingModel::Territory);
  }
  ctx.fell_through = "no territory matches the lead";
  ctx.trace.no_territory(ctx.fell_through);
  return fall_through();
}

// The matched account's owner (or CSM). No account, no such rep, or a rep who left: the rule
// does not apply and the next rule is tried. A rep who is away: the backup, else the next rule.
Placement place_with_account_rep(RouteContext& ctx, bool csm) {
  const char* role = csm ? "CSM" : "owner";
  if (!ctx.match.account) {
    ctx.fell_through = "no account matched";
    ctx.trace.account_step(ctx.fell_through);
    return fall_through();
  }
  const AccountRecord& a = *ctx.match.account;
  std::optional<int64_t> rep_id = csm ? a.csm_id : a.owner_id;
  if (!rep_id) {
    ctx.fell_through = "account " + a.name + " has no " + role;
    ctx.trace.account_step(ctx.fell_through);
    return fall_through();
  }
  const Rep* rep = ctx.config.rep(*rep_id);
  if (!rep || !rep->active) {
    std::string who = rep ? rep->name : "rep " + std::to_string(*rep_id);
    const char* state = rep ? "inactive" : "not a rep any more";
    ctx.fell_through = csm ? "the CSM of account " + a.name + ", " + who + ", is " + state
                           : "account " + a.name + " is owned by " + who + ", who is " + state;
    ctx.trace.skip(*rep_id, rep ? "inactive" : "rep does not exist");
    return fall_through();
  }
  Demand demand = ctx.demand_for(nullptr);
  Eligibility e = check(ctx, *rep, demand, true);
  if (e.ok) {
    PickStep step = ctx.trace.pick(rep->id);
    csm ? step.csm_of(a.id) : step.owner_of(a.id);
    return assigned(*rep, RoutingModel::Account);
  }
  ctx.trace.skip(rep->id, e.why);
  if (const Rep* cover = eligible_cover(ctx, *rep, e, demand)) {
    ctx.trace.pick(cover->id).backup_for(rep->id);
    return assigned(*cover, RoutingModel::Account);
  }
  ctx.fell_through =
      std::string("the ") + role + " of account " + a.name + ", " + rep->name + ", is " + e.why;
  return fall_through();
}

}  // namespace

Placement place_in_pool(RouteContext& ctx, int64_t pool_id, std::optional<RoutingModel> model) {
  std::vector<int64_t> visited;
  std::string reasons;
  for (int64_t current = pool_id; current;) {
    if (std::find(visited.begin(), visited.end(), current) != visited.end())
      return not_placed(reasons + "; the overflow chain loops back to pool " +
                        std::to_string(current));
    visited.push_back(current);
    const Pool* pool = ctx.config.pool(current);
    if (!pool)
      return not_placed(reasons + (reasons.empty() ? "" : "; ") + "pool " +
                        std::to_string(current) + " does not exist");
    Placement p = pick_from_pool(ctx, *pool, visited.size() > 1);
    if (p.placed) {
      if (model) p.model = *model;
      return p;
    }
    if (!reasons.empty()) reasons += "; ";
    reasons += "nobody eligible in pool " + pool->name + " (" + p.reason + ")";
    current = pool->overflow_pool_id.value_or(0);
  }
  return not_placed(reasons);
}

Placement apply_action(RouteContext& ctx, const Rule& rule) {
  switch (rule.action) {
    case Action::Queue: {
      Placement p;
      p.placed = true;
      p.status = LeadStatus::Queued;
      p.queue = rule.queue.value_or(ctx.options.default_queue);
      p.model = RoutingModel::Queue;
      ctx.trace.queue(*p.queue);
      return p;
    }
    case Action::Nurture: {
      Placement p;
      p.placed = true;
      p.status = LeadStatus::Nurture;
      p.queue = rule.queue;
      p.model = RoutingModel::Nurture;
      ctx.trace.nurture(rule.queue);
      return p;
    }
    case Action::Rep:
      return place_with_rep(ctx, rule.rep_id.value_or(0), RoutingModel::Territory);
    case Action::Pool:
      return place_in_pool(ctx, rule.pool_id.value_or(0), std::nullopt);
    case Action::AccountOwner:
      return place_with_account_rep(ctx, false);
    case Action::AccountCsm:
      return place_with_account_rep(ctx, true);
    case Action::Territory:
      return place_in_territory(ctx);
  }
  return fall_through();
}

}  // namespace leadroute
