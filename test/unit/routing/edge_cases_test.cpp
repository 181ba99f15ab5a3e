// Edge cases fixed after review: nesting depth per level, LIKE escapes, weighted pools.
#include <gtest/gtest.h>

#include <string>

#include "core/condition/condition.h"
#include "core/config/config.h"

namespace leadroute {
namespace {

TEST(ConditionDepth, EachParenthesisCountsOneLevel) {
  std::string fifty = std::string(50, '(') + "country = 'US'" + std::string(50, ')');
  EXPECT_NO_THROW(check_condition(fifty));
  std::string too_deep = std::string(150, '(') + "country = 'US'" + std::string(150, ')');
  try {
    check_condition(too_deep);
    FAIL() << "150 levels accepted";
  } catch (const ConditionError& e) {
    EXPECT_EQ(e.kind(), ConditionError::Kind::TooComplex);
  }
}

TEST(ConditionLength, TooLongPointsAtTheStart) {
  try {
    check_condition(std::string(70 * 1024, ' ') + "TRUE");
    FAIL() << "70 kB accepted";
  } catch (const ConditionError& e) {
    EXPECT_EQ(e.kind(), ConditionError::Kind::TooComplex);
    EXPECT_EQ(e.position(), 1u);
  }
}

TEST(LikePatternEscape, TrailingEscapeIsAnError) {
  EXPECT_THROW(check_condition(R"(company LIKE 'acme\')"), ConditionError);
  EXPECT_NO_THROW(check_condition(R"(company LIKE 'acme\\')"));  // an escaped backslash
}

TEST(PoolWeighted, OnlyActiveMembersCount) {
  RoutingConfig config;
  for (int64_t id : {1, 2, 3}) {
    Rep r;
    r.id = id;
    r.name = "r" + std::to_string(id);
    r.active = id != 1;
    config.reps.emplace(id, r);
  }
  Pool pool;
  pool.id = 1;
  pool.members = {{1, 2.0}, {2, 1.0}, {3, 1.0}};  // the heavy member is inactive
  config.pools.emplace(1, pool);
  config.finalize();
  EXPECT_FALSE(config.pools.at(1).weighted);
  EXPECT_EQ(config.pools.at(1).schedule.size(), 2u);
}

}  // namespace
}  // namespace leadroute
