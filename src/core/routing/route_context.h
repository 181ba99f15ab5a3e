// The state of routing one lead, shared by the stages of the router: the rule walk
// (rule_walk.cpp), the actions (actions.cpp), eligibility (eligibility.cpp), the strategies
// (core/strategies/) and escalation (escalation.cpp). What the database is asked goes through the
// small interfaces of env.h; what happened is written through the trace recorder.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/config/config.h"
#include "core/matching/matching.h"
#include "core/routing/env.h"
#include "core/trace/recorder.h"

namespace leadroute {

struct RouteOptions {
  std::string default_queue = "unrouted";
  TraceLevel trace = TraceLevel::Full;
};

// Where a rule's target sent the lead.
struct Placement {
  bool placed = false;  // false: nobody eligible (default queue) or the rule does not apply
  LeadStatus status = LeadStatus::Queued;
  std::optional<int64_t> owner_id;
  std::optional<std::string> queue;
  std::optional<int64_t> pool_id;
  RoutingModel model = RoutingModel::Queue;
  std::optional<double> points;  // points pools: what the lead is worth
  std::string reason;            // why nobody was placed
};

// Placement::reason of an action that does not apply to the lead: the next rule is tried.
inline constexpr const char* kFellThrough = "fell through";

// The lead goes to `rep`.
Placement assigned(const Rep& rep, RoutingModel model, const Pool* pool = nullptr);
// Nobody was placed, and why.
Placement not_placed(std::string reason);

// Context of one eligibility check: the pool (working hours) and the rule (skills).
struct Demand {
  const Pool* pool = nullptr;
  const std::vector<std::string>* skills = nullptr;  // expanded required skills
};

class RouteContext {
 public:
  RouteContext(const RoutingConfig& config_in, const LeadValues& lead_in,
               const AccountMatch& match_in, RoutingEnv& env, const RouteOptions& options_in)
      : config(config_in),
        lead(lead_in),
        match(match_in),
        options(options_in),
        clock(env),
        tickets(env),
        loads(env),
        outcomes(env),
        points(env),
        trace(options_in.trace) {}

  const RoutingConfig& config;
  const LeadValues& lead;
  const AccountMatch& match;
  const RouteOptions& options;
  RoutingClock& clock;
  Tickets& tickets;
  Loads& loads;
  Outcomes& outcomes;
  PointsLedger& points;
  TraceRecorder trace;

  // The matched rule's required skills, expanded from the lead; why placeholders were dropped.
  std::vector<std::string> skills;
  std::string skills_note;
  // Why the matched rule's action does not apply (Placement::reason kFellThrough).
  std::string fell_through;
  // Escalation: the rep the lead is taken from (never picked again).
  int64_t excluded = 0;

  // Now, read once per lead.
  int64_t now() {
    if (!now_) now_ = clock.now_us();
    return *now_;
  }
  // Local time in a zone, read once per zone and lead.
  const LocalTime& local_time(const std::string& tz) {
    auto it = local_times_.find(tz);
    if (it == local_times_.end()) it = local_times_.emplace(tz, clock.local_time(tz)).first;
    return it->second;
  }
  Demand demand_for(const Pool* pool) const {
    return Demand{pool, skills.empty() ? nullptr : &skills};
  }

 private:
  std::optional<int64_t> now_;
  std::unordered_map<std::string, LocalTime> local_times_;
};

}  // namespace leadroute
