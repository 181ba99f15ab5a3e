// Steps 3-5 of routing (docs/architecture.md), the router's entry points: rules in priority
// order, first match wins (router.cpp); the matched rule's action places the lead (actions.cpp),
// a pool by its strategy (core/strategies/); the SLA clock starts (sla_clock.cpp); every step is
// recorded in the decision trace (core/trace/recorder.h). Escalation: escalation.cpp.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <optional>
#include <string>

#include "core/config/config.h"
#include "core/matching/matching.h"
#include "core/routing/env.h"
#include "core/routing/route_context.h"
#include "core/sla/policy.h"
#include "core/trace/recorder.h"

namespace leadroute {

struct Decision {
  std::optional<int64_t> account_id;  // the matched account, whatever placed the lead
  std::optional<std::string> match_tier;
  LeadStatus status = LeadStatus::Queued;
  std::optional<int64_t> owner_id;
  std::optional<std::string> queue;
  std::optional<int64_t> rule_id;
  std::optional<int64_t> pool_id;     // the pool the rep was picked from
  std::optional<int64_t> sla_due_us;  // when a rep got the lead: first contact due by then
  std::optional<int64_t> sla_policy_id;
  std::optional<double> points;  // points pools: what the lead is worth to the pool
  RoutingModel model = RoutingModel::Fallback;
  bool fallback = true;
  std::string trace;  // JSON; empty when tracing is off
};

// `lead` has been normalized and its account fields set from `match` (set_account_fields).
Decision route_lead(const RoutingConfig& config, const LeadValues& lead, const AccountMatch& match,
                    RoutingEnv& env, const RouteOptions& options);

// The same with a shadow ruleset's rules in place of the live ones (pools, reps, territories and
// SLA policies are shared).
Decision route_lead_shadow(const RoutingConfig& config, const ShadowRuleset& shadow,
                           const LeadValues& lead, const AccountMatch& match, RoutingEnv& env,
                           const RouteOptions& options);

// Escalation of a lead whose SLA ran out (docs/sla.md): the owner's backup, else the next
// eligible member of the pool that placed it (never the same rep), else, and after
// max_escalations, the manager's queue ("manager:<manager's email>", or "escalations").
struct EscalationInput {
  int64_t owner_id = 0;
  std::optional<int64_t> pool_id;
  int escalations = 0;  // escalations so far
  int max_escalations = 2;
  std::optional<int64_t> rule_id;
};
Decision escalate_lead(const RoutingConfig& config, const LeadValues& lead,
                       const EscalationInput& in, RoutingEnv& env, const RouteOptions& options);

// The decision for a lead whose routing failed: the routing_error queue, with the error traced.
Decision routing_error_decision(std::string_view message);

// The decision while routing is switched off (leadroute.enabled = off): the default queue.
// INSERT ... ON CONFLICT: a lead with the same unique key existed when the lead was checked, so it
// was not routed (no rotation turn, no cap use). Its row is normally never inserted; if it is
// (the other row was deleted meanwhile), it waits in the default queue.
Decision conflict_decision(const RouteOptions& options);
Decision disabled_decision(const RouteOptions& options);

}  // namespace leadroute
