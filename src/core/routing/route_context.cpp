#include "core/routing/route_context.h"

namespace leadroute {

Placement assigned(const Rep& rep, RoutingModel model, const Pool* pool) {
  Placement p;
  p.placed = true;
  p.status = LeadStatus::Assigned;
  p.owner_id = rep.id;
  p.model = model;
  if (pool) p.pool_id = pool->id;
  return p;
}

Placement not_placed(std::string reason) {
  Placement p;
  p.reason = std::move(reason);
  return p;
}

}  // namespace leadroute
