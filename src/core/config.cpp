#include "config.h"

#include <algorithm>

#include "text.h"
#include "wrr.h"

namespace leadroute {

const char* action_name(Action a) {
  switch (a) {
    case Action::AccountOwner:
      return "account_owner";
    case Action::AccountCsm:
      return "account_csm";
    case Action::Rep:
      return "rep";
    case Action::Pool:
      return "pool";
    case Action::Territory:
      return "territory";
    case Action::Queue:
      return "queue";
    case Action::Nurture:
      return "nurture";
  }
  return "?";
}

const char* strategy_name(Strategy s) {
  switch (s) {
    case Strategy::RoundRobin:
      return "round_robin";
    case Strategy::LeastLoaded:
      return "least_loaded";
    case Strategy::Skills:
      return "skills";
    case Strategy::Performance:
      return "performance";
  }
  return "?";
}

const char* routing_model_name(RoutingModel m) {
  switch (m) {
    case RoutingModel::RoundRobin:
      return "round_robin";
    case RoutingModel::WeightedRoundRobin:
      return "weighted_round_robin";
    case RoutingModel::Territory:
      return "territory";
    case RoutingModel::Skills:
      return "skills";
    case RoutingModel::Capacity:
      return "capacity";
    case RoutingModel::Performance:
      return "performance";
    case RoutingModel::Account:
      return "account";
    case RoutingModel::Queue:
      return "queue";
    case RoutingModel::Nurture:
      return "nurture";
    case RoutingModel::Fallback:
      return "fallback";
  }
  return "?";
}

const char* lead_status_name(LeadStatus s) {
  switch (s) {
    case LeadStatus::Assigned:
      return "assigned";
    case LeadStatus::Queued:
      return "queued";
    case LeadStatus::Nurture:
      return "nurture";
  }
  return "?";
}

std::optional<Action> parse_action(std::string_view s) {
  for (Action a : {Action::AccountOwner, Action::AccountCsm, Action::Rep, Action::Pool,
                   Action::Territory, Action::Queue, Action::Nurture})
    if (s == action_name(a)) return a;
  return std::nullopt;
}

std::optional<Strategy> parse_strategy(std::string_view s) {
  for (Strategy st :
       {Strategy::RoundRobin, Strategy::LeastLoaded, Strategy::Skills, Strategy::Performance})
    if (s == strategy_name(st)) return st;
  return std::nullopt;
}

uint64_t max_rotation_period(size_t members) {
  // Building a schedule costs period x members steps; keep it within a few milliseconds.
  constexpr uint64_t kWorkBudget = 20'000'000;
  constexpr uint64_t kCeiling = 100'000;
  uint64_t n = std::max<uint64_t>(members, 1);
  return std::max<uint64_t>(n, std::min<uint64_t>(kCeiling, kWorkBudget / n));
}

void RoutingConfig::finalize() {
  std::stable_sort(rules.begin(), rules.end(),
                   [](const Rule& a, const Rule& b) { return a.priority < b.priority; });
  for (auto& rule : rules) rule.catch_all = rule.condition.always_true();
  rule_index.build(rules);
  std::stable_sort(territories.begin(), territories.end(),
                   [](const Territory& a, const Territory& b) { return a.priority < b.priority; });
  std::stable_sort(sla_policies.begin(), sla_policies.end(),
                   [](const SlaPolicy& a, const SlaPolicy& b) { return a.priority < b.priority; });
  for (auto& [id, pool] : pools) {
    std::sort(pool.members.begin(), pool.members.end(),
              [](const PoolMember& a, const PoolMember& b) { return a.rep_id < b.rep_id; });
    // The rotation covers active members only: a rep who leaves or returns changes the period,
    // and nobody gets a burst of catch-up turns.
    std::vector<double> weights;
    std::vector<uint32_t> member_index;
    for (uint32_t i = 0; i < pool.members.size(); ++i) {
      const Rep* r = rep(pool.members[i].rep_id);
      if (r && r->active) {
        weights.push_back(pool.members[i].weight);
        member_index.push_back(i);
      }
    }
    // Weighted when the reps in the rotation (the active ones) have different weights.
    pool.weighted = false;
    for (double w : weights)
      if (w != weights.front()) pool.weighted = true;
    pool.schedule.clear();
    if (weights.empty()) continue;
    auto ints = integer_weights(weights, max_rotation_period(weights.size()));
    for (uint32_t idx : smooth_wrr_schedule(ints)) pool.schedule.push_back(member_index[idx]);
  }
}

void RuleIndex::build(const std::vector<Rule>& rules) {
  fields.clear();
  unindexed.clear();
  indexed_rules = 0;
  // Each rule may offer several fields (one per equality conjunct). Index it under the field
  // whose values split the rule set most finely (most distinct values over all rules), then the
  // smallest value set: `country = 'US' AND state = 'CA'` goes under state.
  std::vector<std::vector<Condition::EqualityKeys>> options(rules.size());
  std::unordered_map<uint16_t, std::unordered_set<std::string>> distinct;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].catch_all) continue;
    options[i] = rules[i].condition.equality_keys();
    for (const auto& o : options[i])
      distinct[static_cast<uint16_t>(o.field.id)].insert(o.values.begin(), o.values.end());
  }
  std::unordered_map<uint16_t, size_t> field_slot;
  for (uint32_t i = 0; i < rules.size(); ++i) {
    const Condition::EqualityKeys* best = nullptr;
    for (const auto& o : options[i]) {
      if (o.values.empty()) continue;
      if (!best) {
        best = &o;
        continue;
      }
      size_t d_best = distinct[static_cast<uint16_t>(best->field.id)].size();
      size_t d_o = distinct[static_cast<uint16_t>(o.field.id)].size();
      if (d_o > d_best || (d_o == d_best && o.values.size() < best->values.size())) best = &o;
    }
    if (!best) {
      unindexed.push_back(i);
      continue;
    }
    auto key = static_cast<uint16_t>(best->field.id);
    auto slot = field_slot.find(key);
    if (slot == field_slot.end()) {
      slot = field_slot.emplace(key, fields.size()).first;
      fields.push_back(FieldIndex{best->field.id, {}});
    }
    for (const auto& value : best->values) fields[slot->second].rules_by_value[value].push_back(i);
    ++indexed_rules;
  }
}

void RuleIndex::candidates(const LeadValues& lead, std::vector<uint32_t>* out) const {
  out->clear();
  out->insert(out->end(), unindexed.begin(), unindexed.end());
  // Each rule is listed under one field, and a lead has one value per field: no duplicates.
  for (const auto& f : fields) {
    const ValueView& v = lead.get(f.field);
    if (v.kind != ValueKind::Text) continue;  // NULL: no equality can be true
    auto it = f.rules_by_value.find(std::string(v.text));
    if (it == f.rules_by_value.end()) continue;
    size_t mid = out->size();
    out->insert(out->end(), it->second.begin(), it->second.end());
    std::inplace_merge(out->begin(), out->begin() + static_cast<std::ptrdiff_t>(mid), out->end());
  }
}

}  // namespace leadroute
