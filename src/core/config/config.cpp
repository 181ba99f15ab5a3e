#include "core/config/config.h"

#include <algorithm>
#include <map>

#include "core/lead/text.h"
#include "core/strategies/strategy.h"
#include "core/strategies/wrr.h"

namespace leadroute {

namespace {

// One table per enumeration: the SQL names, in one place (test/pgtap/24_vocabulary.sql checks them
// against the CHECK constraints of the tables that store them).
template <typename E>
struct Named {
  E value;
  const char* name;
};
constexpr Named<Action> kActions[] = {{Action::AccountOwner, "account_owner"},
                                      {Action::AccountCsm, "account_csm"},
                                      {Action::Rep, "rep"},
                                      {Action::Pool, "pool"},
                                      {Action::Territory, "territory"},
                                      {Action::Queue, "queue"},
                                      {Action::Nurture, "nurture"}};
// Strategies: the table of core/strategies/strategy.cpp (name, routing model and pick in one row).
constexpr Named<RoutingModel> kRoutingModels[] = {
    {RoutingModel::RoundRobin, "round_robin"},
    {RoutingModel::WeightedRoundRobin, "weighted_round_robin"},
    {RoutingModel::Territory, "territory"},
    {RoutingModel::Skills, "skills"},
    {RoutingModel::Capacity, "capacity"},
    {RoutingModel::Performance, "performance"},
    {RoutingModel::Points, "points"},
    {RoutingModel::Account, "account"},
    {RoutingModel::Queue, "queue"},
    {RoutingModel::Nurture, "nurture"},
    {RoutingModel::Fallback, "fallback"}};
constexpr Named<LeadStatus> kLeadStatuses[] = {{LeadStatus::Assigned, "assigned"},
                                               {LeadStatus::Queued, "queued"},
                                               {LeadStatus::Nurture, "nurture"}};

template <typename E, size_t N>
const char* name_of(const Named<E> (&table)[N], E value) {
  for (const auto& row : table)
    if (row.value == value) return row.name;
  return "?";
}

template <typename E, size_t N>
std::optional<E> parse_named(const Named<E> (&table)[N], std::string_view s) {
  for (const auto& row : table)
    if (s == row.name) return row.value;
  return std::nullopt;
}

template <typename E, size_t N>
void list_names(const Named<E> (&table)[N], const char* kind, std::vector<VocabularyEntry>* out) {
  for (const auto& row : table) out->push_back({kind, row.name});
}

}  // namespace

const char* action_name(Action a) {
  return name_of(kActions, a);
}
const char* strategy_name(Strategy s) {
  return strategy_row(s).name;
}
const char* routing_model_name(RoutingModel m) {
  return name_of(kRoutingModels, m);
}
const char* lead_status_name(LeadStatus s) {
  return name_of(kLeadStatuses, s);
}
std::optional<Action> parse_action(std::string_view s) {
  return parse_named(kActions, s);
}
std::optional<Strategy> parse_strategy(std::string_view s) {
  size_t n = 0;
  const StrategyRow* rows = strategy_rows(&n);
  for (size_t i = 0; i < n; ++i)
    if (s == rows[i].name) return rows[i].id;
  return std::nullopt;
}
std::optional<RoutingModel> parse_routing_model(std::string_view s) {
  return parse_named(kRoutingModels, s);
}

std::vector<VocabularyEntry> vocabulary() {
  std::vector<VocabularyEntry> out;
  list_names(kActions, "action", &out);
  size_t n = 0;
  const StrategyRow* rows = strategy_rows(&n);
  for (size_t i = 0; i < n; ++i) out.push_back({"strategy", rows[i].name});
  list_names(kRoutingModels, "routing_model", &out);
  list_names(kLeadStatuses, "routing_status", &out);
  return out;
}

uint64_t max_rotation_period(size_t members) {
  // Building a schedule costs period x members steps; keep it within a few milliseconds.
  constexpr uint64_t kWorkBudget = 20'000'000;
  constexpr uint64_t kCeiling = 100'000;
  uint64_t n = std::max<uint64_t>(members, 1);
  return std::max<uint64_t>(n, std::min<uint64_t>(kCeiling, kWorkBudget / n));
}

namespace {

void finalize_rules(std::vector<Rule>& rules, RuleIndex& index) {
  std::stable_sort(rules.begin(), rules.end(),
                   [](const Rule& a, const Rule& b) { return a.priority < b.priority; });
  for (auto& rule : rules) rule.catch_all = rule.condition.always_true();
  index.build(rules);
}

}  // namespace

void RoutingConfig::finalize() {
  finalize_rules(rules, rule_index);
  std::stable_sort(shadow_rulesets.begin(), shadow_rulesets.end(),
                   [](const ShadowRuleset& a, const ShadowRuleset& b) { return a.name < b.name; });
  for (auto& shadow : shadow_rulesets) finalize_rules(shadow.rules, shadow.rule_index);
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

namespace {

constexpr size_t kMaxKeyFields = 3;
constexpr size_t kMaxKeysPerRule = 64;  // the product of the chosen fields' value counts
constexpr char kKeySeparator = '\x1f';  // a collision only adds a candidate, never hides one

}  // namespace

void RuleIndex::build(const std::vector<Rule>& rules) {
  groups.clear();
  unindexed.clear();
  indexed_rules = 0;
  // The fields that split the rule set most finely (most distinct values over all rules) come
  // first in a rule's key; more fields are added while the rule keeps a few keys.
  std::vector<std::vector<Condition::EqualityKeys>> options(rules.size());
  std::unordered_map<uint16_t, std::unordered_set<std::string>> distinct;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (rules[i].catch_all) continue;
    options[i] = rules[i].condition.equality_keys();
    for (const auto& o : options[i])
      distinct[static_cast<uint16_t>(o.field.id)].insert(o.values.begin(), o.values.end());
  }
  std::map<std::vector<FieldId>, size_t> group_of;
  for (uint32_t i = 0; i < rules.size(); ++i) {
    std::vector<const Condition::EqualityKeys*> chosen;
    for (const auto& o : options[i])
      if (!o.values.empty()) chosen.push_back(&o);
    std::sort(chosen.begin(), chosen.end(), [&](const auto* a, const auto* b) {
      size_t da = distinct[static_cast<uint16_t>(a->field.id)].size();
      size_t db = distinct[static_cast<uint16_t>(b->field.id)].size();
      if (da != db) return da > db;
      if (a->values.size() != b->values.size()) return a->values.size() < b->values.size();
      return a->field.id < b->field.id;
    });
    std::vector<const Condition::EqualityKeys*> key_fields;
    size_t product = 1;
    for (const auto* o : chosen) {
      if (key_fields.size() == kMaxKeyFields) break;
      if (!key_fields.empty() && product * o->values.size() > kMaxKeysPerRule) continue;
      key_fields.push_back(o);
      product *= o->values.size();
    }
    if (key_fields.empty()) {
      unindexed.push_back(i);
      continue;
    }
    // One group per set of fields, in a fixed order so that the lead's key is built the same way.
    std::sort(key_fields.begin(), key_fields.end(),
              [](const auto* a, const auto* b) { return a->field.id < b->field.id; });
    std::vector<FieldId> fields;
    for (const auto* o : key_fields) fields.push_back(o->field.id);
    auto slot = group_of.find(fields);
    if (slot == group_of.end()) {
      slot = group_of.emplace(fields, groups.size()).first;
      groups.push_back(Group{fields, {}});
    }
    Group& group = groups[slot->second];
    // Every combination of the fields' values is a key of the rule.
    std::vector<std::string> keys{std::string()};
    for (size_t f = 0; f < key_fields.size(); ++f) {
      std::vector<std::string> next;
      for (const auto& prefix : keys)
        for (const auto& value : key_fields[f]->values)
          next.push_back(f == 0 ? value : prefix + kKeySeparator + value);
      keys = std::move(next);
    }
    for (const auto& key : keys) group.rules_by_key[key].push_back(i);
    ++indexed_rules;
  }
}

void RuleIndex::candidates(const LeadValues& lead, std::vector<uint32_t>* out) const {
  out->clear();
  out->insert(out->end(), unindexed.begin(), unindexed.end());
  // Each rule is in one group under distinct keys, and a lead has one key per group: no
  // duplicates.
  std::string key;
  for (const auto& g : groups) {
    key.clear();
    bool complete = true;
    for (size_t f = 0; f < g.fields.size(); ++f) {
      const ValueView& v = lead.get(g.fields[f]);
      if (v.kind != ValueKind::Text) {  // NULL: no equality on it can be true
        complete = false;
        break;
      }
      if (f > 0) key += kKeySeparator;
      key.append(v.text.data(), v.text.size());
    }
    if (!complete) continue;
    auto it = g.rules_by_key.find(key);
    if (it == g.rules_by_key.end()) continue;
    size_t mid = out->size();
    out->insert(out->end(), it->second.begin(), it->second.end());
    std::inplace_merge(out->begin(), out->begin() + static_cast<std::ptrdiff_t>(mid), out->end());
  }
}

}  // namespace leadroute
