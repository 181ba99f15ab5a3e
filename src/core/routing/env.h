// What routing asks the database, as small interfaces, one per question: the clock, a pool's
// rotation turns, a rep's load, the members' outcomes (and the accounts, for matching). The shim
// implements them on PostgreSQL; preview, backtest and shadow rulesets implement them without side
// effects; the unit tests share one fake (test/unit/fake_env.h). Each part of the router takes only
// the interfaces it uses (docs/architecture.md, "The router in the code").
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <string>
#include <unordered_map>

#include "core/config/config.h"
#include "core/matching/matching.h"
#include "core/strategies/selection.h"
#include "core/sla/sla.h"

namespace leadroute {

// Local time in a rep's time zone: ISO weekday (0 = Monday) and minute after midnight.
struct LocalTime {
  int weekday = 0;
  int minute = 0;
  std::string text;  // "Tue 18:30", for explanations
};

// Now, and local times and dates. Time zones: fixed offsets unless the database's rules are
// available.
class RoutingClock : public ZoneClock {
 public:
  // Now, in unix microseconds.
  virtual int64_t now_us() { return 0; }
  virtual LocalTime local_time(const std::string& timezone) {
    (void)timezone;
    return {};
  }
  LocalDateTime to_local(int64_t utc_us, const std::string& timezone) override {
    return FixedOffsetClock().to_local(utc_us, timezone);
  }
  int64_t to_utc(int year, int month, int day, int minute, const std::string& timezone) override {
    return FixedOffsetClock().to_utc(year, month, day, minute, timezone);
  }
};

// A pool's rotation.
class Tickets {
 public:
  virtual ~Tickets() = default;
  // Draws the next turn of a pool's rotation. Never blocks; concurrent callers get distinct turns.
  virtual int64_t take_ticket(const Pool& pool) = 0;
  // catch_up pools: a turn owed to a rep who missed one, claimed without waiting.
  virtual bool claim_owed_turn(const Pool& pool, int64_t rep_id) {
    (void)pool, (void)rep_id;
    return false;
  }
  virtual void owe_turn(const Pool& pool, int64_t rep_id) { (void)pool, (void)rep_id; }
};

struct RepLoad {
  bool busy = false;  // another open transaction is assigning leads to this rep
  int32_t open = 0;   // leads owned and not closed (assigned, contacted)
  int32_t today = 0;  // leads assigned since local midnight
};

// A rep's open and daily leads.
class Loads {
 public:
  virtual ~Loads() = default;
  // With `claim`, first takes the rep for this transaction without waiting (busy when another
  // transaction has it), so that caps hold under concurrency.
  virtual RepLoad rep_load(const Rep& rep, bool claim) {
    (void)rep, (void)claim;
    return {};
  }
};

// What performance routing learns from.
class Outcomes {
 public:
  virtual ~Outcomes() = default;
  // Converted and lost leads per member over the performance window.
  virtual std::unordered_map<int64_t, RepOutcomes> outcomes(const Pool& pool) {
    (void)pool;
    return {};
  }
  // Seed of performance routing's draws; 0 means a random seed.
  virtual uint64_t performance_seed() { return 0; }
};

// Points pools: the points each member got from the pool lately (kPointsWindowDays), and the
// points of each pick as it is made (so the next lead of the same statement sees them).
class PointsLedger {
 public:
  virtual ~PointsLedger() = default;
  virtual std::unordered_map<int64_t, double> points(const Pool& pool) {
    (void)pool;
    return {};
  }
  virtual void add_points(const Pool& pool, int64_t rep_id, double points) {
    (void)pool, (void)rep_id, (void)points;
  }
};
constexpr int kPointsWindowDays = 30;

// Everything routing asks, in one object for callers that implement all of it.
class RoutingEnv : public RoutingClock,
                   public Tickets,
                   public Loads,
                   public Outcomes,
                   public PointsLedger,
                   public AccountSource {};

}  // namespace leadroute
