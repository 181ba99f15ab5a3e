// Every header of src/core includes this first. The core is pure C++17 and is unit-tested without a
// server, so it must never see a PostgreSQL header; the shim must include core headers before
// PostgreSQL's (docs/contributing.md, rule 7). CMake also builds the core without the server
// include path.
#pragma once

#if defined(POSTGRES_H) || defined(PG_VERSION_NUM) || defined(PGDLLIMPORT)
#error "src/core must not include PostgreSQL headers; in src/pg include core headers first"
#endif
