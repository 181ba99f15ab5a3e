// Text helpers: trimming, UTF-8 positions, case folding and edit distance.
#include <gtest/gtest.h>

#include <string>

#include "core/lead/fields.h"
#include "core/lead/text.h"

namespace leadroute {
namespace {

TEST(Text, Trim) {
  EXPECT_EQ(trim("  a b \t\n"), "a b");
  EXPECT_EQ(trim("\xC2\xA0x\xC2\xA0"), "x");  // no-break spaces
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("é"), "é");                // a character ending in 0xA9 is not a space
  EXPECT_EQ(trim("\xC3\xA0"), "\xC3\xA0");  // à ends in 0xA0 but is no no-break space
}

TEST(Text, AsciiCase) {
  EXPECT_EQ(ascii_lower("AbC-Ü"), "abc-Ü");
  EXPECT_EQ(ascii_upper("abc-ü"), "ABC-ü");
  EXPECT_TRUE(iequals_ascii("Country", "COUNTRY"));
  EXPECT_FALSE(iequals_ascii("country", "countr"));
  EXPECT_TRUE(is_ascii("plain"));
  EXPECT_FALSE(is_ascii("naïve"));
}

TEST(Text, CaseFold) {
  EXPECT_EQ(case_fold("ACME"), "acme");
  EXPECT_EQ(case_fold("ÄRGER"), "ärger");
  EXPECT_EQ(case_fold("Straße"), "strasse");
  EXPECT_EQ(case_fold("ΣΊΣΥΦΟΣ"), case_fold("σίσυφος"));
}

TEST(Text, FoldAccentsAndCase) {
  EXPECT_EQ(fold_accents_and_case("Société Générale"), "societe generale");
  EXPECT_EQ(fold_accents_and_case("ﬁnance"), "finance");
  EXPECT_EQ(fold_accents_and_case("Ø"), "o");
  EXPECT_EQ(fold_accents_and_case("Côte d'Ivoire"), "cote d'ivoire");
}

TEST(Text, Utf8Positions) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("Zürich"), 6u);
  EXPECT_EQ(utf8_length("東京😀"), 3u);
  EXPECT_EQ(utf8_offset("Zürich", 2), 3u);
  EXPECT_EQ(utf8_offset("Zürich", 100), std::string("Zürich").size());
  std::string s = "aé😀";
  size_t pos = 0;
  EXPECT_EQ(utf8_next(s, &pos), U'a');
  EXPECT_EQ(utf8_next(s, &pos), U'é');
  EXPECT_EQ(utf8_next(s, &pos), U'😀');
  EXPECT_EQ(pos, s.size());
  std::string bad = "\xC3";
  pos = 0;
  EXPECT_EQ(utf8_next(bad, &pos), U'\uFFFD');
  EXPECT_GT(pos, 0u);
  EXPECT_LE(pos, bad.size());
}

TEST(Text, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("contry", "country"), 1u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
}

TEST(Fields, LookupAndHints) {
  ASSERT_NE(find_field("Employees"), nullptr);
  EXPECT_EQ(find_field("Employees")->id, FieldId::Employees);
  EXPECT_EQ(find_field("nope"), nullptr);
  EXPECT_EQ(all_fields().size(), kFieldCount);
  for (const auto& f : all_fields()) EXPECT_EQ(&field_info(f.id), &f) << f.name;
  EXPECT_EQ(closest_field("emial"), "email");
  EXPECT_EQ(closest_field("zzzzzzzz"), "");
  EXPECT_EQ(closest_field("atributes"), "attributes.<key>");
  std::string hint = field_names_for_hint();
  EXPECT_NE(hint.find("email_domain"), std::string::npos);
  EXPECT_NE(hint.find("attributes.<key>"), std::string::npos);
}

}  // namespace
}  // namespace leadroute
