// Steps 3-4 of routing (DESIGN.md §1): rules in priority order, first match wins; the matched
// rule's action picks a rep or a queue; every step is recorded in the decision trace.
#pragma once
#include "core_guard.h"

#include <cstdint>
#include <optional>
#include <string>

#include "config.h"
#include "json.h"
#include "matching.h"

namespace leadroute {

enum class TraceLevel : uint8_t { Off, Compact, Full };

struct RouteOptions {
  std::string default_queue = "unrouted";
  TraceLevel trace = TraceLevel::Full;
};

// What routing needs from the database. The shim implements it on PostgreSQL; preview and
// backtest implement it without side effects.
class RoutingEnv : public AccountSource {
 public:
  // Draws the next turn of a pool's rotation. Never blocks; concurrent callers get distinct turns.
  virtual int64_t take_ticket(const Pool& pool) = 0;
};

struct Decision {
  std::optional<int64_t> account_id;  // the matched account, whatever placed the lead
  std::optional<std::string> match_tier;
  LeadStatus status = LeadStatus::Queued;
  std::optional<int64_t> owner_id;
  std::optional<std::string> queue;
  std::optional<int64_t> rule_id;
  RoutingModel model = RoutingModel::Fallback;
  bool fallback = true;
  std::string trace;  // JSON; empty when tracing is off
};

// Non-matching rules listed one by one in a full trace; the rest are counted.
constexpr size_t kMaxTracedRules = 100;
// Candidates listed one by one per pool in a full trace; the rest are counted.
constexpr size_t kMaxTracedCandidates = 50;

// `lead` has been normalized and its account fields set from `match` (set_account_fields).
Decision route_lead(const RoutingConfig& config, const LeadValues& lead, const AccountMatch& match,
                    RoutingEnv& env, const RouteOptions& options);

// The decision for a lead whose routing failed: the routing_error queue, with the error traced.
Decision routing_error_decision(std::string_view message);

// The decision while routing is switched off (leadroute.enabled = off): the default queue.
Decision disabled_decision(const RouteOptions& options);

}  // namespace leadroute
