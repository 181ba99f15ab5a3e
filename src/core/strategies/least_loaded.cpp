// least_loaded: the member with the fewest open leads relative to weight and cap; ties to the
// lowest rep id. Concurrent sessions may see the same counts; capped reps are claimed.
#include <algorithm>

#include "core/strategies/candidates.h"
#include "core/strategies/selection.h"
#include "core/strategies/strategy.h"

namespace leadroute {

namespace {

class FewestOpen final : public Ranking {
 public:
  FewestOpen(RouteContext& ctx, const Pool& pool) : ctx_(ctx), pool_(pool) {}

  Candidate score(const Rep& rep) override {
    RepLoad load = ctx_.loads.rep_load(rep, false);
    return {&rep, load_score(load.open, weight_of(pool_, rep.id), rep.max_open_leads), load.open};
  }
  void order(std::vector<Candidate>& c) override {
    std::sort(c.begin(), c.end(), [](const Candidate& a, const Candidate& b) {
      return a.score != b.score ? a.score < b.score : a.rep->id < b.rep->id;
    });
  }
  void describe(PickStep& step, const Candidate& c) override {
    step.load(static_cast<int32_t>(c.detail), c.score);
  }

 private:
  RouteContext& ctx_;
  const Pool& pool_;
};

}  // namespace

Placement pick_least_loaded(RouteContext& ctx, const Pool& pool, RoutingModel model) {
  FewestOpen ranking(ctx, pool);
  return pick_ranked(ctx, pool, model, ranking);
}

}  // namespace leadroute
