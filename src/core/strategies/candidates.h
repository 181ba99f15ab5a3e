// The candidate loop shared by every strategy that ranks a pool's members (least_loaded, skills,
// performance): filter the eligible members (the others listed as skipped), score them, order
// them best first, then claim the best and check again (a capped rep may have been taken by
// another transaction meanwhile), falling back to the next; the pick is traced with how the
// strategy ranked it. A strategy supplies the Ranking.
#pragma once
#include "core/util/core_guard.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/routing/eligibility.h"
#include "core/trace/recorder.h"

namespace leadroute {

struct Candidate {
  const Rep* rep = nullptr;
  double score = 0;    // the strategy's ranking number
  int64_t detail = 0;  // a number the strategy traces with its pick (least_loaded: open leads)
};

class Ranking {
 public:
  virtual ~Ranking() = default;
  // An eligible member, scored.
  virtual Candidate score(const Rep& rep) = 0;
  // Best first.
  virtual void order(std::vector<Candidate>& candidates) = 0;
  // Which of the remaining candidates to claim next (the first, unless the strategy rotates
  // among equals).
  virtual size_t next(const std::vector<Candidate>& candidates) {
    (void)candidates;
    return 0;
  }
  // How the pick was ranked, for the trace and explain.
  virtual void describe(PickStep& step, const Candidate& picked) = 0;
  // Why nobody was picked.
  virtual std::string nobody(const RouteContext& ctx) const {
    (void)ctx;
    return "no member can take the lead now";
  }
};

Placement pick_ranked(RouteContext& ctx, const Pool& pool, RoutingModel model, Ranking& ranking);

}  // namespace leadroute
