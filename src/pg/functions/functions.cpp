// SQL-callable functions: validators used by constraints, email_domain, explain, preview, reroute.
#include <cctype>
#include <string>

#include "core/lead/domain.h"
#include "core/trace/explain.h"
#include "core/util/json.h"
#include "core/routing/router.h"
#include "core/config/working_hours.h"
#include "pg/boundary/errors.h"
#include "pg/backend/gucs.h"
#include "pg/routing/lead_io.h"
#include "pg/routing/pg_env.h"
#include "pg/records/record_writer.h"
#include "pg/boundary/spi_util.h"
#include "pg/backend/state.h"
#include "pg/routing/trigger.h"

namespace leadroute::pg {

namespace {

std::string_view text_arg(FunctionCallInfo fcinfo, int n) {
  text* t = PG_GETARG_TEXT_PP(n);
  return std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
}

// what: whose condition it is (rule, territory, SLA policy), for the error message.
void validate_condition(std::string_view condition, const std::string& what = "rule") {
  try {
    check_condition(condition);
  } catch (const ConditionError& e) {
    throw condition_user_error(e, condition, (what + " condition").c_str());
  }
}

Datum jsonb_from_text(const std::string& json) {
  return pg_call([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(json.c_str())); });
}

}  // namespace

std::string decision_summary_json(const Decision& d, const LeadValues& lead) {
  JsonWriter w;
  w.begin_object();
  w.key("status").value(lead_status_name(d.status));
  w.key("owner_id");
  d.owner_id ? w.value(*d.owner_id) : w.null();
  w.key("queue");
  d.queue ? w.value(*d.queue) : w.null();
  w.key("rule_id");
  d.rule_id ? w.value(*d.rule_id) : w.null();
  w.key("routing_model").value(routing_model_name(d.model));
  w.key("fallback").value(d.fallback);
  w.key("account_id");
  d.account_id ? w.value(*d.account_id) : w.null();
  w.key("match_tier");
  d.match_tier ? w.value(*d.match_tier) : w.null();
  w.key("sla_due_at");
  if (d.sla_due_us) {
    // The same ISO 8601 form as jsonb_build_object gives a timestamptz (the notification payload).
    char buf[MAXDATELEN + 1];
    TimestampTz due = to_pg(*d.sla_due_us);
    pg_call([&] { JsonEncodeDateTime(buf, TimestampTzGetDatum(due), TIMESTAMPTZOID, nullptr); });
    w.value(std::string_view(buf));
  } else {
    w.null();
  }
  w.key("sla_policy_id");
  d.sla_policy_id ? w.value(*d.sla_policy_id) : w.null();
  const ValueView& domain = lead.get(FieldId::EmailDomain);
  w.key("email_domain");
  domain.kind == ValueKind::Text ? w.value(domain.text) : w.null();
  const ValueView& freemail = lead.get(FieldId::IsFreemail);
  w.key("is_freemail");
  freemail.kind == ValueKind::Boolean ? w.value(freemail.boolean) : w.null();
  std::string out = w.take();
  out += ",\"trace\":";
  out += d.trace.empty() ? "null" : d.trace;
  out += "}";
  return out;
}

namespace {

Datum preview_lead(Jsonb* lead_json) {
  const RoutingConfig& config = current_config();
  LeadValues lead;
  lead.clear(config.attributes.size());
  pg_call([&] { read_lead_jsonb(lead_json, config.attributes, &lead); });
  NormalizedStrings normalized;
  NormalizationResult result = normalize_lead(lead, normalized, config.freemail_domains);
  PeekRoutingEnv env;
  AccountMatch match =
      match_account(match_inputs(lead, normalized, result), guc_fuzzy_match_threshold, env);
  set_account_fields(match, &lead);
  Decision d = route_lead(config, lead, match, env, route_options());
  return jsonb_from_text(decision_summary_json(d, lead));
}

// ---- reroute -------------------------------------------------------------------------------

struct LockedLead {
  HeapTuple tuple;
  TupleDesc tupdesc;
  char* status;
};

// Locks the lead and returns it with the table's own row descriptor (C style).
LockedLead lock_lead(int64_t lead_id, Oid leads_relid) {
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(lead_id)};
  int ret = SPI_execute_with_args(
      "SELECT l, l.status FROM leadroute.leads l WHERE l.id OPERATOR(pg_catalog.=) $1 FOR UPDATE",
      1, types, values, nullptr, false, 1);
  if (ret != SPI_OK_SELECT) elog(ERROR, "could not read lead: %s", SPI_result_code_string(ret));
  if (SPI_processed == 0)
    ereport(ERROR, (errcode(ERRCODE_NO_DATA_FOUND),
                    errmsg("lead %lld does not exist", static_cast<long long>(lead_id))));
  bool isnull;
  Datum row = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
  LockedLead out;
  out.status = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
  HeapTupleHeader header = DatumGetHeapTupleHeader(row);
  HeapTupleData tmp;
  tmp.t_len = HeapTupleHeaderGetDatumLength(header);
  ItemPointerSetInvalid(&tmp.t_self);
  tmp.t_tableOid = leads_relid;
  tmp.t_data = header;
  out.tuple = heap_copytuple(&tmp);
  out.tupdesc = lookup_rowtype_tupdesc_copy(get_rel_type_id(leads_relid), -1);
  return out;
}

// The UPDATE that writes a rerouted lead back: every input column of the field table (routing
// normalizes them), attributes, and every column routing sets. Built once from the tables, so a
// new input field is written back without anyone listing it here (C style).
const char* reroute_update_sql() {
  static char* sql = nullptr;
  if (sql) return sql;
  static const char* const kOutputs[] = {
      "attributes",    "email_domain", "is_freemail",  "account_id", "match_tier",
      "owner_id",      "status",       "queue",        "rule_id",    "pool_id",
      "routing_model", "sla_due_at",   "sla_policy_id"};
  MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
  StringInfoData buf;
  initStringInfo(&buf);
  appendStringInfoString(&buf, "UPDATE leadroute.leads l SET ");
  bool first = true;
  auto column = [&](const char* name) {
    appendStringInfo(&buf, "%s%s = (r).%s", first ? "" : ", ", name, name);
    first = false;
  };
  for (const FieldInfo& f : all_fields())
    if (!f.derived) column(f.name);
  for (const char* name : kOutputs) column(name);
  appendStringInfoString(&buf, " FROM (SELECT $1 AS r) n WHERE l.id OPERATOR(pg_catalog.=) $2");
  MemoryContextSwitchTo(old);
  sql = buf.data;
  return sql;
}

// Writes the rerouted lead back, from the new row (C style).
void update_lead(HeapTuple routed, TupleDesc tupdesc, Oid leads_relid, int64_t lead_id) {
  Oid types[2] = {get_rel_type_id(leads_relid), INT8OID};
  Datum values[2] = {heap_copy_tuple_as_datum(routed, tupdesc), Int64GetDatum(lead_id)};
  int ret = SPI_execute_with_args(reroute_update_sql(), 2, types, values, nullptr, false, 0);
  if (ret != SPI_OK_UPDATE) elog(ERROR, "could not update lead: %s", SPI_result_code_string(ret));
}

Datum reroute_lead(int64_t lead_id, const Catalog& catalog, Oid user) {
  BackendState& st = backend_state();
  pg_call([] { spi_connect(); });
  LockedLead locked = pg_call([&] { return lock_lead(lead_id, catalog.leads); });
  std::string status = locked.status ? locked.status : "";
  if (status != "assigned" && status != "queued" && status != "nurture")
    throw UserError(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "lead " + std::to_string(lead_id) + " is " + status + " and cannot be rerouted",
                    "", "Only assigned, queued and nurture leads are rerouted.");
  const LeadLayout& layout = *pg_call([&] { return &resolve_layout(locked.tupdesc); });
  std::string decision;
  HeapTuple routed = pg_call([&] {
    return reroute_tuple(locked.tuple, locked.tupdesc, layout, catalog, lead_id, user, &decision);
  });
  st.engine_updating = true;
  try {
    pg_call([&] { update_lead(routed, locked.tupdesc, catalog.leads, lead_id); });
  } catch (...) {
    st.engine_updating = false;
    throw;
  }
  st.engine_updating = false;
  pg_call([] { spi_finish(); });
  return jsonb_from_text(decision);
}

// ---- explain -------------------------------------------------------------------------------

std::optional<std::string> opt_cell(const TextTable& t, uint64 row, int col) {
  if (!t.cell(row, col)) return std::nullopt;
  return std::string(t.cell(row, col));
}

// Names of rules, reps and pools as they were when the decision was made (config_history),
// current ones otherwise: explain of an old lead shows the rules that decided it.
ExplainNames load_names(const char* decision_id) {
  Oid types[1] = {INT8OID};
  // No decision: id 0, which no decision has, gives the current names.
  Datum values[1] = {Int64GetDatum(decision_id ? std::stoll(decision_id) : 0)};
  TextTable rows = pg_call([&] {
    return spi_text_query(
        "SELECT kind, id, name, priority, action FROM leadroute._explain_names($1)", 1, types,
        values);
  });
  ExplainNames names;
  for (uint64 r = 0; r < rows.rows; ++r) {
    std::string_view kind = rows.cell(r, 0);
    int64_t id = std::stoll(rows.cell(r, 1));
    if (kind == "rule")
      names.rules[id] = ExplainRule{
          rows.cell(r, 2), static_cast<int32_t>(std::stol(rows.cell(r, 3))), rows.cell(r, 4)};
    else if (kind == "rep")
      names.reps[id] = rows.cell(r, 2);
    else
      names.pools[id] = rows.cell(r, 2);
  }
  return names;
}

std::string explain_lead(int64_t lead_id) {
  pg_call([] { spi_connect(); });
  Oid types[1] = {INT8OID};
  Datum values[1] = {Int64GetDatum(lead_id)};
  TextTable lead = pg_call([&] {
    return spi_text_query(
        "SELECT l.email, l.company, d.id IS NOT NULL, d.kind,"
        "       pg_catalog.to_char(d.decided_at, 'YYYY-MM-DD HH24:MI:SS TZ'),"
        "       d.duration_us, d.status, d.owner_id, d.queue, d.rule_id, d.routing_model,"
        "       d.fallback, d.trace::pg_catalog.text, d.error, d.id"
        "  FROM leadroute.leads l"
        "  LEFT JOIN LATERAL (SELECT * FROM leadroute.decisions d"
        "                      WHERE d.lead_id OPERATOR(pg_catalog.=) l.id"
        "                      ORDER BY d.id DESC LIMIT 1) d ON true"
        " WHERE l.id OPERATOR(pg_catalog.=) $1",
        1, types, values);
  });
  if (lead.rows == 0)
    throw UserError(ERRCODE_NO_DATA_FOUND, "lead " + std::to_string(lead_id) + " does not exist");
  std::string out;
  ExplainNames names = load_names(lead.cell(0, 14));
  if (lead.cell(0, 2)[0] == 't') {
    ExplainDecision d;
    d.lead_id = lead_id;
    d.email = opt_cell(lead, 0, 0).value_or("");
    d.company = opt_cell(lead, 0, 1).value_or("");
    d.kind = opt_cell(lead, 0, 3).value_or("routed");
    d.kind[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(d.kind[0])));
    d.decided_at = opt_cell(lead, 0, 4).value_or("");
    if (lead.cell(0, 5)) d.duration_us = std::stoll(lead.cell(0, 5));
    d.status = opt_cell(lead, 0, 6).value_or("");
    if (lead.cell(0, 7)) d.owner_id = std::stoll(lead.cell(0, 7));
    d.queue = opt_cell(lead, 0, 8);
    if (lead.cell(0, 9)) d.rule_id = std::stoll(lead.cell(0, 9));
    d.routing_model = opt_cell(lead, 0, 10).value_or("");
    d.fallback = lead.cell(0, 11) && lead.cell(0, 11)[0] == 't';
    d.trace = opt_cell(lead, 0, 12).value_or("");
    d.error = opt_cell(lead, 0, 13);
    out = render_explain(d, names);
  } else {
    out = "Lead " + std::to_string(lead_id) +
          " has no routing decision: it was stored already routed (an import or a restore).\n";
  }
  TextTable history = pg_call([&] {
    return spi_text_query(
        "SELECT pg_catalog.to_char(a.assigned_at, 'YYYY-MM-DD HH24:MI:SS TZ'), a.reason, a.rep_id, "
        "a.queue, a.assigned_by"
        "  FROM leadroute.assignments a"
        " WHERE a.lead_id OPERATOR(pg_catalog.=) $1 ORDER BY a.id",
        1, types, values);
  });
  if (history.rows > 0) {
    out += "\nOwnership history:\n";
    for (uint64 r = 0; r < history.rows; ++r) {
      out += "  " + opt_cell(history, r, 0).value_or("") + "  " +
             opt_cell(history, r, 1).value_or("") + " → ";
      if (history.cell(r, 2))
        out += names.rep(std::stoll(history.cell(r, 2)));
      else
        out += "queue \"" + opt_cell(history, r, 3).value_or("") + "\"";
      out += " by " + opt_cell(history, r, 4).value_or("?") + "\n";
    }
  }
  pg_call([] { spi_finish(); });
  return out;
}

}  // namespace

}  // namespace leadroute::pg

using namespace leadroute;
using namespace leadroute::pg;

LR_FUNCTION(leadroute_check_condition) {
  validate_condition(text_arg(fcinfo, 0));
  PG_RETURN_VOID();
}

LR_FUNCTION(leadroute_valid_condition) {
  std::string what = PG_NARGS() > 1 && !PG_ARGISNULL(1) ? std::string(text_arg(fcinfo, 1)) : "rule";
  validate_condition(text_arg(fcinfo, 0), what);
  PG_RETURN_BOOL(true);
}

LR_FUNCTION(leadroute_valid_points) {
  std::string_view expression = text_arg(fcinfo, 0);
  try {
    check_points(expression);
  } catch (const ConditionError& e) {
    throw condition_user_error(e, expression, "pool points expression");
  }
  PG_RETURN_BOOL(true);
}

LR_FUNCTION(leadroute_valid_working_hours) {
  Jsonb* hours = PG_GETARG_JSONB_P(0);
  char* text = JsonbToCString(nullptr, &hours->root, VARSIZE(hours));
  try {
    (void)WorkingHours::parse(text);
  } catch (const WorkingHoursError& e) {
    throw UserError(ERRCODE_INVALID_PARAMETER_VALUE, e.what(),
                    std::string("working_hours: ") + text, as_sentence(e.hint()));
  }
  PG_RETURN_BOOL(true);
}

LR_FUNCTION(leadroute_valid_skills) {
  ArrayType* array = PG_GETARG_ARRAYTYPE_P(0);
  Datum* elems;
  bool* nulls;
  int count;
  deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &count);
  for (int i = 0; i < count; ++i) {
    std::string position = "required skill " + std::to_string(i + 1);
    if (nulls[i])
      throw UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED, position + " is NULL", "",
                      "Write each skill as text, e.g. ARRAY['lang:de', 'product:{industry}'], or "
                      "leave required_skills NULL for none.");
    std::string skill = pg_call([&] { return TextDatumGetCString(elems[i]); });
    if (trim(skill).empty())
      throw UserError(ERRCODE_INVALID_PARAMETER_VALUE, position + " is empty", "",
                      "Remove it, or write a skill such as lang:de.");
    try {
      (void)SkillTemplate::parse(skill);
    } catch (const std::invalid_argument& e) {
      throw UserError(ERRCODE_INVALID_PARAMETER_VALUE, e.what(), "",
                      "Placeholders name lead fields: lang:{language}, product:{industry}.");
    }
  }
  PG_RETURN_BOOL(true);
}

// Row-level security: true for the leads this transaction inserted or handed on.
LR_FUNCTION(leadroute_written_by_this_transaction) {
  PG_RETURN_BOOL(written_by_this_transaction(PG_GETARG_INT64(0), GetUserId()));
}

LR_FUNCTION(leadroute_valid_timezone) {
  char* name = text_to_cstring(PG_GETARG_TEXT_PP(0));
  if (pg_tzset(name) == nullptr)
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("unknown time zone \"%s\"", name),
             errhint("Use an IANA name such as America/Chicago; "
                     "SELECT name FROM pg_timezone_names lists them.")));
  PG_RETURN_BOOL(true);
}

LR_FUNCTION(leadroute_email_domain) {
  std::optional<std::string> domain = domain_of(text_arg(fcinfo, 0));
  if (!domain) PG_RETURN_NULL();
  return text_datum(*domain);
}

LR_FUNCTION(leadroute_explain) {
  int64 lead_id = PG_GETARG_INT64(0);
  const Catalog& catalog = resolve_catalog();
  UserSwitch saved;
  switch_to_owner(&saved, catalog.owner);
  Datum result = text_datum(explain_lead(lead_id));
  restore_user(&saved);
  return result;
}

LR_FUNCTION(leadroute_preview) {
  Jsonb* lead = PG_GETARG_JSONB_P(0);
  const Catalog& catalog = resolve_catalog();
  UserSwitch saved;
  switch_to_owner(&saved, catalog.owner);
  Datum result = preview_lead(lead);
  restore_user(&saved);
  return result;
}

LR_FUNCTION(leadroute_reroute) {
  int64 lead_id = PG_GETARG_INT64(0);
  const Catalog& catalog = resolve_catalog();
  Oid caller = GetUserId();  // recorded as assigned_by, before running as the extension owner
  UserSwitch saved;
  switch_to_owner(&saved, catalog.owner);
  Datum result = reroute_lead(lead_id, catalog, caller);
  restore_user(&saved);
  return result;
}

// The C++ vocabulary: every SQL name the engine reads or writes, for the test that checks it
// against the CHECK constraints and columns of the tables (test/pgtap/24_vocabulary.sql).
LR_FUNCTION(leadroute_vocabulary) {
  pg_call([&] { InitMaterializedSRF(fcinfo, 0); });
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  std::vector<VocabularyEntry> entries = vocabulary();
  for (const FieldInfo& f : all_fields())
    if (!f.derived) entries.push_back({"input_field", f.name});
  pg_call([&] {
    for (const VocabularyEntry& e : entries) {
      Datum values[2] = {CStringGetTextDatum(e.kind), CStringGetTextDatum(e.name)};
      bool nulls[2] = {false, false};
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
  });
  return static_cast<Datum>(0);
}
