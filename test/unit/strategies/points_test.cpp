// The points strategy: each member's share of the points matches their share of the weights.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/routing/router.h"
#include "core/util/json.h"
#include "fake_env.h"
#include "test_config.h"
#include "test_lead.h"

namespace leadroute {
namespace {

using testing::FakeEnv;
using testing::TestLead;

class PointsStrategy : public ::testing::Test {
 protected:
  PointsStrategy() {
    for (int64_t id = 1; id <= 3; ++id) testing::add_rep(config, id, "rep" + std::to_string(id));
    Pool& p = config.pools[1];
    p.id = 1;
    p.name = "enterprise";
    p.strategy = Strategy::Points;
    p.members = {{1, 1}, {2, 1}, {3, 1}};
    p.points = std::make_shared<PointsExpression>(PointsExpression::compile(
        "CASE WHEN employees >= 1000 THEN 5 WHEN employees >= 100 THEN 2 ELSE 1 END",
        config.attributes));
    testing::add_rule(config, 1, 1, "TRUE", Action::Pool).pool_id = 1;
    config.finalize();
  }

  Decision route(double employees) {
    TestLead lead;
    lead.number(FieldId::Employees, employees);
    lead.values.attributes.resize(config.attributes.size());
    return route_lead(config, lead.values, match, env, options);
  }

  RoutingConfig config;
  FakeEnv env;
  RouteOptions options;
  AccountMatch match;
};

TEST_F(PointsStrategy, TheMemberWithFewestPointsTakesTheLead) {
  env.pool_points[1] = {{1, 10}, {2, 4}, {3, 7}};
  Decision d = route(5000);
  EXPECT_EQ(d.owner_id, 2);
  EXPECT_EQ(d.model, RoutingModel::Points);
  ASSERT_TRUE(d.points.has_value());
  EXPECT_DOUBLE_EQ(*d.points, 5);
  EXPECT_DOUBLE_EQ(env.pool_points[1][2], 9) << "the pick's points are booked at once";
  JsonValue pick =
      parse_json(d.trace).get("rules")->array[0].get("steps")->array[0].get("candidates")->array[0];
  EXPECT_TRUE(pick.flag("pick"));
  EXPECT_DOUBLE_EQ(pick.num("points"), 5);
  EXPECT_DOUBLE_EQ(pick.num("points_so_far"), 4);
}

TEST_F(PointsStrategy, SharesOfPointsFollowTheWeightsWhateverTheDealSizes) {
  config.pools[1].members[0].weight = 2;  // rep1 should get half of the points
  config.finalize();
  std::map<int64_t, double> points;
  std::map<int64_t, int> leads;
  // Uneven deal sizes: every third lead is big.
  for (int i = 0; i < 300; ++i) {
    Decision d = route(i % 3 == 0 ? 5000 : i % 3 == 1 ? 250 : 10);
    ASSERT_TRUE(d.owner_id.has_value());
    points[*d.owner_id] += *d.points;
    ++leads[*d.owner_id];
  }
  double total = points[1] + points[2] + points[3];
  EXPECT_EQ(total, 100 * (5 + 2 + 1));
  EXPECT_NEAR(points[1] / total, 0.5, 0.02);
  EXPECT_NEAR(points[2] / total, 0.25, 0.02);
  EXPECT_NEAR(points[3] / total, 0.25, 0.02);
  // Counting leads instead would not be fair here: the counts need not follow the weights.
  EXPECT_EQ(leads[1] + leads[2] + leads[3], 300);
}

TEST_F(PointsStrategy, IneligibleMembersAreSkippedAndCapsClaimed) {
  config.reps[2].active = false;
  config.reps[3].max_open_leads = 5;
  env.loads[3] = {false, 5, 0};  // full
  config.finalize();
  env.pool_points[1] = {{1, 100}};
  Decision d = route(10);
  EXPECT_EQ(d.owner_id, 1) << "rep2 is inactive and rep3 at capacity";
}

TEST_F(PointsStrategy, ABrokenExpressionFailsOnlyTheLeadsThatReachThePool) {
  config.pools[1].broken = "pool 1 (enterprise): points: unknown field \"scor\"";
  EXPECT_THROW(route(10), ConfigFault);
}

}  // namespace
}  // namespace leadroute
