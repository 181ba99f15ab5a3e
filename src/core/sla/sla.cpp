#include "core/sla/sla.h"

#include <cstdlib>

namespace leadroute {

// Howard Hinnant's civil-date algorithms (public domain), written out here.
int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = static_cast<unsigned>((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int* year, int* month, int* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int>(y + (m <= 2));
  *month = static_cast<int>(m);
  *day = static_cast<int>(d);
}

namespace {

int64_t offset_us(const std::string& tz) {
  if (tz.empty() || tz == "UTC") return 0;
  int sign = tz[0] == '-' ? -1 : 1;
  int hours = std::atoi(tz.substr(1, 2).c_str());
  int minutes = tz.size() >= 6 ? std::atoi(tz.substr(4, 2).c_str()) : 0;
  return sign * (hours * 60 + minutes) * kMicrosPerMinute;
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

LocalDateTime FixedOffsetClock::to_local(int64_t utc_us, const std::string& timezone) {
  int64_t local = utc_us + offset_us(timezone);
  int64_t days = floor_div(local, 1440 * kMicrosPerMinute);
  LocalDateTime t;
  civil_from_days(days, &t.year, &t.month, &t.day);
  t.minute = static_cast<int>((local - days * 1440 * kMicrosPerMinute) / kMicrosPerMinute);
  t.weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
  return t;
}

int64_t FixedOffsetClock::to_utc(int year, int month, int day, int minute,
                                 const std::string& timezone) {
  return (days_from_civil(year, month, day) * 1440 + minute) * kMicrosPerMinute -
         offset_us(timezone);
}

int64_t add_business_minutes(int64_t start_us, int minutes, const WorkingHours& hours,
                             const std::string& timezone, ZoneClock& clock) {
  if (minutes <= 0) return start_us;
  if (hours.empty()) return start_us + minutes * kMicrosPerMinute;
  int64_t remaining = static_cast<int64_t>(minutes) * kMicrosPerMinute;
  int64_t t = start_us;
  LocalDateTime local = clock.to_local(t, timezone);
  int64_t day = days_from_civil(local.year, local.month, local.day);
  // A week without working time ends the search; otherwise at most ~4 years of days.
  for (int step = 0; step < 1500; ++step) {
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    int weekday = static_cast<int>(((day % 7) + 7 + 3) % 7);
    for (const TimeRange& r : hours.days[weekday]) {
      int64_t begin = clock.to_utc(y, m, d, r.start_minute, timezone);
      int64_t end = clock.to_utc(y, m, d, r.end_minute, timezone);
      if (end <= t) continue;
      if (begin < t) begin = t;
      if (end - begin >= remaining) return begin + remaining;
      remaining -= end - begin;
      t = end;
    }
    ++day;
  }
  return start_us + minutes * kMicrosPerMinute;  // unreachable with non-empty hours
}

}  // namespace leadroute
