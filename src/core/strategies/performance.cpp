// performance: Thompson sampling of each member's conversion rate, shrunk toward the pool's rate
// (selection.h); new and unlucky reps keep getting leads, and a share of the leads explores.
#include <algorithm>
#include <unordered_map>

#include "core/strategies/candidates.h"
#include "core/strategies/selection.h"
#include "core/strategies/strategy.h"

namespace leadroute {

namespace {

class BestDraw final : public Ranking {
 public:
  BestDraw(RouteContext& ctx, const Pool& pool) : outcomes_(ctx.outcomes.outcomes(pool)), rng_(0) {
    int64_t converted = 0, decided = 0;
    for (const auto& [id, o] : outcomes_) {
      converted += o.converted;
      decided += o.converted + o.lost;
    }
    base_ = pool_rate(converted, decided);
    int64_t ticket = ctx.tickets.take_ticket(pool);
    uint64_t seed = ctx.outcomes.performance_seed();
    rng_ = Rng((seed ? seed : static_cast<uint64_t>(ctx.now())) ^
               (static_cast<uint64_t>(ticket) * 0x9E3779B97F4A7C15ull));
  }

  Candidate score(const Rep& rep) override {
    return {&rep, sample_rate(of(rep.id), base_, rng_), 0};
  }
  void order(std::vector<Candidate>& c) override {
    std::sort(c.begin(), c.end(), [](const Candidate& a, const Candidate& b) {
      return a.score != b.score ? a.score > b.score : a.rep->id < b.rep->id;
    });
    if (!c.empty() && rng_.uniform() < kPerformanceExploration) {
      size_t pick = static_cast<size_t>(rng_.next() % c.size());
      std::swap(c[0], c[pick]);
      explored_ = c[0].rep;
    }
  }
  void describe(PickStep& step, const Candidate& c) override {
    RepOutcomes o = of(c.rep->id);
    step.performance(o, shrunk_rate(o, base_), c.score, base_, c.rep == explored_);
  }

 private:
  RepOutcomes of(int64_t rep_id) const {
    auto it = outcomes_.find(rep_id);
    return it == outcomes_.end() ? RepOutcomes{} : it->second;
  }

  std::unordered_map<int64_t, RepOutcomes> outcomes_;
  double base_ = 0;
  Rng rng_;
  const Rep* explored_ = nullptr;  // the member exploration moved to the front
};

}  // namespace

Placement pick_performance(RouteContext& ctx, const Pool& pool, RoutingModel model) {
  BestDraw ranking(ctx, pool);
  return pick_ranked(ctx, pool, model, ranking);
}

}  // namespace leadroute
