// The generator is a pure function of its seed: the three contenders and reruns see the same data.
#include <gtest/gtest.h>

#include <set>

#include "leads.h"
#include "org.h"

using namespace leadroute::bench;

namespace {

std::string copy_text(const Org& org, LeadSet set, int n) {
  LeadGenerator gen(org);
  std::string out;
  for (int i = 0; i < n; ++i) append_copy_line(gen.make(set, static_cast<uint64_t>(i)), &out);
  return out;
}

OrgSpec spec(uint64_t seed, int rules = 100) {
  OrgSpec s;
  s.reps = 50;
  s.accounts = 1000;
  s.rules = rules;
  s.seed = seed;
  return s;
}

}  // namespace

TEST(BenchGenerator, SameSeedSameData) {
  Org a(spec(7)), b(spec(7));
  EXPECT_EQ(copy_text(a, LeadSet::Mix, 500), copy_text(b, LeadSet::Mix, 500));
  ASSERT_EQ(a.rules().size(), b.rules().size());
  for (size_t i = 0; i < a.rules().size(); ++i)
    EXPECT_EQ(a.rules()[i].condition, b.rules()[i].condition);
  EXPECT_EQ(a.account(123).domain, b.account(123).domain);
}

TEST(BenchGenerator, OtherSeedOtherData) {
  Org a(spec(7)), b(spec(8));
  EXPECT_NE(copy_text(a, LeadSet::Mix, 50), copy_text(b, LeadSet::Mix, 50));
}

TEST(BenchGenerator, LeadDoesNotDependOnItsPredecessors) {
  Org org(spec(7));
  LeadGenerator gen(org);
  std::string alone, after;
  append_copy_line(gen.make(LeadSet::Mix, 77), &alone);
  for (int i = 0; i < 77; ++i) gen.make(LeadSet::Mix, static_cast<uint64_t>(i));
  append_copy_line(gen.make(LeadSet::Mix, 77), &after);
  EXPECT_EQ(alone, after);
}

TEST(BenchGenerator, RuleSetsHaveTheRequestedSizeAndEndWithACatchAll) {
  for (int n : {10, 100, 1000, 10000}) {
    Org org(spec(42, n));
    ASSERT_EQ(org.rules().size(), static_cast<size_t>(n));
    EXPECT_EQ(org.rules().back().condition, "TRUE");
    std::set<std::string> conditions;
    for (const RuleRow& r : org.rules()) conditions.insert(r.condition);
    EXPECT_EQ(conditions.size(), static_cast<size_t>(n)) << "duplicate conditions at " << n;
  }
}

TEST(BenchGenerator, MixHasTheIntendedShares) {
  Org org(spec(42));
  LeadGenerator gen(org);
  int account = 0, freemail = 0, total = 20000;
  for (int i = 0; i < total; ++i) {
    Lead l = gen.make(LeadSet::Mix, static_cast<uint64_t>(i));
    account += std::string(l.kind) == "account";
    freemail += std::string(l.kind) == "freemail";
  }
  EXPECT_NEAR(account / static_cast<double>(total), 0.30, 0.02);
  EXPECT_NEAR(freemail / static_cast<double>(total), 0.22, 0.02);
}
