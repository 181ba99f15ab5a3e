#include "core/analysis/backtest.h"

#include <algorithm>

#include "core/trace/trace_keys.h"
#include "core/util/json.h"

namespace leadroute {

namespace k = trace_key;

namespace {

// The first {"rep": rep_id, "skip": why} under `v` (the steps of a pool list their candidates).
std::string find_skip(const JsonValue& v, int64_t rep_id, int depth) {
  if (depth > 8) return {};
  if (v.type == JsonValue::Type::Object) {
    if (v.has(k::rep) && v.has(k::skip) && static_cast<int64_t>(v.num(k::rep)) == rep_id) {
      // Without the rotation turn, so that equal reasons group together.
      std::string why = v.str(k::skip);
      size_t turn = why.rfind(" (turn ");
      if (turn != std::string::npos && why.back() == ')') why.erase(turn);
      return why;
    }
    for (const auto& [key, child] : v.object) {
      std::string why = find_skip(child, rep_id, depth + 1);
      if (!why.empty()) return why;
    }
  } else if (v.type == JsonValue::Type::Array) {
    for (const JsonValue& child : v.array) {
      std::string why = find_skip(child, rep_id, depth + 1);
      if (!why.empty()) return why;
    }
  }
  return {};
}

// Why the full trace says `rep_id` was skipped by the rule that placed the lead; empty when it
// was not.
std::string skip_reason(const std::string& trace_text, int64_t rep_id) {
  if (trace_text.empty()) return {};
  JsonValue trace;
  try {
    trace = parse_json(trace_text);
  } catch (const JsonParseError&) {
    return {};
  }
  const JsonValue* rules = trace.get(k::rules);
  if (!rules || rules->type != JsonValue::Type::Array) return {};
  for (const JsonValue& r : rules->array)
    if (r.flag(k::match)) {
      const JsonValue* steps = r.get(k::steps);
      return steps ? find_skip(*steps, rep_id, 0) : std::string();
    }
  return {};
}

bool in_pool(const Pool* pool, int64_t rep_id) {
  return pool && std::any_of(pool->members.begin(), pool->members.end(),
                             [&](const PoolMember& m) { return m.rep_id == rep_id; });
}

}  // namespace

BacktestJudge::BacktestJudge(const RoutingConfig& config) : config_(config) {
  for (const Rule& r : config.rules) rules_.emplace(r.id, &r);
}

std::string BacktestJudge::rep_name(std::optional<int64_t> id, const std::string& label) const {
  if (id) {
    const Rep* rep = config_.rep(*id);
    if (rep) return rep->name;
    return "rep " + std::to_string(*id);
  }
  return label.empty() ? "nobody" : label;
}

BacktestVerdict BacktestJudge::judge(const Decision& d, std::optional<int64_t> actual_owner,
                                     const std::string& actual_label) const {
  BacktestVerdict v;
  if (d.owner_id == actual_owner && (actual_owner || actual_label.empty())) {
    v.agrees = true;
    return v;
  }
  const Rule* rule = d.rule_id ? this->rule(*d.rule_id) : nullptr;
  std::string by = rule ? "rule '" + rule->name + "'" : std::string("no rule");
  if (!actual_owner && !actual_label.empty()) {
    v.reason = "the actual owner " + actual_label + " is not a rep of this configuration";
    return v;
  }
  if (!d.owner_id) {
    std::string queue = d.queue ? "'" + *d.queue + "'" : "(none)";
    if (!rule)
      v.reason = "no rule matches it: default queue " + queue;
    else if (rule->action == Action::Queue || rule->action == Action::Nurture)
      v.reason =
          by + " sends it to " + (rule->action == Action::Nurture ? "nurture " : "queue ") + queue;
    else
      v.reason = by + " (" + action_name(rule->action) + ") finds nobody: queue " + queue;
    if (actual_owner) {
      std::string why = skip_reason(d.trace, *actual_owner);
      if (!why.empty())
        v.reason += "; " + rep_name(actual_owner, actual_label) + " skipped: " + why;
    }
    return v;
  }
  if (!actual_owner) {
    v.reason = by + " now gives it to a rep (" + std::string(routing_model_name(d.model)) +
               "); it stayed unassigned";
    return v;
  }
  std::string actual = rep_name(actual_owner, actual_label);
  std::string why = skip_reason(d.trace, *actual_owner);
  if (!why.empty()) {
    v.reason = by + ": " + actual + " skipped: " + why;
  } else if (d.pool_id && in_pool(config_.pool(*d.pool_id), *actual_owner)) {
    const Pool* pool = config_.pool(*d.pool_id);
    v.reason = by + ": the same pool '" + pool->name + "', another turn of its rotation";
  } else {
    v.reason =
        by + " (" + std::string(routing_model_name(d.model)) + ") does not consider " + actual;
  }
  return v;
}

}  // namespace leadroute
