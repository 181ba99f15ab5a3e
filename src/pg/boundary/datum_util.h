// Optional C++ values as Datums for tuples and executor inserts (C style: may ereport).
#pragma once

#include <optional>
#include <string>

#include "pg/boundary/pg.h"

namespace leadroute::pg {

inline Datum text_datum_or_null(const std::optional<std::string>& s, bool* isnull) {
  *isnull = !s.has_value();
  return s ? CStringGetTextDatum(s->c_str()) : 0;
}

template <typename T>
Datum int8_or_null(const std::optional<T>& v, bool* isnull) {
  *isnull = !v.has_value();
  return v ? Int64GetDatum(*v) : 0;
}

}  // namespace leadroute::pg
