// What routing needs from PostgreSQL, as the core's RoutingEnv: rotation turns from each pool's
// sequence; and the enrichment hook.
#pragma once

#include <unordered_map>

#include "core/router.h"
#include "pg.h"
#include "state.h"

namespace leadroute::pg {

// Live routing: draws turns with nextval, which never waits for another transaction.
class PgRoutingEnv final : public RoutingEnv {
 public:
  int64_t take_ticket(const Pool& pool) override;
  void find_accounts(AccountLookup lookup, std::string_view key, double threshold,
                     std::vector<AccountRecord>* out) override;
};

// preview(): reads where each rotation stands and counts forward privately; moves nothing.
class PeekRoutingEnv final : public RoutingEnv {
 public:
  int64_t take_ticket(const Pool& pool) override;
  void find_accounts(AccountLookup lookup, std::string_view key, double threshold,
                     std::vector<AccountRecord>* out) override;

 private:
  std::unordered_map<int64_t, int64_t> next_;
};

// Calls leadroute.enrichment_function on the row, if one is set, and returns the row with the
// function's input columns (C++ style: errors arrive as PgError).
HeapTuple enrich_lead(HeapTuple tuple, TupleDesc tupdesc, const LeadLayout& layout);

// Called when pg_proc changes: the enrichment function is looked up again before its next call.
void forget_enrichment_function();

}  // namespace leadroute::pg
