// Lead-to-account lookups for routing: direct btree index probes (no SPI, no planning: about a
// microsecond per probe whatever the number of accounts), and pg_trgm for the fuzzy tier.
#pragma once

#include <string_view>
#include <vector>

#include "pg/boundary/pg.h"

namespace leadroute::pg {

// Appends the accounts matching `key` (see AccountSource::find_accounts). C++ style: PostgreSQL
// errors arrive as PgError.
void find_accounts(AccountLookup lookup, std::string_view key, double threshold,
                   std::vector<AccountRecord>* out);

}  // namespace leadroute::pg
