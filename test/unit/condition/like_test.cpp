// The LIKE / ILIKE matcher on its own: edge cases of patterns and inputs.
#include <gtest/gtest.h>

#include <string>

#include "core/condition/like.h"

namespace leadroute {
namespace {

bool like(std::string_view pattern, std::string_view text) {
  return LikePattern(pattern, false).matches(text);
}
bool ilike(std::string_view pattern, std::string_view text) {
  return LikePattern(pattern, true).matches(text);
}

TEST(Like, EmptyPatternMatchesOnlyEmptyText) {
  EXPECT_TRUE(like("", ""));
  EXPECT_FALSE(like("", "a"));
  EXPECT_FALSE(like("", " "));
}

TEST(Like, PercentAloneMatchesEverything) {
  for (const char* text : {"", "a", "anything at all", "東京"}) {
    EXPECT_TRUE(like("%", text)) << text;
    EXPECT_TRUE(like("%%", text)) << text;
    EXPECT_TRUE(like("%%%", text)) << text;
  }
}

TEST(Like, UnderscoreIsExactlyOneCharacter) {
  EXPECT_FALSE(like("_", ""));
  EXPECT_TRUE(like("_", "a"));
  EXPECT_TRUE(like("_", "ü"));
  EXPECT_TRUE(like("_", "😀"));
  EXPECT_FALSE(like("_", "ab"));
  EXPECT_TRUE(like("_%", "ab"));
  EXPECT_FALSE(like("__", "ü"));
}

TEST(Like, PercentBacktracks) {
  EXPECT_TRUE(like("%a%b", "xxaxxb"));
  EXPECT_TRUE(like("%a%b", "ab"));
  EXPECT_FALSE(like("%a%b", "ba"));
  EXPECT_TRUE(like("a%b%c", "abbbbc"));
  EXPECT_FALSE(like("a%b%c", "abbbb"));
  EXPECT_TRUE(like("%abc", "ababc"));
  EXPECT_TRUE(like("%ü", "aü"));
  EXPECT_TRUE(like("%_c", "üc"));
  EXPECT_FALSE(like("%__c", "üc"));
}

TEST(Like, BackslashEscapesWildcards) {
  EXPECT_TRUE(like(R"(50\%)", "50%"));
  EXPECT_FALSE(like(R"(50\%)", "500"));
  EXPECT_TRUE(like(R"(\_x)", "_x"));
  EXPECT_FALSE(like(R"(\_x)", "ax"));
  EXPECT_TRUE(like(R"(\\)", R"(\)"));
  EXPECT_TRUE(like(R"(\a)", "a"));  // escaping an ordinary character is that character
}

TEST(Like, TrailingBackslashIsALiteralBackslash) {
  EXPECT_TRUE(like(R"(abc\)", R"(abc\)"));
  EXPECT_FALSE(like(R"(abc\)", "abc"));
  EXPECT_TRUE(like(R"(\)", R"(\)"));
}

TEST(Like, CaseSensitivity) {
  EXPECT_FALSE(like("acme", "ACME"));
  EXPECT_TRUE(ilike("acme", "ACME"));
  EXPECT_TRUE(ilike("ÄRGER", "ärger"));
  EXPECT_TRUE(ilike("%Ö%", "Höhe"));
  EXPECT_TRUE(ilike("Straße", "STRASSE"));  // full case folding
  EXPECT_FALSE(LikePattern("x", false).case_insensitive());
  EXPECT_TRUE(LikePattern("x", true).case_insensitive());
}

TEST(Like, InvalidUtf8NeverCrashes) {
  // A truncated sequence at the end of the text.
  EXPECT_FALSE(like("_", "\xC3"));
  EXPECT_FALSE(like("a_", "a\xE2\x82"));
  EXPECT_TRUE(like("%", "\xFF\xFE"));
  EXPECT_FALSE(like("%x", "a\xE2"));
  EXPECT_FALSE(ilike("%x", "a\xE2"));
}

TEST(Like, LongInputsStayCheap) {
  std::string text(20000, 'a');
  EXPECT_FALSE(like("%a%a%a%a%a%b", text));
  EXPECT_TRUE(like("%a%a%a%a%a%a", text));
}

}  // namespace
}  // namespace leadroute
