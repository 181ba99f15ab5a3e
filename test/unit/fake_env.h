// The one fake of what routing asks the database (core/routing/env.h), shared by every unit test
// that routes: tickets count up from 1 per pool like one sequence per pool; the clock, local
// times, loads, outcomes, owed turns and accounts are whatever a test sets; every call is
// recorded so that tests can assert what routing asked.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/routing/env.h"

namespace leadroute::testing {

class FakeEnv : public RoutingEnv {
 public:
  int64_t take_ticket(const Pool& pool) override { return ++tickets[pool.id]; }
  int64_t now_us() override { return now; }
  LocalTime local_time(const std::string& timezone) override {
    timezones_asked.push_back(timezone);
    auto it = local_times.find(timezone);
    return it == local_times.end() ? LocalTime{} : it->second;
  }
  RepLoad rep_load(const Rep& rep, bool claim) override {
    load_calls.emplace_back(rep.id, claim);
    auto it = loads.find(rep.id);
    return it == loads.end() ? RepLoad{} : it->second;
  }
  std::unordered_map<int64_t, RepOutcomes> outcomes(const Pool& pool) override {
    auto it = pool_outcomes.find(pool.id);
    return it == pool_outcomes.end() ? std::unordered_map<int64_t, RepOutcomes>{} : it->second;
  }
  uint64_t performance_seed() override { return seed; }
  bool claim_owed_turn(const Pool& pool, int64_t rep_id) override {
    claims.emplace_back(pool.id, rep_id);
    int& n = owed[{pool.id, rep_id}];
    if (n <= 0) return false;
    --n;
    return true;
  }
  void owe_turn(const Pool& pool, int64_t rep_id) override {
    owes.emplace_back(pool.id, rep_id);
    ++owed[{pool.id, rep_id}];
  }
  std::unordered_map<int64_t, double> points(const Pool& pool) override {
    auto it = pool_points.find(pool.id);
    return it == pool_points.end() ? std::unordered_map<int64_t, double>{} : it->second;
  }
  void add_points(const Pool& pool, int64_t rep_id, double p) override {
    pool_points[pool.id][rep_id] += p;
  }
  // Accounts keyed the way the database keys them: by domain and by normalized name.
  void add_account(const AccountRecord& a, const std::vector<std::string>& domains,
                   const std::string& name) {
    for (const auto& d : domains) by_domain[d].push_back(a);
    by_name[name].push_back(a);
  }
  void find_accounts(AccountLookup lookup, std::string_view key, double,
                     std::vector<AccountRecord>* out) override {
    lookups.emplace_back(key);
    auto& index = lookup == AccountLookup::Domain ? by_domain : by_name;
    auto it = index.find(std::string(key));
    if (it == index.end()) return;
    for (const auto& a : it->second) out->push_back(a);
  }

  // Turns drawn from a pool so far.
  int64_t taken(int64_t pool_id) const {
    auto it = tickets.find(pool_id);
    return it == tickets.end() ? 0 : it->second;
  }

  std::map<int64_t, int64_t> tickets;
  int64_t now = 0;
  std::map<std::string, LocalTime> local_times;
  std::map<int64_t, RepLoad> loads;
  std::map<int64_t, std::unordered_map<int64_t, RepOutcomes>> pool_outcomes;
  std::map<int64_t, std::unordered_map<int64_t, double>> pool_points;  // pool → rep → points
  uint64_t seed = 0;                                // 0: performance draws seeded by the clock
  std::map<std::pair<int64_t, int64_t>, int> owed;  // (pool, rep) → turns owed
  std::map<std::string, std::vector<AccountRecord>> by_domain, by_name;

  std::vector<std::string> timezones_asked;
  std::vector<std::pair<int64_t, bool>> load_calls;       // (rep, claim)
  std::vector<std::pair<int64_t, int64_t>> claims, owes;  // (pool, rep)
  std::vector<std::string> lookups;                       // account keys asked for
};

}  // namespace leadroute::testing
