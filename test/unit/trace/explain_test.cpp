// Rendering a decision and its trace as text for a sales-ops person (leadroute.explain()).
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "core/trace/explain.h"
#include "core/routing/router.h"
#include "fake_env.h"
#include "test_lead.h"

namespace leadroute {
namespace {

using testing::FakeEnv;
using testing::TestLead;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class Explain : public ::testing::Test {
 protected:
  Explain() {
    lead.text(FieldId::Country, "US").number(FieldId::Employees, 500);
    for (auto [id, name, active] : {std::tuple<int64_t, const char*, bool>{1, "Alice Smith", true},
                                    {2, "Bob Jones", false},
                                    {3, "Carol White", true}}) {
      Rep& r = config.reps[id];
      r.id = id;
      r.name = name;
      r.active = active;
      names.reps[id] = name;
    }
    Pool& pool = config.pools[10];
    pool.id = 10;
    pool.name = "Inbound US";
    pool.members = {{1, 1}, {2, 1}, {3, 1}};
    names.pools[10] = "Inbound US";
  }

  void add_rule(int64_t id, int32_t priority, const char* name, std::string_view condition,
                Action action) {
    Rule r;
    r.id = id;
    r.name = name;
    r.priority = priority;
    r.condition = Condition::compile(condition, config.attributes);
    r.action = action;
    if (action == Action::Pool) r.pool_id = 10;
    if (action == Action::Queue) r.queue = "emea";
    config.rules.push_back(std::move(r));
    names.rules[id] = ExplainRule{name, priority, action_name(action)};
  }

  ExplainDecision explain_input(const Decision& d) {
    ExplainDecision e;
    e.lead_id = 42;
    e.email = "jane@acme.com";
    e.company = "Acme";
    e.decided_at = "2024-05-06 10:00:00+00";
    e.duration_us = 17;
    e.status = lead_status_name(d.status);
    e.owner_id = d.owner_id;
    e.queue = d.queue;
    e.rule_id = d.rule_id;
    e.routing_model = routing_model_name(d.model);
    e.fallback = d.fallback;
    e.trace = d.trace;
    return e;
  }

  std::string render(const Decision& d) { return render_explain(explain_input(d), names); }

  Decision route() { return route_lead(config, lead.values, AccountMatch{}, env, RouteOptions{}); }

  RoutingConfig config;
  ExplainNames names;
  FakeEnv env;
  TestLead lead;
};

TEST_F(Explain, RulesTriedAndThePick) {
  add_rule(100, 10, "EMEA", "country IN ('DE', 'FR') AND employees > 10", Action::Queue);
  add_rule(101, 20, "US round robin", "country = 'US'", Action::Pool);
  config.finalize();
  Decision d = route();
  ASSERT_EQ(d.owner_id, 1);
  std::string text = render(d);

  EXPECT_TRUE(contains(text, "Lead 42 <jane@acme.com, Acme>")) << text;
  EXPECT_TRUE(contains(text, "assigned to Alice Smith (rep 1)")) << text;
  EXPECT_TRUE(contains(text, "\"US round robin\" (priority 20)")) << text;
  EXPECT_TRUE(contains(text, "round_robin")) << text;
  EXPECT_TRUE(contains(text, "\"EMEA\" (priority 10): no: country IN ('DE', 'FR')")) << text;
  EXPECT_TRUE(contains(text, "country is 'US'")) << text;
  EXPECT_TRUE(contains(text, "Pool \"Inbound US\"")) << text;
  EXPECT_TRUE(contains(text, "Bob Jones (rep 2): skipped, inactive")) << text;
  EXPECT_TRUE(contains(text, "Alice Smith (rep 1): picked")) << text;
  EXPECT_TRUE(contains(text, "turn 1 lands on slot 1 of 2")) << text;
  EXPECT_FALSE(contains(text, "Default queue")) << text;
  EXPECT_FALSE(contains(text, "fallback")) << text;
  // Rules are listed in priority order.
  EXPECT_LT(text.find("EMEA"), text.find("MATCHED")) << text;
}

TEST_F(Explain, NoRuleMatchedShowsTheDefaultQueue) {
  add_rule(100, 10, "EMEA", "country IN ('DE', 'FR')", Action::Queue);
  add_rule(101, 20, "Big US", "employees >= 1000", Action::Pool);
  config.finalize();
  Decision d = route();
  std::string text = render(d);
  EXPECT_TRUE(contains(text, "placed in queue \"unrouted\"")) << text;
  EXPECT_TRUE(contains(text, "(counted as fallback)")) << text;
  EXPECT_TRUE(contains(text, "no: employees >= 1000  (employees is 500)")) << text;
  EXPECT_TRUE(contains(text, "Default queue \"unrouted\": no rule matched.")) << text;
}

TEST_F(Explain, UnknownPredicateShowsNullValues) {
  add_rule(100, 10, "By state", "state = 'NY'", Action::Queue);
  config.finalize();
  std::string text = render(route());
  EXPECT_TRUE(contains(text, "cannot match, unknown: state = 'NY'")) << text;
  EXPECT_TRUE(contains(text, "state is NULL")) << text;
}

TEST_F(Explain, NobodyEligibleFallsToTheDefaultQueue) {
  config.reps[1].active = false;
  config.reps[3].active = false;
  add_rule(101, 20, "US round robin", "country = 'US'", Action::Pool);
  config.finalize();
  Decision d = route();
  ASSERT_EQ(d.queue, "unrouted");
  std::string text = render(d);
  EXPECT_TRUE(contains(text, "nobody eligible")) << text;
  EXPECT_TRUE(contains(text, "placed in queue \"unrouted\"")) << text;
  EXPECT_TRUE(contains(text, "default queue")) << text;
  EXPECT_FALSE(contains(text, "next rule"))
      << "overflow to the default queue is not a fall-through";
  EXPECT_TRUE(contains(text, "by rule \"US round robin\"")) << text;
}

TEST_F(Explain, DeletedRulesAndRepsAreNamedById) {
  add_rule(101, 20, "US round robin", "country = 'US'", Action::Pool);
  config.finalize();
  Decision d = route();
  names.rules.clear();
  names.reps.clear();
  std::string text = render(d);
  EXPECT_TRUE(contains(text, "rule 101 (deleted)")) << text;
  EXPECT_TRUE(contains(text, "a deleted rep (rep 1)")) << text;
}

TEST_F(Explain, ErrorDecisionShowsTheErrorText) {
  Decision d = routing_error_decision("enrichment hook failed: timeout");
  ExplainDecision e = explain_input(d);
  e.error = "enrichment hook failed: timeout";
  std::string text = render_explain(e, names);
  EXPECT_TRUE(contains(text, "enrichment hook failed: timeout")) << text;
  EXPECT_TRUE(contains(text, "routing_error")) << text;
  EXPECT_TRUE(contains(text, "leadroute.reroute(42)")) << text;
}

TEST_F(Explain, MissingOrBrokenTrace) {
  add_rule(100, 10, "EMEA", "country = 'DE'", Action::Queue);
  config.finalize();
  ExplainDecision e = explain_input(route());
  e.trace.clear();
  EXPECT_TRUE(contains(render_explain(e, names), "No trace was recorded"))
      << render_explain(e, names);
  e.trace = "{\"rules\": [";
  EXPECT_TRUE(contains(render_explain(e, names), "not valid JSON")) << render_explain(e, names);
}

TEST_F(Explain, CompactTraceCountsTheRulesNotListed) {
  add_rule(100, 10, "EMEA", "country = 'DE'", Action::Queue);
  add_rule(101, 20, "US round robin", "country = 'US'", Action::Pool);
  config.finalize();
  RouteOptions options;
  options.trace = TraceLevel::Compact;
  Decision d = route_lead(config, lead.values, AccountMatch{}, env, options);
  std::string text = render(d);
  EXPECT_FALSE(contains(text, "\"EMEA\"")) << text;
  EXPECT_TRUE(contains(text, "1 more rules that did not match")) << text;
  EXPECT_TRUE(contains(text, "MATCHED")) << text;
}

TEST(ExplainNames, Labels) {
  ExplainNames names;
  names.reps[5] = "Dana";
  names.pools[7] = "EMEA";
  EXPECT_EQ(names.rep(5), "Dana (rep 5)");
  EXPECT_EQ(names.rep(6), "a deleted rep (rep 6)");
  EXPECT_EQ(names.pool(7), "\"EMEA\"");
  EXPECT_EQ(names.pool(8), "pool 8 (deleted)");
}

// A skills pick rotates among equal matches by the turn alone: no slot or period to show.
TEST_F(Explain, TurnWithoutSlotReadsAsARotationTurn) {
  add_rule(101, 20, "German speakers", "TRUE", Action::Pool);
  config.finalize();
  Decision d = route();
  d.trace = R"({"v":1,"rules":[{"id":101,"steps":[{"pool":10,"strategy":"skills","candidates":[)"
            R"({"rep":1,"pick":true,"skill_match":"1","among":2,"ticket":7}]}]}]})";
  std::string text = render(d);
  EXPECT_TRUE(contains(text, "among 2 equal reps, by rotation, turn 7 of the rotation")) << text;
  EXPECT_FALSE(contains(text, "slot  of")) << text;
}

}  // namespace
}  // namespace leadroute
