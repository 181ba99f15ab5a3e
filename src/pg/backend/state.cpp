#include "pg/backend/state.h"

#include <cstring>

#include "core/condition/condition.h"
#include "core/util/json.h"
#include "core/lead/text.h"
#include "pg/routing/conflict_probe.h"
#include "pg/boundary/errors.h"
#include "pg/backend/gucs.h"
#include "pg/routing/pg_env.h"
#include "pg/records/record_writer.h"
#include "pg/boundary/spi_util.h"

namespace leadroute::pg {

namespace {

BackendState* g_state = nullptr;

bool is_config_relation(const Catalog& c, Oid relid) {
  return relid == c.reps || relid == c.pools || relid == c.pool_members || relid == c.rules ||
         relid == c.time_off || relid == c.territories || relid == c.sla_policies ||
         relid == c.rulesets;
}

// Called by PostgreSQL when a relation's cache entry is invalidated: by DDL, by VACUUM and
// ANALYZE, and by the config_changed statement triggers of the config tables. Only flags are
// touched here. A change to leads, decisions or assignments (autovacuum, say) must not make every
// session reload its configuration.
void relcache_callback(Datum, Oid relid) {
  BackendState* s = g_state;
  if (!s) return;
  if (relid == InvalidOid) {
    s->config_valid = s->freemail_valid = s->catalog_valid = s->layout_valid = false;
    forget_lead_indexes();
    return;
  }
  // Compare with the last resolved OIDs even while they are due to be looked up again: a config
  // change that arrives in between must not be missed. (OIDs change only when the extension is
  // dropped, and that invalidates everything below anyway.)
  const Catalog& c = s->catalog;
  if (is_config_relation(c, relid)) s->config_valid = false;
  if (relid == c.freemail_domains) s->freemail_valid = false;
  if (relid == c.leads) {
    s->layout_valid = false;
    forget_lead_indexes();
  }
  // The relation may have been dropped (DROP EXTENSION): look the names up again next time.
  if (is_config_relation(c, relid) || relid == c.freemail_domains || relid == c.leads ||
      relid == c.decisions || relid == c.assignments || relid == c.notifications ||
      relid == c.shadow_decisions)
    s->catalog_valid = false;
}

// The function leadroute.name() or leadroute.name(arg), or InvalidOid.
Oid function_in(Oid schema, const char* name, Oid arg) {
  List* qualified = list_make2(makeString(get_namespace_name(schema)), makeString(pstrdup(name)));
  Oid args[1] = {arg};
  return LookupFuncName(qualified, OidIsValid(arg) ? 1 : 0, args, true);
}

Oid relation_in(Oid schema, const char* name) {
  Oid relid = get_relname_relid(name, schema);
  if (!OidIsValid(relid))
    ereport(ERROR,
            (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("relation leadroute.%s does not exist", name),
             errhint("The leadroute extension is damaged; reinstall it with "
                     "DROP EXTENSION leadroute; CREATE EXTENSION leadroute.")));
  return relid;
}

// ---- configuration loading -------------------------------------------------------------------

TextTable query(const char* sql) {
  return pg_call([&] { return spi_text_query(sql); });
}

int64_t to_int64(const char* s) {
  return s ? std::strtoll(s, nullptr, 10) : 0;
}
std::optional<int64_t> to_opt_int64(const char* s) {
  if (!s) return std::nullopt;
  return std::strtoll(s, nullptr, 10);
}
std::optional<int32_t> to_opt_int32(const char* s) {
  if (!s) return std::nullopt;
  return static_cast<int32_t>(std::strtol(s, nullptr, 10));
}
bool to_bool(const char* s) {
  return s && s[0] == 't';
}

std::vector<std::string> json_string_array(const char* s) {
  std::vector<std::string> out;
  if (!s) return out;
  JsonValue v = parse_json(s);
  for (const auto& item : v.array)
    if (item.type == JsonValue::Type::String) out.push_back(item.string);
  return out;
}

void load_reps(RoutingConfig& cfg) {
  TextTable t = query(
      "SELECT id, name, email, active, manager_id, backup_id, timezone, max_open_leads, "
      "max_daily_leads, pg_catalog.array_to_json(skills)::pg_catalog.text, "
      "working_hours::pg_catalog.text, notify_channel, notify_address "
      "FROM leadroute.reps");
  for (uint64 r = 0; r < t.rows; ++r) {
    Rep rep;
    rep.id = to_int64(t.cell(r, 0));
    rep.name = t.cell(r, 1) ? t.cell(r, 1) : "";
    rep.email = t.cell(r, 2) ? t.cell(r, 2) : "";
    rep.active = to_bool(t.cell(r, 3));
    rep.manager_id = to_opt_int64(t.cell(r, 4));
    rep.backup_id = to_opt_int64(t.cell(r, 5));
    rep.timezone = t.cell(r, 6) ? t.cell(r, 6) : "UTC";
    rep.max_open_leads = to_opt_int32(t.cell(r, 7));
    rep.max_daily_leads = to_opt_int32(t.cell(r, 8));
    try {
      rep.skills = json_string_array(t.cell(r, 9));
      if (t.cell(r, 10)) rep.working_hours = WorkingHours::parse(t.cell(r, 10));
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      rep.broken = "rep " + std::to_string(rep.id) + " (" + rep.name +
                   ") has unreadable skills or working_hours: " + e.what() +
                   " (fix it: UPDATE leadroute.reps SET working_hours = ... WHERE id = " +
                   std::to_string(rep.id) + ")";
    }
    rep.notify_channel = t.cell(r, 11) ? t.cell(r, 11) : "email";
    rep.notify_address = t.cell(r, 12) ? t.cell(r, 12) : "";
    cfg.reps.emplace(rep.id, std::move(rep));
  }
  // Absences, in unix microseconds (PostgreSQL counts from 2000-01-01). An infinite bound
  // ('infinity', '-infinity': an open-ended leave) is no bound.
  TextTable off = query(
      "SELECT rep_id,"
      " CASE WHEN pg_catalog.lower_inf(during) OR NOT pg_catalog.isfinite(pg_catalog.lower(during))"
      "  THEN NULL ELSE"
      "  (pg_catalog.date_part('epoch', pg_catalog.lower(during)) OPERATOR(pg_catalog.*) "
      "1000000)::pg_catalog.int8 END,"
      " CASE WHEN pg_catalog.upper_inf(during) OR NOT pg_catalog.isfinite(pg_catalog.upper(during))"
      "  THEN NULL ELSE"
      "  (pg_catalog.date_part('epoch', pg_catalog.upper(during)) OPERATOR(pg_catalog.*) "
      "1000000)::pg_catalog.int8 END,"
      " pg_catalog.lower_inc(during), pg_catalog.upper_inc(during), backup_id,"
      " CASE WHEN pg_catalog.upper_inf(during) OR NOT pg_catalog.isfinite(pg_catalog.upper(during))"
      "  THEN NULL ELSE pg_catalog.to_char(pg_catalog.upper(during), 'YYYY-MM-DD HH24:MI TZ') END"
      " FROM leadroute.time_off ORDER BY rep_id, id");
  for (uint64 r = 0; r < off.rows; ++r) {
    auto it = cfg.reps.find(to_int64(off.cell(r, 0)));
    if (it == cfg.reps.end()) continue;
    TimeOff t_off;
    t_off.start_us = to_opt_int64(off.cell(r, 1));
    t_off.end_us = to_opt_int64(off.cell(r, 2));
    t_off.start_inclusive = to_bool(off.cell(r, 3));
    t_off.end_inclusive = to_bool(off.cell(r, 4));
    t_off.backup_id = to_opt_int64(off.cell(r, 5));
    t_off.until = off.cell(r, 6) ? off.cell(r, 6) : "";
    it->second.time_off.push_back(std::move(t_off));
  }
}

// A stored condition, compiled. Conditions are checked when written, so this fails only if the
// language changed since; the error names the row and how to switch it off.
Condition compile_stored(const char* condition, AttributeRegistry& attributes, const char* what,
                         const std::string& name, const char* table, int64_t id) {
  try {
    return Condition::compile(condition, attributes);
  } catch (const ConditionError& e) {
    throw UserError(ERRCODE_INVALID_PARAMETER_VALUE,
                    std::string(what) + " \"" + name + "\" has an invalid condition: " + e.what(),
                    std::string("condition: ") + condition,
                    std::string("Fix or disable the ") + what + ": UPDATE leadroute." + table +
                        " SET enabled = false WHERE id = " + std::to_string(id) + ";");
  }
}

// compile_stored(), but a row it refuses is marked broken instead of stopping the load: only the
// leads that reach the row fail (RoutingConfig: `broken`). The placeholder condition keeps the
// row a candidate for every lead, so that nothing routes past it silently.
Condition compile_or_mark(const char* condition, AttributeRegistry& attributes, const char* what,
                          const std::string& name, const char* table, int64_t id,
                          std::string* broken) {
  try {
    return compile_stored(condition, attributes, what, name, table, id);
  } catch (const UserError& e) {
    *broken = std::string(e.what()) + " (" + e.hint() + ")";
    return Condition::compile("TRUE", attributes);
  }
}

void load_territories(RoutingConfig& cfg) {
  TextTable t = query(
      "SELECT id, name, priority, condition, pool_id, rep_id FROM leadroute.territories"
      " WHERE enabled");
  for (uint64 r = 0; r < t.rows; ++r) {
    Territory terr;
    terr.id = to_int64(t.cell(r, 0));
    terr.name = t.cell(r, 1) ? t.cell(r, 1) : "";
    terr.priority = static_cast<int32_t>(to_int64(t.cell(r, 2)));
    const char* condition = t.cell(r, 3) ? t.cell(r, 3) : "FALSE";
    terr.condition = compile_or_mark(condition, cfg.attributes, "territory", terr.name,
                                     "territories", terr.id, &terr.broken);
    terr.pool_id = to_opt_int64(t.cell(r, 4));
    terr.rep_id = to_opt_int64(t.cell(r, 5));
    cfg.territories.push_back(std::move(terr));
  }
}

void load_pools(RoutingConfig& cfg, Oid schema) {
  TextTable t = query(pg_call([] { return resolve_catalog().has_points; })
                          ? "SELECT id, name, strategy, overflow_pool_id, respect_working_hours,"
                            " absence_policy, points FROM leadroute.pools"
                          : "SELECT id, name, strategy, overflow_pool_id, respect_working_hours,"
                            " absence_policy, NULL FROM leadroute.pools");
  for (uint64 r = 0; r < t.rows; ++r) {
    Pool pool;
    pool.id = to_int64(t.cell(r, 0));
    pool.name = t.cell(r, 1) ? t.cell(r, 1) : "";
    pool.strategy = parse_strategy(t.cell(r, 2) ? t.cell(r, 2) : "").value_or(Strategy::RoundRobin);
    pool.overflow_pool_id = to_opt_int64(t.cell(r, 3));
    pool.respect_working_hours = to_bool(t.cell(r, 4));
    pool.absence_policy = t.cell(r, 5) && std::string_view(t.cell(r, 5)) == "catch_up"
                              ? AbsencePolicy::CatchUp
                              : AbsencePolicy::Skip;
    if (const char* points = t.cell(r, 6)) {
      // Checked when written (pools_points_check); a row the language no longer accepts fails
      // only the leads that reach the pool.
      try {
        pool.points =
            std::make_shared<PointsExpression>(PointsExpression::compile(points, cfg.attributes));
      } catch (const ConditionError& e) {
        pool.broken = "pool \"" + pool.name + "\" has an invalid points expression: " + e.what() +
                      " (fix it: UPDATE leadroute.pools SET points = ... WHERE id = " +
                      std::to_string(pool.id) + ")";
      }
    }
    std::string seq_name = "_pool_turns_" + std::to_string(pool.id);
    pool.cursor_handle = pg_call([&] { return get_relname_relid(seq_name.c_str(), schema); });
    seq_name += "_shadow";
    pool.shadow_cursor_handle =
        pg_call([&] { return get_relname_relid(seq_name.c_str(), schema); });
    cfg.pools.emplace(pool.id, std::move(pool));
  }
  TextTable m =
      query("SELECT pool_id, rep_id, weight::pg_catalog.float8 FROM leadroute.pool_members");
  for (uint64 r = 0; r < m.rows; ++r) {
    auto it = cfg.pools.find(to_int64(m.cell(r, 0)));
    if (it == cfg.pools.end()) continue;
    PoolMember member;
    member.rep_id = to_int64(m.cell(r, 1));
    member.weight = m.cell(r, 2) ? std::strtod(m.cell(r, 2), nullptr) : 1.0;
    it->second.members.push_back(member);
  }
}

// The live rules (no ruleset) and the enabled rules of every shadow ruleset, grouped by ruleset.
void load_rules(RoutingConfig& cfg) {
  bool rulesets = OidIsValid(resolve_catalog().rulesets);
  TextTable t = query(
      !rulesets ? "SELECT NULL, id, name, priority, condition, action, rep_id, pool_id, queue, "
                  "pg_catalog.array_to_json(required_skills)::pg_catalog.text "
                  "FROM leadroute.rules WHERE enabled"
                : "SELECT r.ruleset, r.id, r.name, r.priority, r.condition, r.action, r.rep_id, "
                  "r.pool_id, "
                  "r.queue, pg_catalog.array_to_json(r.required_skills)::pg_catalog.text "
                  "FROM leadroute.rules r LEFT JOIN leadroute.rulesets s ON s.name "
                  "OPERATOR(pg_catalog.=) "
                  "r.ruleset WHERE r.enabled AND (r.ruleset IS NULL OR s.mode "
                  "OPERATOR(pg_catalog.=) 'shadow') "
                  "ORDER BY r.ruleset NULLS FIRST");
  cfg.rules.reserve(t.rows);
  for (uint64 r = 0; r < t.rows; ++r) {
    std::vector<Rule>* target = &cfg.rules;
    if (t.cell(r, 0)) {
      if (cfg.shadow_rulesets.empty() || cfg.shadow_rulesets.back().name != t.cell(r, 0)) {
        cfg.shadow_rulesets.emplace_back();
        cfg.shadow_rulesets.back().name = t.cell(r, 0);
      }
      target = &cfg.shadow_rulesets.back().rules;
    }
    Rule rule;
    rule.id = to_int64(t.cell(r, 1));
    rule.name = t.cell(r, 2) ? t.cell(r, 2) : "";
    rule.priority = static_cast<int32_t>(to_int64(t.cell(r, 3)));
    const char* condition = t.cell(r, 4) ? t.cell(r, 4) : "TRUE";
    rule.condition = compile_or_mark(condition, cfg.attributes, "rule", rule.name, "rules", rule.id,
                                     &rule.broken);
    rule.action = parse_action(t.cell(r, 5) ? t.cell(r, 5) : "").value_or(Action::Queue);
    rule.rep_id = to_opt_int64(t.cell(r, 6));
    rule.pool_id = to_opt_int64(t.cell(r, 7));
    if (t.cell(r, 8)) rule.queue = std::string(t.cell(r, 8));
    try {
      rule.required_skills = json_string_array(t.cell(r, 9));
      for (const auto& skill : rule.required_skills)
        rule.skill_templates.push_back(SkillTemplate::parse(skill));
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      rule.broken = "rule \"" + rule.name + "\" (id " + std::to_string(rule.id) +
                    ") has unreadable required_skills: " + e.what() +
                    " (fix it: UPDATE leadroute.rules SET required_skills = ... WHERE id = " +
                    std::to_string(rule.id) + ")";
      rule.required_skills.clear();
      rule.skill_templates.clear();
    }
    target->push_back(std::move(rule));
  }
}

void load_sla_policies(RoutingConfig& cfg) {
  TextTable t = query(
      "SELECT id, name, priority, condition, response_minutes, business_hours"
      " FROM leadroute.sla_policies WHERE enabled");
  for (uint64 r = 0; r < t.rows; ++r) {
    SlaPolicy p;
    p.id = to_int64(t.cell(r, 0));
    p.name = t.cell(r, 1) ? t.cell(r, 1) : "";
    p.priority = static_cast<int32_t>(to_int64(t.cell(r, 2)));
    const char* condition = t.cell(r, 3) ? t.cell(r, 3) : "TRUE";
    p.condition = compile_or_mark(condition, cfg.attributes, "SLA policy", p.name, "sla_policies",
                                  p.id, &p.broken);
    p.response_minutes = static_cast<int32_t>(to_int64(t.cell(r, 4)));
    p.business_hours = to_bool(t.cell(r, 5));
    cfg.sla_policies.push_back(std::move(p));
  }
}

void load_freemail(RoutingConfig& cfg) {
  TextTable t = query("SELECT domain FROM leadroute.freemail_domains");
  cfg.freemail_domains.reserve(t.rows);
  for (uint64 r = 0; r < t.rows; ++r)
    if (t.cell(r, 0)) cfg.freemail_domains.insert(t.cell(r, 0));
}

// Loads the routing configuration; the free-mail list is carried over from `previous` unless it
// changed (it is the large part: ~15,000 domains, a few milliseconds).
std::unique_ptr<RoutingConfig> load_config(Oid schema, RoutingConfig* previous,
                                           bool reload_freemail) {
  auto cfg = std::make_unique<RoutingConfig>();
  pg_call([] { spi_connect(); });
  load_reps(*cfg);
  load_pools(*cfg, schema);
  load_rules(*cfg);
  load_territories(*cfg);
  load_sla_policies(*cfg);
  if (reload_freemail || !previous)
    load_freemail(*cfg);
  else
    cfg->freemail_domains = std::move(previous->freemail_domains);
  pg_call([] { spi_finish(); });
  cfg->finalize();
  return cfg;
}

// A function was created, replaced or dropped: forget the resolved enrichment function.
void procedure_callback(Datum, int, uint32) {
  forget_enrichment_function();
}

}  // namespace

BackendState& backend_state() {
  if (!g_state) g_state = new BackendState();
  return *g_state;
}

const Catalog& resolve_catalog() {
  BackendState& s = backend_state();
  if (s.catalog_valid) return s.catalog;
  Catalog c{};
  c.schema = get_namespace_oid("leadroute", true);
  if (!OidIsValid(c.schema))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_SCHEMA), errmsg("schema leadroute does not exist"),
                    errhint("Run CREATE EXTENSION leadroute.")));
  c.reps = relation_in(c.schema, "reps");
  c.pools = relation_in(c.schema, "pools");
  c.pool_members = relation_in(c.schema, "pool_members");
  c.rules = relation_in(c.schema, "rules");
  c.freemail_domains = relation_in(c.schema, "freemail_domains");
  c.leads = relation_in(c.schema, "leads");
  c.decisions = relation_in(c.schema, "decisions");
  c.assignments = relation_in(c.schema, "assignments");
  c.time_off = relation_in(c.schema, "time_off");
  c.territories = relation_in(c.schema, "territories");
  c.sla_policies = relation_in(c.schema, "sla_policies");
  c.notifications = relation_in(c.schema, "notifications");
  // Absent until ALTER EXTENSION leadroute UPDATE reaches 0.2.0: routing goes on without shadow
  // mode meanwhile (a new library on an old schema must not stop inserts).
  c.rulesets = get_relname_relid("rulesets", c.schema);
  c.shadow_decisions = get_relname_relid("shadow_decisions", c.schema);
  c.leads_owner_open_idx = relation_in(c.schema, "leads_owner_open_idx");
  c.assignments_rep_time_idx = relation_in(c.schema, "assignments_rep_time_idx");
  c.leads_id_seq = get_relname_relid("leads_id_seq", c.schema);
  c.tracks_lead_ids = OidIsValid(function_in(c.schema, "_new_lead_id", InvalidOid));
  c.rls_on_leads = OidIsValid(function_in(c.schema, "_written_by_this_transaction", INT8OID));
  c.has_points = get_attnum(c.pools, "points") != InvalidAttrNumber &&
                 get_attnum(c.assignments, "points") != InvalidAttrNumber;
  c.outbox_has_queue = get_attnum(c.notifications, "queue") != InvalidAttrNumber;
  HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(c.leads));
  if (!HeapTupleIsValid(tup)) elog(ERROR, "cache lookup failed for relation %u", c.leads);
  c.owner = reinterpret_cast<Form_pg_class>(GETSTRUCT(tup))->relowner;
  ReleaseSysCache(tup);
  s.catalog = c;
  s.catalog_valid = true;
  return s.catalog;
}

const LeadLayout& resolve_layout(TupleDesc tupdesc) {
  BackendState& s = backend_state();
  const Catalog& c = resolve_catalog();
  if (s.layout_valid && s.layout.relid == c.leads) return s.layout;
  LeadLayout l{};
  l.relid = c.leads;
  auto attnum = [&](const char* name) -> AttrNumber {
    int n = SPI_fnumber(tupdesc, name);
    return n > 0 ? static_cast<AttrNumber>(n) : 0;
  };
  for (const auto& f : all_fields())
    if (!f.derived) l.input[static_cast<size_t>(f.id)] = attnum(f.name);
  l.id = attnum("id");
  l.attributes = attnum("attributes");
  l.captured_at = attnum("captured_at");
  l.email_domain = attnum("email_domain");
  l.is_freemail = attnum("is_freemail");
  l.account_id = attnum("account_id");
  l.match_tier = attnum("match_tier");
  l.owner_id = attnum("owner_id");
  l.status = attnum("status");
  l.queue = attnum("queue");
  l.rule_id = attnum("rule_id");
  l.routing_model = attnum("routing_model");
  l.routed_at = attnum("routed_at");
  l.sla_due_at = attnum("sla_due_at");
  l.escalations = attnum("escalations");
  l.pool_id = attnum("pool_id");
  l.sla_policy_id = attnum("sla_policy_id");
  l.first_contact_at = attnum("first_contact_at");
  l.converted_at = attnum("converted_at");
  if (!l.id || !l.owner_id || !l.status || !l.queue || !l.routed_at || !l.rule_id ||
      !l.routing_model)
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("leadroute.leads lacks a column that routing writes"),
                    errhint("Columns id, owner_id, status, queue, rule_id, routing_model and "
                            "routed_at are required; do not drop them.")));
  s.layout = l;
  s.layout_valid = true;
  return s.layout;
}

const RoutingConfig& current_config() {
  BackendState& s = backend_state();
  Oid schema = pg_call([] { return resolve_catalog().schema; });
  if (s.config_valid && s.freemail_valid && s.config) return *s.config;
  // Valid from now on unless an invalidation arrives while loading (then the next lead reloads).
  bool reload_freemail = !s.freemail_valid;
  s.config_valid = s.freemail_valid = true;
  try {
    s.config = load_config(schema, s.config.get(), reload_freemail);
  } catch (...) {
    s.config_valid = false;
    s.freemail_valid = false;
    throw;
  }
  return *s.config;
}

void register_invalidation_callbacks() {
  CacheRegisterRelcacheCallback(relcache_callback, 0);
  CacheRegisterSyscacheCallback(PROCOID, procedure_callback, 0);
}

RouteOptions route_options() {
  RouteOptions o;
  o.default_queue = guc_default_queue ? guc_default_queue : "unrouted";
  o.trace = guc_trace == TRACE_FULL      ? TraceLevel::Full
            : guc_trace == TRACE_COMPACT ? TraceLevel::Compact
                                         : TraceLevel::Off;
  return o;
}

}  // namespace leadroute::pg
