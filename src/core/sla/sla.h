// SLA clocks (docs/sla.md): the first matching policy sets when first contact is due, counted in
// plain minutes or in the rep's working hours, in the rep's time zone.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <optional>
#include <string>

#include "core/condition/condition.h"
#include "core/config/working_hours.h"

namespace leadroute {

struct LocalDateTime {
  int year = 2000, month = 1, day = 1;
  int weekday = 0;  // 0 = Monday
  int minute = 0;   // minute after local midnight
};

// Time-zone arithmetic. The database implements it with PostgreSQL's time zone rules (DST);
// tests use fixed offsets.
class ZoneClock {
 public:
  virtual ~ZoneClock() = default;
  virtual LocalDateTime to_local(int64_t utc_us, const std::string& timezone) = 0;
  // The instant of a local date and minute (minute 1440 is the next day's midnight).
  virtual int64_t to_utc(int year, int month, int day, int minute, const std::string& timezone) = 0;
};

// A clock that knows only fixed offsets: the zone name "UTC" or "+HH:MM" / "-HH:MM".
class FixedOffsetClock final : public ZoneClock {
 public:
  LocalDateTime to_local(int64_t utc_us, const std::string& timezone) override;
  int64_t to_utc(int year, int month, int day, int minute, const std::string& timezone) override;
};

// Days since 1970-01-01 of a civil date, and back (proleptic Gregorian).
int64_t days_from_civil(int year, int month, int day);
void civil_from_days(int64_t days, int* year, int* month, int* day);

constexpr int64_t kMicrosPerMinute = 60LL * 1000000LL;

// `minutes` of working time after `start_us`, counted only inside `hours` in `timezone`. Hours
// with no range at all never end: the result is then start + minutes (plain time).
int64_t add_business_minutes(int64_t start_us, int minutes, const WorkingHours& hours,
                             const std::string& timezone, ZoneClock& clock);

struct SlaPolicy {
  int64_t id = 0;
  std::string name;
  int32_t priority = 0;
  Condition condition;
  int32_t response_minutes = 60;
  bool business_hours = false;
  // Set by the configuration loader when the stored row cannot be used (a condition the current
  // language refuses, a value it cannot read): a lead whose routing reaches it fails alone
  // (ConfigFault: the routing_error queue, with this message); every other lead routes.
  std::string broken;
};

}  // namespace leadroute
