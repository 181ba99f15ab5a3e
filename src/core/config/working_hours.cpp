#include "core/config/working_hours.h"

#include <algorithm>
#include <cctype>

#include "core/util/json.h"

namespace leadroute {

namespace {

constexpr const char* kDays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr const char* kDayNames[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr const char* kFormatHint =
    "write {\"mon\": [[\"09:00\",\"17:00\"]], ...} with days mon..sun and times HH:MM";

int parse_time(const std::string& s, const std::string& where) {
  bool shape = s.size() == 5 && std::isdigit(static_cast<unsigned char>(s[0])) &&
               std::isdigit(static_cast<unsigned char>(s[1])) && s[2] == ':' &&
               std::isdigit(static_cast<unsigned char>(s[3])) &&
               std::isdigit(static_cast<unsigned char>(s[4]));
  if (!shape)
    throw WorkingHoursError("invalid time \"" + s + "\" in " + where,
                            "times are HH:MM, 00:00 to 24:00");
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 24 || m > 59 || (h == 24 && m != 0))
    throw WorkingHoursError("invalid time \"" + s + "\" in " + where,
                            "times are HH:MM, 00:00 to 24:00");
  return h * 60 + m;
}

std::string format_time(int minute) {
  char buf[6] = {
      static_cast<char>('0' + minute / 600),       static_cast<char>('0' + (minute / 60) % 10), ':',
      static_cast<char>('0' + (minute % 60) / 10), static_cast<char>('0' + minute % 10),        0};
  return buf;
}

}  // namespace

const char* weekday_key(int weekday) {
  return kDays[weekday % 7];
}

WorkingHours WorkingHours::parse(std::string_view json) {
  JsonValue root;
  try {
    root = parse_json(json);
  } catch (const JsonParseError& e) {
    throw WorkingHoursError(std::string("working_hours is not valid JSON: ") + e.what(),
                            kFormatHint);
  }
  if (root.type != JsonValue::Type::Object)
    throw WorkingHoursError("working_hours must be a JSON object", kFormatHint);
  WorkingHours hours;
  for (const auto& [key, ranges] : root.object) {
    int day = -1;
    for (int d = 0; d < 7; ++d)
      if (key == kDays[d]) day = d;
    if (day < 0)
      throw WorkingHoursError("unknown day \"" + key + "\" in working_hours",
                              "days are mon, tue, wed, thu, fri, sat, sun");
    if (ranges.type != JsonValue::Type::Array)
      throw WorkingHoursError("working_hours." + key + " must be a list of [start, end] pairs",
                              kFormatHint);
    for (const auto& range : ranges.array) {
      if (range.type != JsonValue::Type::Array || range.array.size() != 2 ||
          range.array[0].type != JsonValue::Type::String ||
          range.array[1].type != JsonValue::Type::String)
        throw WorkingHoursError("working_hours." + key + " must hold [\"HH:MM\", \"HH:MM\"] pairs",
                                kFormatHint);
      int start = parse_time(range.array[0].string, "working_hours." + key);
      int end = parse_time(range.array[1].string, "working_hours." + key);
      if (start >= end)
        throw WorkingHoursError("working_hours." + key + ": " + range.array[0].string +
                                    " is not before " + range.array[1].string,
                                "a range ends after it starts; split night shifts at 24:00");
      hours.days[day].push_back({start, end});
    }
    auto& day_ranges = hours.days[day];
    std::sort(day_ranges.begin(), day_ranges.end(), [](const TimeRange& a, const TimeRange& b) {
      return a.start_minute < b.start_minute;
    });
    for (size_t i = 1; i < day_ranges.size(); ++i)
      if (day_ranges[i].start_minute < day_ranges[i - 1].end_minute)
        throw WorkingHoursError("working_hours." + key + " has overlapping ranges",
                                "merge the overlapping ranges");
  }
  return hours;
}

bool WorkingHours::contains(int weekday, int minute) const {
  for (const auto& r : days[weekday % 7])
    if (minute >= r.start_minute && minute < r.end_minute) return true;
  return false;
}

bool WorkingHours::empty() const {
  for (const auto& d : days)
    if (!d.empty()) return false;
  return true;
}

std::string WorkingHours::describe() const {
  std::string out;
  for (int d = 0; d < 7; ++d) {
    if (days[d].empty()) continue;
    if (!out.empty()) out += "; ";
    out += kDayNames[d];
    out += ' ';
    for (size_t i = 0; i < days[d].size(); ++i) {
      if (i) out += ", ";
      out += format_time(days[d][i].start_minute) + "-" + format_time(days[d][i].end_minute);
    }
  }
  return out.empty() ? "no working hours" : out;
}

}  // namespace leadroute
