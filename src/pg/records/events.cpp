#include "pg/records/events.h"

#include <string>

#include "core/util/json.h"
#include "pg/backend/gucs.h"
#include "pg/backend/state.h"
#include "pg/boundary/errors.h"
#include "pg/records/record_writer.h"

namespace leadroute::pg {

namespace {

std::string iso_timestamp(TimestampTz ts) {
  char buf[MAXDATELEN + 1];
  pg_call([&] { JsonEncodeDateTime(buf, TimestampTzGetDatum(ts), TIMESTAMPTZOID, nullptr); });
  return std::string(buf);
}

void write_event_keys(JsonWriter& w, const LeadEvent& e, const std::string& due) {
  const Decision& d = *e.decision;
  w.key("event").value(e.event).key("lead_id").value(e.lead_id);
  w.key("rep_id");
  e.rep ? w.value(e.rep->id) : w.null();
  w.key("previous_rep_id");
  e.previous_rep_id ? w.value(*e.previous_rep_id) : w.null();
  w.key("status").value(lead_status_name(d.status));
  w.key("queue");
  d.queue ? w.value(*d.queue) : w.null();
  w.key("rule_id");
  d.rule_id ? w.value(*d.rule_id) : w.null();
  w.key("routing_model").value(routing_model_name(d.model));
  w.key("sla_due_at");
  due.empty() ? w.null() : w.value(due);
}

}  // namespace

void notify_listeners() {
  if (guc_notify) pg_call([] { Async_Notify("leadroute", "{\"event\":\"wake\"}"); });
}

void emit_event(const LeadEvent& e) {
  notify_listeners();
  // The recipient: the rep the event is for; without one, the lead's queue, whose target (its
  // leadroute.queues row, else the admins' channel) the outbox's notification_target trigger
  // fills in, or drops the row when nobody is to be told (52_delivery.sql).
  if (e.rep && e.rep->notify_channel == "none") return;
  if (!e.rep && (!e.decision->queue || !pg_call([] { return resolve_catalog().outbox_has_queue; })))
    return;
  std::string due = e.sla_due_at ? iso_timestamp(*e.sla_due_at) : std::string();
  PendingNotification n;
  n.created_at = e.at;
  n.event = e.event;
  n.lead_id = e.lead_id;
  if (e.rep) {
    n.rep_id = e.rep->id;
    n.channel = e.rep->notify_channel;
    n.recipient = !e.rep->notify_address.empty() ? e.rep->notify_address : e.rep->email;
  } else {
    n.queue = *e.decision->queue;
  }
  JsonWriter w;
  w.begin_object();
  write_event_keys(w, e, due);
  if (e.rep) w.key("rep").value(e.rep->name);
  w.end_object();
  n.payload = w.take();
  n.sla_due_at = e.sla_due_at;
  n.nest_level = pg_call([] { return GetCurrentTransactionNestLevel(); });
  n.verify_lead = e.verify_lead;
  buffer_notification(std::move(n));
}

}  // namespace leadroute::pg
