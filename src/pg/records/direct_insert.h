// Writing the engine's own rows (decisions, assignments, notifications) without SQL: PostgreSQL's
// single-row insert path (ExecSimpleRelationInsert: BEFORE and AFTER ROW triggers, NOT NULL and
// CHECK constraints, index entries) inside its own trigger-query level, with the statement
// triggers, as an INSERT statement would do. What it saves is the statement itself: the parse,
// the plan tree, the functions that unpack parameter arrays and the CTE, which cost more than the
// rows when a statement routes one lead. Columns left out get their defaults (identities too).
// C style: may ereport; call from code that runs between pg_call boundaries.
#pragma once

#include "pg/boundary/pg.h"

namespace leadroute::pg {

struct DirectInsert;

// Opens `relid` for inserting the named columns, or returns nullptr when the relation needs a
// real INSERT statement (a trigger with a transition table sees the statement's rows).
DirectInsert* direct_insert_begin(Oid relid, int ncolumns, const char* const* columns);
// Inserts one row: values and nulls in the order of the columns given to direct_insert_begin.
void direct_insert_row(DirectInsert* insert, const Datum* values, const bool* nulls);
// Fires the AFTER triggers and closes the relation.
void direct_insert_end(DirectInsert* insert);

}  // namespace leadroute::pg
