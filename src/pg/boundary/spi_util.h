// SPI results as text cells, for code that reads a few rows and builds C++ objects from them:
// the query runs in C style (call through pg_call), the cells stay valid until SPI_finish.
#pragma once

#include "pg/boundary/pg.h"

namespace leadroute::pg {

struct TextTable {
  uint64 rows;
  int cols;
  char** cells;
  const char* cell(uint64 row, int col) const { return cells[row * cols + col]; }
};

// Runs a read-only query with optional parameters; raises when it fails. Between SPI_connect and
// SPI_finish.
TextTable spi_text_query(const char* sql, int nargs = 0, const Oid* types = nullptr,
                         const Datum* values = nullptr);

// SPI_connect / SPI_finish, raising on failure.
void spi_connect();
void spi_finish();

}  // namespace leadroute::pg
