// Per-backend state: the extension's catalog OIDs, the compiled configuration cache and its
// invalidation, the layout of leadroute.leads, and the routing options from the settings.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/lead/fields.h"
#include "core/lead/normalize.h"
#include "core/routing/router.h"
#include "pg/boundary/owner.h"
#include "pg/boundary/pg.h"
#include "pg/boundary/time.h"

namespace leadroute::pg {

// OIDs of the extension's relations, resolved by name once and again after any DDL on them.
struct Catalog {
  Oid schema;
  Oid reps, pools, pool_members, rules, freemail_domains, leads, decisions, assignments, time_off,
      territories, sla_policies, notifications, rulesets, shadow_decisions;
  Oid leads_owner_open_idx, assignments_rep_time_idx;
  Oid leads_id_seq;
  Oid owner;  // owner of leadroute.leads: the extension owner
  // 0.3.0: leads.id defaults to _new_lead_id(), so the trigger can tell supplied ids apart.
  bool tracks_lead_ids;
  // Before 0.3.0 (a new library on an old schema): row-level security on leads reads
  // _written_by_this_transaction(), so the leads written by this transaction are remembered.
  bool rls_on_leads;
  // 0.3.0: pools.points and assignments.points (points pools). Without them (a new library on an
  // old schema) no pool balances by points and assignments are written without the column.
  bool has_points;
  // 0.3.0: notifications.queue. Without it a library newer than the installed schema (a package
  // upgrade before ALTER EXTENSION UPDATE) writes no queue notifications.
  bool outbox_has_queue;
};

// Attribute numbers of leadroute.leads columns (0 when a column is absent).
struct LeadLayout {
  Oid relid;
  AttrNumber input[kFieldCount];  // input columns; derived fields are 0
  AttrNumber id, attributes, captured_at, email_domain, is_freemail, account_id, match_tier,
      owner_id, status, queue, rule_id, routing_model, routed_at, sla_due_at, escalations, pool_id,
      sla_policy_id, first_contact_at, converted_at;
};

struct BackendState {
  Catalog catalog{};
  bool catalog_valid = false;
  LeadLayout layout{};
  bool layout_valid = false;
  std::unique_ptr<RoutingConfig> config;
  bool config_valid = false;    // rules, reps, pools, members (and later territories, time off)
  bool freemail_valid = false;  // the free-mail list: large, reloaded only when it changes
  // The engine's own UPDATE of a lead (reroute) is not a manual reassignment.
  bool engine_updating = false;
};

BackendState& backend_state();

// Resolves the catalog; raises (C style) when the extension is not installed.
const Catalog& resolve_catalog();
// The layout of leadroute.leads for `tupdesc` (C style).
const LeadLayout& resolve_layout(TupleDesc tupdesc);
// The compiled configuration, loaded through SPI when a config table changed. C++ style: PostgreSQL
// errors arrive as PgError; a broken stored rule raises UserError.
const RoutingConfig& current_config();

void register_invalidation_callbacks();

RouteOptions route_options();

}  // namespace leadroute::pg
