// The engine's records of each routed lead (a decisions row, an assignments row when a rep got
// the lead, shadow decisions, notifications) are buffered during a statement and written when
// the statement ends (or every kFlushRows rows) by direct inserts, or by one INSERT statement per
// table when the table has a trigger with a transition table; one column table per record table
// drives both (record_writer.cpp). Rows of a rolled-back subtransaction are dropped with them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/routing/router.h"
#include "pg/boundary/pg.h"

namespace leadroute::pg {

struct PendingRecord {
  int64_t lead_id = 0;
  TimestampTz decided_at = 0;
  const char* kind = "routed";  // routed, rerouted
  LeadStatus status = LeadStatus::Queued;
  std::optional<int64_t> rule_id;
  std::optional<int64_t> pool_id;
  RoutingModel model = RoutingModel::Fallback;
  std::optional<int64_t> owner_id;
  std::optional<std::string> queue;
  bool fallback = true;
  std::string trace;  // JSON text; empty = NULL
  int32_t duration_us = 0;
  std::optional<std::string> error;
  Oid user = InvalidOid;  // who inserted the lead (assignments.assigned_by)
  int nest_level = 1;     // subtransaction level that produced the row
  bool write_decision = true;
  // An assignments row (routed, rerouted, escalated, manual) when set; with owner_id, or with the
  // queue for an escalation to a manager's queue.
  std::optional<std::string> assignment_reason;
  std::optional<TimestampTz> sla_due_at;
  std::optional<int64_t> sla_policy_id;
  std::optional<double> points;  // points pools: what the lead is worth (assignments.points)
  // Set for a shadow ruleset's decision: a shadow_decisions row, nothing else (write_decision is
  // false and there is no assignment).
  std::string shadow_ruleset;
  // The lead may not be inserted after all: the table has unique indexes besides the primary key,
  // and a conflicting row can commit between the routing trigger's check and the insert (ON
  // CONFLICT DO NOTHING then skips it). Such records are written only if the lead exists.
  bool verify_lead = false;
};

// A row of leadroute.notifications.
struct PendingNotification {
  TimestampTz created_at = 0;
  const char* event = "assigned";
  int64_t lead_id = 0;
  std::optional<int64_t> rep_id;  // none: the event is for the queue's target
  std::optional<std::string> queue;
  std::string channel;  // empty for a queue: filled in by the notification_target trigger
  std::string recipient;
  std::string payload;  // JSON object; sla_due_at is added when writing
  std::optional<TimestampTz> sla_due_at;
  int nest_level = 1;
  bool verify_lead = false;  // as PendingRecord::verify_lead
};

void buffer_notification(PendingNotification&& n);

// The record of a decision: every field a Decision determines (placement, rule, pool, model,
// fallback, SLA clock, the assignment row when a rep got the lead), at the current nest level.
// The trace is left to the caller (moved or copied); so are error, user and write_decision.
PendingRecord record_of(const Decision& d, const char* kind, int64_t lead_id, TimestampTz at);

constexpr size_t kFlushRows = 1000;

// Appends a record (C++: may throw bad_alloc); the caller flushes when this returns true.
bool buffer_record(PendingRecord&& record);
// Writes buffered rows produced at `min_level` or deeper (C style: may ereport). Runs as the
// extension owner.
void flush_records(int min_level, Oid owner);
bool has_pending_records();

// Assignments to `rep_id` decided at or after `since` and not written yet (daily caps count them).
int pending_assignments(int64_t rep_id, TimestampTz since);

// A catch_up pool owes `rep_id` a turn; written with the statement's records, at most `cap` owed
// turns per rep and pool.
void buffer_owed_turn(int64_t pool_id, int64_t rep_id, int cap);

// The lead whose BEFORE INSERT trigger is running (0: none): a flush during its trigger keeps its
// records to be verified, since the row is not in the table yet.
void set_lead_being_inserted(int64_t lead_id);

// Ids of the leads this transaction inserted or handed to another owner (kept as ranges: ids from
// one sequence mostly come in runs). Row-level security lets leadroute_ingest read back the rows
// it inserted (INSERT ... RETURNING) and a rep see the row it just handed on (PostgreSQL checks
// an UPDATE's new row against the SELECT policy).
// Each run remembers the role that wrote it: only that role sees the rows this way. Used only on
// a schema older than 0.3.0 (Catalog::rls_on_leads), whose policies call it.
void remember_written_lead(int64_t lead_id, Oid role);
bool written_by_this_transaction(int64_t lead_id, Oid role);

void register_transaction_callbacks();

}  // namespace leadroute::pg
