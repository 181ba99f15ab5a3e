// points: balance by lead value instead of counts. Each lead is worth the points of the pool's
// expression (pools.points, docs/conditions.md "Points"; 1 each without one). The member whose
// points in the pool, with this lead's, are lowest relative to their weight takes it, so that
// over time each member's share of the points matches their share of the weights (weighted fair
// queueing over accumulated points); ties go to the lowest rep id. Concurrent sessions may see
// the same totals; capped reps are claimed.
#include <algorithm>
#include <unordered_map>

#include "core/strategies/candidates.h"
#include "core/strategies/strategy.h"

namespace leadroute {

namespace {

class FewestPoints final : public Ranking {
 public:
  FewestPoints(RouteContext& ctx, const Pool& pool)
      : pool_(pool),
        lead_points_(pool.points ? pool.points->evaluate(ctx.lead) : 1),
        so_far_(ctx.points.points(pool)) {}

  Candidate score(const Rep& rep) override {
    return {&rep, (so_far(rep.id) + lead_points_) / weight_of(pool_, rep.id), 0};
  }
  void order(std::vector<Candidate>& c) override {
    std::sort(c.begin(), c.end(), [](const Candidate& a, const Candidate& b) {
      return a.score != b.score ? a.score < b.score : a.rep->id < b.rep->id;
    });
  }
  void describe(PickStep& step, const Candidate& c) override {
    step.points(lead_points_, so_far(c.rep->id));
    if (pool_.weighted) step.weight(weight_of(pool_, c.rep->id));
  }

  double lead_points() const { return lead_points_; }

 private:
  double so_far(int64_t rep_id) const {
    auto it = so_far_.find(rep_id);
    return it == so_far_.end() ? 0 : it->second;
  }

  const Pool& pool_;
  double lead_points_;
  std::unordered_map<int64_t, double> so_far_;
};

}  // namespace

Placement pick_points(RouteContext& ctx, const Pool& pool, RoutingModel model) {
  if (!pool.broken.empty()) throw ConfigFault(pool.broken);
  FewestPoints ranking(ctx, pool);
  Placement p = pick_ranked(ctx, pool, model, ranking);
  if (p.placed) {
    p.points = ranking.lead_points();
    ctx.points.add_points(pool, *p.owner_id, ranking.lead_points());
  }
  return p;
}

}  // namespace leadroute
