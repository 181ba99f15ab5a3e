// Renders a decision (the columns of leadroute.decisions and its trace) as text for a sales-ops
// person: each rule tried and why it did not match, the target, the candidates and the pick.
// The trace holds ids; names come from the configuration through ExplainNames.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace leadroute {

struct ExplainRule {
  std::string name;
  int32_t priority = 0;
  std::string action;
};

struct ExplainNames {
  std::unordered_map<int64_t, ExplainRule> rules;
  std::unordered_map<int64_t, std::string> reps;
  std::unordered_map<int64_t, std::string> pools;
  std::string rep(int64_t id) const;
  std::string pool(int64_t id) const;
};

struct ExplainDecision {
  int64_t lead_id = 0;
  std::string email;
  std::string company;
  std::string kind = "routed";  // routed, rerouted, escalated
  std::string decided_at;       // already formatted
  std::optional<int64_t> duration_us;
  std::string status;
  std::optional<int64_t> owner_id;
  std::optional<std::string> queue;
  std::optional<int64_t> rule_id;
  std::string routing_model;
  bool fallback = false;
  std::string trace;  // JSON; empty when none was recorded
  std::optional<std::string> error;
};

std::string render_explain(const ExplainDecision& decision, const ExplainNames& names);

}  // namespace leadroute
