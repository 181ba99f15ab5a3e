#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/lead/domain.h"
#include "core/matching/matching.h"
#include "fake_env.h"

namespace leadroute {
namespace {

using testing::FakeEnv;

AccountRecord account(int64_t id, std::string status, std::optional<int64_t> parent = {}) {
  AccountRecord a;
  a.id = id;
  a.name = "account " + std::to_string(id);
  a.status = std::move(status);
  a.parent_id = parent;
  a.owner_id = id * 10;
  return a;
}

TEST(MatchAccount, EmailDomainTierWins) {
  FakeEnv accounts;
  accounts.add_account(account(1, "prospect"), {"acme.com"}, "acme");
  accounts.add_account(account(2, "customer"), {"other.com"}, "acme corp");
  MatchInputs in;
  in.email_domain = "acme.com";
  in.company = "acme corp";
  AccountMatch m = match_account(in, 0, accounts);
  ASSERT_TRUE(m.account);
  EXPECT_EQ(m.account->id, 1);
  EXPECT_EQ(m.tier, "email_domain");
  EXPECT_EQ(accounts.lookups.size(), 1u) << "later tiers are not tried";
}

TEST(MatchAccount, FreemailNeverMatchesByDomainButMayByCompany) {
  FakeEnv accounts;
  accounts.add_account(account(1, "customer"), {"gmail.com"}, "initech");
  MatchInputs in;
  in.email_domain = "gmail.com";
  in.email_is_freemail = true;
  in.company = "initech";
  AccountMatch m = match_account(in, 0, accounts);
  ASSERT_TRUE(m.account);
  EXPECT_EQ(m.tier, "company");
  ASSERT_EQ(m.skipped.size(), 1u);
  EXPECT_NE(m.skipped[0].find("free-mail"), std::string::npos);
}

TEST(MatchAccount, WebsiteTierThenCompanyThenNothing) {
  FakeEnv accounts;
  accounts.add_account(account(3, "prospect"), {"globex.co.uk"}, "globex");
  MatchInputs in;
  in.email_domain = "nomatch.com";
  in.website_domain = "globex.co.uk";
  EXPECT_EQ(match_account(in, 0, accounts).tier, "website");
  MatchInputs by_name;
  by_name.company = "globex";
  EXPECT_EQ(match_account(by_name, 0, accounts).tier, "company");
  MatchInputs none;
  none.email_domain = "x.com";
  none.company = "nobody";
  AccountMatch m = match_account(none, 0, accounts);
  EXPECT_FALSE(m.account);
  EXPECT_EQ(m.tried.size(), 2u);
}

TEST(MatchAccount, TieBreakCustomersThenParentsThenOldest) {
  FakeEnv accounts;
  accounts.add_account(account(5, "prospect"), {"acme.com"}, "a");
  accounts.add_account(account(7, "customer", 1), {"acme.com"}, "b");  // a subsidiary
  accounts.add_account(account(9, "customer"), {"acme.com"}, "c");     // a parent
  accounts.add_account(account(8, "customer"), {"acme.com"}, "d");     // a parent, older
  MatchInputs in;
  in.email_domain = "acme.com";
  AccountMatch m = match_account(in, 0, accounts);
  ASSERT_TRUE(m.account);
  EXPECT_EQ(m.account->id, 8) << "customer, top-level, oldest";
  EXPECT_EQ(m.candidates, 4u);
  EXPECT_NE(m.tie_break.find("4 accounts"), std::string::npos);
  // Always the same answer, whatever order the database returns rows in.
  FakeEnv reversed;
  reversed.add_account(account(8, "customer"), {"acme.com"}, "d");
  reversed.add_account(account(9, "customer"), {"acme.com"}, "c");
  reversed.add_account(account(7, "customer", 1), {"acme.com"}, "b");
  reversed.add_account(account(5, "prospect"), {"acme.com"}, "a");
  EXPECT_EQ(match_account(in, 0, reversed).account->id, 8);
}

TEST(MatchAccount, DuplicateRowsOfOneAccountCountOnce) {
  FakeEnv accounts;
  accounts.add_account(account(1, "customer"), {"acme.com", "acme.com"}, "acme");
  MatchInputs in;
  in.email_domain = "acme.com";
  AccountMatch m = match_account(in, 0, accounts);
  EXPECT_EQ(m.candidates, 1u);
  EXPECT_TRUE(m.tie_break.empty());
}

TEST(MatchAccount, FuzzyOnlyWhenSwitchedOn) {
  FakeEnv accounts;
  MatchInputs in;
  in.company = "acme corpp";
  match_account(in, 0, accounts);
  EXPECT_EQ(accounts.lookups.size(), 1u) << "no fuzzy lookup at threshold 0";
  accounts.lookups.clear();
  match_account(in, 0.5, accounts);
  EXPECT_EQ(accounts.lookups.size(), 2u);
}

TEST(SetAccountFields, DerivedFieldsForRules) {
  FakeEnv accounts;
  accounts.add_account(account(4, "customer"), {"acme.com"}, "acme");
  MatchInputs in;
  in.email_domain = "acme.com";
  AccountMatch m = match_account(in, 0, accounts);
  LeadValues lead;
  lead.clear(0);
  set_account_fields(m, &lead);
  EXPECT_EQ(lead.get(FieldId::AccountId).number, 4);
  EXPECT_EQ(lead.get(FieldId::AccountStatus).text, "customer");
  EXPECT_EQ(lead.get(FieldId::AccountOwnerId).number, 40);
  EXPECT_EQ(lead.get(FieldId::MatchTier).text, "email_domain");
}

TEST(AccountDomain, NormalizesOrSaysWhy) {
  std::string d;
  EXPECT_EQ(account_domain("https://www.Acme.com/about", &d), DomainProblem::None);
  EXPECT_EQ(d, "acme.com");
  EXPECT_EQ(account_domain("jane@EU.acme.co.uk", &d), DomainProblem::None);
  EXPECT_EQ(d, "acme.co.uk");
  EXPECT_EQ(account_domain("müller.de", &d), DomainProblem::None);
  EXPECT_EQ(d, "xn--mller-kva.de");
  EXPECT_EQ(account_domain("co.uk", &d), DomainProblem::PublicSuffix);
  EXPECT_EQ(account_domain("10.0.0.1", &d), DomainProblem::IpAddress);
  EXPECT_EQ(account_domain("http://[2001:db8::1]/", &d), DomainProblem::IpAddress);
  EXPECT_EQ(account_domain("n/a", &d), DomainProblem::NotADomain);
  EXPECT_EQ(account_domain("   ", &d), DomainProblem::Empty);
}

}  // namespace
}  // namespace leadroute
