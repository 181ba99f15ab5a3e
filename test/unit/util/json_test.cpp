// The JSON writer (decision traces) and parser (rendering traces, working_hours).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "core/util/json.h"

namespace leadroute {
namespace {

TEST(JsonWriter, EscapesQuotesBackslashesAndControlCharacters) {
  std::string out;
  append_json_string(out, "say \"hi\"\\ \n\r\t\x01\x1f end");
  EXPECT_EQ(out, R"("say \"hi\"\\ \n\r\t\u0001\u001f end")");
  out.clear();
  append_json_string(out, "ünïcödé 😀");
  EXPECT_EQ(out, "\"ünïcödé 😀\"");
}

TEST(JsonWriter, SeparatorsAndNesting) {
  JsonWriter w;
  w.begin_object();
  w.key("a").value(int64_t{1});
  w.key("b").begin_array().value("x").value(true).null().begin_object().end_object().end_array();
  w.key("c").begin_object().key("d").value(false).end_object();
  w.key("e").value(1.5);
  w.end_object();
  EXPECT_EQ(w.str(), R"({"a":1,"b":["x",true,null,{}],"c":{"d":false},"e":1.5})");
}

TEST(JsonWriter, NumbersAndNonFiniteValues) {
  JsonWriter w;
  w.begin_array()
      .value(int64_t{-9007199254740993})
      .value(500.0)
      .value(0.1)
      .value(std::numeric_limits<double>::infinity())
      .value(std::nan(""))
      .end_array();
  EXPECT_EQ(w.str(), "[-9007199254740993,500,0.1,null,null]");
}

TEST(JsonWriter, ClearAndTake) {
  JsonWriter w;
  w.begin_array().value(1);
  w.clear();
  w.begin_array().value(2).end_array();
  EXPECT_EQ(w.take(), "[2]");
}

TEST(JsonParser, RoundTrip) {
  JsonWriter w;
  w.begin_object();
  w.key("text \"quoted\"").value("line\nbreak\ttab\\ \x02 ü");
  w.key("n").value(-12.25);
  w.key("big").value(int64_t{123456789012});
  w.key("list").begin_array().value(true).value(false).null().end_array();
  w.key("nested").begin_object().key("k").value("v").end_object();
  w.end_object();

  JsonValue v = parse_json(w.str());
  ASSERT_EQ(v.type, JsonValue::Type::Object);
  EXPECT_EQ(v.str("text \"quoted\""), "line\nbreak\ttab\\ \x02 ü");
  EXPECT_EQ(v.num("n"), -12.25);
  EXPECT_EQ(v.num("big"), 123456789012.0);
  const JsonValue* list = v.get("list");
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(list->array.size(), 3u);
  EXPECT_TRUE(list->array[0].boolean);
  EXPECT_EQ(list->array[1].type, JsonValue::Type::Bool);
  EXPECT_FALSE(list->array[1].boolean);
  EXPECT_TRUE(list->array[2].is_null());
  ASSERT_NE(v.get("nested"), nullptr);
  EXPECT_EQ(v.get("nested")->str("k"), "v");
  // Object members keep document order.
  ASSERT_EQ(v.object.size(), 5u);
  EXPECT_EQ(v.object[1].first, "n");
  EXPECT_EQ(v.object[4].first, "nested");
}

TEST(JsonParser, Accessors) {
  JsonValue v = parse_json(R"({"s": "x", "n": 2, "b": true, "z": null})");
  EXPECT_EQ(v.str("s"), "x");
  EXPECT_EQ(v.str("n"), "2");
  EXPECT_EQ(v.str("b"), "true");
  EXPECT_EQ(v.str("missing", "dflt"), "dflt");
  EXPECT_EQ(v.num("s", 7), 7);
  EXPECT_TRUE(v.flag("b"));
  EXPECT_TRUE(v.flag("s", true));
  EXPECT_TRUE(v.has("s"));
  EXPECT_FALSE(v.has("z"));
  EXPECT_FALSE(v.has("missing"));
  EXPECT_EQ(parse_json("[1]").get("x"), nullptr);
}

TEST(JsonParser, Scalars) {
  EXPECT_EQ(parse_json(" 42 ").number, 42);
  EXPECT_EQ(parse_json("-1.5e3").number, -1500);
  EXPECT_EQ(parse_json("\"s\"").string, "s");
  EXPECT_TRUE(parse_json("true").boolean);
  EXPECT_TRUE(parse_json("null").is_null());
  EXPECT_TRUE(parse_json("{}").object.empty());
  EXPECT_TRUE(parse_json("[ ]").array.empty());
}

TEST(JsonParser, UnicodeEscapes) {
  EXPECT_EQ(parse_json(R"("\u00e9")").string, "é");
  EXPECT_EQ(parse_json(R"("\u20AC")").string, "€");
  EXPECT_EQ(parse_json(R"("\ud83d\ude00")").string, "😀");
  EXPECT_EQ(parse_json(R"("\u0041\/\b\f")").string, "A/\b\f");
  // Lone surrogates become U+FFFD rather than invalid UTF-8.
  EXPECT_EQ(parse_json(R"("\ud83d")").string, "\xEF\xBF\xBD");
  EXPECT_EQ(parse_json(R"("\ude00x")").string, "\xEF\xBF\xBDx");
}

TEST(JsonParser, InvalidDocumentsThrow) {
  for (const char* text :
       {"",      "   ",        "{",   "}",   "[1,]",  "[1 2]",      "{\"a\":}",  "{\"a\" 1}",
        "{a:1}", "{\"a\":1,}", "tru", "nul", "\"abc", "\"\\x\"",    "\"\\u12\"", "\"\\uZZZZ\"",
        "1 2",   "-",          "1e",  "[",   "[[]",   "{\"a\":1}}", "'x'"}) {
    EXPECT_THROW(parse_json(text), JsonParseError) << text;
  }
}

TEST(JsonParser, ErrorCarriesAnOffset) {
  try {
    parse_json("[1, 2, x]");
    FAIL() << "no error";
  } catch (const JsonParseError& e) {
    EXPECT_EQ(e.offset, 7u);
  }
}

TEST(JsonParser, DeepNestingThrowsInsteadOfCrashing) {
  EXPECT_THROW(parse_json(std::string(100000, '[')), JsonParseError);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  EXPECT_THROW(parse_json(objects), JsonParseError);
  std::string balanced = std::string(1000, '[') + std::string(1000, ']');
  EXPECT_THROW(parse_json(balanced), JsonParseError);
}

TEST(JsonParser, ModerateNestingIsAccepted) {
  std::string nested = std::string(40, '[') + "1" + std::string(40, ']');
  JsonValue v = parse_json(nested);
  const JsonValue* p = &v;
  int depth = 0;
  while (p->type == JsonValue::Type::Array) {
    p = &p->array.at(0);
    ++depth;
  }
  EXPECT_EQ(depth, 40);
  EXPECT_EQ(p->number, 1);
}

}  // namespace
}  // namespace leadroute

TEST(JsonParser, LoneHighSurrogateKeepsTheNextCharacter) {
  leadroute::JsonValue v = leadroute::parse_json(R"("\ud800\u0041")");
  EXPECT_EQ(v.string,
            "\xEF\xBF\xBD"
            "A");  // U+FFFD, then the A
}
