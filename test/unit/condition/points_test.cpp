// Points expressions: a number, a numeric field, or CASE WHEN ... THEN ... ELSE ... END.
#include <gtest/gtest.h>

#include <string>

#include "core/condition/points.h"
#include "test_lead.h"

namespace leadroute {
namespace {

using testing::TestLead;

double points_of(const std::string& text, TestLead& lead, AttributeRegistry& attributes) {
  PointsExpression e = PointsExpression::compile(text, attributes);
  lead.values.attributes.resize(attributes.size());
  return e.evaluate(lead.values);
}

TEST(Points, ANumberIsEveryLeadsWorth) {
  AttributeRegistry a;
  TestLead lead;
  EXPECT_DOUBLE_EQ(points_of("3", lead, a), 3);
  EXPECT_DOUBLE_EQ(points_of(" 0.5 ", lead, a), 0.5);
}

TEST(Points, ANumericFieldIsTheLeadsValue) {
  AttributeRegistry a;
  TestLead lead;
  lead.number(FieldId::Score, 85);
  EXPECT_DOUBLE_EQ(points_of("score", lead, a), 85);
  EXPECT_DOUBLE_EQ(points_of("Score", lead, a), 85);
  TestLead none;
  EXPECT_DOUBLE_EQ(points_of("score", none, a), 1) << "NULL counts one point";
  TestLead negative;
  negative.number(FieldId::Score, -5);
  EXPECT_DOUBLE_EQ(points_of("score", negative, a), 0) << "negative values count nothing";
}

TEST(Points, CaseTakesTheFirstMatchingBand) {
  AttributeRegistry a;
  const std::string bands =
      "CASE WHEN employees >= 1000 THEN 5 WHEN employees >= 100 THEN 2 ELSE 1 END";
  TestLead big, mid, small, unknown;
  big.number(FieldId::Employees, 5000);
  mid.number(FieldId::Employees, 250);
  small.number(FieldId::Employees, 8);
  EXPECT_DOUBLE_EQ(points_of(bands, big, a), 5);
  EXPECT_DOUBLE_EQ(points_of(bands, mid, a), 2);
  EXPECT_DOUBLE_EQ(points_of(bands, small, a), 1);
  EXPECT_DOUBLE_EQ(points_of(bands, unknown, a), 1) << "unknown is not true: ELSE";
  TestLead de;
  de.text(FieldId::Country, "DE");
  EXPECT_DOUBLE_EQ(points_of("case when country in ('DE', 'AT') then 4 end", de, a), 4);
  EXPECT_DOUBLE_EQ(points_of("case when country = 'US' then 4 end", de, a), 1)
      << "no ELSE: one point";
  // Keywords inside strings are text, not structure.
  TestLead odd;
  odd.text(FieldId::Source, "when then end");
  EXPECT_DOUBLE_EQ(points_of("CASE WHEN source = 'when then end' THEN 7 END", odd, a), 7);
}

TEST(Points, AttributesAreFields) {
  AttributeRegistry a;
  PointsExpression e = PointsExpression::compile("attributes.deal_size", a);
  EXPECT_EQ(a.size(), 1u) << "the attribute gets a slot, so leads carry it";
  TestLead lead(a.size());
  lead.values.attributes[0] = ValueView::of_number(12000);
  EXPECT_DOUBLE_EQ(e.evaluate(lead.values), 12000);
}

// Errors say what is wrong and where (positions from 1, as PostgreSQL counts them).
void expect_error(const std::string& text, const std::string& message, size_t position,
                  bool hint = true) {
  AttributeRegistry a;
  try {
    (void)PointsExpression::compile(text, a);
    ADD_FAILURE() << "accepted: " << text;
  } catch (const ConditionError& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    EXPECT_EQ(e.position(), position) << text << ": " << e.what();
    if (hint) {
      EXPECT_FALSE(e.hint().empty()) << text;
    }
  }
}

TEST(Points, BadExpressionsAreClearErrors) {
  expect_error("", "empty", 1);
  expect_error("-1", "between 0 and 1000000", 1);
  expect_error("country", "country is not a number", 1);
  expect_error("scor", "unknown field", 1);
  expect_error("CASE WHEN employees > 10 THEN lots END", "expected a number", 31);
  expect_error("CASE WHEN employees >> 10 THEN 2 END", "", 22, false);  // the condition's error
  expect_error("CASE WHEN employees > 10 THEN 2", "CASE without END", 32);
  expect_error("CASE ELSE 2 END", "at least one WHEN", 1);
  expect_error("CASE WHEN score > 1 THEN 2 END 3", "after END", 32);
  expect_error("2 + score", "expected a number", 1);
  // Positions count characters: 'scor' is the 39th character (the 40th byte).
  expect_error("CASE WHEN city = 'Zürich' THEN 3 WHEN scor > 1 THEN 2 END", "", 39, false);
}

}  // namespace
}  // namespace leadroute
