// Steps 3-4 of routing: rules in priority order, actions, overflow, round-robin, and the trace.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/util/json.h"
#include "core/routing/router.h"
#include "fake_env.h"
#include "test_config.h"
#include "test_lead.h"

namespace leadroute {
namespace {

using testing::FakeEnv;
using testing::TestLead;

class Router : public ::testing::Test {
 protected:
  Router() {
    lead.text(FieldId::Country, "US")
        .number(FieldId::Employees, 500)
        .text(FieldId::Source, "webinar");
  }

  Rep& add_rep(int64_t id, std::string name, bool active = true,
               std::optional<int64_t> backup = std::nullopt) {
    Rep& r = testing::add_rep(config, id, std::move(name));
    r.active = active;
    r.backup_id = backup;
    return r;
  }

  Pool& add_pool(int64_t id, std::string name, std::vector<PoolMember> members,
                 std::optional<int64_t> overflow = std::nullopt) {
    Pool& p = config.pools[id];
    p.id = id;
    p.name = std::move(name);
    p.members = std::move(members);
    p.overflow_pool_id = overflow;
    return p;
  }

  Rule& add_rule(int64_t id, int32_t priority, std::string_view condition, Action action) {
    return testing::add_rule(config, id, priority, condition, action);
  }
  Rule& queue_rule(int64_t id, int32_t priority, std::string_view condition, std::string queue) {
    Rule& r = add_rule(id, priority, condition, Action::Queue);
    r.queue = std::move(queue);
    return r;
  }
  Rule& rep_rule(int64_t id, int32_t priority, std::string_view condition, int64_t rep) {
    Rule& r = add_rule(id, priority, condition, Action::Rep);
    r.rep_id = rep;
    return r;
  }
  Rule& pool_rule(int64_t id, int32_t priority, std::string_view condition, int64_t pool) {
    Rule& r = add_rule(id, priority, condition, Action::Pool);
    r.pool_id = pool;
    return r;
  }

  Decision route() {
    lead.values.attributes.resize(config.attributes.size());
    return route_lead(config, lead.values, AccountMatch{}, env, options);
  }
  // Owners of `n` consecutive leads.
  std::vector<int64_t> owners(int n) {
    std::vector<int64_t> out;
    for (int i = 0; i < n; ++i) {
      Decision d = route();
      EXPECT_TRUE(d.owner_id.has_value());
      out.push_back(d.owner_id.value_or(-1));
    }
    return out;
  }
  static JsonValue trace_of(const Decision& d) {
    JsonValue v;
    EXPECT_NO_THROW(v = parse_json(d.trace)) << d.trace;
    return v;
  }

  RoutingConfig config;
  FakeEnv env;
  RouteOptions options;
  TestLead lead;
};

// ---- rule order -------------------------------------------------------------------------------

TEST_F(Router, RulesRunInPriorityOrderNotInsertionOrder) {
  queue_rule(1, 30, "country = 'US'", "thirty");
  queue_rule(2, 10, "country = 'CA'", "ten");
  queue_rule(3, 20, "employees >= 100", "twenty");
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.queue, "twenty");
  EXPECT_EQ(d.rule_id, 3);
  lead.text(FieldId::Country, "CA");
  EXPECT_EQ(route().queue, "ten");
  lead.number(FieldId::Employees, 5).text(FieldId::Country, "US");
  EXPECT_EQ(route().queue, "thirty");
}

TEST_F(Router, FirstMatchWins) {
  queue_rule(1, 1, "country = 'US'", "first");
  queue_rule(2, 2, "country = 'US'", "second");
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.queue, "first");
  EXPECT_EQ(d.rule_id, 1);
}

TEST_F(Router, UnknownConditionDoesNotMatch) {
  queue_rule(1, 1, "state <> 'CA'", "by state");
  queue_rule(2, 2, "NOT state = 'CA'", "negated");
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.queue, options.default_queue);
  EXPECT_TRUE(d.fallback);
}

// ---- actions ----------------------------------------------------------------------------------

TEST_F(Router, QueueAction) {
  queue_rule(7, 1, "country = 'US'", "us-inbound");
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Queued);
  EXPECT_EQ(d.queue, "us-inbound");
  EXPECT_FALSE(d.owner_id);
  EXPECT_EQ(d.rule_id, 7);
  EXPECT_EQ(d.model, RoutingModel::Queue);
  EXPECT_FALSE(d.fallback);
}

TEST_F(Router, NurtureAction) {
  Rule& r = add_rule(4, 1, "employees < 1000", Action::Nurture);
  r.queue = "smb-drip";
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Nurture);
  EXPECT_EQ(d.queue, "smb-drip");
  EXPECT_FALSE(d.owner_id);
  EXPECT_EQ(d.rule_id, 4);
  EXPECT_EQ(d.model, RoutingModel::Nurture);
  EXPECT_FALSE(d.fallback);
}

TEST_F(Router, RepAction) {
  add_rep(11, "alice");
  rep_rule(5, 1, "country = 'US'", 11);
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Assigned);
  EXPECT_EQ(d.owner_id, 11);
  EXPECT_FALSE(d.queue);
  EXPECT_EQ(d.rule_id, 5);
  EXPECT_FALSE(d.fallback);
  EXPECT_NE(d.model, RoutingModel::Fallback);
}

TEST_F(Router, PoolAction) {
  add_rep(11, "alice");
  add_pool(1, "inbound", {{11, 1}});
  pool_rule(5, 1, "TRUE AND country = 'US'", 1);
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Assigned);
  EXPECT_EQ(d.owner_id, 11);
  EXPECT_EQ(d.rule_id, 5);
  EXPECT_EQ(d.model, RoutingModel::RoundRobin);
  EXPECT_FALSE(d.fallback);
  EXPECT_EQ(env.taken(1), 1);
}

TEST_F(Router, NoMatchGoesToTheDefaultQueue) {
  queue_rule(1, 1, "country = 'CA'", "canada");
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Queued);
  EXPECT_EQ(d.queue, "unrouted");
  EXPECT_FALSE(d.owner_id);
  EXPECT_FALSE(d.rule_id);
  EXPECT_EQ(d.model, RoutingModel::Fallback);
  EXPECT_TRUE(d.fallback);

  options.default_queue = "triage";
  EXPECT_EQ(route().queue, "triage");
}

TEST_F(Router, NoRulesAtAll) {
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.queue, "unrouted");
  EXPECT_TRUE(d.fallback);
  JsonValue t = trace_of(d);
  EXPECT_NE(t.str("default_queue"), "");
}

TEST_F(Router, CatchAllRuleCountsAsFallback) {
  queue_rule(1, 1, "country = 'CA'", "canada");
  queue_rule(9, 99, "TRUE", "catch-all");
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.queue, "catch-all");
  EXPECT_EQ(d.rule_id, 9);
  EXPECT_TRUE(d.fallback);
  EXPECT_EQ(d.model, RoutingModel::Queue);

  // A rule that is true for this lead but not statically true is not a fallback.
  RoutingConfig other;
  Rule r;
  r.id = 3;
  r.condition = Condition::compile("TRUE OR country = 'x'", other.attributes);
  r.action = Action::Queue;
  r.queue = "everyone";
  other.rules.push_back(std::move(r));
  Rule specific;
  specific.id = 2;
  specific.priority = -1;
  specific.condition = Condition::compile("country = 'US'", other.attributes);
  specific.action = Action::Queue;
  specific.queue = "us";
  other.rules.push_back(std::move(specific));
  other.finalize();
  Decision us = route_lead(other, lead.values, AccountMatch{}, env, options);
  EXPECT_EQ(us.queue, "us");
  EXPECT_FALSE(us.fallback);
  lead.text(FieldId::Country, "DE");
  Decision everyone = route_lead(other, lead.values, AccountMatch{}, env, options);
  EXPECT_EQ(everyone.queue, "everyone");
  EXPECT_TRUE(everyone.fallback);
}

TEST_F(Router, CatchAllWithRepKeepsTheActionsModel) {
  add_rep(11, "alice");
  add_pool(1, "everyone", {{11, 1}});
  pool_rule(9, 99, "TRUE", 1);
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.owner_id, 11);
  EXPECT_TRUE(d.fallback);
  EXPECT_EQ(d.model, RoutingModel::RoundRobin);
}

// ---- eligibility and overflow -----------------------------------------------------------------

TEST_F(Router, InactiveRepGoesToActiveBackup) {
  add_rep(11, "alice", false, 12);
  add_rep(12, "bob");
  rep_rule(5, 1, "TRUE AND country = 'US'", 11);
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Assigned);
  EXPECT_EQ(d.owner_id, 12);
  EXPECT_EQ(d.rule_id, 5);
  EXPECT_FALSE(d.fallback);

  JsonValue t = trace_of(d);
  const JsonValue& hit = t.get("rules")->array.at(0);
  const auto& steps = hit.get("steps")->array;
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].num("rep"), 11);
  EXPECT_EQ(steps[0].str("skip"), "inactive");
  EXPECT_EQ(steps[1].num("rep"), 12);
  EXPECT_EQ(steps[1].num("backup_for"), 11);
  EXPECT_TRUE(steps[1].flag("pick"));
}

TEST_F(Router, InactiveRepAndInactiveBackupGoToTheDefaultQueue) {
  add_rep(11, "alice", false, 12);
  add_rep(12, "bob", false);
  rep_rule(5, 1, "country = 'US'", 11);
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Queued);
  EXPECT_EQ(d.queue, "unrouted");
  EXPECT_FALSE(d.owner_id);
  EXPECT_EQ(d.rule_id, 5);  // the rule that matched is kept
  EXPECT_TRUE(d.fallback);
  EXPECT_EQ(d.model, RoutingModel::Fallback);
  JsonValue t = trace_of(d);
  EXPECT_NE(t.str("default_queue").find("alice"), std::string::npos) << d.trace;
}

TEST_F(Router, InactiveRepWithoutBackupOrMissingRep) {
  add_rep(11, "alice", false);
  rep_rule(5, 1, "country = 'US'", 11);
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.queue, "unrouted");
  EXPECT_EQ(d.rule_id, 5);
  EXPECT_TRUE(d.fallback);

  config.rules.clear();
  rep_rule(6, 1, "country = 'US'", 404);
  config.finalize();
  Decision missing = route();
  EXPECT_EQ(missing.queue, "unrouted");
  EXPECT_EQ(missing.rule_id, 6);
  EXPECT_TRUE(missing.fallback);
}

TEST_F(Router, EmptyPoolOverflows) {
  add_rep(21, "carol");
  add_pool(1, "empty", {}, 2);
  add_pool(2, "overflow", {{21, 1}});
  pool_rule(5, 1, "country = 'US'", 1);
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.owner_id, 21);
  EXPECT_EQ(d.rule_id, 5);
  EXPECT_FALSE(d.fallback);
  EXPECT_EQ(env.taken(1), 0);  // an empty pool draws no ticket
  EXPECT_EQ(env.taken(2), 1);

  JsonValue t = trace_of(d);
  const auto& steps = t.get("rules")->array.at(0).get("steps")->array;
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[0].num("pool"), 1);
  EXPECT_NE(steps[0].str("none"), "");
  EXPECT_EQ(steps[1].num("pool"), 2);
  EXPECT_TRUE(steps[1].flag("overflow"));
}

TEST_F(Router, AllInactivePoolOverflowsThenDefaultQueue) {
  add_rep(11, "alice", false);
  add_rep(12, "bob", false);
  add_pool(1, "first", {{11, 1}}, 2);
  add_pool(2, "second", {{12, 1}});
  pool_rule(5, 1, "country = 'US'", 1);
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.status, LeadStatus::Queued);
  EXPECT_EQ(d.queue, "unrouted");
  EXPECT_EQ(d.rule_id, 5);
  EXPECT_TRUE(d.fallback);
  EXPECT_EQ(d.model, RoutingModel::Fallback);
  JsonValue t = trace_of(d);
  std::string why = t.str("default_queue");
  EXPECT_NE(why.find("first"), std::string::npos) << why;
  EXPECT_NE(why.find("second"), std::string::npos) << why;
}

TEST_F(Router, OverflowLoopDoesNotHang) {
  add_rep(11, "alice", false);
  add_pool(1, "a", {{11, 1}}, 2);
  add_pool(2, "b", {}, 3);
  add_pool(3, "c", {{11, 1}}, 1);
  pool_rule(5, 1, "country = 'US'", 1);
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.queue, "unrouted");
  EXPECT_TRUE(d.fallback);
  EXPECT_EQ(d.rule_id, 5);
  JsonValue t = trace_of(d);
  EXPECT_EQ(t.get("rules")->array.at(0).get("steps")->array.size(), 3u);
}

TEST_F(Router, OverflowToAMissingPool) {
  add_pool(1, "a", {}, 99);
  pool_rule(5, 1, "country = 'US'", 1);
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.queue, "unrouted");
  EXPECT_TRUE(d.fallback);
}

TEST_F(Router, UnsupportedActionFallsThroughToTheNextRule) {
  add_rule(1, 1, "country = 'US'", Action::AccountOwner);
  queue_rule(2, 2, "country = 'US'", "next");
  config.finalize();
  Decision d = route();
  EXPECT_EQ(d.queue, "next");
  EXPECT_EQ(d.rule_id, 2);
  JsonValue t = trace_of(d);
  const auto& rules = t.get("rules")->array;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].num("id"), 1);
  EXPECT_NE(rules[0].str("fell_through"), "");
}

// ---- round-robin ------------------------------------------------------------------------------

TEST_F(Router, EqualWeightsRotateStrictly) {
  add_rep(3, "carol");
  add_rep(1, "alice");
  add_rep(2, "bob");
  add_pool(1, "inbound", {{3, 1}, {1, 1}, {2, 1}});
  pool_rule(5, 1, "TRUE", 1);
  config.finalize();
  auto picked = owners(9);
  EXPECT_EQ(picked, (std::vector<int64_t>{1, 2, 3, 1, 2, 3, 1, 2, 3}));
  std::map<int64_t, int> counts;
  for (int64_t o : picked) ++counts[o];
  EXPECT_EQ(counts[1], 3);
  EXPECT_EQ(counts[2], 3);
  EXPECT_EQ(counts[3], 3);
  config.finalize();
  EXPECT_EQ(route().model, RoutingModel::RoundRobin);
}

TEST_F(Router, WeightedPool) {
  add_rep(1, "alice");
  add_rep(2, "bob");
  add_rep(3, "carol");
  add_pool(1, "weighted", {{1, 5}, {2, 1}, {3, 1}});
  pool_rule(5, 1, "country = 'US'", 1);
  config.finalize();
  Decision first = route();
  EXPECT_EQ(first.model, RoutingModel::WeightedRoundRobin);
  EXPECT_EQ(first.owner_id, 1);
  auto rest = owners(6);
  EXPECT_EQ(rest, (std::vector<int64_t>{1, 2, 1, 3, 1, 1}));
  // The next period repeats.
  EXPECT_EQ(owners(7), (std::vector<int64_t>{1, 1, 2, 1, 3, 1, 1}));
}

TEST_F(Router, InactiveMemberIsOutOfTheRotationWithoutCatchUp) {
  add_rep(1, "alice");
  Rep& bob = add_rep(2, "bob", false);
  add_rep(3, "carol");
  add_pool(1, "inbound", {{1, 1}, {2, 1}, {3, 1}});
  pool_rule(5, 1, "TRUE", 1);
  config.finalize();
  EXPECT_EQ(owners(4), (std::vector<int64_t>{1, 3, 1, 3}));

  JsonValue t = trace_of(route());  // ticket 5
  const auto& candidates =
      t.get("rules")->array.at(0).get("steps")->array.at(0).get("candidates")->array;
  ASSERT_EQ(candidates.size(), 2u);  // bob skipped, then the pick
  EXPECT_EQ(candidates[0].num("rep"), 2);
  EXPECT_EQ(candidates[0].str("skip"), "inactive");
  EXPECT_TRUE(candidates[1].flag("pick"));

  // Bob returns: a configuration change recompiles the pools.
  bob.active = true;
  config.finalize();
  auto picked = owners(9);
  std::map<int64_t, int> counts;
  for (int64_t o : picked) ++counts[o];
  EXPECT_EQ(counts[2], 3) << "no burst of catch-up turns for bob";
  for (size_t i = 1; i < picked.size(); ++i) EXPECT_NE(picked[i], picked[i - 1]) << i;
}

TEST_F(Router, EachPoolHasItsOwnTurns) {
  add_rep(1, "alice");
  add_rep(2, "bob");
  add_pool(1, "us", {{1, 1}, {2, 1}});
  add_pool(2, "ca", {{1, 1}, {2, 1}});
  pool_rule(5, 1, "country = 'US'", 1);
  pool_rule(6, 2, "country = 'CA'", 2);
  config.finalize();
  EXPECT_EQ(route().owner_id, 1);
  EXPECT_EQ(route().owner_id, 2);
  lead.text(FieldId::Country, "CA");
  EXPECT_EQ(route().owner_id, 1);
  EXPECT_EQ(env.taken(1), 2);
  EXPECT_EQ(env.taken(2), 1);
}

// ---- trace ------------------------------------------------------------------------------------

TEST_F(Router, FullTraceListsMissedRulesAndThePick) {
  add_rep(1, "alice");
  add_rep(2, "bob");
  add_pool(1, "inbound", {{1, 1}, {2, 1}});
  queue_rule(1, 1, "country = 'CA' AND employees > 10", "canada");
  queue_rule(2, 2, "source = 'webinar' AND employees > 1000", "enterprise");
  queue_rule(3, 3, "state = 'NY'", "new york");
  pool_rule(4, 4, "country = 'US'", 1);
  queue_rule(5, 5, "TRUE", "never reached");
  config.finalize();
  route();               // ticket 1
  Decision d = route();  // ticket 2
  EXPECT_EQ(d.owner_id, 2);

  JsonValue t = trace_of(d);
  const JsonValue* rules = t.get("rules");
  ASSERT_NE(rules, nullptr);
  ASSERT_EQ(rules->array.size(), 4u);  // three misses and the hit; nothing after the hit

  const JsonValue& first = rules->array[0];
  EXPECT_EQ(first.num("id"), 1);
  EXPECT_EQ(first.str("miss"), "country = 'CA'");
  ASSERT_NE(first.get("values"), nullptr);
  EXPECT_EQ(first.get("values")->str("country"), "US");

  const JsonValue& second = rules->array[1];
  EXPECT_EQ(second.str("miss"), "employees > 1000");
  EXPECT_EQ(second.get("values")->num("employees"), 500);

  const JsonValue& third = rules->array[2];
  EXPECT_EQ(third.str("unknown"), "state = 'NY'");
  EXPECT_FALSE(third.has("miss"));
  ASSERT_NE(third.get("values")->get("state"), nullptr);
  EXPECT_TRUE(third.get("values")->get("state")->is_null());

  const JsonValue& hit = rules->array[3];
  EXPECT_EQ(hit.num("id"), 4);
  EXPECT_TRUE(hit.flag("match"));
  const auto& steps = hit.get("steps")->array;
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].num("pool"), 1);
  EXPECT_EQ(steps[0].str("strategy"), "round_robin");
  const auto& candidates = steps[0].get("candidates")->array;
  ASSERT_EQ(candidates.size(), 1u);
  EXPECT_EQ(candidates[0].num("rep"), 2);
  EXPECT_TRUE(candidates[0].flag("pick"));
  EXPECT_EQ(candidates[0].num("ticket"), 2);
  EXPECT_EQ(candidates[0].num("slot"), 2);  // 1-based in the trace
  EXPECT_EQ(candidates[0].num("period"), 2);
  EXPECT_FALSE(candidates[0].has("weight"));  // equal weights
  EXPECT_FALSE(t.has("default_queue"));
}

TEST_F(Router, TraceOfAWeightedPickHasTheWeight) {
  add_rep(1, "alice");
  add_rep(2, "bob");
  add_pool(1, "weighted", {{1, 2.5}, {2, 1}});
  pool_rule(4, 4, "country = 'US'", 1);
  config.finalize();
  JsonValue t = trace_of(route());
  const auto& pick =
      t.get("rules")->array.at(0).get("steps")->array.at(0).get("candidates")->array.at(0);
  EXPECT_EQ(pick.num("rep"), 1);
  EXPECT_EQ(pick.num("weight"), 2.5);
  EXPECT_EQ(pick.num("period"), 7);  // 2.5 : 1 = 5 : 2
}

TEST_F(Router, TraceValuesAreValidUtf8WhenCut) {
  std::string company = std::string(199, 'a');
  for (int i = 0; i < 50; ++i) company += "é";
  lead.text(FieldId::Company, company);
  queue_rule(1, 1, "company = 'x'", "never");
  config.finalize();
  Decision d = route();
  EXPECT_TRUE(testing::valid_utf8(d.trace));
  JsonValue t = trace_of(d);
  std::string shown = t.get("rules")->array.at(0).get("values")->str("company");
  EXPECT_LE(shown.size(), 200u);
  EXPECT_GE(shown.size(), 199u);
  EXPECT_EQ(company.compare(0, shown.size(), shown), 0);
}

TEST_F(Router, TraceArraysAndBooleans) {
  lead.array(FieldId::ProductInterest, {"crm", std::nullopt}).boolean(FieldId::IsFreemail, true);
  queue_rule(1, 1, "product_interest CONTAINS 'erp' AND is_freemail", "never");
  queue_rule(2, 2, "NOT is_freemail", "never");
  config.finalize();
  JsonValue t = trace_of(route());
  const auto& rules = t.get("rules")->array;
  ASSERT_EQ(rules.size(), 2u);
  const JsonValue* array = rules[0].get("values")->get("product_interest");
  ASSERT_NE(array, nullptr);
  ASSERT_EQ(array->type, JsonValue::Type::Array);
  ASSERT_EQ(array->array.size(), 2u);
  EXPECT_EQ(array->array[0].string, "crm");
  EXPECT_TRUE(array->array[1].is_null());
  EXPECT_TRUE(rules[1].get("values")->flag("is_freemail"));
}

TEST_F(Router, TraceOffIsEmpty) {
  add_rep(1, "alice");
  add_pool(1, "inbound", {{1, 1}});
  queue_rule(1, 1, "country = 'CA'", "canada");
  pool_rule(2, 2, "country = 'US'", 1);
  config.finalize();
  options.trace = TraceLevel::Off;
  Decision d = route();
  EXPECT_EQ(d.owner_id, 1);
  EXPECT_TRUE(d.trace.empty());
  config.rules.clear();
  config.finalize();
  Decision fallback = route();
  EXPECT_TRUE(fallback.trace.empty());
  EXPECT_TRUE(fallback.fallback);
}

TEST_F(Router, CompactTraceOmitsMissedRules) {
  add_rep(1, "alice");
  add_pool(1, "inbound", {{1, 1}});
  queue_rule(1, 1, "country = 'CA'", "canada");
  queue_rule(2, 2, "employees > 1000", "enterprise");
  pool_rule(3, 3, "country = 'US'", 1);
  config.finalize();
  options.trace = TraceLevel::Compact;
  Decision d = route();
  EXPECT_EQ(d.owner_id, 1);
  JsonValue t = trace_of(d);
  const auto& rules = t.get("rules")->array;
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].num("id"), 3);
  EXPECT_TRUE(rules[0].flag("match"));
  EXPECT_EQ(t.num("more_rules"), 2);
  EXPECT_EQ(d.trace.find("country = 'CA'"), std::string::npos);
}

TEST_F(Router, FullTraceCapsTheListedRules) {
  // A range is not indexed: every one of the 150 rules is tried, 100 are listed.
  for (int i = 0; i < 150; ++i) queue_rule(i + 1, i + 1, "employees > 100000", "never");
  config.finalize();
  Decision d = route();
  JsonValue t = trace_of(d);
  EXPECT_EQ(t.get("rules")->array.size(), kMaxTracedRules);
  EXPECT_EQ(t.num("more_rules"), 150 - static_cast<double>(kMaxTracedRules));
  EXPECT_EQ(t.str("default_queue"), "no rule matched");
}

// ---- the rule index ---------------------------------------------------------------------------

TEST_F(Router, IndexTriesOnlyTheRulesThatCanMatch) {
  // 300 territory-like rules: only the US ones (and the unindexed range) can match a US lead.
  for (int i = 0; i < 300; ++i) {
    std::string country = i % 3 == 0 ? "US" : (i % 3 == 1 ? "DE" : "FR");
    queue_rule(i + 1, i + 1,
               "country = '" + country + "' AND source = 'web" + std::to_string(i) + "'",
               "q" + std::to_string(i));
  }
  queue_rule(1000, 1000, "employees >= 500", "big");
  config.finalize();
  EXPECT_EQ(config.rule_index.indexed_rules, 300u);
  EXPECT_EQ(config.rule_index.unindexed.size(), 1u);
  // Keyed by both equalities (country and source): one bucket per combination.
  ASSERT_EQ(config.rule_index.groups.size(), 1u);
  EXPECT_EQ(config.rule_index.groups[0].fields,
            (std::vector<FieldId>{FieldId::Country, FieldId::Source}));
  EXPECT_EQ(config.rule_index.groups[0].rules_by_key.size(), 300u);

  lead.text(FieldId::Source, "web42");  // rule 43: country US (42 % 3 == 0)
  Decision d = route();
  EXPECT_EQ(d.queue, "q42");
  JsonValue t = trace_of(d);
  EXPECT_EQ(t.get("rules")->array.size(), 1u) << "only the rule for web42 was tried";
  EXPECT_EQ(t.num("more_rules"), 42.0) << "the 42 rules before it count as unlisted misses";

  lead.text(FieldId::Source, "web43");  // rule 44 wants DE: falls to the range rule
  EXPECT_EQ(route().queue, "big");
  lead.null(FieldId::Source);
  EXPECT_EQ(route().queue, "big");
  lead.number(FieldId::Employees, 10);
  EXPECT_EQ(route().queue, options.default_queue);
}

TEST_F(Router, IndexKeepsPriorityOrderAcrossFields) {
  // Rules indexed under different fields and unindexed ones interleave by priority.
  for (int i = 0; i < 60; ++i)
    queue_rule(i + 1, 10 * i + 10, "state = 'S" + std::to_string(i) + "'", "state");
  for (int i = 0; i < 60; ++i)
    queue_rule(100 + i, 10 * i + 5, "source IN ('a" + std::to_string(i) + "', 'b')",
               "source" + std::to_string(i));
  queue_rule(500, 15, "employees BETWEEN 400 AND 600", "range");
  config.finalize();
  lead.text(FieldId::State, "S3").text(FieldId::Source, "b");
  EXPECT_EQ(route().queue, "source0") << "priority 5 beats the range (15) and the state rule (40)";
  lead.text(FieldId::Source, "zzz");
  EXPECT_EQ(route().queue, "range");
  lead.number(FieldId::Employees, 1);
  EXPECT_EQ(route().queue, "state");
}

// Random rule sets: with the index, the first matching rule is always the one a linear scan
// finds. Conditions mix =, IN, OR, AND, NOT, ranges and NULL tests over a few fields.
TEST_F(Router, IndexedRoutingEqualsLinearScan) {
  std::mt19937 rng(20261124);
  auto pick = [&](std::initializer_list<const char*> xs) {
    std::vector<const char*> v(xs);
    return std::string(v[rng() % v.size()]);
  };
  auto atom = [&]() -> std::string {
    switch (rng() % 8) {
      case 0:
        return "country = '" + pick({"US", "DE", "FR", "GB"}) + "'";
      case 1:
        return "state IN ('" + pick({"CA", "NY", "TX"}) + "', '" + pick({"WA", "CA", "IL"}) + "')";
      case 2:
        return "source = '" + pick({"web", "demo_request", "partner", "webinar"}) + "'";
      case 3:
        return "employees > " + std::to_string(rng() % 2000);
      case 4:
        return "country IS NULL";
      case 5:
        return "NOT country = '" + pick({"US", "DE"}) + "'";
      case 6:
        return "source IN ('web', NULL)";
      default:
        return "industry = '" + pick({"Software", "Finance"}) + "'";
    }
  };
  auto condition = [&]() -> std::string {
    switch (rng() % 4) {
      case 0:
        return atom();
      case 1:
        return atom() + " AND " + atom();
      case 2:
        return "(" + atom() + " OR " + atom() + ") AND " + atom();
      default:
        return atom() + " OR " + atom();
    }
  };
  for (int i = 0; i < 400; ++i) queue_rule(i + 1, i + 1, condition(), "q" + std::to_string(i + 1));
  config.finalize();
  ASSERT_GT(config.rules.size(), kMaxTracedRules);
  ASSERT_GT(config.rule_index.indexed_rules, 0u);
  for (int n = 0; n < 2000; ++n) {
    auto maybe_text = [&](FieldId f, std::initializer_list<const char*> xs) {
      if (rng() % 5 == 0)
        lead.null(f);
      else
        lead.text(f, pick(xs));
    };
    maybe_text(FieldId::Country, {"US", "DE", "FR", "GB", "JP"});
    maybe_text(FieldId::State, {"CA", "NY", "TX", "WA", "IL"});
    maybe_text(FieldId::Source, {"web", "demo_request", "partner", "webinar", "ads"});
    maybe_text(FieldId::Industry, {"Software", "Finance", "Retail"});
    lead.number(FieldId::Employees, rng() % 3000);
    std::string expected = options.default_queue;
    for (const Rule& r : config.rules)
      if (r.condition.evaluate(lead.values) == Tri::True) {
        expected = *r.queue;
        break;
      }
    ASSERT_EQ(route().queue, expected) << "lead " << n;
  }
}

TEST_F(Router, AttributesInRules) {
  queue_rule(1, 1, "attributes.utm.source = 'google'", "paid");
  config.finalize();
  lead.values.attributes.assign(config.attributes.size(), ValueView{});
  lead.attribute_text(config.attributes, {"utm", "source"}, "google");
  EXPECT_EQ(route_lead(config, lead.values, AccountMatch{}, env, options).queue, "paid");
}

// ---- broken configuration rows (issue 13) -----------------------------------------------------

TEST_F(Router, BrokenRuleFailsOnlyTheLeadsThatReachIt) {
  add_rep(1, "Ana");
  add_rep(2, "Ben");
  rep_rule(1, 10, "country = 'DE'", 1);
  rep_rule(2, 20, "TRUE", 2).broken = "rule \"legacy\" has an invalid condition";
  rep_rule(3, 30, "TRUE", 1);
  config.finalize();
  lead.text(FieldId::Country, "DE");
  EXPECT_EQ(route().owner_id, 1);  // placed before the broken rule
  lead.text(FieldId::Country, "US");
  EXPECT_THROW(route(), ConfigFault);  // reaches it: this lead alone fails
}

TEST_F(Router, BrokenRepFailsOnlyWhenConsidered) {
  add_rep(1, "Ana");
  add_rep(2, "Ben").broken = "rep 2 (Ben) has unreadable skills or working_hours";
  rep_rule(1, 10, "country = 'DE'", 1);
  rep_rule(2, 20, "TRUE", 2);
  config.finalize();
  lead.text(FieldId::Country, "DE");
  EXPECT_EQ(route().owner_id, 1);
  lead.text(FieldId::Country, "US");
  try {
    route();
    ADD_FAILURE() << "a lead for the broken rep routed";
  } catch (const ConfigFault& e) {
    EXPECT_NE(std::string(e.what()).find("rep 2 (Ben)"), std::string::npos);
  }
}

// ---- special decisions ------------------------------------------------------------------------

TEST(RouterDecisions, RoutingError) {
  Decision d = routing_error_decision("division by \"zero\"");
  EXPECT_EQ(d.status, LeadStatus::Queued);
  EXPECT_EQ(d.queue, "routing_error");
  EXPECT_TRUE(d.fallback);
  EXPECT_EQ(d.model, RoutingModel::Fallback);
  EXPECT_FALSE(d.owner_id);
  EXPECT_EQ(parse_json(d.trace).str("error"), "division by \"zero\"");
}

TEST(RouterDecisions, Disabled) {
  RouteOptions options;
  options.default_queue = "inbox";
  Decision d = disabled_decision(options);
  EXPECT_EQ(d.queue, "inbox");
  EXPECT_EQ(d.status, LeadStatus::Queued);
  EXPECT_TRUE(d.fallback);
  EXPECT_NE(parse_json(d.trace).str("default_queue"), "");
  options.trace = TraceLevel::Off;
  EXPECT_TRUE(disabled_decision(options).trace.empty());
}

TEST(RouterNames, EnumNamesRoundTrip) {
  for (Action a : {Action::AccountOwner, Action::AccountCsm, Action::Rep, Action::Pool,
                   Action::Territory, Action::Queue, Action::Nurture})
    EXPECT_EQ(parse_action(action_name(a)), a);
  for (Strategy s : {Strategy::RoundRobin, Strategy::LeastLoaded, Strategy::Skills,
                     Strategy::Performance, Strategy::Points})
    EXPECT_EQ(parse_strategy(strategy_name(s)), s);
  EXPECT_FALSE(parse_action("Queue"));
  EXPECT_FALSE(parse_strategy(""));
  EXPECT_STREQ(routing_model_name(RoutingModel::WeightedRoundRobin), "weighted_round_robin");
  EXPECT_STREQ(lead_status_name(LeadStatus::Nurture), "nurture");
}

}  // namespace
}  // namespace leadroute
