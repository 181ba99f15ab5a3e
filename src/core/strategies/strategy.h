// Step 4b of routing (docs/architecture.md): a pool's strategy picks one of its members. Every
// strategy is one row of the table in strategy.cpp, {id, SQL name, routing model, pick}, and one
// file here with its pick; the strategies that rank candidates share one loop (candidates.h).
#pragma once
#include "core/util/core_guard.h"

#include <cstddef>

#include "core/config/config.h"
#include "core/routing/route_context.h"

namespace leadroute {

// Picks a member of `pool` (the members listed in the trace as the pick goes); `model` is the
// row's routing model. Not placed: Placement::reason says why nobody could take the lead.
using PickFn = Placement (*)(RouteContext& ctx, const Pool& pool, RoutingModel model);

struct StrategyRow {
  Strategy id;
  const char* name;  // pools.strategy
  RoutingModel model;
  PickFn pick;
};

// Every strategy, in enum order.
const StrategyRow* strategy_rows(size_t* count);
const StrategyRow& strategy_row(Strategy s);

// A pool's pick, traced as one pool step: the inactive members first (explain shows why they
// are left out), then the strategy's candidates and pick.
Placement pick_from_pool(RouteContext& ctx, const Pool& pool, bool is_overflow);

// The picks, one per file.
Placement pick_round_robin(RouteContext& ctx, const Pool& pool, RoutingModel model);
Placement pick_least_loaded(RouteContext& ctx, const Pool& pool, RoutingModel model);
Placement pick_skills(RouteContext& ctx, const Pool& pool, RoutingModel model);
Placement pick_performance(RouteContext& ctx, const Pool& pool, RoutingModel model);
Placement pick_points(RouteContext& ctx, const Pool& pool, RoutingModel model);

}  // namespace leadroute
