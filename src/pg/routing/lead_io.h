// Converting leads between PostgreSQL and the core: a leadroute.leads tuple or a jsonb object
// into LeadValues (views into palloc'd memory), and a decision back into the tuple.
#pragma once

#include <string>

#include "core/lead/fields.h"
#include "core/lead/normalize.h"
#include "core/routing/router.h"
#include "pg/boundary/pg.h"
#include "pg/backend/state.h"

namespace leadroute::pg {

// Reads the input columns of `tuple` into `lead` (C style: may ereport; call through pg_call).
// `lead.attributes` must already have one slot per attribute path of `config`.
void read_lead_tuple(const LeadLayout& layout, TupleDesc tupdesc, HeapTuple tuple,
                     const AttributeRegistry& attributes, LeadValues* lead);

// Reads a lead given as a jsonb object (preview). Unknown keys and values of the wrong type raise
// an error that names the key (C style).
// strict: an unknown key is an error (preview); else it is ignored (backtest reads whole rows).
void read_lead_jsonb(Jsonb* json, const AttributeRegistry& attributes, LeadValues* lead,
                     bool strict = true);

// Routing outputs to store on the lead.
struct LeadOutputs {
  const LeadValues* normalized = nullptr;  // null: keep the inputs as they were
  const NormalizationResult* normalization = nullptr;
  const Decision* decision = nullptr;
  TimestampTz routed_at = 0;
};

// A copy of `tuple` with the outputs written (C style).
HeapTuple write_lead_outputs(const LeadLayout& layout, TupleDesc tupdesc, HeapTuple tuple,
                             const LeadOutputs& outputs);

}  // namespace leadroute::pg
