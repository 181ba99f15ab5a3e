// INSERT ... ON CONFLICT and leads that are never inserted. The routing trigger runs before
// PostgreSQL checks the table's unique indexes, so a row that ON CONFLICT DO NOTHING (or DO
// UPDATE) will skip would be routed all the same: a decision, an assignment, a notification, a
// cap use and a rotation turn for a lead that does not exist. The trigger therefore asks first,
// with the executor's own check, whether the row would conflict; only rows that would be inserted
// are routed. (A conflicting row committed after the check is caught when the records are
// written: see PendingRecord::verify_lead.)
#pragma once

#include "pg/boundary/pg.h"

namespace leadroute::pg {

// Whether leads has unique indexes or exclusion constraints besides its primary key (cached until
// the table's indexes change). C style.
bool leads_have_extra_unique_indexes(Relation leads);

// Whether `tuple` would conflict with a row of leads on one of those indexes (and on the primary
// key when `check_primary_key`: the id was supplied). Waits for an inserting transaction that
// holds a conflicting row, as the INSERT itself would. C style.
bool lead_would_conflict(Relation leads, HeapTuple tuple, bool check_primary_key);

// Closes what the checks opened (the end of each INSERT statement; the end of the transaction).
void end_conflict_probes();

// The relcache of leads changed: forget what was cached about its indexes.
void forget_lead_indexes();

}  // namespace leadroute::pg
