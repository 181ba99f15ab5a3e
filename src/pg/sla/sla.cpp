// SLA clocks and escalation (docs/sla.md): add_business_minutes(), record_contact(), the UPDATE
// trigger on leads (first contact, conversion, manual reassignment) and escalate_overdue().
#include <string>

#include "pg/boundary/errors.h"
#include "pg/backend/gucs.h"
#include "pg/routing/lead_io.h"
#include "pg/routing/pg_env.h"
#include "pg/records/record_writer.h"
#include "pg/boundary/spi_util.h"
#include "pg/backend/state.h"
#include "pg/records/events.h"

namespace leadroute::pg {

namespace {

// The lead as conditions see it (stored values are normalized already; account fields again).
struct LeadSnapshot {
  LeadValues values;
  NormalizedStrings normalized;
  AccountMatch match;
};

void snapshot_lead(const LeadLayout& layout, TupleDesc tupdesc, HeapTuple tuple,
                   const RoutingConfig& config, LeadSnapshot* s) {
  s->values.clear(config.attributes.size());
  pg_call([&] { read_lead_tuple(layout, tupdesc, tuple, config.attributes, &s->values); });
  NormalizationResult result = normalize_lead(s->values, s->normalized, config.freemail_domains);
  PgRoutingEnv env;
  s->match =
      match_account(match_inputs(s->values, s->normalized, result), guc_fuzzy_match_threshold, env);
  set_account_fields(s->match, &s->values);
}

std::optional<int64_t> int8_column(HeapTuple tuple, TupleDesc tupdesc, AttrNumber attnum) {
  if (attnum <= 0) return std::nullopt;
  struct Value {
    bool isnull;
    int64 v;
  };
  Value v = pg_call([&] {
    Value out{true, 0};
    Datum d = heap_getattr(tuple, attnum, tupdesc, &out.isnull);
    if (!out.isnull) out.v = DatumGetInt64(d);
    return out;
  });
  if (v.isnull) return std::nullopt;
  return v.v;
}

// ---- escalation ------------------------------------------------------------------------------

struct OverdueLeads {
  uint64 count;
  HeapTuple* tuples;
  TupleDesc tupdesc;
};

// Overdue, uncontacted leads, locked without waiting for anyone (C style).
OverdueLeads claim_overdue(int max_leads, Oid leads_relid) {
  Oid types[2] = {TIMESTAMPTZOID, INT4OID};
  Datum values[2] = {TimestampTzGetDatum(routing_now()), Int32GetDatum(max_leads)};
  MemoryContext caller = CurrentMemoryContext;
  int ret = SPI_execute_with_args(
      "SELECT l FROM leadroute.leads l"
      " WHERE l.status OPERATOR(pg_catalog.=) 'assigned' AND l.first_contact_at IS NULL"
      "   AND l.sla_due_at OPERATOR(pg_catalog.<=) $1"
      " ORDER BY l.sla_due_at LIMIT $2 FOR UPDATE SKIP LOCKED",
      2, types, values, nullptr, false, 0);
  if (ret != SPI_OK_SELECT)
    elog(ERROR, "could not read overdue leads: %s", SPI_result_code_string(ret));
  OverdueLeads out;
  out.count = SPI_processed;
  MemoryContext spi = MemoryContextSwitchTo(caller);
  out.tuples = static_cast<HeapTuple*>(palloc(sizeof(HeapTuple) * (out.count + 1)));
  out.tupdesc = lookup_rowtype_tupdesc_copy(get_rel_type_id(leads_relid), -1);
  for (uint64 i = 0; i < out.count; ++i) {
    bool isnull;
    HeapTupleHeader header = DatumGetHeapTupleHeader(
        SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
    HeapTupleData tmp;
    tmp.t_len = HeapTupleHeaderGetDatumLength(header);
    ItemPointerSetInvalid(&tmp.t_self);
    tmp.t_tableOid = leads_relid;
    tmp.t_data = header;
    out.tuples[i] = heap_copytuple(&tmp);
  }
  MemoryContextSwitchTo(spi);
  return out;
}

void store_escalation(int64 lead_id, const Decision& d, bool placed) {
  Oid types[7] = {INT8OID, INT8OID, TEXTOID, TEXTOID, TIMESTAMPTZOID, INT8OID, INT8OID};
  Datum values[7];
  char nulls[7] = {' ', ' ', ' ', ' ', ' ', ' ', ' '};
  values[0] = Int64GetDatum(lead_id);
  if (d.owner_id)
    values[1] = Int64GetDatum(*d.owner_id);
  else
    nulls[1] = 'n';
  values[2] = CStringGetTextDatum(lead_status_name(d.status));
  if (d.queue)
    values[3] = CStringGetTextDatum(d.queue->c_str());
  else
    nulls[3] = 'n';
  if (d.sla_due_us)
    values[4] = TimestampTzGetDatum(to_pg(*d.sla_due_us));
  else
    nulls[4] = 'n';
  if (d.sla_policy_id)
    values[5] = Int64GetDatum(*d.sla_policy_id);
  else
    nulls[5] = 'n';
  if (placed && d.pool_id)
    values[6] = Int64GetDatum(*d.pool_id);
  else
    nulls[6] = 'n';
  int ret = SPI_execute_with_args(
      "UPDATE leadroute.leads SET owner_id = $2, status = $3, queue = $4, sla_due_at = $5,"
      " sla_policy_id = $6, pool_id = coalesce($7, pool_id),"
      " escalations = escalations OPERATOR(pg_catalog.+) 1"
      " WHERE id OPERATOR(pg_catalog.=) $1",
      7, types, values, nulls, false, 0);
  if (ret != SPI_OK_UPDATE) elog(ERROR, "could not escalate lead: %s", SPI_result_code_string(ret));
}

int escalate(int max_leads, const Catalog& catalog, Oid user) {
  BackendState& st = backend_state();
  pg_call([] { spi_connect(); });
  OverdueLeads overdue = pg_call([&] { return claim_overdue(max_leads, catalog.leads); });
  if (overdue.count == 0) {
    pg_call([] { spi_finish(); });
    return 0;
  }
  const LeadLayout& layout = *pg_call([&] { return &resolve_layout(overdue.tupdesc); });
  const RoutingConfig& config = current_config();
  TimestampTz now = pg_call([] { return routing_now(); });
  int escalated = 0;
  LeadSnapshot lead;
  for (uint64 i = 0; i < overdue.count; ++i) {
    instr_time started;
    INSTR_TIME_SET_CURRENT(started);
    HeapTuple tuple = overdue.tuples[i];
    int64_t lead_id = *int8_column(tuple, overdue.tupdesc, layout.id);
    EscalationInput in;
    in.owner_id = int8_column(tuple, overdue.tupdesc, layout.owner_id).value_or(0);
    in.pool_id = int8_column(tuple, overdue.tupdesc, layout.pool_id);
    in.rule_id = int8_column(tuple, overdue.tupdesc, layout.rule_id);
    in.escalations = pg_call([&] {
      bool isnull;
      Datum d = heap_getattr(tuple, layout.escalations, overdue.tupdesc, &isnull);
      return isnull ? 0 : DatumGetInt32(d);
    });
    in.max_escalations = guc_max_escalations;
    snapshot_lead(layout, overdue.tupdesc, tuple, config, &lead);
    PgRoutingEnv env;
    Decision d;
    try {
      d = escalate_lead(config, lead.values, in, env, route_options());
    } catch (const ConfigFault& fault) {
      // One broken row of configuration stops this lead's escalation, not everybody's.
      std::string message = fault.what();
      pg_call([&] {
        ereport(WARNING, (errmsg("leadroute: lead %lld was not escalated: %s",
                                 static_cast<long long>(lead_id), message.c_str())));
      });
      continue;
    }
    bool placed = d.owner_id.has_value();
    st.engine_updating = true;
    try {
      pg_call([&] { store_escalation(lead_id, d, placed); });
    } catch (...) {
      st.engine_updating = false;
      throw;
    }
    st.engine_updating = false;
    PendingRecord r = record_of(d, "escalated", lead_id, now);
    r.fallback = false;
    r.trace = d.trace;
    instr_time elapsed;
    INSTR_TIME_SET_CURRENT(elapsed);
    INSTR_TIME_SUBTRACT(elapsed, started);
    r.duration_us = static_cast<int32_t>(INSTR_TIME_GET_MICROSEC(elapsed));
    r.user = user;
    r.assignment_reason = "escalated";  // also when the lead goes to the manager's queue
    buffer_record(std::move(r));
    // The new owner (or the queue's listeners), and the manager of the rep who let the lead wait.
    LeadEvent e;
    e.event = "escalated";
    e.lead_id = lead_id;
    e.decision = &d;
    e.rep = d.owner_id ? config.rep(*d.owner_id) : nullptr;
    e.previous_rep_id = in.owner_id;
    e.at = now;
    if (d.sla_due_us) e.sla_due_at = to_pg(*d.sla_due_us);
    emit_event(e);
    if (const Rep* old_owner = config.rep(in.owner_id); old_owner && old_owner->manager_id)
      if (const Rep* manager = config.rep(*old_owner->manager_id)) {
        e.event = "manager_alert";
        e.rep = manager;
        emit_event(e);
      }
    ++escalated;
  }
  pg_call([&] { flush_records(GetCurrentTransactionNestLevel(), catalog.owner); });
  pg_call([] { spi_finish(); });
  return escalated;
}

// ---- the UPDATE trigger ---------------------------------------------------------------------

// A person changed the owner: record it, restart the clock, tell the new owner.
// `person` is the role that ran the UPDATE (the trigger runs the rest as the extension owner).
HeapTuple manual_reassignment(HeapTuple old_tuple, HeapTuple new_tuple, TupleDesc tupdesc,
                              const LeadLayout& layout, const Catalog& catalog, Oid person) {
  const RoutingConfig& config = current_config();
  std::optional<int64_t> owner = int8_column(new_tuple, tupdesc, layout.owner_id);
  std::optional<int64_t> previous_owner = int8_column(old_tuple, tupdesc, layout.owner_id);
  int64_t lead_id = *int8_column(new_tuple, tupdesc, layout.id);
  // Before 0.3.0: the rep who handed it on may see the new row (row-level security).
  if (catalog.rls_on_leads) remember_written_lead(lead_id, person);
  TimestampTz now = pg_call([] { return routing_now(); });
  Decision d;
  d.owner_id = owner;
  d.rule_id = std::nullopt;
  d.model = RoutingModel::Queue;
  d.status = owner ? LeadStatus::Assigned : LeadStatus::Queued;
  if (owner) {
    const Rep* rep = config.rep(*owner);
    LeadSnapshot lead;
    snapshot_lead(layout, tupdesc, new_tuple, config, &lead);
    PgZoneClock clock;
    if (rep) {
      auto due = sla_due(config, lead.values, *rep, to_unix(now), clock);
      if (due) {
        d.sla_due_us = due->due_us;
        d.sla_policy_id = due->policy_id;
      }
    }
  }
  // The new row: status assigned when a queued lead gets an owner; a fresh SLA clock.
  HeapTuple result = pg_call([&] {
    int natts = tupdesc->natts;
    Datum* values = static_cast<Datum*>(palloc0(sizeof(Datum) * natts));
    bool* nulls = static_cast<bool*>(palloc0(sizeof(bool) * natts));
    bool* replace = static_cast<bool*>(palloc0(sizeof(bool) * natts));
    auto set = [&](AttrNumber a, Datum v, bool isnull) {
      if (a <= 0) return;
      values[a - 1] = v;
      nulls[a - 1] = isnull;
      replace[a - 1] = true;
    };
    bool isnull;
    char* status = TextDatumGetCString(heap_getattr(new_tuple, layout.status, tupdesc, &isnull));
    bool contacted = !heap_attisnull(new_tuple, layout.first_contact_at, tupdesc);
    if (d.owner_id && (strcmp(status, "queued") == 0 || strcmp(status, "nurture") == 0)) {
      set(layout.status, CStringGetTextDatum("assigned"), false);
      set(layout.queue, 0, true);
    }
    if (d.owner_id && !contacted && d.sla_due_us) {
      set(layout.sla_due_at, TimestampTzGetDatum(to_pg(*d.sla_due_us)), false);
      set(layout.sla_policy_id, Int64GetDatum(*d.sla_policy_id), false);
    }
    if (!d.owner_id && !contacted) {
      // Unassigned: nobody's clock is running (escalation and SLA metrics ignore the lead).
      set(layout.sla_due_at, 0, true);
      set(layout.sla_policy_id, 0, true);
    }
    return heap_modify_tuple(new_tuple, tupdesc, values, nulls, replace);
  });
  PendingRecord r;
  r.kind = "manual";
  r.lead_id = lead_id;
  r.decided_at = now;
  r.owner_id = owner;
  if (!owner) {
    // Unassigned by hand: the lead moved to the queue the UPDATE set.
    struct Text {
      char* s;
    };
    Text q = pg_call([&] {
      bool isnull;
      Datum d = heap_getattr(new_tuple, layout.queue, tupdesc, &isnull);
      return Text{isnull ? nullptr : TextDatumGetCString(d)};
    });
    r.queue = std::string(q.s ? q.s : "unassigned");
    d.queue = r.queue;
  }
  r.user = person;
  r.nest_level = pg_call([] { return GetCurrentTransactionNestLevel(); });
  r.write_decision = false;
  r.assignment_reason = "manual";
  if (d.sla_due_us) r.sla_due_at = to_pg(*d.sla_due_us);
  r.sla_policy_id = d.sla_policy_id;
  buffer_record(std::move(r));
  LeadEvent e;
  e.event = "reassigned";
  e.lead_id = lead_id;
  e.decision = &d;
  e.rep = owner ? config.rep(*owner) : nullptr;
  e.previous_rep_id = previous_owner;
  e.at = now;
  if (d.sla_due_us) e.sla_due_at = to_pg(*d.sla_due_us);
  emit_event(e);
  return result;
}

// Who changes a lead by hand, for the rules of validate_lead_update().
enum class Caller { Trusted, Admin, Rep, Other };

struct CallerRep {
  int64_t id = 0;
  bool may_reassign = false;
};

Caller classify_caller(Oid user, const Catalog& catalog, CallerRep* rep) {
  if (pg_call([&] { return has_privs_of_role(user, catalog.owner); })) return Caller::Trusted;
  bool admin = pg_call([&] {
    Oid admin_role = get_role_oid("leadroute_admin", true);
    return OidIsValid(admin_role) && has_privs_of_role(user, admin_role);
  });
  if (admin) return Caller::Admin;
  bool found = pg_call([&] {
    Oid type = TEXTOID;
    Datum name = CStringGetTextDatum(GetUserNameFromId(user, false));
    spi_connect();
    UserSwitch saved;
    switch_to_owner(&saved, catalog.owner);
    int ret = SPI_execute_with_args(
        "SELECT id, may_reassign AND active FROM leadroute.reps"
        " WHERE db_role OPERATOR(pg_catalog.=) $1",
        1, &type, &name, nullptr, true, 1);
    restore_user(&saved);
    bool any = ret == SPI_OK_SELECT && SPI_processed == 1;
    if (any) {
      bool isnull;
      rep->id =
          DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
      Datum may = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);
      rep->may_reassign = !isnull && DatumGetBool(may);
    }
    spi_finish();
    return any;
  });
  return found ? Caller::Rep : Caller::Other;
}

std::string timestamp_text(TimestampTz ts) {
  const char* value = pg_call([&] { return timestamptz_to_str(ts); });
  return std::string(value);
}

std::optional<TimestampTz> timestamp_column(HeapTuple tuple, TupleDesc tupdesc, AttrNumber attnum) {
  bool isnull;
  Datum d = heap_getattr(tuple, attnum, tupdesc, &isnull);
  if (isnull) return std::nullopt;
  return DatumGetTimestampTz(d);
}

std::string text_column(HeapTuple tuple, TupleDesc tupdesc, AttrNumber attnum) {
  const char* value = pg_call([&] {
    bool isnull;
    Datum d = heap_getattr(tuple, attnum, tupdesc, &isnull);
    return isnull ? static_cast<const char*>(nullptr) : TextDatumGetCString(d);
  });
  return value ? std::string(value) : std::string();
}

std::optional<TimestampTz> earliest(std::optional<TimestampTz> a, std::optional<TimestampTz> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

// A recorded time (first contact, conversion) must lie between the lead's arrival (its capture,
// or its routing if that was earlier: leadroute.now simulates a past clock) and now.
void check_recorded_time(const char* what, const char* column, int64_t lead_id, TimestampTz at,
                         std::optional<TimestampTz> captured_at) {
  TimestampTz now = pg_call([] { return std::max(GetCurrentTimestamp(), routing_now()); });
  std::string lead = "lead " + std::to_string(lead_id);
  if (at > now)
    throw UserError(
        ERRCODE_CHECK_VIOLATION,
        std::string(what) + " of " + lead + " cannot be in the future (" + timestamp_text(at) + ")",
        "It is now " + timestamp_text(now) + ".",
        std::string("Record it when it happens, or set ") + column + " to the time it happened.");
  if (captured_at && at < *captured_at)
    throw UserError(ERRCODE_CHECK_VIOLATION,
                    std::string(what) + " of " + lead + " cannot be before the lead arrived",
                    "The lead was captured (or routed) at " + timestamp_text(*captured_at) + "; " +
                        column + " was " + timestamp_text(at) + ".",
                    std::string("Set ") + column + " to the time it happened.");
}

// The rules of a change made by hand (not by the engine): reassignments go to active reps, what
// happened is not rewritten, and a rep works only its own leads. The extension owner and
// superusers (restores, repairs) are trusted.
void validate_lead_update(HeapTuple old_tuple, HeapTuple new_tuple, TupleDesc tupdesc,
                          const LeadLayout& layout, const Catalog& catalog, Oid user) {
  CallerRep me;
  Caller caller = classify_caller(user, catalog, &me);
  if (caller == Caller::Trusted) return;
  int64_t lead_id = int8_column(new_tuple, tupdesc, layout.id).value_or(0);
  std::string lead = "lead " + std::to_string(lead_id);
  std::optional<int64_t> old_owner = int8_column(old_tuple, tupdesc, layout.owner_id);
  std::optional<int64_t> new_owner = int8_column(new_tuple, tupdesc, layout.owner_id);
  std::string old_status = text_column(old_tuple, tupdesc, layout.status);
  std::string new_status = text_column(new_tuple, tupdesc, layout.status);
  bool owner_changed = old_owner != new_owner;

  if (caller == Caller::Rep) {
    if (old_owner != me.id)
      throw UserError(ERRCODE_INSUFFICIENT_PRIVILEGE, lead + " belongs to another rep", "",
                      "A rep changes only its own leads (leadroute.my_leads).");
    if (new_status != "assigned" && new_status != "contacted" && new_status != "converted" &&
        new_status != "lost" && new_status != "disqualified")
      throw UserError(ERRCODE_INSUFFICIENT_PRIVILEGE,
                      "a rep cannot set the status of " + lead + " to " + new_status,
                      "A rep works its leads: contacted, converted, lost or disqualified.",
                      "Ask an admin to put the lead back in a queue.");
    if (owner_changed && !new_owner)
      throw UserError(ERRCODE_INSUFFICIENT_PRIVILEGE,
                      "a rep cannot leave " + lead + " without an owner", "",
                      "Hand it to another rep (with reps.may_reassign), or ask an admin.");
    if (owner_changed && !me.may_reassign)
      throw UserError(
          ERRCODE_INSUFFICIENT_PRIVILEGE,
          "rep " + std::to_string(me.id) + " may not hand leads to other reps", "",
          "An admin allows it: UPDATE leadroute.reps SET may_reassign = true WHERE id = " +
              std::to_string(me.id) + ";");
  }
  if (owner_changed && new_owner) {
    UserSwitch config_user;  // the configuration is read with the owner's rights
    switch_to_owner(&config_user, catalog.owner);
    const Rep* rep = current_config().rep(*new_owner);
    restore_user(&config_user);
    if (!rep)
      throw UserError(ERRCODE_FOREIGN_KEY_VIOLATION,
                      "rep " + std::to_string(*new_owner) + " does not exist",
                      lead +
                          " cannot be given to a rep that is not in leadroute.reps: nobody would "
                          "work it and it would never be escalated.",
                      "Choose an active rep: SELECT id, name FROM leadroute.reps WHERE active;");
    if (!rep->active)
      throw UserError(ERRCODE_CHECK_VIOLATION,
                      "rep " + std::to_string(rep->id) + " (" + rep->name + ") is inactive",
                      lead + " would wait with a rep who is not working.",
                      "Choose an active rep, or reactivate this one: UPDATE leadroute.reps SET "
                      "active = true WHERE id = " +
                          std::to_string(rep->id) + ";");
  }
  std::optional<TimestampTz> captured_at =
      earliest(timestamp_column(new_tuple, tupdesc, layout.captured_at),
               timestamp_column(new_tuple, tupdesc, layout.routed_at));
  struct Recorded {
    AttrNumber attnum;
    const char* column;
    const char* what;
  };
  const Recorded recorded[] = {{layout.first_contact_at, "first_contact_at", "the first contact"},
                               {layout.converted_at, "converted_at", "the conversion"}};
  for (const Recorded& r : recorded) {
    if (r.attnum <= 0) continue;
    std::optional<TimestampTz> before = timestamp_column(old_tuple, tupdesc, r.attnum);
    std::optional<TimestampTz> after = timestamp_column(new_tuple, tupdesc, r.attnum);
    if (before && before != after)
      throw UserError(ERRCODE_CHECK_VIOLATION,
                      std::string(r.what) + " of " + lead + " is already recorded (" +
                          timestamp_text(*before) + ")",
                      std::string(r.column) +
                          " is recorded once: changing or clearing it would "
                          "rewrite what the metrics measured.",
                      "Leave " + std::string(r.column) + " as it is.");
    if (!before && after) check_recorded_time(r.what, r.column, lead_id, *after, captured_at);
  }
  std::optional<TimestampTz> contacted =
      timestamp_column(old_tuple, tupdesc, layout.first_contact_at);
  if (contacted && (new_status == "assigned" || new_status == "queued" || new_status == "nurture"))
    throw UserError(ERRCODE_CHECK_VIOLATION,
                    lead + " was contacted at " + timestamp_text(*contacted) +
                        "; its status cannot go back to " + new_status,
                    "", "A contacted lead ends converted, lost or disqualified.");
  if (old_status == "converted" && new_status != "converted")
    throw UserError(ERRCODE_CHECK_VIOLATION, lead + " converted; a conversion is final", "",
                    "Leave its status converted.");
}

bool column_changed(HeapTuple a, HeapTuple b, TupleDesc tupdesc, AttrNumber attnum) {
  bool null_a, null_b;
  Datum da = heap_getattr(a, attnum, tupdesc, &null_a);
  Datum db = heap_getattr(b, attnum, tupdesc, &null_b);
  if (null_a != null_b) return true;
  if (null_a) return false;
  Form_pg_attribute att = TupleDescAttr(tupdesc, attnum - 1);
  return !datumIsEqual(da, db, att->attbyval, att->attlen);
}

}  // namespace

}  // namespace leadroute::pg

using namespace leadroute;
using namespace leadroute::pg;

LR_FUNCTION(leadroute_add_business_minutes) {
  // NULL start or minutes: no due time. NULL working hours: always working (plain minutes, any
  // time zone). Working hours without a time zone: unknown, NULL.
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || (!PG_ARGISNULL(2) && PG_ARGISNULL(3))) PG_RETURN_NULL();
  TimestampTz start = PG_GETARG_TIMESTAMPTZ(0);
  int32 minutes = PG_GETARG_INT32(1);
  if (minutes < 0)
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("minutes must not be negative")));
  if (PG_ARGISNULL(2))
    PG_RETURN_TIMESTAMPTZ(start + static_cast<int64>(minutes) * USECS_PER_MINUTE);
  Jsonb* hours_json = PG_GETARG_JSONB_P(2);
  char* hours_text = JsonbToCString(nullptr, &hours_json->root, VARSIZE(hours_json));
  char* zone = text_to_cstring(PG_GETARG_TEXT_PP(3));
  if (!pg_tzset(zone))
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("unknown time zone \"%s\"", zone)));
  WorkingHours hours;
  try {
    hours = WorkingHours::parse(hours_text);
  } catch (const WorkingHoursError& e) {
    throw UserError(ERRCODE_INVALID_PARAMETER_VALUE, e.what(), "", as_sentence(e.hint()));
  }
  PgZoneClock clock;
  int64_t due = add_business_minutes(to_unix(start), minutes, hours, zone, clock);
  PG_RETURN_TIMESTAMPTZ(to_pg(due));
}

LR_FUNCTION(leadroute_record_contact) {
  if (PG_ARGISNULL(0))
    throw UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "lead_id must not be NULL", "",
                    "Pass the id of the lead that was contacted.");
  if (PG_ARGISNULL(1))
    throw UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "at must not be NULL", "",
                    "Leave it out for the current time.");
  int64 lead_id = PG_GETARG_INT64(0);
  TimestampTz at = PG_GETARG_TIMESTAMPTZ(1);
  const Catalog& catalog = resolve_catalog();
  Oid caller_role = GetUserId();
  CallerRep me;
  Caller caller = classify_caller(caller_role, catalog, &me);
  // The lead, read with the owner's rights: a rep may record contact only on its own leads (any
  // other lead "does not exist" for it, as it cannot see it).
  struct Lead {
    bool found;
    bool owned;
    bool contacted;
    bool has_captured;
    TimestampTz captured_at;
  };
  Lead lead = pg_call([&] {
    Lead l{};
    Oid type = INT8OID;
    Datum id = Int64GetDatum(lead_id);
    spi_connect();
    UserSwitch saved;
    switch_to_owner(&saved, catalog.owner);
    int ret = SPI_execute_with_args(
        "SELECT owner_id, LEAST(captured_at, routed_at), first_contact_at IS NOT NULL"
        " FROM leadroute.leads"
        " WHERE id OPERATOR(pg_catalog.=) $1 FOR UPDATE",
        1, &type, &id, nullptr, false, 1);
    restore_user(&saved);
    if (ret == SPI_OK_SELECT && SPI_processed == 1) {
      HeapTuple t = SPI_tuptable->vals[0];
      TupleDesc d = SPI_tuptable->tupdesc;
      bool isnull;
      Datum owner = SPI_getbinval(t, d, 1, &isnull);
      l.found = true;
      l.owned = !isnull && DatumGetInt64(owner) == me.id;
      Datum captured = SPI_getbinval(t, d, 2, &isnull);
      l.has_captured = !isnull;
      if (!isnull) l.captured_at = DatumGetTimestampTz(captured);
      l.contacted = DatumGetBool(SPI_getbinval(t, d, 3, &isnull));
    }
    spi_finish();
    return l;
  });
  bool allowed =
      caller == Caller::Trusted || caller == Caller::Admin || (caller == Caller::Rep && lead.owned);
  if (!lead.found || !allowed)
    throw UserError(ERRCODE_NO_DATA_FOUND, "lead " + std::to_string(lead_id) + " does not exist",
                    "",
                    caller == Caller::Rep ? "A rep records contact on its own leads "
                                            "(SELECT id FROM leadroute.my_leads)."
                                          : "");
  if (lead.contacted) PG_RETURN_VOID();  // first contact is recorded once
  check_recorded_time(
      "the first contact", "at", lead_id, at,
      lead.has_captured ? std::optional<TimestampTz>(lead.captured_at) : std::nullopt);
  pg_call([&] {
    Oid types[2] = {INT8OID, TIMESTAMPTZOID};
    Datum values[2] = {Int64GetDatum(lead_id), TimestampTzGetDatum(at)};
    spi_connect();
    UserSwitch saved;
    switch_to_owner(&saved, catalog.owner);
    // The status moves from assigned to contacted (a closed lead keeps its status).
    int ret = SPI_execute_with_args(
        "UPDATE leadroute.leads SET first_contact_at = $2,"
        " status = CASE WHEN status OPERATOR(pg_catalog.=) 'assigned' THEN 'contacted' ELSE "
        "status END"
        " WHERE id OPERATOR(pg_catalog.=) $1",
        2, types, values, nullptr, false, 0);
    restore_user(&saved);
    if (ret != SPI_OK_UPDATE)
      elog(ERROR, "could not record contact: %s", SPI_result_code_string(ret));
    spi_finish();
  });
  PG_RETURN_VOID();
}

LR_FUNCTION(leadroute_escalate_overdue) {
  int32 max_leads = PG_ARGISNULL(0) ? 1000 : PG_GETARG_INT32(0);
  if (max_leads < 1)
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("max_leads must be at least 1")));
  const Catalog& catalog = resolve_catalog();
  Oid caller = GetUserId();
  UserSwitch saved;
  switch_to_owner(&saved, catalog.owner);
  int n = escalate(max_leads, catalog, caller);
  restore_user(&saved);
  PG_RETURN_INT32(n);
}

// BEFORE UPDATE ON leads: first contact and conversion times; a manual change of owner is
// recorded (assignments, reason manual) and restarts the SLA clock.
LR_FUNCTION(leadroute_lead_updated) {
  if (!CALLED_AS_TRIGGER(fcinfo))
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("leadroute._lead_updated() can only be called as a trigger")));
  TriggerData* td = reinterpret_cast<TriggerData*>(fcinfo->context);
  HeapTuple old_tuple = td->tg_trigtuple;
  HeapTuple new_tuple = td->tg_newtuple;
  TupleDesc tupdesc = RelationGetDescr(td->tg_relation);
  const Catalog& catalog = resolve_catalog();
  const LeadLayout& layout = resolve_layout(tupdesc);
  BackendState& st = backend_state();
  if (st.engine_updating) return PointerGetDatum(new_tuple);
  // Stamps: first contact (once) and conversion.
  bool isnull;
  char* status = TextDatumGetCString(heap_getattr(new_tuple, layout.status, tupdesc, &isnull));
  Datum values[2];
  bool nulls[2] = {false, false};
  int replace_cols[2];
  int n = 0;
  TimestampTz now = routing_now();
  if (strcmp(status, "contacted") == 0 &&
      heap_attisnull(new_tuple, layout.first_contact_at, tupdesc)) {
    replace_cols[n] = layout.first_contact_at;
    values[n++] = TimestampTzGetDatum(now);
  }
  if (strcmp(status, "converted") == 0 && heap_attisnull(new_tuple, layout.converted_at, tupdesc)) {
    replace_cols[n] = layout.converted_at;
    values[n++] = TimestampTzGetDatum(now);
  }
  if (n > 0)
    new_tuple = heap_modify_tuple_by_cols(new_tuple, tupdesc, n, replace_cols, values, nulls);
  Oid person = GetUserId();
  validate_lead_update(old_tuple, new_tuple, tupdesc, layout, catalog, person);
  if (!column_changed(old_tuple, new_tuple, tupdesc, layout.owner_id))
    return PointerGetDatum(new_tuple);
  UserSwitch saved;
  switch_to_owner(&saved, catalog.owner);
  HeapTuple result = manual_reassignment(old_tuple, new_tuple, tupdesc, layout, catalog, person);
  restore_user(&saved);
  return PointerGetDatum(result);
}
