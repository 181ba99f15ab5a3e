// Conditions read in plain English (leadroute.document()).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/condition/condition.h"
#include "core/condition/condition_words.h"

namespace leadroute {
namespace {

TEST(ConditionWords, TheDesignExample) {
  EXPECT_EQ(condition_in_words("country IN ('US','CA') AND employees >= 500"),
            "country is US or CA, and employees is at least 500");
}

TEST(ConditionWords, ComparisonsReadFromTheFieldSide) {
  EXPECT_EQ(condition_in_words("score > 80"), "score is more than 80");
  EXPECT_EQ(condition_in_words("80 < score"), "score is more than 80");
  EXPECT_EQ(condition_in_words("employees <= 50"), "employees is at most 50");
  EXPECT_EQ(condition_in_words("source <> 'partner'"), "source is not partner");
  EXPECT_EQ(condition_in_words("source != 'partner'"), "source is not partner");
  EXPECT_EQ(condition_in_words("industry = 'Health care'"), "industry is \"Health care\"");
  EXPECT_EQ(condition_in_words("score = 72.5"), "score is 72.5");
}

TEST(ConditionWords, Lists) {
  EXPECT_EQ(condition_in_words("country IN ('US')"), "country is US");
  EXPECT_EQ(condition_in_words("country IN ('GB', 'IE', 'FR')"), "country is one of GB, IE or FR");
  EXPECT_EQ(condition_in_words("source NOT IN ('demo_request', 'pricing_page')"),
            "source is neither demo_request nor pricing_page");
  EXPECT_EQ(condition_in_words("country NOT IN ('GB', 'IE', 'FR')"),
            "country is none of GB, IE and FR");
}

TEST(ConditionWords, RangesNullsAndBooleans) {
  EXPECT_EQ(condition_in_words("employees BETWEEN 100 AND 999"), "employees is from 100 to 999");
  EXPECT_EQ(condition_in_words("employees NOT BETWEEN 100 AND 999"),
            "employees is less than 100 or more than 999");
  EXPECT_EQ(condition_in_words("state IS NULL"), "state is unknown (empty)");
  EXPECT_EQ(condition_in_words("state IS NOT NULL"), "state is known");
  EXPECT_EQ(condition_in_words("account_id IS NOT NULL"), "the lead matched an account");
  EXPECT_EQ(condition_in_words("is_freemail"), "the email address is free-mail");
  EXPECT_EQ(condition_in_words("is_freemail = false"), "the email address is not free-mail");
  EXPECT_EQ(condition_in_words("TRUE"), "every lead");
  EXPECT_EQ(condition_in_words("FALSE"), "no lead");
}

TEST(ConditionWords, Patterns) {
  EXPECT_EQ(condition_in_words("email_domain LIKE '%.edu'"), "email domain ends with .edu");
  EXPECT_EQ(condition_in_words("company LIKE 'Acme%'"), "company starts with Acme");
  EXPECT_EQ(condition_in_words("title ILIKE '%vp%'"), "title contains vp (ignoring case)");
  EXPECT_EQ(condition_in_words("company NOT LIKE '%bank%'"), "company does not contain bank");
  EXPECT_EQ(condition_in_words("postal_code LIKE '9_1%'"),
            "postal code matches the pattern \"9_1%\" (% is any text, _ any one character)");
  EXPECT_EQ(condition_in_words("title ~ '^(vp|chief)'"),
            "title matches the regular expression \"^(vp|chief)\"");
  EXPECT_EQ(condition_in_words("product_interest CONTAINS 'crm'"), "product interest includes crm");
  EXPECT_EQ(condition_in_words("attributes.utm.source = 'g2'"), "attribute utm.source is g2");
}

TEST(ConditionWords, NotIsPushedIntoThePredicates) {
  EXPECT_EQ(condition_in_words("NOT (source = 'partner')"), "source is not partner");
  EXPECT_EQ(condition_in_words("NOT is_freemail"), "the email address is not free-mail");
  EXPECT_EQ(condition_in_words("NOT (country = 'US' AND score >= 50)"),
            "country is not US, or score is less than 50");
  EXPECT_EQ(condition_in_words("NOT (country = 'US' OR country = 'CA')"),
            "country is not US, and country is not CA");
  EXPECT_EQ(condition_in_words("NOT NOT (score < 10)"), "score is less than 10");
}

TEST(ConditionWords, MixedAndOrIsParenthesized) {
  EXPECT_EQ(condition_in_words("email_domain LIKE '%.edu' OR (is_freemail AND source NOT IN "
                               "('demo_request', 'pricing_page'))"),
            "email domain ends with .edu, or (the email address is free-mail, and source is "
            "neither demo_request nor pricing_page)");
}

TEST(ConditionWords, InvalidConditionsThrow) {
  EXPECT_THROW(condition_in_words("country = "), ConditionError);
  EXPECT_THROW(condition_field_names("nosuchfield = 1"), ConditionError);
}

TEST(ConditionWords, FieldNames) {
  EXPECT_EQ(condition_field_names("country IN ('US') AND (employees > 5 OR country = 'CA') AND "
                                  "attributes.utm.source IS NULL"),
            (std::vector<std::string>{"country", "employees", "attributes.utm.source"}));
  EXPECT_TRUE(condition_field_names("TRUE").empty());
}

}  // namespace
}  // namespace leadroute
