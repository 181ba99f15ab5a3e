// The generated sales organization: reps, pools, territories, accounts with their domains, and a
// first-match rule set of 10 to 10,000 rules. Everything is a pure function of the spec, so the
// three contenders, and reruns on other machines, route against the same organization.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "world.h"

namespace leadroute::bench {

struct OrgSpec {
  int reps = 1000;
  int64_t accounts = 1000;
  int rules = 1000;
  uint64_t seed = 42;
};

struct RepRow {
  int64_t id;
  std::string name, email, timezone;
  bool active;
  std::optional<int64_t> manager_id, backup_id;
  std::string notify_channel;  // email or slack
  std::optional<std::string> notify_address;
  Region region;
  bool on_time_off;  // away now (a week around the run), covered by backup_id
};

struct PoolRow {
  int64_t id;
  std::string name;
  Region region;
  std::vector<std::pair<int64_t, double>> members;  // rep id, weight
};

struct TerritoryRow {
  int64_t id;
  std::string name;
  int priority;
  std::string condition;
  int64_t pool_id;
};

struct RuleRow {
  int64_t id;
  std::string name;
  int priority;
  std::string condition;
  std::string action;  // account_owner, account_csm, rep, pool, territory, queue, nurture
  std::optional<int64_t> rep_id, pool_id;
  std::optional<std::string> queue;
};

struct AccountRow {
  int64_t id;
  std::string name;
  std::string domain;                       // registrable domain (acmerobotics17.co.uk)
  std::optional<std::string> website;       // https://www.<domain>/
  std::optional<std::string> extra_domain;  // a second domain (account_domains)
  std::optional<int64_t> owner_id, csm_id;
  std::string status;  // customer, prospect, churned
};

class Org {
 public:
  explicit Org(const OrgSpec& spec);

  const OrgSpec& spec() const { return spec_; }
  const std::vector<RepRow>& reps() const { return reps_; }
  const std::vector<PoolRow>& pools() const { return pools_; }
  const std::vector<TerritoryRow>& territories() const { return territories_; }
  const std::vector<RuleRow>& rules() const { return rules_; }
  // Account `k` (1-based). Accounts 1..n are the same for every n: growing the table from
  // 1,000 to 1,000,000 accounts only appends.
  AccountRow account(int64_t k) const;

  static constexpr int64_t kEnterprisePool = 1;
  static constexpr int64_t kGeneralPool = 2;
  // Rules every rule set starts with (customers, known accounts, nurture, partners, enterprise
  // demos) and ends with (territories, catch-all).
  static constexpr int kHeadRules = 5;
  static constexpr int kTailRules = 2;
  // Priority of the head rule that sends enterprise demo requests to the AE pool: the "early"
  // match of the rules probe.
  static constexpr int kEnterpriseRulePosition = 5;

 private:
  void make_reps();
  void make_pools();
  void make_territories();
  void make_rules();
  int64_t regional_pool(Region r, uint64_t salt) const;
  int64_t regional_rep(Region r, uint64_t salt) const;

  OrgSpec spec_;
  std::vector<RepRow> reps_;
  std::vector<PoolRow> pools_;
  std::vector<TerritoryRow> territories_;
  std::vector<RuleRow> rules_;
  std::vector<std::vector<int64_t>> pools_by_region_;
  std::vector<std::vector<int64_t>> reps_by_region_;
};

// The territory-like conditions of the rule set, coarsest first: regions, regions by company
// size, states or countries by size, then by source group, then by industry. A rule set of n
// rules uses the coarsest level that has enough cells, in a seeded order.
std::vector<std::string> rule_cells(int wanted, uint64_t seed, std::vector<Region>* regions);

}  // namespace leadroute::bench
