#include <gtest/gtest.h>

#include "core/condition.h"

TEST(Smoke, Compiles) {
  leadroute::AttributeRegistry attrs;
  auto c = leadroute::Condition::compile("country = 'US'", attrs);
  EXPECT_EQ(c.text(), "country = 'US'");
}
