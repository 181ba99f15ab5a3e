// Step 1 of routing: country codes and the normalization of a lead's inputs.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/lead/normalize.h"
#include "test_lead.h"

namespace leadroute {
namespace {

using testing::TestLead;

TEST(CountryCode, NamesAliasesAndCodes) {
  EXPECT_EQ(country_code("United States"), "US");
  EXPECT_EQ(country_code("usa"), "US");
  EXPECT_EQ(country_code("U.S.A."), "US");
  EXPECT_EQ(country_code("us"), "US");
  EXPECT_EQ(country_code("US"), "US");
  EXPECT_EQ(country_code("U.K."), "GB");
  EXPECT_EQ(country_code("United Kingdom"), "GB");
  EXPECT_EQ(country_code("Deutschland"), "DE");
  EXPECT_EQ(country_code("Germany"), "DE");
  EXPECT_EQ(country_code("Côte d'Ivoire"), "CI");
  EXPECT_EQ(country_code("COTE D'IVOIRE"), "CI");
  EXPECT_EQ(country_code("  united   states  "), "US");
}

TEST(CountryCode, UnknownValues) {
  EXPECT_EQ(country_code("Narnia"), std::nullopt);
  EXPECT_EQ(country_code(""), std::nullopt);
  EXPECT_EQ(country_code("..."), std::nullopt);
  EXPECT_EQ(country_code("United"), std::nullopt);
}

TEST(DomainSet, InsertAndLookup) {
  DomainSet set;
  EXPECT_EQ(set.size(), 0u);
  std::string temporary = "gmail.com";
  set.insert(temporary);
  temporary = "changed";  // the set keeps its own copy
  set.insert("gmail.com");
  EXPECT_EQ(set.size(), 1u);
  EXPECT_TRUE(set.contains("gmail.com"));
  EXPECT_FALSE(set.contains("changed"));
  for (int i = 0; i < 1000; ++i) set.insert("d" + std::to_string(i) + ".com");
  EXPECT_TRUE(set.contains("gmail.com"));
  EXPECT_TRUE(set.contains("d999.com"));
}

TEST(IsFreemailDomain, HostOrRegistrableDomain) {
  DomainSet freemail;
  freemail.insert("gmail.com");
  freemail.insert("yahoo.co.uk");
  EXPECT_TRUE(is_freemail_domain("gmail.com", "gmail.com", freemail));
  EXPECT_TRUE(is_freemail_domain("mail.gmail.com", "gmail.com", freemail));
  EXPECT_TRUE(is_freemail_domain("yahoo.co.uk", "", freemail));
  EXPECT_FALSE(is_freemail_domain("acme.com", "acme.com", freemail));
  EXPECT_FALSE(is_freemail_domain("gmail.com", "gmail.com", DomainSet{}));
}

class NormalizeLead : public ::testing::Test {
 protected:
  NormalizeLead() { freemail.insert("gmail.com"); }
  NormalizationResult run() { return normalize_lead(lead.values, storage, freemail); }
  std::string text(FieldId id) const {
    const ValueView& v = lead.values.get(id);
    EXPECT_EQ(v.kind, ValueKind::Text) << field_info(id).name;
    return std::string(v.text);
  }
  bool changed(const NormalizationResult& r, FieldId id) const {
    return r.text_changed[static_cast<size_t>(id)];
  }

  DomainSet freemail;
  NormalizedStrings storage;
  TestLead lead;
};

TEST_F(NormalizeLead, TrimsTextFieldsAndEmptiesToNull) {
  lead.text(FieldId::Company, "  Acme Inc  ")
      .text(FieldId::FirstName, "\xC2\xA0Jane\xC2\xA0")  // no-break spaces
      .text(FieldId::LastName, "Doe")
      .text(FieldId::Title, "   ")
      .text(FieldId::City, "")
      .text(FieldId::Phone, "\t\n");
  auto r = run();
  EXPECT_EQ(text(FieldId::Company), "Acme Inc");
  EXPECT_EQ(text(FieldId::FirstName), "Jane");
  EXPECT_EQ(text(FieldId::LastName), "Doe");
  EXPECT_TRUE(lead.values.get(FieldId::Title).is_null());
  EXPECT_TRUE(lead.values.get(FieldId::City).is_null());
  EXPECT_TRUE(lead.values.get(FieldId::Phone).is_null());
  EXPECT_TRUE(changed(r, FieldId::Company));
  EXPECT_TRUE(changed(r, FieldId::FirstName));
  EXPECT_TRUE(changed(r, FieldId::Title));
  EXPECT_TRUE(changed(r, FieldId::Phone));
  EXPECT_FALSE(changed(r, FieldId::LastName));
  EXPECT_TRUE(lead.values.get(FieldId::State).is_null());
  EXPECT_FALSE(changed(r, FieldId::State));
}

TEST_F(NormalizeLead, LeavesNonTextFieldsAlone) {
  lead.number(FieldId::Employees, 42).array(FieldId::ProductInterest, {" crm "});
  run();
  EXPECT_EQ(lead.values.get(FieldId::Employees).number, 42);
  ASSERT_EQ(lead.values.get(FieldId::ProductInterest).kind, ValueKind::TextArray);
  EXPECT_EQ(lead.values.get(FieldId::ProductInterest).items[0], " crm ");
}

TEST_F(NormalizeLead, FreemailAddress) {
  lead.text(FieldId::Email, "  John.Doe@GMail.com ");
  auto r = run();
  EXPECT_EQ(text(FieldId::Email), "john.doe@gmail.com");
  EXPECT_TRUE(changed(r, FieldId::Email));
  EXPECT_EQ(text(FieldId::EmailDomain), "gmail.com");
  EXPECT_TRUE(r.has_email_domain);
  ASSERT_TRUE(r.is_freemail.has_value());
  EXPECT_TRUE(*r.is_freemail);
  ASSERT_EQ(lead.values.get(FieldId::IsFreemail).kind, ValueKind::Boolean);
  EXPECT_TRUE(lead.values.get(FieldId::IsFreemail).boolean);
}

TEST_F(NormalizeLead, BusinessAddress) {
  lead.text(FieldId::Email, "Jane Doe <Jane@EU.Acme.co.uk>");
  auto r = run();
  EXPECT_EQ(text(FieldId::Email), "jane@eu.acme.co.uk");
  EXPECT_EQ(text(FieldId::EmailDomain), "acme.co.uk");
  ASSERT_TRUE(r.is_freemail.has_value());
  EXPECT_FALSE(*r.is_freemail);
  EXPECT_FALSE(lead.values.get(FieldId::IsFreemail).boolean);
  EXPECT_EQ(lead.values.get(FieldId::IsFreemail).kind, ValueKind::Boolean);
}

TEST_F(NormalizeLead, AlreadyNormalEmailIsNotReportedChanged) {
  lead.text(FieldId::Email, "jane@acme.com");
  auto r = run();
  EXPECT_FALSE(changed(r, FieldId::Email));
  EXPECT_EQ(text(FieldId::EmailDomain), "acme.com");
}

TEST_F(NormalizeLead, InvalidEmailLeavesDerivedFieldsNull) {
  for (const char* email : {"not-an-email", "jane@localhost", "jane@co.uk", "jane@"}) {
    TestLead fresh;
    fresh.text(FieldId::Email, email);
    NormalizedStrings s;
    auto r = normalize_lead(fresh.values, s, freemail);
    EXPECT_FALSE(r.has_email_domain) << email;
    EXPECT_FALSE(r.is_freemail.has_value()) << email;
    EXPECT_TRUE(fresh.values.get(FieldId::EmailDomain).is_null()) << email;
    EXPECT_TRUE(fresh.values.get(FieldId::IsFreemail).is_null()) << email;
    EXPECT_EQ(fresh.values.get(FieldId::Email).kind, ValueKind::Text) << email;
  }
}

TEST_F(NormalizeLead, MissingEmail) {
  auto r = run();
  EXPECT_FALSE(r.has_email_domain);
  EXPECT_FALSE(r.is_freemail.has_value());
  EXPECT_TRUE(lead.values.get(FieldId::Email).is_null());
  EXPECT_TRUE(lead.values.get(FieldId::IsFreemail).is_null());
  lead.text(FieldId::Email, "   ");
  r = run();
  EXPECT_TRUE(lead.values.get(FieldId::Email).is_null());
  EXPECT_FALSE(r.is_freemail.has_value());
}

TEST_F(NormalizeLead, CountryBecomesItsIsoCode) {
  lead.text(FieldId::Country, " Deutschland ");
  auto r = run();
  EXPECT_EQ(text(FieldId::Country), "DE");
  EXPECT_TRUE(changed(r, FieldId::Country));

  TestLead code;
  code.text(FieldId::Country, "US");
  NormalizedStrings s;
  auto unchanged = normalize_lead(code.values, s, freemail);
  EXPECT_EQ(code.values.get(FieldId::Country).text, "US");
  EXPECT_FALSE(unchanged.text_changed[static_cast<size_t>(FieldId::Country)]);

  TestLead unknown;
  unknown.text(FieldId::Country, "Narnia");
  auto kept = normalize_lead(unknown.values, s, freemail);
  EXPECT_EQ(unknown.values.get(FieldId::Country).text, "Narnia");
  EXPECT_FALSE(kept.text_changed[static_cast<size_t>(FieldId::Country)]);
}

}  // namespace
}  // namespace leadroute

TEST(CountryCode, PunctuationOfAnyScriptSeparatesWords) {
  EXPECT_EQ(leadroute::country_code("Côte d’Ivoire"), std::optional<std::string>("CI"));
  EXPECT_EQ(leadroute::country_code("« France »"), std::optional<std::string>("FR"));
}
