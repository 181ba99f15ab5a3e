// Values as conditions and traces see them: number formatting and parsing, SQL-like rendering.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/lead/value.h"

namespace leadroute {
namespace {

TEST(Value, FormatNumber) {
  EXPECT_EQ(format_number(500), "500");
  EXPECT_EQ(format_number(-3), "-3");
  EXPECT_EQ(format_number(0), "0");
  EXPECT_EQ(format_number(2.5), "2.5");
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(1e20), "1e+20");
}

TEST(Value, ParseNumber) {
  double d = 0;
  EXPECT_TRUE(parse_number("500", &d));
  EXPECT_EQ(d, 500);
  EXPECT_TRUE(parse_number(" -1.5e3 ", &d));
  EXPECT_EQ(d, -1500);
  EXPECT_TRUE(parse_number("+7", &d));
  EXPECT_EQ(d, 7);
  d = 42;
  for (const char* s : {"", " ", "abc", "1x", "1,5", "nan", "inf", "1e999", "--1", "+"}) {
    EXPECT_FALSE(parse_number(s, &d)) << s;
    EXPECT_EQ(d, 42) << "unchanged on failure: " << s;
  }
}

TEST(Value, RenderValue) {
  EXPECT_EQ(render_value(ValueView::null()), "NULL");
  EXPECT_EQ(render_value(ValueView::of_text("O'Brien")), "'O''Brien'");
  EXPECT_EQ(render_value(ValueView::of_number(500)), "500");
  EXPECT_EQ(render_value(ValueView::of_boolean(true)), "true");
  std::string_view items[] = {"a", std::string_view(), "b'c"};
  EXPECT_EQ(render_value(ValueView::of_array(items, 3)), "{'a',NULL,'b''c'}");
  EXPECT_EQ(render_value(ValueView::of_array(nullptr, 0)), "{}");
}

TEST(Value, RenderValueCutsLongTextAtACharacterBoundary) {
  std::string text = std::string(199, 'a');
  for (int i = 0; i < 100; ++i) text += "é";
  std::string shown = render_value(ValueView::of_text(text));
  EXPECT_EQ(shown.rfind("'" + std::string(199, 'a') + "'", 0), 0u) << shown;
  EXPECT_NE(shown.find("(399 bytes)"), std::string::npos) << shown;
}

}  // namespace
}  // namespace leadroute
