#include "pg/boundary/spi_util.h"

namespace leadroute::pg {

TextTable spi_text_query(const char* sql, int nargs, const Oid* types, const Datum* values) {
  int ret = nargs == 0 ? SPI_execute(sql, true, 0)
                       : SPI_execute_with_args(sql, nargs, const_cast<Oid*>(types),
                                               const_cast<Datum*>(values), nullptr, true, 0);
  if (ret != SPI_OK_SELECT)
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                    errmsg("leadroute query failed: %s", SPI_result_code_string(ret)),
                    errdetail("query: %s", sql)));
  TextTable t;
  t.rows = SPI_processed;
  t.cols = SPI_tuptable->tupdesc->natts;
  t.cells = static_cast<char**>(palloc0(sizeof(char*) * (t.rows * t.cols + 1)));
  for (uint64 r = 0; r < t.rows; ++r)
    for (int c = 0; c < t.cols; ++c)
      t.cells[r * t.cols + c] = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, c + 1);
  return t;
}

void spi_connect() {
  if (SPI_connect() != SPI_OK_CONNECT)
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("SPI_connect failed")));
}

void spi_finish() {
  SPI_finish();
}

}  // namespace leadroute::pg
