// Skills-based routing's building blocks: required-skill templates, case-insensitive skill
// comparison, the skills a lead calls for and the match score.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/config/skills.h"
#include "test_lead.h"

namespace leadroute {
namespace {

using testing::TestLead;

// ---- SkillTemplate::parse ---------------------------------------------------------------------

TEST(SkillTemplate, ParsesPlaceholdersAndPlainSkills) {
  EXPECT_NO_THROW(SkillTemplate::parse("lang:{language}"));
  EXPECT_NO_THROW(SkillTemplate::parse("product:{industry}"));
  EXPECT_NO_THROW(SkillTemplate::parse("crm"));
  EXPECT_NO_THROW(SkillTemplate::parse("{country}-{state}"));
  EXPECT_EQ(SkillTemplate::parse("lang:{language}").text(), "lang:{language}");
  EXPECT_EQ(SkillTemplate::parse("crm").text(), "crm");
}

TEST(SkillTemplate, FieldNamesAreCaseInsensitive) {
  TestLead lead;
  lead.text(FieldId::Language, "fr");
  EXPECT_EQ(SkillTemplate::parse("lang:{Language}").expand(lead.values), "lang:fr");
}

TEST(SkillTemplate, RejectsUnknownField) {
  EXPECT_THROW(SkillTemplate::parse("{nosuchfield}"), std::invalid_argument);
  try {
    SkillTemplate::parse("lang:{nosuchfield}");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("nosuchfield"), std::string::npos) << e.what();
  }
  EXPECT_THROW(SkillTemplate::parse("x{}"), std::invalid_argument);
}

TEST(SkillTemplate, RejectsListField) {
  EXPECT_THROW(SkillTemplate::parse("{product_interest}"), std::invalid_argument);
  try {
    SkillTemplate::parse("product:{product_interest}");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("product_interest"), std::string::npos) << e.what();
  }
}

TEST(SkillTemplate, RejectsUnclosedBrace) {
  EXPECT_THROW(SkillTemplate::parse("lang:{language"), std::invalid_argument);
  EXPECT_THROW(SkillTemplate::parse("{"), std::invalid_argument);
  EXPECT_THROW(SkillTemplate::parse("ok:{country} {"), std::invalid_argument);
}

// ---- SkillTemplate::expand --------------------------------------------------------------------

TEST(SkillTemplate, ExpandsAndCaseFolds) {
  TestLead lead;
  lead.text(FieldId::Language, "DE").text(FieldId::Industry, "SaaS");
  EXPECT_EQ(SkillTemplate::parse("lang:{language}").expand(lead.values), "lang:de");
  EXPECT_EQ(SkillTemplate::parse("product:{industry}").expand(lead.values), "product:saas");
  EXPECT_EQ(SkillTemplate::parse("CRM").expand(lead.values), "crm");
  EXPECT_EQ(SkillTemplate::parse("{language}/{industry}").expand(lead.values), "de/saas");
}

TEST(SkillTemplate, NullFieldDropsTheRequirement) {
  TestLead lead;
  lead.text(FieldId::Country, "US");
  EXPECT_EQ(SkillTemplate::parse("lang:{language}").expand(lead.values), std::nullopt);
  lead.null(FieldId::Language);
  EXPECT_EQ(SkillTemplate::parse("lang:{language}").expand(lead.values), std::nullopt);
  // One NULL placeholder drops the whole skill, even next to a known one.
  EXPECT_EQ(SkillTemplate::parse("{country}:{language}").expand(lead.values), std::nullopt);
  // A template without placeholders never depends on the lead.
  EXPECT_EQ(SkillTemplate::parse("crm").expand(lead.values), "crm");
}

TEST(SkillTemplate, ExpandsNumbersAndBooleans) {
  TestLead lead;
  lead.number(FieldId::Employees, 500).boolean(FieldId::IsFreemail, true);
  EXPECT_EQ(SkillTemplate::parse("size:{employees}").expand(lead.values), "size:500");
  EXPECT_EQ(SkillTemplate::parse("free:{is_freemail}").expand(lead.values), "free:true");
}

// ---- has_skill --------------------------------------------------------------------------------

TEST(Skills, CanonicalSkillFoldsCaseAndTrims) {
  EXPECT_EQ(canonical_skill("  Lang:DE "), "lang:de");
  EXPECT_EQ(canonical_skill("crm"), "crm");
}

TEST(Skills, HasSkillIsCaseInsensitive) {
  std::vector<std::string> skills = {"Lang:DE", " CRM ", "product:erp"};
  EXPECT_TRUE(has_skill(skills, "lang:de"));
  EXPECT_TRUE(has_skill(skills, "crm"));
  EXPECT_TRUE(has_skill(skills, "product:erp"));
  EXPECT_TRUE(has_skill(skills, "LANG:de"));
  EXPECT_TRUE(has_skill(skills, "Product:ERP"));
  EXPECT_FALSE(has_skill(skills, "lang:fr"));
  EXPECT_FALSE(has_skill(skills, "lang"));
  EXPECT_FALSE(has_skill({}, "crm"));
}

// ---- lead_skill_tokens ------------------------------------------------------------------------

TEST(Skills, LeadSkillTokens) {
  TestLead lead;
  lead.text(FieldId::Language, "DE")
      .text(FieldId::Country, "de")
      .text(FieldId::State, "BY")
      .text(FieldId::Industry, "Manufacturing")
      .text(FieldId::Source, "webinar")
      .text(FieldId::Company, "Acme")  // not a skill field
      .array(FieldId::ProductInterest, {"CRM", std::nullopt, "erp"});
  std::vector<std::string> tokens = lead_skill_tokens(lead.values);
  std::vector<std::string> expected = {
      "lang:de",        "country:de",  "state:by",   "industry:manufacturing",
      "source:webinar", "product:crm", "product:erp"};
  EXPECT_EQ(tokens, expected);
}

TEST(Skills, LeadSkillTokensSkipNullFields) {
  TestLead lead;
  lead.text(FieldId::Country, "US");
  EXPECT_EQ(lead_skill_tokens(lead.values), (std::vector<std::string>{"country:us"}));
  TestLead empty;
  EXPECT_TRUE(lead_skill_tokens(empty.values).empty());
}

// ---- skill_match_score ------------------------------------------------------------------------

TEST(Skills, MatchScoreCountsRepSkillsTheLeadCallsFor) {
  std::vector<std::string> tokens = {"lang:de", "country:de", "product:crm", "product:erp"};
  EXPECT_EQ(skill_match_score({}, tokens), 0);
  EXPECT_EQ(skill_match_score({"lang:fr", "enterprise"}, tokens), 0);
  EXPECT_EQ(skill_match_score({"lang:de"}, tokens), 1);
  EXPECT_EQ(skill_match_score({"Lang:DE", "PRODUCT:ERP", "lang:fr"}, tokens), 2);
  EXPECT_EQ(skill_match_score({"lang:de", "country:de", "product:crm", "product:erp"}, tokens), 4);
  // Each rep skill counts once, however the lead calls for it.
  EXPECT_EQ(skill_match_score({"lang:de"}, {"lang:de", "lang:de"}), 1);
  EXPECT_EQ(skill_match_score({"lang:de"}, {}), 0);
}

}  // namespace
}  // namespace leadroute
