// The triggers on leadroute.leads (route each inserted row; flush the engine's records at the
// end of the statement) and on the config tables (invalidate every session's cached config).
#include <new>
#include <string>
#include <vector>

#include "core/util/json.h"
#include "pg/routing/conflict_probe.h"
#include "core/routing/router.h"
#include "pg/boundary/errors.h"
#include "pg/backend/gucs.h"
#include "pg/routing/lead_io.h"
#include "pg/routing/pg_env.h"
#include "pg/records/record_writer.h"
#include "pg/backend/state.h"
#include "pg/records/events.h"
#include "pg/routing/trigger.h"

namespace leadroute::pg {

namespace {

// Reused for every row: no C++ object is created on the stack of code that can ereport.
struct RowWorkspace {
  LeadValues values;
  NormalizedStrings normalized;
  NormalizationResult normalization;
  AccountMatch match;
  Decision decision;
  HeapTuple base_tuple = nullptr;  // the row as inserted, or as the enrichment function returned it
  std::string error;
  int error_sqlstate = 0;
  bool routing_active = false;
  // ON CONFLICT: the table has unique indexes besides the primary key (check_conflicts), the id
  // was supplied (check_primary_key), and the row would conflict (conflict: it is not routed).
  Relation relation = nullptr;
  bool check_conflicts = false;
  bool check_primary_key = false;
  bool conflict = false;
  // The shadow rulesets' decisions for the current row (shadow mode).
  struct Shadow {
    const ShadowRuleset* ruleset = nullptr;
    Decision decision;
    int32_t duration_us = 0;
    std::string error;
  };
  std::vector<Shadow> shadows;
  size_t shadow_next = 0;  // the ruleset decide_shadow() evaluates
};

RowWorkspace* g_row = nullptr;

RowWorkspace& row_workspace() {
  if (!g_row) g_row = new RowWorkspace();
  return *g_row;
}

TriggerData* require_trigger(FunctionCallInfo fcinfo, const char* name) {
  if (!CALLED_AS_TRIGGER(fcinfo))
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("%s can only be called as a trigger", name)));
  return reinterpret_cast<TriggerData*>(fcinfo->context);
}

// Errors that must stop the statement rather than park a lead: cancellation, shutdown, resource
// exhaustion, serialization failures and corruption.
bool is_critical(int sqlstate) {
  int category = ERRCODE_TO_CATEGORY(sqlstate);
  return category == ERRCODE_TO_CATEGORY(ERRCODE_QUERY_CANCELED) ||          // 57
         category == ERRCODE_TO_CATEGORY(ERRCODE_INSUFFICIENT_RESOURCES) ||  // 53
         category == ERRCODE_TO_CATEGORY(ERRCODE_SYSTEM_ERROR) ||            // 58
         category == ERRCODE_TO_CATEGORY(ERRCODE_TRANSACTION_ROLLBACK) ||    // 40
         sqlstate == ERRCODE_DATA_CORRUPTED || sqlstate == ERRCODE_INDEX_CORRUPTED;
}

enum DecideStatus { DECIDED = 0, FAILED_CPP = 1, FAILED_PG = 2 };

void remember_error(RowWorkspace& ws, const char* message, int sqlstate) noexcept {
  try {
    ws.error = message;
  } catch (...) {
    ws.error.clear();
  }
  ws.error_sqlstate = sqlstate;
}

// Runs `body` (C++; PostgreSQL calls through pg_call) and turns whatever it throws into a
// status, with the error remembered in `ws` (and ErrorData in `*pg_error` for a PostgreSQL error).
template <typename Body>
DecideStatus run_caught(RowWorkspace& ws, ErrorData** pg_error, Body&& body) noexcept {
  try {
    body();
    return DECIDED;
  } catch (const PgError& e) {
    *pg_error = e.data();
    remember_error(ws, e.what(), e.data()->sqlerrcode);
    return FAILED_PG;
  } catch (const UserError& e) {
    remember_error(ws, e.what(), e.sqlstate());
  } catch (const std::bad_alloc&) {
    remember_error(ws, "leadroute ran out of memory", ERRCODE_OUT_OF_MEMORY);
  } catch (const std::exception& e) {
    remember_error(ws, e.what(), ERRCODE_INTERNAL_ERROR);
  } catch (...) {
    remember_error(ws, "unknown C++ exception", ERRCODE_INTERNAL_ERROR);
  }
  return FAILED_CPP;
}

// Everything routing decides for one row. Never throws: failures are reported through the
// status and `*pg_error`.
DecideStatus decide(RowWorkspace& ws, const LeadLayout& layout, TupleDesc tupdesc,
                    ErrorData** pg_error) noexcept {
  return run_caught(ws, pg_error, [&] {
    const RoutingConfig& config = current_config();
    ws.base_tuple = enrich_lead(ws.base_tuple, tupdesc, layout);
    ws.values.clear(config.attributes.size());
    HeapTuple tuple = ws.base_tuple;
    pg_call([&] { read_lead_tuple(layout, tupdesc, tuple, config.attributes, &ws.values); });
    ws.normalization = normalize_lead(ws.values, ws.normalized, config.freemail_domains);
    if (ws.check_conflicts) {
      // The row as it will be stored (normalization rewrites inputs such as the email).
      LeadOutputs normalized;
      normalized.normalized = &ws.values;
      normalized.normalization = &ws.normalization;
      ws.conflict = pg_call([&] {
        HeapTuple row = write_lead_outputs(layout, tupdesc, ws.base_tuple, normalized);
        return lead_would_conflict(ws.relation, row, ws.check_primary_key);
      });
      if (ws.conflict) {
        ws.decision = conflict_decision(route_options());
        return;
      }
    }
    PgRoutingEnv env;
    ws.match = match_account(match_inputs(ws.values, ws.normalized, ws.normalization),
                             guc_fuzzy_match_threshold, env);
    set_account_fields(ws.match, &ws.values);
    ws.decision = route_lead(config, ws.values, ws.match, env, route_options());
  });
}

// One shadow ruleset's decision for the row the live rules just decided (ws.values and ws.match
// as they left them). Never throws; like decide(), failures come back through the status.
DecideStatus decide_shadow(RowWorkspace& ws, const LeadLayout&, TupleDesc,
                           ErrorData** pg_error) noexcept {
  return run_caught(ws, pg_error, [&] {
    RowWorkspace::Shadow& out = ws.shadows[ws.shadow_next];
    instr_time start;
    INSTR_TIME_SET_CURRENT(start);
    ShadowRoutingEnv env;
    out.decision = route_lead_shadow(current_config(), *out.ruleset, ws.values, ws.match, env,
                                     route_options());
    instr_time elapsed;
    INSTR_TIME_SET_CURRENT(elapsed);
    INSTR_TIME_SUBTRACT(elapsed, start);
    out.duration_us = static_cast<int32_t>(INSTR_TIME_GET_MICROSEC(elapsed));
  });
}

using DecideFn = DecideStatus (*)(RowWorkspace&, const LeadLayout&, TupleDesc, ErrorData**);

// Runs decide() (or decide_shadow()) in a subtransaction, so that any error leaves the INSERT
// intact. The guarded part writes nothing, so the subtransaction never gets an XID of its own (a
// COPY of 100,000 leads does not overflow the snapshots' subtransaction caches).
DecideStatus decide_guarded(RowWorkspace& ws, const LeadLayout& layout, TupleDesc tupdesc,
                            ErrorData** error_out, DecideFn fn = decide) {
  MemoryContext oldcontext = CurrentMemoryContext;
  ResourceOwner oldowner = CurrentResourceOwner;
  volatile int status = DECIDED;
  ErrorData* volatile error = nullptr;
  ws.routing_active = true;
  BeginInternalSubTransaction(nullptr);
  MemoryContextSwitchTo(oldcontext);
  PG_TRY();
  {
    ErrorData* caught = nullptr;
    status = fn(ws, layout, tupdesc, &caught);
    if (status == DECIDED) {
      ReleaseCurrentSubTransaction();
    } else {
      error = caught;
      RollbackAndReleaseCurrentSubTransaction();
    }
    MemoryContextSwitchTo(oldcontext);
    CurrentResourceOwner = oldowner;
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(oldcontext);
    error = CopyErrorData();
    FlushErrorState();
    RollbackAndReleaseCurrentSubTransaction();
    MemoryContextSwitchTo(oldcontext);
    CurrentResourceOwner = oldowner;
    status = FAILED_PG;
  }
  PG_END_TRY();
  ws.routing_active = false;
  if (status == FAILED_PG && error) remember_error(ws, error->message, error->sqlerrcode);
  *error_out = error;
  return static_cast<DecideStatus>(status);
}

int64_t lead_id_of(HeapTuple tuple, TupleDesc tupdesc, const LeadLayout& layout) {
  bool isnull;
  Datum d = heap_getattr(tuple, layout.id, tupdesc, &isnull);
  if (isnull)
    ereport(ERROR, (errcode(ERRCODE_NOT_NULL_VIOLATION), errmsg("a lead needs an id"),
                    errhint("Leave id to its default.")));
  return DatumGetInt64(d);
}

void record_decision(RowWorkspace& ws, int64_t lead_id, TimestampTz decided_at, int32_t duration_us,
                     bool failed, Oid user, Oid owner, const char* kind) {
  PendingRecord r = record_of(ws.decision, kind, lead_id, decided_at);
  r.trace = std::move(ws.decision.trace);
  r.duration_us = duration_us;
  if (failed) r.error = ws.error;
  r.user = user;
  r.verify_lead = ws.check_conflicts;
  LeadEvent e;
  bool routed = std::string_view(kind) == "routed";
  e.event =
      ws.decision.owner_id ? (routed ? "assigned" : "rerouted") : (routed ? "queued" : "rerouted");
  e.lead_id = lead_id;
  e.decision = &ws.decision;
  if (ws.decision.owner_id) e.rep = current_config().rep(*ws.decision.owner_id);
  e.at = decided_at;
  e.sla_due_at = r.sla_due_at;
  e.verify_lead = r.verify_lead;
  emit_event(e);
  // A reroute is written at once (its caller reads it); inserts are written per statement.
  bool immediate = std::string_view(kind) != "routed";
  if (buffer_record(std::move(r)) || immediate)
    flush_records(GetCurrentTransactionNestLevel(), owner);
}

// Shadow mode: each shadow ruleset decides the row too, in its own subtransaction. A failure is
// recorded with the shadow decision and never touches the live one, except cancellation and the
// other critical errors, which stop the statement as anywhere else.
void decide_shadows(RowWorkspace& ws, const LeadLayout& layout, TupleDesc tupdesc) {
  const RoutingConfig& config = current_config();
  if (config.shadow_rulesets.empty()) return;
  ws.shadows.resize(config.shadow_rulesets.size());
  for (size_t i = 0; i < config.shadow_rulesets.size(); ++i) {
    ws.shadows[i].ruleset = &config.shadow_rulesets[i];
    ws.shadows[i].error.clear();
    ws.shadow_next = i;
    ErrorData* error = nullptr;
    DecideStatus status = decide_guarded(ws, layout, tupdesc, &error, decide_shadow);
    if (status == DECIDED) continue;
    if (is_critical(ws.error_sqlstate)) {
      if (error) ReThrowError(error);
      ereport(ERROR, (errcode(ws.error_sqlstate),
                      errmsg("leadroute: shadow routing failed: %s", ws.error.c_str())));
    }
    ws.shadows[i].error = ws.error;
    ws.shadows[i].decision = routing_error_decision(ws.error);
  }
}

void record_shadows(RowWorkspace& ws, int64_t lead_id, TimestampTz decided_at, Oid owner) {
  bool flush = false;
  for (RowWorkspace::Shadow& shadow : ws.shadows) {
    // A shadow_decisions row, nothing else: no decision row, no assignment.
    PendingRecord r = record_of(shadow.decision, "routed", lead_id, decided_at);
    r.shadow_ruleset = shadow.ruleset->name;
    r.write_decision = false;
    r.assignment_reason.reset();
    r.trace = std::move(shadow.decision.trace);
    r.duration_us = shadow.duration_us;
    if (!shadow.error.empty()) r.error = shadow.error;
    r.verify_lead = ws.check_conflicts;
    flush = buffer_record(std::move(r)) || flush;
  }
  ws.shadows.clear();
  if (flush) flush_records(GetCurrentTransactionNestLevel(), owner);
}

HeapTuple route_new_row(Relation relation, HeapTuple tuple, TupleDesc tupdesc,
                        const LeadLayout& layout, const Catalog& catalog, bool id_supplied) {
  RowWorkspace& ws = row_workspace();
  if (ws.routing_active)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("a lead cannot be inserted while another lead is being routed"),
                    errhint("The enrichment function must not insert into leadroute.leads.")));
  instr_time start;
  INSTR_TIME_SET_CURRENT(start);
  Oid inserting_user = GetUserId();
  UserSwitch saved;
  switch_to_owner(&saved, catalog.owner);

  ws.base_tuple = tuple;
  ws.relation = relation;
  ws.check_primary_key = id_supplied;
  ws.check_conflicts = id_supplied || leads_have_extra_unique_indexes(relation);
  ws.conflict = false;
  bool failed = false;
  if (!guc_enabled) {
    ws.decision = disabled_decision(route_options());
  } else {
    ErrorData* error = nullptr;
    DecideStatus status = decide_guarded(ws, layout, tupdesc, &error);
    if (status != DECIDED) {
      failed = true;
      ws.base_tuple = tuple;  // keep the row as inserted
      if (is_critical(ws.error_sqlstate) || guc_on_error == ON_ERROR_RAISE) {
        if (error) ReThrowError(error);
        ereport(ERROR, (errcode(ws.error_sqlstate),
                        errmsg("leadroute: routing failed: %s", ws.error.c_str())));
      }
      ws.decision = routing_error_decision(ws.error);
    }
  }
  ws.shadows.clear();
  if (!failed && guc_enabled && !ws.conflict) decide_shadows(ws, layout, tupdesc);

  LeadOutputs out;
  out.decision = &ws.decision;
  out.routed_at = routing_now();
  if (!failed && guc_enabled) {
    out.normalized = &ws.values;
    out.normalization = &ws.normalization;
  }
  HeapTuple result = write_lead_outputs(layout, tupdesc, ws.base_tuple, out);
  int64_t lead_id = lead_id_of(result, tupdesc, layout);
  if (catalog.rls_on_leads) remember_written_lead(lead_id, inserting_user);
  if (ws.check_conflicts) set_lead_being_inserted(lead_id);
  if (failed)
    ereport(WARNING,
            (errcode(ERRCODE_WARNING),
             errmsg("leadroute: routing failed for lead %lld; it is in queue \"routing_error\"",
                    static_cast<long long>(lead_id)),
             errdetail("%s", ws.error.c_str()),
             errhint("Fix the cause, then SELECT leadroute.reroute(id) FROM leadroute.leads "
                     "WHERE queue = 'routing_error';")));
  instr_time elapsed;
  INSTR_TIME_SET_CURRENT(elapsed);
  INSTR_TIME_SUBTRACT(elapsed, start);
  int32_t duration_us = static_cast<int32_t>(INSTR_TIME_GET_MICROSEC(elapsed));
  record_decision(ws, lead_id, out.routed_at, duration_us, failed, inserting_user, catalog.owner,
                  "routed");
  if (!ws.shadows.empty()) record_shadows(ws, lead_id, out.routed_at, catalog.owner);
  set_lead_being_inserted(0);
  restore_user(&saved);
  return result;
}

int64_t g_import_id = 0;  // leadroute.import_leads() is running

// The routing outputs of an imported row, read C style before any C++ object exists.
struct ImportedRow {
  int64_t lead_id;
  TimestampTz routed_at;
  bool has_owner, has_rule, has_pool;
  int64_t owner_id, rule_id, pool_id;
  const char* queue;   // NULL when absent
  const char* status;  // never NULL (the column is NOT NULL)
  const char* model;   // NULL when absent
};

ImportedRow read_imported(HeapTuple tuple, TupleDesc tupdesc, const LeadLayout& layout) {
  ImportedRow row{};
  bool isnull;
  row.lead_id = lead_id_of(tuple, tupdesc, layout);
  row.routed_at = DatumGetTimestampTz(heap_getattr(tuple, layout.routed_at, tupdesc, &isnull));
  Datum d = heap_getattr(tuple, layout.owner_id, tupdesc, &isnull);
  row.has_owner = !isnull;
  row.owner_id = isnull ? 0 : DatumGetInt64(d);
  d = heap_getattr(tuple, layout.rule_id, tupdesc, &isnull);
  row.has_rule = !isnull;
  row.rule_id = isnull ? 0 : DatumGetInt64(d);
  d = heap_getattr(tuple, layout.pool_id, tupdesc, &isnull);
  row.has_pool = !isnull;
  row.pool_id = isnull ? 0 : DatumGetInt64(d);
  d = heap_getattr(tuple, layout.queue, tupdesc, &isnull);
  row.queue = isnull ? nullptr : TextDatumGetCString(d);
  d = heap_getattr(tuple, layout.status, tupdesc, &isnull);
  row.status = isnull ? "queued" : TextDatumGetCString(d);
  d = heap_getattr(tuple, layout.routing_model, tupdesc, &isnull);
  row.model = isnull ? nullptr : TextDatumGetCString(d);
  return row;
}

// An imported lead kept as history: one decision of kind imported, with what the row says.
void record_imported(HeapTuple tuple, TupleDesc tupdesc, const LeadLayout& layout,
                     const Catalog& catalog) {
  ImportedRow row = read_imported(tuple, tupdesc, layout);
  int level = GetCurrentTransactionNestLevel();
  Oid user = GetUserId();
  bool flush = false;
  {
    PendingRecord r;
    r.kind = "imported";
    r.lead_id = row.lead_id;
    r.decided_at = row.routed_at;
    if (row.has_owner) r.owner_id = row.owner_id;
    if (row.has_rule) r.rule_id = row.rule_id;
    if (row.has_pool) r.pool_id = row.pool_id;
    if (row.queue) r.queue = std::string(row.queue);
    r.status = row.has_owner ? LeadStatus::Assigned
                             : (strcmp(row.status, "nurture") == 0 ? LeadStatus::Nurture
                                                                   : LeadStatus::Queued);
    r.model = row.model ? parse_routing_model(row.model).value_or(RoutingModel::Fallback)
                        : RoutingModel::Fallback;
    r.fallback = !row.has_rule;
    JsonWriter w;
    w.begin_object().key("v").value(int64_t{1});
    w.key("imported").begin_object().key("import_id");
    if (g_import_id != 0)
      w.value(g_import_id);
    else
      w.null();
    w.key("status").value(row.status).end_object();
    w.end_object();
    r.trace = w.take();
    r.user = user;
    r.nest_level = level;
    flush = buffer_record(std::move(r));
  }
  if (flush) flush_records(level, catalog.owner);
}

// The id of the row the last call of _new_lead_id() (the default of leads.id) generated: a row
// whose id is not it had its id supplied.
int64_t g_generated_id = 0;
bool g_generated_id_valid = false;

bool take_generated_id(int64_t id) {
  bool generated = g_generated_id_valid && g_generated_id == id;
  g_generated_id_valid = false;
  return generated;
}

[[noreturn]] void refuse_column(const char* column, const char* detail) {
  ereport(ERROR, (errcode(ERRCODE_GENERATED_ALWAYS),
                  errmsg("cannot insert a value into column \"%s\" of leadroute.leads", column),
                  errdetail("%s", detail),
                  errhint("Leave %s out of the INSERT or COPY column list. Leads with their "
                          "ids and routing history are imported by an admin with "
                          "leadroute.import_leads().",
                          column)));
}

// A role other than the extension owner inserts a lead: it is always routed, so the columns
// routing sets (and the id, which comes from the sequence) cannot be supplied.
void refuse_supplied_outputs(HeapTuple tuple, TupleDesc tupdesc, const LeadLayout& layout,
                             const Catalog& catalog, bool id_supplied) {
  if (id_supplied)
    refuse_column("id",
                  "Lead ids come from the sequence leadroute.leads_id_seq; a supplied id can "
                  "collide with the leads inserted after it.");
  struct Output {
    AttrNumber attnum;
    const char* name;
  };
  const Output outputs[] = {
      {layout.email_domain, "email_domain"},
      {layout.is_freemail, "is_freemail"},
      {layout.account_id, "account_id"},
      {layout.match_tier, "match_tier"},
      {layout.owner_id, "owner_id"},
      {layout.queue, "queue"},
      {layout.rule_id, "rule_id"},
      {layout.pool_id, "pool_id"},
      {layout.routing_model, "routing_model"},
      {layout.routed_at, "routed_at"},
      {layout.sla_due_at, "sla_due_at"},
      {layout.sla_policy_id, "sla_policy_id"},
      {layout.first_contact_at, "first_contact_at"},
      {layout.converted_at, "converted_at"},
  };
  for (const Output& o : outputs)
    if (o.attnum > 0 && !heap_attisnull(tuple, o.attnum, tupdesc))
      refuse_column(o.name,
                    "Routing sets it for every new lead: owner, queue, status, SLA clock and the "
                    "matched account come from the rules, contact and conversion times from the "
                    "rep's work.");
  bool isnull;
  Datum status = heap_getattr(tuple, layout.status, tupdesc, &isnull);
  if (!isnull && strcmp(TextDatumGetCString(status), "queued") != 0)
    refuse_column("status", "A new lead's status is set by routing (assigned, queued or nurture).");
  Datum escalations = heap_getattr(tuple, layout.escalations, tupdesc, &isnull);
  if (!isnull && DatumGetInt32(escalations) != 0)
    refuse_column("escalations", "Escalations are counted by leadroute.escalate_overdue().");
  (void)catalog;
}

}  // namespace

// reroute(): the same decision as on INSERT (enrichment, normalization, matching, rules), but an
// error raises. Returns the lead with its outputs; the decision JSON is left in *decision_json.
HeapTuple reroute_tuple(HeapTuple tuple, TupleDesc tupdesc, const LeadLayout& layout,
                        const Catalog& catalog, int64_t lead_id, Oid user,
                        std::string* decision_json) {
  RowWorkspace& ws = row_workspace();
  if (ws.routing_active)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("leads cannot be rerouted while another lead is being routed")));
  instr_time start;
  INSTR_TIME_SET_CURRENT(start);
  ws.base_tuple = tuple;
  ws.check_conflicts = false;  // the lead is stored already
  ws.check_primary_key = false;
  ws.conflict = false;
  ErrorData* error = nullptr;
  ws.routing_active = true;
  DecideStatus status = decide(ws, layout, tupdesc, &error);
  ws.routing_active = false;
  if (status == FAILED_PG) ReThrowError(error);
  if (status != DECIDED)
    ereport(ERROR, (errcode(ws.error_sqlstate),
                    errmsg("leadroute: rerouting lead %lld failed: %s",
                           static_cast<long long>(lead_id), ws.error.c_str())));
  LeadOutputs out;
  out.decision = &ws.decision;
  out.routed_at = routing_now();
  out.normalized = &ws.values;
  out.normalization = &ws.normalization;
  HeapTuple result = write_lead_outputs(layout, tupdesc, ws.base_tuple, out);
  instr_time elapsed;
  INSTR_TIME_SET_CURRENT(elapsed);
  INSTR_TIME_SUBTRACT(elapsed, start);
  *decision_json = decision_summary_json(ws.decision, ws.values);
  record_decision(ws, lead_id, out.routed_at,
                  static_cast<int32_t>(INSTR_TIME_GET_MICROSEC(elapsed)), false, user,
                  catalog.owner, "rerouted");
  return result;
}

}  // namespace leadroute::pg

using namespace leadroute::pg;

LR_FUNCTION(leadroute_route_trigger) {
  TriggerData* td = require_trigger(fcinfo, "leadroute._route_trigger()");
  if (!TRIGGER_FIRED_BEFORE(td->tg_event) || !TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
      !TRIGGER_FIRED_BY_INSERT(td->tg_event))
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("leadroute._route_trigger() must run BEFORE INSERT FOR EACH ROW")));
  TupleDesc tupdesc = RelationGetDescr(td->tg_relation);
  const Catalog& catalog = resolve_catalog();
  if (RelationGetRelid(td->tg_relation) != catalog.leads)
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("leadroute._route_trigger() belongs on leadroute.leads")));
  const LeadLayout& layout = resolve_layout(tupdesc);
  HeapTuple tuple = td->tg_trigtuple;
  // The extension owner (and a superuser) may insert history: a row that arrives already routed
  // (pg_restore, leadroute.import_leads()) is kept as it is. Anyone else's lead is routed, and
  // may not bring its own id or routing outputs.
  bool privileged = g_import_id != 0 || has_privs_of_role(GetUserId(), catalog.owner);
  bool id_supplied = false;
  if (catalog.tracks_lead_ids) {
    bool isnull;
    Datum id = heap_getattr(tuple, layout.id, tupdesc, &isnull);
    id_supplied = isnull || !take_generated_id(DatumGetInt64(id));
  }
  if (privileged) {
    bool routed_at_null;
    (void)heap_getattr(tuple, layout.routed_at, tupdesc, &routed_at_null);
    if (!routed_at_null) {
      // Recorded as imported, unless a dump is being restored: its decisions come with it
      // (pg_dump's scripts run with check_function_bodies and row_security off).
      bool restoring = !check_function_bodies && !row_security;
      if (g_import_id != 0 || !restoring) record_imported(tuple, tupdesc, layout, catalog);
      return PointerGetDatum(tuple);
    }
  } else {
    refuse_supplied_outputs(tuple, tupdesc, layout, catalog, id_supplied);
  }
  return PointerGetDatum(
      route_new_row(td->tg_relation, tuple, tupdesc, layout, catalog, id_supplied));
}

namespace leadroute::pg {
void set_import_in_progress(int64_t import_id) {
  g_import_id = import_id;
}
}  // namespace leadroute::pg

// The default of leads.id: the next value of leads_id_seq, remembered for the routing trigger.
LR_FUNCTION(leadroute_new_lead_id) {
  const Catalog& catalog = resolve_catalog();
  if (!OidIsValid(catalog.leads_id_seq))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                    errmsg("sequence leadroute.leads_id_seq does not exist"),
                    errhint("The leadroute extension is damaged; reinstall it.")));
  int64 id = nextval_internal(catalog.leads_id_seq, false);
  g_generated_id = id;
  g_generated_id_valid = true;
  PG_RETURN_INT64(id);
}

LR_FUNCTION(leadroute_route_flush) {
  TriggerData* td = require_trigger(fcinfo, "leadroute._route_flush()");
  if (!TRIGGER_FIRED_AFTER(td->tg_event) || !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event))
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("leadroute._route_flush() must run AFTER ... FOR EACH STATEMENT")));
  end_conflict_probes();
  if (has_pending_records())
    flush_records(GetCurrentTransactionNestLevel(), resolve_catalog().owner);
  return PointerGetDatum(nullptr);
}

LR_FUNCTION(leadroute_config_changed) {
  TriggerData* td = require_trigger(fcinfo, "leadroute._config_changed()");
  // Sent to every backend at commit, and applied in this one at the next command.
  CacheInvalidateRelcache(td->tg_relation);
  return PointerGetDatum(nullptr);
}
