// leadroute.import_leads(source): the one path by which leads enter with their routing history.
#include <string>

#include "pg/boundary/errors.h"
#include "pg/boundary/spi_util.h"
#include "pg/backend/state.h"
#include "pg/routing/trigger.h"

using namespace leadroute::pg;

namespace {

// SPI as the caller for reading the source and inserting (an admin holds INSERT on leads); the
// imports row and the sequence as the extension owner. C style.
int64 run_import(Oid source, const Catalog& catalog) {
  Oid arg_type = OIDOID;
  Datum arg = ObjectIdGetDatum(source);
  spi_connect();
  int ret = SPI_execute_with_args(
      "SELECT pg_catalog.array_agg(a.attname::pg_catalog.text ORDER BY a.attnum)"
      "  FROM pg_catalog.pg_attribute a"
      "  JOIN pg_catalog.pg_attribute l"
      "    ON l.attrelid OPERATOR(pg_catalog.=) 'leadroute.leads'::pg_catalog.regclass"
      "   AND l.attname OPERATOR(pg_catalog.=) a.attname AND l.attnum > 0 AND NOT l.attisdropped"
      " WHERE a.attrelid OPERATOR(pg_catalog.=) $1 AND a.attnum > 0 AND NOT a.attisdropped",
      1, &arg_type, &arg, nullptr, true, 1);
  char* source_name = DatumGetCString(DirectFunctionCall1(regclassout, ObjectIdGetDatum(source)));
  bool isnull = true;
  Datum columns = 0;
  if (ret == SPI_OK_SELECT && SPI_processed == 1)
    columns = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
  if (isnull)
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("%s has no column of leadroute.leads", source_name),
                    errdetail("import_leads() takes the columns named as in leadroute.leads."),
                    errhint("Name the source's columns email, company, owner_id, routed_at, ...")));
  columns = SPI_datumTransfer(columns, false, -1);
  ArrayType* names = DatumGetArrayTypeP(columns);
  Datum* elems;
  bool* nulls;
  int n;
  deconstruct_array(names, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &n);
  // The columns, and what is selected for them: a row without an id gets a new one.
  StringInfoData list, select;
  initStringInfo(&list);
  initStringInfo(&select);
  for (int i = 0; i < n; ++i) {
    const char* name = TextDatumGetCString(elems[i]);
    appendStringInfo(&list, "%s%s", i ? ", " : "", quote_identifier(name));
    if (strcmp(name, "id") == 0)
      appendStringInfo(&select, "%sCOALESCE(id, leadroute._new_lead_id())", i ? ", " : "");
    else
      appendStringInfo(&select, "%s%s", i ? ", " : "", quote_identifier(name));
  }

  // The record of the import, first: the decisions name it.
  UserSwitch saved;
  switch_to_owner(&saved, catalog.owner);
  Oid types[2] = {TEXTOID, TEXTARRAYOID};
  Datum values[2] = {CStringGetTextDatum(source_name), columns};
  ret = SPI_execute_with_args(
      "INSERT INTO leadroute.imports (source, columns) VALUES ($1, $2) RETURNING id", 2, types,
      values, nullptr, false, 1);
  if (ret != SPI_OK_INSERT_RETURNING || SPI_processed != 1)
    elog(ERROR, "could not record the import: %s", SPI_result_code_string(ret));
  int64 import_id =
      DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
  restore_user(&saved);

  // The insert, as the caller: it reads the source with the caller's rights.
  StringInfoData sql;
  initStringInfo(&sql);
  appendStringInfo(&sql,
                   "WITH inserted AS (INSERT INTO leadroute.leads (%s) SELECT %s FROM %s"
                   " RETURNING id) SELECT pg_catalog.count(*), pg_catalog.min(id),"
                   " pg_catalog.max(id) FROM inserted",
                   list.data, select.data, source_name);
  set_import_in_progress(import_id);
  PG_TRY();
  { ret = SPI_execute(sql.data, false, 0); }
  PG_FINALLY();
  { set_import_in_progress(0); }
  PG_END_TRY();
  if (ret != SPI_OK_SELECT || SPI_processed != 1)
    elog(ERROR, "could not import leads: %s", SPI_result_code_string(ret));
  HeapTuple row = SPI_tuptable->vals[0];
  TupleDesc desc = SPI_tuptable->tupdesc;
  int64 count = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
  bool none = count == 0;
  Datum first = SPI_getbinval(row, desc, 2, &isnull);
  Datum last = SPI_getbinval(row, desc, 3, &isnull);

  switch_to_owner(&saved, catalog.owner);
  Oid types2[4] = {INT8OID, INT8OID, INT8OID, INT8OID};
  Datum values2[4] = {Int64GetDatum(import_id), Int64GetDatum(count), first, last};
  char nulls2[4] = {' ', ' ', none ? 'n' : ' ', none ? 'n' : ' '};
  ret = SPI_execute_with_args(
      "UPDATE leadroute.imports SET leads = $2, first_lead_id = $3, last_lead_id = $4,"
      "   history = (SELECT pg_catalog.count(*) FROM leadroute.decisions d"
      "               WHERE d.kind OPERATOR(pg_catalog.=) 'imported'"
      "                 AND (d.trace OPERATOR(pg_catalog.#>>) "
      "'{imported,import_id}')::pg_catalog.int8"
      "                     OPERATOR(pg_catalog.=) $1)"
      " WHERE id OPERATOR(pg_catalog.=) $1",
      4, types2, values2, nulls2, false, 0);
  if (ret != SPI_OK_UPDATE) elog(ERROR, "could not record the import");
  // Later leads must not collide with the imported ids.
  if (!none) {
    ret = SPI_execute_with_args(
        "SELECT pg_catalog.setval('leadroute.leads_id_seq', $4)"
        " WHERE $4 OPERATOR(pg_catalog.>) (SELECT s.last_value FROM leadroute.leads_id_seq s)",
        4, types2, values2, nulls2, false, 0);
    if (ret != SPI_OK_SELECT) elog(ERROR, "could not move leads_id_seq past the imported ids");
  }
  restore_user(&saved);
  spi_finish();
  return count;
}

}  // namespace

LR_FUNCTION(leadroute_import_leads) {
  if (PG_ARGISNULL(0))
    throw UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "source must not be NULL", "",
                    "Pass the table or view to import from, e.g. 'public.crm_history'.");
  Oid source = PG_GETARG_OID(0);
  const Catalog& catalog = resolve_catalog();
  Oid user = GetUserId();
  bool allowed = pg_call([&] {
    Oid admin = get_role_oid("leadroute_admin", true);
    return has_privs_of_role(user, catalog.owner) ||
           (OidIsValid(admin) && has_privs_of_role(user, admin));
  });
  if (!allowed)
    throw UserError(ERRCODE_INSUFFICIENT_PRIVILEGE, "permission denied to import leads", "",
                    "Only leadroute_admin (or the extension owner) imports leads.");
  int64 n = pg_call([&] { return run_import(source, catalog); });
  PG_RETURN_INT64(n);
}
