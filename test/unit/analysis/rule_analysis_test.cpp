// Static analysis of unreachable rules: what it must prove, what it must never claim, and a
// property test that checks every finding against the evaluator on an exhaustive set of leads.
#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/condition/condition.h"
#include "core/analysis/rule_analysis.h"
#include "test_lead.h"

namespace leadroute {
namespace {

using testing::TestLead;

std::vector<RuleForAnalysis> rule_set(const std::vector<std::string>& conditions) {
  std::vector<RuleForAnalysis> rules;
  for (size_t i = 0; i < conditions.size(); ++i) {
    RuleForAnalysis r;
    r.id = static_cast<int64_t>(i + 1);
    r.name = "r" + std::to_string(i + 1);
    r.priority = static_cast<int64_t>(10 * (i + 1));
    r.condition = conditions[i];
    rules.push_back(r);
  }
  return rules;
}

std::optional<UnreachableRule> finding_for(const std::vector<UnreachableRule>& found, int64_t id) {
  for (const auto& f : found)
    if (f.rule_id == id) return f;
  return std::nullopt;
}

// The finding for the last rule of the set, if any.
std::optional<UnreachableRule> last_rule(const std::vector<std::string>& conditions) {
  return finding_for(find_unreachable_rules(rule_set(conditions)),
                     static_cast<int64_t>(conditions.size()));
}

::testing::AssertionResult shadowed_by(const std::vector<std::string>& conditions,
                                       const std::vector<int64_t>& ids) {
  auto f = last_rule(conditions);
  if (!f) return ::testing::AssertionFailure() << "no finding for the last rule";
  if (f->kind != UnreachableKind::Shadowed)
    return ::testing::AssertionFailure() << "never_true: " << f->explanation;
  if (f->covered_by != ids) return ::testing::AssertionFailure() << "covered by other rules";
  return ::testing::AssertionSuccess() << f->explanation;
}

::testing::AssertionResult never_true(const std::string& condition) {
  auto f = last_rule({condition});
  if (!f) return ::testing::AssertionFailure() << "no finding";
  if (f->kind != UnreachableKind::NeverTrue) return ::testing::AssertionFailure() << "shadowed";
  if (!f->covered_by.empty()) return ::testing::AssertionFailure() << "covered_by not empty";
  return ::testing::AssertionSuccess() << f->explanation;
}

::testing::AssertionResult reachable(const std::vector<std::string>& conditions) {
  auto f = last_rule(conditions);
  if (f) return ::testing::AssertionFailure() << "false finding: " << f->explanation;
  return ::testing::AssertionSuccess();
}

// ---- never_true -------------------------------------------------------------------------------

TEST(RuleAnalysisNeverTrue, ContradictoryEqualities) {
  EXPECT_TRUE(never_true("country = 'US' AND country = 'DE'"));
  EXPECT_TRUE(never_true("country IN ('US', 'CA') AND country IN ('DE', 'FR')"));
  EXPECT_TRUE(never_true("country = 'US' AND country <> 'US'"));
  EXPECT_TRUE(never_true("country = 'US' AND country NOT IN ('CA', 'US')"));
  EXPECT_TRUE(never_true("is_freemail AND NOT is_freemail"));
  EXPECT_TRUE(never_true("is_freemail = TRUE AND is_freemail = 'f'"));
}

TEST(RuleAnalysisNeverTrue, EmptyRanges) {
  EXPECT_TRUE(never_true("employees > 10 AND employees < 5"));
  EXPECT_TRUE(never_true("employees > 10 AND employees <= 10"));
  EXPECT_TRUE(never_true("employees >= 10 AND employees < 10"));
  EXPECT_TRUE(never_true("employees BETWEEN 500 AND 50"));
  EXPECT_TRUE(never_true("employees = 5 AND employees > 5"));
  EXPECT_TRUE(never_true("employees BETWEEN 5 AND 5 AND employees <> 5"));
  EXPECT_TRUE(never_true("employees IN (1, 2, 3) AND employees >= 4"));
  EXPECT_TRUE(never_true("country > 'M' AND country < 'C'"));
}

TEST(RuleAnalysisNeverTrue, NullTests) {
  EXPECT_TRUE(never_true("state IS NULL AND state = 'a'"));
  EXPECT_TRUE(never_true("employees IS NULL AND employees >= 0"));
  EXPECT_TRUE(never_true("state IS NULL AND state IS NOT NULL"));
  EXPECT_TRUE(never_true("state IS NULL AND NOT (state = 'a')"));  // FALSE needs a value too
  EXPECT_TRUE(never_true("title IS NULL AND title LIKE 'VP%'"));   // patterns need a value
  EXPECT_TRUE(never_true("attributes.plan IS NULL AND attributes.plan = 'free'"));
  EXPECT_TRUE(never_true("product_interest IS NULL AND product_interest CONTAINS 'crm'"));
}

TEST(RuleAnalysisNeverTrue, NullInListsFollowSql) {
  // A NULL item makes a miss unknown: NOT IN with a NULL is never TRUE.
  EXPECT_TRUE(never_true("country NOT IN ('US', NULL)"));
  EXPECT_TRUE(never_true("NOT (country IN ('US', NULL))"));
  EXPECT_TRUE(never_true("country IN (NULL)"));
  // ...but IN with a NULL is TRUE for a listed value.
  EXPECT_TRUE(reachable({"country IN ('US', NULL)"}));
}

TEST(RuleAnalysisNeverTrue, Constants) {
  EXPECT_TRUE(never_true("FALSE"));
  EXPECT_TRUE(never_true("NOT TRUE"));
  EXPECT_TRUE(never_true("1 = 2"));
  EXPECT_TRUE(never_true("country = 'US' AND 'a' = 'b'"));
  EXPECT_TRUE(never_true("NULL IS NOT NULL"));
  EXPECT_TRUE(reachable({"1 = 1"}));
  EXPECT_TRUE(reachable({"NULL IS NULL"}));
}

TEST(RuleAnalysisNeverTrue, EveryAlternativeMustBeContradictory) {
  EXPECT_TRUE(
      never_true("(country = 'US' AND country = 'DE') OR (employees < 1 AND employees > 2)"));
  EXPECT_TRUE(reachable({"(country = 'US' AND country = 'DE') OR employees < 1"}));
}

TEST(RuleAnalysisNeverTrue, OpaqueAtomsOnlyContradictTheirOwnNegation) {
  EXPECT_TRUE(never_true("title LIKE 'VP%' AND NOT (title LIKE 'VP%')"));
  EXPECT_TRUE(never_true("title LIKE 'VP%' AND title NOT LIKE 'VP%'"));
  EXPECT_TRUE(reachable({"title LIKE 'VP%' AND title NOT LIKE 'vp%'"}));
  EXPECT_TRUE(reachable({"title LIKE 'VP%' AND title LIKE '%Intern'"}));
  EXPECT_TRUE(reachable({"title ~ '^VP' AND title ~ '^Chief'"}));  // no regex reasoning
}

TEST(RuleAnalysisNeverTrue, AttributesAreDynamicallyTyped) {
  // '5' and '5.0' are both 5 for a numeric attribute: not a contradiction.
  EXPECT_TRUE(reachable({"attributes.n = '5' AND attributes.n = '5.0'"}));
  EXPECT_TRUE(reachable({"attributes.n = 5 AND attributes.n = '5'"}));
  EXPECT_TRUE(reachable({"attributes.plan = 'yes' AND attributes.plan = TRUE"}));
  EXPECT_TRUE(reachable({"attributes.n > 10 AND attributes.n < 5 OR attributes.n = 1"}));
}

TEST(RuleAnalysisNeverTrue, SatisfiableConditionsAreNotReported) {
  EXPECT_TRUE(reachable({"country = 'US' AND employees > 10"}));
  EXPECT_TRUE(reachable({"employees > 10 AND employees < 11"}));  // 10.5 is a number
  EXPECT_TRUE(reachable({"employees BETWEEN 5 AND 5"}));
  EXPECT_TRUE(reachable({"country <> 'US' AND country <> 'DE'"}));
  EXPECT_TRUE(reachable({"NOT (country = 'US' AND country = 'DE')"}));
  EXPECT_TRUE(reachable({"state IS NULL OR state = 'a'"}));
  EXPECT_TRUE(reachable({"first_name = last_name AND first_name <> last_name"}));
}

// ---- shadowed ---------------------------------------------------------------------------------

TEST(RuleAnalysisShadowed, EqualityAfterIn) {
  EXPECT_TRUE(shadowed_by({"country IN ('US','CA')", "country = 'US'"}, {1}));
  EXPECT_TRUE(reachable({"country = 'CA'", "country = 'US'"}));
  EXPECT_TRUE(shadowed_by({"country IN ('US','CA','MX')", "country IN ('US','MX')"}, {1}));
  EXPECT_TRUE(reachable({"country IN ('US','CA')", "country IN ('US','DE')"}));
}

TEST(RuleAnalysisShadowed, Ranges) {
  EXPECT_TRUE(shadowed_by({"employees > 100", "employees >= 500"}, {1}));
  EXPECT_TRUE(reachable({"employees > 100", "employees >= 50"}));
  EXPECT_TRUE(shadowed_by({"employees >= 100", "employees > 100"}, {1}));
  EXPECT_TRUE(reachable({"employees > 100", "employees >= 100"}));
  EXPECT_TRUE(shadowed_by({"employees BETWEEN 10 AND 1000", "employees BETWEEN 50 AND 500"}, {1}));
  EXPECT_TRUE(reachable({"employees BETWEEN 10 AND 100", "employees BETWEEN 50 AND 500"}));
  EXPECT_TRUE(shadowed_by({"employees < 1000", "employees IN (1, 50, 999)"}, {1}));
  EXPECT_TRUE(reachable({"employees < 1000", "employees IN (1, 50, 1000)"}));
  EXPECT_TRUE(shadowed_by({"employees IN (5, 6)", "employees BETWEEN 5 AND 5"}, {1}));
  EXPECT_TRUE(shadowed_by({"employees <> 7", "employees > 7"}, {1}));
  EXPECT_TRUE(reachable({"employees <> 7", "employees >= 7"}));
  EXPECT_TRUE(shadowed_by({"employees >= '500'", "employees > 600"}, {1}));  // coerced literal
}

TEST(RuleAnalysisShadowed, TextComparesByBytes) {
  EXPECT_TRUE(shadowed_by({"country >= 'A'", "country = 'US'"}, {1}));
  EXPECT_TRUE(reachable({"country >= 'a'", "country = 'US'"}));         // 'U' < 'a' in byte order
  EXPECT_TRUE(shadowed_by({"city > 'Zulu'", "city = 'Zürich'"}, {1}));  // ü is after u
  EXPECT_TRUE(reachable({"country = 'us'", "country = 'US'"}));         // case-sensitive
  EXPECT_TRUE(reachable({"country IN ('us', 'ca')", "country = 'US'"}));
}

TEST(RuleAnalysisShadowed, ConjunctionImpliesItsParts) {
  EXPECT_TRUE(shadowed_by({"country IN ('US','CA')", "country = 'US' AND employees >= 1000"}, {1}));
  EXPECT_TRUE(reachable({"country = 'US' AND employees >= 1000", "country = 'US'"}));
  EXPECT_TRUE(shadowed_by({"source = 'partner' AND employees > 10",
                           "employees > 100 AND source = 'partner' AND state = 'CA'"},
                          {1}));
}

TEST(RuleAnalysisShadowed, OrAcrossTwoEarlierRules) {
  EXPECT_TRUE(shadowed_by({"country = 'US'", "country = 'CA'", "country IN ('US', 'CA')"}, {1, 2}));
  EXPECT_TRUE(reachable({"country = 'US'", "country = 'CA'", "country IN ('US', 'CA', 'MX')"}));
  EXPECT_TRUE(shadowed_by(
      {"employees < 100", "employees >= 100", "country = 'US' AND employees IS NOT NULL"}, {1, 2}));
  // Split at the earlier rules' bounds: below 100, at 100, above 100.
  EXPECT_TRUE(shadowed_by({"employees < 100", "employees >= 100", "employees >= 50"}, {1, 2}));
  // ...but 100 itself is left over here, and NULL there.
  EXPECT_TRUE(reachable({"employees < 100", "employees > 100", "employees >= 50"}));
  EXPECT_TRUE(reachable({"employees < 100", "employees >= 100", "score > 5"}));
  EXPECT_TRUE(shadowed_by({"employees < 100", "employees >= 100 OR employees IS NULL", "score > 5"},
                          {1, 2}));
  EXPECT_TRUE(shadowed_by({"is_freemail", "NOT is_freemail", "is_freemail IS NOT NULL"}, {1, 2}));
  EXPECT_TRUE(reachable({"is_freemail", "NOT is_freemail", "country = 'US'"}));
}

TEST(RuleAnalysisShadowed, EarlierOrCoversEachCase) {
  EXPECT_TRUE(shadowed_by({"country = 'US' OR employees > 100", "employees >= 500"}, {1}));
  EXPECT_TRUE(shadowed_by({"country = 'US' OR country = 'CA'", "country IN ('CA', 'US')"}, {1}));
}

TEST(RuleAnalysisShadowed, NullTests) {
  EXPECT_TRUE(shadowed_by({"state IS NULL", "state IS NULL AND country = 'US'"}, {1}));
  EXPECT_TRUE(shadowed_by({"state IS NOT NULL", "state = 'CA'"}, {1}));
  EXPECT_TRUE(reachable({"state IS NOT NULL", "state IS NULL"}));
  EXPECT_TRUE(reachable({"state = 'CA'", "state IS NOT NULL"}));
  // <> is not TRUE for NULL: "state <> 'CA'" does not cover a lead without a state.
  EXPECT_TRUE(reachable({"state <> 'CA'", "state IS NULL"}));
  EXPECT_TRUE(reachable({"state <> 'CA'", "NOT (state = 'CA') OR state IS NULL"}));
  EXPECT_TRUE(shadowed_by({"state <> 'CA' OR state IS NULL", "NOT (state = 'CA')"}, {1}));
}

TEST(RuleAnalysisShadowed, Not) {
  EXPECT_TRUE(shadowed_by({"country <> 'US'", "NOT (country = 'US') AND employees > 5"}, {1}));
  EXPECT_TRUE(
      shadowed_by({"country NOT IN ('US', 'CA')", "NOT (country IN ('CA', 'US', 'MX'))"}, {1}));
  EXPECT_TRUE(shadowed_by(
      {"employees < 10 OR employees > 100", "NOT (employees BETWEEN 10 AND 100)"}, {1}));
  EXPECT_TRUE(shadowed_by({"employees NOT BETWEEN 10 AND 100", "employees > 500"}, {1}));
  EXPECT_TRUE(shadowed_by({"NOT is_freemail", "is_freemail = FALSE"}, {1}));
  EXPECT_TRUE(reachable({"NOT is_freemail", "is_freemail IS NOT NULL"}));
  EXPECT_TRUE(shadowed_by({"is_freemail IS NOT NULL", "is_freemail <> TRUE"}, {1}));
  // De Morgan under three-valued logic: NOT (a AND b) is TRUE when either part is FALSE.
  EXPECT_TRUE(shadowed_by(
      {"country <> 'US' OR employees < 5", "NOT (country = 'US' AND employees >= 5)"}, {1}));
}

TEST(RuleAnalysisShadowed, OpaqueAtomsImplyOnlyThemselves) {
  EXPECT_TRUE(shadowed_by({"title LIKE 'VP%'", "title LIKE 'VP%' AND country = 'US'"}, {1}));
  EXPECT_TRUE(shadowed_by({"title  LIKE   'VP%'", "(title LIKE 'VP%')"}, {1}));  // spacing
  EXPECT_TRUE(reachable({"title LIKE 'VP%'", "title LIKE 'VP Sales%'"}));
  EXPECT_TRUE(reachable({"title LIKE 'VP%'", "title ILIKE 'VP%'"}));
  EXPECT_TRUE(reachable({"title ILIKE 'vp%'", "title LIKE 'VP%'"}));
  EXPECT_TRUE(shadowed_by({"title NOT LIKE 'VP%'", "NOT (title LIKE 'VP%')"}, {1}));
  EXPECT_TRUE(shadowed_by({"title IS NOT NULL", "title ~ '^VP'"}, {1}));
  EXPECT_TRUE(shadowed_by(
      {"product_interest CONTAINS 'crm'", "product_interest CONTAINS 'crm' AND score > 5"}, {1}));
  EXPECT_TRUE(reachable({"product_interest CONTAINS 'crm'", "product_interest CONTAINS 'erp'"}));
  EXPECT_TRUE(shadowed_by({"email_domain = website", "email_domain = website AND score > 1"}, {1}));
  EXPECT_TRUE(reachable({"email_domain = website", "website = email_domain"}));
}

TEST(RuleAnalysisShadowed, Attributes) {
  EXPECT_TRUE(
      shadowed_by({"attributes.plan = 'free'", "attributes.plan = 'free' AND score > 1"}, {1}));
  EXPECT_TRUE(shadowed_by({"attributes.plan IS NOT NULL", "attributes.plan = 'free'"}, {1}));
  EXPECT_TRUE(reachable({"attributes.plan = 'free'", "attributes.Plan = 'free'"}));  // keys
  EXPECT_TRUE(reachable({"attributes.plan = 'free'", "attributes.tier = 'free'"}));
  EXPECT_TRUE(reachable({"attributes.plan IN ('free', 'pro')", "attributes.plan = 'free'"}));
  EXPECT_TRUE(reachable({"attributes.n > 5", "attributes.n > 10"}));  // no typed reasoning
}

TEST(RuleAnalysisShadowed, CatchAllCoversEverythingAfterIt) {
  EXPECT_TRUE(shadowed_by({"TRUE", "country = 'US'"}, {1}));
  EXPECT_TRUE(shadowed_by({"country = 'US' OR TRUE", "title ~ 'x'"}, {1}));
  EXPECT_TRUE(shadowed_by({"TRUE", "TRUE"}, {1}));
  auto f = last_rule({"TRUE", "state IS NULL"});
  ASSERT_TRUE(f);
  EXPECT_NE(f->explanation.find("matches every lead"), std::string::npos) << f->explanation;
}

TEST(RuleAnalysisShadowed, OnlyEarlierRulesCover) {
  auto found = find_unreachable_rules(rule_set({"country = 'US'", "country IN ('US', 'CA')"}));
  EXPECT_TRUE(found.empty());
}

TEST(RuleAnalysisShadowed, RulesThatFallThroughNeverCover) {
  auto rules = rule_set({"country IN ('US', 'CA')", "country = 'US'"});
  rules[0].can_fall_through = true;  // account_owner: no owner → the next rule is tried
  EXPECT_FALSE(finding_for(find_unreachable_rules(rules), 2));
  rules = rule_set({"TRUE", "country = 'US'"});
  rules[0].can_fall_through = true;
  EXPECT_FALSE(finding_for(find_unreachable_rules(rules), 2));
  // A rule that falls through can still be shadowed itself.
  rules = rule_set({"TRUE", "country = 'US'"});
  rules[1].can_fall_through = true;
  EXPECT_TRUE(finding_for(find_unreachable_rules(rules), 2));
}

TEST(RuleAnalysisShadowed, ActionsThatFallThrough) {
  EXPECT_TRUE(action_can_fall_through("account_owner"));
  EXPECT_TRUE(action_can_fall_through("account_csm"));
  EXPECT_TRUE(action_can_fall_through("territory"));
  EXPECT_TRUE(action_can_fall_through("something_new"));
  EXPECT_FALSE(action_can_fall_through("rep"));
  EXPECT_FALSE(action_can_fall_through("pool"));
  EXPECT_FALSE(action_can_fall_through("queue"));
  EXPECT_FALSE(action_can_fall_through("nurture"));
}

TEST(RuleAnalysisShadowed, DisabledRulesAreSimplyNotPassedIn) {
  // The caller passes enabled rules only: without rule 1, rule 2 is reachable.
  EXPECT_TRUE(reachable({"country = 'US'"}));
  EXPECT_TRUE(shadowed_by({"country IN ('US', 'CA')", "country = 'US'"}, {1}));
}

TEST(RuleAnalysisShadowed, NeverTrueWinsOverShadowed) {
  auto f = last_rule({"TRUE", "country = 'US' AND country = 'CA'"});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->kind, UnreachableKind::NeverTrue);
}

TEST(RuleAnalysisLimits, TooManyConjunctionsGiveNoFinding) {
  // (a1 OR b1) AND ... AND (a9 OR b9) has 512 conjunctions: beyond the bound, no finding.
  std::string big;
  for (int i = 0; i < 9; ++i) {
    if (i) big += " AND ";
    big += "(score = " + std::to_string(i) + " OR employees = " + std::to_string(i) + ")";
  }
  EXPECT_TRUE(reachable({"TRUE AND score > 1000", big + " AND score > 1000"}));
  EXPECT_TRUE(reachable({big + " AND score > 1000 AND score < 0"}));  // unproven, not reported
  // Still proven when the earlier rule is a catch-all.
  EXPECT_TRUE(shadowed_by({"TRUE", big}, {1}));
}

TEST(RuleAnalysisLimits, InvalidConditionThrows) {
  EXPECT_THROW(find_unreachable_rules(rule_set({"contry = 'US'"})), ConditionError);
}

// ---- explanations -----------------------------------------------------------------------------

TEST(RuleAnalysisExplanation, NamesTheCoveringRule) {
  auto rules = rule_set({"country IN ('US','CA')", "country = 'US' AND employees >= 1000"});
  rules[0].name = "North America";
  auto f = finding_for(find_unreachable_rules(rules), 2);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->explanation,
            "every lead it matches is taken first by rule 'North America' (priority 10): "
            "country = 'US' AND employees >= 1000 implies country IN ('US','CA')");
}

TEST(RuleAnalysisExplanation, WithoutNameOrPriority) {
  auto rules = rule_set({"TRUE", "country = 'US'"});
  rules[0].name.clear();
  rules[0].priority.reset();
  auto f = finding_for(find_unreachable_rules(rules), 2);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->explanation,
            "every lead it matches is taken first by rule 1: that rule matches every lead");
}

TEST(RuleAnalysisExplanation, SeveralRulesAreListedPerCase) {
  auto f = last_rule({"country = 'US'", "country = 'CA'", "country IN ('US', 'CA')"});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->explanation,
            "every lead it matches is taken first by earlier rules: where country = 'CA', by "
            "rule 'r2' (priority 20); where country = 'US', by rule 'r1' (priority 10)");
}

TEST(RuleAnalysisExplanation, NeverTrueSaysWhy) {
  auto f = last_rule({"country = 'US' AND country = 'DE'"});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->explanation,
            "its condition can never be true: no lead has country = 'US' AND country = 'DE'");
  f = last_rule({"employees > 10 AND employees < 5"});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->explanation,
            "its condition can never be true: no lead has employees > 10 AND employees < 5");
  f = last_rule({"FALSE"});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->explanation, "its condition can never be true: it is false whatever the lead holds");
}

TEST(RuleAnalysisExplanation, KindNames) {
  EXPECT_STREQ(unreachable_kind_name(UnreachableKind::NeverTrue), "never_true");
  EXPECT_STREQ(unreachable_kind_name(UnreachableKind::Shadowed), "shadowed");
}

// ---- property test: every finding holds on every lead ---------------------------------------

// Random conditions over a few fields; leads from every combination of a few values per field,
// including the literals themselves and values between them.
class RuleAnalysisProperty : public ::testing::Test {
 protected:
  RuleAnalysisProperty() : rng_(20240611) { build_leads(); }

  std::string pick(const std::vector<std::string>& options) {
    return options[std::uniform_int_distribution<size_t>(0, options.size() - 1)(rng_)];
  }
  bool chance(int percent) { return std::uniform_int_distribution<int>(0, 99)(rng_) < percent; }

  std::string predicate() {
    static const std::vector<std::string> countries = {"'US'", "'CA'", "'DE'", "'Zulu'"};
    static const std::vector<std::string> numbers = {"0", "5", "10", "100", "500", "5.5"};
    static const std::vector<std::string> ops = {"=", "<>", "<", "<=", ">", ">="};
    switch (std::uniform_int_distribution<int>(0, 17)(rng_)) {
      case 0:
        return "country " + pick(ops) + " " + pick(countries);
      case 1:
        return "country " + std::string(chance(30) ? "NOT " : "") + "IN (" + pick(countries) +
               ", " + pick(countries) + (chance(20) ? ", NULL" : "") + ")";
      case 2:
        return "country IS " + std::string(chance(50) ? "NOT " : "") + "NULL";
      case 3:
      case 4:
        return "employees " + pick(ops) + " " + pick(numbers);
      case 5:
        return "employees " + std::string(chance(30) ? "NOT " : "") + "BETWEEN " + pick(numbers) +
               " AND " + pick(numbers);
      case 6:
        return "employees " + std::string(chance(30) ? "NOT " : "") + "IN (" + pick(numbers) +
               ", " + pick(numbers) + (chance(20) ? ", NULL" : "") + ")";
      case 7:
        return "employees IS " + std::string(chance(50) ? "NOT " : "") + "NULL";
      case 8:
        return pick({"is_freemail", "is_freemail = TRUE", "is_freemail <> 'f'",
                     "is_freemail IN (FALSE, NULL)", "is_freemail IS NULL",
                     "is_freemail IS NOT NULL"});
      case 9:
        return pick({"title LIKE 'VP%'", "title NOT LIKE 'VP%'", "title ILIKE 'vp%'",
                     "title ~ 'Sales'", "title IS NULL"});
      case 10:
        return pick({"attributes.plan = 'free'", "attributes.plan IN ('free', 5)",
                     "attributes.plan IS NULL", "attributes.plan", "attributes.plan > 3",
                     "attributes.plan <> 'free'", "attributes.plan NOT BETWEEN 1 AND 9"});
      case 11:
        return pick({"product_interest CONTAINS 'crm'", "product_interest IS NULL"});
      case 12:
        return pick({"TRUE", "FALSE", "1 = 1", "'a' > 'b'", "NULL IS NULL"});
      case 13:
        return pick({"'US' " + pick(ops) + " country", pick(numbers) + " < employees"});
      case 14:
        return pick({"country = state", "country <> state"});
      default:
        return pick({"country = 'US'", "country IN ('US', 'CA')", "employees >= 100",
                     "employees < 10", "state IS NULL", "state = 'CA'"});
    }
  }

  std::string condition(int depth) {
    if (depth == 0 || chance(35)) return predicate();
    switch (std::uniform_int_distribution<int>(0, 2)(rng_)) {
      case 0:
        return "(" + condition(depth - 1) + " AND " + condition(depth - 1) + ")";
      case 1:
        return "(" + condition(depth - 1) + " OR " + condition(depth - 1) + ")";
      default:
        return "NOT (" + condition(depth - 1) + ")";
    }
  }

  void build_leads() {
    using S = std::optional<std::string>;
    const std::vector<S> countries = {std::nullopt, "US", "CA", "DE", "B", "Zulu", "Zürich"};
    const std::vector<std::optional<double>> employees = {std::nullopt, 0,   5,   5.5, 7,
                                                          10,           100, 500, 1000};
    const std::vector<std::optional<bool>> freemail = {std::nullopt, false, true};
    const std::vector<S> titles = {std::nullopt, "VP Sales", "Intern"};
    const std::vector<S> states = {std::nullopt, "CA", "US"};
    const std::vector<int> plans = {0, 1, 2, 3};   // NULL, 'free', 5, true
    const std::vector<int> interests = {0, 1, 2};  // NULL, {}, {'crm'}
    attributes_.intern({"plan"});
    for (const auto& c : countries)
      for (const auto& e : employees)
        for (const auto& f : freemail)
          for (const auto& t : titles)
            for (const auto& s : states)
              for (int p : plans)
                for (int i : interests) {
                  leads_.emplace_back(1);
                  TestLead& lead = leads_.back();
                  if (c) lead.text(FieldId::Country, *c);
                  if (e) lead.number(FieldId::Employees, *e);
                  if (f) lead.boolean(FieldId::IsFreemail, *f);
                  if (t) lead.text(FieldId::Title, *t);
                  if (s) lead.text(FieldId::State, *s);
                  if (p == 1) lead.attribute_text(attributes_, {"plan"}, "free");
                  if (p == 2) lead.attribute(attributes_, {"plan"}, ValueView::of_number(5));
                  if (p == 3) lead.attribute(attributes_, {"plan"}, ValueView::of_boolean(true));
                  if (i == 1) lead.array(FieldId::ProductInterest, {});
                  if (i == 2) lead.array(FieldId::ProductInterest, {std::string("crm")});
                }
  }

  std::mt19937 rng_;
  AttributeRegistry attributes_;
  std::deque<TestLead> leads_;
};

TEST_F(RuleAnalysisProperty, EveryFindingHoldsOnEveryLead) {
  int never_true_found = 0, shadowed_found = 0;
  for (int round = 0; round < 1500; ++round) {
    std::vector<std::string> texts;
    size_t n = 2 + static_cast<size_t>(round % 3);
    for (size_t i = 0; i < n; ++i) texts.push_back(condition(2));
    auto rules = rule_set(texts);
    if (round % 7 == 0) rules[0].can_fall_through = true;
    std::vector<UnreachableRule> found = find_unreachable_rules(rules);
    if (found.empty()) continue;
    std::vector<Condition> compiled;
    for (const auto& t : texts) compiled.push_back(Condition::compile(t, attributes_));
    for (const auto& f : found) {
      size_t b = static_cast<size_t>(f.rule_id - 1);
      f.kind == UnreachableKind::NeverTrue ? ++never_true_found : ++shadowed_found;
      for (int64_t a : f.covered_by) {
        ASSERT_LT(a, f.rule_id);
        ASSERT_FALSE(rules[static_cast<size_t>(a - 1)].can_fall_through);
      }
      for (const auto& lead : leads_) {
        if (compiled[b].evaluate(lead.values) != Tri::True) continue;
        ASSERT_EQ(f.kind, UnreachableKind::Shadowed)
            << "never_true rule is TRUE: " << texts[b] << "\n"
            << f.explanation;
        bool taken = false;
        for (int64_t a : f.covered_by)
          if (compiled[static_cast<size_t>(a - 1)].evaluate(lead.values) == Tri::True) taken = true;
        ASSERT_TRUE(taken) << "shadowed rule " << texts[b] << " is TRUE where no covering rule is"
                           << "\n"
                           << f.explanation;
      }
    }
  }
  // The test means something only if the analysis found things to check.
  EXPECT_GT(never_true_found, 50);
  EXPECT_GT(shadowed_found, 50);
}

}  // namespace
}  // namespace leadroute
