// The routing engine's entry points besides the triggers.
#pragma once

#include <string>

#include "pg/boundary/pg.h"
#include "pg/backend/state.h"

namespace leadroute::pg {

// Routes a stored lead again (leadroute.reroute): enrichment, normalization, matching and rules
// as on INSERT; records a 'rerouted' decision and notifies. Raises on failure.
HeapTuple reroute_tuple(HeapTuple tuple, TupleDesc tupdesc, const LeadLayout& layout,
                        const Catalog& catalog, int64_t lead_id, Oid user,
                        std::string* decision_json);

// leadroute.import_leads() is inserting (the import's id; 0 otherwise): the routing trigger keeps
// rows that arrive routed as history and records an 'imported' decision for each.
void set_import_in_progress(int64_t import_id);

// The decision as preview() and reroute() return it (JSON text).
std::string decision_summary_json(const Decision& d, const LeadValues& lead);

}  // namespace leadroute::pg
