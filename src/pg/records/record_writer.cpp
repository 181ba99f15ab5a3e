#include "pg/records/record_writer.h"

#include <algorithm>

#include "pg/boundary/datum_util.h"
#include "pg/records/direct_insert.h"
#include "pg/boundary/errors.h"
#include "pg/boundary/spi_util.h"
#include "pg/backend/state.h"

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
Datum jsonb_datum(const std::string& json) {
  return DirectFunctionCall1(jsonb_in, CStringGetDatum(json.c_str()));
}

// ---- the record tables ------------------------------------------------------------------------
//
// One column table per record table drives both writers: the direct insert (direct_insert.h), and
// the INSERT statement used instead when the table has a trigger with a transition table. A column
// is its name, its type and how its value is taken from a buffered row. C style: may ereport.

template <typename Row>
struct RecordColumn {
  const char* name;
  Oid type;
  Datum (*value)(const Row& row, bool* isnull);
};

template <typename Row>
struct RecordTable {
  const char* name;  // in schema leadroute
  Oid (*relid)();
  const RecordColumn<Row>* columns;
  int ncolumns_shared;
  const RecordColumn<Row>* last;   // after the shared columns, or nullptr
  bool (*wanted)(const Row& row);  // whether a buffered row has a row in this table
  SPIPlanPtr* plan;                // the statement form's plan, prepared on first use

  int ncolumns() const { return ncolumns_shared + (last ? 1 : 0); }
  const RecordColumn<Row>& column(int c) const { return c < ncolumns_shared ? columns[c] : *last; }
};

constexpr int kMaxRecordColumns = 16;

Datum not_null(bool* isnull, Datum d) {
  *isnull = false;
  return d;
}
Datum text_of(const char* s, bool* isnull) {
  return not_null(isnull, CStringGetTextDatum(s));
}
Datum jsonb_or_null(const std::string& json, bool* isnull) {
  *isnull = json.empty();
  return json.empty() ? 0 : jsonb_datum(json);
}
Datum time_or_null(const std::optional<TimestampTz>& t, bool* isnull) {
  *isnull = !t.has_value();
  return t ? TimestampTzGetDatum(*t) : 0;
}

using R = PendingRecord;
using N = PendingNotification;

// decisions and shadow_decisions share their columns but the last: the kind, or the ruleset.
const RecordColumn<R> kDecisionColumns[] = {
    {"lead_id", INT8OID, [](const R& r, bool* n) { return not_null(n, Int64GetDatum(r.lead_id)); }},
    {"decided_at", TIMESTAMPTZOID,
     [](const R& r, bool* n) { return not_null(n, TimestampTzGetDatum(r.decided_at)); }},
    {"status", TEXTOID, [](const R& r, bool* n) { return text_of(lead_status_name(r.status), n); }},
    {"rule_id", INT8OID, [](const R& r, bool* n) { return int8_or_null(r.rule_id, n); }},
    {"pool_id", INT8OID, [](const R& r, bool* n) { return int8_or_null(r.pool_id, n); }},
    {"routing_model", TEXTOID,
     [](const R& r, bool* n) { return text_of(routing_model_name(r.model), n); }},
    {"owner_id", INT8OID, [](const R& r, bool* n) { return int8_or_null(r.owner_id, n); }},
    {"queue", TEXTOID, [](const R& r, bool* n) { return text_datum_or_null(r.queue, n); }},
    {"fallback", BOOLOID,
     [](const R& r, bool* n) { return not_null(n, BoolGetDatum(r.fallback)); }},
    {"trace", JSONBOID, [](const R& r, bool* n) { return jsonb_or_null(r.trace, n); }},
    {"duration_us", INT4OID,
     [](const R& r, bool* n) { return not_null(n, Int32GetDatum(r.duration_us)); }},
    {"error", TEXTOID, [](const R& r, bool* n) { return text_datum_or_null(r.error, n); }},
};
const RecordColumn<R> kKindColumn = {"kind", TEXTOID,
                                     [](const R& r, bool* n) { return text_of(r.kind, n); }};
const RecordColumn<R> kRulesetColumn = {
    "ruleset", TEXTOID, [](const R& r, bool* n) { return text_of(r.shadow_ruleset.c_str(), n); }};

const RecordColumn<R> kAssignmentColumns[] = {
    {"lead_id", INT8OID, [](const R& r, bool* n) { return not_null(n, Int64GetDatum(r.lead_id)); }},
    {"rep_id", INT8OID, [](const R& r, bool* n) { return int8_or_null(r.owner_id, n); }},
    // The queue only for an assignment to a queue (an escalation to a manager's queue).
    {"queue", TEXTOID,
     [](const R& r, bool* n) {
       *n = r.owner_id.has_value() || !r.queue.has_value();
       return *n ? Datum(0) : CStringGetTextDatum(r.queue->c_str());
     }},
    {"reason", TEXTOID,
     [](const R& r, bool* n) { return text_of(r.assignment_reason->c_str(), n); }},
    {"rule_id", INT8OID, [](const R& r, bool* n) { return int8_or_null(r.rule_id, n); }},
    {"pool_id", INT8OID, [](const R& r, bool* n) { return int8_or_null(r.pool_id, n); }},
    {"assigned_at", TIMESTAMPTZOID,
     [](const R& r, bool* n) { return not_null(n, TimestampTzGetDatum(r.decided_at)); }},
    {"assigned_by", TEXTOID,
     [](const R& r, bool* n) {
       const char* who = GetUserNameFromId(r.user, true);  // as pg_get_userbyid()
       return text_of(who ? who : psprintf("unknown (OID=%u)", r.user), n);
     }},
    {"sla_due_at", TIMESTAMPTZOID,
     [](const R& r, bool* n) { return time_or_null(r.sla_due_at, n); }},
    {"sla_policy_id", INT8OID,
     [](const R& r, bool* n) { return int8_or_null(r.sla_policy_id, n); }},
};
// 0.3.0 (Catalog::has_points): left out on an older schema.
const RecordColumn<R> kPointsColumn = {
    "points", NUMERICOID, [](const R& r, bool* n) {
      *n = !r.points.has_value();
      return r.points ? DirectFunctionCall1(float8_numeric, Float8GetDatum(*r.points)) : Datum(0);
    }};

// The payload already holds sla_due_at (emit_event).
const RecordColumn<N> kNotificationColumns[] = {
    {"created_at", TIMESTAMPTZOID,
     [](const N& x, bool* n) { return not_null(n, TimestampTzGetDatum(x.created_at)); }},
    {"event", TEXTOID, [](const N& x, bool* n) { return text_of(x.event, n); }},
    {"lead_id", INT8OID, [](const N& x, bool* n) { return not_null(n, Int64GetDatum(x.lead_id)); }},
    {"rep_id", INT8OID, [](const N& x, bool* n) { return int8_or_null(x.rep_id, n); }},
    {"channel", TEXTOID, [](const N& x, bool* n) { return text_of(x.channel.c_str(), n); }},
    {"recipient", TEXTOID, [](const N& x, bool* n) { return text_of(x.recipient.c_str(), n); }},
    {"payload", JSONBOID, [](const N& x, bool* n) { return not_null(n, jsonb_datum(x.payload)); }},
};
// A library newer than the installed schema (before ALTER EXTENSION UPDATE) leaves it out
// (Catalog::outbox_has_queue).
const RecordColumn<N> kQueueColumn = {
    "queue", TEXTOID, [](const N& x, bool* n) { return text_datum_or_null(x.queue, n); }};

template <typename Row, size_t K>
constexpr int count_of(const RecordColumn<Row> (&)[K]) {
  static_assert(K < kMaxRecordColumns, "raise kMaxRecordColumns");  // one more: `last`
  return static_cast<int>(K);
}

SPIPlanPtr g_decisions_plan = nullptr, g_shadow_plan = nullptr, g_assignments_plan = nullptr,
           g_notes_plan = nullptr, g_notes_plan_without_queue = nullptr,
           g_assignments_plan_without_points = nullptr;

const RecordTable<R> kDecisions = {"decisions",      [] { return resolve_catalog().decisions; },
                                   kDecisionColumns, count_of(kDecisionColumns),
                                   &kKindColumn,     [](const R& r) { return r.write_decision; },
                                   &g_decisions_plan};
const RecordTable<R> kShadowDecisions = {
    "shadow_decisions", [] { return resolve_catalog().shadow_decisions; },
    kDecisionColumns,   count_of(kDecisionColumns),
    &kRulesetColumn,    [](const R& r) { return !r.shadow_ruleset.empty(); },
    &g_shadow_plan};
const RecordTable<R> kAssignments = {
    "assignments",      [] { return resolve_catalog().assignments; },
    kAssignmentColumns, count_of(kAssignmentColumns),
    &kPointsColumn,     [](const R& r) { return r.assignment_reason.has_value(); },
    &g_assignments_plan};
const RecordTable<R> kAssignmentsWithoutPoints = {
    "assignments",
    [] { return resolve_catalog().assignments; },
    kAssignmentColumns,
    count_of(kAssignmentColumns),
    nullptr,
    [](const R& r) { return r.assignment_reason.has_value(); },
    &g_assignments_plan_without_points};
const RecordTable<N> kNotifications = {
    "notifications",      [] { return resolve_catalog().notifications; },
    kNotificationColumns, count_of(kNotificationColumns),
    &kQueueColumn,        [](const N&) { return true; },
    &g_notes_plan};
const RecordTable<N> kNotificationsWithoutQueue = {"notifications",
                                                   [] { return resolve_catalog().notifications; },
                                                   kNotificationColumns,
                                                   count_of(kNotificationColumns),
                                                   nullptr,
                                                   [](const N&) { return true; },
                                                   &g_notes_plan_without_queue};

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

// INSERT INTO leadroute.<table> (columns) SELECT * FROM ROWS FROM (unnest($1), ...), prepared
// once per table and column count. Every name is schema-qualified: the plan cannot be hijacked by
// objects in the caller's search_path. C style.
template <typename Row>
SPIPlanPtr statement_plan(const RecordTable<Row>& t) {
  if (*t.plan) return *t.plan;
  StringInfoData sql, names;
  initStringInfo(&sql);
  initStringInfo(&names);
  Oid types[kMaxRecordColumns];
  for (int c = 0; c < t.ncolumns(); ++c) {
    appendStringInfo(&names, "%s%s", c ? ", " : "", t.column(c).name);
    types[c] = get_array_type(t.column(c).type);
  }
  appendStringInfo(&sql, "INSERT INTO leadroute.%s (%s) SELECT * FROM ROWS FROM (", t.name,
                   names.data);
  for (int c = 0; c < t.ncolumns(); ++c)
    appendStringInfo(&sql, "%spg_catalog.unnest($%d)", c ? ", " : "", c + 1);
  appendStringInfo(&sql, ") AS t(%s)", names.data);
  SPIPlanPtr plan = SPI_prepare(sql.data, t.ncolumns(), types);
  if (!plan)
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                    errmsg("leadroute could not prepare its insert into leadroute.%s: %s", t.name,
                           SPI_result_code_string(SPI_result))));
  SPI_keepplan(plan);
  *t.plan = plan;
  return plan;
}

// The wanted rows of rows[first, last) as one INSERT statement (C style).
template <typename Row>
void write_by_statement(const RecordTable<Row>& t, const std::vector<Row>& rows, size_t first,
                        size_t last) {
  int n = 0;
  for (size_t i = first; i < last; ++i) n += t.wanted(rows[i]) ? 1 : 0;
  if (n == 0) return;
  Datum args[kMaxRecordColumns];
  for (int c = 0; c < t.ncolumns(); ++c) {
    Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * n));
    bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * n));
    int k = 0;
    for (size_t i = first; i < last; ++i)
      if (t.wanted(rows[i])) {
        values[k] = t.column(c).value(rows[i], &nulls[k]);
        ++k;
      }
    args[c] = make_array(values, nulls, n, t.column(c).type);
  }
  spi_connect();
  int ret = SPI_execute_plan(statement_plan(t), args, nullptr, false, 0);
  if (ret != SPI_OK_INSERT)
    ereport(ERROR,
            (errcode(ERRCODE_INTERNAL_ERROR), errmsg("leadroute could not write leadroute.%s: %s",
                                                     t.name, SPI_result_code_string(ret))));
  spi_finish();
}

// The wanted rows of rows[first, last): direct inserts, or one INSERT statement when the table
// has a trigger with a transition table. C style.
template <typename Row>
void write_rows(const RecordTable<Row>& t, const std::vector<Row>& rows, size_t first,
                size_t last) {
  size_t i = first;
  while (i < last && !t.wanted(rows[i])) ++i;
  if (i == last) return;
  const char* names[kMaxRecordColumns];
  for (int c = 0; c < t.ncolumns(); ++c) names[c] = t.column(c).name;
  DirectInsert* d = direct_insert_begin(t.relid(), t.ncolumns(), names);
  if (!d) {
    write_by_statement(t, rows, first, last);
    return;
  }
  for (; i < last; ++i) {
    if (!t.wanted(rows[i])) continue;
    Datum values[kMaxRecordColumns];
    bool nulls[kMaxRecordColumns];
    for (int c = 0; c < t.ncolumns(); ++c) values[c] = t.column(c).value(rows[i], &nulls[c]);
    direct_insert_row(d, values, nulls);
  }
  direct_insert_end(d);
}

// Writes the buffered notifications [first, end) (C style).
void insert_notifications(size_t first, size_t end) {
  if (first >= end) return;
  write_rows(resolve_catalog().outbox_has_queue ? kNotifications : kNotificationsWithoutQueue,
             *g_notes, first, end);
  g_notes->erase(g_notes->begin() + static_cast<std::ptrdiff_t>(first),
                 g_notes->begin() + static_cast<std::ptrdiff_t>(end));
}

// Writes the owed turns of this level and deeper; beyond `cap` per rep and pool they are dropped
// (a rep away for a month is not owed a month of leads). C style.
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

std::vector<PendingRecord>& pending() {
  if (!g_pending) g_pending = new std::vector<PendingRecord>();
  return *g_pending;
}

// Writes records[first, last) (C style): shadow decisions, decisions, then the assignments.
void insert_records(const std::vector<PendingRecord>& records, size_t first, size_t last) {
  write_rows(kShadowDecisions, records, first, last);
  write_rows(kDecisions, records, first, last);
  write_rows(resolve_catalog().has_points ? kAssignments : kAssignmentsWithoutPoints, records,
             first, last);
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
  auto wanted = [&](int64_t lead_id, bool verify, int level) {
    return verify && level >= min_level && lead_id != g_being_inserted;
  };
  size_t most = (g_pending ? g_pending->size() : 0) + (g_notes ? g_notes->size() : 0);
  if (most == 0) return;
  // palloc'd, not std::vector: SPI below may ereport (docs/contributing.md, rule 1).
  Datum* ids = static_cast<Datum*>(palloc(sizeof(Datum) * most));
  int nids = 0;
  if (g_pending)
    for (const auto& r : *g_pending)
      if (wanted(r.lead_id, r.verify_lead, r.nest_level)) ids[nids++] = Int64GetDatum(r.lead_id);
  if (g_notes)
    for (const auto& n : *g_notes)
      if (wanted(n.lead_id, n.verify_lead, n.nest_level)) ids[nids++] = Int64GetDatum(n.lead_id);
  if (nids == 0) return;
  Datum arg = make_array(ids, nullptr, nids, INT8OID);
  Oid type = INT8ARRAYOID;
  spi_connect();
  int ret = SPI_execute_with_args(
      "SELECT l.id FROM leadroute.leads l WHERE l.id OPERATOR(pg_catalog.=) ANY ($1)"
      " ORDER BY l.id",
      1, &type, &arg, nullptr, false, 0);
  if (ret != SPI_OK_SELECT)
    elog(ERROR, "could not check which leads exist: %s", SPI_result_code_string(ret));
  size_t nexisting = SPI_processed;
  // In the caller's memory context, which outlives SPI's.
  int64_t* existing = static_cast<int64_t*>(SPI_palloc(sizeof(int64_t) * (nexisting + 1)));
  for (size_t i = 0; i < nexisting; ++i) {
    bool isnull;
    Datum d = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull);
    existing[i] = isnull ? 0 : DatumGetInt64(d);
  }
  spi_finish();
  auto phantom = [&](int64_t lead_id, bool verify, int level) {
    return wanted(lead_id, verify, level) &&
           !std::binary_search(existing, existing + nexisting, lead_id);
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
  r.points = d.points;
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
  insert_owed_turns(min_level);
  // The records of the lead being inserted wait for the next flush: its row is not in the table.
  if (g_notes && !g_notes->empty()) {
    auto& n = *g_notes;
    size_t end = n.size();
    while (end > 0 && g_being_inserted != 0 && n[end - 1].verify_lead &&
           n[end - 1].lead_id == g_being_inserted)
      --end;
    size_t first = end;
    while (first > 0 && n[first - 1].nest_level >= min_level) --first;
    insert_notifications(first, end);
  }
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
