// A rep's weekly working hours in local time (docs/sql-reference.md):
// {"mon": [["09:00","12:00"],["13:00","17:00"]], "tue": [["09:00","17:00"]]}. A day that is absent
// has no working hours; NULL (no object at all) means always available.
#pragma once
#include "core/util/core_guard.h"

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace leadroute {

struct TimeRange {
  int start_minute;  // minutes after local midnight
  int end_minute;    // exclusive; 1440 = midnight at the end of the day
};

class WorkingHoursError : public std::runtime_error {
 public:
  WorkingHoursError(const std::string& message, std::string hint)
      : std::runtime_error(message), hint_(std::move(hint)) {}
  const std::string& hint() const { return hint_; }

 private:
  std::string hint_;
};

struct WorkingHours {
  std::array<std::vector<TimeRange>, 7> days;  // 0 = Monday ... 6 = Sunday (ISO weekday - 1)

  // Parses and validates the JSON form; throws WorkingHoursError naming the problem.
  static WorkingHours parse(std::string_view json);
  // True when the local time (weekday 0 = Monday, minute after midnight) is inside the hours.
  bool contains(int weekday, int minute) const;
  // "Mon 09:00-12:00, 13:00-17:00; Tue 09:00-17:00", for explanations.
  std::string describe() const;
  bool empty() const;
};

const char* weekday_key(int weekday);

}  // namespace leadroute
