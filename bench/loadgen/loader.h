// Loads a generated organization into the cluster: leadroute's config tables and accounts, and
// the PL/pgSQL reference router compiled for it. Reloads only what changed since the last load
// (the spec is kept in public.leadroute_bench_state): a rules sweep rewrites the rules, growing
// the accounts from 1,000 to 1,000,000 appends.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "org.h"
#include "pg.h"

namespace leadroute::bench {

// The spec of the organization in the database, if any.
std::optional<OrgSpec> loaded_spec(Connection& c);

// Makes the database hold `spec`'s organization; `reference_sql` is the PL/pgSQL router's source.
// Prints what it did to stderr.
void load_org(Connection& c, const OrgSpec& spec, const std::vector<std::string>& reference_sql,
              bool fresh);

}  // namespace leadroute::bench
