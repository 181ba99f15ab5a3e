// Evaluation of compiled conditions: SQL's three-valued logic, the operators on real lead values,
// dynamic attributes, and the explanation of why a condition did not match.
#include <gtest/gtest.h>

#include <string>

#include "core/condition/condition.h"
#include "test_lead.h"

namespace leadroute {
namespace {

using testing::TestLead;

class ConditionEval : public ::testing::Test {
 protected:
  ConditionEval() {
    lead.text(FieldId::Country, "US")
        .number(FieldId::Employees, 500)
        .text(FieldId::Source, "webinar")
        .text(FieldId::Company, "Acme")
        .text(FieldId::Title, "VP Sales");
  }

  Tri eval(std::string_view text) {
    return Condition::compile(text, attributes).evaluate(lead.values);
  }

  AttributeRegistry attributes;
  TestLead lead;
};

// ---- three-valued logic -----------------------------------------------------------------------

TEST_F(ConditionEval, ComparisonWithNullFieldIsUnknown) {
  EXPECT_EQ(eval("state = 'CA'"), Tri::Unknown);
  EXPECT_EQ(eval("state <> 'CA'"), Tri::Unknown);
  EXPECT_EQ(eval("state < 'CA'"), Tri::Unknown);
  EXPECT_EQ(eval("score >= 0"), Tri::Unknown);
  EXPECT_EQ(eval("'CA' = state"), Tri::Unknown);
  EXPECT_EQ(eval("first_name = last_name"), Tri::Unknown);
}

TEST_F(ConditionEval, NotUnknownIsUnknown) {
  EXPECT_EQ(eval("NOT state = 'CA'"), Tri::Unknown);
  EXPECT_EQ(eval("NOT NOT state = 'CA'"), Tri::Unknown);
}

TEST_F(ConditionEval, UnknownAndFalseIsFalse) {
  EXPECT_EQ(eval("state = 'CA' AND country = 'CA'"), Tri::False);
  EXPECT_EQ(eval("country = 'CA' AND state = 'CA'"), Tri::False);
  EXPECT_EQ(eval("state = 'CA' AND country = 'US'"), Tri::Unknown);
  EXPECT_EQ(eval("NOT (state = 'CA' AND country = 'CA')"), Tri::True);
}

TEST_F(ConditionEval, UnknownOrTrueIsTrue) {
  EXPECT_EQ(eval("state = 'CA' OR country = 'US'"), Tri::True);
  EXPECT_EQ(eval("country = 'US' OR state = 'CA'"), Tri::True);
  EXPECT_EQ(eval("state = 'CA' OR country = 'CA'"), Tri::Unknown);
  EXPECT_EQ(eval("NOT (state = 'CA' OR country = 'CA')"), Tri::Unknown);
}

TEST_F(ConditionEval, InWithNullItem) {
  lead.text(FieldId::Country, "b");
  EXPECT_EQ(eval("country IN ('a', NULL)"), Tri::Unknown);
  EXPECT_EQ(eval("country NOT IN ('a', NULL)"), Tri::Unknown);
  lead.text(FieldId::Country, "a");
  EXPECT_EQ(eval("country IN ('a', NULL)"), Tri::True);
  EXPECT_EQ(eval("country NOT IN ('a', NULL)"), Tri::False);
  lead.null(FieldId::Country);
  EXPECT_EQ(eval("country IN ('a', 'b')"), Tri::Unknown);
  EXPECT_EQ(eval("country NOT IN ('a', 'b')"), Tri::Unknown);
}

TEST_F(ConditionEval, LongInListsBehaveLikeShortOnes) {
  const std::string long_list =
      "('AA', 'BB', 'CC', 'DD', 'EE', 'FF', 'GG', 'HH', 'II', 'US', 'JJ')";
  const std::string long_list_with_null =
      "('AA', 'BB', 'CC', 'DD', 'EE', 'FF', 'GG', 'HH', 'II', 'US', NULL)";
  struct Case {
    std::optional<std::string> country;
    Tri in_short, in_long;
  };
  for (const auto& c :
       {Case{"US", Tri::True, Tri::True}, Case{"DE", Tri::False, Tri::False},
        Case{"us", Tri::False, Tri::False}, Case{std::nullopt, Tri::Unknown, Tri::Unknown}}) {
    if (c.country)
      lead.text(FieldId::Country, *c.country);
    else
      lead.null(FieldId::Country);
    SCOPED_TRACE(c.country.value_or("NULL"));
    EXPECT_EQ(eval("country IN ('US', 'AA')"), c.in_short);
    EXPECT_EQ(eval("country IN " + long_list), c.in_long);
    EXPECT_EQ(eval("country NOT IN " + long_list),
              c.in_long == Tri::Unknown ? Tri::Unknown
                                        : (c.in_long == Tri::True ? Tri::False : Tri::True));
  }
  lead.text(FieldId::Country, "DE");
  EXPECT_EQ(eval("country IN " + long_list_with_null), Tri::Unknown);
  lead.text(FieldId::Country, "US");
  EXPECT_EQ(eval("country IN " + long_list_with_null), Tri::True);
}

TEST_F(ConditionEval, LongNumericInList) {
  EXPECT_EQ(eval("employees IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 500)"), Tri::True);
  EXPECT_EQ(eval("employees IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 501)"), Tri::False);
  EXPECT_EQ(eval("employees IN ('1', '2', '3', '4', '5', '6', '7', '8', '9', '500')"), Tri::True);
}

TEST_F(ConditionEval, BetweenIsInclusive) {
  for (double employees : {100.0, 250.0, 500.0}) {
    lead.number(FieldId::Employees, employees);
    EXPECT_EQ(eval("employees BETWEEN 100 AND 500"), Tri::True) << employees;
    EXPECT_EQ(eval("employees NOT BETWEEN 100 AND 500"), Tri::False) << employees;
  }
  for (double employees : {99.0, 99.999, 500.001, 501.0}) {
    lead.number(FieldId::Employees, employees);
    EXPECT_EQ(eval("employees BETWEEN 100 AND 500"), Tri::False) << employees;
    EXPECT_EQ(eval("employees NOT BETWEEN 100 AND 500"), Tri::True) << employees;
  }
  lead.null(FieldId::Employees);
  EXPECT_EQ(eval("employees BETWEEN 100 AND 500"), Tri::Unknown);
  EXPECT_EQ(eval("employees NOT BETWEEN 100 AND 500"), Tri::Unknown);
  lead.text(FieldId::State, "M");
  EXPECT_EQ(eval("state BETWEEN 'A' AND 'M'"), Tri::True);
  EXPECT_EQ(eval("state BETWEEN 'N' AND 'Z'"), Tri::False);
}

TEST_F(ConditionEval, IsNull) {
  EXPECT_EQ(eval("state IS NULL"), Tri::True);
  EXPECT_EQ(eval("state IS NOT NULL"), Tri::False);
  EXPECT_EQ(eval("country IS NULL"), Tri::False);
  EXPECT_EQ(eval("country IS NOT NULL"), Tri::True);
  // IS NULL is never unknown.
  EXPECT_EQ(eval("NOT state IS NULL"), Tri::False);
}

TEST_F(ConditionEval, EmptyStringIsNotNull) {
  lead.text(FieldId::State, "");
  EXPECT_EQ(eval("state IS NULL"), Tri::False);
  EXPECT_EQ(eval("state IS NOT NULL"), Tri::True);
  EXPECT_EQ(eval("state = ''"), Tri::True);
  EXPECT_EQ(eval("state <> 'CA'"), Tri::True);
}

TEST_F(ConditionEval, NumericStringLiteralsCoerceForNumberFields) {
  EXPECT_EQ(eval("employees >= '500'"), Tri::True);
  EXPECT_EQ(eval("employees >= '501'"), Tri::False);
  EXPECT_EQ(eval("employees = '5e2'"), Tri::True);
  EXPECT_EQ(eval("employees BETWEEN '100' AND '500'"), Tri::True);
  lead.number(FieldId::Employees, 499);
  EXPECT_EQ(eval("employees >= '500'"), Tri::False);
}

// ---- LIKE / ILIKE -----------------------------------------------------------------------------

TEST_F(ConditionEval, LikeWildcards) {
  EXPECT_EQ(eval("company LIKE 'A_me'"), Tri::True);
  EXPECT_EQ(eval("company LIKE 'A_e'"), Tri::False);
  EXPECT_EQ(eval("company LIKE '%'"), Tri::True);
  EXPECT_EQ(eval("company LIKE '%m%'"), Tri::True);
  EXPECT_EQ(eval("company LIKE 'Acme_'"), Tri::False);
  EXPECT_EQ(eval("company LIKE 'Acm'"), Tri::False);  // LIKE is anchored at both ends
}

TEST_F(ConditionEval, UnderscoreMatchesOneMultibyteCharacter) {
  lead.text(FieldId::City, "Zürich");
  EXPECT_EQ(eval("city LIKE 'Z_rich'"), Tri::True);
  EXPECT_EQ(eval("city LIKE 'Z__rich'"), Tri::False);
  EXPECT_EQ(eval("city LIKE '______'"), Tri::True);
  EXPECT_EQ(eval("city LIKE '_______'"), Tri::False);
  lead.text(FieldId::City, "東京");
  EXPECT_EQ(eval("city LIKE '_京'"), Tri::True);
  EXPECT_EQ(eval("city LIKE '__'"), Tri::True);
  EXPECT_EQ(eval("city LIKE '%京'"), Tri::True);
}

TEST_F(ConditionEval, LikeBackslashEscapes) {
  lead.text(FieldId::Company, "100%");
  EXPECT_EQ(eval(R"(company LIKE '100\%')"), Tri::True);
  lead.text(FieldId::Company, "1000");
  EXPECT_EQ(eval(R"(company LIKE '100\%')"), Tri::False);
  EXPECT_EQ(eval("company LIKE '100%'"), Tri::True);
  lead.text(FieldId::Company, "a_b");
  EXPECT_EQ(eval(R"(company LIKE 'a\_b')"), Tri::True);
  lead.text(FieldId::Company, "axb");
  EXPECT_EQ(eval(R"(company LIKE 'a\_b')"), Tri::False);
  lead.text(FieldId::Company, R"(a\b)");
  EXPECT_EQ(eval(R"(company LIKE 'a\\b')"), Tri::True);
}

TEST_F(ConditionEval, IlikeFoldsCaseIncludingNonAscii) {
  lead.text(FieldId::Company, "ÄRGER");
  EXPECT_EQ(eval("company ILIKE 'ärger'"), Tri::True);
  EXPECT_EQ(eval("company LIKE 'ärger'"), Tri::False);
  EXPECT_EQ(eval("company ILIKE '_rger'"), Tri::True);
  EXPECT_EQ(eval("company ILIKE '%GER'"), Tri::True);
  lead.text(FieldId::Company, "ÉCOLE");
  EXPECT_EQ(eval("company ILIKE 'école%'"), Tri::True);
  EXPECT_EQ(eval("company NOT ILIKE 'école'"), Tri::False);
}

TEST_F(ConditionEval, NotLike) {
  EXPECT_EQ(eval("company NOT LIKE 'Ac%'"), Tri::False);
  EXPECT_EQ(eval("company NOT LIKE 'Zz%'"), Tri::True);
  EXPECT_EQ(eval("state NOT LIKE 'C%'"), Tri::Unknown);
  EXPECT_EQ(eval("state LIKE '%'"), Tri::Unknown);
}

// ---- regular expressions ----------------------------------------------------------------------

TEST_F(ConditionEval, RegexSearchIsUnanchored) {
  EXPECT_EQ(eval("title ~ 'Sales'"), Tri::True);
  EXPECT_EQ(eval("title ~ 'P S'"), Tri::True);
  EXPECT_EQ(eval("title ~ '^Sales'"), Tri::False);
  EXPECT_EQ(eval("title ~ '^VP'"), Tri::True);
  EXPECT_EQ(eval("title ~ 'sales'"), Tri::False);  // case-sensitive, like PostgreSQL's ~
  EXPECT_EQ(eval("title ~ '(?i)sales'"), Tri::True);
  EXPECT_EQ(eval("state ~ '.*'"), Tri::Unknown);
  lead.text(FieldId::City, "Zürich");
  EXPECT_EQ(eval("city ~ '^Z.rich$'"), Tri::True);  // . is one character, not one byte
}

TEST_F(ConditionEval, CatastrophicRegexTerminatesWithoutMatching) {
  lead.text(FieldId::Company, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab");
  Tri t = eval("company ~ '(a+)+$'");
  EXPECT_NE(t, Tri::True);
  // The pattern object stays usable after an aborted search.
  Condition c = Condition::compile("company ~ '(a+)+$'", attributes);
  EXPECT_NE(c.evaluate(lead.values), Tri::True);
  lead.text(FieldId::Company, "aaa");
  EXPECT_EQ(c.evaluate(lead.values), Tri::True);
}

// ---- CONTAINS ---------------------------------------------------------------------------------

TEST_F(ConditionEval, ContainsOnTextArray) {
  lead.array(FieldId::ProductInterest, {"crm", "analytics"});
  EXPECT_EQ(eval("product_interest CONTAINS 'crm'"), Tri::True);
  EXPECT_EQ(eval("product_interest CONTAINS 'erp'"), Tri::False);
  EXPECT_EQ(eval("product_interest CONTAINS 'CRM'"), Tri::False);
  EXPECT_EQ(eval("NOT product_interest CONTAINS 'erp'"), Tri::True);
}

TEST_F(ConditionEval, ContainsWithNullElement) {
  lead.array(FieldId::ProductInterest, {"crm", std::nullopt});
  EXPECT_EQ(eval("product_interest CONTAINS 'crm'"), Tri::True);
  // Like 'erp' = ANY(ARRAY['crm', NULL]): unknown, not false.
  EXPECT_EQ(eval("product_interest CONTAINS 'erp'"), Tri::Unknown);
}

TEST_F(ConditionEval, ContainsOnNullOrEmptyArray) {
  EXPECT_EQ(eval("product_interest CONTAINS 'crm'"), Tri::Unknown);
  lead.array(FieldId::ProductInterest, {});
  EXPECT_EQ(eval("product_interest CONTAINS 'crm'"), Tri::False);
  lead.array(FieldId::ProductInterest, {""});
  EXPECT_EQ(eval("product_interest CONTAINS ''"), Tri::True);
}

// ---- attributes -------------------------------------------------------------------------------

TEST_F(ConditionEval, AttributeNumberAgainstNumberAndNumericString) {
  lead.attribute(attributes, {"budget"}, ValueView::of_number(5000));
  EXPECT_EQ(eval("attributes.budget > 1000"), Tri::True);
  EXPECT_EQ(eval("attributes.budget = '5000'"), Tri::True);
  EXPECT_EQ(eval("attributes.budget = 'lots'"), Tri::Unknown);
  EXPECT_EQ(eval("attributes.budget LIKE '50%'"), Tri::True);

  lead.attribute_text(attributes, {"budget"}, "5000");
  EXPECT_EQ(eval("attributes.budget > 1000"), Tri::True);
  EXPECT_EQ(eval("attributes.budget < 1000"), Tri::False);
  EXPECT_EQ(eval("attributes.budget = '5000'"), Tri::True);
  EXPECT_EQ(eval("attributes.budget BETWEEN 1000 AND 5000"), Tri::True);

  lead.attribute_text(attributes, {"budget"}, "lots");
  EXPECT_EQ(eval("attributes.budget > 1000"), Tri::Unknown);
  EXPECT_EQ(eval("attributes.budget = 'lots'"), Tri::True);
}

TEST_F(ConditionEval, AttributeStrings) {
  lead.attribute_text(attributes, {"plan"}, "pro");
  EXPECT_EQ(eval("attributes.plan = 'pro'"), Tri::True);
  EXPECT_EQ(eval("attributes.plan IN ('free', 'pro')"), Tri::True);
  EXPECT_EQ(eval("attributes.plan ILIKE 'PR%'"), Tri::True);
  EXPECT_EQ(eval("attributes.plan ~ '^p'"), Tri::True);
  EXPECT_EQ(eval("attributes.plan = 5"), Tri::Unknown);
  lead.attribute(attributes, {"plan"}, ValueView::of_number(5));
  EXPECT_EQ(eval("attributes.plan = 'pro'"), Tri::Unknown);
  EXPECT_EQ(eval("attributes.plan = 5"), Tri::True);
}

TEST_F(ConditionEval, AttributeBooleans) {
  lead.attribute_text(attributes, {"vip"}, "true");
  EXPECT_EQ(eval("attributes.vip"), Tri::True);
  EXPECT_EQ(eval("attributes.vip = TRUE"), Tri::True);
  EXPECT_EQ(eval("attributes.vip = FALSE"), Tri::False);
  lead.attribute_text(attributes, {"vip"}, "false");
  EXPECT_EQ(eval("attributes.vip"), Tri::False);
  EXPECT_EQ(eval("NOT attributes.vip"), Tri::True);
  lead.attribute_text(attributes, {"vip"}, "maybe");
  EXPECT_EQ(eval("attributes.vip"), Tri::Unknown);
  EXPECT_EQ(eval("attributes.vip = TRUE"), Tri::Unknown);
  lead.attribute(attributes, {"vip"}, ValueView::of_boolean(true));
  EXPECT_EQ(eval("attributes.vip"), Tri::True);
  EXPECT_EQ(eval("attributes.vip = 'true'"), Tri::True);
  lead.attribute(attributes, {"vip"}, ValueView::of_number(1));
  EXPECT_EQ(eval("attributes.vip"), Tri::Unknown);
}

TEST_F(ConditionEval, MissingAttributeIsNull) {
  Condition is_null = Condition::compile("attributes.missing IS NULL", attributes);
  Condition equals = Condition::compile("attributes.missing = 'a'", attributes);
  lead.values.attributes.assign(attributes.size(), ValueView{});
  EXPECT_EQ(is_null.evaluate(lead.values), Tri::True);
  EXPECT_EQ(equals.evaluate(lead.values), Tri::Unknown);
  // A lead prepared with fewer slots than the registry (a configuration compiled later).
  lead.values.attributes.clear();
  EXPECT_EQ(is_null.evaluate(lead.values), Tri::True);
  EXPECT_EQ(equals.evaluate(lead.values), Tri::Unknown);
}

TEST_F(ConditionEval, AttributeContains) {
  std::string_view tags[] = {"enterprise", "gdpr"};
  lead.attribute(attributes, {"tags"}, ValueView::of_array(tags, 2));
  EXPECT_EQ(eval("attributes.tags CONTAINS 'gdpr'"), Tri::True);
  EXPECT_EQ(eval("attributes.tags CONTAINS 'smb'"), Tri::False);
  lead.attribute_text(attributes, {"tags"}, "gdpr");
  EXPECT_EQ(eval("attributes.tags CONTAINS 'gdpr'"), Tri::True);
}

// ---- explanations -----------------------------------------------------------------------------

TEST_F(ConditionEval, ExplainAndPointsAtTheFirstFalseConjunct) {
  Condition c =
      Condition::compile("country = 'US' AND employees > 1000 AND source = 'partner'", attributes);
  Explanation e = c.explain(lead.values, attributes);
  EXPECT_EQ(e.result, Tri::False);
  EXPECT_EQ(e.predicate, "employees > 1000");
  ASSERT_EQ(e.values.size(), 1u);
  EXPECT_EQ(e.values[0].first, "employees");
  EXPECT_EQ(e.values[0].second.kind, ValueKind::Number);
  EXPECT_EQ(e.values[0].second.number, 500);
}

TEST_F(ConditionEval, ExplainOrShowsTheWholeOr) {
  Condition c = Condition::compile("country = 'CA' OR employees > 1000", attributes);
  Explanation e = c.explain(lead.values, attributes);
  EXPECT_EQ(e.result, Tri::False);
  EXPECT_EQ(e.predicate, "country = 'CA' OR employees > 1000");
  ASSERT_EQ(e.values.size(), 2u);
  EXPECT_EQ(e.values[0].first, "country");
  EXPECT_EQ(e.values[0].second.text, "US");
  EXPECT_EQ(e.values[1].first, "employees");
  EXPECT_EQ(e.values[1].second.number, 500);
}

TEST_F(ConditionEval, ExplainParenthesizedConjunctKeepsItsParentheses) {
  Condition c =
      Condition::compile("source = 'webinar' AND (country = 'CA' OR employees > 1000)", attributes);
  Explanation e = c.explain(lead.values, attributes);
  EXPECT_EQ(e.result, Tri::False);
  EXPECT_EQ(e.predicate, "(country = 'CA' OR employees > 1000)");
}

TEST_F(ConditionEval, ExplainUnknownPointsAtTheNullPredicate) {
  Condition c = Condition::compile("country = 'US' AND state = 'CA'", attributes);
  Explanation e = c.explain(lead.values, attributes);
  EXPECT_EQ(e.result, Tri::Unknown);
  EXPECT_EQ(e.predicate, "state = 'CA'");
  ASSERT_EQ(e.values.size(), 1u);
  EXPECT_EQ(e.values[0].first, "state");
  EXPECT_TRUE(e.values[0].second.is_null());
}

TEST_F(ConditionEval, ExplainPrefersTheFalseConjunctOverAnUnknownOne) {
  Condition c = Condition::compile("state = 'CA' AND country = 'CA'", attributes);
  Explanation e = c.explain(lead.values, attributes);
  EXPECT_EQ(e.result, Tri::False);
  EXPECT_EQ(e.predicate, "country = 'CA'");
}

TEST_F(ConditionEval, ExplainNamesAttributes) {
  Condition c = Condition::compile("attributes.utm.source = 'google'", attributes);
  lead.values.attributes.assign(attributes.size(), ValueView{});
  lead.attribute_text(attributes, {"utm", "source"}, "bing");
  Explanation e = c.explain(lead.values, attributes);
  EXPECT_EQ(e.result, Tri::False);
  ASSERT_EQ(e.values.size(), 1u);
  EXPECT_EQ(e.values[0].first, "attributes.utm.source");
  EXPECT_EQ(e.values[0].second.text, "bing");
}

TEST_F(ConditionEval, ExplainOfAMatchIsTheWholeCondition) {
  Condition c = Condition::compile("country = 'US' AND employees >= 500", attributes);
  Explanation e = c.explain(lead.values, attributes);
  EXPECT_EQ(e.result, Tri::True);
  EXPECT_EQ(e.predicate, "country = 'US' AND employees >= 500");
  EXPECT_EQ(e.values.size(), 2u);
}

}  // namespace
}  // namespace leadroute
