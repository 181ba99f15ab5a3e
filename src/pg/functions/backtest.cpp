// leadroute.backtest(): historical leads routed through the current configuration without side
// effects (no rotation moves, no writes), each decision set beside the lead's actual owner.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/analysis/backtest.h"
#include "core/routing/router.h"
#include "core/lead/text.h"
#include "pg/boundary/datum_util.h"
#include "pg/boundary/errors.h"
#include "pg/backend/gucs.h"
#include "pg/routing/lead_io.h"
#include "pg/routing/pg_env.h"
#include "pg/boundary/spi_util.h"
#include "pg/backend/state.h"

namespace leadroute::pg {

namespace {

// Routing at each historical lead's own time: working hours, time off and SLA clocks as they were
// then. Rotations start where the live ones stand and move only inside the backtest; daily caps
// count the backtest's own assignments (open-lead caps are not applied: when historical leads
// were closed is not known).
class BacktestEnv final : public PgEnvBase {
 public:
  void at(int64_t utc_us) { at_us_ = utc_us; }
  int64_t now_us() override { return at_us_ ? at_us_ : PgEnvBase::now_us(); }
  int64_t take_ticket(const Pool& pool) override {
    auto it = next_.find(pool.id);
    if (it == next_.end()) it = next_.emplace(pool.id, peek_.take_ticket(pool)).first;
    return it->second++;
  }
  RepLoad rep_load(const Rep& rep, bool) override {
    RepLoad load;
    auto it = daily_.find(rep.id);
    if (it != daily_.end() && it->second.first == day_of(rep)) load.today = it->second.second;
    return load;
  }
  void assigned(const Rep& rep) {
    int64_t day = day_of(rep);
    auto& d = daily_[rep.id];
    if (d.first != day) d = {day, 0};
    ++d.second;
  }

 private:
  int64_t day_of(const Rep& rep) {
    LocalDateTime t = to_local(now_us(), rep.timezone);
    return (static_cast<int64_t>(t.year) * 12 + t.month) * 31 + t.day;
  }
  int64_t at_us_ = 0;
  PeekRoutingEnv peek_;
  std::unordered_map<int64_t, int64_t> next_;
  std::unordered_map<int64_t, std::pair<int64_t, int32_t>> daily_;  // rep: (local day, count)
};

bool looks_like_query(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  if (i < s.size() && s[i] == '(') return true;
  std::string word;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i])))
    word += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i++])));
  return (word == "select" || word == "with" || word == "values" || word == "table") &&
         (i == s.size() || !std::isalnum(static_cast<unsigned char>(s[i])));
}

// "FROM <relation> s ORDER BY ...", or "FROM (<query>) s" (C style).
char* source_clause(const char* leads, bool is_query) {
  StringInfoData sql;
  initStringInfo(&sql);
  if (is_query) {
    appendStringInfo(&sql, "FROM (%s\n) s", leads);
    return sql.data;
  }
  List* names = stringToQualifiedNameList(leads);
  RangeVar* rv = makeRangeVarFromNameList(names);
  Oid relid = RangeVarGetRelid(rv, AccessShareLock, true);
  if (!OidIsValid(relid))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                    errmsg("backtest: relation \"%s\" does not exist", leads),
                    errhint("Schema-qualify it (backtest runs with search_path = pg_catalog, "
                            "pg_temp), e.g. leadroute.backtest('public.history', 'owner'), or "
                            "give a query: 'SELECT * FROM public.history WHERE ...'.")));
  char* name =
      quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid));
  appendStringInfo(&sql, "FROM %s s", name);
  // In arrival order, which rotations and daily caps follow.
  bool captured = get_attnum(relid, "captured_at") != InvalidAttrNumber;
  bool id = get_attnum(relid, "id") != InvalidAttrNumber;
  if (captured || id)
    appendStringInfo(&sql, " ORDER BY %s%s%s", captured ? "s.captured_at" : "",
                     captured && id ? ", " : "", id ? "s.id" : "");
  return sql.data;
}

Portal open_source(const char* from_clause, const char* owner_column) {
  StringInfoData sql;
  initStringInfo(&sql);
  // Only schema-qualified names and explicit operators: the caller's search_path serves the
  // caller's query and nothing else.
  appendStringInfo(&sql,
                   "SELECT q.j, CASE WHEN q.j OPERATOR(pg_catalog.?) 'captured_at'"
                   " THEN (q.j OPERATOR(pg_catalog.->>) 'captured_at')::pg_catalog.timestamptz END,"
                   " q.j OPERATOR(pg_catalog.->>) $1, q.j OPERATOR(pg_catalog.?) $1,"
                   " q.j OPERATOR(pg_catalog.->>) 'id'"
                   " FROM (SELECT pg_catalog.to_jsonb(s) AS j %s) q",
                   from_clause);
  Oid types[1] = {TEXTOID};
  Datum values[1] = {CStringGetTextDatum(owner_column ? owner_column : "")};
  SPIPlanPtr plan = SPI_prepare_cursor(sql.data, 1, types, CURSOR_OPT_NO_SCROLL);
  if (!plan)
    ereport(ERROR, (errcode(ERRCODE_SYNTAX_ERROR),
                    errmsg("backtest: the leads could not be read: %s",
                           SPI_result_code_string(SPI_result)),
                    errhint("Give a table name or a SELECT query.")));
  return SPI_cursor_open(nullptr, plan, values, nullptr, true);
}

// A non-negative integer id written in decimal; nullopt for anything else.
std::optional<int64_t> parse_id(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// The rep the source names: an id, an email or a name.
std::optional<int64_t> resolve_rep(const RoutingConfig& config, const std::string& label,
                                   const std::map<std::string, int64_t>& by_key) {
  if (label.empty()) return std::nullopt;
  std::optional<int64_t> id = parse_id(label);
  if (id && config.rep(*id)) return id;
  auto it = by_key.find(ascii_lower(label));
  if (it != by_key.end()) return it->second;
  return std::nullopt;
}

struct Row {
  Datum values[18];
  bool nulls[18];
};

// One row of the source, read in C style.
struct Fetched {
  Datum lead;     // jsonb
  int64_t at_us;  // captured_at in unix microseconds; 0 when the source has none
  char* owner;
  bool has_owner_column;
  char* id;
};

Fetched fetch_row(SPITupleTable* tuples, uint64 r) {
  HeapTuple tuple = tuples->vals[r];
  TupleDesc desc = tuples->tupdesc;
  Fetched f;
  bool isnull;
  f.lead = SPI_getbinval(tuple, desc, 1, &isnull);
  Datum captured = SPI_getbinval(tuple, desc, 2, &isnull);
  f.at_us = isnull ? 0 : to_unix(DatumGetTimestampTz(captured));
  f.owner = SPI_getvalue(tuple, desc, 3);
  f.has_owner_column = DatumGetBool(SPI_getbinval(tuple, desc, 4, &isnull));
  f.id = SPI_getvalue(tuple, desc, 5);
  return f;
}

void run_backtest(FunctionCallInfo fcinfo) {
  if (PG_ARGISNULL(0))
    throw UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "backtest: leads must not be NULL", "",
                    "Give a table name or a query.");
  std::string leads = text_to_cstring(PG_GETARG_TEXT_PP(0));
  std::optional<std::string> owner_column;
  if (!PG_ARGISNULL(1)) owner_column = text_to_cstring(PG_GETARG_TEXT_PP(1));
  bool is_query = looks_like_query(leads);

  pg_call([&] { InitMaterializedSRF(fcinfo, 0); });
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  const Catalog& catalog = resolve_catalog();
  // The configuration is read with the owner's rights: an analyst may backtest without reading
  // reps or rules (what it sees is the decisions, as the metric views show them).
  UserSwitch config_user;
  switch_to_owner(&config_user, catalog.owner);
  const RoutingConfig& config = current_config();
  restore_user(&config_user);
  BacktestJudge judge(config);
  std::map<std::string, int64_t> rep_keys;
  for (const auto& [id, rep] : config.reps) {
    if (!rep.email.empty()) rep_keys.emplace(ascii_lower(rep.email), id);
    if (!rep.name.empty()) rep_keys.emplace(ascii_lower(rep.name), id);
  }
  BacktestEnv env;
  RouteOptions options = route_options();
  options.trace = TraceLevel::Full;
  LeadValues lead;
  NormalizedStrings normalized;
  Row row;
  int64_t ordinal = 0;

  pg_call([] { spi_connect(); });
  // Each lead's values, trace and output row are freed once the row is in the tuplestore.
  MemoryContext row_context = pg_call([] {
    return AllocSetContextCreate(CurrentMemoryContext, "leadroute backtest row",
                                 ALLOCSET_DEFAULT_SIZES);
  });
  // The caller's query runs with the caller's rights; routing runs as the extension owner.
  Portal portal = pg_call([&] {
    return open_source(source_clause(leads.c_str(), is_query),
                       owner_column ? owner_column->c_str() : nullptr);
  });
  for (;;) {
    pg_call([&] { SPI_cursor_fetch(portal, true, 500); });
    uint64 n = SPI_processed;
    if (n == 0) break;
    SPITupleTable* tuples = SPI_tuptable;
    UserSwitch saved;
    switch_to_owner(&saved, catalog.owner);
    for (uint64 r = 0; r < n; ++r) {
      MemoryContext outer = MemoryContextSwitchTo(row_context);
      Fetched f = pg_call([&] { return fetch_row(tuples, r); });
      if (owner_column && !f.has_owner_column)
        throw UserError(ERRCODE_UNDEFINED_COLUMN,
                        "backtest: the leads have no column \"" + *owner_column + "\"", "",
                        "Name the column that holds each lead's actual owner (a rep id, email "
                        "or name), or pass NULL to skip the comparison.");

      ++ordinal;
      lead.clear(config.attributes.size());
      pg_call([&] { read_lead_jsonb(DatumGetJsonbP(f.lead), config.attributes, &lead, false); });
      NormalizationResult result = normalize_lead(lead, normalized, config.freemail_domains);
      env.at(f.at_us);
      AccountMatch match =
          match_account(match_inputs(lead, normalized, result), guc_fuzzy_match_threshold, env);
      set_account_fields(match, &lead);
      Decision d = route_lead(config, lead, match, env, options);
      if (d.owner_id)
        if (const Rep* rep = config.rep(*d.owner_id)) env.assigned(*rep);

      std::string actual_label = f.owner ? f.owner : "";
      std::optional<int64_t> actual = resolve_rep(config, actual_label, rep_keys);
      BacktestVerdict verdict = judge.judge(d, actual, actual_label);

      bool* nl = row.nulls;
      Datum* v = row.values;
      for (int i = 0; i < 18; ++i) nl[i] = false;
      v[0] = Int64GetDatum(ordinal);
      v[1] = int8_or_null(f.id ? parse_id(f.id) : std::nullopt, &nl[1]);
      const ValueView& email = lead.get(FieldId::Email);
      const ValueView& company = lead.get(FieldId::Company);
      v[2] = text_datum_or_null(
          email.kind == ValueKind::Text ? std::optional<std::string>(email.text) : std::nullopt,
          &nl[2]);
      v[3] = text_datum_or_null(
          company.kind == ValueKind::Text ? std::optional<std::string>(company.text) : std::nullopt,
          &nl[3]);
      nl[4] = f.at_us == 0;
      v[4] = nl[4] ? 0 : TimestampTzGetDatum(to_pg(f.at_us));
      v[5] = CStringGetTextDatum(lead_status_name(d.status));
      v[6] = int8_or_null(d.owner_id, &nl[6]);
      const Rep* predicted = d.owner_id ? config.rep(*d.owner_id) : nullptr;
      v[7] = text_datum_or_null(
          predicted ? std::optional<std::string>(predicted->name) : std::nullopt, &nl[7]);
      v[8] = text_datum_or_null(d.queue, &nl[8]);
      v[9] = int8_or_null(d.rule_id, &nl[9]);
      const Rule* rule = d.rule_id ? judge.rule(*d.rule_id) : nullptr;
      v[10] =
          text_datum_or_null(rule ? std::optional<std::string>(rule->name) : std::nullopt, &nl[10]);
      v[11] = CStringGetTextDatum(routing_model_name(d.model));
      v[12] = BoolGetDatum(d.fallback);
      v[13] = int8_or_null(actual, &nl[13]);
      nl[14] = !owner_column.has_value() || actual_label.empty();
      v[14] = nl[14] ? 0 : CStringGetTextDatum(actual_label.c_str());
      nl[15] = !owner_column.has_value();
      v[15] = BoolGetDatum(verdict.agrees);
      nl[16] = !owner_column.has_value() || verdict.agrees;
      v[16] = nl[16] ? 0 : CStringGetTextDatum(verdict.reason.c_str());
      nl[17] = d.trace.empty();
      v[17] = nl[17] ? 0 : pg_call([&] {
        return DirectFunctionCall1(jsonb_in, CStringGetDatum(d.trace.c_str()));
      });
      pg_call([&] { tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, v, nl); });
      MemoryContextSwitchTo(outer);
      MemoryContextReset(row_context);
    }
    restore_user(&saved);
    pg_call([] { SPI_freetuptable(SPI_tuptable); });
  }
  pg_call([&] {
    SPI_cursor_close(portal);
    spi_finish();
  });
}

}  // namespace

}  // namespace leadroute::pg

using namespace leadroute::pg;

LR_FUNCTION(leadroute_backtest) {
  run_backtest(fcinfo);
  return static_cast<Datum>(0);
}
