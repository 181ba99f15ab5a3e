// Routing events: who is told where a lead went (pg_notify and the outbox).
#pragma once

#include <optional>

#include "core/config/config.h"
#include "core/routing/router.h"
#include "pg/boundary/pg.h"

namespace leadroute::pg {

// One routing event: where a lead went and who is told. Events: assigned, queued (routing placed
// the lead), rerouted, reassigned (by hand), escalated, manager_alert.
struct LeadEvent {
  const char* event = "";
  int64_t lead_id = 0;
  const Decision* decision = nullptr;  // rule, model, status, queue of the placement
  const Rep* rep = nullptr;            // whom the event is for: the new owner or the manager
  std::optional<int64_t> previous_rep_id;
  TimestampTz at = 0;
  std::optional<TimestampTz> sla_due_at;
  bool verify_lead = false;  // the lead may not be inserted after all (PendingRecord::verify_lead)
};

// Wakes listeners: pg_notify('leadroute', '{"event":"wake"}'), sent at commit (once per
// transaction, however many leads it routed: PostgreSQL folds identical notifications).
void notify_listeners();

// pg_notify (leadroute.notify; see notify_listeners) (delivered at commit; leadroute.notify) and,
// when the event is for a rep whose channel is not none, buffers a notifications (outbox) row. Both
// carry the same keys: event, lead_id, rep_id, previous_rep_id, status, queue, rule_id,
// routing_model, sla_due_at (ISO 8601); the outbox row adds the rep's name. The notify payload is a
// constant wake-up (any role that can connect may LISTEN, and a payload per lead would hold memory
// until commit): listeners read the outbox.
void emit_event(const LeadEvent& e);

}  // namespace leadroute::pg
