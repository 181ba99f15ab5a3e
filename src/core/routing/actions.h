// Step 4 of routing (docs/architecture.md): the matched rule's action places the lead: a queue,
// nurture, a named rep, a pool (by its strategy, then its overflow chain), the account's owner or
// CSM, or the first matching territory. Each step is written to the trace.
#pragma once
#include "core/util/core_guard.h"

#include <cstdint>
#include <optional>

#include "core/routing/route_context.h"

namespace leadroute {

Placement apply_action(RouteContext& ctx, const Rule& rule);

// A pool by its strategy, then its overflow chain; `model` overrides the strategy's (territory).
Placement place_in_pool(RouteContext& ctx, int64_t pool_id, std::optional<RoutingModel> model);

}  // namespace leadroute
