#include "record_writer.h"

#include <algorithm>

#include "datum_util.h"
#include "direct_insert.h"
#include "errors.h"
#include "spi_util.h"
#include "state.h"

namespace leadroute::pg {

namespace {

// Heap-allocated on first use, never at dlopen (docs/contributing.md, rule 5).
std::vector<PendingRecord>* g_pending = nullptr;

struct OwedTurn {
  int64_t pool_id;
  int64_t rep_id;
  int cap;
  int nest_level;
};
std::vector<OwedTurn>* g_owed = nullptr;
std::vector<PendingNotification>* g_notes = nullptr;
int64_t g_being_inserted = 0;
Datum make_array(Datum* values, bool* nulls, int n, Oid element_type);
SPIPlanPtr g_notes_plan = nullptr;

Datum jsonb_datum(const std::string& json) {
  return DirectFunctionCall1(jsonb_in, CStringGetDatum(json.c_str()));
}

// Writes buffered notifications of this level and deeper (direct inserts; see direct_insert.h).
void insert_notifications_sql(int min_level, size_t first);
void insert_notifications(int min_level) {
  if (!g_notes || g_notes->empty()) return;
  auto& v = *g_notes;
  size_t first = v.size();
  while (first > 0 && v[first - 1].nest_level >= min_level) --first;
  if (first == v.size()) return;
  static const char* const kNoteColumns[] = {"created_at", "event",     "lead_id", "rep_id",
                                             "channel",    "recipient", "payload", "queue"};
  int ncolumns = outbox_has_queue_column() ? 8 : 7;
  DirectInsert* d = direct_insert_begin(resolve_catalog().notifications, ncolumns, kNoteColumns);
  if (!d) {
    insert_notifications_sql(min_level, first);
    return;
  }
  for (size_t i = first; i < v.size(); ++i) {
    const PendingNotification& note = v[i];
    Datum values[8] = {TimestampTzGetDatum(note.created_at),
                       CStringGetTextDatum(note.event),
                       Int64GetDatum(note.lead_id),
                       Int64GetDatum(note.rep_id.value_or(0)),
                       CStringGetTextDatum(note.channel.c_str()),
                       CStringGetTextDatum(note.recipient.c_str()),
                       jsonb_datum(note.payload),
                       note.queue ? CStringGetTextDatum(note.queue->c_str()) : Datum(0)};
    bool nulls[8] = {false, false, false, !note.rep_id, false, false, false, !note.queue};
    direct_insert_row(d, values, nulls);
  }
  direct_insert_end(d);
  v.resize(first);
}

// The same as one INSERT statement: for a relation with a transition-table trigger.
void insert_notifications_sql(int min_level, size_t first) {
  auto& v = *g_notes;
  (void)min_level;
  int n = static_cast<int>(v.size() - first);
  constexpr int kCols = 9;
  if (!outbox_has_queue_column())
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("leadroute.notifications lacks the queue column of this library"),
                    errhint("Run ALTER EXTENSION leadroute UPDATE.")));
  Datum* cols[kCols];
  bool* nulls[kCols];
  for (int c = 0; c < kCols; ++c) {
    cols[c] = static_cast<Datum*>(palloc(sizeof(Datum) * n));
    nulls[c] = static_cast<bool*>(palloc0(sizeof(bool) * n));
  }
  for (int i = 0; i < n; ++i) {
    const PendingNotification& note = v[first + i];
    cols[0][i] = TimestampTzGetDatum(note.created_at);
    cols[1][i] = CStringGetTextDatum(note.event);
    cols[2][i] = Int64GetDatum(note.lead_id);
    if (note.rep_id)
      cols[3][i] = Int64GetDatum(*note.rep_id);
    else
      nulls[3][i] = true;
    cols[4][i] = CStringGetTextDatum(note.channel.c_str());
    cols[5][i] = CStringGetTextDatum(note.recipient.c_str());
    cols[6][i] = CStringGetTextDatum(note.payload.c_str());
    if (note.sla_due_at)
      cols[7][i] = TimestampTzGetDatum(*note.sla_due_at);
    else
      nulls[7][i] = true;
    if (note.queue)
      cols[8][i] = CStringGetTextDatum(note.queue->c_str());
    else
      nulls[8][i] = true;
  }
  static const Oid types[kCols] = {TIMESTAMPTZARRAYOID, TEXTARRAYOID,        INT8ARRAYOID,
                                   INT8ARRAYOID,        TEXTARRAYOID,        TEXTARRAYOID,
                                   TEXTARRAYOID,        TIMESTAMPTZARRAYOID, TEXTARRAYOID};
  static const Oid elems[kCols] = {TIMESTAMPTZOID, TEXTOID, INT8OID,        INT8OID, TEXTOID,
                                   TEXTOID,        TEXTOID, TIMESTAMPTZOID, TEXTOID};
  Datum args[kCols];
  char arg_nulls[kCols];
  for (int c = 0; c < kCols; ++c) {
    args[c] = make_array(cols[c], nulls[c], n, elems[c]);
    arg_nulls[c] = ' ';
  }
  spi_connect();
  if (!g_notes_plan) {
    SPIPlanPtr plan = SPI_prepare(
        "INSERT INTO leadroute.notifications (created_at, event, lead_id, rep_id, channel,"
        "  recipient, payload, queue)"
        " SELECT created_at, event, lead_id, rep_id, channel, recipient,"
        "   payload::pg_catalog.jsonb OPERATOR(pg_catalog.||)"
        "   pg_catalog.jsonb_build_object('sla_due_at', due), queue"
        " FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3),"
        "   pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6),"
        "   pg_catalog.unnest($7), pg_catalog.unnest($8), pg_catalog.unnest($9))"
        "   AS t(created_at, event, lead_id, rep_id, channel, recipient, payload, due, queue)",
        kCols, const_cast<Oid*>(types));
    if (!plan) elog(ERROR, "could not prepare the notification insert");
    SPI_keepplan(plan);
    g_notes_plan = plan;
  }
  int ret = SPI_execute_plan(g_notes_plan, args, arg_nulls, false, 0);
  if (ret != SPI_OK_INSERT)
    elog(ERROR, "could not write notifications: %s", SPI_result_code_string(ret));
  spi_finish();
  v.resize(first);
}

// Writes the owed turns of this level and deeper; beyond `cap` per rep and pool they are dropped
// (a rep away for a month is not owed a month of leads).
void insert_owed_turns(int min_level) {
  if (!g_owed || g_owed->empty()) return;
  spi_connect();
  for (const OwedTurn& t : *g_owed) {
    if (t.nest_level < min_level) continue;
    Oid types[3] = {INT8OID, INT8OID, INT4OID};
    Datum values[3] = {Int64GetDatum(t.pool_id), Int64GetDatum(t.rep_id), Int32GetDatum(t.cap)};
    int ret = SPI_execute_with_args(
        "INSERT INTO leadroute._owed_turns (pool_id, rep_id)"
        " SELECT $1, $2 WHERE (SELECT pg_catalog.count(*) FROM leadroute._owed_turns"
        "  WHERE pool_id OPERATOR(pg_catalog.=) $1 AND rep_id OPERATOR(pg_catalog.=) $2)"
        "  OPERATOR(pg_catalog.<) $3",
        3, types, values, nullptr, false, 0);
    if (ret != SPI_OK_INSERT) elog(ERROR, "could not record an owed turn");
  }
  spi_finish();
  auto& v = *g_owed;
  v.erase(std::remove_if(v.begin(), v.end(),
                         [&](const OwedTurn& t) { return t.nest_level >= min_level; }),
          v.end());
}
SPIPlanPtr g_insert_plan = nullptr;

std::vector<PendingRecord>& pending() {
  if (!g_pending) g_pending = new std::vector<PendingRecord>();
  return *g_pending;
}

constexpr int kColumns = 19;

// One statement writes both tables: the decisions, and the assignments of the rows with a rep.
// Every name is schema-qualified and no operator is resolved by name: the plan cannot be
// hijacked by objects in the caller's search_path.
const char* kInsertSql =
    "WITH input AS ("
    " SELECT * FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2),"
    "  pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5),"
    "  pg_catalog.unnest($6), pg_catalog.unnest($7), pg_catalog.unnest($8),"
    "  pg_catalog.unnest($9), pg_catalog.unnest($10), pg_catalog.unnest($11),"
    "  pg_catalog.unnest($12), pg_catalog.unnest($13), pg_catalog.unnest($14),"
    "  pg_catalog.unnest($15), pg_catalog.unnest($16), pg_catalog.unnest($17),"
    "  pg_catalog.unnest($18), pg_catalog.unnest($19))"
    "  AS t(lead_id, decided_at, kind, status, rule_id, routing_model, owner_id, queue, fallback,"
    "       trace, duration_us, error, assigned_by, reason, pool_id, write_decision, sla_due_at,"
    "       sla_policy_id, assigned)"
    "), decided AS ("
    " INSERT INTO leadroute.decisions (lead_id, decided_at, kind, status, rule_id, pool_id,"
    "   routing_model, owner_id, queue, fallback, trace, duration_us, error)"
    " SELECT lead_id, decided_at, kind, status, rule_id, pool_id, routing_model, owner_id, queue,"
    "   fallback, trace::pg_catalog.jsonb, duration_us, error FROM input WHERE write_decision"
    ")"
    " INSERT INTO leadroute.assignments (lead_id, rep_id, queue, reason, rule_id, pool_id,"
    "   assigned_at, assigned_by, sla_due_at, sla_policy_id)"
    " SELECT lead_id, owner_id, CASE WHEN owner_id IS NULL THEN queue END, reason, rule_id,"
    "   pool_id, decided_at, pg_catalog.pg_get_userbyid(assigned_by)::pg_catalog.text,"
    "   sla_due_at, sla_policy_id"
    " FROM input WHERE assigned";

SPIPlanPtr insert_plan() {
  if (g_insert_plan) return g_insert_plan;
  Oid types[kColumns] = {INT8ARRAYOID,        TIMESTAMPTZARRAYOID, TEXTARRAYOID, TEXTARRAYOID,
                         INT8ARRAYOID,        TEXTARRAYOID,        INT8ARRAYOID, TEXTARRAYOID,
                         BOOLARRAYOID,        TEXTARRAYOID,        INT4ARRAYOID, TEXTARRAYOID,
                         OIDARRAYOID,         TEXTARRAYOID,        INT8ARRAYOID, BOOLARRAYOID,
                         TIMESTAMPTZARRAYOID, INT8ARRAYOID,        BOOLARRAYOID};
  SPIPlanPtr plan = SPI_prepare(kInsertSql, kColumns, types);
  if (!plan)
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                    errmsg("leadroute could not prepare its record insert: %s",
                           SPI_result_code_string(SPI_result))));
  SPI_keepplan(plan);
  g_insert_plan = plan;
  return plan;
}

Datum text_or_null(const std::string* s, bool* isnull) {
  if (!s) {
    *isnull = true;
    return 0;
  }
  *isnull = false;
  return PointerGetDatum(cstring_to_text_with_len(s->data(), static_cast<int>(s->size())));
}

Datum make_array(Datum* values, bool* nulls, int n, Oid element_type) {
  int16 typlen;
  bool typbyval;
  char typalign;
  get_typlenbyvalalign(element_type, &typlen, &typbyval, &typalign);
  int dims[1] = {n};
  int lbs[1] = {1};
  return PointerGetDatum(
      construct_md_array(values, nulls, 1, dims, lbs, element_type, typlen, typbyval, typalign));
}

// Writes records[first, last) as one INSERT statement (C style): for relations with a
// transition-table trigger, which must see the statement's rows.
void insert_records_sql(const std::vector<PendingRecord>& records, size_t first, size_t last);

constexpr int kShadowColumns = 13;

// One shadow_decisions row by SQL: the fallback when the table has triggers with transition
// tables (C style).
void insert_shadow_sql(Datum* v, const bool* n) {
  static const Oid types[kShadowColumns] = {INT8OID,  TEXTOID, TIMESTAMPTZOID, TEXTOID, INT8OID,
                                            INT8OID,  TEXTOID, INT8OID,        TEXTOID, BOOLOID,
                                            JSONBOID, INT4OID, TEXTOID};
  char nulls[kShadowColumns];
  for (int i = 0; i < kShadowColumns; ++i) nulls[i] = n[i] ? 'n' : ' ';
  spi_connect();
  int ret = SPI_execute_with_args(
      "INSERT INTO leadroute.shadow_decisions (lead_id, ruleset, decided_at, status, rule_id,"
      " pool_id, routing_model, owner_id, queue, fallback, trace, duration_us, error)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
      kShadowColumns, const_cast<Oid*>(types), v, nulls, false, 0);
  if (ret != SPI_OK_INSERT)
    elog(ERROR, "could not record a shadow decision: %s", SPI_result_code_string(ret));
  spi_finish();
}

// The shadow rulesets' decisions among records[first, last) (C style).
void insert_shadow_records(const std::vector<PendingRecord>& records, size_t first, size_t last) {
  static const char* const kColumns[kShadowColumns] = {
      "lead_id",       "ruleset", "decided_at", "status", "rule_id",     "pool_id", "owner_id",
      "routing_model", "queue",   "fallback",   "trace",  "duration_us", "error"};
  DirectInsert* shadows = nullptr;
  bool tried = false;
  for (size_t i = first; i < last; ++i) {
    const PendingRecord& r = records[i];
    if (r.shadow_ruleset.empty()) continue;
    if (!tried) {
      shadows = direct_insert_begin(resolve_catalog().shadow_decisions, kShadowColumns, kColumns);
      tried = true;
    }
    Datum v[kShadowColumns];
    bool n[kShadowColumns] = {};
    v[0] = Int64GetDatum(r.lead_id);
    v[1] = CStringGetTextDatum(r.shadow_ruleset.c_str());
    v[2] = TimestampTzGetDatum(r.decided_at);
    v[3] = CStringGetTextDatum(lead_status_name(r.status));
    v[4] = int8_or_null(r.rule_id, &n[4]);
    v[5] = int8_or_null(r.pool_id, &n[5]);
    v[6] = int8_or_null(r.owner_id, &n[6]);
    v[7] = CStringGetTextDatum(routing_model_name(r.model));
    v[8] = text_datum_or_null(r.queue, &n[8]);
    v[9] = BoolGetDatum(r.fallback);
    n[10] = r.trace.empty();
    v[10] = n[10] ? 0 : jsonb_datum(r.trace);
    v[11] = Int32GetDatum(r.duration_us);
    v[12] = text_datum_or_null(r.error, &n[12]);
    if (shadows) {
      direct_insert_row(shadows, v, n);
    } else {
      // The SQL form takes its parameters in the table's column order.
      Datum sv[kShadowColumns] = {v[0], v[1], v[2], v[3],  v[4],  v[5], v[7],
                                  v[6], v[8], v[9], v[10], v[11], v[12]};
      bool sn[kShadowColumns] = {n[0], n[1], n[2], n[3],  n[4],  n[5], n[7],
                                 n[6], n[8], n[9], n[10], n[11], n[12]};
      insert_shadow_sql(sv, sn);
    }
  }
  if (shadows) direct_insert_end(shadows);
}

// Writes records[first, last) (C style): shadow decisions, decisions, then the assignments, by
// direct inserts.
void insert_records(const std::vector<PendingRecord>& records, size_t first, size_t last) {
  if (last <= first) return;
  const Catalog& catalog = resolve_catalog();
  insert_shadow_records(records, first, last);
  static const char* const kDecisionColumns[] = {
      "lead_id",  "decided_at", "kind",     "status", "rule_id",     "pool_id", "routing_model",
      "owner_id", "queue",      "fallback", "trace",  "duration_us", "error"};
  static const char* const kAssignmentColumns[] = {
      "lead_id", "rep_id",      "queue",       "reason",     "rule_id",
      "pool_id", "assigned_at", "assigned_by", "sla_due_at", "sla_policy_id"};
  DirectInsert* decisions = direct_insert_begin(catalog.decisions, 13, kDecisionColumns);
  if (!decisions) {
    insert_records_sql(records, first, last);
    return;
  }
  for (size_t i = first; i < last; ++i) {
    const PendingRecord& r = records[i];
    if (!r.write_decision) continue;
    Datum v[13];
    bool n[13] = {};
    v[0] = Int64GetDatum(r.lead_id);
    v[1] = TimestampTzGetDatum(r.decided_at);
    v[2] = CStringGetTextDatum(r.kind);
    v[3] = CStringGetTextDatum(lead_status_name(r.status));
    v[4] = int8_or_null(r.rule_id, &n[4]);
    v[5] = int8_or_null(r.pool_id, &n[5]);
    v[6] = CStringGetTextDatum(routing_model_name(r.model));
    v[7] = int8_or_null(r.owner_id, &n[7]);
    v[8] = text_datum_or_null(r.queue, &n[8]);
    v[9] = BoolGetDatum(r.fallback);
    n[10] = r.trace.empty();
    v[10] = n[10] ? 0 : jsonb_datum(r.trace);
    v[11] = Int32GetDatum(r.duration_us);
    v[12] = text_datum_or_null(r.error, &n[12]);
    direct_insert_row(decisions, v, n);
  }
  direct_insert_end(decisions);
  DirectInsert* assignments = direct_insert_begin(catalog.assignments, 10, kAssignmentColumns);
  if (!assignments) {
    // Decisions are written; the statement form writes both, so write only the assignments.
    std::vector<PendingRecord> only;
    for (size_t i = first; i < last; ++i)
      if (records[i].assignment_reason) {
        only.push_back(records[i]);
        only.back().write_decision = false;
      }
    insert_records_sql(only, 0, only.size());
    return;
  }
  for (size_t i = first; i < last; ++i) {
    const PendingRecord& r = records[i];
    if (!r.assignment_reason) continue;
    Datum v[10];
    bool n[10] = {};
    v[0] = Int64GetDatum(r.lead_id);
    v[1] = int8_or_null(r.owner_id, &n[1]);
    n[2] = r.owner_id.has_value() || !r.queue.has_value();
    v[2] = n[2] ? 0 : CStringGetTextDatum(r.queue->c_str());
    v[3] = CStringGetTextDatum(r.assignment_reason->c_str());
    v[4] = int8_or_null(r.rule_id, &n[4]);
    v[5] = int8_or_null(r.pool_id, &n[5]);
    v[6] = TimestampTzGetDatum(r.decided_at);
    const char* who = GetUserNameFromId(r.user, true);  // pg_get_userbyid() does the same
    v[7] =
        who ? CStringGetTextDatum(who) : CStringGetTextDatum(psprintf("unknown (OID=%u)", r.user));
    n[8] = !r.sla_due_at.has_value();
    v[8] = r.sla_due_at ? TimestampTzGetDatum(*r.sla_due_at) : 0;
    v[9] = int8_or_null(r.sla_policy_id, &n[9]);
    direct_insert_row(assignments, v, n);
  }
  direct_insert_end(assignments);
}

void insert_records_sql(const std::vector<PendingRecord>& records, size_t first, size_t last) {
  int n = static_cast<int>(last - first);
  if (n <= 0) return;
  Datum* cols[kColumns];
  bool* nulls[kColumns];
  for (int c = 0; c < kColumns; ++c) {
    cols[c] = static_cast<Datum*>(palloc(sizeof(Datum) * n));
    nulls[c] = static_cast<bool*>(palloc0(sizeof(bool) * n));
  }
  for (int i = 0; i < n; ++i) {
    const PendingRecord& r = records[first + i];
    cols[0][i] = Int64GetDatum(r.lead_id);
    cols[1][i] = TimestampTzGetDatum(r.decided_at);
    cols[2][i] = CStringGetTextDatum(r.kind);
    cols[3][i] = CStringGetTextDatum(lead_status_name(r.status));
    if (r.rule_id)
      cols[4][i] = Int64GetDatum(*r.rule_id);
    else
      nulls[4][i] = true;
    cols[5][i] = CStringGetTextDatum(routing_model_name(r.model));
    if (r.owner_id)
      cols[6][i] = Int64GetDatum(*r.owner_id);
    else
      nulls[6][i] = true;
    cols[7][i] = text_or_null(r.queue ? &*r.queue : nullptr, &nulls[7][i]);
    cols[8][i] = BoolGetDatum(r.fallback);
    cols[9][i] = text_or_null(r.trace.empty() ? nullptr : &r.trace, &nulls[9][i]);
    cols[10][i] = Int32GetDatum(r.duration_us);
    cols[11][i] = text_or_null(r.error ? &*r.error : nullptr, &nulls[11][i]);
    cols[12][i] = ObjectIdGetDatum(r.user);
    if (r.assignment_reason)
      cols[13][i] = CStringGetTextDatum(r.assignment_reason->c_str());
    else
      nulls[13][i] = true;
    if (r.pool_id)
      cols[14][i] = Int64GetDatum(*r.pool_id);
    else
      nulls[14][i] = true;
    cols[15][i] = BoolGetDatum(r.write_decision);
    if (r.sla_due_at)
      cols[16][i] = TimestampTzGetDatum(*r.sla_due_at);
    else
      nulls[16][i] = true;
    if (r.sla_policy_id)
      cols[17][i] = Int64GetDatum(*r.sla_policy_id);
    else
      nulls[17][i] = true;
    cols[18][i] = BoolGetDatum(r.assignment_reason.has_value());
  }
  static const Oid element_types[kColumns] = {INT8OID, TIMESTAMPTZOID, TEXTOID, TEXTOID, INT8OID,
                                              TEXTOID, INT8OID,        TEXTOID, BOOLOID, TEXTOID,
                                              INT4OID, TEXTOID,        OIDOID,  TEXTOID, INT8OID,
                                              BOOLOID, TIMESTAMPTZOID, INT8OID, BOOLOID};
  Datum args[kColumns];
  char arg_nulls[kColumns];
  for (int c = 0; c < kColumns; ++c) {
    args[c] = make_array(cols[c], nulls[c], n, element_types[c]);
    arg_nulls[c] = ' ';
  }
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  int ret = SPI_execute_plan(insert_plan(), args, arg_nulls, false, 0);
  if (ret != SPI_OK_INSERT && ret != SPI_OK_INSERT_RETURNING)
    ereport(ERROR,
            (errcode(ERRCODE_INTERNAL_ERROR),
             errmsg("leadroute could not record its decisions: %s", SPI_result_code_string(ret))));
  SPI_finish();
}

// Buffered rows are ordered by nest level (never decreasing): rows are appended at the current
// level, and a subtransaction's rows are dropped when it aborts or relabelled to its parent when it
// commits. So the rows of a level and deeper always form the tail of the buffer.
void discard_from_level(int level) noexcept {
  if (g_notes)
    g_notes->erase(
        std::remove_if(g_notes->begin(), g_notes->end(),
                       [&](const PendingNotification& n) { return n.nest_level >= level; }),
        g_notes->end());
  if (g_owed)
    g_owed->erase(std::remove_if(g_owed->begin(), g_owed->end(),
                                 [&](const OwedTurn& t) { return t.nest_level >= level; }),
                  g_owed->end());
  if (!g_pending) return;
  auto& v = *g_pending;
  size_t keep = v.size();
  while (keep > 0 && v[keep - 1].nest_level >= level) --keep;
  v.erase(v.begin() + static_cast<std::ptrdiff_t>(keep), v.end());
}

void relabel_to_parent(int level) noexcept {
  if (g_notes)
    for (auto& n : *g_notes)
      if (n.nest_level >= level) n.nest_level = level - 1;
  if (g_owed)
    for (auto& t : *g_owed)
      if (t.nest_level >= level) t.nest_level = level - 1;
  if (!g_pending) return;
  for (auto it = g_pending->rbegin(); it != g_pending->rend() && it->nest_level >= level; ++it)
    it->nest_level = level - 1;
}

struct WrittenRun {
  int64_t first;
  int64_t last;
  Oid role;
};
std::vector<WrittenRun>* g_inserted = nullptr;  // in the order written; allocated on first use

// Drops the buffered records and notifications (of `min_level` and deeper) that were to be
// verified and whose lead does not exist: ON CONFLICT skipped its row after all. The lead being
// inserted is not judged yet. Runs as the extension owner (C style).
void drop_phantoms(int min_level) {
  std::vector<int64_t> ids;
  auto wanted = [&](int64_t lead_id, bool verify, int level) {
    return verify && level >= min_level && lead_id != g_being_inserted;
  };
  if (g_pending)
    for (const auto& r : *g_pending)
      if (wanted(r.lead_id, r.verify_lead, r.nest_level)) ids.push_back(r.lead_id);
  if (g_notes)
    for (const auto& n : *g_notes)
      if (wanted(n.lead_id, n.verify_lead, n.nest_level)) ids.push_back(n.lead_id);
  if (ids.empty()) return;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  Datum* elems = static_cast<Datum*>(palloc(sizeof(Datum) * ids.size()));
  for (size_t i = 0; i < ids.size(); ++i) elems[i] = Int64GetDatum(ids[i]);
  Datum arg = make_array(elems, nullptr, static_cast<int>(ids.size()), INT8OID);
  Oid type = INT8ARRAYOID;
  spi_connect();
  int ret = SPI_execute_with_args(
      "SELECT l.id FROM leadroute.leads l WHERE l.id OPERATOR(pg_catalog.=) ANY ($1)", 1, &type,
      &arg, nullptr, false, 0);
  if (ret != SPI_OK_SELECT)
    elog(ERROR, "could not check which leads exist: %s", SPI_result_code_string(ret));
  std::vector<int64_t> existing;
  existing.reserve(SPI_processed);
  for (uint64 i = 0; i < SPI_processed; ++i) {
    bool isnull;
    Datum d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
    if (!isnull) existing.push_back(DatumGetInt64(d));
  }
  spi_finish();
  std::sort(existing.begin(), existing.end());
  auto phantom = [&](int64_t lead_id, bool verify, int level) {
    return wanted(lead_id, verify, level) &&
           !std::binary_search(existing.begin(), existing.end(), lead_id);
  };
  if (g_pending) {
    auto& v = *g_pending;
    v.erase(std::remove_if(v.begin(), v.end(),
                           [&](const PendingRecord& r) {
                             return phantom(r.lead_id, r.verify_lead, r.nest_level);
                           }),
            v.end());
    for (auto& r : v)
      if (wanted(r.lead_id, r.verify_lead, r.nest_level)) r.verify_lead = false;
  }
  if (g_notes) {
    auto& v = *g_notes;
    v.erase(std::remove_if(v.begin(), v.end(),
                           [&](const PendingNotification& n) {
                             return phantom(n.lead_id, n.verify_lead, n.nest_level);
                           }),
            v.end());
    for (auto& n : v)
      if (wanted(n.lead_id, n.verify_lead, n.nest_level)) n.verify_lead = false;
  }
}

void xact_callback(XactEvent event, void*) {
  switch (event) {
    case XACT_EVENT_PRE_COMMIT:
    case XACT_EVENT_PARALLEL_PRE_COMMIT:
    case XACT_EVENT_PRE_PREPARE:
      // Normally empty: every INSERT statement flushes its own rows. A trigger that fired without
      // its statement trigger (logical replication with ENABLE ALWAYS) leaves rows here.
      if (has_pending_records()) flush_records(1, resolve_catalog().owner);
      break;
    case XACT_EVENT_ABORT:
    case XACT_EVENT_PARALLEL_ABORT:
    case XACT_EVENT_COMMIT:
    case XACT_EVENT_PARALLEL_COMMIT:
    case XACT_EVENT_PREPARE:
      discard_from_level(0);
      g_being_inserted = 0;
      delete g_inserted;
      g_inserted = nullptr;
      break;
  }
}

void subxact_callback(SubXactEvent event, SubTransactionId, SubTransactionId, void*) {
  if (event == SUBXACT_EVENT_ABORT_SUB)
    discard_from_level(GetCurrentTransactionNestLevel());
  else if (event == SUBXACT_EVENT_COMMIT_SUB)
    relabel_to_parent(GetCurrentTransactionNestLevel());
}

}  // namespace

PendingRecord record_of(const Decision& d, const char* kind, int64_t lead_id, TimestampTz at) {
  PendingRecord r;
  r.kind = kind;
  r.lead_id = lead_id;
  r.decided_at = at;
  r.status = d.status;
  r.rule_id = d.rule_id;
  r.pool_id = d.pool_id;
  r.model = d.model;
  r.owner_id = d.owner_id;
  r.queue = d.queue;
  r.fallback = d.fallback;
  r.nest_level = GetCurrentTransactionNestLevel();
  if (d.owner_id) r.assignment_reason = kind;
  if (d.sla_due_us) r.sla_due_at = to_pg(*d.sla_due_us);
  r.sla_policy_id = d.sla_policy_id;
  return r;
}

bool buffer_record(PendingRecord&& record) {
  pending().push_back(std::move(record));
  return pending().size() >= kFlushRows;
}

bool has_pending_records() {
  return (g_pending && !g_pending->empty()) || (g_owed && !g_owed->empty()) ||
         (g_notes && !g_notes->empty());
}

bool outbox_has_queue_column() {
  return get_attnum(resolve_catalog().notifications, "queue") != InvalidAttrNumber;
}

void buffer_notification(PendingNotification&& n) {
  if (!g_notes) g_notes = new std::vector<PendingNotification>();
  g_notes->push_back(std::move(n));
}

int pending_assignments(int64_t rep_id, TimestampTz since) {
  if (!g_pending) return 0;
  int n = 0;
  for (const auto& r : *g_pending)
    if (r.owner_id && *r.owner_id == rep_id && r.decided_at >= since) ++n;
  return n;
}

void buffer_owed_turn(int64_t pool_id, int64_t rep_id, int cap) {
  if (!g_owed) g_owed = new std::vector<OwedTurn>();
  g_owed->push_back(OwedTurn{pool_id, rep_id, cap, GetCurrentTransactionNestLevel()});
}

void flush_records(int min_level, Oid owner) {
  if (!has_pending_records()) return;
  UserSwitch saved;
  switch_to_owner(&saved, owner);
  drop_phantoms(min_level);
  // The records of the lead being inserted wait for the next flush: its row is not in the table.
  std::vector<PendingNotification> held_notes;
  if (g_notes && g_being_inserted != 0) {
    auto& n = *g_notes;
    while (!n.empty() && n.back().verify_lead && n.back().lead_id == g_being_inserted) {
      held_notes.push_back(std::move(n.back()));
      n.pop_back();
    }
  }
  insert_owed_turns(min_level);
  insert_notifications(min_level);
  if (g_notes)
    for (auto it = held_notes.rbegin(); it != held_notes.rend(); ++it)
      g_notes->push_back(std::move(*it));
  if (g_pending && !g_pending->empty()) {
    auto& v = *g_pending;
    // Write the rows of this level and deeper (the tail); rows of outer levels wait for their
    // own statement's end.
    size_t first = v.size();
    while (first > 0 && v[first - 1].nest_level >= min_level) --first;
    size_t end = v.size();
    while (end > first && g_being_inserted != 0 && v[end - 1].verify_lead &&
           v[end - 1].lead_id == g_being_inserted)
      --end;
    if (end > first) {
      insert_records(v, first, end);
      v.erase(v.begin() + static_cast<std::ptrdiff_t>(first),
              v.begin() + static_cast<std::ptrdiff_t>(end));
    }
  }
  restore_user(&saved);
}

void set_lead_being_inserted(int64_t lead_id) {
  g_being_inserted = lead_id;
}

void register_transaction_callbacks() {
  RegisterXactCallback(xact_callback, nullptr);
  RegisterSubXactCallback(subxact_callback, nullptr);
}

void remember_written_lead(int64_t lead_id, Oid role) {
  if (!g_inserted) g_inserted = new std::vector<WrittenRun>();
  auto& runs = *g_inserted;
  if (!runs.empty() && runs.back().last + 1 == lead_id && runs.back().role == role)
    runs.back().last = lead_id;
  else
    runs.push_back(WrittenRun{lead_id, lead_id, role});
}

bool written_by_this_transaction(int64_t lead_id, Oid role) {
  // Newest first: RETURNING asks about the row just written.
  if (!g_inserted) return false;
  for (auto it = g_inserted->rbegin(); it != g_inserted->rend(); ++it)
    if (lead_id >= it->first && lead_id <= it->last && it->role == role) return true;
  return false;
}

}  // namespace leadroute::pg
