// Backtest verdicts: does a decision of the current rules agree with who actually owned a
// historical lead, and if not, why (the rule that decided, the candidate skipped and its reason).
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/config/config.h"
#include "core/routing/router.h"

namespace leadroute {

struct BacktestVerdict {
  bool agrees = false;
  std::string reason;  // empty when it agrees
};

// The live rules by id, built once per backtest.
class BacktestJudge {
 public:
  explicit BacktestJudge(const RoutingConfig& config);
  // `actual_owner`: the rep who owned the lead (nullopt: nobody, it stayed in a queue).
  // `actual_label`: how the source named the owner, for a rep the configuration does not know.
  BacktestVerdict judge(const Decision& d, std::optional<int64_t> actual_owner,
                        const std::string& actual_label) const;
  const Rule* rule(int64_t id) const {
    auto it = rules_.find(id);
    return it == rules_.end() ? nullptr : it->second;
  }

 private:
  std::string rep_name(std::optional<int64_t> id, const std::string& label) const;
  const RoutingConfig& config_;
  std::unordered_map<int64_t, const Rule*> rules_;
};

}  // namespace leadroute
