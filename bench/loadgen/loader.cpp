#include "loader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "world.h"

namespace leadroute::bench {

namespace {

void copy_field(std::string* out, const std::optional<std::string>& v) {
  if (!v) {
    out->append("\\N");
    return;
  }
  for (char c : *v) {
    if (c == '\\' || c == '\t' || c == '\n') out->push_back('\\');
    out->push_back(c == '\t' ? 't' : (c == '\n' ? 'n' : c));
  }
}

std::optional<std::string> opt_id(const std::optional<int64_t>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}

// Appends one COPY text line.
void copy_line(std::string* out, std::initializer_list<std::optional<std::string>> fields) {
  bool first = true;
  for (const auto& f : fields) {
    if (!first) out->push_back('\t');
    first = false;
    copy_field(out, f);
  }
  out->push_back('\n');
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void load_people(Connection& c, const Org& org) {
  std::string reps, time_off;
  for (const RepRow& r : org.reps()) {
    copy_line(&reps,
              {std::to_string(r.id), r.name, r.email, r.timezone, r.active ? "t" : "f",
               opt_id(r.manager_id), opt_id(r.backup_id), r.notify_channel, r.notify_address});
    if (r.on_time_off) copy_line(&time_off, {std::to_string(r.id), opt_id(r.backup_id)});
  }
  c.copy_in(
      "COPY leadroute.reps (id, name, email, timezone, active, manager_id, backup_id, "
      "notify_channel, notify_address) FROM STDIN",
      reps);
  c.exec("CREATE TEMP TABLE bench_time_off (rep_id bigint, backup_id bigint)");
  c.copy_in("COPY bench_time_off FROM STDIN", time_off);
  // Away from a day before the run to a month after it.
  c.exec(
      "INSERT INTO leadroute.time_off (rep_id, during, backup_id, reason) "
      "SELECT rep_id, tstzrange(now() - interval '1 day', now() + interval '30 days'), backup_id, "
      "'vacation' FROM bench_time_off; DROP TABLE bench_time_off");

  std::string pools, members, territories;
  for (const PoolRow& p : org.pools()) {
    copy_line(&pools, {std::to_string(p.id), p.name});
    for (const auto& [rep, weight] : p.members) {
      char w[32];
      std::snprintf(w, sizeof w, "%.3f", weight);
      copy_line(&members, {std::to_string(p.id), std::to_string(rep), std::string(w)});
    }
  }
  c.copy_in("COPY leadroute.pools (id, name) FROM STDIN", pools);
  c.copy_in("COPY leadroute.pool_members (pool_id, rep_id, weight) FROM STDIN", members);
  for (const TerritoryRow& t : org.territories())
    copy_line(&territories, {std::to_string(t.id), t.name, std::to_string(t.priority), t.condition,
                             std::to_string(t.pool_id)});
  c.copy_in("COPY leadroute.territories (id, name, priority, condition, pool_id) FROM STDIN",
            territories);
  c.exec(
      "SELECT setval(pg_get_serial_sequence('leadroute.reps', 'id'), (SELECT max(id) FROM "
      "leadroute.reps)); SELECT setval(pg_get_serial_sequence('leadroute.pools', 'id'), (SELECT "
      "max(id) FROM leadroute.pools)); SELECT setval(pg_get_serial_sequence('leadroute."
      "territories', 'id'), (SELECT max(id) FROM leadroute.territories))");
}

void load_rules(Connection& c, const Org& org) {
  std::string rules;
  for (const RuleRow& r : org.rules())
    copy_line(&rules, {std::to_string(r.id), r.name, std::to_string(r.priority), r.condition,
                       r.action, opt_id(r.rep_id), opt_id(r.pool_id), r.queue});
  c.exec("DELETE FROM leadroute.rules");
  c.copy_in(
      "COPY leadroute.rules (id, name, priority, condition, action, rep_id, pool_id, queue) FROM "
      "STDIN",
      rules);
  c.exec(
      "SELECT setval(pg_get_serial_sequence('leadroute.rules', 'id'), (SELECT max(id) FROM "
      "leadroute.rules))");
}

// Accounts first..last (1-based), in COPY batches of 100,000.
void load_accounts(Connection& c, const Org& org, int64_t first, int64_t last) {
  constexpr int64_t kBatch = 100000;
  for (int64_t from = first; from <= last; from += kBatch) {
    int64_t to = std::min(last, from + kBatch - 1);
    std::string accounts, domains;
    for (int64_t k = from; k <= to; ++k) {
      AccountRow a = org.account(k);
      copy_line(&accounts, {std::to_string(a.id), a.name, a.domain, a.website, opt_id(a.owner_id),
                            opt_id(a.csm_id), a.status});
      if (a.extra_domain) copy_line(&domains, {*a.extra_domain, std::to_string(a.id)});
    }
    c.copy_in(
        "COPY leadroute.accounts (id, name, domain, website, owner_id, csm_id, status) FROM STDIN",
        accounts);
    c.copy_in("COPY leadroute.account_domains (domain, account_id) FROM STDIN", domains);
  }
  c.exec(
      "SELECT setval(pg_get_serial_sequence('leadroute.accounts', 'id'), greatest(1, (SELECT "
      "max(id) FROM leadroute.accounts)))");
}

}  // namespace

std::optional<OrgSpec> loaded_spec(Connection& c) {
  if (c.value("SELECT to_regclass('public.leadroute_bench_state')::text").empty()) return {};
  Result r = c.query("SELECT reps, accounts, rules, seed FROM public.leadroute_bench_state");
  if (r.rows() != 1 || r.is_null(0, 0)) return {};
  OrgSpec s;
  s.reps = static_cast<int>(r.number(0, 0));
  s.accounts = static_cast<int64_t>(r.number(0, 1));
  s.rules = static_cast<int>(r.number(0, 2));
  s.seed = std::stoull(r.text(0, 3));
  return s;
}

void load_org(Connection& c, const OrgSpec& spec, const std::vector<std::string>& reference_sql,
              bool fresh) {
  auto started = std::chrono::steady_clock::now();
  Org org(spec);
  std::optional<OrgSpec> loaded = fresh ? std::nullopt : loaded_spec(c);
  // What the database holds; accounts and rules 0 when nothing is loaded.
  OrgSpec have{0, 0, 0, 0};
  if (loaded) have = *loaded;
  c.exec("SET client_min_messages = warning; SET synchronous_commit = off");
  bool rebuild = !loaded || have.reps != spec.reps || have.seed != spec.seed;
  if (rebuild) {
    std::cerr << "loading a new organization: " << spec.reps << " reps, seed " << spec.seed << "\n";
    c.exec(
        "DROP TABLE IF EXISTS public.leadroute_bench_state; "
        "DROP SCHEMA IF EXISTS bench_router CASCADE; DROP EXTENSION IF EXISTS leadroute CASCADE; "
        "CREATE EXTENSION leadroute CASCADE");
    c.exec(
        "CREATE TABLE public.leadroute_bench_state (reps integer, accounts bigint, rules "
        "integer, seed numeric); INSERT INTO public.leadroute_bench_state VALUES (NULL, 0, 0, 0)");
    load_people(c, org);
    have = OrgSpec{spec.reps, 0, 0, spec.seed};
  }
  if (have.accounts != spec.accounts) {
    if (spec.accounts > have.accounts) {
      std::cerr << "adding accounts " << have.accounts + 1 << ".." << spec.accounts << "\n";
      load_accounts(c, org, have.accounts + 1, spec.accounts);
    } else {
      std::cerr << "keeping accounts 1.." << spec.accounts << "\n";
      c.exec("DELETE FROM leadroute.accounts WHERE id > " + std::to_string(spec.accounts));
    }
    c.exec("VACUUM ANALYZE leadroute.accounts");
    c.exec("VACUUM ANALYZE leadroute.account_domains");
  }
  if (have.rules != spec.rules) {
    std::cerr << "loading " << spec.rules << " rules\n";
    c.exec(
        "TRUNCATE leadroute.leads, leadroute.decisions, leadroute.assignments, "
        "leadroute.notifications");
    load_rules(c, org);
  }
  // The PL/pgSQL routers are (re)created on every load: each drops and recreates its own schema
  // and trigger, so a changed source takes effect without reloading the organization.
  for (const std::string& sql : reference_sql) c.exec(sql);
  std::cerr << c.value("SELECT bench_router.compile()") << "\n";
  std::cerr << c.value("SELECT bench_lean.compile()") << "\n";
  c.exec("ANALYZE");
  c.exec("UPDATE public.leadroute_bench_state SET reps = " + std::to_string(spec.reps) +
         ", accounts = " + std::to_string(spec.accounts) +
         ", rules = " + std::to_string(spec.rules) + ", seed = " + std::to_string(spec.seed));
  char took[64];
  std::snprintf(took, sizeof took, "%.1f", seconds_since(started));
  std::cerr << "organization ready in " << took << " s\n";
}

}  // namespace leadroute::bench
