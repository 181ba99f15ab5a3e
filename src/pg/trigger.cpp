// The triggers on leadroute.leads (route each inserted row; flush the engine's records at the
// end of the statement) and on the config tables (invalidate every session's cached config).
#include <new>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/router.h"
#include "errors.h"
#include "gucs.h"
#include "lead_io.h"
#include "pg_env.h"
#include "record_writer.h"
#include "state.h"
#include "trigger.h"

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
  std::string payload;
  bool routing_active = false;
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

TimestampTz from_unix_us(int64_t us) {
  return static_cast<TimestampTz>(us - kUnixEpochShiftUs);
}

void record_decision(RowWorkspace& ws, int64_t lead_id, TimestampTz decided_at, int32_t duration_us,
                     bool failed, Oid user, Oid owner, const char* kind) {
  PendingRecord r;
  r.kind = kind;
  r.lead_id = lead_id;
  r.decided_at = decided_at;
  r.status = ws.decision.status;
  r.rule_id = ws.decision.rule_id;
  r.pool_id = ws.decision.pool_id;
  r.model = ws.decision.model;
  r.owner_id = ws.decision.owner_id;
  r.queue = ws.decision.queue;
  r.fallback = ws.decision.fallback;
  r.trace = std::move(ws.decision.trace);
  r.duration_us = duration_us;
  if (failed) r.error = ws.error;
  r.user = user;
  r.nest_level = GetCurrentTransactionNestLevel();
  if (ws.decision.owner_id) r.assignment_reason = kind;  // routed or rerouted
  if (ws.decision.sla_due_us) r.sla_due_at = from_unix_us(*ws.decision.sla_due_us);
  r.sla_policy_id = ws.decision.sla_policy_id;
  LeadEvent e;
  bool routed = std::string_view(kind) == "routed";
  e.event =
      ws.decision.owner_id ? (routed ? "assigned" : "rerouted") : (routed ? "queued" : "rerouted");
  e.lead_id = lead_id;
  e.decision = &ws.decision;
  if (ws.decision.owner_id) e.rep = current_config().rep(*ws.decision.owner_id);
  e.at = decided_at;
  e.sla_due_at = r.sla_due_at;
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
    PendingRecord r;
    r.shadow_ruleset = shadow.ruleset->name;
    r.write_decision = false;
    r.lead_id = lead_id;
    r.decided_at = decided_at;
    r.status = shadow.decision.status;
    r.rule_id = shadow.decision.rule_id;
    r.pool_id = shadow.decision.pool_id;
    r.model = shadow.decision.model;
    r.owner_id = shadow.decision.owner_id;
    r.queue = shadow.decision.queue;
    r.fallback = shadow.decision.fallback;
    r.trace = std::move(shadow.decision.trace);
    r.duration_us = shadow.duration_us;
    if (!shadow.error.empty()) r.error = shadow.error;
    r.nest_level = GetCurrentTransactionNestLevel();
    flush = buffer_record(std::move(r)) || flush;
  }
  ws.shadows.clear();
  if (flush) flush_records(GetCurrentTransactionNestLevel(), owner);
}

HeapTuple route_new_row(HeapTuple tuple, TupleDesc tupdesc, const LeadLayout& layout,
                        const Catalog& catalog) {
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
  if (!failed && guc_enabled) decide_shadows(ws, layout, tupdesc);

  LeadOutputs out;
  out.decision = &ws.decision;
  out.routed_at = routing_now();
  if (!failed && guc_enabled) {
    out.normalized = &ws.values;
    out.normalization = &ws.normalization;
  }
  HeapTuple result = write_lead_outputs(layout, tupdesc, ws.base_tuple, out);
  int64_t lead_id = lead_id_of(result, tupdesc, layout);
  remember_written_lead(lead_id, inserting_user);
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
  restore_user(&saved);
  return result;
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
  // A row that arrives already routed is history (an import, or pg_dump's restore): keep it.
  bool routed_at_null;
  (void)heap_getattr(tuple, layout.routed_at, tupdesc, &routed_at_null);
  if (!routed_at_null) return PointerGetDatum(tuple);
  return PointerGetDatum(route_new_row(tuple, tupdesc, layout, catalog));
}

LR_FUNCTION(leadroute_route_flush) {
  TriggerData* td = require_trigger(fcinfo, "leadroute._route_flush()");
  if (!TRIGGER_FIRED_AFTER(td->tg_event) || !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event))
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("leadroute._route_flush() must run AFTER ... FOR EACH STATEMENT")));
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
