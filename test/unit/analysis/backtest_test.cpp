// Backtest verdicts and shadow rulesets: the current rules' decision for a historical lead set
// beside its actual owner, with the reason they differ.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/analysis/backtest.h"
#include "core/routing/router.h"
#include "fake_env.h"
#include "test_lead.h"

namespace leadroute {
namespace {

using testing::FakeEnv;
using testing::TestLead;

class Backtest : public ::testing::Test {
 protected:
  Backtest() {
    for (int64_t id = 1; id <= 3; ++id) {
      Rep& r = config.reps[id];
      r.id = id;
      r.name = std::string(1, static_cast<char>('A' + id - 1)) + "nn";
    }
    config.reps[3].active = false;
    Pool& p = config.pools[1];
    p.id = 1;
    p.name = "US team";
    p.members = {{1, 1}, {2, 1}, {3, 1}};
    Rule us;
    us.id = 10;
    us.name = "US";
    us.priority = 10;
    us.condition = Condition::compile("country = 'US'", config.attributes);
    us.action = Action::Pool;
    us.pool_id = 1;
    config.rules.push_back(std::move(us));
    Rule rest;
    rest.id = 20;
    rest.name = "rest";
    rest.priority = 100;
    rest.condition = Condition::compile("TRUE", config.attributes);
    rest.action = Action::Queue;
    rest.queue = "triage";
    config.rules.push_back(std::move(rest));
    config.finalize();
  }

  Decision route(std::string_view country) {
    TestLead lead;
    lead.text(FieldId::Country, std::string(country));
    AccountMatch none;
    return route_lead(config, lead.values, none, env, RouteOptions{});
  }

  RoutingConfig config;
  FakeEnv env;
};

TEST_F(Backtest, AgreesWhenTheRulesPickTheActualOwner) {
  Decision d = route("US");
  ASSERT_TRUE(d.owner_id.has_value());
  BacktestJudge judge(config);
  BacktestVerdict v = judge.judge(d, d.owner_id, "whoever");
  EXPECT_TRUE(v.agrees);
  EXPECT_EQ(v.reason, "");
}

TEST_F(Backtest, AgreesWhenBothLeaveTheLeadUnassigned) {
  Decision d = route("FR");
  BacktestJudge judge(config);
  EXPECT_TRUE(judge.judge(d, std::nullopt, "").agrees);
}

TEST_F(Backtest, AnotherTurnOfTheSamePool) {
  Decision d = route("US");  // first turn: Ann (1)
  ASSERT_EQ(d.owner_id, std::optional<int64_t>(1));
  BacktestJudge judge(config);
  BacktestVerdict v = judge.judge(d, 2, "Bnn");
  EXPECT_FALSE(v.agrees);
  EXPECT_EQ(v.reason, "rule 'US': the same pool 'US team', another turn of its rotation");
}

TEST_F(Backtest, NamesTheSkippedCandidateAndWhy) {
  route("US");
  route("US");
  Decision d = route("US");  // the turn of Cnn, who is inactive, passes to the next member
  BacktestJudge judge(config);
  BacktestVerdict v = judge.judge(d, 3, "Cnn");
  EXPECT_FALSE(v.agrees);
  EXPECT_NE(v.reason.find("rule 'US': Cnn skipped: "), std::string::npos) << v.reason;
  EXPECT_EQ(v.reason.find("(turn"), std::string::npos) << "the turn is left out so reasons group";
}

TEST_F(Backtest, QueueInsteadOfTheActualOwner) {
  Decision d = route("FR");
  BacktestJudge judge(config);
  BacktestVerdict v = judge.judge(d, 1, "Ann");
  EXPECT_FALSE(v.agrees);
  EXPECT_EQ(v.reason, "rule 'rest' sends it to queue 'triage'");
}

TEST_F(Backtest, RepWhereTheLeadStayedUnassigned) {
  Decision d = route("US");
  BacktestJudge judge(config);
  BacktestVerdict v = judge.judge(d, std::nullopt, "");
  EXPECT_FALSE(v.agrees);
  EXPECT_EQ(v.reason, "rule 'US' now gives it to a rep (round_robin); it stayed unassigned");
}

TEST_F(Backtest, UnknownActualOwner) {
  Decision d = route("US");
  BacktestJudge judge(config);
  BacktestVerdict v = judge.judge(d, std::nullopt, "Zed");
  EXPECT_FALSE(v.agrees);
  EXPECT_EQ(v.reason, "the actual owner Zed is not a rep of this configuration");
}

TEST_F(Backtest, OwnerOutsideThePool) {
  config.reps[4].id = 4;
  config.reps[4].name = "Dee";
  Decision d = route("US");
  BacktestJudge judge(config);
  BacktestVerdict v = judge.judge(d, 4, "Dee");
  EXPECT_EQ(v.reason, "rule 'US' (round_robin) does not consider Dee");
}

TEST_F(Backtest, ShadowRulesetDecidesWithItsOwnRules) {
  ShadowRuleset shadow;
  shadow.name = "candidate";
  Rule all;
  all.id = 99;
  all.name = "all to nurture";
  all.priority = 1;
  all.condition = Condition::compile("TRUE", config.attributes);
  all.action = Action::Nurture;
  shadow.rules.push_back(std::move(all));
  config.shadow_rulesets.push_back(std::move(shadow));
  config.finalize();
  TestLead lead;
  lead.text(FieldId::Country, "US");
  AccountMatch none;
  Decision live = route_lead(config, lead.values, none, env, RouteOptions{});
  Decision shadowed =
      route_lead_shadow(config, config.shadow_rulesets[0], lead.values, none, env, RouteOptions{});
  EXPECT_EQ(live.rule_id, std::optional<int64_t>(10));
  EXPECT_TRUE(live.owner_id.has_value());
  EXPECT_EQ(shadowed.rule_id, std::optional<int64_t>(99));
  EXPECT_EQ(shadowed.status, LeadStatus::Nurture);
  EXPECT_FALSE(shadowed.owner_id.has_value());
}

}  // namespace
}  // namespace leadroute
