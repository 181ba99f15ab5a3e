#include "pg_env.h"

#include <cstring>
#include <string>

#include "accounts.h"
#include "errors.h"
#include "gucs.h"

namespace leadroute::pg {

namespace {

Oid require_cursor(const Pool& pool) {
  Oid seq = static_cast<Oid>(pool.cursor_handle);
  if (!OidIsValid(seq))
    throw UserError(
        ERRCODE_UNDEFINED_OBJECT, "pool \"" + pool.name + "\" has no rotation counter",
        "The sequence leadroute._pool_turns_" + std::to_string(pool.id) + " is missing.",
        "Recreate it: CREATE SEQUENCE leadroute._pool_turns_" + std::to_string(pool.id) +
            " CACHE 1 OWNED BY leadroute.pools.id;");
  return seq;
}

// The next value nextval would return, read without moving the sequence (C style).
int64_t peek_sequence(Oid seq) {
  char* name = quote_qualified_identifier("leadroute", get_rel_name(seq));
  StringInfoData sql;
  initStringInfo(&sql);
  appendStringInfo(&sql, "SELECT last_value, is_called FROM %s", name);
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  if (SPI_execute(sql.data, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
    elog(ERROR, "could not read rotation counter %s", name);
  bool isnull;
  int64_t last =
      DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
  bool called =
      DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
  SPI_finish();
  return called ? last + 1 : last;
}

// Enrichment function cache: resolved again whenever the setting changes or a call fails.
char g_enrichment_name[1024] = "";
Oid g_enrichment_oid = InvalidOid;

Oid lookup_enrichment(const char* name, Oid row_type) {
  List* names = stringToQualifiedNameList(name);
  Oid argtypes[1] = {row_type};
  Oid fn = LookupFuncName(names, 1, argtypes, true);
  if (!OidIsValid(fn))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
                    errmsg("enrichment function %s(leadroute.leads) does not exist", name),
                    errhint("Create it, or reset leadroute.enrichment_function.")));
  if (get_func_rettype(fn) != row_type)
    ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                    errmsg("enrichment function %s must return leadroute.leads", name)));
  return fn;
}

HeapTuple call_enrichment(Oid fn, HeapTuple tuple, TupleDesc tupdesc, const LeadLayout& layout) {
  Datum row = heap_copy_tuple_as_datum(tuple, tupdesc);
  Datum result = OidFunctionCall1(fn, row);  // a NULL result raises inside fmgr
  HeapTupleHeader header = DatumGetHeapTupleHeader(result);
  HeapTupleData enriched;
  enriched.t_len = HeapTupleHeaderGetDatumLength(header);
  ItemPointerSetInvalid(&enriched.t_self);
  enriched.t_tableOid = InvalidOid;
  enriched.t_data = header;
  // Take the function's input columns; the routing outputs and the id stay ours.
  int natts = tupdesc->natts;
  Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * natts));
  bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * natts));
  bool* replace = static_cast<bool*>(palloc0(sizeof(bool) * natts));
  auto take = [&](AttrNumber attnum) {
    if (attnum <= 0) return;
    values[attnum - 1] = heap_getattr(&enriched, attnum, tupdesc, &nulls[attnum - 1]);
    replace[attnum - 1] = true;
  };
  for (AttrNumber attnum : layout.input) take(attnum);
  take(layout.attributes);
  return heap_modify_tuple(tuple, tupdesc, values, nulls, replace);
}

}  // namespace

int64_t PgRoutingEnv::take_ticket(const Pool& pool) {
  Oid seq = require_cursor(pool);
  return pg_call([&] { return nextval_internal(seq, false); });
}

void PgRoutingEnv::find_accounts(AccountLookup lookup, std::string_view key, double threshold,
                                 std::vector<AccountRecord>* out) {
  leadroute::pg::find_accounts(lookup, key, threshold, out);
}

void PeekRoutingEnv::find_accounts(AccountLookup lookup, std::string_view key, double threshold,
                                   std::vector<AccountRecord>* out) {
  leadroute::pg::find_accounts(lookup, key, threshold, out);
}

int64_t PeekRoutingEnv::take_ticket(const Pool& pool) {
  auto it = next_.find(pool.id);
  if (it == next_.end()) {
    Oid seq = require_cursor(pool);
    int64_t next = pg_call([&] { return peek_sequence(seq); });
    it = next_.emplace(pool.id, next).first;
  }
  return it->second++;
}

void forget_enrichment_function() {
  g_enrichment_oid = InvalidOid;
}

HeapTuple enrich_lead(HeapTuple tuple, TupleDesc tupdesc, const LeadLayout& layout) {
  const char* name = guc_enrichment_function;
  if (!name || name[0] == '\0') return tuple;
  if (std::strncmp(name, g_enrichment_name, sizeof g_enrichment_name) != 0 ||
      !OidIsValid(g_enrichment_oid)) {
    Oid row_type = pg_call([&] { return get_rel_type_id(layout.relid); });
    g_enrichment_oid = pg_call([&] { return lookup_enrichment(name, row_type); });
    std::strncpy(g_enrichment_name, name, sizeof g_enrichment_name - 1);
  }
  Oid fn = g_enrichment_oid;
  g_enrichment_oid = InvalidOid;  // resolved again after a failure
  HeapTuple result = pg_call([&] { return call_enrichment(fn, tuple, tupdesc, layout); });
  g_enrichment_oid = fn;
  return result;
}

}  // namespace leadroute::pg
