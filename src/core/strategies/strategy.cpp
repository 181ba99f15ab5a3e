#include "core/strategies/strategy.h"

namespace leadroute {

namespace {

// One row per strategy, in enum order. Adding one: docs/contributing.md, "Adding a strategy".
constexpr StrategyRow kRows[] = {
    {Strategy::RoundRobin, "round_robin", RoutingModel::RoundRobin, pick_round_robin},
    {Strategy::LeastLoaded, "least_loaded", RoutingModel::Capacity, pick_least_loaded},
    {Strategy::Skills, "skills", RoutingModel::Skills, pick_skills},
    {Strategy::Performance, "performance", RoutingModel::Performance, pick_performance},
    {Strategy::Points, "points", RoutingModel::Points, pick_points},
};

constexpr bool in_enum_order() {
  for (size_t i = 0; i < sizeof kRows / sizeof kRows[0]; ++i)
    if (static_cast<size_t>(kRows[i].id) != i) return false;
  return true;
}
static_assert(in_enum_order(), "kRows is indexed by Strategy");

}  // namespace

const StrategyRow* strategy_rows(size_t* count) {
  *count = sizeof kRows / sizeof kRows[0];
  return kRows;
}

const StrategyRow& strategy_row(Strategy s) {
  return kRows[static_cast<size_t>(s)];
}

Placement pick_from_pool(RouteContext& ctx, const Pool& pool, bool is_overflow) {
  const StrategyRow& row = strategy_row(pool.strategy);
  ctx.trace.begin_pool(pool.id, row.name, is_overflow);
  for (const auto& m : pool.members) {
    const Rep* r = ctx.config.rep(m.rep_id);
    if (!r)
      ctx.trace.candidate_skip(m.rep_id, "rep does not exist");
    else if (!r->active)
      ctx.trace.candidate_skip(m.rep_id, "inactive");
  }
  Placement p;
  if (pool.schedule.empty())
    p.reason = pool.members.empty() ? "the pool has no members" : "no member is active";
  else
    p = row.pick(ctx, pool, row.model);
  ctx.trace.end_pool(p.placed ? std::nullopt : std::optional<std::string_view>(p.reason));
  return p;
}

}  // namespace leadroute
