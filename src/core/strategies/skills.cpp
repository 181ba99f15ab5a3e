// skills: members holding every required skill; the best match (most of the rep's skills the
// lead calls for) wins, and equals rotate by the pool's turns.
#include <algorithm>

#include "core/config/skills.h"
#include "core/strategies/candidates.h"
#include "core/strategies/strategy.h"

namespace leadroute {

namespace {

class BestSkillMatch final : public Ranking {
 public:
  BestSkillMatch(RouteContext& ctx, const Pool& pool)
      : ctx_(ctx), pool_(pool), tokens_(lead_skill_tokens(ctx.lead)) {}

  Candidate score(const Rep& rep) override {
    return {&rep, static_cast<double>(skill_match_score(rep.skills, tokens_)), 0};
  }
  void order(std::vector<Candidate>&) override {}  // next() chooses among the best each time
  // The best score's candidates take turns: one turn of the pool's rotation per attempt.
  size_t next(const std::vector<Candidate>& c) override {
    double best = 0;
    for (const auto& x : c) best = std::max(best, x.score);
    std::vector<size_t> equals;
    for (size_t i = 0; i < c.size(); ++i)
      if (c[i].score == best) equals.push_back(i);
    ticket_ = ctx_.tickets.take_ticket(pool_);
    among_ = equals.size();
    return equals[static_cast<size_t>(ticket_ - 1) % equals.size()];
  }
  void describe(PickStep& step, const Candidate& c) override {
    step.skill_match(static_cast<int>(c.score), among_).ticket(ticket_);
  }
  std::string nobody(const RouteContext& ctx) const override {
    return ctx.skills.empty() ? "no member can take the lead now"
                              : "no available member holds every required skill";
  }

 private:
  RouteContext& ctx_;
  const Pool& pool_;
  std::vector<std::string> tokens_;
  int64_t ticket_ = 0;
  size_t among_ = 0;
};

}  // namespace

Placement pick_skills(RouteContext& ctx, const Pool& pool, RoutingModel model) {
  BestSkillMatch ranking(ctx, pool);
  return pick_ranked(ctx, pool, model, ranking);
}

}  // namespace leadroute
