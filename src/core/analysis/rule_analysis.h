// Static analysis of a rule set: which rules can never win. A rule is reported only when that is
// proven from the conditions (sound, incomplete): a false "dead rule" finding would make an
// operator delete a rule that works.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leadroute {

// One enabled rule, in priority order.
struct RuleForAnalysis {
  int64_t id = 0;
  std::string name;                 // used in explanations; empty → "rule <id>"
  std::optional<int64_t> priority;  // used in explanations when known
  std::string condition;
  // True when a lead whose condition is TRUE can still go on to the next rule (the actions
  // account_owner, account_csm and territory fall through when they find nobody). Such a rule
  // never covers a later one.
  bool can_fall_through = false;
};

enum class UnreachableKind : uint8_t {
  NeverTrue,  // the condition is never TRUE for any lead
  Shadowed,   // whenever it is TRUE, an earlier rule's condition is TRUE and that rule wins
};

const char* unreachable_kind_name(UnreachableKind kind);  // "never_true", "shadowed"

struct UnreachableRule {
  int64_t rule_id = 0;
  UnreachableKind kind = UnreachableKind::NeverTrue;
  std::vector<int64_t> covered_by;  // earlier rules that take its leads, in priority order
  std::string explanation;          // plain English, for people
};

// True for a leadroute.rules action that may pass a matching lead on to the next rule, and for
// any action this version does not know (the safe answer).
bool action_can_fall_through(std::string_view action);

// Throws ConditionError when a condition does not compile (rules are validated when written, so
// callers that read leadroute.rules never see it).
std::vector<UnreachableRule> find_unreachable_rules(const std::vector<RuleForAnalysis>& rules);

}  // namespace leadroute
