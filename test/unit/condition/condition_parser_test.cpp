// The condition language's grammar, type checks and error reporting (docs/conditions.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>

#include "core/condition/condition.h"
#include "test_lead.h"

namespace leadroute {
namespace {

using testing::TestLead;
using Kind = ConditionError::Kind;

// The error compile() throws, or nullopt when the condition compiles.
std::optional<ConditionError> error_of(std::string_view text) {
  AttributeRegistry attributes;
  try {
    (void)Condition::compile(text, attributes);
  } catch (const ConditionError& e) {
    return e;
  }
  return std::nullopt;
}

class ConditionParser : public ::testing::Test {
 protected:
  ConditionParser() {
    lead.text(FieldId::Country, "US")
        .number(FieldId::Employees, 500)
        .text(FieldId::Source, "webinar")
        .text(FieldId::Company, "Acme")
        .text(FieldId::Title, "VP Sales")
        .text(FieldId::LastName, "O'Brien")
        .number(FieldId::Score, 42.5)
        .boolean(FieldId::IsFreemail, false)
        .array(FieldId::ProductInterest, {"crm", "analytics"});
    // state stays NULL
  }

  Tri eval(std::string_view text) {
    Condition c = Condition::compile(text, attributes);
    return c.evaluate(lead.values);
  }

  AttributeRegistry attributes;
  TestLead lead;
};

TEST_F(ConditionParser, ComparisonOperators) {
  EXPECT_EQ(eval("country = 'US'"), Tri::True);
  EXPECT_EQ(eval("country = 'CA'"), Tri::False);
  EXPECT_EQ(eval("country <> 'CA'"), Tri::True);
  EXPECT_EQ(eval("country <> 'US'"), Tri::False);
  EXPECT_EQ(eval("country != 'US'"), Tri::False);
  EXPECT_EQ(eval("country != 'CA'"), Tri::True);
  EXPECT_EQ(eval("employees < 501"), Tri::True);
  EXPECT_EQ(eval("employees < 500"), Tri::False);
  EXPECT_EQ(eval("employees <= 500"), Tri::True);
  EXPECT_EQ(eval("employees <= 499"), Tri::False);
  EXPECT_EQ(eval("employees > 499"), Tri::True);
  EXPECT_EQ(eval("employees > 500"), Tri::False);
  EXPECT_EQ(eval("employees >= 500"), Tri::True);
  EXPECT_EQ(eval("employees >= 501"), Tri::False);
  // Literal on the left, field on the right.
  EXPECT_EQ(eval("1000 > employees"), Tri::True);
  EXPECT_EQ(eval("'US' = country"), Tri::True);
  // Text compares byte-wise.
  EXPECT_EQ(eval("country < 'UT'"), Tri::True);
  EXPECT_EQ(eval("country > 'UT'"), Tri::False);
}

TEST_F(ConditionParser, OperatorsNeedNoSpaces) {
  EXPECT_EQ(eval("employees>=500"), Tri::True);
  EXPECT_EQ(eval("country<>'CA'"), Tri::True);
  EXPECT_EQ(eval("country IN('US')"), Tri::True);
}

TEST_F(ConditionParser, InAndNotIn) {
  EXPECT_EQ(eval("country IN ('CA', 'US')"), Tri::True);
  EXPECT_EQ(eval("country IN ('CA', 'MX')"), Tri::False);
  EXPECT_EQ(eval("country NOT IN ('CA', 'US')"), Tri::False);
  EXPECT_EQ(eval("country NOT IN ('CA', 'MX')"), Tri::True);
  EXPECT_EQ(eval("employees IN (100, 500)"), Tri::True);
  EXPECT_EQ(eval("country IN ('US')"), Tri::True);
}

TEST_F(ConditionParser, BetweenAndNotBetween) {
  EXPECT_EQ(eval("employees BETWEEN 100 AND 1000"), Tri::True);
  EXPECT_EQ(eval("employees BETWEEN 501 AND 1000"), Tri::False);
  EXPECT_EQ(eval("employees NOT BETWEEN 100 AND 1000"), Tri::False);
  EXPECT_EQ(eval("employees NOT BETWEEN 501 AND 1000"), Tri::True);
  // The AND of BETWEEN is not the boolean AND.
  EXPECT_EQ(eval("employees BETWEEN 100 AND 1000 AND country = 'US'"), Tri::True);
  EXPECT_EQ(eval("employees BETWEEN 100 AND 1000 AND country = 'CA'"), Tri::False);
}

TEST_F(ConditionParser, IsNullAndIsNotNull) {
  EXPECT_EQ(eval("state IS NULL"), Tri::True);
  EXPECT_EQ(eval("state IS NOT NULL"), Tri::False);
  EXPECT_EQ(eval("country IS NULL"), Tri::False);
  EXPECT_EQ(eval("country IS NOT NULL"), Tri::True);
}

TEST_F(ConditionParser, LikeIlikeAndNegations) {
  EXPECT_EQ(eval("company LIKE 'Ac%'"), Tri::True);
  EXPECT_EQ(eval("company LIKE 'ac%'"), Tri::False);
  EXPECT_EQ(eval("company NOT LIKE 'Ac%'"), Tri::False);
  EXPECT_EQ(eval("company NOT LIKE 'Zz%'"), Tri::True);
  EXPECT_EQ(eval("company ILIKE 'ac%'"), Tri::True);
  EXPECT_EQ(eval("company NOT ILIKE 'ACME'"), Tri::False);
  EXPECT_EQ(eval("company NOT ILIKE 'ACMEX'"), Tri::True);
}

TEST_F(ConditionParser, RegexMatch) {
  EXPECT_EQ(eval("title ~ 'VP|Chief'"), Tri::True);
  EXPECT_EQ(eval("title ~ '^Sales'"), Tri::False);
}

TEST_F(ConditionParser, Contains) {
  EXPECT_EQ(eval("product_interest CONTAINS 'crm'"), Tri::True);
  EXPECT_EQ(eval("product_interest CONTAINS 'erp'"), Tri::False);
}

TEST_F(ConditionParser, BooleanConnectivesAndParentheses) {
  EXPECT_EQ(eval("country = 'US' AND employees > 1000"), Tri::False);
  EXPECT_EQ(eval("country = 'US' AND employees > 100"), Tri::True);
  EXPECT_EQ(eval("country = 'CA' OR employees > 100"), Tri::True);
  EXPECT_EQ(eval("country = 'CA' OR employees > 1000"), Tri::False);
  EXPECT_EQ(eval("NOT country = 'CA'"), Tri::True);
  EXPECT_EQ(eval("NOT (country = 'US')"), Tri::False);
  EXPECT_EQ(eval("NOT NOT country = 'US'"), Tri::True);
  EXPECT_EQ(eval("((country = 'US'))"), Tri::True);
  EXPECT_EQ(eval("(country = 'CA' OR (employees > 100 AND source = 'webinar'))"), Tri::True);
}

TEST_F(ConditionParser, TrueAndFalseAsExpressionsAndOperands) {
  EXPECT_EQ(eval("TRUE"), Tri::True);
  EXPECT_EQ(eval("FALSE"), Tri::False);
  EXPECT_EQ(eval("NOT FALSE"), Tri::True);
  EXPECT_EQ(eval("FALSE OR country = 'US'"), Tri::True);
  EXPECT_EQ(eval("is_freemail = FALSE"), Tri::True);
  EXPECT_EQ(eval("is_freemail = TRUE"), Tri::False);
  EXPECT_EQ(eval("TRUE = is_freemail"), Tri::False);
  EXPECT_EQ(eval("is_freemail <> TRUE"), Tri::True);
  EXPECT_EQ(eval("TRUE = TRUE"), Tri::True);
  EXPECT_EQ(eval("TRUE = FALSE"), Tri::False);
  // A quoted 'true' coerces to boolean for a boolean field, as in SQL.
  EXPECT_EQ(eval("is_freemail = 'false'"), Tri::True);
}

TEST_F(ConditionParser, BareBooleanField) {
  EXPECT_EQ(eval("is_freemail"), Tri::False);
  EXPECT_EQ(eval("NOT is_freemail"), Tri::True);
  EXPECT_EQ(eval("NOT is_freemail AND country = 'US'"), Tri::True);
  lead.boolean(FieldId::IsFreemail, true);
  EXPECT_EQ(eval("is_freemail"), Tri::True);
  lead.null(FieldId::IsFreemail);
  EXPECT_EQ(eval("is_freemail"), Tri::Unknown);
}

TEST_F(ConditionParser, Attributes) {
  lead.attribute_text(attributes, {"utm_source"}, "google")
      .attribute_text(attributes, {"utm", "source"}, "linkedin")
      .attribute_text(attributes, {"utm-source"}, "partner");
  EXPECT_EQ(eval("attributes.utm_source = 'google'"), Tri::True);
  EXPECT_EQ(eval("attributes.utm.source = 'linkedin'"), Tri::True);
  EXPECT_EQ(eval("attributes.utm.source = 'google'"), Tri::False);
  EXPECT_EQ(eval("attributes.\"utm-source\" = 'partner'"), Tri::True);
  // The same path compiled twice shares one slot; different paths get different slots.
  EXPECT_EQ(attributes.size(), 3u);
  EXPECT_EQ(attributes.display(attributes.intern({"utm", "source"})), "attributes.utm.source");
}

TEST_F(ConditionParser, AttributeKeysMayBeKeywordsOrFieldNames) {
  lead.attribute_text(attributes, {"in"}, "x").attribute_text(attributes, {"country"}, "DE");
  EXPECT_EQ(eval("attributes.in = 'x'"), Tri::True);
  EXPECT_EQ(eval("attributes.country = 'DE' AND country = 'US'"), Tri::True);
}

TEST_F(ConditionParser, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(eval("country in ('US') and not employees between 1 and 10 Or FaLsE"), Tri::True);
  EXPECT_EQ(eval("state is not null"), Tri::False);
  EXPECT_EQ(eval("state Is Null"), Tri::True);
  EXPECT_EQ(eval("company like 'Ac%' AND company ilike 'ACME'"), Tri::True);
  EXPECT_EQ(eval("product_interest contains 'crm'"), Tri::True);
  EXPECT_EQ(eval("true"), Tri::True);
  EXPECT_EQ(eval("is_freemail = false"), Tri::True);
}

TEST_F(ConditionParser, FieldNamesAreCaseInsensitive) {
  EXPECT_EQ(eval("COUNTRY = 'US'"), Tri::True);
  EXPECT_EQ(eval("Employees >= 500"), Tri::True);
  EXPECT_EQ(eval("Is_FreeMail = FALSE"), Tri::True);
}

TEST_F(ConditionParser, NumberLiterals) {
  lead.number(FieldId::Score, -3.5);
  EXPECT_EQ(eval("score = -3.5"), Tri::True);
  EXPECT_EQ(eval("score > -4"), Tri::True);
  EXPECT_EQ(eval("score < -3"), Tri::True);
  EXPECT_EQ(eval("-4 < score"), Tri::True);
  EXPECT_EQ(eval("score BETWEEN -10 AND -3.5"), Tri::True);
  EXPECT_EQ(eval("employees = 5e2"), Tri::True);
  EXPECT_EQ(eval("employees = 5E+2"), Tri::True);
  EXPECT_EQ(eval("employees = 5000e-1"), Tri::True);
  EXPECT_EQ(eval("employees < 1e3"), Tri::True);
  EXPECT_EQ(eval("employees = 500.0"), Tri::True);
  lead.number(FieldId::Score, 0.5);
  EXPECT_EQ(eval("score = .5"), Tri::True);
  EXPECT_EQ(eval("score = 0.50"), Tri::True);
  EXPECT_EQ(eval("score > 0.49"), Tri::True);
}

TEST_F(ConditionParser, QuoteEscapesInStrings) {
  EXPECT_EQ(eval("last_name = 'O''Brien'"), Tri::True);
  EXPECT_EQ(eval("last_name = 'OBrien'"), Tri::False);
  lead.text(FieldId::Company, "");
  EXPECT_EQ(eval("company = ''"), Tri::True);
  lead.text(FieldId::Company, "'");
  EXPECT_EQ(eval("company = ''''"), Tri::True);
}

TEST_F(ConditionParser, NotBindsTighterThanAnd) {
  // (NOT country = 'CA') AND employees > 1000 → True AND False; NOT (...) would be True.
  EXPECT_EQ(eval("NOT country = 'CA' AND employees > 1000"), Tri::False);
  EXPECT_EQ(eval("NOT (country = 'CA' AND employees > 1000)"), Tri::True);
}

TEST_F(ConditionParser, AndBindsTighterThanOr) {
  EXPECT_EQ(eval("country = 'US' OR employees > 1000 AND source = 'partner'"), Tri::True);
  EXPECT_EQ(eval("(country = 'US' OR employees > 1000) AND source = 'partner'"), Tri::False);
  EXPECT_EQ(eval("source = 'partner' AND employees > 1000 OR country = 'US'"), Tri::True);
  EXPECT_EQ(eval("source = 'partner' AND (employees > 1000 OR country = 'US')"), Tri::False);
}

TEST_F(ConditionParser, KeepsTheSourceText) {
  AttributeRegistry r;
  Condition c = Condition::compile("country = 'US'", r);
  EXPECT_EQ(c.text(), "country = 'US'");
  Condition moved = std::move(c);
  EXPECT_EQ(moved.evaluate(lead.values), Tri::True);
}

// ---- errors -----------------------------------------------------------------------------------

TEST(ConditionErrors, StatementInjectionPointsAtSemicolon) {
  auto e = error_of("country = 'US'; DROP TABLE x");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::Syntax);
  EXPECT_EQ(e->position(), 15u);
  EXPECT_EQ(e->token(), ";");
  EXPECT_THROW(check_condition("country = 'US'; DROP TABLE x"), ConditionError);
}

TEST(ConditionErrors, UnknownFieldSuggestsTheClosestName) {
  auto e = error_of("contry = 'US'");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::UnknownField);
  EXPECT_EQ(e->position(), 1u);
  EXPECT_EQ(e->token(), "contry");
  EXPECT_NE(e->hint().find("did you mean country"), std::string::npos) << e->hint();
  EXPECT_NE(e->hint().find("employees"), std::string::npos) << "hint lists the valid fields";

  auto later = error_of("country = 'US' AND emploees > 5");
  ASSERT_TRUE(later);
  EXPECT_EQ(later->kind(), Kind::UnknownField);
  EXPECT_EQ(later->position(), 20u);
  EXPECT_EQ(later->token(), "emploees");
  EXPECT_NE(later->hint().find("did you mean employees"), std::string::npos) << later->hint();

  auto far = error_of("xyzzyqwerty = 1");
  ASSERT_TRUE(far);
  EXPECT_EQ(far->kind(), Kind::UnknownField);
  EXPECT_EQ(far->hint().find("did you mean"), std::string::npos) << far->hint();
}

TEST(ConditionErrors, AttributesWithoutKey) {
  auto e = error_of("attributes = 'x'");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::UnknownField);
  EXPECT_EQ(e->position(), 1u);
  auto dot = error_of("attributes. = 'x'");
  ASSERT_TRUE(dot);
  EXPECT_EQ(dot->kind(), Kind::Syntax);
  EXPECT_EQ(dot->position(), 13u);
  EXPECT_EQ(dot->token(), "=");
}

TEST(ConditionErrors, UnterminatedString) {
  auto e = error_of("country = 'US");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::Syntax);
  EXPECT_EQ(e->position(), 11u);
  EXPECT_EQ(e->token(), "'US");
  EXPECT_NE(std::string(e->what()).find("unterminated"), std::string::npos) << e->what();
}

TEST(ConditionErrors, EmptyCondition) {
  for (const char* text : {"", "   ", "\n\t"}) {
    auto e = error_of(text);
    ASSERT_TRUE(e) << "'" << text << "'";
    EXPECT_EQ(e->kind(), Kind::Syntax);
    EXPECT_NE(std::string(e->what()).find("empty"), std::string::npos) << e->what();
    EXPECT_NE(e->hint().find("TRUE"), std::string::npos) << e->hint();
  }
}

TEST(ConditionErrors, MissingOperator) {
  auto e = error_of("country 'US'");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::Syntax);
  EXPECT_EQ(e->position(), 9u);
  EXPECT_EQ(e->token(), "'US'");
  EXPECT_NE(std::string(e->what()).find("expected an operator"), std::string::npos) << e->what();
}

TEST(ConditionErrors, IncompleteConditions) {
  struct Case {
    const char* text;
    size_t position;
    const char* token;
  };
  for (const Case& c :
       {Case{"country =", 10, ""}, Case{"country = 'US' AND", 19, ""},
        Case{"(country = 'US'", 16, ""}, Case{"country = 'US')", 15, ")"},
        Case{"country IN ()", 13, ")"}, Case{"country IN ('a' 'b')", 17, "'b'"},
        Case{"employees BETWEEN 1 10", 21, "10"}, Case{"country NOT = 'US'", 13, "="},
        Case{"state IS 'x'", 10, "'x'"}, Case{"country LIKE country", 14, "country"},
        Case{"country = 'US' country = 'CA'", 16, "country"}, Case{"employees > 5x", 13, "5x"},
        Case{"score = -'a'", 10, "'a'"}, Case{"country == 'US'", 10, "="},
        Case{"country = 'US' && TRUE", 16, "&"}}) {
    auto e = error_of(c.text);
    ASSERT_TRUE(e) << c.text;
    EXPECT_EQ(e->kind(), Kind::Syntax) << c.text << ": " << e->what();
    EXPECT_EQ(e->position(), c.position) << c.text << ": " << e->what();
    EXPECT_EQ(e->token(), c.token) << c.text << ": " << e->what();
  }
}

TEST(ConditionErrors, NumberFieldWithNonNumericString) {
  auto e = error_of("employees = 'abc'");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::Type);
  EXPECT_EQ(e->position(), 13u);
  EXPECT_EQ(e->token(), "'abc'");
}

TEST(ConditionErrors, TextFieldWithNumber) {
  auto e = error_of("country = 5");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::Type);
  EXPECT_EQ(e->position(), 11u);
  EXPECT_EQ(e->token(), "5");
  EXPECT_NE(e->hint().find("country = '5'"), std::string::npos) << e->hint();
  auto in = error_of("country IN ('US', 5)");
  ASSERT_TRUE(in);
  EXPECT_EQ(in->kind(), Kind::Type);
  EXPECT_EQ(in->position(), 19u);
}

TEST(ConditionErrors, ArrayFieldComparedHintsContains) {
  auto e = error_of("product_interest = 'x'");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::Type);
  EXPECT_EQ(e->position(), 1u);
  EXPECT_EQ(e->token(), "product_interest");
  EXPECT_NE(e->hint().find("CONTAINS"), std::string::npos) << e->hint();
  for (const char* text : {"product_interest IN ('x')", "product_interest LIKE 'x%'",
                           "product_interest BETWEEN 'a' AND 'b'"}) {
    auto other = error_of(text);
    ASSERT_TRUE(other) << text;
    EXPECT_EQ(other->kind(), Kind::Type) << text;
    EXPECT_NE(other->hint().find("CONTAINS"), std::string::npos) << text << ": " << other->hint();
  }
}

TEST(ConditionErrors, ContainsOnScalarField) {
  auto e = error_of("country CONTAINS 'US'");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::Type);
  EXPECT_EQ(e->position(), 1u);
}

TEST(ConditionErrors, OrderingBooleans) {
  auto e = error_of("is_freemail > true");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::Type);
  EXPECT_EQ(e->position(), 1u);
  EXPECT_NE(e->hint().find("="), std::string::npos) << e->hint();
  auto between = error_of("is_freemail BETWEEN TRUE AND FALSE");
  ASSERT_TRUE(between);
  EXPECT_EQ(between->kind(), Kind::Type);
}

TEST(ConditionErrors, BooleanFieldWithString) {
  auto e = error_of("is_freemail = 'maybe'");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::Type);
  EXPECT_EQ(e->position(), 15u);
}

TEST(ConditionErrors, ComparisonWithNullHintsIsNull) {
  auto e = error_of("country = NULL");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::Type);
  EXPECT_EQ(e->position(), 11u);
  EXPECT_EQ(e->token(), "NULL");
  EXPECT_NE(e->hint().find("IS NULL"), std::string::npos) << e->hint();
  auto reversed = error_of("NULL <> country");
  ASSERT_TRUE(reversed);
  EXPECT_EQ(reversed->position(), 1u);
}

TEST(ConditionErrors, MismatchedFieldTypes) {
  auto e = error_of("country = employees");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::Type);
  EXPECT_EQ(e->position(), 1u);
  EXPECT_FALSE(error_of("first_name = last_name"));
  auto literals = error_of("'a' = 1");
  ASSERT_TRUE(literals);
  EXPECT_EQ(literals->kind(), Kind::Type);
}

TEST(ConditionErrors, NonBooleanFieldAlone) {
  auto e = error_of("country");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::Syntax);
  EXPECT_EQ(e->position(), 8u);  // the end of the condition
}

TEST(ConditionErrors, InvalidRegex) {
  auto e = error_of("title ~ '('");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::Pattern);
  EXPECT_EQ(e->token(), "(");
  // Best effort: the position falls inside the quoted pattern (quotes included).
  EXPECT_GE(e->position(), 9u);
  EXPECT_LE(e->position(), 11u);
  auto star = error_of("title ~ '*a'");
  ASSERT_TRUE(star);
  EXPECT_EQ(star->kind(), Kind::Pattern);
  EXPECT_GE(star->position(), 9u);
  EXPECT_LE(star->position(), 12u);
  auto unquoted = error_of("title ~ title");
  ASSERT_TRUE(unquoted);
  EXPECT_EQ(unquoted->kind(), Kind::Syntax);
  EXPECT_EQ(unquoted->position(), 9u);
}

TEST(ConditionErrors, DeepNestingIsTooComplexNotACrash) {
  std::string parens = std::string(200, '(') + "country = 'US'" + std::string(200, ')');
  auto e = error_of(parens);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::TooComplex);

  std::string nots;
  for (int i = 0; i < 200; ++i) nots += "NOT ";
  nots += "TRUE";
  auto n = error_of(nots);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->kind(), Kind::TooComplex);

  std::string absurd(100000, '(');
  auto a = error_of(absurd);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind(), Kind::TooComplex);
}

TEST(ConditionErrors, ModerateNestingIsAccepted) {
  std::string parens = std::string(20, '(') + "country = 'US'" + std::string(20, ')');
  EXPECT_FALSE(error_of(parens));
  std::string nots;
  for (int i = 0; i < 50; ++i) nots += "NOT ";
  EXPECT_FALSE(error_of(nots + "TRUE"));
}

TEST(ConditionErrors, LongChainsAreNotNesting) {
  // A AND B AND ... is flat, however long.
  std::string chain = "country = 'US'";
  for (int i = 0; i < 2000; ++i) chain += (i % 2 ? " AND " : " OR ") + std::string("employees > 1");
  AttributeRegistry r;
  ASSERT_NO_THROW((void)Condition::compile(chain, r));
}

TEST(ConditionErrors, TooLongConditionIsTooComplex) {
  std::string text = "country IN ('x'";
  while (text.size() < 70 * 1024) text += ", 'abcdefgh'";
  text += ")";
  auto e = error_of(text);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::TooComplex);
}

TEST(ConditionErrors, LongButReasonableInListIsAccepted) {
  std::string text = "country IN ('x'";
  while (text.size() < 60 * 1024) text += ", 'abcdefgh'";
  text += ")";
  EXPECT_FALSE(error_of(text));
}

TEST(ConditionErrors, PositionsCountCharactersNotBytes) {
  // "city = 'Zürich' AND " is 20 characters and 21 bytes.
  auto e = error_of("city = 'Zürich' AND contry = 'CH'");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind(), Kind::UnknownField);
  EXPECT_EQ(e->position(), 21u);
  EXPECT_EQ(e->token(), "contry");

  auto semi = error_of("city = '東京'; x");
  ASSERT_TRUE(semi);
  EXPECT_EQ(semi->kind(), Kind::Syntax);
  EXPECT_EQ(semi->position(), 12u);
  EXPECT_EQ(semi->token(), ";");

  auto type = error_of("city = 'Zürich' AND employees = 'много'");
  ASSERT_TRUE(type);
  EXPECT_EQ(type->kind(), Kind::Type);
  EXPECT_EQ(type->position(), 33u);
  EXPECT_EQ(type->token(), "'много'");
}

TEST(ConditionErrors, UnexpectedMultibyteCharacterIsReportedWhole) {
  auto e = error_of("country = 'US' → TRUE");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->position(), 16u);
  EXPECT_TRUE(testing::valid_utf8(e->token())) << e->token();
  EXPECT_TRUE(testing::valid_utf8(e->what())) << e->what();
}

TEST(ConditionErrors, ErrorTextsStayValidUtf8WhenCut) {
  // Tokens and messages quote at most a few dozen bytes of the source; a cut must not split a
  // character, or PostgreSQL rejects the error text.
  std::string long_text;
  for (int i = 0; i < 30; ++i) long_text += "é";
  auto unterminated = error_of("city = '" + long_text);
  ASSERT_TRUE(unterminated);
  EXPECT_EQ(unterminated->kind(), Kind::Syntax);
  EXPECT_TRUE(testing::valid_utf8(unterminated->token())) << unterminated->token();

  auto trailing = error_of("city = 'x' '" + long_text + "'");
  ASSERT_TRUE(trailing);
  EXPECT_EQ(trailing->kind(), Kind::Syntax);
  EXPECT_TRUE(testing::valid_utf8(trailing->what())) << trailing->what();
}

// ---- static analysis --------------------------------------------------------------------------

bool always_true(std::string_view text) {
  AttributeRegistry r;
  return Condition::compile(text, r).always_true();
}

TEST(ConditionAnalysis, AlwaysTrue) {
  EXPECT_TRUE(always_true("TRUE"));
  EXPECT_TRUE(always_true("true"));
  EXPECT_TRUE(always_true("TRUE OR country = 'x'"));
  EXPECT_TRUE(always_true("country = 'x' OR TRUE"));
  EXPECT_TRUE(always_true("NOT FALSE"));
  EXPECT_TRUE(always_true("(TRUE AND TRUE)"));
  EXPECT_FALSE(always_true("country = 'US'"));
  EXPECT_FALSE(always_true("FALSE"));
  EXPECT_FALSE(always_true("TRUE AND country = 'x'"));
  EXPECT_FALSE(always_true("NOT TRUE OR country = 'x'"));
  EXPECT_FALSE(always_true("is_freemail"));
  EXPECT_FALSE(always_true("state IS NULL"));
}

TEST(ConditionAnalysis, AlwaysTrueAgreesWithEvaluationForNullLiterals) {
  TestLead empty;
  for (const char* text :
       {"NULL IS NULL", "NULL IS NOT NULL", "'x' IS NULL", "'x' IS NOT NULL", "5 IS NOT NULL"}) {
    AttributeRegistry r;
    Condition c = Condition::compile(text, r);
    EXPECT_EQ(c.always_true(), c.evaluate(empty.values) == Tri::True) << text;
  }
}

TEST(ConditionAnalysis, ReferencedFields) {
  AttributeRegistry r;
  Condition c = Condition::compile(
      "country = 'US' AND (employees > 5 OR country IN ('CA')) AND attributes.plan = 'pro' "
      "AND NOT is_freemail",
      r);
  auto fields = c.referenced_fields();
  ASSERT_EQ(fields.size(), 4u);
  auto has = [&](FieldRef f) { return std::find(fields.begin(), fields.end(), f) != fields.end(); };
  EXPECT_TRUE(has(FieldRef{false, FieldId::Country, 0}));
  EXPECT_TRUE(has(FieldRef{false, FieldId::Employees, 0}));
  EXPECT_TRUE(has(FieldRef{false, FieldId::IsFreemail, 0}));
  EXPECT_TRUE(has(FieldRef{true, FieldId::Email, r.intern({"plan"})}));
  EXPECT_FALSE(has(FieldRef{false, FieldId::Source, 0}));

  Condition constant = Condition::compile("TRUE", r);
  EXPECT_TRUE(constant.referenced_fields().empty());
}

}  // namespace
}  // namespace leadroute
