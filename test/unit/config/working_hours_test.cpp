// A rep's weekly working hours: parsing, validation and lookups.
#include <gtest/gtest.h>

#include <string>

#include "core/config/working_hours.h"

namespace leadroute {
namespace {

constexpr int kMon = 0, kTue = 1, kWed = 2, kFri = 4, kSun = 6;
int at(int h, int m) {
  return h * 60 + m;
}

TEST(WorkingHours, DesignExample) {
  auto wh = WorkingHours::parse(
      R"({"mon": [["09:00","12:00"],["13:00","17:00"]], "tue": [["09:00","17:00"]]})");
  EXPECT_FALSE(wh.empty());
  EXPECT_FALSE(wh.contains(kMon, at(8, 59)));
  EXPECT_TRUE(wh.contains(kMon, at(9, 0)));  // start inclusive
  EXPECT_TRUE(wh.contains(kMon, at(11, 59)));
  EXPECT_FALSE(wh.contains(kMon, at(12, 0)));  // end exclusive
  EXPECT_FALSE(wh.contains(kMon, at(12, 59)));
  EXPECT_TRUE(wh.contains(kMon, at(13, 0)));
  EXPECT_FALSE(wh.contains(kMon, at(17, 0)));
  EXPECT_TRUE(wh.contains(kTue, at(16, 59)));
  EXPECT_FALSE(wh.contains(kWed, at(10, 0)));  // an absent day has no hours
  EXPECT_FALSE(wh.contains(kSun, at(10, 0)));
  EXPECT_EQ(wh.describe(), "Mon 09:00-12:00, 13:00-17:00; Tue 09:00-17:00");
}

TEST(WorkingHours, UntilMidnight) {
  auto wh = WorkingHours::parse(R"({"fri": [["22:00","24:00"]], "sun": [["00:00","24:00"]]})");
  EXPECT_TRUE(wh.contains(kFri, at(23, 59)));
  EXPECT_FALSE(wh.contains(kFri, at(21, 59)));
  EXPECT_TRUE(wh.contains(kSun, 0));
  EXPECT_TRUE(wh.contains(kSun, at(23, 59)));
  EXPECT_EQ(wh.describe(), "Fri 22:00-24:00; Sun 00:00-24:00");
}

TEST(WorkingHours, RangesAreSortedAndMayTouch) {
  auto wh = WorkingHours::parse(R"({"mon": [["13:00","17:00"],["09:00","13:00"]]})");
  EXPECT_TRUE(wh.contains(kMon, at(12, 59)));
  EXPECT_TRUE(wh.contains(kMon, at(13, 0)));
  EXPECT_EQ(wh.describe(), "Mon 09:00-13:00, 13:00-17:00");
}

TEST(WorkingHours, EmptyObjectMeansNoHours) {
  auto wh = WorkingHours::parse("{}");
  EXPECT_TRUE(wh.empty());
  EXPECT_FALSE(wh.contains(kMon, at(10, 0)));
  EXPECT_EQ(wh.describe(), "no working hours");
  auto day_off = WorkingHours::parse(R"({"mon": []})");
  EXPECT_TRUE(day_off.empty());
}

TEST(WorkingHours, WeekdayKeys) {
  EXPECT_STREQ(weekday_key(0), "mon");
  EXPECT_STREQ(weekday_key(6), "sun");
}

// The message of the error parse() throws, or "" when it parses.
std::string error_of(const std::string& json) {
  try {
    WorkingHours::parse(json);
  } catch (const WorkingHoursError& e) {
    EXPECT_FALSE(e.hint().empty()) << json;
    return e.what();
  }
  return "";
}

TEST(WorkingHours, UnknownDay) {
  std::string e = error_of(R"({"funday": [["09:00","17:00"]]})");
  EXPECT_NE(e.find("funday"), std::string::npos) << e;
  EXPECT_NE(error_of(R"({"Monday": [["09:00","17:00"]]})"), "");
}

TEST(WorkingHours, BadTimes) {
  for (const char* t : {"9:00", "24:30", "25:00", "09:60", "0900", "09:00:00", "ab:cd", ""}) {
    std::string json = std::string(R"({"mon": [[")") + t + R"(","23:00"]]})";
    std::string e = error_of(json);
    EXPECT_NE(e, "") << t;
    EXPECT_NE(e.find(std::string("\"") + t + "\""), std::string::npos) << e;
  }
  EXPECT_NE(error_of(R"({"mon": [["09:00",1700]]})"), "");
}

TEST(WorkingHours, StartMustBeBeforeEnd) {
  EXPECT_NE(error_of(R"({"mon": [["17:00","09:00"]]})"), "");
  EXPECT_NE(error_of(R"({"mon": [["09:00","09:00"]]})"), "");
  EXPECT_NE(error_of(R"({"mon": [["22:00","02:00"]]})"), "");
}

TEST(WorkingHours, OverlappingRanges) {
  std::string e = error_of(R"({"tue": [["09:00","12:00"],["11:00","13:00"]]})");
  EXPECT_NE(e.find("overlap"), std::string::npos) << e;
  EXPECT_NE(error_of(R"({"tue": [["09:00","17:00"],["10:00","11:00"]]})"), "");
}

TEST(WorkingHours, WrongShapes) {
  for (const char* json : {"[]", "\"09:00\"", "null", "42", "not json", R"({"mon": "09:00-17:00"})",
                           R"({"mon": [["09:00"]]})", R"({"mon": [["09:00","12:00","13:00"]]})",
                           R"({"mon": ["09:00","17:00"]})"})
    EXPECT_NE(error_of(json), "") << json;
}

}  // namespace
}  // namespace leadroute
