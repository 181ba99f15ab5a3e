// The bounded ICU regular expression behind the `~` operator.
#include <gtest/gtest.h>

#include <string>

#include "core/condition/regex_pattern.h"

namespace leadroute {
namespace {

TEST(RegexPattern, SearchesAnywhereInTheText) {
  RegexPattern re("b+");
  EXPECT_EQ(re.search("abbbc"), RegexPattern::Result::Match);
  EXPECT_EQ(re.search("ac"), RegexPattern::Result::NoMatch);
  EXPECT_EQ(re.search(""), RegexPattern::Result::NoMatch);
}

TEST(RegexPattern, AnchorsWork) {
  RegexPattern re("^vp|chief$");
  EXPECT_EQ(re.search("vp sales"), RegexPattern::Result::Match);
  EXPECT_EQ(re.search("svp sales"), RegexPattern::Result::NoMatch);
  EXPECT_EQ(re.search("head chief"), RegexPattern::Result::Match);
}

TEST(RegexPattern, ReusableAcrossSearches) {
  RegexPattern re("ü");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(re.search("Zürich"), RegexPattern::Result::Match);
    EXPECT_EQ(re.search("Zurich"), RegexPattern::Result::NoMatch);
  }
}

TEST(RegexPattern, InvalidPatternThrowsWithOffset) {
  for (const char* pattern : {"(", "a[b", "*a", "a{2,1}"}) {
    try {
      RegexPattern re(pattern);
      ADD_FAILURE() << pattern << " compiled";
    } catch (const RegexCompileError& e) {
      EXPECT_FALSE(e.message.empty()) << pattern;
      EXPECT_LE(e.offset, std::string(pattern).size()) << pattern;
    }
  }
}

TEST(RegexPattern, CatastrophicBacktrackingIsAborted) {
  RegexPattern re("(a+)+$");
  std::string hostile(50, 'a');
  hostile += 'b';
  EXPECT_NE(re.search(hostile), RegexPattern::Result::Match);
  // A deep backtrack stack is bounded too.
  RegexPattern nested("(a|aa)*c");
  EXPECT_NE(nested.search(std::string(100000, 'a')), RegexPattern::Result::Match);
}

TEST(RegexPattern, InvalidUtf8TextNeverCrashes) {
  RegexPattern re(".");
  EXPECT_NE(re.search("\xFF\xFE"), RegexPattern::Result::Aborted);
}

}  // namespace
}  // namespace leadroute
